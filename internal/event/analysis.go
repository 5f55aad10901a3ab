package event

import (
	"crypto/sha256"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"borderwatch"
	"borderwatch/internal/wordscan"
)

// prepared is a sentence's tokens and lexicon matches, computed once.
type prepared struct {
	toks    []token
	matches []match
	events  bool // some match can make an event (not only modality markers)
}

func prepare(lx *lexicon, text string) *prepared {
	p := preparedPool.Get().(*prepared)
	p.toks = tokenizeInto(p.toks[:0], text)
	p.matches = lx.find(p.matches[:0], p.toks)
	p.events = false
	for _, m := range p.matches {
		if m.e.kind != kindModal || m.e.typ == "must" {
			p.events = true
			break
		}
	}
	return p
}

// analysis holds one sentence's tokens and what was found in them.
type analysis struct {
	lx       *lexicon
	s        *Sentence
	toks     []token
	actorAt  []int // token -> index into s.Actors, or -1
	placeAt  []int // token -> index into s.Places, or -1
	excluded []bool
	clause   []int // token -> clause number
	subord   []bool
	opener   []clauseOpener // the clauses opened by a word ("after", "if", "as")
	matches  []match
	attrib   []borderwatch.Attribution
	speaker  *Actor // who is speaking in this sentence, if said
	leading  bool   // "X said that ...": X is the default for pronouns
	quoted   bool   // the sentence is (part of) a quotation
	st       *docState
	weapons  []string // ASSAULT modes the sentence's words name, made once
	ctxWords []string // contexts the sentence's words name, made once
	// whether weapons and ctxWords are made
	weaponsMade, ctxMade bool

	groupArena []group // backing store of groups' results
	idxArena   []int   // backing store of the groups' actor lists
	sc         *scratch
	sentHash   [32]byte // of s.Text, for event ids; made on first use
	hashed     bool     // sentHash is made
}

// clauseOpener is a clause opened by a subordinating word.
type clauseOpener struct {
	clause int
	word   string
}

// openerOf is the word that opened clause c, or "".
func (a *analysis) openerOf(c int) string {
	for _, o := range a.opener {
		if o.clause == c {
			return o.word
		}
	}
	return ""
}

// notePeople remembers the people named in full, by surname, so that a
// later "Sultonov said" finds "Khasan Sultonov".
func notePeople(actors []Actor, st *docState) {
	for k := range actors {
		m := &actors[k]
		if m.Kind == "person" && strings.Contains(m.Name, " ") {
			st.fullNames[lastField(m.Name)] = m.Name
		}
	}
}

// lastField is the last of strings.Fields(s), without making the others.
func lastField(s string) string {
	s = strings.TrimRightFunc(s, unicode.IsSpace)
	i := strings.LastIndexFunc(s, unicode.IsSpace)
	if i < 0 {
		return s
	}
	_, n := utf8.DecodeRuneInString(s[i:])
	return s[i+n:]
}

func (a *analysis) sentenceHash() *[32]byte {
	if !a.hashed {
		// hashed from a stack copy: []byte(text) would allocate
		var buf [512]byte
		if len(a.s.Text) <= len(buf) {
			a.sentHash = sha256.Sum256(append(buf[:0], a.s.Text...))
		} else {
			a.sentHash = sha256.Sum256([]byte(a.s.Text))
		}
		a.hashed = true
	}
	return &a.sentHash
}

// scratch is an analysis's working memory, pooled across sentences.
type scratch struct {
	ints    []int
	flags   []bool
	groups  []group
	idx     []int
	matches []match
	// backing store of candidates
	absorbed []bool
	cands    []candidate
	comps    []match
	opener   []clauseOpener
	// backing store of analysis.weapons and ctxWords
	weapons, ctxWords []string
	a                 analysis          // the analysis itself
	ev                borderwatch.Event // the event build makes; its caller copies it
}

var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

// grown returns b with length n, zeroed, reusing its array when it is big enough.
func grown[T any](b []T, n int) []T {
	if cap(b) < n {
		return make([]T, n)
	}
	b = b[:n]
	clear(b)
	return b
}

// release returns the working memory; a must not be used afterwards.
func (a *analysis) release() {
	sc := a.sc
	if sc == nil {
		return
	}
	if cap(a.groupArena) > cap(sc.groups) {
		sc.groups = a.groupArena
	}
	if cap(a.idxArena) > cap(sc.idx) {
		sc.idx = a.idxArena
	}
	if cap(a.matches) > cap(sc.matches) {
		sc.matches = a.matches
	}
	if cap(a.opener) > cap(sc.opener) {
		sc.opener = a.opener
	}
	clear(sc.opener[:cap(sc.opener)])
	sc.opener = sc.opener[:0]
	if cap(a.weapons) > cap(sc.weapons) {
		sc.weapons = a.weapons[:0]
	}
	if cap(a.ctxWords) > cap(sc.ctxWords) {
		sc.ctxWords = a.ctxWords[:0]
	}
	clear(sc.groups[:cap(sc.groups)]) // drop the strings they hold
	clear(sc.matches[:cap(sc.matches)])
	sc.groups, sc.idx, sc.matches = sc.groups[:0], sc.idx[:0], sc.matches[:0]
	*a = analysis{} // a is sc.a when it came from newAnalysis
	sc.ev = borderwatch.Event{}
	scratchPool.Put(sc)
}

func newAnalysis(lx *lexicon, s *Sentence, st *docState) *analysis {
	if s.prep == nil {
		s.prep = prepare(lx, s.Text)
	}
	// the analysis and its per-token tables come from a pooled scratch
	// (segment fills clause and subord)
	sc := scratchPool.Get().(*scratch)
	a := &sc.a
	*a = analysis{lx: lx, s: s, toks: s.prep.toks, st: st, sc: sc}
	n := len(a.toks)
	ints, flags := grown(a.sc.ints, 3*n), grown(a.sc.flags, 2*n)
	a.sc.ints, a.sc.flags = ints, flags
	a.actorAt, a.placeAt, a.clause = ints[:n:n], ints[n:2*n:2*n], ints[2*n:3*n:3*n]
	a.excluded, a.subord = flags[:n:n], flags[n:2*n:2*n]
	a.groupArena, a.idxArena = a.sc.groups[:0], a.sc.idx[:0]
	a.opener = sc.opener[:0]
	for i := range a.toks {
		a.actorAt[i], a.placeAt[i] = -1, -1
	}
	for j := len(s.Actors) - 1; j >= 0; j-- { // the first mention wins where two overlap
		m := s.Actors[j]
		for i := a.tokAt(m.Start); i >= 0 && i < n && a.toks[i].end <= m.End; i++ {
			if a.toks[i].start >= m.Start {
				a.actorAt[i] = j
			}
		}
	}
	for j := len(s.Places) - 1; j >= 0; j-- {
		p := s.Places[j]
		for i := a.tokAt(p.Start); i >= 0 && i < n && a.toks[i].end <= p.End; i++ {
			if a.toks[i].start >= p.Start {
				a.placeAt[i] = j
			}
		}
	}
	notePeople(s.Actors, st)
	a.findAttribution()
	a.segment()
	a.matches = a.sc.matches[:0]
	for _, m := range s.prep.matches {
		if a.excluded[m.start] {
			continue
		}
		// a trigger word inside an actor's name ("Security Council", "Defence Ministry") is no trigger
		if a.actorAt[m.start] >= 0 && s.Actors[a.actorAt[m.start]].Kind != "role" {
			continue
		}
		a.matches = append(a.matches, m)
	}
	return a
}

var reportingVerbs = map[string]bool{"said": true, "says": true, "say": true, "told": true, "tells": true, "reported": true,
	"reports": true, "added": true, "adds": true, "stated": true, "states": true, "announced": true, "announces": true,
	"declared": true, "confirmed": true, "confirms": true, "claimed": true, "claims": true, "noted": true, "notes": true,
	"explained": true, "insisted": true, "insist": true, "insists": true, "quoted": true, "wrote": true, "writes": true,
	"stressed": true, "emphasised": true, "emphasized": true, "recalled": true, "believes": true, "believe": true,
	"reiterated": true, "concluded": true, "argued": true, "argues": true, "estimated": true, "revealed": true}

// reportingVerbSet and subordinatorSet are the same words behind a filter,
// for the loops that test every word of a sentence.
var (
	reportingVerbSet = wordscan.SetOf(reportingVerbs)
	subordinatorSet  = wordscan.SetOf(subordinators)
)

// leadingBare are the reporting verbs that lead a sentence without "that":
// "Syria says it will not accept refugees".
var leadingBare = map[string]bool{"said": true, "says": true, "say": true, "claimed": true, "claims": true, "believes": true,
	"believe": true, "insisted": true, "insists": true, "insist": true, "argued": true, "argues": true, "added": true, "adds": true,
	"wrote": true, "writes": true}

func (a *analysis) excludeRange(i, j int) {
	for k := i; k < j && k < len(a.toks); k++ {
		if k >= 0 {
			a.excluded[k] = true
		}
	}
}

// findAttribution marks "X said", "according to X", "X reported, citing Y"
// and records who is speaking.
func (a *analysis) findAttribution() {
	toks := a.toks
	n := len(toks)
	var vias []string
	// "citing Y" anywhere: Y is a source cited in turn
	for i := 0; i < n; i++ {
		if toks[i].lower == "citing" {
			end := a.phraseEnd(i + 1)
			if end > i+1 {
				vias = append(vias, a.sourceName(i+1, end))
				a.excludeRange(i, end)
				if i > 0 && toks[i-1].lower == "," {
					a.excluded[i-1] = true
				}
			}
		}
	}
	// "according to X"
	for i := 0; i+1 < n; i++ {
		if toks[i].lower == "according" && toks[i+1].lower == "to" {
			end := a.phraseEnd(i + 2)
			name := a.sourceName(i+2, end)
			start := i
			if i > 0 && toks[i-1].lower == "," {
				start = i - 1
			}
			a.excludeRange(start, end)
			if end < n && toks[end].lower == "," {
				a.excluded[end] = true
			}
			if name != "" {
				if len(a.attrib) > 0 { // "X said, according to Y": Y is how X's words reached us
					a.attrib[0].Via = append(a.attrib[0].Via, name)
				} else {
					a.attrib = append(a.attrib, borderwatch.Attribution{Text: a.textOf(i, end), Name: name, Via: []string{}})
				}
			}
		}
	}
	// trailing "..., X said." / "...", X said." / "..., said X."
	for r := n - 1; r > 0; r-- {
		if !reportingVerbSet.Has(toks[r].lower) || toks[r].upper || a.excluded[r] {
			continue
		}
		if r+1 < n && toks[r+1].lower == "that" {
			break
		}
		// a trailing attribution ends the sentence: at most a short tail after the verb
		tail := 0
		for k := r + 1; k < n; k++ {
			if toks[k].word {
				tail++
			}
			if toks[k].lower == "that" {
				tail = 99
			}
		}
		if tail > 8 {
			continue
		}
		c := -1
		for k := r - 1; k >= 0 && r-k <= 14; k-- {
			if toks[k].lower == "," || toks[k].lower == "\"" && k > 0 && (toks[k-1].lower == "," || toks[k-1].lower == "." || toks[k-1].lower == "?" || toks[k-1].lower == "!") {
				c = k
				break
			}
			if !toks[k].word && toks[k].lower != "." && toks[k].lower != "'s" && toks[k].lower != "-" && toks[k].lower != "(" && toks[k].lower != ")" {
				break
			}
		}
		if c < 0 {
			break
		}
		spStart, spEnd := c+1, r
		if spStart == spEnd { // ", said X"
			spStart, spEnd = r+1, a.phraseEnd(r+1)
		}
		name, sp := a.speakerOf(spStart, spEnd)
		if name == "" || isPronounSpeaker(name) {
			break
		}
		a.attrib = append([]borderwatch.Attribution{{Text: strings.TrimRight(strings.TrimLeft(a.textOf(c+1, n), " \"”"), " ."), Name: name, Via: []string{}}}, a.attrib...)
		a.speaker = sp
		a.excludeRange(c, n)
		break
	}
	// leading "X said (that) ..." / "X told Y that ..."
	if len(a.attrib) == 0 || a.speaker == nil {
		for r := 1; r < n && r < 16; r++ {
			if !reportingVerbSet.Has(toks[r].lower) || toks[r].upper || a.excluded[r] || nounBefore(toks, r) {
				continue
			}
			end := r + 1
			if toks[r].lower == "told" || toks[r].lower == "tells" {
				// "told the Voice of America that"
				for k := r + 1; k < n && k < r+10; k++ {
					if toks[k].lower == "that" {
						end = k + 1
						break
					}
				}
				if end == r+1 {
					break
				}
			} else if k := thatWithin(toks, r+1, 4); k > 0 {
				end = k + 1 // "declared Tuesday that", "said on Monday that"
			} else if !leadingBare[toks[r].lower] {
				break // "X recalled its ambassador", "X announced a ceasefire": the verb is the event
			}
			start := 0
			// skip a leading adverbial ("On Monday, ...")
			for k := 0; k < r; k++ {
				if toks[k].lower == "," && k < r-1 {
					start = k + 1
				}
			}
			name, sp := a.speakerOf(start, r)
			if name == "" || isPronounSpeaker(name) {
				break
			}
			a.attrib = append([]borderwatch.Attribution{{Text: a.textOf(start, r+1), Name: name, Via: []string{}}}, a.attrib...)
			a.speaker, a.leading = sp, true
			a.excludeRange(start, end)
			break
		}
	}
	if len(vias) > 0 {
		if len(a.attrib) == 0 {
			a.attrib = append(a.attrib, borderwatch.Attribution{Text: "citing " + strings.Join(vias, ", "), Name: vias[0], Via: []string{}})
		} else {
			a.attrib[0].Via = append(a.attrib[0].Via, vias...)
		}
	}
	// a quotation without its speaker in this sentence: the open quote's speaker
	text := strings.TrimSpace(a.s.Text)
	if strings.HasPrefix(text, "\"") || strings.HasPrefix(text, "“") || a.st.speaker != nil {
		a.quoted = true
		if len(a.attrib) == 0 && a.st.speaker != nil {
			sp := *a.st.speaker
			a.speaker = &sp
			a.attrib = append(a.attrib, borderwatch.Attribution{Text: sp.Text, Name: sp.Name, Via: []string{}})
		}
	}
}

// updateQuote tracks quotations that run over several sentences.
func (a *analysis) updateQuote(st *docState) {
	opens := strings.Count(a.s.Text, "“") + strings.Count(a.s.Text, "\"")
	closes := strings.Count(a.s.Text, "”")
	text := a.s.Text
	quoteOpen := st.speaker != nil
	if strings.HasPrefix(strings.TrimSpace(text), "\"") || strings.HasPrefix(strings.TrimSpace(text), "“") {
		quoteOpen = true
	}
	// straight quotes: an odd count toggles
	if (opens+closes)%2 == 1 {
		quoteOpen = !quoteOpen || closes == 0 && strings.Count(text, "\"") == 1 && !strings.HasPrefix(strings.TrimSpace(text), "\"")
	} else if closes > 0 || strings.Count(text, "\"") >= 2 {
		quoteOpen = false
	}
	if quoteOpen && a.speaker == nil {
		// the speaker will be named when the quote closes; keep the previous one
		return
	}
	if quoteOpen && a.speaker != nil {
		sp := *a.speaker
		st.speaker = &sp
		return
	}
	st.speaker = nil
}

// phraseEnd is where a noun phrase starting at i stops: a comma, a period,
// a verb-like clause word, or the sentence's end.
func (a *analysis) phraseEnd(i int) int {
	for k := i; k < len(a.toks); k++ {
		l := a.toks[k].lower
		if l == "," || l == "." || l == ";" || l == ":" || l == "\"" || l == "that" || l == "on" && k > i+1 || l == "who" || l == "which" {
			return k
		}
		if reportingVerbSet.Has(l) && k > i {
			return k
		}
	}
	return len(a.toks)
}

// speakerOf names who speaks in tokens [i, j): a person or body the
// dictionary knows, else the last run of capitalised words, else the phrase.
func (a *analysis) speakerOf(i, j int) (string, *Actor) {
	if i >= j || j-i > 16 {
		return "", nil
	}
	bi := -1 // the best actor's index; copied once at the end
	for k := i; k < j; k++ {
		if m := a.actorAt[k]; m >= 0 {
			act := &a.s.Actors[m]
			if bi < 0 || act.Kind == "person" || a.s.Actors[bi].Kind != "person" && act.Kind == "media" {
				bi = m
			}
		}
	}
	var best *Actor
	if bi >= 0 {
		cp := a.s.Actors[bi]
		best = &cp
	}
	if best != nil && best.Kind == "person" {
		best.Name = a.fullName(best.Name)
		return best.Name, best
	}
	// a capitalised run right before the verb: "Alexei Leonkov, told"
	end := j
	for end > i && !a.toks[end-1].word {
		end--
	}
	start := end
	for start > i && a.toks[start-1].word && a.toks[start-1].upper && a.actorAt[start-1] < 0 {
		start--
	}
	if end-start >= 1 && end-start <= 4 && (best == nil || best.Kind != "media" && end-start >= 2) {
		name := a.fullName(a.textOf(start, end))
		if end-start >= 2 {
			a.st.fullNames[a.s.Text[a.toks[end-1].start:a.toks[end-1].end]] = name
		}
		if best != nil {
			return name, &Actor{Text: name, Name: name, Country: best.Country, Sector: best.Sector, Kind: "person"}
		}
		if end-start >= 2 || isTitleWord(a.toks, start) {
			return name, &Actor{Text: name, Name: name, Kind: "person"}
		}
	}
	if best != nil {
		if best.Kind != "person" && best.Kind != "media" && best.Kind != "igo" && best.Kind != "country" && best.Kind != "group" {
			// a body or a role speaks under its own words: "the State Committee for National Security", "residents"
			name := strings.TrimSpace(best.Text)
			for _, p := range []string{"the ", "The ", "a ", "A ", "an ", "An ", "its ", "Its "} {
				name = strings.TrimPrefix(name, p)
			}
			return name, best
		}
		return best.Name, best
	}
	return a.sourceName(i, j), nil
}

// nounBefore: "denied reports that", "the claims that": a reporting word used as a noun.
func nounBefore(toks []token, r int) bool {
	if r+1 < len(toks) && toks[r+1].lower == "responsibility" {
		return true // "claimed responsibility for the bombing" is the act, not a report
	}
	p := toks[r-1].lower
	switch p {
	case "the", "a", "an", "these", "those", "media", "news", "such", "any":
		return true
	}
	return !toks[r-1].upper && toks[r-1].word && strings.HasSuffix(p, "ed")
}

// thatWithin finds "that" among the n tokens from i, across date words only.
func thatWithin(toks []token, i, n int) int {
	for k := i; k < len(toks) && k < i+n; k++ {
		if toks[k].lower == "that" {
			return k
		}
		if !toks[k].word || !timeWords[toks[k].lower] {
			return -1
		}
	}
	return -1
}

var timeWords = map[string]bool{"on": true, "today": true, "yesterday": true, "tonight": true, "monday": true, "tuesday": true,
	"wednesday": true, "thursday": true, "friday": true, "saturday": true, "sunday": true, "last": true, "this": true,
	"week": true, "earlier": true, "again": true, "also": true, "repeatedly": true, "publicly": true, "once": true, "later": true}

// isPronounSpeaker: "it was said", "they say" name no source.
func isPronounSpeaker(name string) bool {
	// the first word, lower-cased in a stack buffer when it is short ASCII
	w := strings.TrimLeftFunc(name, unicode.IsSpace)
	if i := strings.IndexFunc(w, unicode.IsSpace); i >= 0 {
		w = w[:i]
	}
	for i := 0; i < len(w); i++ {
		if w[i] >= utf8.RuneSelf {
			f := strings.Fields(strings.ToLower(name)) // Unicode case rules
			return len(f) > 0 && (pronouns[f[0]] || f[0] == "this" || f[0] == "that" || f[0] == "there")
		}
	}
	var buf [8]byte
	if len(w) > len(buf) {
		return false // longer than any pronoun
	}
	lw := buf[:0]
	for i := 0; i < len(w); i++ {
		c := w[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		lw = append(lw, c)
	}
	return len(lw) > 0 && (pronouns[string(lw)] || string(lw) == "this" || string(lw) == "that" || string(lw) == "there")
}

func isTitleWord(toks []token, i int) bool {
	return i > 0 && titles[toks[i-1].lower]
}

var titles = map[string]bool{"president": true, "minister": true, "spokesman": true, "spokeswoman": true, "spokesperson": true,
	"general": true, "gen": true, "ambassador": true, "envoy": true, "secretary": true, "commander": true, "chief": true, "mr": true, "ms": true}

func (a *analysis) fullName(n string) string {
	if full, ok := a.st.fullNames[n]; ok {
		return full
	}
	parts := strings.Fields(n)
	if len(parts) == 1 {
		if full, ok := a.st.fullNames[parts[0]]; ok {
			return full
		}
	}
	return n
}

// sourceName names a cited source in tokens [i, j): a known actor, else the
// phrase without articles.
func (a *analysis) sourceName(i, j int) string {
	for k := i; k < j; k++ {
		if m := a.actorAt[k]; m >= 0 {
			act := a.s.Actors[m]
			if act.Kind == "person" {
				return a.fullName(act.Name)
			}
			// "the CSTO website": keep the phrase, it says more than the body's name
			if act.Kind == "media" || act.Kind == "igo" && k == j-1 {
				return act.Name
			}
		}
	}
	txt := a.textOf(i, j)
	for _, p := range []string{"the ", "The ", "a ", "A "} {
		txt = strings.TrimPrefix(txt, p)
	}
	for _, w := range []string{"message posted on the ", "statement on the ", "report by ", "reports by ", "report from "} {
		if k := strings.Index(txt, w); k >= 0 {
			txt = txt[k+len(w):]
		}
	}
	return strings.TrimSpace(txt)
}

func (a *analysis) textOf(i, j int) string {
	if i >= j || i >= len(a.toks) {
		return ""
	}
	if j > len(a.toks) {
		j = len(a.toks)
	}
	return strings.TrimSpace(a.s.Text[a.toks[i].start:a.toks[j-1].end])
}

var subordinators = map[string]bool{"after": true, "before": true, "because": true, "while": true, "although": true,
	"though": true, "whereas": true, "if": true, "unless": true, "until": true, "when": true, "despite": true,
	"who": true, "which": true, "whom": true, "whose": true}

// segment splits the sentence into clauses: at semicolons, subordinating
// words, relative pronouns, ", and" / ", but", and participles after a comma.
func (a *analysis) segment() {
	n := len(a.toks)
	c := 0
	sub := false
	for i := 0; i < n; i++ {
		t := a.toks[i]
		prev := ""
		if i > 0 {
			prev = a.toks[i-1].lower
		}
		boundary := false
		startsSub := false
		switch {
		case t.lower == ";":
			boundary = true
		case subordinatorSet.Has(t.lower):
			boundary, startsSub = true, true
		case t.lower == "as" && i+1 < n && !asNotClause[a.toks[i+1].lower] && prev != "such" && prev != "as" && prev != "so" && prev != "seen" && prev != "regarded" && prev != "them" && prev != "it":
			boundary, startsSub = true, true
		case (t.lower == "and" || t.lower == "but") && prev == ",":
			boundary = true
		case t.lower == "," && sub:
			boundary = true // "After X, Y": the comma closes the subordinate clause
		case prev == "," && strings.HasSuffix(t.lower, "ing") && t.lower != "including" && t.lower != "according":
			boundary = true
		}
		if boundary {
			c++
			sub = startsSub
			if startsSub {
				a.opener = append(a.opener, clauseOpener{c, t.lower})
			}
		}
		a.clause[i] = c
		a.subord[i] = sub
	}
}

// backgroundClauses open clauses whose events are background or hypothetical,
// not what the sentence reports: "after Afghan soldiers refused to fight",
// "if the country makes such a request", "who decides to accept".
var backgroundClauses = map[string]bool{"after": true, "before": true, "because": true, "despite": true, "if": true,
	"unless": true, "until": true, "although": true, "though": true, "who": true, "which": true, "whom": true, "whose": true}

var asNotClause = map[string]bool{"well": true, "much": true, "many": true, "a": true, "an": true, "part": true, "of": true,
	"saying": true, "soon": true, "long": true, "far": true, "such": true, "if": true, "to": true, "president": true,
	"prime": true, "leader": true, "possible": true}
