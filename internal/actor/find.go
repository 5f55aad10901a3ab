package actor

import (
	"strings"
	"sync"
	"time"
)

// item is one dictionary match before composition, in token indexes.
type item struct {
	ts, te   int // tokens [ts, te)
	e        *entry
	modifier bool // part of "pro-American" or "Tajik-Afghan": describes, names no actor
}

// Find returns the actors mentioned in sentence as they were on the given
// date (zero = today): sorted by Start, non-overlapping, the longest
// dictionary match winning, with countries and bodies composed ("Tajik
// border service", "servicemen from Afghanistan", "Taliban spokesman
// Zabihullah Mujahid").
func (d *Dictionary) Find(sentence string, on time.Time) []Mention {
	return d.FindAppend(nil, sentence, on)
}

// FindAppend appends what Find returns to dst, so that a caller can reuse
// one buffer for every sentence.
func (d *Dictionary) FindAppend(dst []Mention, sentence string, on time.Time) []Mention {
	c := scratchPool.Get().(*composer)
	defer func() {
		// Drop references into the sentence before pooling.
		clear(c.toks)
		clear(c.out)
		*c = composer{toks: c.toks[:0], items: c.items[:0], byStart: c.byStart[:0], out: c.out[:0]}
		scratchPool.Put(c)
	}()
	c.s, c.d, c.day = sentence, d, dayOf(on)
	c.toks = appendTokens(c.toks, sentence)
	if len(c.toks) == 0 {
		return dst
	}
	c.items = d.match(c.items, c.toks, c.day)
	if len(c.items) == 0 {
		return dst
	}
	markModifiers(c.toks, c.items)
	for range c.toks {
		c.byStart = append(c.byStart, -1)
	}
	for k, it := range c.items {
		c.byStart[it.ts] = int32(k)
	}
	return c.compose(dst)
}

// scratchPool keeps the buffers of Find between calls: most of its cost
// was allocating and collecting them.
var scratchPool = sync.Pool{New: func() any { return &composer{} }}

// match finds, left to right, the longest pattern starting at each token
// that has a row holding on day.
func (d *Dictionary) match(items []item, toks []token, day int) []item {
	for i := 0; i < len(toks); {
		if !toks[i].word { // no pattern starts with punctuation
			i++
			continue
		}
		end, e := d.longest(toks, i, day)
		if e == nil {
			i++
			continue
		}
		items = append(items, item{ts: i, te: end, e: e})
		i = end
	}
	return items
}

func (d *Dictionary) longest(toks []token, i, day int) (int, *entry) {
	bestEnd, bestRows := 0, []*entry(nil)
	// Walk both tries; at equal length a name (exact) beats a role noun.
	var buf [64]byte
	st := d.startOf(toks[i].appendLower(buf[:0]))
	if st == nil {
		return 0, nil
	}
	for _, exact := range [2]bool{false, true} {
		n := st.folded // the node of toks[i]
		if exact {
			n = nil
			for _, c := range st.exact {
				if c.key == toks[i].key {
					n = c.n
					break
				}
			}
		}
		for j := i; j < len(toks); j++ {
			switch {
			case j == i: // n is already toks[i]'s node
			case exact:
				n = n.next[toks[j].key]
			case toks[j].lower != "":
				n = n.next[toks[j].lower]
			default:
				n = n.next[string(toks[j].appendLower(buf[:0]))] // no allocation for a map key
			}
			if n == nil {
				break
			}
			if len(n.entries) > 0 && (j+1 > bestEnd || (exact && j+1 == bestEnd)) {
				bestEnd, bestRows = j+1, n.entries
			}
		}
	}
	if bestRows == nil {
		return 0, nil
	}
	return bestEnd, pick(bestRows, day)
}

// officeAdjectives may stand between a country and an office without
// changing who holds it; pastOffice words make the holder a former official.
var (
	officeAdjectives = map[string]bool{"new": true, "newly": true, "appointed": true, "elected": true,
		"acting": true, "interim": true, "top": true, "senior": true, "outgoing": true, "incoming": true}
	pastOffice = map[string]bool{"former": true, "ousted": true, "exiled": true, "deposed": true, "late": true}
)

// bodyNamed returns the body or role row whose case-free pattern is exactly
// toks, if any.
func (d *Dictionary) bodyNamed(toks []token, day int) *entry {
	n := d.folded
	for i := range toks {
		if n = n.next[toks[i].lowered()]; n == nil {
			return nil
		}
	}
	if len(n.entries) == 0 {
		return nil
	}
	return pick(n.entries, day)
}

// markModifiers flags country words that only describe: "pro-American",
// "anti-Taliban" and bilateral compounds such as "Tajik-Afghan".
func markModifiers(toks []token, items []item) {
	for k := range items {
		it := &items[k]
		if it.ts >= 2 && toks[it.ts-1].key == "-" && adjacent(toks, it.ts-2) && adjacent(toks, it.ts-1) {
			switch toks[it.ts-2].lowered() {
			case "pro", "anti":
				it.modifier = true
			}
		}
		if k+1 < len(items) && isAdjective(it.e) && isAdjective(items[k+1].e) &&
			items[k+1].ts == it.te+1 && toks[it.te].key == "-" && adjacent(toks, it.te-1) && adjacent(toks, it.te) {
			it.modifier = true
			items[k+1].modifier = true
		}
	}
}

// adjacent reports whether token i touches token i+1 (no space between).
func adjacent(toks []token, i int) bool {
	return i >= 0 && i+1 < len(toks) && toks[i].end == toks[i+1].start
}

// isAdjective is a bare demonym such as "Tajik": it needs a noun to name an actor.
func isAdjective(e *entry) bool { return e.kind == KindDemonym && e.sector == "" && !e.plural }

func isHead(k Kind) bool {
	switch k {
	case KindCountry, KindCapital, KindDemonym, KindIGO, KindGroup, KindMedia, KindPerson:
		return true
	}
	return false
}

// part is a mention being built, in token indexes.
type part struct {
	ts, te                int
	name, country, sector string
	kind                  Kind
	plural                bool
	composed              bool // a head took a body or role
	bare                  bool // a head standing alone, may take a coordinated sector
	adjective             bool
	headKind              Kind
	roleTs                int // first token of the role word, for title case
}

type composer struct {
	d       *Dictionary
	day     int
	s       string
	toks    []token
	items   []item
	byStart []int32 // token -> index of the item starting there, or -1
	out     []part
}

func (c *composer) text(ts, te int) string { return c.s[c.toks[ts].start:c.toks[te-1].end] }

// itemAt returns the item starting at token i, if any and not a modifier.
func (c *composer) itemAt(i int) (item, int, bool) {
	if i >= len(c.byStart) || c.byStart[i] < 0 || c.items[c.byStart[i]].modifier {
		return item{}, 0, false
	}
	k := int(c.byStart[i])
	return c.items[k], k, true
}

// afterLed skips "-led" after a head: "U.S.-led forces".
func (c *composer) afterLed(te int) int {
	t := c.toks
	if te+1 < len(t) && t[te].key == "-" && t[te+1].is("led") && adjacent(t, te-1) && adjacent(t, te) {
		return te + 2
	}
	return te
}

// afterPossessive skips "'s", "’s" or a plural's bare "'" right after token te-1.
func (c *composer) afterPossessive(te int) int {
	t := c.toks
	if te < len(t) && t[te].key == "'" && adjacent(t, te-1) {
		if te+1 < len(t) && t[te+1].is("s") && adjacent(t, te) {
			return te + 2
		}
		if k := t[te-1].key; strings.HasSuffix(k, "s") || strings.HasSuffix(k, "S") {
			return te + 1
		}
	}
	return te
}

func (c *composer) compose(ms []Mention) []Mention {
	for k := 0; k < len(c.items); {
		it := c.items[k]
		if it.modifier {
			k++
			continue
		}
		p := c.base(it)
		k = c.extend(&p)
		c.coordinate(p)
		c.widenLeft(&p)
		c.out = append(c.out, p)
	}
	if ms == nil {
		ms = make([]Mention, 0, len(c.out))
	}
	for _, p := range c.out {
		start, end := c.toks[p.ts].start, c.toks[p.te-1].end
		ms = append(ms, Mention{Start: start, End: end, Text: c.s[start:end], Name: p.name,
			Country: p.country, Sector: p.sector, Kind: p.kind, Plural: p.plural})
	}
	return ms
}

// base makes a part of one dictionary item.
func (c *composer) base(it item) part {
	e := it.e
	p := part{ts: it.ts, te: it.te, name: e.name, country: e.country, sector: e.sector, kind: e.kind,
		plural: e.plural, headKind: e.kind, bare: isHead(e.kind), adjective: isAdjective(e), roleTs: it.ts}
	if p.name == "" || e.kind == KindRole {
		// Roles keep the words used ("president", "spokeswoman").
		p.name = strings.ToLower(foldString(c.text(it.ts, it.te)))
	}
	return p
}

// extend grows p over the items and words that follow it, and returns the
// index of the first item not used.
func (c *composer) extend(p *part) int {
	for c.join(p) {
	}
	if p.kind == KindRole || p.kind == KindBody {
		next := p.te
		switch {
		case c.roleFollowers(p, next):
		case c.unknownPerson(p, next):
		case !p.composed && p.country == "" && c.bodyOf(p, next):
		}
	}
	return c.nextItem(p.te)
}

// join takes the item right after p (after a possessive for heads) into p
// and reports whether it did.
func (c *composer) join(p *part) bool {
	if p.kind == KindPerson && p.composed {
		return false
	}
	next := c.afterPossessive(p.te)
	if next == p.te && isHead(p.kind) {
		next = c.afterLed(p.te)
	}
	former := false
	if isHead(p.kind) && !p.composed {
		// "Lebanon's new President", "Tajikistan's former ambassador"
		for next < len(c.toks) && c.byStart[next] < 0 {
			w := c.toks[next].lowered()
			if !officeAdjectives[w] && !pastOffice[w] {
				break
			}
			former = former || pastOffice[w]
			next++
		}
	}
	it, _, ok := c.itemAt(next)
	if !ok {
		return false
	}
	if former && it.e.kind != KindRole {
		return false
	}
	if former {
		defer func() { p.sector = "ELI" }()
	}
	e := it.e
	touching := next == p.te
	if e.kind == KindIGO && !p.composed && (p.kind == KindCountry || p.kind == KindDemonym || p.kind == KindCapital) {
		// "Russia's Security Council": a national body that shares its name
		// with an international one.
		if be := c.d.bodyNamed(c.toks[it.ts:it.te], c.day); be != nil {
			it.e, e = be, be
		}
	}
	switch {
	case isHead(p.kind) && !p.composed && (e.kind == KindBody || e.kind == KindRole):
		c.attach(p, it)
	case (p.kind == KindBody || p.kind == KindRole) && p.composed && e.kind == KindRole && touching:
		// "Tajik border service spokesman": the role belongs to the body.
		if e.sector != "" && !(p.headKind == KindGroup && p.sector != "GOV") && p.headKind != KindMedia {
			p.sector = e.sector
		}
		p.name += " " + strings.ToLower(foldString(c.text(it.ts, it.te)))
		p.te, p.kind, p.plural, p.roleTs = it.te, KindRole, false, it.ts
	case p.kind == KindRole && e.kind == KindPerson && touching:
		c.becomePerson(p, it)
	case p.adjective && touching && e.kind == KindDemonym && e.plural:
		// "Afghan Tajiks": an ethnic group of the first country.
		p.name = foldString(c.text(p.ts, it.te))
		p.te, p.sector, p.plural, p.adjective, p.bare, p.composed = it.te, "CVL", true, false, false, true
	case p.adjective && touching && e.kind == KindGroup:
		// "Afghan Taliban": the group, named with its country.
		p.te, p.name, p.sector, p.kind, p.headKind, p.adjective = it.te, e.name, e.sector, KindGroup, KindGroup, false
		p.country = e.country
	default:
		return false
	}
	return true
}

// nextItem is the index of the first item starting at or after token te.
func (c *composer) nextItem(te int) int {
	for k, it := range c.items {
		if it.ts >= te {
			return k
		}
	}
	return len(c.items)
}

// attach joins a head and the body or role after it.
func (c *composer) attach(p *part, it item) {
	e := it.e
	words := strings.ToLower(foldString(c.text(it.ts, it.te)))
	bodyName := e.name
	if e.kind == KindRole || bodyName == "" {
		bodyName = words
		if e.kind == KindBody && e.name == "" {
			bodyName = ""
		}
	}
	switch {
	case p.headKind == KindMedia:
		// "Khovar agency", "BBC correspondent": still the outlet.
	case p.headKind == KindGroup:
		// "Taliban militants", "Taliban spokesman": the group's name and,
		// while it is armed opposition, its own sector; a governing group's
		// fighters are its forces.
		if e.kind == KindRole {
			p.name = joinName(p.name, words)
		}
		p.sector = groupSector(p.sector, e.sector)
	case p.headKind == KindPerson:
		// "Putin's aide", "the Joe Biden administration": the person's country.
		p.name = joinName(p.name, words)
		if e.sector != "" {
			p.sector = e.sector
		}
	default:
		if p.country == "" {
			p.country = e.country
		}
		p.name = joinName(p.name, bodyName)
		if e.sector != "" {
			p.sector = e.sector
		} else if p.sector == "" {
			// "Serbian President", "Tajik spokesman": a state's office.
			p.sector = "GOV"
		}
	}
	p.te, p.kind, p.plural, p.composed, p.bare, p.adjective, p.roleTs = it.te, e.kind, e.plural, true, false, false, it.ts
	if p.headKind == KindMedia {
		p.kind = KindMedia
	}
}

// groupSector is the sector of a group's body or role: an armed
// opposition group keeps its own; a governing group takes the body's, with
// its armed men counted as its forces.
func groupSector(group, body string) string {
	if group != "GOV" {
		return group
	}
	switch body {
	case "":
		return group
	case "UAF", "REB", "PRM":
		return "MIL"
	}
	return body
}

func joinName(a, b string) string {
	if b == "" {
		return a
	}
	return a + " " + b
}

// becomePerson merges a role and the named person after it; the person's
// own row gives name, country and sector, the role fills what it lacks.
func (c *composer) becomePerson(p *part, it item) {
	e := it.e
	p.te, p.name, p.kind, p.plural, p.composed, p.bare = it.te, e.name, KindPerson, false, true, false
	if e.country != "" {
		p.country = e.country
	}
	if e.sector != "" {
		p.sector = e.sector
	}
}

// roleFollowers handles a composed role followed by ", Name" or
// "to the CSTO, Name": "Tajikistan's Ambassador to the CSTO, Khasan
// Sultonov" is one person. It reports whether it took anything.
func (c *composer) roleFollowers(p *part, i int) bool {
	if p.kind != KindRole {
		return false
	}
	t := c.toks
	j := i
	if j < len(t) {
		switch t[j].lowered() {
		case "to", "in", "at", "for":
			j++
			if j < len(t) && t[j].is("the") {
				j++
			}
			it, _, ok := c.itemAt(j)
			if !ok || it.e.kind == KindPerson {
				return false
			}
			j = it.te
		}
	}
	if j < len(t) && t[j].key == "," {
		j++
	}
	if j == i {
		return false
	}
	it, _, ok := c.itemAt(j)
	if !ok || it.e.kind != KindPerson {
		return false
	}
	c.becomePerson(p, it)
	return true
}

// notNames are capitalised words that follow a title without being a name.
var notNames = map[string]bool{
	"Monday": true, "Tuesday": true, "Wednesday": true, "Thursday": true, "Friday": true,
	"Saturday": true, "Sunday": true, "January": true, "February": true, "March": true,
	"April": true, "May": true, "June": true, "July": true, "August": true, "September": true,
	"October": true, "November": true, "December": true, "The": true, "A": true, "On": true,
	"In": true, "And": true, "But": true, "He": true, "She": true, "It": true, "They": true,
	"We": true, "I": true, "This": true, "That": true,
}

// unknownPerson takes a capitalised title followed by one to three
// capitalised words not in the dictionaries ("President Yoweri Museveni")
// as a person the dictionaries do not know.
func (c *composer) unknownPerson(p *part, i int) bool {
	if p.kind != KindRole || !startsUpper(c.toks[p.roleTs].key) {
		return false
	}
	j := i
	for j < len(c.toks) && j-i < 3 {
		t := c.toks[j]
		if !t.word || !startsUpper(t.key) || notNames[t.key] || j != i && !isSpaceBetween(c.toks, j-1) {
			break
		}
		if c.byStart[j] >= 0 {
			break
		}
		j++
	}
	if j == i || j != p.te && !isSpaceBetween(c.toks, p.te-1) {
		return false
	}
	p.name = c.text(i, j)
	if p.sector == "" && c.byStart[p.roleTs] >= 0 && c.items[c.byStart[p.roleTs]].e.name == "leader" {
		// "President Yoweri Museveni": a titled office holder of some state.
		p.sector = "GOV"
	}
	p.te, p.kind, p.plural, p.composed, p.bare = j, KindPerson, false, true, false
	return true
}

func isSpaceBetween(toks []token, i int) bool {
	return i+1 < len(toks) && toks[i].end < toks[i+1].start
}

// bodyOf joins a body or role to the country after "of" or "from":
// "servicemen from Afghanistan", "the President of Tajikistan".
func (c *composer) bodyOf(p *part, i int) bool {
	t := c.toks
	in := i < len(t) && t[i].is("in")
	if i >= len(t) || (!t[i].is("of") && !t[i].is("from") && !in) {
		return false
	}
	if in && (p.sector == "MIL" || p.sector == "") {
		// "US troops in Afghanistan" are not Afghan; "rebels in the Ivory
		// Coast", "residents in Kabul" are of the place.
		return false
	}
	j := i + 1
	if j < len(t) && t[j].is("the") {
		j++
	}
	it, _, ok := c.itemAt(j)
	if !ok {
		return false
	}
	switch it.e.kind {
	case KindCountry, KindCapital:
	case KindIGO, KindGroup:
		if in {
			return false
		}
	default:
		return false
	}
	e := it.e
	body := c.items[c.byStart[p.ts]].e
	p.country = e.country
	switch {
	case e.kind == KindGroup:
		p.sector = groupSector(e.sector, p.sector)
	case p.sector == "":
		p.sector = e.sector
	}
	if p.kind == KindBody && (body.name == "" || e.kind == KindGroup) {
		p.name = e.name
	} else {
		p.name = e.name + " " + p.name
	}
	p.te, p.composed = it.te, true
	return true
}

// coordinate gives a composed body's sector to the bare heads joined to it
// by "and" or commas: "US and NATO troops", "USA's and NATO's troops".
func (c *composer) coordinate(p part) {
	if !p.composed || (p.kind != KindBody && p.kind != KindRole) || p.sector == "" {
		return
	}
	switch p.headKind {
	case KindCountry, KindCapital, KindDemonym, KindIGO:
	default:
		return
	}
	end := p.ts
	for n := len(c.out) - 1; n >= 0; n-- {
		q := &c.out[n]
		if !q.bare || q.headKind == KindPerson || q.headKind == KindMedia || q.headKind == KindGroup {
			return
		}
		joined := false
		for i := q.te; i < end; i++ {
			switch c.toks[i].lowered() {
			case "'", "s", "-":
				continue
			case "and", ",", "or", "&", "led":
				// "US and NATO troops", "USA's and NATO's troops", "US-led NATO troops"
				joined = true
				continue
			}
			return
		}
		if !joined {
			return
		}
		q.sector = p.sector
		if q.adjective {
			q.adjective = false
		}
		end = q.ts
	}
}

// widenLeft takes "the" and describing words such as "pro-American" into
// the span: "the pro-American Afghan regime", "the Taliban".
func (c *composer) widenLeft(p *part) {
	if p.kind == KindPerson && !p.composed || p.adjective {
		return
	}
	t := c.toks
	ts := p.ts
	for ts > 0 {
		ok := false
		// a modifier item ending right before ts, preceded by "pro-"/"anti-"
		for mk := range c.items {
			m := c.items[mk]
			if m.modifier && m.te == ts && m.ts >= 2 && t[m.ts-1].key == "-" {
				ts, ok = m.ts-2, true
				break
			}
		}
		if !ok {
			break
		}
	}
	if ts > 0 && (p.kind == KindRole || p.kind == KindPerson) && p.roleTs == p.ts && pastOffice[t[ts-1].lowered()] {
		// "Ousted President Askar Akayev", "the former ambassador"
		ts--
		p.sector = "ELI"
	}
	if ts > 0 && t[ts-1].is("the") {
		ts--
	}
	if len(c.out) > 0 && c.out[len(c.out)-1].te > ts {
		return
	}
	p.ts = ts
}
