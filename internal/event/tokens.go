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

// preparedPool reuses sentences' tokens and matches across documents
// (Coder.Release).
var preparedPool = sync.Pool{New: func() any { return new(prepared) }}

func tokenizeInto(toks []token, s string) []token {
	// Lower-cased ASCII words ("Taliban" -> "taliban") are written to one
	// buffer and made strings together at the end: one allocation per
	// sentence instead of one per capitalised word.
	var arenaBuf [256]byte
	arena := arenaBuf[:0]
	type fixup struct{ tok, from, to int }
	var fixBuf [32]fixup
	fixes := fixBuf[:0]
	i := 0
	for i < len(s) {
		if s[i] == ' ' {
			i++
			continue
		}
		r, size := decodeRune(s, i)
		switch {
		case isSpace(r):
			i += size
		case isAlnum(r):
			j := i + size
			for j < len(s) {
				if asciiAlnum[s[j]] { // most of a word: no rune decoding
					j++
					continue
				}
				r2, s2 := decodeRune(s, j)
				if isAlnum(r2) {
					j += s2
					continue
				}
				// keep "1,037", "3.5", "al-Qaeda", "don't" together
				if (r2 == ',' || r2 == '.' || r2 == '-' || r2 == '\'' || r2 == '’') && j+s2 < len(s) {
					r3, _ := decodeRune(s, j+s2)
					if r2 == ',' || r2 == '.' {
						if unicode.IsDigit(r3) && unicode.IsDigit(lastRune(s[i:j])) {
							j += s2
							continue
						}
					} else if isAlnum(r3) {
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
			t := token{start: i, end: j, word: true, upper: isUpper(r)}
			switch wordCase(w) {
			case caseLower:
				t.lower = w
			case caseASCIIUpper:
				from := len(arena)
				for k := 0; k < len(w); k++ {
					c := w[k]
					if 'A' <= c && c <= 'Z' {
						c += 'a' - 'A'
					}
					arena = append(arena, c)
				}
				fixes = append(fixes, fixup{len(toks), from, len(arena)})
			default:
				t.lower = strings.ToLower(w)
			}
			toks = append(toks, t)
			i = j
		default:
			// possessive 's as its own token
			if (r == '\'' || r == '’') && i+size < len(s) && (s[i+size] == 's' || s[i+size] == 'S') && wordEndsAt(s, i+size+1) && len(toks) > 0 && toks[len(toks)-1].end == i {
				toks = append(toks, token{start: i, end: i + size + 1, lower: "'s", word: true})
				i += size + 1
				continue
			}
			toks = append(toks, token{start: i, end: i + size, lower: normPunct(r, s[i:i+size])})
			i += size
		}
	}
	if len(fixes) > 0 {
		lows := string(arena)
		for _, f := range fixes {
			toks[f.tok].lower = lows[f.from:f.to]
		}
	}
	return toks
}

// asciiAlnum marks the ASCII letters and digits.
var asciiAlnum = func() (t [256]bool) {
	for c := range t {
		t[c] = 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
	}
	return t
}()

const (
	caseLower      = iota // no upper-case ASCII letter, no other script: its own lower case
	caseASCIIUpper        // ASCII with some upper-case letter
	caseOther             // another script: Unicode lower-casing
)

func wordCase(w string) int {
	c := caseLower
	for i := 0; i < len(w); i++ {
		switch b := w[i]; {
		case b >= utf8.RuneSelf:
			return caseOther
		case 'A' <= b && b <= 'Z':
			c = caseASCIIUpper
		}
	}
	return c
}

// normPunct maps quote and dash variants to ASCII; any other mark is its
// own bytes (raw), which costs no allocation, or U+FFFD for an invalid byte.
// decodeRune, isSpace, isAlnum and isUpper are the utf8 and unicode
// functions with a fast path for ASCII, most of a sentence's bytes.
func decodeRune(s string, i int) (rune, int) {
	if c := s[i]; c < utf8.RuneSelf {
		return rune(c), 1
	}
	return utf8.DecodeRuneInString(s[i:])
}

func isSpace(r rune) bool {
	if r < utf8.RuneSelf {
		return r == ' ' || '\t' <= r && r <= '\r'
	}
	return unicode.IsSpace(r)
}

func isAlnum(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

func isUpper(r rune) bool {
	if r < utf8.RuneSelf {
		return 'A' <= r && r <= 'Z'
	}
	return unicode.IsUpper(r)
}

func normPunct(r rune, raw string) string {
	switch r {
	case '“', '”', '„', '«', '»':
		return "\""
	case '‘', '’':
		return "'"
	case '–', '—':
		return "-"
	case utf8.RuneError:
		return string(r)
	}
	return raw
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
