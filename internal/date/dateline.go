package date

import "time"

// datelineWindow bounds how far into the text a dateline is looked for.
const datelineWindow = 160

// maxPlaceTokens bounds the place part before the date
// ("Washington, D.C., 12 March 2022": 8 tokens).
const maxPlaceTokens = 10

// Dateline returns the date of a dateline at the start of text
// ("KABUL, Afghanistan (Jan. 25, 2013) --", "Washington, D.C., 12 March 2022 —")
// as midnight UTC. It is ok only when the dateline carries a full date with
// a year; see DatelineMonthDay for "MOSCOW, July 8. /TASS/.".
func Dateline(text string) (time.Time, bool) {
	c, ok := dateline(text)
	if !ok || c.a.y == 0 {
		return time.Time{}, false
	}
	return time.Date(c.a.y, time.Month(c.a.m), c.a.d, 0, 0, 0, 0, time.UTC), true
}

// DatelineMonthDay returns the month and day of a dateline, with or
// without a year ("DUSHANBE, July 6 (Reuters) -" gives July 6).
func DatelineMonthDay(text string) (time.Month, int, bool) {
	c, ok := dateline(text)
	if !ok {
		return 0, 0, false
	}
	return time.Month(c.a.m), c.a.d, true
}

// dateline finds a single-day date that follows only capitalised place
// words and punctuation at the start of the first line, and is itself
// followed by the end of the line or a separator: "." "(" "-" "—" "/" ":".
func dateline(text string) (calExpr, bool) {
	line := text
	for i := 0; i < len(line); i++ {
		if line[i] == '\n' {
			line = line[:i]
			break
		}
	}
	if len(line) > datelineWindow {
		line = line[:datelineWindow]
	}
	var buf [64]token
	toks, hot := tokenize(line, buf[:0])
	if !hot || len(toks) == 0 || toks[0].kind != tWord || !toks[0].upper {
		return calExpr{}, false
	}
	p := parser{t: toks}
	for i := 0; i < len(toks) && i <= maxPlaceTokens; i++ {
		t := toks[i]
		if c, ok := p.cal(i, false); ok && c.prec == Day && c.a == c.b {
			if validPart(c.a, Day) && separatorAt(toks, c.end) {
				return c, true
			}
			return calExpr{}, false
		}
		switch {
		case t.kind == tWord && t.upper:
		case t.kind == tPunct && (t.p == ',' || t.p == '.' || t.p == '('):
		default:
			return calExpr{}, false
		}
	}
	return calExpr{}, false
}

func separatorAt(toks []token, i int) bool {
	if i >= len(toks) {
		return true
	}
	t := toks[i]
	if t.kind != tPunct {
		return false
	}
	switch t.p {
	case '.', '(', ')', '-', '/', ':', ',':
		return true
	}
	return t.p == 0 // em or en dash
}
