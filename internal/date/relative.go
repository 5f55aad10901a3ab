package date

import "time"

// relative matches expressions resolved against the publication day:
// "today", "yesterday", "overnight", "on Monday", "last week",
// "earlier this month", "two days ago".
func (p *parser) relative(i int) (expr, bool) {
	t := p.t[i]
	switch {
	case t.w.class == cWeekday:
		if p.datedWeekday(i) {
			return expr{}, false // "Wednesday, July 7": the date says which one
		}
		return p.weekday(i, i+1, fnThis), true
	case t.kind == tNum || t.w.class == cNumWord:
		return p.ago(i)
	case t.w.class != cFunc:
		return expr{}, false
	}
	switch int(t.w.val) {
	case fnToday, fnTonight:
		return p.days(i+1, 0, 0, Day), true
	case fnYesterday:
		return p.days(i+1, -1, -1, Day), true
	case fnTomorrow:
		return p.days(i+1, 1, 1, Day), true
	case fnOvernight:
		return p.days(i+1, -1, 0, Day), true
	case fnThe:
		// "the day before yesterday", "the day after tomorrow"
		if p.unit(i+1) == unitDay && i+3 < len(p.t) {
			if p.fn(i+2, fnBefore) && p.fn(i+3, fnYesterday) {
				return p.days(i+4, -2, -2, Day), true
			}
			if p.fn(i+2, fnAfter) && p.fn(i+3, fnTomorrow) {
				return p.days(i+4, 2, 2, Day), true
			}
		}
		// "the weekend", "the past week"
		if p.unit(i+1) == unitWeekend {
			return p.period(i+2, fnLast, unitWeekend), true
		}
		if p.fn(i+1, fnPast) || p.fn(i+1, fnLast) {
			if u := p.unit(i + 2); u == unitWeek || u == unitMonth || u == unitYear {
				return p.past(i+3, u), true
			}
			if e, ok := p.lastN(i + 2); ok {
				return e, true
			}
		}
	case fnLast, fnThis, fnNext, fnPast:
		which := int(t.w.val)
		if which == fnPast {
			which = fnLast
		}
		switch {
		case p.cls(i+1, cWeekday):
			return p.weekday(i+1, i+2, which), true
		case p.cls(i+1, cPart):
			// "last night" is the night before; "this morning" is today.
			if which == fnLast {
				return p.days(i+2, -1, 0, Day), true
			}
			if which == fnThis {
				return p.days(i+2, 0, 0, Day), true
			}
		case (t.w.val == fnPast || t.w.val == fnLast) && i+1 < len(p.t):
			// "past 3 days", "last two weeks"
			if e, ok := p.lastN(i + 1); ok {
				return e, true
			}
		}
		switch u := p.unit(i + 1); {
		case u == unitWeek || u == unitMonth || u == unitYear || u == unitWeekend:
			if int(t.w.val) == fnPast && p.unit(i+1) != unitWeekend {
				return p.past(i+2, p.unit(i+1)), true
			}
			return p.period(i+2, which, p.unit(i+1)), true
		case p.cls(i+1, cMonth) && p.t[i+1].upper && !p.t[i+1].w.abbr:
			return p.namedMonth(i+2, int(p.t[i+1].w.val), which), true
		}
	case fnEarlier, fnLater:
		if p.fn(i+1, fnThis) {
			if u := p.unit(i + 2); u == unitWeek || u == unitMonth || u == unitYear {
				return p.partPeriod(i+3, u, int(t.w.val) == fnEarlier), true
			}
		}
	}
	return expr{}, false
}

func (p *parser) unit(i int) int {
	if i < len(p.t) && p.t[i].w.class == cUnit {
		return int(p.t[i].w.val)
	}
	return 0
}

// rel builds a relative expr ending at token end; without a publication
// date it stays unresolved.
func (p *parser) rel(end int, from, to time.Time, prec string) expr {
	if !p.hasPub {
		return expr{end: end, rel: true}
	}
	return expr{end: end, from: from, to: to, prec: prec, rel: true, resolvable: true}
}

func (p *parser) days(end, from, to int, prec string) expr {
	return p.rel(end, p.pub().AddDate(0, 0, from), p.pub().AddDate(0, 0, to), prec)
}

// weekday resolves the weekday at token i; which is fnThis (on or before
// the publication day), fnLast (strictly before) or fnNext (strictly after).
func (p *parser) weekday(i, end, which int) expr {
	want := time.Weekday(int(p.t[i].w.val))
	have := p.pub().Weekday()
	var off int
	switch which {
	case fnNext:
		off = (int(want) - int(have) + 7) % 7
		if off == 0 {
			off = 7
		}
	default:
		off = -((int(have) - int(want) + 7) % 7)
		if off == 0 && which == fnLast {
			off = -7
		}
	}
	return p.days(end, off, off, Day)
}

// monday is the Monday of the publication week.
func (p *parser) monday() time.Time {
	return p.pub().AddDate(0, 0, -((int(p.pub().Weekday()) + 6) % 7))
}

// period resolves "last/this/next week|month|year|weekend".
func (p *parser) period(end, which, unit int) expr {
	step := 0
	switch which {
	case fnLast:
		step = -1
	case fnNext:
		step = 1
	}
	switch unit {
	case unitWeek:
		mon := p.monday().AddDate(0, 0, 7*step)
		return p.rel(end, mon, mon.AddDate(0, 0, 6), Week)
	case unitMonth:
		first := time.Date(p.pub().Year(), p.pub().Month()+time.Month(step), 1, 0, 0, 0, 0, time.UTC)
		return p.rel(end, first, first.AddDate(0, 1, -1), Month)
	case unitYear:
		y := p.pub().Year() + step
		return p.rel(end, time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(y, 12, 31, 0, 0, 0, 0, time.UTC), Year)
	}
	// Weekend: "last weekend" and "the weekend" are the latest Saturday and
	// Sunday that began on or before publication; "next" the coming one.
	sat := p.pub().AddDate(0, 0, -((int(p.pub().Weekday()) + 1) % 7))
	switch which {
	case fnNext:
		sat = sat.AddDate(0, 0, 7)
	case fnThis:
		if p.pub().Weekday() != time.Saturday && p.pub().Weekday() != time.Sunday {
			sat = sat.AddDate(0, 0, 7)
		}
	}
	return p.rel(end, sat, sat.AddDate(0, 0, 1), Week)
}

// past resolves "the past week/month/year": the span up to publication.
func (p *parser) past(end, unit int) expr {
	switch unit {
	case unitWeek:
		return p.rel(end, p.pub().AddDate(0, 0, -7), p.pub(), Week)
	case unitMonth:
		return p.rel(end, p.pub().AddDate(0, -1, 0), p.pub(), Month)
	}
	return p.rel(end, p.pub().AddDate(-1, 0, 0), p.pub(), Year)
}

// partPeriod resolves "earlier this week" (period start .. publication)
// and "later this week" (publication .. period end).
func (p *parser) partPeriod(end, unit int, earlier bool) expr {
	e := p.period(end, fnThis, unit)
	if earlier {
		e.to = p.pub()
	} else {
		e.from = p.pub()
	}
	return e
}

// namedMonth resolves "last December" (the latest December before the
// publication month), "this July" and "next March".
func (p *parser) namedMonth(end, month, which int) expr {
	y := p.pub().Year()
	pm := int(p.pub().Month())
	switch which {
	case fnLast:
		if month >= pm {
			y--
		}
	case fnNext:
		if month <= pm {
			y++
		}
	}
	first := time.Date(y, time.Month(month), 1, 0, 0, 0, 0, time.UTC)
	return p.rel(end, first, first.AddDate(0, 1, -1), Month)
}

// ago matches "two days ago", "3 weeks ago", "a year ago".
func (p *parser) ago(i int) (expr, bool) {
	n := 0
	switch t := p.t[i]; {
	case t.kind == tNum && int(t.ndig) <= 2 && !t.ord:
		n = int(t.num)
	case t.w.class == cNumWord:
		n = int(t.w.val)
	default:
		return expr{}, false
	}
	u := p.unit(i + 1)
	if u == 0 || u == unitWeekend || !p.fn(i+2, fnAgo) {
		return expr{}, false
	}
	end := i + 3
	switch u {
	case unitDay:
		return p.days(end, -n, -n, Day), true
	case unitWeek:
		return p.days(end, -7*n, -7*n, Week), true
	case unitMonth:
		first := time.Date(p.pub().Year(), p.pub().Month()-time.Month(n), 1, 0, 0, 0, 0, time.UTC)
		return p.rel(end, first, first.AddDate(0, 1, -1), Month), true
	}
	y := p.pub().Year() - n
	return p.rel(end, time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(y, 12, 31, 0, 0, 0, 0, time.UTC), Year), true
}

// lastN matches the count and unit of "the past two weeks", "the last
// 24 hours", "past 3 days": the span from that far back to publication.
func (p *parser) lastN(i int) (expr, bool) {
	if i >= len(p.t) {
		return expr{}, false
	}
	n := 0
	switch t := p.t[i]; {
	case t.kind == tNum && t.ndig <= 3 && !t.ord:
		n = int(t.num)
	case t.w.class == cNumWord && t.w.val > 1: // not "a"/"one": "the last one" counts nothing
		n = int(t.w.val)
	default:
		return expr{}, false
	}
	end := i + 2
	switch p.unit(i + 1) {
	case unitHour:
		return p.rel(end, p.pub().Add(-time.Duration(n)*time.Hour).Truncate(24*time.Hour), p.pub(), Day), true
	case unitDay:
		return p.days(end, -n, 0, Day), true
	case unitWeek:
		return p.days(end, -7*n, 0, Week), true
	case unitMonth:
		return p.rel(end, p.pub().AddDate(0, -n, 0), p.pub(), Month), true
	case unitYear:
		return p.rel(end, p.pub().AddDate(-n, 0, 0), p.pub(), Year), true
	}
	return expr{}, false
}

// datedWeekday reports a weekday followed by a calendar day: "Wednesday, July 7".
func (p *parser) datedWeekday(i int) bool {
	j := i + 1
	if p.punct(j, ',') {
		j++
	}
	c, ok := p.cal(j, false)
	return ok && c.prec == Day
}
