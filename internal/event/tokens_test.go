package event

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// The tokenizer has ASCII fast paths and lower-cases into one buffer per
// sentence; it must give exactly the tokens of the plain version below,
// which decodes every rune and lower-cases word by word.
func FuzzTokenizeSameAsPlain(f *testing.F) {
	for _, s := range []string{
		"More than 1,037 Tajik servicemen crossed the border, the ministry said.",
		"Al-Qaeda's leader didn’t say; \"we will\" — she said\u00a0that\u2003ISIS-K attacked Kunduz's airport.",
		"KABUL, Afghanistan (Jan. 25, 2013) -- 3.5 km from Shir Khan Bandar\tand\nTermez 'Taliban' s",
		"Ǆungla ÉTAT Ωmega 12th 9/11 \xff\xfe broken utf8 O'Neil", "", " ", "'s", "a's", "x’S.",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := tokenizeInto(nil, s)
		want := plainTokenize(s)
		if len(got) != len(want) {
			t.Fatalf("%q: %d tokens, want %d:\n%v\n%v", s, len(got), len(want), got, want)
		}
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("%q: token %d = %+v, want %+v", s, i, got[i], want[i])
			}
		}
	})
}

func plainTokenize(s string) []token {
	var toks []token
	lower := func(w string) string {
		for i := 0; i < len(w); i++ {
			if c := w[i]; c >= utf8.RuneSelf || 'A' <= c && c <= 'Z' {
				return strings.ToLower(w)
			}
		}
		return w
	}
	punct := func(r rune) string {
		switch r {
		case '“', '”', '„', '«', '»':
			return "\""
		case '‘', '’':
			return "'"
		case '–', '—':
			return "-"
		}
		return string(r)
	}
	i := 0
	for i < len(s) {
		if c := s[i]; c < utf8.RuneSelf { // ASCII fast path for spaces and letters
			if c == ' ' {
				i++
				continue
			}
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case unicode.IsSpace(r):
			i += size
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			j := i + size
			for j < len(s) {
				r2, s2 := utf8.DecodeRuneInString(s[j:])
				if unicode.IsLetter(r2) || unicode.IsDigit(r2) {
					j += s2
					continue
				}
				// keep "1,037", "3.5", "al-Qaeda", "don't" together
				if (r2 == ',' || r2 == '.' || r2 == '-' || r2 == '\'' || r2 == '’') && j+s2 < len(s) {
					r3, _ := utf8.DecodeRuneInString(s[j+s2:])
					if r2 == ',' || r2 == '.' {
						if unicode.IsDigit(r3) && unicode.IsDigit(lastRune(s[i:j])) {
							j += s2
							continue
						}
					} else if unicode.IsLetter(r3) || unicode.IsDigit(r3) {
						if (r2 == '\'' || r2 == '’') && (r3 == 's' || r3 == 'S') && wordEndsAt(s, j+s2+1) {
							break // possessive: "Tajikistan's"
						}
						j += s2
						continue
					}
				}
				break
			}
			w := s[i:j]
			toks = append(toks, token{start: i, end: j, lower: lower(w), word: true, upper: unicode.IsUpper(r)})
			i = j
		default:
			// possessive 's as its own token
			if (r == '\'' || r == '’') && i+size < len(s) && (s[i+size] == 's' || s[i+size] == 'S') && wordEndsAt(s, i+size+1) && len(toks) > 0 && toks[len(toks)-1].end == i {
				toks = append(toks, token{start: i, end: i + size + 1, lower: "'s", word: true})
				i += size + 1
				continue
			}
			toks = append(toks, token{start: i, end: i + size, lower: punct(r)})
			i += size
		}
	}
	return toks
}
