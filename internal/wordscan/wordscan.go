// Package wordscan holds the byte-level helpers that the scanners of the
// extraction stages share: ASCII letter and digit tests, ordinal suffixes,
// an index of a word table by first letter and length that dismisses most
// words, and most sentences, without a map lookup, and word sets and maps
// with such a filter in front (Set, Map).
package wordscan

import (
	"unicode"
	"unicode/utf8"
)

// IsDigit reports whether c is an ASCII digit.
func IsDigit(c byte) bool { return c >= '0' && c <= '9' }

// IsLetter reports whether c is an ASCII letter.
func IsLetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }

// StartsLetter reports whether s starts with a letter of any script.
func StartsLetter(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsLetter(r)
}

// IsOrdinalSuffix reports whether a, b spell st, nd, rd or th in any case.
func IsOrdinalSuffix(a, b byte) bool {
	a, b = a|0x20, b|0x20
	return a == 's' && b == 't' || a == 'n' && b == 'd' || a == 'r' && b == 'd' || a == 't' && b == 'h'
}

// Shapes has bit n of All[c-'a'] set when a table word starts with c and has
// n letters, and the same in Hot for the words that make a sentence worth
// scanning.
type Shapes struct {
	All, Hot [26]uint32
	longest  int
	hotWords map[string]bool
}

// NewShapes indexes the lower-case ASCII words of a table; hot tells which
// of them make a sentence worth scanning.
func NewShapes(words []string, hot func(string) bool) *Shapes {
	sh := &Shapes{hotWords: map[string]bool{}}
	for _, k := range words {
		c := k[0] - 'a'
		sh.All[c] |= 1 << len(k)
		if hot(k) {
			sh.Hot[c] |= 1 << len(k)
			sh.hotWords[k] = true
		}
		sh.longest = max(sh.longest, len(k))
	}
	return sh
}

// Maybe reports whether the lower-case word low may be in the table.
func (sh *Shapes) Maybe(low []byte) bool {
	return len(low) > 0 && len(low) < 32 && sh.All[low[0]-'a']&(1<<len(low)) != 0
}

// QuickHot reports cheaply whether s has a digit or a hot word; most
// sentences have neither and are dismissed without tokenising.
func (sh *Shapes) QuickHot(s string) bool {
	var low [32]byte
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case IsDigit(c):
			return true
		case IsLetter(c):
			n := 0
			for ; i < len(s) && IsLetter(s[i]); i++ {
				if n < len(low) {
					low[n] = s[i] | 0x20
				}
				n++
			}
			if n <= sh.longest && sh.Hot[low[0]-'a']&(1<<n) != 0 && sh.hotWords[string(low[:n])] {
				return true
			}
		default:
			i++
		}
	}
	return false
}
