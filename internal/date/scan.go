package date

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

// token is one run of digits, letters or a single punctuation rune.
// Offsets are bytes into the scanned string.
type token struct {
	start, end int32
	num        int32 // value of a tNum (capped, so huge runs cannot overflow)
	kind       tokKind
	ndig       uint8 // digits in a tNum (capped)
	ord        bool  // tNum with an ordinal suffix: "4th"
	upper      bool  // tWord starting with an upper-case letter
	w          word  // meaning of a tWord; zero for words we do not know
	p          byte  // the byte of a one-byte tPunct
	dash       bool  // '-' or an en dash
}

// class says what a known word does in a date expression.
type class uint8

const (
	cNone    class = iota
	cMonth         // val 1..12
	cWeekday       // val time.Weekday
	cPrep          // val prep*
	cMod           // val modEarly, modMid, modLate
	cEdge          // "beginning", "start", "middle", "end": val as cMod
	cUnit          // val unit*
	cPart          // morning, afternoon, evening, night
	cNumWord       // "a", "one" .. "twelve": val the number
	cFunc          // val fn*
)

const (
	prepOn = iota + 1
	prepIn
	prepSince
	prepBy
	prepUntil
	prepFrom
	prepBetween
	prepDuring
	prepOver
)

const (
	modEarly = iota + 1
	modMid
	modLate
)

const (
	unitDay = iota + 1
	unitWeek
	unitMonth
	unitYear
	unitWeekend
	unitHour
)

const (
	fnToday = iota + 1
	fnTonight
	fnYesterday
	fnTomorrow
	fnOvernight
	fnLast
	fnThis
	fnNext
	fnPast
	fnEarlier
	fnLater
	fnAgo
	fnThe
	fnOf
	fnAnd
	fnTo
	fnBefore
	fnAfter
)

// word is the meaning of a known lower-case word. hot marks words that can
// start or anchor a date, so a sentence without any of them (and without a
// digit) is dismissed before parsing.
type word struct {
	class class
	val   int8
	abbr  bool // month abbreviation: needs a day or year after it
	weak  bool // also an ordinary word ("may", "march"): needs a capital and context
	hot   bool
}

var words = map[string]word{
	"january": {class: cMonth, val: 1, hot: true}, "february": {class: cMonth, val: 2, hot: true},
	"march": {class: cMonth, val: 3, weak: true, hot: true}, "april": {class: cMonth, val: 4, hot: true},
	"may": {class: cMonth, val: 5, weak: true, hot: true}, "june": {class: cMonth, val: 6, hot: true},
	"july": {class: cMonth, val: 7, hot: true}, "august": {class: cMonth, val: 8, hot: true},
	"september": {class: cMonth, val: 9, hot: true}, "october": {class: cMonth, val: 10, hot: true},
	"november": {class: cMonth, val: 11, hot: true}, "december": {class: cMonth, val: 12, hot: true},
	"jan": {class: cMonth, val: 1, abbr: true, hot: true}, "feb": {class: cMonth, val: 2, abbr: true, hot: true},
	"mar": {class: cMonth, val: 3, abbr: true, hot: true}, "apr": {class: cMonth, val: 4, abbr: true, hot: true},
	"jun": {class: cMonth, val: 6, abbr: true, hot: true}, "jul": {class: cMonth, val: 7, abbr: true, hot: true},
	"aug": {class: cMonth, val: 8, abbr: true, hot: true}, "sep": {class: cMonth, val: 9, abbr: true, hot: true},
	"sept": {class: cMonth, val: 9, abbr: true, hot: true}, "oct": {class: cMonth, val: 10, abbr: true, hot: true},
	"nov": {class: cMonth, val: 11, abbr: true, hot: true}, "dec": {class: cMonth, val: 12, abbr: true, hot: true},

	"sunday": {class: cWeekday, val: 0, hot: true}, "monday": {class: cWeekday, val: 1, hot: true},
	"tuesday": {class: cWeekday, val: 2, hot: true}, "wednesday": {class: cWeekday, val: 3, hot: true},
	"thursday": {class: cWeekday, val: 4, hot: true}, "friday": {class: cWeekday, val: 5, hot: true},
	"saturday": {class: cWeekday, val: 6, hot: true},

	"on": {class: cPrep, val: prepOn}, "in": {class: cPrep, val: prepIn},
	"since": {class: cPrep, val: prepSince}, "by": {class: cPrep, val: prepBy},
	"until": {class: cPrep, val: prepUntil}, "till": {class: cPrep, val: prepUntil},
	"from": {class: cPrep, val: prepFrom}, "between": {class: cPrep, val: prepBetween},
	"during": {class: cPrep, val: prepDuring}, "over": {class: cPrep, val: prepOver},

	"early": {class: cMod, val: modEarly}, "mid": {class: cMod, val: modMid}, "late": {class: cMod, val: modLate},
	"beginning": {class: cEdge, val: modEarly}, "start": {class: cEdge, val: modEarly},
	"middle": {class: cEdge, val: modMid}, "end": {class: cEdge, val: modLate},

	"day": {class: cUnit, val: unitDay}, "days": {class: cUnit, val: unitDay},
	"week": {class: cUnit, val: unitWeek, hot: true}, "weeks": {class: cUnit, val: unitWeek, hot: true},
	"month": {class: cUnit, val: unitMonth, hot: true}, "months": {class: cUnit, val: unitMonth, hot: true},
	"year": {class: cUnit, val: unitYear, hot: true}, "years": {class: cUnit, val: unitYear, hot: true},
	"weekend": {class: cUnit, val: unitWeekend, hot: true},
	"hours":   {class: cUnit, val: unitHour},

	"morning": {class: cPart, hot: true}, "afternoon": {class: cPart}, "evening": {class: cPart},
	"night": {class: cPart, hot: true},

	"a": {class: cNumWord, val: 1}, "an": {class: cNumWord, val: 1}, "one": {class: cNumWord, val: 1},
	"two": {class: cNumWord, val: 2}, "three": {class: cNumWord, val: 3}, "four": {class: cNumWord, val: 4},
	"five": {class: cNumWord, val: 5}, "six": {class: cNumWord, val: 6}, "seven": {class: cNumWord, val: 7},
	"eight": {class: cNumWord, val: 8}, "nine": {class: cNumWord, val: 9}, "ten": {class: cNumWord, val: 10},
	"eleven": {class: cNumWord, val: 11}, "twelve": {class: cNumWord, val: 12},

	"today": {class: cFunc, val: fnToday, hot: true}, "tonight": {class: cFunc, val: fnTonight, hot: true},
	"yesterday": {class: cFunc, val: fnYesterday, hot: true}, "tomorrow": {class: cFunc, val: fnTomorrow, hot: true},
	"overnight": {class: cFunc, val: fnOvernight, hot: true},
	"last":      {class: cFunc, val: fnLast}, "this": {class: cFunc, val: fnThis}, "next": {class: cFunc, val: fnNext},
	"past": {class: cFunc, val: fnPast}, "earlier": {class: cFunc, val: fnEarlier}, "later": {class: cFunc, val: fnLater},
	"ago": {class: cFunc, val: fnAgo, hot: true}, "the": {class: cFunc, val: fnThe}, "of": {class: cFunc, val: fnOf},
	"and": {class: cFunc, val: fnAnd}, "to": {class: cFunc, val: fnTo}, "through": {class: cFunc, val: fnTo},
	"before": {class: cFunc, val: fnBefore}, "after": {class: cFunc, val: fnAfter},
}

// longestWord bounds the lower-casing buffer: longer words are never looked up.
const longestWord = 9

// tokenize appends the tokens of s to dst. hot reports whether s has a digit
// or a word that can anchor a date; without one there is nothing to find.
func tokenize(s string, dst []token) (toks []token, hot bool) {
	var low [longestWord]byte
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c >= '0' && c <= '9':
			t := token{start: int32(i), kind: tNum}
			for i < len(s) && s[i] >= '0' && s[i] <= '9' {
				if t.num < 1e8 {
					t.num = t.num*10 + int32(s[i]-'0')
				}
				if t.ndig < 255 {
					t.ndig++
				}
				i++
			}
			if i+1 < len(s) && wordscan.IsOrdinalSuffix(s[i], s[i+1]) && (i+2 == len(s) || !wordscan.IsLetter(s[i+2])) {
				t.ord = true
				i += 2
			}
			t.end = int32(i)
			dst = append(dst, t)
			hot = true
		case wordscan.IsLetter(c) || c >= utf8.RuneSelf && wordscan.StartsLetter(s[i:]):
			t := token{start: int32(i), kind: tWord, upper: c >= 'A' && c <= 'Z'}
			n := 0
			for i < len(s) {
				b := s[i]
				if wordscan.IsLetter(b) {
					if n < len(low) {
						low[n] = b | 0x20
					}
					n++
					i++
					continue
				}
				if b >= utf8.RuneSelf && wordscan.StartsLetter(s[i:]) {
					_, size := utf8.DecodeRuneInString(s[i:])
					n = len(low) + 1 // non-ASCII words are never keywords
					i += size
					continue
				}
				break
			}
			t.end = int32(i)
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
				i += size
			}
			t.end = int32(i)
			dst = append(dst, t)
		}
	}
	return dst, hot
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
