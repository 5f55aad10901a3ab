package event

import (
	"slices"
	"sort"
	"strings"
	"time"

	"borderwatch"
)

// candidate is an event trigger with, when a governing verb takes it as its
// complement ("threatened to attack"), that verb.
type candidate struct {
	head match  // the governing verb, or the trigger itself
	comp *match // the complement trigger of a governor
}

// candidates pairs governors with their complements; a trigger taken as a
// complement is not an event of its own.
func (a *analysis) candidates() []candidate {
	// the buffers are the scratch's; comps is never regrown, so that the
	// candidates' pointers into it hold
	sc := a.sc
	absorbed := grown(sc.absorbed, len(a.matches))
	out := sc.cands[:0]
	comps := slices.Grow(sc.comps[:0], len(a.matches))
	defer func() { sc.absorbed, sc.cands, sc.comps = absorbed, out, comps }()
	for i, m := range a.matches {
		if m.e.kind == kindModal || absorbed[i] {
			continue
		}
		c := candidate{head: m}
		if m.e.kind == kindGovernor {
			for j := i + 1; j < len(a.matches); j++ {
				n := a.matches[j]
				if n.start-m.end > 14 || a.clause[n.start] != a.clause[m.start] && !a.thatClause(m, n) {
					break
				}
				if n.e.kind == kindModal {
					continue
				}
				comps = append(comps, n)
				c.comp = &comps[len(comps)-1]
				absorbed[j] = true
				break
			}
		}
		out = append(out, c)
	}
	return out
}

// thatClause tells whether trigger n sits in the complement clause of
// governor m ("demanded that the US cancel ...").
func (a *analysis) thatClause(m, n match) bool {
	return m.end < len(a.toks) && (a.toks[m.end].lower == "that" || a.toks[m.end].lower == "to")
}

var (
	cooperative  = map[string]bool{"AGREE": true, "CONSULT": true, "SUPPORT": true, "COOPERATE": true, "AID": true}
	deescalation = map[string]bool{"RETREAT": true, "CONCEDE": true}
	materialConf = map[string]bool{"SANCTION": true, "COERCE": true, "ASSAULT": true, "PROTEST": true}
)

// cues are the modality markers before a trigger in its clause.
type cues struct {
	future, speculative, negated, conditional, must bool
}

func (a *analysis) cuesBefore(tok int) cues {
	var c cues
	cl := a.clause[tok]
	for _, m := range a.matches {
		if m.e.kind != kindModal || m.start >= tok || a.clause[m.start] != cl && !(m.end <= tok && tok-m.end <= 3) {
			continue
		}
		if tok-m.end > 8 && m.e.typ != "denied" {
			continue
		}
		switch m.e.typ {
		case "future":
			c.future = true
		case "speculative":
			c.speculative = true
		case "negated":
			if tok-m.end <= 3 {
				c.negated = true
			}
		case "denied":
			c.negated = true // "denied reports that X had attacked": the whole clause
		case "must":
			c.must = true
		}
	}
	// a condition in the same sentence ("if ...", "unless ...")
	for i, t := range a.toks {
		if (t.lower == "if" || t.lower == "unless") && !a.excluded[i] {
			c.conditional = true
		}
	}
	return c
}

// build makes the event of one candidate, or nil when it is not one.
func (a *analysis) build(doc Doc, c candidate, st *docState) *borderwatch.Event {
	head := c.head
	trig := head
	if c.comp != nil {
		trig = *c.comp
	}
	typ, mode := trig.e.typ, trig.e.mode
	q := a.cuesBefore(head.start)
	if c.comp != nil {
		qc := a.cuesBefore(c.comp.start)
		q.negated = q.negated || qc.negated && c.comp.start-head.end <= 4
	}
	modality := borderwatch.Asserted
	inner := trig.e.typ
	switch {
	case c.comp != nil && head.e.typ == "AGREE":
		typ, mode = tenseRule(inner), ""
		if typ == "THREATEN" {
			mode = threatMode(trig.e)
		}
		if q.negated {
			typ, mode = "REJECT", requestMode(inner)
			q.negated = false
		}
	case c.comp != nil && head.e.typ == "SELF":
		typ, mode = inner, trig.e.mode // "approved the call-up of reservists": the call-up
	case c.comp != nil:
		typ = head.e.typ
		switch typ {
		case "THREATEN":
			mode = threatMode(trig.e)
		case "REQUEST", "REJECT":
			mode = requestMode(inner)
		default:
			mode = head.e.mode
		}
	case head.e.kind == kindGovernor:
		if (head.e.typ == "AGREE" || head.e.typ == "SELF") && head.e.mode != "" {
			typ = head.e.mode // a governor that stands alone names its own type in the mode column
		}
		mode = ""
	}
	if q.must && c.comp == nil && a.speaker != nil && typ != "REQUEST" {
		// "Libya must hand over the suspects", said by X: X demands it of Libya
		return a.buildMust(doc, head, typ, st)
	}
	if c.comp == nil && q.future && !(q.negated && !cooperative[typ]) {
		if q.negated && cooperative[typ] {
			typ, mode, q.negated = "REJECT", requestMode(typ), false
		} else if !q.speculative {
			switch {
			case cooperative[typ]:
				typ, mode, modality = "AGREE", "", borderwatch.Future
			case deescalation[typ]:
				typ, mode, modality = "CONCEDE", "", borderwatch.Future
			case materialConf[typ] && a.hasNamedSubject(head.start):
				mode = threatMode(head.e)
				typ = "THREATEN"
			default:
				modality = borderwatch.Future
			}
		}
	}
	if modality == borderwatch.Future && (typ == "THREATEN" || typ == "REJECT") {
		modality = borderwatch.Asserted // "will view them as invaders" is a threat made now
	}
	if typ == "COERCE" && mode == "seize" && fightingWords(a.s.Text) {
		typ, mode = "ASSAULT", "" // territory taken in a fight (ontology.md section 0)
	}
	switch {
	case q.negated:
		modality = borderwatch.Negated
	case q.speculative:
		modality = borderwatch.Speculative
	case q.conditional && !q.future && typ != "AGREE" && typ != "THREATEN" && typ != "REQUEST" && typ != "CONCEDE" && typ != "REJECT":
		modality = borderwatch.Conditional
	}

	commandOwn := c.comp != nil && head.e.kind == kindGovernor && head.e.mode == "command" &&
		(inner == "MOBILIZE" || inner == "ASSAULT" || inner == "COERCE" || inner == "RETREAT" || inner == "AID")
	passive := c.comp == nil && a.isPassive(head.start)
	actors, subjTok, fromPronoun := a.subject(head.start)
	var recips []borderwatch.Entity
	if passive {
		recips = actors
		actors = a.byAgent(head.end)
		subjTok = -1
	} else {
		recips = a.object(head, c.comp, subjTok, typ)
	}
	if typ == "RETREAT" && mode == "disarm" && len(recips) > 0 && !passive {
		// "border guards disarmed the soldiers": the host disarming those who fled helps them (house rule)
		typ, mode = "AID", ""
	}
	if typ == "PROTEST" && mode == "obstruct" && len(actors) > 0 && (actors[0].Sector == "GOV" || actors[0].Sector == "MIL" || actors[0].Sector == "REB" || actors[0].Sector == "COP") {
		typ, mode = "COERCE", "restrict" // armed or state actors blocking roads coerce, they do not protest
	}
	if len(actors) == 0 && !passive && a.subord[head.start] && head.e.noun {
		return nil
	}
	if (head.e.noun || a.nounUse(head.start)) && c.comp == nil {
		// a noun's agent is its own ("the withdrawal of US troops"), not the clause's subject
		if a.afterVerb(head.start) && len(actors) > 0 {
			// "Rahmon ordered the mobilisation of 20,000 reservists": the subject acts
		} else if actors = a.nounAgent(head); len(actors) == 0 {
			return nil
		}
	}
	if len(actors) == 0 && typ == "PROTEST" {
		actors = []borderwatch.Entity{{Name: "protesters", Sector: "CVL"}}
	}
	if len(actors) == 0 {
		if typ != "ASSAULT" && typ != "COERCE" {
			return nil // only violence and coercion are coded without a named actor (house rule)
		}
		sector := "UNK"
		if typ == "ASSAULT" {
			sector = "UAF"
		}
		actors = []borderwatch.Entity{{Name: "unidentified", Sector: sector}}
	}
	if commandOwn && (len(recips) == 0 || len(actors) > 0 && sameCountry(recips, actors[0].Country)) {
		// "the president ordered the army to raise its readiness": an order to one's own forces is the act
		typ, mode, recips = inner, trig.e.mode, nil
	}
	recips = dropSame(recips, actors)
	a.fillCountries(actors, recips)
	if typ == "MOBILIZE" || typ == "ASSAULT" {
		for i := range actors {
			if actors[i].Sector == "GOV" && actors[i].Text == actors[i].Name {
				actors[i].Sector = "MIL"
			}
		}
	}

	ev := &a.sc.ev // copied by the caller before the next build
	*ev = borderwatch.Event{
		DocID:       doc.ID,
		Event:       typ,
		Mode:        nonNil(mode),
		Context:     []string{},
		Actor:       actors,
		Recipient:   nonNilE(recips),
		Modality:    modality,
		Attribution: a.attrib,
		Trigger:     a.textOf(trig.start, trig.end),
		TextInfo:    borderwatch.TextInfo{Start: a.s.Start, End: a.s.End, Text: a.s.Text},
		Coder:       doc.Coder,
	}
	if c.comp != nil {
		ev.Trigger = a.textOf(head.start, c.comp.end)
	}
	if ev.Attribution == nil {
		ev.Attribution = []borderwatch.Attribution{}
	}
	ev.Mode = append(ev.Mode, a.weaponModes(typ, ev.Mode)...)
	a.setDate(doc, ev, head)
	if ev.Date != nil && a.isHistorical(doc, ev) {
		ev.Modality = borderwatch.Historical
	}
	ev.EventLoc = a.location(head, actors, recips)
	if ev.EventLoc != nil && ev.EventLoc.Country != "" && ev.EventLoc.Precision != "border" {
		for i := range actors {
			// unnamed attackers, protesters, teachers, police: people who act where they live
			if actors[i].Country == "" && (placeholder(actors) || actsAtHome[actors[i].Sector]) {
				actors[i].Country = ev.EventLoc.Country
			}
		}
	}
	ev.Size = a.size(doc, trig, typ)
	ev.Context = a.contexts(typ, mode, actors, recips)
	for _, c := range trig.e.contexts { // contexts the trigger's lexicon row names
		if !slices.Contains(ev.Context, c) {
			ev.Context = append(ev.Context, c)
		}
	}
	sort.Strings(ev.Context)
	ev.Confidence = a.confidence(c, actors, fromPronoun, passive)
	ev.ID = eventID(doc.ID, a.sentenceHash(), typ, actors)
	return ev
}

func (a *analysis) buildMust(doc Doc, head match, inner string, st *docState) *borderwatch.Event {
	subj, _, _ := a.subject(head.start)
	sp := a.speakerEntity()
	if sp == nil {
		return nil
	}
	actors := []borderwatch.Entity{*sp}
	recips := dropSame(subj, actors)
	a.fillCountries(actors, recips)
	ev := &borderwatch.Event{DocID: doc.ID, Event: "REQUEST", Mode: []string{requestMode(inner)}, Context: []string{},
		Actor: actors, Recipient: nonNilE(recips), Modality: borderwatch.Asserted, Attribution: a.attrib,
		Trigger: a.textOf(head.start, head.end), TextInfo: borderwatch.TextInfo{Start: a.s.Start, End: a.s.End, Text: a.s.Text},
		Coder: doc.Coder}
	a.setDate(doc, ev, head)
	ev.EventLoc = a.location(head, actors, recips)
	ev.Confidence = 0.55
	ev.ID = eventID(doc.ID, a.sentenceHash(), ev.Event, actors)
	return ev
}

// tenseRule: a promise or an intention to cooperate is AGREE, to retreat
// CONCEDE, to use force or coercion THREATEN (ontology.md sections 0 and 2).
func tenseRule(inner string) string {
	switch {
	case cooperative[inner], inner == "MOBILIZE":
		return "AGREE"
	case deescalation[inner]:
		return "CONCEDE"
	case materialConf[inner]:
		return "THREATEN"
	}
	return inner
}

func requestMode(inner string) string {
	switch inner {
	case "AID", "COOPERATE", "SUPPORT":
		return "assist"
	case "RETREAT", "CONCEDE":
		return "yield"
	case "CONSULT", "AGREE":
		return "meet"
	}
	return "change"
}

func threatMode(e *entry) string {
	switch e.typ {
	case "ASSAULT", "MOBILIZE":
		return "violence"
	case "COERCE":
		switch e.mode {
		case "arrest":
			return "arrest"
		case "seize":
			return "territory"
		}
		return "restrict"
	case "SANCTION":
		if e.mode == "expel" {
			return "expel"
		}
		return "relations"
	case "PROTEST":
		return "restrict"
	}
	if e.kind == kindTrigger && e.typ == "THREATEN" {
		return e.mode
	}
	return ""
}

func nonNil(mode string) []string {
	if mode == "" {
		return []string{}
	}
	return []string{mode}
}

func nonNilE(es []borderwatch.Entity) []borderwatch.Entity {
	if es == nil {
		return []borderwatch.Entity{}
	}
	return es
}

func dropSame(recips, actors []borderwatch.Entity) []borderwatch.Entity {
	var out []borderwatch.Entity
	for _, r := range recips {
		same := false
		for _, a := range actors {
			if a.Name == r.Name && a.Country == r.Country && a.Sector == r.Sector {
				same = true
			}
		}
		if !same {
			out = append(out, r)
		}
	}
	return out
}

var beForms = map[string]bool{"is": true, "are": true, "was": true, "were": true, "been": true, "being": true, "be": true, "get": true, "got": true}

// isPassive: a participle trigger after a form of "be" ("were killed by").
func (a *analysis) isPassive(tok int) bool {
	t := a.toks[tok].lower
	if !strings.HasSuffix(t, "ed") && !strings.HasSuffix(t, "en") && t != "shot" && t != "held" && t != "hit" && t != "struck" && t != "put" {
		return false
	}
	for k := tok - 1; k >= 0 && tok-k <= 3; k-- {
		l := a.toks[k].lower
		if beForms[l] {
			return true
		}
		if !adverbLike(l) {
			return false
		}
	}
	return false
}

func adverbLike(l string) bool {
	return strings.HasSuffix(l, "ly") || l == "not" || l == "also" || l == "reportedly" || l == "allegedly" || l == "already" || l == "been" || l == "being"
}

var prepositions = map[string]bool{"of": true, "in": true, "at": true, "from": true, "with": true, "to": true, "for": true,
	"against": true, "on": true, "near": true, "into": true, "by": true, "over": true, "under": true, "through": true,
	"across": true, "along": true, "within": true, "between": true, "among": true, "about": true, "inside": true,
	"outside": true, "toward": true, "towards": true, "than": true, "like": true, "including": true, "via": true, "behind": true}

// quantityHead words make "of" part of the noun phrase: "thousands of Iraqi Kurds".
var quantityHead = map[string]bool{"thousands": true, "hundreds": true, "dozens": true, "scores": true, "tens": true,
	"millions": true, "some": true, "many": true, "most": true, "all": true, "group": true, "members": true,
	"supporters": true, "third": true, "half": true, "number": true, "batch": true, "contingent": true, "few": true}

var pronouns = map[string]bool{"it": true, "they": true, "he": true, "she": true, "we": true, "i": true, "its": false}

// mentionGroups returns the actor mentions in tokens [i, j) as groups of
// coordinated mentions ("the United States and Jordan"), with the token where
// each group starts.
type group struct {
	first, last int // token range of the group
	idx         []int
	prep        string
}

func (a *analysis) groups(i, j int) []group {
	// groups and their actor lists are carved from two arenas per sentence,
	// capped so that a caller's append cannot overwrite a neighbour
	first := len(a.groupArena)
	k := i
	for k < j {
		m := a.actorAt[k]
		if m < 0 || a.excluded[k] {
			k++
			continue
		}
		g := group{first: k}
		idx0 := len(a.idxArena)
		if k > 0 {
			p := k - 1
			for p >= 0 && (a.toks[p].lower == "the" || a.toks[p].lower == "a" || a.toks[p].lower == "an" || a.toks[p].lower == "its" || a.toks[p].lower == "their") {
				p--
			}
			if p >= 0 && prepositions[a.toks[p].lower] && !(a.toks[p].lower == "of" && p > 0 && quantityHead[a.toks[p-1].lower]) {
				g.prep = a.toks[p].lower
			}
		}
		for k < j {
			m := a.actorAt[k]
			if m < 0 {
				break
			}
			a.idxArena = append(a.idxArena, m)
			g.idx = a.idxArena[idx0:len(a.idxArena):len(a.idxArena)]
			for k < j && a.actorAt[k] == m {
				k++
			}
			g.last = k
			// "X and Y", "X, Y and Z", "X's and Y's"
			p := k
			if p < j && a.toks[p].lower == "'s" {
				p++
			}
			if p < j && (a.toks[p].lower == "and" || a.toks[p].lower == ",") {
				q := p + 1
				if q < j && a.toks[q].lower == "and" {
					q++
				}
				for q < j && (a.toks[q].lower == "the" || a.toks[q].lower == "its") {
					q++
				}
				if q < j && a.actorAt[q] >= 0 && !a.excluded[q] {
					k = q
					continue
				}
			}
			break
		}
		a.groupArena = append(a.groupArena, g)
	}
	if len(a.groupArena) == first {
		return nil
	}
	return a.groupArena[first:len(a.groupArena):len(a.groupArena)]
}

func (a *analysis) mediaOnly(g group) bool {
	for _, m := range g.idx {
		if a.s.Actors[m].Kind != "media" {
			return false
		}
	}
	return true
}

func (a *analysis) entities(g group) []borderwatch.Entity {
	var out []borderwatch.Entity
	for k, m := range g.idx {
		if slices.Contains(g.idx[:k], m) { // an actor listed twice counts once
			continue
		}
		act := a.s.Actors[m]
		e := borderwatch.Entity{Text: act.Text, Name: act.Name, Country: act.Country, Sector: act.Sector}
		if act.Kind == "person" {
			e.Name = a.fullName(act.Name)
		}
		out = append(out, e)
	}
	// "security forces in Guinea", "servicemen from Afghanistan": the place after a role gives its country
	if len(out) == 1 && out[0].Country == "" {
		k := g.last
		if k < len(a.toks) && (a.toks[k].lower == "in" || a.toks[k].lower == "of" || a.toks[k].lower == "from") {
			for q := k + 1; q < len(a.toks) && q <= k+3; q++ {
				if m := a.actorAt[q]; m >= 0 && a.s.Actors[m].Country != "" {
					out[0].Country = a.s.Actors[m].Country
					out[0].Text = a.textOf(g.first, a.lastTokOf(m)+1)
					break
				}
				if pl := a.placeAt[q]; pl >= 0 && a.s.Places[pl].Loc.Country != "" {
					out[0].Country = a.s.Places[pl].Loc.Country
					break
				}
			}
		}
	}
	return out
}

func (a *analysis) lastTokOf(m int) int {
	last := -1
	for k, x := range a.actorAt {
		if x == m {
			last = k
		}
	}
	return last
}

// subject finds who does what the trigger at tok says: the first actor
// phrase of its clause not inside a prepositional phrase; else a pronoun's
// antecedent; else the subject of the clause it hangs on.
func (a *analysis) subject(tok int) ([]borderwatch.Entity, int, bool) {
	cl := a.clause[tok]
	cs := tok
	for cs > 0 && a.clause[cs-1] == cl {
		cs--
	}
	for _, g := range a.groups(cs, tok) {
		if g.prep != "" || a.mediaOnly(g) {
			continue // "DUSHANBE, July 6 (Reuters) - ...": an outlet in a dateline is no subject
		}
		return a.entities(g), g.first, false
	}
	if e := a.unknownName(cs, tok); e != nil {
		return []borderwatch.Entity{*e}, cs, false
	}
	for k := cs; k < tok; k++ {
		if a.excluded[k] {
			continue
		}
		l := a.toks[k].lower
		if pronouns[l] || l == "the" && k+1 < tok && (a.toks[k+1].lower == "country" || a.toks[k+1].lower == "group" || a.toks[k+1].lower == "organization" || a.toks[k+1].lower == "organisation" || a.toks[k+1].lower == "movement") {
			if e := a.resolvePronoun(l); e != nil {
				return e, k, true
			}
			return nil, -1, false
		}
	}
	// a clause with no subject of its own ("..., killing 12", "to protect ...") borrows the previous one's
	if cs > 0 {
		prev := cs - 1
		for prev > 0 && a.excluded[prev] {
			prev--
		}
		if prev >= 0 && !a.excluded[prev] && (!a.subord[tok] || strings.HasSuffix(a.toks[cs].lower, "ing")) {
			if e, k, p := a.subject(prev); len(e) > 0 {
				return e, k, p
			}
		}
	}
	return nil, -1, false
}

// unknownName is a capitalised name the dictionaries do not know, leading
// the clause right before its verb: "Lt. Gen. Prosper Avril resigned".
func (a *analysis) unknownName(cs, tok int) *borderwatch.Entity {
	k := cs
	for k < tok && (!a.toks[k].word || a.toks[k].lower == "the") {
		k++
	}
	start := k
	for k < tok && (a.toks[k].upper || a.toks[k].lower == "." || a.toks[k].lower == "-") && a.actorAt[k] < 0 && !a.excluded[k] {
		k++
	}
	// the name is followed by the verb, or by a date or adverb before it
	end := k
	if end-start < 2 || end < tok && (a.toks[end].upper || !a.toks[end].word) {
		return nil
	}
	words := 0
	for i := start; i < end; i++ {
		if a.toks[i].word {
			words++
		}
	}
	if words < 2 {
		return nil
	}
	name := a.textOf(start, end)
	e := &borderwatch.Entity{Text: name, Name: name, Sector: "UNK"}
	// "King Hassan of Morocco", "a judge in Chile"
	if end+1 < len(a.toks) && (a.toks[end].lower == "of" || a.toks[end].lower == "in") {
		if m := a.actorAt[end+1]; m >= 0 && (a.s.Actors[m].Kind == "country" || a.s.Actors[m].Kind == "capital") {
			e.Country = a.s.Actors[m].Country
		}
	}
	return e
}

func (a *analysis) resolvePronoun(p string) []borderwatch.Entity {
	if p == "we" || p == "i" {
		if sp := a.speakerEntity(); sp != nil {
			return []borderwatch.Entity{*sp}
		}
		return nil
	}
	if a.leading && a.speaker != nil {
		if sp := a.speakerEntity(); sp != nil {
			return []borderwatch.Entity{*sp}
		}
	}
	// "King Hassan of Morocco was quoted as saying he would ...": the sentence's own subject
	if gs := a.groups(0, len(a.toks)); len(gs) > 0 && gs[0].prep == "" {
		return a.entities(gs[0])
	}
	if len(a.st.lastSubject) > 0 {
		return append([]borderwatch.Entity(nil), a.st.lastSubject...)
	}
	return nil
}

// speakerEntity is the speaker as an actor: a person speaks for their
// country's government unless the dictionary says otherwise.
func (a *analysis) speakerEntity() *borderwatch.Entity {
	if a.speaker == nil {
		return nil
	}
	sp := a.speaker
	if sp.Country == "" && sp.Kind != "person" && sp.Kind != "body" && sp.Kind != "role" {
		return nil
	}
	e := borderwatch.Entity{Text: sp.Text, Name: sp.Name, Country: sp.Country, Sector: sp.Sector}
	return &e
}

func (a *analysis) hasNamedSubject(tok int) bool {
	e, _, _ := a.subject(tok)
	return len(e) > 0
}

// byAgent is the actor of a passive: "by X" after the trigger.
func (a *analysis) byAgent(end int) []borderwatch.Entity {
	cl := a.clause[end-1]
	for k := end; k < len(a.toks) && a.clause[k] == cl; k++ {
		if a.toks[k].lower == "by" {
			for _, g := range a.groups(k+1, min(len(a.toks), k+8)) {
				return a.entities(g)
			}
		}
	}
	return nil
}

// object finds the recipient: the first actor phrase after the trigger in
// its clause, directly or after a preposition that introduces a target.
func (a *analysis) object(head match, comp *match, subjTok int, typ string) []borderwatch.Entity {
	end := head.end
	if head.e.kind == kindGovernor {
		end = head.start + 1 // "ordered French troops to leave": the object sits inside the pattern
	}
	cl := a.clause[head.start]
	ce := end
	for ce < len(a.toks) && (a.clause[ce] == cl || comp != nil && ce <= comp.end) {
		ce++
	}
	for _, g := range a.groups(end, ce) {
		if g.first <= subjTok {
			continue
		}
		if g.prep != "" && !targetPrep(typ, g.prep) && !a.memberOf(g) {
			continue
		}
		if g.prep == "" && (typ == "RETREAT" && head.e.mode != "disarm" && head.e.mode != "release" || typ == "MOBILIZE") {
			continue // "withdrew troops": what moves is no recipient; "released prisoners", "disarmed soldiers": it is
		}
		if a.isPlaceUse(g) {
			continue
		}
		return a.entities(g)
	}
	return nil
}

// memberOf: "its allies in the CSTO", "members of the alliance": the body is the target.
func (a *analysis) memberOf(g group) bool {
	if g.prep != "in" && g.prep != "of" {
		return false
	}
	k := g.first - 1
	for k >= 0 && (a.toks[k].lower == "the" || prepositions[a.toks[k].lower]) {
		k--
	}
	return k >= 0 && memberWords[a.toks[k].lower]
}

var memberWords = map[string]bool{"allies": true, "members": true, "partners": true, "states": true, "member": true, "neighbours": true, "neighbors": true}

// targetPrep tells whether an actor after this preposition is the event's
// target: "appealed to X", "seized trucks from X", but "fled to X" is a place.
func targetPrep(typ, prep string) bool {
	switch typ {
	case "REJECT", "ACCUSE":
		// "rejected a proposal by Colombia", "complained to the UN"
		return prep == "by" || prep == "to" || prep == "with" || prep == "on" || prep == "against" || prep == "from" || prep == "for"
	case "ASSAULT", "COERCE", "SANCTION":
		return prep == "on" || prep == "against" || prep == "from"
	case "AID":
		return prep == "to" || prep == "for"
	case "RETREAT":
		return false
	case "MOBILIZE":
		return prep == "against"
	}
	return prep == "to" || prep == "with" || prep == "on" || prep == "against" || prep == "from" || prep == "for" || prep == "between"
}

// fightingWords: the text reports or implies a fight.
func fightingWords(s string) bool {
	l := strings.ToLower(s)
	for _, w := range []string{"fighting", "battle", "clash", "stormed", "overran", "overrun", "assault", "offensive", "shelling", "killed"} {
		if strings.Contains(l, w) {
			return true
		}
	}
	return false
}

// isPlaceUse: a country named as where something happens, not to whom.
func (a *analysis) isPlaceUse(g group) bool {
	if g.prep != "to" && g.prep != "from" && g.prep != "" {
		return false
	}
	p := g.first - 1
	for p >= 0 && a.toks[p].lower == "the" {
		p--
	}
	// "retreated to the territory of Tajikistan": where, not to whom
	return p >= 1 && a.toks[p].lower == "of" && (a.toks[p-1].lower == "territory" || a.toks[p-1].lower == "borders" || a.toks[p-1].lower == "border")
}

// afterVerb: a noun trigger that is the object of a verb ("ordered the
// mobilisation", "announced a ceasefire").
func (a *analysis) afterVerb(tok int) bool {
	k := tok - 1
	for k >= 0 && (a.toks[k].lower == "the" || a.toks[k].lower == "a" || a.toks[k].lower == "an" || a.toks[k].lower == "its" || a.toks[k].lower == "their" || a.toks[k].lower == "his" || a.toks[k].lower == "her") {
		k--
	}
	if k < 0 || k == tok-1 {
		return false
	}
	l := a.toks[k].lower
	return !a.toks[k].upper && a.toks[k].word && a.actorAt[k] < 0 && (strings.HasSuffix(l, "ed") || strings.HasSuffix(l, "es") || orderVerbs[l])
}

// orderVerbs are irregular past forms that take an event noun as object
// ("began the withdrawal", "made an offer"); regular ones end in -ed.
var orderVerbs = map[string]bool{"began": true, "begun": true, "led": true, "held": true, "made": true, "took": true, "sent": true}

// nounUse: a verb form used as a noun ("the 9/11 attacks", "a protest").
func (a *analysis) nounUse(tok int) bool {
	if tok == 0 {
		return false
	}
	p := a.toks[tok-1].lower
	switch p {
	case "the", "a", "an", "its", "their", "his", "her", "our", "this", "these", "those", "such", "'s", "any", "no":
		return true
	}
	return strings.ContainsAny(p, "0123456789")
}

func (a *analysis) nounAgent(head match) []borderwatch.Entity {
	// "the withdrawal of US troops", "the Taliban offensive", "Russia's decision";
	// the "of" may sit inside the pattern: "deployment of NATO peacekeeping troops"
	for k := head.start + 1; k <= head.end && k+1 < len(a.toks); k++ {
		if a.toks[k].lower == "of" || a.toks[k].lower == "by" {
			for _, g := range a.groups(k+1, min(len(a.toks), k+8)) {
				return a.entities(g)
			}
			break
		}
	}
	k := head.start - 1
	if k >= 0 && a.toks[k].lower == "'s" {
		k--
	}
	if k >= 0 && a.actorAt[k] >= 0 {
		return a.entities(group{first: k, last: k + 1, idx: []int{a.actorAt[k]}})
	}
	return nil
}

// fillCountries gives an actor of unknown country the country the sentence
// names, when it names only one that is not the recipient's.
func (a *analysis) fillCountries(actors, recips []borderwatch.Entity) {
	for i := range actors {
		if actors[i].Country != "" {
			continue
		}
		// the recipient's country counts only where a nationality word names
		// it ("banned Ugandan opposition candidates"): that is a domestic event
		countries, domestic := map[string]bool{}, map[string]bool{}
		for _, m := range a.s.Actors {
			if m.Country == "" || len(m.Country) != 3 || m.Country == "IGO" || m.Country == "UNO" || m.Country == "EUR" || m.Country == "NGO" || m.Country == "IMG" {
				continue
			}
			if k := a.tokAt(m.Start); k > 0 && movementPreps[a.toks[k-1].lower] && (m.Kind == "country" || m.Kind == "capital") && !a.adjectival(m) {
				continue // "fled into Tajikistan": where they went, not who they are
			}
			if !containsCountry(recips, m.Country) {
				countries[m.Country] = true
			} else if m.Kind != "country" && m.Kind != "capital" {
				domestic[m.Country] = true
			}
		}
		if len(countries) == 0 && a.st.home != "" && actors[i].Sector != "UNK" && actors[i].Sector != "CVL" {
			// "border guards detained ...", "the ministry said": the state the report is filed from
			countries[a.st.home] = true
		}
		if len(countries) == 0 {
			countries = domestic
		}
		if len(countries) == 1 {
			for c := range countries {
				actors[i].Country = c
			}
		}
	}
}

// actsAtHome are sectors whose members mostly act in their own country.
var actsAtHome = map[string]bool{"CVL": true, "EDU": true, "LAB": true, "BUS": true, "REL": true, "MED": true, "JRN": true,
	"OPP": true, "PTY": true, "SOC": true, "COP": true, "JUD": true, "LEG": true, "UNK": true, "AGR": true}

var movementPreps = map[string]bool{"into": true, "to": true, "towards": true, "toward": true, "across": true}

// adjectival: a country name used as an adjective ("U.S. exports").
func (a *analysis) adjectival(m Actor) bool {
	k := a.tokAt(m.End)
	return k >= 0 && k < len(a.toks) && a.toks[k].start >= m.End && a.toks[k].word && !a.toks[k].upper
}

// placeholder: an actor that stands for nobody named.
func placeholder(es []borderwatch.Entity) bool {
	return len(es) == 1 && (es[0].Name == "unidentified" || es[0].Name == "protesters")
}

func sameCountry(es []borderwatch.Entity, c string) bool {
	for _, e := range es {
		if e.Country != "" && e.Country != c {
			return false
		}
	}
	return true
}

func containsCountry(es []borderwatch.Entity, c string) bool {
	for _, e := range es {
		if e.Country == c {
			return true
		}
	}
	return false
}

func (a *analysis) mainSubject() []borderwatch.Entity {
	for _, g := range a.groups(0, len(a.toks)) {
		if g.prep == "" && !a.excluded[g.first] {
			return a.entities(g)
		}
	}
	return nil
}

// setDate takes the date mention nearest the trigger in its clause, else in
// the sentence outside the attribution.
func (a *analysis) setDate(doc Doc, ev *borderwatch.Event, head match) {
	best, bestDist := -1, 1<<30
	headStart := a.toks[head.start].start
	for i, d := range a.s.Dates {
		tk := a.tokAt(d.Start)
		if tk >= 0 && a.excluded[tk] || a.inDateline(d) {
			continue
		}
		dist := abs(d.Start - headStart)
		if tk >= 0 && a.clause[tk] != a.clause[head.start] {
			dist += 1000
		}
		if dist < bestDist {
			best, bestDist = i, dist
		}
	}
	ev.DatePrecision = "unknown"
	if best < 0 {
		return
	}
	d := a.s.Dates[best]
	ev.DateText = d.Text
	if d.From.IsZero() {
		return
	}
	from, to := d.From.Format("2006-01-02"), d.To.Format("2006-01-02")
	if d.To.IsZero() {
		to = from
	}
	ev.Date, ev.EndDate = &from, &to
	ev.DatePrecision = d.Precision
}

// inDateline: the date of a dateline ("DUSHANBE, July 7, 2021 (Wire) -")
// dates the report, not the event.
func (a *analysis) inDateline(d Date) bool {
	if a.s.Start != 0 || d.Start > 60 {
		return false
	}
	rest := a.s.Text[d.End:min(len(a.s.Text), d.End+60)]
	for _, dash := range []string{" - ", " — ", " -- ", " – ", "/. ", ". /"} {
		if strings.Contains(rest, dash) {
			return true
		}
	}
	return false
}

func (a *analysis) isHistorical(doc Doc, ev *borderwatch.Event) bool {
	end, err := time.Parse("2006-01-02", *ev.EndDate)
	if err != nil {
		return false
	}
	ref := doc.Ref
	if ref.IsZero() && doc.RefYear > 0 {
		ref = time.Date(doc.RefYear, 12, 31, 0, 0, 0, 0, time.UTC)
	}
	if ref.IsZero() {
		return false
	}
	return ref.Sub(end) > 365*24*time.Hour
}

func (a *analysis) tokAt(off int) int {
	// the first token that contains or follows the offset
	i := sort.Search(len(a.toks), func(i int) bool { return a.toks[i].end > off })
	if i == len(a.toks) {
		return -1
	}
	return i
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// location picks the place of the event: a place mention in the trigger's
// clause (after a locative preposition first), else one in the sentence,
// never one that names an actor or recipient.
func (a *analysis) location(head match, actors, recips []borderwatch.Entity) *borderwatch.Location {
	type scored struct {
		i     int
		score int
	}
	best := scored{i: -1}
	fallback := -1
	for i := range a.s.Places {
		p := &a.s.Places[i] // a Place is large: no copy per candidate
		tk := a.tokAt(p.Start)
		if tk >= 0 && (a.excluded[tk] || backgroundClauses[a.openerOf(a.clause[tk])]) {
			continue
		}
		if a.placeIsActor(p, actors, recips) {
			// "invaded Afghanistan": the target country is where it happened, if nothing closer is named
			if fallback < 0 && p.Loc.Precision == "country" && (head.e.typ == "ASSAULT" || head.e.typ == "COERCE") && tk > head.start {
				fallback = i
			}
			continue
		}
		sc := 0
		if tk >= 0 && a.clause[tk] == a.clause[head.start] {
			sc += 4
		}
		switch p.Prep {
		case "in", "at", "near", "into", "across", "along", "on", "inside", "outside", "to", "around", "through":
			sc += 3
		case "from":
			sc += 1
		}
		if p.Loc.Precision == "site" || p.Loc.Precision == "city" || p.Loc.Precision == "district" || p.Loc.Precision == "border" {
			sc++
		}
		if tk > head.start {
			sc++
		}
		if p.Ambiguous {
			sc -= 2
		}
		if best.i < 0 || sc > best.score {
			best = scored{i, sc}
		}
	}
	if best.i < 0 {
		if fallback < 0 {
			return nil
		}
		best = scored{i: fallback}
	}
	loc := a.s.Places[best.i].Loc
	return &loc
}

func (a *analysis) placeIsActor(p *Place, actors, recips []borderwatch.Entity) bool {
	// "US-led", "Russian-made": a place in a compound adjective
	if p.End < len(a.s.Text) && a.s.Text[p.End] == '-' {
		return true
	}
	for k := range a.s.Actors {
		m := &a.s.Actors[k]
		// a place inside an actor's name ("US-led forces", "the Kabul government") is no location
		if m.Kind != "country" && m.Kind != "capital" && m.Start < p.End && p.Start < m.End && !(p.Start < m.Start && m.End <= p.End) {
			return true
		}
		if m.Start <= p.Start && p.End <= m.End || p.Start <= m.Start && m.End <= p.End {
			for _, es := range [2][]borderwatch.Entity{actors, recips} {
				for _, e := range es {
					if e.Text == m.Text || e.Name == m.Name && strings.Contains(e.Text, m.Text) {
						return true
					}
				}
			}
		}
	}
	for _, es := range [2][]borderwatch.Entity{actors, recips} {
		for _, e := range es {
			if e.Text != "" && strings.Contains(e.Text, p.Text) {
				return true
			}
		}
	}
	return false
}

// size fills casualties and counts from the quantities of the trigger's
// clause; lengths, percentages, money and years are not sizes.
func (a *analysis) size(doc Doc, head match, typ string) *borderwatch.Size {
	var sz borderwatch.Size
	any := false
	headStart := a.toks[head.start].start
	bestDist := 1 << 30
	for _, q := range a.s.Quantities {
		tk := a.tokAt(q.Start)
		if tk >= 0 && a.excluded[tk] {
			continue
		}
		v := q.Value
		switch q.Kind {
		case "dead":
			sz.Dead, any = &v, true
		case "injured":
			sz.Injured, any = &v, true
		case "arrested":
			sz.Arrested, any = &v, true
		case "count":
			if nonParticipants[strings.ToLower(lastWord(q.Unit))] {
				continue
			}
			if q.Vague && typ != "ASSAULT" && typ != "PROTEST" && q.Value < 10 {
				continue
			}
			if tk >= 0 && a.clause[tk] != a.clause[head.start] {
				continue // a number in another clause counts something else
			}
			dist := abs(q.Start - headStart)
			if dist < bestDist {
				bestDist = dist
				unit := a.unit(doc, q.Unit)
				qual := q.Qualifier
				sz.Count, sz.Unit, any = &v, &unit, true
				if qual != "" {
					sz.Qualifier = &qual
				} else {
					sz.Qualifier = nil
				}
			}
		}
	}
	if !any {
		return nil
	}
	return &sz
}

// nonParticipants are counted nouns that are no size of an event.
var nonParticipants = map[string]bool{"countries": true, "nations": true, "states": true, "times": true, "years": true,
	"days": true, "weeks": true, "months": true, "hours": true, "percent": true, "districts": true, "provinces": true,
	"points": true, "cities": true, "members": true, "sides": true, "parties": true}

func lastWord(s string) string {
	f := strings.Fields(s)
	if len(f) == 0 {
		return ""
	}
	return f[len(f)-1]
}

// unit drops a nationality word from the counted noun: "American troops" → "troops".
func (a *analysis) unit(doc Doc, u string) string {
	if doc.IsDemonym == nil {
		return u
	}
	f := strings.Fields(u)
	for len(f) > 1 && doc.IsDemonym(f[0]) {
		f = f[1:]
	}
	return strings.Join(f, " ")
}

// weaponStems name an ASSAULT mode by the start of a word of the sentence;
// two-word stems match two consecutive words.
var weaponStems = []struct{ stem, mode string }{
	{"machete", "primitive"}, {"knife", "primitive"}, {"knives", "primitive"}, {"stones", "primitive"}, {"axes", "primitive"},
	{"torched", "primitive"}, {"set fire", "primitive"},
	{"gun", "firearms"}, {"shot", "firearms"}, {"shooting", "firearms"}, {"opened fire", "firearms"}, {"rifle", "firearms"},
	{"sniper", "firearms"}, {"bullet", "firearms"},
	{"bomb", "explosives"}, {"explosi", "explosives"}, {"exploded", "explosives"}, {"landmine", "explosives"}, {"minefield", "explosives"},
	{"mines", "explosives"}, {"ied", "explosives"}, {"grenade", "explosives"},
	{"suicide", "suicide-attack"},
	{"airstrike", "aerial"}, {"air strike", "aerial"}, {"air raid", "aerial"}, {"aircraft", "aerial"}, {"helicopter", "aerial"},
	{"warplane", "aerial"}, {"jets", "aerial"},
	{"drone", "drone"},
	{"shell", "heavy-weapons"}, {"artillery", "heavy-weapons"}, {"mortar", "heavy-weapons"}, {"rocket", "heavy-weapons"},
	{"tank", "heavy-weapons"}, {"missile", "heavy-weapons"},
	{"kidnap", "abduct"}, {"abduct", "abduct"}, {"hostage", "abduct"},
	{"tortur", "torture"}, {"beat", "beat"}, {"assassinat", "targeted"}, {"execut", "targeted"}, {"massacre", "targeted"},
	{"demolish", "destroy"}, {"destroyed", "destroy"}, {"blew up", "destroy"},
	{"tear gas", "crowd-control"}, {"water cannon", "crowd-control"}, {"rubber bullets", "crowd-control"},
	{"chemical", "unconventional"},
}

// stemIndex finds stems by the first three letters of a word; a bit per
// three-letter shape (five low bits of each byte) spares most words the map.
type stemIndex struct {
	m    map[string][]stemEntry
	bits [32 * 32 * 32 / 32]uint32
}

type stemEntry struct{ first, second, value string }

func prefixBit(p string) (int, uint32) {
	k := int(p[0]&31)<<10 | int(p[1]&31)<<5 | int(p[2]&31)
	return k >> 5, 1 << (k & 31)
}

func newStemIndex(stems []struct{ stem, mode string }) *stemIndex {
	idx := &stemIndex{m: map[string][]stemEntry{}}
	for _, w := range stems {
		first, second, _ := strings.Cut(w.stem, " ")
		idx.m[first[:3]] = append(idx.m[first[:3]], stemEntry{first, second, w.mode})
		i, b := prefixBit(first[:3])
		idx.bits[i] |= b
	}
	return idx
}

// lookup returns the stems whose first word starts with the three letters p.
func (idx *stemIndex) lookup(p string) []stemEntry {
	if i, b := prefixBit(p); idx.bits[i]&b == 0 {
		return nil
	}
	return idx.m[p]
}

var (
	weaponIndex  = newStemIndex(weaponStems)
	contextIndex = newStemIndex(contextStems)
)

// stemsIn appends to found the values of the stems that start a word (or,
// for two words, a pair of words) of the sentence, each once.
func (a *analysis) stemsIn(found []string, idx *stemIndex) []string {
	for i, t := range a.toks {
		if !t.word || len(t.lower) < 3 {
			continue
		}
		for _, w := range idx.lookup(t.lower[:3]) {
			if slices.Contains(found, w.value) || !strings.HasPrefix(t.lower, w.first) {
				continue
			}
			if w.second != "" && (t.lower != w.first || i+1 >= len(a.toks) || !strings.HasPrefix(a.toks[i+1].lower, w.second)) {
				continue
			}
			found = append(found, w.value)
		}
	}
	return found
}

func (a *analysis) weaponModes(typ string, have []string) []string {
	if typ != "ASSAULT" {
		return nil
	}
	if !a.weaponsMade {
		a.weapons = a.stemsIn(a.sc.weapons[:0], weaponIndex)
		if slices.Contains(a.weapons, "suicide-attack") {
			a.weapons = slices.DeleteFunc(a.weapons, func(m string) bool { return m == "explosives" })
		}
		a.weaponsMade = true
	}
	var out []string
	for _, m := range a.weapons {
		if !slices.Contains(have, m) {
			out = append(out, m)
		}
	}
	sort.Strings(out)
	return out
}

// contexts tags the event with PLOVER contexts its actors and words imply.
func (a *analysis) contexts(typ, mode string, actors, recips []borderwatch.Entity) []string {
	if !a.ctxMade {
		a.ctxWords = a.stemsIn(a.sc.ctxWords[:0], contextIndex)
		a.ctxMade = true
	}
	// a sorted set in a stack buffer: contexts are few
	var buf [16]string
	set := buf[:0]
	set = append(set, a.ctxWords...)
	for _, es := range [2][]borderwatch.Entity{actors, recips} {
		for k := range es {
			if es[k].Sector == "MIL" {
				set = append(set, "military")
			}
			if es[k].Sector == "REF" {
				set = append(set, "migration")
			}
		}
	}
	if typ == "COERCE" && mode == "seize" && (slices.Contains(a.ctxWords, "territory") || slices.Contains(a.ctxWords, "control")) {
		set = append(set, "territory")
	}
	set = slices.DeleteFunc(set, func(c string) bool { return c == "control" })
	slices.Sort(set)
	set = slices.Compact(set)
	return append(make([]string, 0, len(set)), set...)
}

var contextStems = []struct{ stem, mode string }{{"refugee", "migration"}, {"migrant", "migration"}, {"asylum", "asylum"},
	{"troops", "military"}, {"soldier", "military"}, {"border", "territory"}, {"district", "territory"}, {"territor", "territory"},
	{"control", "control"}, {"terror", "terrorism"}, {"election", "election"}, {"sanction", "economic"}, {"trade", "economic"},
	{"human rights", "human_rights"}, {"drug", "illegal_drugs"}, {"narcotic", "illegal_drugs"}, {"peacekeep", "peacekeeping"},
	{"humanitarian", "human_security"}, {"food", "human_security"}, {"nuclear", "cbrn"}, {"hack", "cyber"}}

func (a *analysis) confidence(c candidate, actors []borderwatch.Entity, fromPronoun, passive bool) float64 {
	conf := 0.6
	if c.comp != nil {
		conf += 0.08
	}
	conf += 0.03 * float64(min(int(c.head.e.weight), 3))
	if len(actors) > 0 && actors[0].Country != "" {
		conf += 0.08
	}
	if len(actors) > 0 && actors[0].Sector == "UNK" {
		conf -= 0.1
	}
	if fromPronoun {
		conf -= 0.05
	}
	if a.subord[c.head.start] {
		conf -= 0.15
	}
	if c.head.e.noun {
		conf -= 0.1
	}
	// the first trigger of the sentence is usually the main verb
	if len(a.matches) > 0 && a.matches[0].start == c.head.start {
		conf += 0.05
	}
	if conf > 0.95 {
		conf = 0.95
	}
	return float64(int(conf*100+0.5)) / 100
}
