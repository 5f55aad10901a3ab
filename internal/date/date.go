// Package date owns finding and resolving date expressions in sentences:
// absolute ("September 11, 2021", "05.07.2021"), partial ("July 4-5",
// "in June", "mid-July"), ranges ("between 4 and 6 July") and relative ones
// ("yesterday", "on Monday", "last week"), resolved against a report's
// publication date. It also reads the reference date from a dateline and
// infers a document's year. It is a single-pass scanner over tokens with
// small maps, because it runs on every sentence of every document.
//
// Policies, chosen so that dates are never invented:
//   - From and To are midnight UTC of calendar days; the days are taken in
//     the zone of Ref.Published, so a report published at 01:00 +05:00 is
//     dated by its local day.
//   - A bare weekday ("on Monday") is the most recent such day on or before
//     the publication day: the publication weekday itself means the
//     publication day. "last Monday" is strictly before it (a week back on a
//     Monday); "next Monday" strictly after.
//   - "last week" is the previous Monday..Sunday; "this week" the current
//     Monday..Sunday; "earlier this week/month/year" runs from the start of
//     the period to the publication day, "later this ..." from it to the
//     end; "the past two weeks", "the last 24 hours" run back from the
//     publication day; "two weeks ago" is the single day 14 days back with
//     precision "week"; "the weekend" is the latest Saturday..Sunday.
//   - A weekday with a date ("Wednesday, July 7") is resolved by the date.
//   - "overnight" alone and "last night" are the night before publication:
//     From = the day before, To = the publication day. After a date
//     ("on July 4-5 overnight", "on Monday night") they only extend the span.
//     "the night of July 4" is July 4.
//   - "early", "mid" and "late" narrow a month to days 1-10, 11-20 and 21-end
//     (a year to Jan-Apr, May-Aug, Sep-Dec); the precision stays "month"
//     ("year") since the text is no finer than that.
//   - A date without a year takes the publication year, or the previous year
//     when that would put it more than ~2 months (62 days) after
//     publication; without Published it takes Ref.Year unchanged; with
//     neither it stays unresolved (zero From/To, precision "unknown").
//   - Relative expressions without Published are still found, with
//     Relative set, zero From/To and precision "unknown".
//   - "May" and "March" count as months only when capitalised and followed
//     by a day or year or preceded by a date preposition; abbreviations
//     ("Sept.") only before a day or year. Slashed dates ("9/11") are not
//     read: their order (month or day first) cannot be told.
package date

import (
	"sync"
	"time"
)

// Ref is what relative and partial dates are resolved against. A year
// outside 1000-9999, in either field, counts as unknown.
type Ref struct {
	Published time.Time // the report's publication date (with its zone); zero when unknown
	Year      int       // a year inferred from the document when Published is zero; 0 = unknown
}

// Mention is one date expression found in a sentence.
type Mention struct {
	Start, End int       // byte offsets into the sentence given to Find
	Text       string    // the span as written, including its preposition
	From, To   time.Time // resolved days (To == From for a single day); zero when unresolvable
	Precision  string    // "day", "week", "month", "year", "unknown"
	Relative   bool      // the expression is relative to the publication date
	Explicit   bool      // carries its own year
}

// Precision values.
const (
	Day     = "day"
	Week    = "week"
	Month   = "month"
	Year    = "year"
	Unknown = "unknown"
)

// futureSlack is how far after publication a year-less date may fall and
// still be read in the publication year.
const futureSlack = 62 * 24 * time.Hour

// tokenPool reuses token buffers: Find runs on every sentence with an event.
var tokenPool = sync.Pool{New: func() any { b := make([]token, 0, 64); return &b }}

// Find returns the date expressions of sentence, in order, resolved against ref.
func Find(sentence string, ref Ref) []Mention { return FindAppend(nil, sentence, ref) }

// FindAppend appends the date expressions of sentence to dst, so that a
// caller can reuse one buffer for every sentence.
func FindAppend(dst []Mention, sentence string, ref Ref) []Mention {
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
	p := parser{t: toks}
	if plausibleYear(ref.Year) {
		p.refYear = ref.Year
	}
	if y, m, d := ref.Published.Date(); !ref.Published.IsZero() && plausibleYear(y) {
		p.pubDay = civil{y, m, d}
		p.hasPub = true
	}
	out := dst
	for i := 0; i < len(toks); {
		if !canStart(toks[i]) {
			i++
			continue
		}
		if e, ok := p.mention(i); ok {
			out = append(out, p.build(sentence, i, e))
			i = e.end
			continue
		}
		i++
	}
	return out
}

// plausibleYear bounds reference years; outside it a Ref field counts as
// unknown, which also keeps resolved days clear of the zero time.Time.
func plausibleYear(y int) bool { return y >= 1000 && y <= 9999 }

// InferYear returns the year of the chronologically latest full date
// (day, month and year) that text mentions, or 0 when it mentions none.
func InferYear(text string) int {
	var latest time.Time
	for _, m := range Find(text, Ref{}) {
		if m.Explicit && m.Precision == Day && m.To.After(latest) {
			latest = m.To
		}
	}
	if latest.IsZero() {
		return 0
	}
	return latest.Year()
}

// canStart is a cheap test for tokens a date expression can begin with:
// numbers and known words other than units and times of day.
func canStart(t token) bool {
	return t.kind == tNum || t.kind == tWord && t.w.class != cNone && t.w.class != cUnit && t.w.class != cPart
}
