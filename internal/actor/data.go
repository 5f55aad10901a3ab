package actor

import (
	"fmt"
	"strings"
	"time"
	"unicode"
)

// Sectors is the PLOVER sector list (ontology.md section 7) a row may use.
var Sectors = map[string]bool{
	"AGR": true, "BUS": true, "COP": true, "CRM": true, "CVL": true, "EDU": true, "ELI": true,
	"GOV": true, "JRN": true, "JUD": true, "LAB": true, "LEG": true, "MED": true, "MIL": true,
	"OPP": true, "PRE": true, "PRM": true, "PTY": true, "REB": true, "REF": true, "REL": true,
	"SOC": true, "SPY": true, "UAF": true, "UNK": true,
}

// entry is one row of a dictionary file.
type entry struct {
	tokens   []string // pattern tokens, folded; lower-cased when caseless
	caseless bool     // the pattern is all lower case: a role noun, matched in any case
	name     string
	country  string
	sector   string
	kind     Kind
	plural   bool
	from     int // first day the row holds (day number), 0 = always
	until    int // first day it no longer holds, 0 = open
	source   string
	line     int
}

func (e *entry) holds(day int) bool {
	return (e.from == 0 || day >= e.from) && (e.until == 0 || day < e.until)
}

// patternKey identifies a pattern across sources for overriding.
func (e *entry) patternKey() string {
	k := strings.Join(e.tokens, "\x00")
	if e.caseless {
		return "ci\x00" + k
	}
	return "cs\x00" + k
}

const wantColumns = "pattern, name, country, sector, kind, plural, from, until, note"

// parseTSV reads one dictionary file. Blank lines, lines starting with # and
// the header line are skipped; trailing empty columns may be left out.
func parseTSV(source string, data []byte) ([]*entry, error) {
	var out []*entry
	for i, line := range strings.Split(string(data), "\n") {
		lineNo := i + 1
		line = strings.TrimRight(line, "\r")
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, "pattern\t") {
			continue
		}
		fail := func(format string, args ...any) error {
			return fmt.Errorf("actor: %s:%d: %s", source, lineNo, fmt.Sprintf(format, args...))
		}
		cols := strings.Split(line, "\t")
		if len(cols) < 5 || len(cols) > 9 {
			return nil, fail("want 5 to 9 tab-separated columns (%s), got %d", wantColumns, len(cols))
		}
		for len(cols) < 9 {
			cols = append(cols, "")
		}
		for j := range 8 { // the note may hold anything
			cols[j] = strings.TrimSpace(cols[j])
		}
		patterns, name, country, sector, kind := cols[0], cols[1], cols[2], cols[3], Kind(cols[4])
		if patterns == "" {
			return nil, fail("empty pattern")
		}
		if name == "" && kind != KindBody && kind != KindRole {
			return nil, fail("empty name for kind %q", kind)
		}
		if !validKinds[kind] {
			return nil, fail("unknown kind %q", kind)
		}
		if country != "" && !isCode(country) {
			return nil, fail("country %q is not a three-letter upper-case code", country)
		}
		if sector != "" && !Sectors[sector] {
			return nil, fail("sector %q is not a PLOVER sector", sector)
		}
		if cols[5] != "" && cols[5] != "pl" {
			return nil, fail("plural column must be empty or \"pl\", got %q", cols[5])
		}
		from, err := parseDay(cols[6])
		if err != nil {
			return nil, fail("from: %v", err)
		}
		until, err := parseDay(cols[7])
		if err != nil {
			return nil, fail("until: %v", err)
		}
		if from != 0 && until != 0 && from >= until {
			return nil, fail("from %s is not before until %s", cols[6], cols[7])
		}
		for _, p := range strings.Split(patterns, "|") {
			p = strings.TrimSpace(p)
			if p == "" {
				return nil, fail("empty alternative in pattern %q", patterns)
			}
			caseless := p == strings.ToLower(p)
			ptoks := tokenize(p)
			if len(ptoks) > 0 && !ptoks[0].word {
				// Find only starts matches on words.
				return nil, fail("pattern %q must start with a letter or digit", p)
			}
			var toks []string
			for _, t := range ptoks {
				if caseless {
					toks = append(toks, string(t.appendLower(nil)))
				} else {
					toks = append(toks, t.key)
				}
			}
			if len(toks) == 0 {
				return nil, fail("pattern %q has no tokens", p)
			}
			out = append(out, &entry{tokens: toks, caseless: caseless, name: name, country: country,
				sector: sector, kind: kind, plural: cols[5] == "pl", from: from, until: until,
				source: source, line: lineNo})
		}
	}
	return out, nil
}

func isCode(s string) bool {
	if len(s) != 3 {
		return false
	}
	for _, r := range s {
		if r < 'A' || r > 'Z' {
			return false
		}
	}
	return true
}

func parseDay(s string) (int, error) {
	if s == "" {
		return 0, nil
	}
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return 0, fmt.Errorf("date %q is not YYYY-MM-DD", s)
	}
	return int(t.Unix() / 86400), nil
}

// node is a token trie: each edge is one folded token.
type node struct {
	next    map[string]*node
	entries []*entry // the dated rows of the pattern ending here
}

func newNode() *node { return &node{} }

func (n *node) insert(tokens []string, es []*entry) {
	for _, t := range tokens {
		if n.next == nil {
			n.next = map[string]*node{}
		}
		c := n.next[t]
		if c == nil {
			c = newNode()
			n.next[t] = c
		}
		n = c
	}
	n.entries = es
}

// startsUpper reports whether s begins with an upper-case letter.
func startsUpper(s string) bool {
	for _, r := range s {
		return unicode.IsUpper(r)
	}
	return false
}
