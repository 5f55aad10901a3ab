package event

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// token is one word or punctuation mark of a sentence with its byte offsets.
type token struct {
	start, end int
	lower      string
	word       bool // letters or digits, not punctuation
	upper      bool // starts with an upper-case letter
}

// tokenize splits a sentence into words and punctuation marks in one pass.
// Apostrophes and hyphens inside words stay in the word, except a trailing
// possessive "'s", which becomes a token of its own.
func tokenize(s string) []token { return tokenizeInto(make([]token, 0, len(s)/6+4), s) }

// tokenPool reuses token slices across documents (Coder.Release).
var tokenPool = sync.Pool{New: func() any { return new([]token) }}

func tokenizeInto(toks []token, s string) []token {
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
			toks = append(toks, token{start: i, end: j, lower: lowerWord(w), word: true, upper: unicode.IsUpper(r)})
			i = j
		default:
			// possessive 's as its own token
			if (r == '\'' || r == '’') && i+size < len(s) && (s[i+size] == 's' || s[i+size] == 'S') && wordEndsAt(s, i+size+1) && len(toks) > 0 && toks[len(toks)-1].end == i {
				toks = append(toks, token{start: i, end: i + size + 1, lower: "'s", word: true})
				i += size + 1
				continue
			}
			toks = append(toks, token{start: i, end: i + size, lower: normPunct(r)})
			i += size
		}
	}
	return toks
}

func normPunct(r rune) string {
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

func lastRune(s string) rune {
	r, _ := utf8.DecodeLastRuneInString(s)
	return r
}

func wordEndsAt(s string, i int) bool {
	if i >= len(s) {
		return true
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	return !unicode.IsLetter(r) && !unicode.IsDigit(r)
}

// lowerWord lower-cases a word, without allocating when it has no upper-case
// ASCII letter and no other script.
func lowerWord(w string) string {
	for i := 0; i < len(w); i++ {
		c := w[i]
		if c >= utf8.RuneSelf || 'A' <= c && c <= 'Z' {
			return strings.ToLower(w)
		}
	}
	return w
}
