package date

import "time"

// parser matches date expressions over the tokens of one sentence.
// It holds no strings or pointers besides the tokens, so escape analysis
// can keep the token buffer on the stack.
type parser struct {
	t       []token
	refYear int // Ref.Year
	// pubDay is the publication day, kept as plain numbers: a time.Time
	// field would drag the token buffer to the heap (its *Location escapes
	// through AddDate).
	pubDay civil
	hasPub bool
}

type civil struct {
	y int
	m time.Month
	d int
}

// pub is the publication day at midnight UTC.
func (p *parser) pub() time.Time {
	return time.Date(p.pubDay.y, p.pubDay.m, p.pubDay.d, 0, 0, 0, 0, time.UTC)
}

// expr is a matched expression: tokens up to end, and what it resolves to.
type expr struct {
	end        int
	from, to   time.Time
	prec       string
	rel, expl  bool
	resolvable bool
}

// part is a calendar date with missing fields left 0.
type part struct{ y, m, d int }

// calExpr is a calendar expression before resolution: a..b with a precision.
type calExpr struct {
	a, b part
	prec string
	end  int
}

// mention matches a date expression starting at token i, taking a
// preposition at i into the span.
func (p *parser) mention(i int) (expr, bool) {
	if w := p.t[i].w; w.class == cPrep && i+1 < len(p.t) {
		if e, ok := p.expr(i+1, int(w.val)); ok {
			return e, true
		}
	}
	return p.expr(i, 0)
}

func (p *parser) build(s string, start int, e expr) Mention {
	m := Mention{
		Start:    int(p.t[start].start),
		End:      int(p.t[e.end-1].end),
		Relative: e.rel,
		Explicit: e.expl,
	}
	m.Text = s[m.Start:m.End]
	if e.resolvable {
		m.From, m.To, m.Precision = e.from, e.to, e.prec
	} else {
		m.Precision = Unknown
	}
	return m
}

func (p *parser) expr(i, prep int) (expr, bool) {
	e, ok := p.relative(i)
	if !ok {
		e, ok = p.absolute(i, prep)
	}
	if !ok {
		return e, false
	}
	// "on July 4-5 overnight", "on Monday night": the span grows, the days do not.
	if e.end < len(p.t) {
		if w := p.t[e.end].w; w.class == cFunc && int(w.val) == fnOvernight || w.class == cPart && (e.prec == Day || !e.resolvable) {
			e.end++
		}
	}
	return e, true
}

// Token predicates; all are false past the end.

func (p *parser) fn(i, val int) bool {
	return i < len(p.t) && p.t[i].w.class == cFunc && int(p.t[i].w.val) == val
}

func (p *parser) cls(i int, c class) bool { return i < len(p.t) && p.t[i].w.class == c }

func (p *parser) punct(i int, b byte) bool {
	return i < len(p.t) && p.t[i].kind == tPunct && p.t[i].p == b
}

// adjacent reports whether tokens i and i+1 touch (no space between).
func (p *parser) adjacent(i int) bool {
	return i+1 < len(p.t) && p.t[i].end == p.t[i+1].start
}

// isDay: a one- or two-digit number 1..31 that is not part of a time
// ("11:30"), a decimal ("4.5"), a fraction or slashed date ("9/11"), or a
// thousands group.
func (p *parser) isDay(i int) (int, bool) {
	if i >= len(p.t) || p.t[i].kind != tNum || int(p.t[i].ndig) > 2 || int(p.t[i].num) < 1 || int(p.t[i].num) > 31 {
		return 0, false
	}
	if p.adjacent(i) {
		switch p.t[i+1].p {
		case ':', '/', '%':
			return 0, false
		case '.', ',':
			if i+2 < len(p.t) && p.t[i+2].kind == tNum && p.adjacent(i+1) {
				return 0, false
			}
		}
	}
	if i > 0 && p.adjacent(i-1) && (p.t[i-1].p == '/' || p.t[i-1].p == ':' || p.t[i-1].p == '$') {
		return 0, false
	}
	return int(p.t[i].num), true
}

func (p *parser) isYear(i int) (int, bool) {
	if i >= len(p.t) || p.t[i].kind != tNum || int(p.t[i].ndig) != 4 || p.t[i].ord || int(p.t[i].num) < 1900 || int(p.t[i].num) > 2100 {
		return 0, false
	}
	// "2021,000" or "1900.5" are numbers, not years.
	if p.adjacent(i) && (p.t[i+1].p == ',' || p.t[i+1].p == '.' || p.t[i+1].p == '%') && i+2 < len(p.t) && p.t[i+2].kind == tNum && p.adjacent(i+1) {
		return 0, false
	}
	return int(p.t[i].num), true
}

// year reads an optional year after a day: "July 4, 2021" or "4 July 2021".
func (p *parser) year(k int) (int, int) {
	if p.punct(k, ',') {
		if y, ok := p.isYear(k + 1); ok {
			return y, k + 2
		}
	}
	if y, ok := p.isYear(k); ok {
		return y, k + 1
	}
	return 0, k
}

// month reads a month name at i (with the dot of "Sept."). Weak months
// ("May", "March") must be capitalised.
func (p *parser) month(i int) (m, next int, w word, ok bool) {
	if i >= len(p.t) || p.t[i].w.class != cMonth {
		return 0, 0, word{}, false
	}
	w = p.t[i].w
	if w.weak && !p.t[i].upper {
		return 0, 0, word{}, false
	}
	next = i + 1
	if w.abbr && p.punct(next, '.') && p.adjacent(i) {
		next++
	}
	return int(w.val), next, w, true
}

// rangeSep: "-", "–", "to", "through", "until", "and" between two days.
func (p *parser) rangeSep(k int) bool {
	if k >= len(p.t) {
		return false
	}
	t := p.t[k]
	return t.dash || t.w.class == cFunc && (int(t.w.val) == fnTo || int(t.w.val) == fnAnd) || t.w.class == cPrep && int(t.w.val) == prepUntil
}

// cal reads a calendar expression at i. context is true after a
// preposition or modifier, which lets a bare year or a weak month stand.
func (p *parser) cal(i int, context bool) (calExpr, bool) {
	if i >= len(p.t) {
		return calExpr{}, false
	}
	// ISO 2021-07-05.
	if y, ok := p.isYear(i); ok && i+4 < len(p.t) && p.t[i+1].p == '-' && p.t[i+3].p == '-' &&
		p.adjacent(i) && p.adjacent(i+1) && p.adjacent(i+2) && p.adjacent(i+3) &&
		p.t[i+2].kind == tNum && p.t[i+4].kind == tNum && int(p.t[i+2].ndig) <= 2 && int(p.t[i+4].ndig) <= 2 {
		d := part{y, int(p.t[i+2].num), int(p.t[i+4].num)}
		return calExpr{a: d, b: d, prec: Day, end: i + 5}, true
	}
	// Dotted, day first: 05.07.2021.
	if i+4 < len(p.t) && p.t[i].kind == tNum && int(p.t[i].ndig) <= 2 && p.t[i+1].p == '.' && p.t[i+3].p == '.' &&
		p.adjacent(i) && p.adjacent(i+1) && p.adjacent(i+2) && p.adjacent(i+3) &&
		p.t[i+2].kind == tNum && int(p.t[i+2].ndig) <= 2 && p.t[i+4].kind == tNum && int(p.t[i+4].ndig) == 4 {
		d := part{int(p.t[i+4].num), int(p.t[i+2].num), int(p.t[i].num)}
		return calExpr{a: d, b: d, prec: Day, end: i + 5}, true
	}
	// Month first: "September 11, 2021", "July 4-5", "June 30-July 2", "October 2001", "June".
	if m, j, w, ok := p.month(i); ok {
		if d, ok := p.isDay(j); ok {
			c := calExpr{a: part{0, m, d}, prec: Day}
			c.b = c.a
			k := j + 1
			if p.rangeSep(k) {
				if m2, j2, _, ok := p.month(k + 1); ok {
					if d2, ok := p.isDay(j2); ok {
						c.b = part{0, m2, d2}
						k = j2 + 1
					}
				} else if d2, ok := p.isDay(k + 1); ok && !p.cls(k+2, cMonth) {
					c.b.d = d2
					k += 2
				}
			}
			y, k := p.year(k)
			c.a.y, c.b.y = y, y
			c.end = k
			return c, true
		}
		if y, k := p.year(j); y != 0 {
			d := part{y, m, 0}
			return calExpr{a: d, b: d, prec: Month, end: k}, true
		}
		if w.abbr || w.weak && !context || !p.t[i].upper && !context {
			return calExpr{}, false
		}
		d := part{0, m, 0}
		return calExpr{a: d, b: d, prec: Month, end: j}, true
	}
	// Day first: "11 September 2021", "5 July", "4th of July", "4-6 July", "30 June - 2 July".
	if d, ok := p.isDay(i); ok {
		k := i + 1
		if p.t[i].ord && p.fn(k, fnOf) {
			k++
		}
		if m, j, _, ok := p.month(k); ok {
			c := calExpr{a: part{0, m, d}, prec: Day}
			c.b = c.a
			k = j
			if p.rangeSep(k) {
				if d2, ok := p.isDay(k + 1); ok {
					if m2, j2, _, ok := p.month(k + 2); ok {
						c.b = part{0, m2, d2}
						k = j2
					}
				}
			}
			y, k := p.year(k)
			c.a.y, c.b.y = y, y
			c.end = k
			return c, true
		}
		if p.rangeSep(k) {
			if d2, ok := p.isDay(k + 1); ok {
				if m, j, _, ok := p.month(k + 2); ok {
					c := calExpr{a: part{0, m, d}, b: part{0, m, d2}, prec: Day}
					y, k := p.year(j)
					c.a.y, c.b.y = y, y
					c.end = k
					return c, true
				}
			}
		}
		return calExpr{}, false
	}
	// A bare year needs a preposition or modifier: "in 2011", "since 2001".
	if y, ok := p.isYear(i); ok && context {
		d := part{y, 0, 0}
		return calExpr{a: d, b: d, prec: Year, end: i + 1}, true
	}
	return calExpr{}, false
}

// absolute matches calendar expressions with their modifiers and ranges.
func (p *parser) absolute(i, prep int) (expr, bool) {
	j := i
	// "the night of July 4", "the morning of 5 July".
	if p.fn(j, fnThe) && p.cls(j+1, cPart) && p.fn(j+2, fnOf) {
		j += 3
	}
	// "Wednesday, July 7": the weekday joins the span, the date decides.
	weekday := false
	if p.cls(j, cWeekday) && p.datedWeekday(j) {
		j++
		if p.punct(j, ',') {
			j++
		}
		weekday = true
	}
	mod := 0
	switch {
	case p.cls(j, cMod):
		mod = int(p.t[j].w.val)
		j++
		if j < len(p.t) && p.t[j].dash && p.adjacent(j-1) {
			j++
		}
	case p.fn(j, fnThe) && p.cls(j+1, cEdge) && p.fn(j+2, fnOf):
		mod = int(p.t[j+1].w.val)
		j += 3
	}
	c, ok := p.cal(j, prep != 0 || mod != 0)
	if !ok || weekday && c.prec != Day {
		return expr{}, false
	}
	if mod != 0 && c.prec == Day {
		mod = 0 // "early July 4" says nothing finer than July 4
	}
	// "from July 1 to July 3", "between June and August", "from 2001 to 2021".
	if k := c.end; k < len(p.t) && (p.rangeSep(k) && (!p.fn(k, fnAnd) || prep == prepBetween)) {
		if c2, ok := p.cal(k+1, true); ok && c2.prec == c.prec {
			if c.a.y == 0 && c2.a.y != 0 {
				c.a.y = c2.a.y
				if c.a.m > c2.a.m {
					c.a.y--
				}
			}
			c.b = c2.b
			c.end = c2.end
		}
	}
	return p.resolveCal(c, mod)
}

// resolveCal turns a calendar expression into days. It fails only for
// impossible dates ("February 30"); a missing year makes it unresolvable.
func (p *parser) resolveCal(c calExpr, mod int) (expr, bool) {
	e := expr{end: c.end, prec: c.prec, expl: c.a.y != 0 || c.b.y != 0}
	a, b := c.a, c.b
	if a.y == 0 && b.y != 0 {
		a.y = b.y
		if a.m > b.m {
			a.y-- // "December 30 - January 2, 2022"
		}
	}
	if b.y == 0 && a.y != 0 {
		b.y = a.y
		if b.m < a.m {
			b.y++
		}
	}
	if !validPart(a, c.prec) || !validPart(b, c.prec) {
		return expr{}, false
	}
	if a.y == 0 {
		switch {
		case p.hasPub:
			a.y = p.pubDay.y
			if start(a, c.prec).Sub(p.pub()) > futureSlack {
				a.y--
			}
		case p.refYear != 0:
			a.y = p.refYear
		default:
			return e, true // found, but no year to put it in
		}
		b.y = a.y
		if b.m < a.m {
			b.y++
		}
	}
	e.from, e.to = start(a, c.prec), end(b, c.prec)
	if mod != 0 {
		e.from, e.to = narrow(e.from, e.to, c.prec, mod)
	}
	if e.to.Before(e.from) {
		e.from, e.to = e.to, e.from
	}
	e.resolvable = true
	return e, true
}

func validPart(d part, prec string) bool {
	switch prec {
	case Day:
		if d.m < 1 || d.m > 12 || d.d < 1 {
			return false
		}
		y := d.y
		if y == 0 {
			y = 2000 // a leap year: "February 29" without a year is possible
		}
		return d.d <= daysIn(y, d.m)
	case Month:
		return d.m >= 1 && d.m <= 12
	}
	return true
}

func daysIn(y, m int) int {
	return time.Date(y, time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

func start(d part, prec string) time.Time {
	switch prec {
	case Day:
		return time.Date(d.y, time.Month(d.m), d.d, 0, 0, 0, 0, time.UTC)
	case Month:
		return time.Date(d.y, time.Month(d.m), 1, 0, 0, 0, 0, time.UTC)
	}
	return time.Date(d.y, 1, 1, 0, 0, 0, 0, time.UTC)
}

func end(d part, prec string) time.Time {
	switch prec {
	case Day:
		return time.Date(d.y, time.Month(d.m), d.d, 0, 0, 0, 0, time.UTC)
	case Month:
		return time.Date(d.y, time.Month(d.m)+1, 0, 0, 0, 0, 0, time.UTC)
	}
	return time.Date(d.y, 12, 31, 0, 0, 0, 0, time.UTC)
}

// narrow applies early/mid/late to a month (thirds by day) or a year
// (thirds by month).
func narrow(from, to time.Time, prec string, mod int) (time.Time, time.Time) {
	switch prec {
	case Month:
		switch mod {
		case modEarly:
			return from, from.AddDate(0, 0, 9)
		case modMid:
			return from.AddDate(0, 0, 10), from.AddDate(0, 0, 19)
		default:
			return time.Date(to.Year(), to.Month(), 21, 0, 0, 0, 0, time.UTC), to
		}
	case Year:
		switch mod {
		case modEarly:
			return from, time.Date(from.Year(), 4, 30, 0, 0, 0, 0, time.UTC)
		case modMid:
			return time.Date(from.Year(), 5, 1, 0, 0, 0, 0, time.UTC), time.Date(to.Year(), 8, 31, 0, 0, 0, 0, time.UTC)
		default:
			return time.Date(to.Year(), 9, 1, 0, 0, 0, 0, time.UTC), to
		}
	}
	return from, to
}
