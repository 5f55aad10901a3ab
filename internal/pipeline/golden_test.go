package pipeline

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"

	"borderwatch"
)

var update = flag.Bool("update", false, "rewrite golden files")

// sentenceCase is one of our own sentences with what a careful coder
// would say of its main event, written by hand before the rules.
type sentenceCase struct {
	Text      string `json:"text"`
	Published string `json:"published"`
	Want      struct {
		Event       string   `json:"event"`
		Actors      []string `json:"actor_countries"`
		Recipients  []string `json:"recipient_countries"`
		Modality    string   `json:"modality"`
		Attribution string   `json:"attribution"`
	} `json:"want"`
}

// TestSentences checks type, actor and recipient countries, modality and
// attribution of the most confident event of each hand-coded sentence
// (at least 90% must be right on every count), and pins the whole output
// in a golden file so that any change of behaviour shows in review.
func TestSentences(t *testing.T) {
	for _, name := range []string{"sentences", "sentences-world", "sentences-news"} {
		t.Run(name, func(t *testing.T) { checkSentences(t, name) })
	}
}

func checkSentences(t *testing.T, name string) {
	raw, err := os.ReadFile("testdata/" + name + ".json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []sentenceCase
	if err := json.Unmarshal(raw, &cases); err != nil {
		t.Fatal(err)
	}
	x := testExtractor(t)
	var golden bytes.Buffer
	right := map[string]int{}
	for i, c := range cases {
		pub, err := ParseTime(c.Published)
		if err != nil {
			t.Fatal(err)
		}
		res, err := x.Extract(borderwatch.Document{ID: fmt.Sprintf("s%02d", i), Published: pub, Text: c.Text})
		if err != nil {
			t.Fatalf("%q: %v", c.Text, err)
		}
		fmt.Fprintf(&golden, "# %s\n", c.Text)
		for _, ev := range res.Events {
			fmt.Fprintln(&golden, summary(ev))
		}
		if len(res.Events) == 0 {
			t.Errorf("no event: %q", c.Text)
			continue
		}
		top := res.Events[0]
		check := func(field string, ok bool, got, want any) {
			if ok {
				right[field]++
			} else {
				t.Logf("%s: got %v, want %v: %q", field, got, want, c.Text)
			}
		}
		check("event", top.Event == c.Want.Event, top.Event, c.Want.Event)
		check("actor", equalSets(countriesOf(top.Actor), c.Want.Actors), countriesOf(top.Actor), c.Want.Actors)
		if c.Want.Recipients != nil {
			check("recipient", equalSets(countriesOf(top.Recipient), c.Want.Recipients), countriesOf(top.Recipient), c.Want.Recipients)
		} else {
			right["recipient"]++
		}
		check("modality", top.Modality == c.Want.Modality, top.Modality, c.Want.Modality)
		gotAttr := ""
		if len(top.Attribution) > 0 {
			gotAttr = top.Attribution[0].Name
		}
		check("attribution", c.Want.Attribution == "" && gotAttr == "" || c.Want.Attribution != "" && strings.Contains(gotAttr, c.Want.Attribution),
			gotAttr, c.Want.Attribution)
	}
	for _, f := range []string{"event", "actor", "recipient", "modality", "attribution"} {
		t.Logf("%-12s %d/%d", f, right[f], len(cases))
		if float64(right[f]) < 0.9*float64(len(cases)) {
			t.Errorf("%s right on %d of %d sentences, want >= 90%%", f, right[f], len(cases))
		}
	}
	path := "testdata/" + name + ".golden"
	if *update {
		if err := os.WriteFile(path, golden.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(want, golden.Bytes()) {
		t.Errorf("output differs from %s; review with go test -run TestSentences -update && git diff", path)
	}
}

// summary is one event on one line, every field the coder decides.
func summary(ev borderwatch.Event) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s%v actor=%v recipient=%v modality=%s", ev.Event, ev.Mode, names(ev.Actor), names(ev.Recipient), ev.Modality)
	if ev.Date != nil {
		fmt.Fprintf(&b, " date=%s..%s", *ev.Date, *ev.EndDate)
	}
	if ev.EventLoc != nil {
		fmt.Fprintf(&b, " loc=%q/%s/%s", ev.EventLoc.Name, ev.EventLoc.Country, ev.EventLoc.Precision)
	}
	if s := ev.Size; s != nil {
		for _, kv := range []struct {
			k string
			v *int
		}{{"dead", s.Dead}, {"injured", s.Injured}, {"arrested", s.Arrested}, {"count", s.Count}} {
			if kv.v != nil {
				fmt.Fprintf(&b, " %s=%d", kv.k, *kv.v)
			}
		}
		if s.Unit != nil {
			fmt.Fprintf(&b, " unit=%q", *s.Unit)
		}
	}
	for _, a := range ev.Attribution {
		fmt.Fprintf(&b, " source=%q%v", a.Name, a.Via)
	}
	fmt.Fprintf(&b, " trigger=%q conf=%.2f", ev.Trigger, ev.Confidence)
	return b.String()
}

func names(es []borderwatch.Entity) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.Name + "/" + e.Country + "/" + e.Sector
	}
	return out
}

func countriesOf(es []borderwatch.Entity) []string {
	seen := map[string]bool{}
	var out []string
	for _, e := range es {
		if e.Country != "" && !seen[e.Country] {
			seen[e.Country] = true
			out = append(out, e.Country)
		}
	}
	sort.Strings(out)
	return out
}

func equalSets(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
