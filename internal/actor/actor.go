// Package actor owns the actor dictionaries (countries, international
// organisations, armed groups, office holders, state bodies and roles, news
// media) and the actor finder: given a sentence and a date it returns the
// actors mentioned, each with a canonical name, a country code and a PLOVER
// sector as they held on that date. The event coder picks actors and
// recipients from these mentions; attribution resolves source names with
// Lookup.
package actor

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io"
	"strings"
	"time"
)

// Kind says what sort of actor a mention names.
type Kind string

// The kinds of mention. Country, capital, demonym, igo, group, person and
// media name an actor on their own; body and role need a country to be
// complete ("border service", "spokesman").
const (
	KindCountry Kind = "country"
	KindCapital Kind = "capital"
	KindDemonym Kind = "demonym"
	KindIGO     Kind = "igo"
	KindGroup   Kind = "group"
	KindBody    Kind = "body"
	KindPerson  Kind = "person"
	KindRole    Kind = "role"
	KindMedia   Kind = "media"
)

var validKinds = map[Kind]bool{
	KindCountry: true, KindCapital: true, KindDemonym: true, KindIGO: true, KindGroup: true,
	KindBody: true, KindPerson: true, KindRole: true, KindMedia: true,
}

// Mention is one actor found in a sentence.
type Mention struct {
	Start   int    `json:"start"` // byte offsets into the sentence given to Find
	End     int    `json:"end"`
	Text    string `json:"text"`    // the span as written
	Name    string `json:"name"`    // canonical name
	Country string `json:"country"` // ISO 3166 alpha-3, IGO, UNO, EUR, NGO, IMG, or "" when unknown
	Sector  string `json:"sector"`  // PLOVER sector code, "" when unknown
	Kind    Kind   `json:"kind"`
	Plural  bool   `json:"plural"` // the span names many ("refugees", "soldiers")
}

//go:embed data/*.tsv
var dataFS embed.FS

// dataFiles lists the embedded files in load order; later files override
// earlier rows with the same pattern.
var dataFiles = []string{"countries.tsv", "igos.tsv", "groups.tsv", "people.tsv", "bodies.tsv", "media.tsv"}

// Dictionary holds the loaded patterns in two token tries: one matched as
// written (names, acronyms) and one matched in lower case (role nouns).
type Dictionary struct {
	exact  *node
	folded *node
	// byName maps the lower-case canonical name to its rows, so Lookup can
	// resolve "Collective Security Treaty Organization" as well as "CSTO".
	byName map[string][]*entry
	// starts holds the lower-cased first token of every pattern, with the
	// tries' first nodes for it: one map probe turns away most words of a
	// sentence and, for the others, replaces the probes of both tries' roots.
	starts map[string]*start
	// startShape has bit n of [a][b] set when some start word begins with
	// the ASCII letters a, b and has n bytes: a bit test turns away most
	// words before the map probe.
	startShape [26 * 26]uint32
	hash       string
}

// shapeBits returns the startShape cell and bit of a lower-case word, and
// false when the word cannot be filtered (not two ASCII letters first, or
// 32 bytes or longer): such words always go to the map.
func shapeBits(w []byte) (cell int, bit uint32, ok bool) {
	if len(w) < 2 || len(w) >= 32 || w[0]-'a' >= 26 || w[1]-'a' >= 26 {
		return 0, 0, false
	}
	return int(w[0]-'a')*26 + int(w[1]-'a'), 1 << len(w), true
}

// start is where the patterns that begin with one lower-case word go on.
type start struct {
	folded *node        // the case-free trie's node for the word, or nil
	exact  []exactChild // the exact trie's nodes for its spellings ("US", "Us")
}

type exactChild struct {
	key string
	n   *node
}

// startOf returns the start of the lower-case word w, or nil when no
// pattern begins with it.
func (d *Dictionary) startOf(w []byte) *start {
	if cell, bit, ok := shapeBits(w); ok && d.startShape[cell]&bit == 0 {
		return nil
	}
	return d.starts[string(w)]
}

// Load reads the embedded dictionaries and then each extra reader, in the
// same TSV format. A pattern that appears in a later source replaces every
// row of that pattern from earlier sources, so a user file can override a
// row. Errors name the source and line.
func Load(extra ...io.Reader) (*Dictionary, error) {
	sum := sha256.New()
	rows := map[string][]*entry{}
	var order []string
	add := func(source string, data []byte) error {
		sum.Write([]byte(source))
		sum.Write([]byte{0})
		sum.Write(data)
		parsed, err := parseTSV(source, data)
		if err != nil {
			return err
		}
		seen := map[string]bool{}
		for _, e := range parsed {
			k := e.patternKey()
			if !seen[k] {
				seen[k] = true
				if _, ok := rows[k]; !ok {
					order = append(order, k)
				}
				rows[k] = nil // the newer source owns this pattern now
			}
			rows[k] = append(rows[k], e)
		}
		return nil
	}
	for _, f := range dataFiles {
		data, err := dataFS.ReadFile("data/" + f)
		if err != nil {
			return nil, fmt.Errorf("actor: embedded %s: %w", f, err)
		}
		if err := add(f, data); err != nil {
			return nil, err
		}
	}
	for i, r := range extra {
		if r == nil {
			return nil, fmt.Errorf("actor: extra source %d is nil", i+1)
		}
		data, err := io.ReadAll(r)
		if err != nil {
			return nil, fmt.Errorf("actor: reading %s: %w", sourceName(r, i), err)
		}
		if err := add(sourceName(r, i), data); err != nil {
			return nil, err
		}
	}
	d := &Dictionary{exact: newNode(), folded: newNode(), byName: map[string][]*entry{}, starts: map[string]*start{}}
	for _, k := range order {
		es := rows[k]
		if len(es) == 0 {
			continue
		}
		root := d.exact
		if es[0].caseless {
			root = d.folded
		}
		root.insert(es[0].tokens, es)
		first := strings.ToLower(es[0].tokens[0])
		if d.starts[first] == nil {
			d.starts[first] = &start{}
		}
		if cell, bit, ok := shapeBits([]byte(first)); ok {
			d.startShape[cell] |= bit
		}
		for _, e := range es {
			nk := strings.ToLower(foldString(e.name))
			d.byName[nk] = append(d.byName[nk], e)
		}
	}
	for w, st := range d.starts {
		st.folded = d.folded.next[w]
	}
	for k, n := range d.exact.next {
		st := d.starts[strings.ToLower(k)]
		if st == nil { // cannot happen: every first token is in starts
			st = &start{}
			d.starts[strings.ToLower(k)] = st
		}
		st.exact = append(st.exact, exactChild{k, n})
	}
	d.hash = hex.EncodeToString(sum.Sum(nil))[:12]
	return d, nil
}

// sourceName names an extra reader in errors: its file name when it has one.
func sourceName(r io.Reader, i int) string {
	if n, ok := r.(interface{ Name() string }); ok && n.Name() != "" {
		return n.Name()
	}
	return fmt.Sprintf("extra source %d", i+1)
}

// Hash is a short hash of all loaded data, for the event's coder field.
func (d *Dictionary) Hash() string { return d.hash }

// Lookup resolves a name standing alone ("Khovar", "TASS", "Tajikistan
// border service") as it stands today. It accepts any pattern or canonical
// name the dictionaries know, and compositions Find would make of the whole
// string.
func (d *Dictionary) Lookup(name string) (Mention, bool) {
	trimmed := strings.TrimSpace(name)
	if trimmed == "" {
		return Mention{}, false
	}
	now := time.Now()
	ms := d.Find(trimmed, now)
	if len(ms) == 1 {
		m := ms[0]
		// "the" may be left out of the span; anything else must be covered.
		rest := strings.TrimSpace(trimmed[:m.Start]) + strings.TrimSpace(trimmed[m.End:])
		if rest == "" || strings.EqualFold(rest, "the") {
			return m, true
		}
	}
	if es := d.byName[strings.ToLower(foldString(trimmed))]; len(es) > 0 {
		e := pick(es, dayOf(now))
		return Mention{Start: 0, End: len(trimmed), Text: trimmed, Name: e.name, Country: e.country,
			Sector: e.sector, Kind: e.kind, Plural: e.plural}, true
	}
	return Mention{}, false
}

// dayOf turns a time into a day number for comparing with row dates; the
// zero time means today.
func dayOf(t time.Time) int {
	if t.IsZero() {
		t = time.Now()
	}
	y, m, dd := t.Date()
	return int(time.Date(y, m, dd, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

// pick chooses the row that holds on day: among the valid rows the one that
// started last; if none holds, the row nearest in time, so a person between
// two recorded offices is still found.
func pick(es []*entry, day int) *entry {
	var best *entry
	for _, e := range es {
		if e.holds(day) && (best == nil || e.from >= best.from) {
			best = e
		}
	}
	if best != nil {
		return best
	}
	bestGap := 0
	for _, e := range es {
		gap := e.from - day
		if e.until != 0 && day >= e.until {
			gap = day - e.until + 1
		}
		if best == nil || gap < bestGap {
			best, bestGap = e, gap
		}
	}
	return best
}

// embeddedData returns the raw embedded files, for tests.
func embeddedData() map[string][]byte {
	out := map[string][]byte{}
	for _, f := range dataFiles {
		b, _ := dataFS.ReadFile("data/" + f)
		out[f] = bytes.Clone(b)
	}
	return out
}
