package quantity

import (
	"borderwatch/internal/wordscan"
	"unicode/utf8"
)

type tokKind uint8

const (
	tNum tokKind = iota + 1
	tWord
	tPunct
)

// Number token shapes that are not amounts.
const (
	shapePlain uint8 = iota
	shapeDate        // 05.07.2021, 2021-07-05
	shapeTime        // 11:30
	shapeSlash       // 9/11, 24/7
)

// token is a number (with its separators merged: "1,037", "20 000", "1.5"),
// a word, or one punctuation rune. Offsets are bytes into the sentence.
type token struct {
	start, end int32
	val        float64 // value of a tNum
	kind       tokKind
	shape      uint8
	ndig       uint8 // digits of a tNum (capped)
	grouped    bool  // tNum written with thousands separators
	frac       bool  // tNum with a decimal part
	ord        bool  // tNum with an ordinal suffix: "2nd"
	upper      bool  // tWord starting with an upper-case letter
	p          byte  // byte of a one-byte tPunct; 0 for other runes
	dash       bool  // '-' or an en dash
	suffix     uint8 // sufEd, sufIng or sufLy for a lower-case tWord
	w          word
}

// Word endings that tell verbs and adverbs from nouns in a unit phrase.
const (
	sufNone uint8 = iota
	sufEd
	sufIng
	sufLy
	sufS // a plural: "troops", "Afghans"
)

func suffixOf(w string) uint8 {
	n := len(w)
	switch {
	case n > 4 && w[n-2] == 'e' && w[n-1] == 'd':
		return sufEd
	case n > 5 && w[n-3] == 'i' && w[n-2] == 'n' && w[n-1] == 'g':
		return sufIng
	case n > 6 && w[n-2] == 'l' && w[n-1] == 'y': // "reportedly", not "family"
		return sufLy
	case n > 2 && (w[n-1] == 's' || w[n-1] == 'S') && w[n-2] != 's' && w[n-2] != '\'':
		return sufS
	}
	return sufNone
}

// maxValue caps amounts so that conversion to int cannot overflow.
const maxValue = 1e15

// tokenize appends the tokens of s to dst; hot reports whether s has a
// digit or a number word, without which it has no quantity.
func tokenize(s string, dst []token) (toks []token, hot bool) {
	var low [longestWord]byte
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case wordscan.IsDigit(c):
			t := token{start: int32(i), kind: tNum}
			// After a month name "July 4 500" is a date and a count, not 4,500.
			afterMonth := len(dst) > 0 && dst[len(dst)-1].w.class == cMonth
			i = scanNumber(s, i, &t, !afterMonth)
			t.end = int32(i)
			dst = append(dst, t)
			hot = true
		case wordscan.IsLetter(c) || c >= utf8.RuneSelf && wordscan.StartsLetter(s[i:]):
			t := token{start: int32(i), kind: tWord, upper: c >= 'A' && c <= 'Z'}
			n := 0
			for i < len(s) {
				b := s[i]
				if wordscan.IsLetter(b) || b == '\'' && n > 0 && i+1 < len(s) && wordscan.IsLetter(s[i+1]) {
					if n < len(low) {
						low[n] = b | 0x20
					}
					n++
					i++
					continue
				}
				if b >= utf8.RuneSelf && wordscan.StartsLetter(s[i:]) {
					_, size := utf8.DecodeRuneInString(s[i:])
					n = len(low) + 1 // non-ASCII words are never in our tables
					i += size
					continue
				}
				break
			}
			t.end = int32(i)
			t.suffix = suffixOf(s[t.start:t.end])
			if t.upper && t.suffix != sufS {
				t.suffix = sufNone // "Reading", "Kelly": names, not verbs or adverbs
			}
			if n <= len(low) && shapes.All[low[0]-'a']&(1<<n) != 0 {
				if w, ok := wordTable.GetBytes(low[:n]); ok {
					t.w = w
					hot = hot || w.hot
				}
			}
			dst = append(dst, t)
		default:
			t := token{start: int32(i), kind: tPunct}
			if c < utf8.RuneSelf {
				t.p = c
				t.dash = c == '-'
				i++
			} else {
				r, size := utf8.DecodeRuneInString(s[i:])
				t.dash = r == '–' || r == '‐' || r == '‑'
				switch r {
				case '€', '£':
					t.p = '$' // all currency signs act alike
				}
				i += size
			}
			t.end = int32(i)
			dst = append(dst, t)
		}
	}
	return dst, hot
}

// scanNumber reads the number starting at s[i] into t and returns the
// index after it. It merges thousands groups ("1,037", "20 000"), a decimal
// part ("1.5") and an ordinal suffix ("2nd"), and marks dates, times and
// slashed numbers so they are not read as amounts.
func scanNumber(s string, i int, t *token, spaceGroups bool) int {
	start := i
	v, i := digits(s, i, t)
	groupOK := i-start <= 3
	for groupOK && i+4 <= len(s) {
		// "1,037" or "20 000" (also with a no-break or thin space); a group
		// is exactly three digits not followed by another digit.
		sep := 0
		switch {
		case s[i] == ',' || s[i] == ' ' && spaceGroups:
			sep = 1
		case spaceGroups && i+5 <= len(s) && s[i] == 0xC2 && s[i+1] == 0xA0:
			sep = 2
		case spaceGroups && i+6 <= len(s) && s[i] == 0xE2 && s[i+1] == 0x80 && s[i+2] == 0xAF:
			sep = 3
		}
		j := i + sep
		if sep == 0 || j+3 > len(s) || !wordscan.IsDigit(s[j]) || !wordscan.IsDigit(s[j+1]) || !wordscan.IsDigit(s[j+2]) || j+3 < len(s) && wordscan.IsDigit(s[j+3]) {
			break
		}
		if s[i] == ' ' && j+3 < len(s) && (s[j+3] == '.' || s[j+3] == ':') && j+4 < len(s) && wordscan.IsDigit(s[j+4]) {
			break // "5 100.5" or "5 100:30" are not one number
		}
		v = v*1000 + float64(int(s[j]-'0')*100+int(s[j+1]-'0')*10+int(s[j+2]-'0'))
		t.grouped = true
		i = j + 3
	}
	if i+1 < len(s) && wordscan.IsDigit(s[i+1]) {
		switch s[i] {
		case '.':
			// Two dots or a dot then a 4-digit year: a dotted date.
			j := i + 1
			for j < len(s) && wordscan.IsDigit(s[j]) {
				j++
			}
			if !t.grouped && j+1 < len(s) && s[j] == '.' && wordscan.IsDigit(s[j+1]) {
				t.shape = shapeDate
				return skipDigitsAndSeps(s, j, '.')
			}
			frac, scale := 0.0, 0.1
			for k := i + 1; k < j; k++ {
				frac += float64(s[k]-'0') * scale
				scale /= 10
			}
			v += frac
			t.frac = true
			i = j
		case ':':
			t.shape = shapeTime
			return skipDigitsAndSeps(s, i, ':')
		case '/':
			t.shape = shapeSlash
			return skipDigitsAndSeps(s, i, '/')
		case '-':
			// 2021-07-05
			if i-start == 4 && i+6 <= len(s) && wordscan.IsDigit(s[i+2]) && s[i+3] == '-' {
				t.shape = shapeDate
				return skipDigitsAndSeps(s, i, '-')
			}
		}
	}
	if v > maxValue {
		v = maxValue
	}
	t.val = v
	if i+1 < len(s) && wordscan.IsOrdinalSuffix(s[i], s[i+1]) && (i+2 == len(s) || !wordscan.IsLetter(s[i+2])) {
		t.ord = true
		i += 2
	}
	return i
}

func digits(s string, i int, t *token) (float64, int) {
	v := 0.0
	for i < len(s) && wordscan.IsDigit(s[i]) {
		if v < maxValue {
			v = v*10 + float64(s[i]-'0')
		}
		if t.ndig < 255 {
			t.ndig++
		}
		i++
	}
	return v, i
}

// skipDigitsAndSeps consumes runs of digits joined by sep.
func skipDigitsAndSeps(s string, i int, sep byte) int {
	for i < len(s) && (wordscan.IsDigit(s[i]) || s[i] == sep && i+1 < len(s) && wordscan.IsDigit(s[i+1])) {
		i++
	}
	return i
}

// shapes indexes the word table by first letter and length, so most words,
// and most sentences (quickHot), need no map lookup.
var shapes = wordscan.NewShapes(tableWords(), func(k string) bool { return words[k].hot })

// wordTable is words with a second filter (first and last letter, length)
// in front of the map, for the words that pass shapes.
var wordTable = wordscan.NewMap(words)

func tableWords() []string {
	ks := make([]string, 0, len(words))
	for k := range words {
		ks = append(ks, k)
	}
	return ks
}

// quickHot reports cheaply whether s has a digit or a hot word.
func quickHot(s string) bool { return shapes.QuickHot(s) }
