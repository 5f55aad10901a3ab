// Package quantity owns finding amounts in sentences: digits ("1,037",
// "20 000", "1.5 million"), number words ("three hundred and fifty"),
// vague amounts ("dozens of"), their qualifier ("more than"), the counted
// noun and what kind of number it is (a size, the dead, the injured, the
// arrested, a length, a percentage, money, a duration, an ordinal). It is a
// single-pass scanner over tokens with small maps, because it runs on every
// sentence of every document.
//
// Decisions:
//   - Vague words get ACLED-style numbers: "a couple" 2, "several" 3,
//     "a few" 3 (read like "several"), "tens" 10, "a dozen"/"dozens" 12,
//     "scores" 20, "hundreds" 100, "thousands" 1,000, "tens of thousands"
//     10,000; Qualifier is the vague phrase itself and Vague is set.
//   - Qualifiers are normalised: "around", "approximately", "roughly",
//     "an estimated" read "about"; "less than" reads "fewer than";
//     "as many as" reads "up to". A range ("200-300 troops", "between 200
//     and 300") gives its low end with "at least".
//   - Unit is the head noun phrase after the number, at most 3 words,
//     stopping at prepositions, verbs and punctuation; leading demonyms and
//     a few adjectives ("Afghan", "American", "additional") are dropped
//     from Unit but kept in Text: "1,000 Afghan servicemen" has Unit
//     "servicemen".
//   - Not quantities: dates ("July 4", "4-6 July", "2021-07-05"), years
//     ("in 2011", "the 2021 Taliban"), times ("11:30"), slashed numbers
//     ("9/11"), model names ("Mi-8"), "one of the", and small number words
//     or vague words (below 100) with neither a unit nor a casualty verb
//     ("the two agreed", "several said"); "thousands fled" is kept.
//   - A number with no unit and no casualty context has Kind "other".
package quantity

import (
	"math"
	"strings"
	"sync"
)

// Quantity is one amount found in a sentence.
type Quantity struct {
	Start, End int    // byte offsets into the sentence
	Text       string // "More than 1,000 servicemen", "dozens of armored personnel carriers"
	Value      int    // 1037; vague words get ACLED numbers ("dozens" 12)
	Qualifier  string // "more than", "at least", "about", ... or the vague phrase ("dozens")
	Unit       string // the counted noun as written, plural kept: "servicemen", "Hummer trucks"
	Kind       string // one of the Kind constants
	Vague      bool
}

// Kind values.
const (
	Count    = "count" // people or objects: a size
	Dead     = "dead"
	Injured  = "injured"
	Arrested = "arrested"
	Length   = "length"
	Percent  = "percent"
	Money    = "money"
	Duration = "duration"
	Ordinal  = "ordinal"
	Other    = "other"
)

// Find returns the quantities of sentence in order.
// tokenPool reuses token buffers: Find runs on every sentence.
var tokenPool = sync.Pool{New: func() any { b := make([]token, 0, 64); return &b }}

func Find(sentence string) []Quantity { return FindAppend(nil, sentence) }

// FindAppend appends the quantities of sentence to dst, so that a caller
// can reuse one buffer for every sentence.
func FindAppend(dst []Quantity, sentence string) []Quantity {
	if !quickHot(sentence) {
		return dst
	}
	bp := tokenPool.Get().(*[]token)
	defer func() { *bp = (*bp)[:0]; tokenPool.Put(bp) }()
	toks, hot := tokenize(sentence, (*bp)[:0])
	*bp = toks
	if !hot {
		return dst
	}
	f := finder{t: toks}
	out := dst
	for i := 0; i < len(toks); {
		if !canStart(toks[i]) {
			i++
			continue
		}
		if q, ok := f.at(i); ok {
			out = append(out, f.build(sentence, q))
			i = q.end
			continue
		}
		i = f.skip(i)
	}
	return out
}

// found is a quantity in token indices, before it is turned into strings.
type found struct {
	start, end         int // tokens of the whole span
	unitStart, unitEnd int // tokens of the unit; equal when there is none
	value              float64
	qual               string // normalised qualifier ("" when none)
	vagueStart         int    // tokens of the vague phrase when vague
	vagueEnd           int
	kind               string
	vague              bool
}

func (f *finder) build(s string, q found) Quantity {
	if !(q.value <= maxValue) { // also catches NaN and +Inf from "million million ..."
		q.value = maxValue
	}
	out := Quantity{
		Start:     int(f.t[q.start].start),
		End:       int(f.t[q.end-1].end),
		Value:     int(math.Round(q.value)),
		Qualifier: q.qual,
		Kind:      q.kind,
		Vague:     q.vague,
	}
	out.Text = s[out.Start:out.End]
	if q.unitEnd > q.unitStart {
		out.Unit = s[f.t[q.unitStart].start:f.t[q.unitEnd-1].end]
	}
	if q.vague && q.qual == "" {
		out.Qualifier = strings.ToLower(s[f.t[q.vagueStart].start:f.t[q.vagueEnd-1].end])
	}
	return out
}

// canStart is a cheap test for tokens a quantity (or a date to step over)
// can begin with.
func canStart(t token) bool {
	switch t.kind {
	case tNum:
		return true
	case tPunct:
		return t.p == '$'
	}
	switch t.w.class {
	case cCardinal, cA, cScale, cOrdinal, cVague, cQual, cMonth:
		return true
	}
	return t.w.id != idNone
}
