package quantity

// finder matches quantities over the tokens of one sentence. It holds
// nothing but the tokens, so escape analysis keeps them on the stack.
type finder struct {
	t []token
}

// Token predicates; all are false past either end.

func (f *finder) word(i int) word {
	if i < 0 || i >= len(f.t) || f.t[i].kind != tWord {
		return word{}
	}
	return f.t[i].w
}

func (f *finder) id(i int) wordID         { return f.word(i).id }
func (f *finder) has(i int, c class) bool { return f.word(i).is(c) }

func (f *finder) punct(i int, b byte) bool {
	return i >= 0 && i < len(f.t) && f.t[i].kind == tPunct && f.t[i].p == b
}

func (f *finder) dash(i int) bool { return i >= 0 && i < len(f.t) && f.t[i].dash }

func (f *finder) plainNum(i int) bool {
	return i >= 0 && i < len(f.t) && f.t[i].kind == tNum && f.t[i].shape == shapePlain && !f.t[i].ord
}

// adjacent reports whether tokens i and i+1 touch.
func (f *finder) adjacent(i int) bool {
	return i >= 0 && i+1 < len(f.t) && f.t[i].end == f.t[i+1].start
}

// tightDash reports a dash at k glued to the tokens on both sides: "4-5".
func (f *finder) tightDash(k int) bool { return f.dash(k) && f.adjacent(k-1) && f.adjacent(k) }

// numExpr is a number before its unit.
type numExpr struct {
	val                  float64
	end                  int
	vague, ord, spelled  bool
	scaled               bool // digits with a scale word: "1.5 million"
	vagueStart, vagueEnd int
}

// at matches a quantity starting at token i.
func (f *finder) at(i int) (found, bool) {
	q := found{start: i}
	j := i
	if qual, n := f.qualifier(i); n > 0 {
		q.qual, j = qual, i+n
	}
	money, currency := false, j
	switch {
	case f.punct(j, '$'):
		money = true
		j++
	case f.id(j) == idUS && f.punct(j+1, '$') && f.adjacent(j):
		money = true
		j += 2
	}
	n, ok := f.number(j)
	if !ok || f.notAmount(j, n, money) {
		return found{}, false
	}
	q.value = n.val
	q.vague, q.vagueStart, q.vagueEnd = n.vague, n.vagueStart, n.vagueEnd
	k := n.end
	if !n.ord && !n.vague {
		// A range gives its low end: "200-300", "200 to 300", "between 200 and 300".
		// The high end must not be lower: "the vote passed 120 to 3" is no range.
		if (f.tightDash(k) || f.id(k) == idTo && q.qual != "up to" || f.id(k) == idAnd && q.qual == "between") &&
			f.plainNum(k+1) && f.t[k+1].val >= f.t[j].val {
			k += 2
			if f.has(k, cScale) {
				if !n.scaled {
					q.value *= f.word(k).val // "2 to 3 million"
				}
				k++
			}
			q.qual = "at least"
		}
	}
	if q.qual == "between" {
		q.qual = ""
	}
	switch {
	case n.ord:
		q.kind = Ordinal
	case money:
		q.kind = Money
	}
	// "30,000-strong contingent": the unit follows "strong".
	if f.tightDash(k) && f.id(k+1) == idStrong {
		k += 2
	}
	// "1,300-km border"
	if f.tightDash(k) && f.has(k+1, cUnitLen) {
		k++
	}
	unit := func(from, to int, kind string) {
		q.unitStart, q.unitEnd = from, to
		if q.kind == "" {
			q.kind = kind
		}
		k = to
	}
	switch {
	case n.ord:
		us, ue, end := f.unitPhrase(k)
		q.unitStart, q.unitEnd = us, ue
		k = end
	case f.punct(k, '%'):
		unit(k, k+1, Percent)
	case f.has(k, cUnitPct):
		unit(k, k+1, Percent)
	case f.id(k) == idPer && f.id(k+1) == idCent:
		unit(k, k+2, Percent)
	case f.has(k, cUnitLen):
		unit(k, k+1, Length)
	case f.has(k, cUnitMoney):
		unit(k, k+1, Money)
	case f.has(k, cUnitTime):
		unit(k, k+1, Duration)
	case f.has(k, cUnitOther):
		unit(k, k+1, Other)
	case money && f.id(k) == idM && f.adjacent(k-1):
		q.value *= 1e6 // "$12M", "$5m"
		k++
	default:
		us, ue, end := f.unitPhrase(k)
		q.unitStart, q.unitEnd = us, ue
		k = end
	}
	hasUnit := q.unitEnd > q.unitStart
	if money && !hasUnit {
		q.unitStart, q.unitEnd = currency, j // the currency sign as written: "$", "US$"
	}
	if q.kind == "" {
		q.kind = f.casualty(i, q.unitStart, q.unitEnd, k)
	}
	if q.kind == "" {
		if !hasUnit {
			if (n.spelled || n.vague) && q.value < 100 {
				return found{}, false // "the two agreed", "several said"; "thousands fled" stays
			}
			q.kind = Other
		} else {
			q.kind = Count
		}
	}
	if !hasUnit && k > n.end && f.id(k-1) == idOf {
		k-- // "dozens of" with nothing counted after it
	}
	q.end = k
	return q, true
}

// qualifier matches a qualifier at i and returns it normalised with the
// number of tokens it takes.
func (f *finder) qualifier(i int) (string, int) {
	switch f.id(i) {
	case idMore:
		if f.id(i+1) == idThan {
			return "more than", 2
		}
	case idAt:
		switch f.id(i + 1) {
		case idLeast:
			return "at least", 2
		case idMost:
			return "at most", 2
		}
	case idUp:
		if f.id(i+1) == idTo {
			return "up to", 2
		}
	case idAs:
		if f.id(i+1) == idMany && f.id(i+2) == idAs {
			return "up to", 3
		}
	case idFewer, idLess:
		if f.id(i+1) == idThan {
			return "fewer than", 2
		}
	case idA:
		if f.id(i+1) == idEstimated {
			return "about", 2
		}
	case idEstimated, idAbout, idAround, idApproximately, idRoughly:
		return "about", 1
	case idSome:
		return "some", 1
	case idOver:
		return "over", 1
	case idNearly:
		return "nearly", 1
	case idAlmost:
		return "almost", 1
	case idUnder:
		return "fewer than", 1
	case idBetween:
		return "between", 1
	}
	return "", 0
}

// number reads digits (with a scale word), number words, ordinals or a
// vague amount at j.
func (f *finder) number(j int) (numExpr, bool) {
	if j >= len(f.t) {
		return numExpr{}, false
	}
	t := f.t[j]
	if t.kind == tNum {
		if t.shape != shapePlain {
			return numExpr{}, false
		}
		if t.ord {
			return numExpr{val: t.val, end: j + 1, ord: true}, true
		}
		n := numExpr{val: t.val, end: j + 1}
		if f.has(j+1, cScale) {
			n.val *= f.word(j + 1).val
			n.end++
			n.scaled = true
		}
		return n, true
	}
	switch w := f.word(j); w.class {
	case cOrdinal:
		return numExpr{val: w.val, end: j + 1, ord: true, spelled: true}, true
	case cCardinal, cA, cScale:
		return f.spelled(j)
	case cVague:
		return f.vague(j)
	}
	return numExpr{}, false
}

// spelled reads number words: "two", "twenty-five", "a thousand",
// "three hundred and fifty", "two dozen".
func (f *finder) spelled(j int) (numExpr, bool) {
	total, cur := 0.0, 0.0
	k := j
	seen, lastTens, lastScale := false, false, false
	if f.word(j).class == cA {
		switch {
		case f.has(j+1, cScale):
			cur, seen, lastScale = 1, true, false
			k = j + 1
		case f.id(j+1) == idFew || f.id(j+1) == idCouple || f.id(j+1) == idDozen:
			return f.vague(j)
		default:
			return numExpr{}, false
		}
	}
	n := numExpr{spelled: true}
loop:
	for k < len(f.t) {
		w := f.word(k)
		switch {
		case w.class == cCardinal:
			if seen && !lastScale && !(lastTens && w.val < 10) {
				break loop
			}
			cur += w.val
			seen, lastScale = true, false
			lastTens = w.val >= 20 && int(w.val)%10 == 0
			k++
			// "twenty-five"
			if lastTens && f.tightDash(k) && f.word(k+1).class == cCardinal && f.word(k+1).val < 10 {
				cur += f.word(k + 1).val
				k += 2
				lastTens = false
			}
		case w.class == cScale && seen:
			if w.val == 100 {
				cur *= 100
			} else {
				total += cur * w.val
				cur = 0
			}
			lastScale, lastTens = true, false
			k++
		case w.id == idAnd && lastScale && f.word(k+1).class == cCardinal:
			k++
		case w.id == idDozen && seen && !lastScale:
			cur *= 12
			n.vague, n.vagueStart, n.vagueEnd = true, j, k+1
			k++
			break loop
		default:
			break loop
		}
	}
	if !seen {
		return numExpr{}, false
	}
	n.val, n.end = total+cur, k
	return n, true
}

// vague reads "dozens of", "several", "a few", "a couple of", "a dozen",
// "hundreds of", "tens of thousands of", "several hundred".
func (f *finder) vague(j int) (numExpr, bool) {
	k := j
	hasA := f.word(j).class == cA
	if hasA {
		k++
	}
	w := f.word(k)
	needOf := false
	switch w.id {
	case idFew, idCouple, idDozen:
		if !hasA {
			return numExpr{}, false // "few" alone means "not many"
		}
	case idTens, idScores:
		needOf = !hasA
	case idSeveral, idDozens, idHundreds, idThousands, idMillions:
		if hasA {
			return numExpr{}, false
		}
	default:
		return numExpr{}, false
	}
	val := w.val
	k++
	switch {
	case f.id(k) == idOf && (f.id(k+1) == idThousands || f.id(k+1) == idMillions):
		val *= f.word(k + 1).val // "tens of thousands"
		k += 2
		needOf = false
	case f.has(k, cScale):
		val *= f.word(k).val // "several hundred"
		k++
	case f.id(k) == idDozen && (w.id == idSeveral || w.id == idFew):
		val *= 12
		k++
	}
	n := numExpr{val: val, vague: true, spelled: true, vagueStart: j, vagueEnd: k}
	if f.id(k) == idOf {
		k++
	} else if needOf {
		return numExpr{}, false
	}
	n.end = k
	return n, true
}

// notAmount rejects numbers that are dates, years, times, model names or
// the pronoun "one".
func (f *finder) notAmount(j int, n numExpr, money bool) bool {
	t := f.t[j]
	if n.spelled {
		// "one of the", "no one", "the one"
		return f.id(j) == idOne && (f.id(j+1) == idOf || f.id(j-1) == idNo || f.id(j-1) == idThe)
	}
	if money {
		return false
	}
	// "July 4", "Sept. 11"
	if f.has(j-1, cMonth) && f.monthLike(j-1) || f.punct(j-1, '.') && f.has(j-2, cMonth) {
		return true
	}
	// "4 July", "4-6 July", "4 and 6 July", "4th of July"
	e := n.end
	if f.has(e, cMonth) && f.monthLike(e) {
		return true
	}
	if (f.dash(e) || f.id(e) == idAnd || f.id(e) == idTo) && f.plainNum(e+1) && f.has(e+2, cMonth) && f.monthLike(e+2) {
		return true
	}
	if t.ord && f.id(e) == idOf && f.has(e+1, cMonth) {
		return true
	}
	// "Mi-8", "G7", "COVID-19": a name, not an amount.
	if f.adjacent(j-1) && (f.t[j-1].kind == tWord || f.dash(j-1) && f.adjacent(j-2) && f.t[j-2].kind == tWord) {
		return true
	}
	// "the 1990s"
	if f.adjacent(j) && f.t[j+1].kind == tWord && f.t[j+1].end-f.t[j+1].start == 1 && t.ndig == 4 {
		return true
	}
	// "10 a.m."
	if f.id(e) == idAM || f.id(e) == idPM || f.id(e) == idA && f.punct(e+1, '.') && f.adjacent(e) {
		return true
	}
	// A year: "in 2011", "the 2021 Taliban", "a 2020 report", "2001." A
	// four-digit number counts only when a plain lower-case plural follows
	// ("1990 troops") and no date word or article precedes.
	if t.ndig == 4 && !t.grouped && !t.frac && t.val >= 1900 && t.val <= 2100 && e == j+1 {
		counted := e < len(f.t) && f.t[e].kind == tWord && !f.t[e].upper && f.word(e).class == cNone &&
			(f.t[e].suffix == sufS || f.word(e).plural)
		return !counted || f.has(j-1, cDatePrep) || f.has(j-1, cMonth) || f.word(j-1).class == cA
	}
	return false
}

// monthLike tells the months May and March from the verbs "may" and
// "march": those two count as months only when capitalised.
func (f *finder) monthLike(i int) bool {
	return f.t[i].upper || f.t[i].w.also != cStop
}

// unitPhrase reads the counted noun phrase at k, at most 3 words, and
// returns its tokens with leading demonyms dropped, and where it ends.
func (f *finder) unitPhrase(k int) (us, ue, end int) {
	m, n := k, 0
	for n < 3 && m < len(f.t) && f.t[m].kind == tWord {
		t := f.t[m]
		w := t.w
		if w.noun && n == 0 {
			m++ // "12 deaths": the casualty noun is the unit
			break
		}
		if w.class != cNone && w.class != cDrop || t.suffix == sufLy {
			break
		}
		if t.suffix == sufEd || t.suffix == sufIng {
			// Only as a leading modifier: "armored personnel carriers".
			nx := f.word(m + 1)
			if n > 0 || m+1 >= len(f.t) || f.t[m+1].kind != tWord || nx.class != cNone && nx.class != cDrop ||
				f.t[m+1].suffix == sufEd || f.t[m+1].suffix == sufIng {
				break
			}
		}
		m++
		n++
		// "U.S." as one word.
		for f.punct(m, '.') && f.adjacent(m-1) && m+1 < len(f.t) && f.adjacent(m) && f.t[m+1].kind == tWord && f.t[m+1].end-f.t[m+1].start == 1 {
			m += 2
		}
		if f.punct(m, '.') && f.adjacent(m-1) && f.t[m-1].end-f.t[m-1].start == 1 && m > k+1 && f.punct(m-2, '.') {
			m++
		}
		// "self-propelled guns", "Afghan-Tajik border", "Mi-8 helicopters"
		for f.tightDash(m) && m+1 < len(f.t) && (f.t[m+1].kind == tWord || f.t[m+1].kind == tNum) {
			m += 2
		}
		// A plural is the head noun: what follows is a verb ("troops took part").
		if last := f.t[m-1]; last.kind == tWord && (last.suffix == sufS || last.w.plural) {
			break
		}
	}
	us, ue = k, m
	for us+1 < ue && f.t[us].w.class == cDrop {
		nx := us + 1
		for nx < ue && (f.punct(nx, '.') || f.t[nx].end-f.t[nx].start == 1) { // the rest of "U.S."
			nx++
		}
		if nx >= ue || f.t[nx].kind != tWord {
			break
		}
		us = nx
	}
	return us, ue, m
}

// casualty reads the kind from the words around a number: a verb before it
// ("killed 12", "killing at least 5"), "toll" shortly before it, the unit
// itself ("deaths"), or a verb after the unit ("12 people were killed").
func (f *finder) casualty(start, us, ue, end int) string {
	for m := us; m < ue; m++ {
		if k := kindOf(f.word(m).class); k != "" {
			return k
		}
	}
	if k := kindOf(f.word(start - 1).class); k != "" {
		return k
	}
	for m := start - 1; m >= start-4 && m >= 0; m-- {
		if f.id(m) == idToll {
			return Dead
		}
	}
	a := end
	for skipped := 0; skipped < 3 && f.has(a, cAux); skipped++ {
		a++
	}
	return kindOf(f.word(a).class)
}

func kindOf(c class) string {
	switch c {
	case cDead:
		return Dead
	case cInjured:
		return Injured
	case cArrested:
		return Arrested
	}
	return ""
}

// skip moves past token i, and past a whole "Month day[-day][, year]"
// date when i is a month name, so its numbers are not read as amounts.
func (f *finder) skip(i int) int {
	if !f.has(i, cMonth) || !f.monthLike(i) {
		return i + 1
	}
	k := i + 1
	if f.punct(k, '.') {
		k++
	}
	if !f.plainNum(k) {
		return i + 1
	}
	k++
	if (f.dash(k) || f.id(k) == idAnd || f.id(k) == idTo) && f.plainNum(k+1) && f.t[k+1].ndig <= 2 {
		k += 2
	}
	if f.punct(k, ',') && f.plainNum(k+1) && f.t[k+1].ndig == 4 {
		k += 2
	}
	return k
}
