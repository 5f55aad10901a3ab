package geo

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files")

var (
	loadOnce sync.Once
	shared   *Gazetteer
	loadErr  error
)

// gaz loads the embedded gazetteer once for all tests.
func gaz(t testing.TB) *Gazetteer {
	t.Helper()
	loadOnce.Do(func() { shared, loadErr = Load() })
	if loadErr != nil {
		t.Fatalf("Load: %v", loadErr)
	}
	return shared
}

// mentionCase is one row of testdata/mentions.tsv.
type mentionCase struct {
	line                          int
	context, sentence, mention    string
	name, country, precision, brd string
	lat, lon                      float64
	hasPoint                      bool
}

func readMentions(t *testing.T) []mentionCase {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "mentions.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []mentionCase
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		n++
		row := sc.Text()
		if row == "" || strings.HasPrefix(row, "#") {
			continue
		}
		c := strings.Split(row, "\t")
		if len(c) != 9 {
			t.Fatalf("mentions.tsv line %d: %d columns, want 9", n, len(c))
		}
		mc := mentionCase{line: n, context: c[0], sentence: c[1], mention: c[2], name: c[3], country: c[4], precision: c[7], brd: c[8]}
		if c[5] != "-" {
			lat, err1 := strconv.ParseFloat(c[5], 64)
			lon, err2 := strconv.ParseFloat(c[6], 64)
			if err1 != nil || err2 != nil {
				t.Fatalf("mentions.tsv line %d: bad point %q %q", n, c[5], c[6])
			}
			mc.lat, mc.lon, mc.hasPoint = lat, lon, true
		}
		if !strings.Contains(mc.sentence, mc.mention) {
			t.Fatalf("mentions.tsv line %d: %q not in the sentence", n, mc.mention)
		}
		out = append(out, mc)
	}
	return out
}

// outcome of one mention: right, flagged (ambiguous or not found: allowed
// for a few), or wrong (resolved silently to another place).
type outcome int

const (
	right outcome = iota
	flagged
	wrong
)

// judge runs one mention and returns the outcome, a description and the
// source of the place it resolved to.
func (g *Gazetteer) judge(mc mentionCase) (outcome, string, string) {
	text := mc.sentence
	var dc *DocContext
	if mc.context != "-" {
		dc = g.NewDocContext(mc.context + ". " + mc.sentence)
	} else {
		dc = g.NewDocContext(mc.sentence)
	}
	ms := g.Find(text, dc)
	start := strings.Index(text, mc.mention)
	end := start + len(mc.mention)
	var found *PlaceMention
	for i := range ms {
		if ms[i].Start < end && ms[i].End > start {
			found = &ms[i]
			break
		}
	}
	if mc.name == "-" {
		if found != nil {
			return wrong, fmt.Sprintf("%q fired as %s (%s)", mc.mention, found.Loc.Name, found.Loc.Country), ""
		}
		return right, "", ""
	}
	if found == nil {
		return flagged, fmt.Sprintf("%q not found", mc.mention), ""
	}
	if mc.name == "?" {
		if found.Ambiguous {
			return right, "", ""
		}
		return wrong, fmt.Sprintf("%q resolved to %s without flagging ambiguity", mc.mention, found.Loc.Name), ""
	}
	got := found.Loc
	desc := fmt.Sprintf("%q -> %s %s %s", mc.mention, got.Name, got.Country, got.Precision)
	if got.Lat != nil {
		desc += fmt.Sprintf(" %.3f,%.3f", *got.Lat, *got.Lon)
	}
	if found.Text != mc.mention {
		desc += fmt.Sprintf(" (span %q)", found.Text)
	}
	ok := true
	switch mc.precision {
	case "border":
		ok = got.Precision == "border" && got.Border != nil && *got.Border == mc.brd
	case "city", "district":
		// A district is placed at its centre town, so the two readings
		// share a point; the point decides.
		ok = (got.Precision == "city" || got.Precision == "district") && got.Country == mc.country &&
			got.Lat != nil && DistanceKm(mc.lat, mc.lon, *got.Lat, *got.Lon) <= 25
	case "site":
		ok = got.Precision == "site" && got.Country == mc.country && got.Lat != nil &&
			DistanceKm(mc.lat, mc.lon, *got.Lat, *got.Lon) <= 25
	default: // areas: the right area by name and country
		ok = got.Precision == mc.precision && got.Country == mc.country && g.named(got.Name, got.Country, mc.name)
	}
	src := ""
	if len(found.Candidates) > 0 {
		src = found.Candidates[0].Source
	}
	if ok {
		return right, desc, src
	}
	if found.Ambiguous {
		return flagged, desc + " (flagged ambiguous)", src
	}
	return wrong, desc, src
}

// named reports whether the place called name in country is known under want.
func (g *Gazetteer) named(name, country, want string) bool {
	if Fold(name) == Fold(want) {
		return true
	}
	for _, i := range g.keyPlaces(Fold(want)) {
		if p := &g.places[i]; p.Name == name && p.Country == country {
			return true
		}
	}
	return false
}

func TestMentions(t *testing.T) {
	g := gaz(t)
	cases := readMentions(t)
	if len(cases) < 150 {
		t.Fatalf("mentions.tsv has %d mentions, want >= 150", len(cases))
	}
	var nRight, nFlagged, nWrong int
	manual := map[string]bool{}
	for _, mc := range cases {
		o, desc, src := g.judge(mc)
		switch o {
		case right:
			nRight++
			if strings.HasPrefix(src, "manual") {
				manual[mc.name] = true
			}
		case flagged:
			nFlagged++
			t.Logf("line %d flagged: %s", mc.line, desc)
		case wrong:
			nWrong++
			t.Errorf("line %d WRONG: %s (want %s %s %s)", mc.line, desc, mc.name, mc.country, mc.precision)
		}
	}
	names := make([]string, 0, len(manual))
	for n := range manual {
		names = append(names, n)
	}
	sort.Strings(names)
	t.Logf("%d places resolved from a manual-only source: %s", len(names), strings.Join(names, ", "))
	rate := float64(nRight) / float64(len(cases))
	t.Logf("%d mentions: %d right (%.1f%%), %d flagged ambiguous/unknown, %d wrong", len(cases), nRight, 100*rate, nFlagged, nWrong)
	if rate < 0.95 {
		t.Errorf("right rate %.3f, want >= 0.95", rate)
	}
}

// TestCommonWordsDoNotFire: capitalised words and names that GeoNames also
// lists as towns must not become places without a reason.
func TestCommonWordsDoNotFire(t *testing.T) {
	g := gaz(t)
	for _, s := range []string{
		"Mobile phones were confiscated at the post.",
		"Orange smoke rose over the hills.",
		"Temple guards said nothing.",
		"Forbes reported the figures on Monday.",
		"Victoria Nuland met the minister.",
		"Jackson told reporters the talks failed.",
		"The Voice of America interviewed him.",
		"Police Chief Ahmad Khan resigned.",
		"The UN envoy arrived late.",
	} {
		for _, m := range g.Find(s, nil) {
			if m.Loc.Precision != "country" {
				t.Errorf("%q: %q fired as %s (%s)", s, m.Text, m.Loc.Name, m.Loc.Country)
			}
		}
	}
}
