package actor

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// token is a word or a single punctuation mark of a sentence.
type token struct {
	start, end int    // byte offsets
	key        string // folded: diacritics and apostrophe variants removed, case kept
	lower      string // key in lower case; "" for ASCII words with capitals, lowered on demand to save allocations
	word       bool   // letters or digits, not punctuation
}

// is reports whether the token is the lower-case word w, in any case.
func (t *token) is(w string) bool {
	if t.lower != "" {
		return t.lower == w
	}
	return strings.EqualFold(t.key, w)
}

// lowered is the token in lower case; it allocates only for ASCII words
// with capitals, so use it off the hot path.
func (t *token) lowered() string {
	if t.lower != "" {
		return t.lower
	}
	return strings.ToLower(t.key)
}

// appendLower appends the token in lower case to buf.
func (t *token) appendLower(buf []byte) []byte {
	if t.lower != "" {
		return append(buf, t.lower...)
	}
	for i := 0; i < len(t.key); i++ {
		c := t.key[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf = append(buf, c)
	}
	return buf
}

// foldTable maps letters with diacritics to plain letters, and apostrophe
// and hyphen variants to the ASCII ones, so "Erdoğan", "Côte d’Ivoire" and
// "Tajik‐Afghan" match the dictionary spellings.
var foldTable = func() map[rune]string {
	m := map[rune]string{}
	pairs := []string{
		"ÀÁÂÃÄÅĀĂĄ", "A", "àáâãäåāăą", "a", "ÇĆĈĊČ", "C", "çćĉċč", "c", "ĎĐ", "D", "ďđ", "d",
		"ÈÉÊËĒĔĖĘĚ", "E", "èéêëēĕėęě", "e", "ĜĞĠĢ", "G", "ĝğġģ", "g", "ĤĦ", "H", "ĥħ", "h",
		"ÌÍÎÏĨĪĬĮİ", "I", "ìíîïĩīĭįı", "i", "Ĵ", "J", "ĵ", "j", "Ķ", "K", "ķ", "k",
		"ĹĻĽĿŁ", "L", "ĺļľŀł", "l", "ÑŃŅŇ", "N", "ñńņň", "n", "ÒÓÔÕÖØŌŎŐ", "O", "òóôõöøōŏő", "o",
		"ŔŖŘ", "R", "ŕŗř", "r", "ŚŜŞŠȘ", "S", "śŝşšș", "s", "ŢŤŦȚ", "T", "ţťŧț", "t",
		"ÙÚÛÜŨŪŬŮŰŲ", "U", "ùúûüũūŭůűų", "u", "Ŵ", "W", "ŵ", "w", "ÝŶŸ", "Y", "ýÿŷ", "y",
		"ŹŻŽ", "Z", "źżž", "z", "’‘ʼʻ`´′", "'", "‐‑", "-",
	}
	for i := 0; i < len(pairs); i += 2 {
		for _, r := range pairs[i] {
			m[r] = pairs[i+1]
		}
	}
	m['ß'], m['Æ'], m['æ'], m['Œ'], m['œ'] = "ss", "AE", "ae", "OE", "oe"
	return m
}()

// foldString folds a whole string (used for names, not for offsets).
func foldString(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf || s[i] == '`' {
			ascii = false
			break
		}
	}
	if ascii {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if f, ok := foldTable[r]; ok {
			b.WriteString(f)
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

// tokenize splits s into words (runs of letters, digits and combining marks)
// and single punctuation marks, skipping spaces. Folding happens per token,
// so offsets stay those of s. Invalid UTF-8 becomes punctuation.
func tokenize(s string) []token { return appendTokens(nil, s) }

// appendTokens is tokenize appending to toks, so Find can reuse a buffer.
func appendTokens(toks []token, s string) []token {
	for i := 0; i < len(s); {
		var r rune
		size := 1
		if c := s[i]; c < utf8.RuneSelf {
			// ASCII fast path: a table lookup instead of the unicode functions.
			switch asciiClass[c] {
			case classSpace:
				i++
				continue
			case classPunct:
				toks = append(toks, token{start: i, end: i + 1, key: s[i : i+1], lower: s[i : i+1]})
				i++
				continue
			}
			r = rune(c)
		} else {
			r, size = utf8.DecodeRuneInString(s[i:])
			if unicode.IsSpace(r) {
				i += size
				continue
			}
		}
		start := i
		if isWordRune(r) {
			ascii, upper := true, false
			for i < len(s) {
				if c := s[i]; c < utf8.RuneSelf {
					cl := asciiClass[c]
					if cl != classLower && cl != classUpper {
						break
					}
					upper = upper || cl == classUpper
					i++
					continue
				}
				r, size = utf8.DecodeRuneInString(s[i:])
				if !isWordRune(r) {
					break
				}
				ascii = false
				i += size
			}
			t := token{start: start, end: i, word: true}
			raw := s[start:i]
			if ascii {
				t.key = raw
				if !upper {
					t.lower = raw
				}
			} else {
				t.key = foldString(raw)
				t.lower = strings.ToLower(t.key)
			}
			toks = append(toks, t)
			continue
		}
		i += size
		key := s[start:i]
		if r == utf8.RuneError {
			key = "\uFFFD"
		} else if f, ok := foldTable[r]; ok {
			key = f
		}
		toks = append(toks, token{start: start, end: i, key: key, lower: key})
	}
	return toks
}

const (
	classPunct = iota
	classSpace
	classLower // lower-case letters and digits
	classUpper
)

// asciiClass sorts ASCII bytes for the tokenizer's fast path.
var asciiClass = func() (t [utf8.RuneSelf]uint8) {
	for c := range t {
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
			t[c] = classLower
		case c >= 'A' && c <= 'Z':
			t[c] = classUpper
		case c == ' ', c == '\t', c == '\n', c == '\r', c == '\v', c == '\f':
			t[c] = classSpace
		}
	}
	return t
}()
