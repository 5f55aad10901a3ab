package eval

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"borderwatch"
)

// span is a half-open range of byte offsets into a document text.
type span struct{ start, end int }

// docIndex finds sentences and evidence in one document text: exactly
// first, then after folding (see fold), because the gold sentence was copied
// from the raw article while predictions point into the pipeline's cleaned
// text, which may differ in whitespace, quote marks and dashes.
type docIndex struct {
	text   string
	folded string // built on first use
	origin []int  // origin[i] is the byte offset in text of folded byte i; one extra entry for the end
	built  bool
}

func newDocIndex(text string) *docIndex { return &docIndex{text: text} }

// findAll returns every exact occurrence of s in the text, or, when there is
// none, every occurrence after folding, mapped back to text offsets.
func (d *docIndex) findAll(s string) []span {
	if s == "" || d.text == "" {
		return nil
	}
	var out []span
	for from := 0; from <= len(d.text)-len(s); {
		i := strings.Index(d.text[from:], s)
		if i < 0 {
			break
		}
		out = append(out, span{from + i, from + i + len(s)})
		from += i + 1
	}
	if out != nil {
		return out
	}
	fs := strings.TrimSpace(fold(s))
	if fs == "" {
		return nil
	}
	d.build()
	for from := 0; from <= len(d.folded)-len(fs); {
		i := strings.Index(d.folded[from:], fs)
		if i < 0 {
			break
		}
		out = append(out, span{d.origin[from+i], d.origin[from+i+len(fs)]})
		from += i + 1
	}
	return out
}

// locateEvidence places a prediction's evidence in the text: its text where
// the text says so (the occurrence nearest the given offsets when it occurs
// more than once), else its offsets when they are valid. ok is false when
// neither works.
func (d *docIndex) locateEvidence(ti borderwatch.TextInfo) (sp span, ok bool) {
	validOffsets := ti.Start >= 0 && ti.Start < ti.End && ti.End <= len(d.text)
	if ev := strings.TrimSpace(ti.Text); ev != "" {
		if validOffsets && d.text[ti.Start:ti.End] == ti.Text {
			return span{ti.Start, ti.End}, true
		}
		if all := d.findAll(ev); len(all) > 0 {
			best := all[0]
			for _, c := range all[1:] {
				if absInt(c.start-ti.Start) < absInt(best.start-ti.Start) {
					best = c
				}
			}
			return best, true
		}
	}
	if validOffsets {
		return span{ti.Start, ti.End}, true
	}
	return span{}, false
}

func (d *docIndex) build() {
	if d.built {
		return
	}
	d.built = true
	var b strings.Builder
	b.Grow(len(d.text))
	d.origin = make([]int, 0, len(d.text)+1)
	inSpace := false
	for i, r := range d.text {
		f, keep := foldRune(r)
		if !keep {
			continue
		}
		if f == ' ' {
			if inSpace {
				continue
			}
			inSpace = true
		} else {
			inSpace = false
		}
		n := b.Len()
		b.WriteRune(f)
		for range b.Len() - n {
			d.origin = append(d.origin, i)
		}
	}
	d.origin = append(d.origin, len(d.text))
	d.folded = b.String()
}

// fold makes the form in which a sentence and a document are compared when
// the exact text is not found: lower case, every run of white space one
// space, typographic quotes, apostrophes and dashes plain, invisible
// characters (soft hyphen, zero-width space, BOM) dropped.
func fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	inSpace := false
	for _, r := range s {
		f, keep := foldRune(r)
		if !keep {
			continue
		}
		if f == ' ' {
			if inSpace {
				continue
			}
			inSpace = true
		} else {
			inSpace = false
		}
		b.WriteRune(f)
	}
	return b.String()
}

func foldRune(r rune) (rune, bool) {
	switch r {
	case '\u00ad', '\u200b', '\u200c', '\u200d', '\u2060', '\ufeff':
		return 0, false
	case '\u2018', '\u2019', '\u201a', '\u201b', '\u2032', '`', '\u00b4', '\u02bc':
		return '\'', true
	case '\u201c', '\u201d', '\u201e', '\u201f', '\u00ab', '\u00bb', '\u2033':
		return '"', true
	case '\u2010', '\u2011', '\u2012', '\u2013', '\u2014', '\u2015', '\u2212':
		return '-', true
	}
	if unicode.IsSpace(r) {
		return ' ', true
	}
	return unicode.ToLower(r), true
}

// runes counts characters, so that the length and overlap rules read the
// same for Cyrillic as for Latin text.
func runes(s string) int { return utf8.RuneCountInString(s) }

// longestCommonRun is the length in runes of the longest common substring
// of a and b; it measures how much of a sentence an evidence text covers
// when neither can be placed in the document.
func longestCommonRun(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	if len(ra) == 0 || len(rb) == 0 {
		return 0
	}
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	best := 0
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			if ra[i-1] == rb[j-1] {
				cur[j] = prev[j-1] + 1
				best = max(best, cur[j])
			} else {
				cur[j] = 0
			}
		}
		prev, cur = cur, prev
	}
	return best
}

func absInt(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
