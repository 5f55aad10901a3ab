package geo

import (
	"math"
	"slices"
	"sync"
	"unicode"
	"unicode/utf8"

	"borderwatch"
)

// PlaceMention is a place named in a sentence, resolved in context.
type PlaceMention struct {
	Start, End int    // byte offsets into the sentence
	Text       string // the span as written
	Prep       string // the preposition before it: in, at, to, near, into, across, along, from, on, or ""
	Loc        borderwatch.Location
	Ambiguous  bool    // another reading scored almost as well
	Candidates []Place // the best reading and close runners-up, best first (at most 3)
}

// token is one word of a sentence.
type token struct {
	start, end int
	key        string // folded word
	upper      bool   // starts with an upper-case letter
	allUpper   bool
	brk        bool // punctuation other than a hyphen separates it from the previous token
	comma      bool // that punctuation includes a comma
	hyphen     bool // joined to the previous token by a hyphen
	poss       bool // followed by 's
	connector  bool // e, i, ye: a linking particle inside a name
	class      wordClass
	// longestExact's answer from this token, kept so that FindIn does not
	// look up again what NewDocContext looked up: exactSpan is 0 when not
	// yet known, -1 when no name starts here, else the match's token count,
	// and exactV the byKey value of the match.
	exactSpan int8
	exactV    int32
}

// wordClass flags what a word can do in a place phrase, looked up once per
// token instead of in a map per rule.
type wordClass uint16

const (
	clOwner wordClass = 1 << iota
	clBorder
	clDirection
	clGeneric
	clPrep
	clLocative
	clSuffix
)

// classInitials (first two letters) lets most words skip the wordClasses lookup.
var classInitials = func() (b [26][26]bool) {
	for w := range wordClasses {
		b[w[0]-'a'][w[1]-'a'] = true
	}
	return b
}()

var wordClasses = func() map[string]wordClass {
	m := map[string]wordClass{}
	for set, c := range map[*map[string]bool]wordClass{&ownerWords: clOwner, &borderWords: clBorder, &prepositions: clPrep,
		&locative: clLocative, &nameSuffixes: clSuffix} {
		for w := range *set {
			m[w] |= c
		}
	}
	for w := range directions {
		m[w] |= clDirection
	}
	for w := range genericWords {
		m[w] |= clGeneric
	}
	return m
}()

func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9')
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)
}

func isApostrophe(r rune) bool {
	return r == '\'' || r == '’' || r == '‘' || r == 'ʻ' || r == 'ʼ' || r == '`'
}

// tokenPool recycles token slices between Find calls: tokens are the bulk of
// a call's allocations.
var tokenPool = sync.Pool{New: func() any { s := make([]token, 0, 64); return &s }}

// tokScratch is tokenizeInto's working memory: the folded keys and where
// each goes.
type tokScratch struct {
	arena []byte
	fixes []fixup
}

type fixup struct{ tok, from, to int }

var tokScratchPool = sync.Pool{New: func() any { return &tokScratch{arena: make([]byte, 0, 1024), fixes: make([]fixup, 0, 128)} }}

func tokenizeInto(toks []token, s string) []token {
	brk, comma, hyphen := true, false, false
	// Folded keys that differ from the text ("Taliban" -> "taliban") are
	// written to one buffer and turned into strings together at the end:
	// one allocation per call instead of one per capitalised word.
	// The buffers come from a pool: a whole document outgrows any stack
	// buffer.
	sc := tokScratchPool.Get().(*tokScratch)
	defer tokScratchPool.Put(sc)
	arena, fixes := sc.arena[:0], sc.fixes[:0]
	defer func() { sc.arena, sc.fixes = arena[:0], fixes[:0] }()
	i := 0
	for i < len(s) {
		c := s[i]
		r, w := rune(c), 1
		if c >= utf8.RuneSelf {
			r, w = utf8.DecodeRuneInString(s[i:])
		}
		if !isWordRune(r) {
			switch {
			case r == '-' || r == '‐' || r == '‑' || r == '–':
				hyphen = true
			case r == ' ' || unicode.IsSpace(r):
			default:
				brk = true
				if r == ',' {
					comma = true
				}
			}
			i += w
			continue
		}
		start := i
		end := i
		poss := false
		// what the word holds, noted on the way so that it is not read again:
		// it is its own folded key when it has no capital, no other script
		// and no ASCII apostrophe
		hasUpper, hasLower, nonASCII, quote := false, false, false, false
		for i < len(s) {
			if c := s[i]; c < utf8.RuneSelf {
				if (c|0x20 >= 'a' && c|0x20 <= 'z') || (c >= '0' && c <= '9') {
					hasUpper = hasUpper || 'A' <= c && c <= 'Z'
					hasLower = hasLower || 'a' <= c && c <= 'z'
					i++
					end = i
					continue
				}
			}
			r, w := utf8.DecodeRuneInString(s[i:])
			if isWordRune(r) { // not ASCII: those took the branch above
				nonASCII = true
				i += w
				end = i
				continue
			}
			if isApostrophe(r) && i+w < len(s) {
				nr, nw := utf8.DecodeRuneInString(s[i+w:])
				if isWordRune(nr) {
					// 's at the end of a word is a possessive, not a name part.
					if (nr == 's' || nr == 'S') && (i+w+nw == len(s) || !isWordRune(firstRune(s[i+w+nw:]))) {
						poss = true
						i += w + nw
						break
					}
					// inside the word: the next rune, a word rune, is taken next
					quote = quote || r == '\''
					nonASCII = nonASCII || r >= utf8.RuneSelf
					i += w
					continue
				}
			}
			break
		}
		text := s[start:end]
		var kb []byte // the folded key when it differs from text
		key := text
		if hasUpper || nonASCII || quote {
			from := len(arena)
			arena = foldWord(arena, text)
			kb = arena[from:]
			fixes = append(fixes, fixup{len(toks), from, len(arena)})
			key = "" // set from the arena below
		}
		upper := text[0] >= 'A' && text[0] <= 'Z'
		if text[0] >= utf8.RuneSelf {
			upper = unicode.IsUpper(firstRune(text))
		}
		allUpper := upper && !hasLower
		if upper && nonASCII {
			allUpper = isAllUpper(text)
		}
		t := token{start: start, end: end, key: key, upper: upper, allUpper: allUpper,
			brk: brk, comma: comma, hyphen: hyphen && !brk, poss: poss}
		if kb != nil {
			t.connector, t.class = wordTraits(kb, upper)
		} else {
			t.connector, t.class = wordTraits([]byte(key), upper) // no copy: the bytes do not escape
		}
		toks = append(toks, t)
		brk, comma, hyphen = poss, false, false
	}
	if len(fixes) > 0 {
		keys := string(arena)
		for _, f := range fixes {
			toks[f.tok].key = keys[f.from:f.to]
		}
	}
	return toks
}

// wordTraits says whether a folded word links a name's parts and what it
// can do in a place phrase.
func wordTraits(k []byte, upper bool) (connector bool, class wordClass) {
	connector = !upper && isConnector(k)
	if len(k) >= 2 && k[0]-'a' < 26 && k[1]-'a' < 26 && classInitials[k[0]-'a'][k[1]-'a'] {
		class = wordClasses[string(k)]
	}
	return connector, class
}

func firstRune(s string) rune { r, _ := utf8.DecodeRuneInString(s); return r }

func isAllUpper(s string) bool {
	n := 0
	for _, r := range s {
		if unicode.IsLetter(r) {
			if !unicode.IsUpper(r) {
				return false
			}
			n++
		}
	}
	return n > 0
}

// maxNameTokens bounds the n-grams tried from one starting word.
const maxNameTokens = 7

// longestExact finds the longest run of tokens from i whose folded key is a
// known name. It returns the last token index and the places, or nil.
func (g *Gazetteer) longestExact(toks []token, i int) (int, []int32) {
	// A known answer holds when no name starts here, or when the name ends
	// inside toks: toks may be a sentence cut from the document the answer
	// was found in, whose words after the sentence could only have made a
	// longer match.
	switch span := toks[i].exactSpan; {
	case span < 0:
		return -1, nil
	case span > 0 && i+int(span)-1 < len(toks):
		return i + int(span) - 1, g.idsOf(toks[i].exactV)
	}
	var key []byte
	bestJ, best, bestV := -1, []int32(nil), int32(0)
	var scratch [64]byte
	key = scratch[:0]
	for j := i; j < len(toks) && j < i+maxNameTokens; j++ {
		t := &toks[j]
		if j > i && (t.brk || toks[j-1].poss) {
			break
		}
		if t.connector {
			if j == i {
				break
			}
			continue
		}
		if len(key) > 0 {
			if !g.prefixes[string(key)] {
				break
			}
			key = append(key, ' ')
		}
		key = append(key, t.key...)
		if v, ok := g.byKey[string(key)]; ok {
			bestJ, best, bestV = j, g.idsOf(v), v
		}
	}
	if bestJ < 0 {
		toks[i].exactSpan = -1
	} else if bestJ-i+1 <= maxNameTokens {
		toks[i].exactSpan, toks[i].exactV = int8(bestJ-i+1), bestV
	}
	return bestJ, best
}

// prepositions whose object is a place; Find reports the one before a name.
var prepositions = map[string]bool{"in": true, "at": true, "to": true, "near": true, "into": true, "across": true,
	"along": true, "from": true, "on": true}

// locative words make a weak name ("Mary", "Nice") count as a place.
var locative = map[string]bool{"in": true, "at": true, "to": true, "near": true, "into": true, "from": true,
	"toward": true, "towards": true, "outside": true, "around": true, "via": true, "through": true}

// nameSuffixes are capitalised words that may follow a place name without
// making it part of a longer proper noun ("Termez Airport").
var nameSuffixes = map[string]bool{"airport": true, "province": true, "district": true, "river": true, "region": true,
	"city": true, "bridge": true, "valley": true, "border": true, "corridor": true, "oblast": true, "crossing": true,
	"port": true, "airfield": true, "base": true, "pass": true, "mountains": true, "gorge": true, "governor": true,
	"police": true, "airbase": true, "front": true}

type match struct {
	i, j  int // token range, inclusive
	idx   []int32
	skel  bool
	gen   string // generic word next to the name: district, province, city
	genAt int    // index of that generic token, -1 when none
}

// Find returns the place names in a sentence, resolved with the document's
// context, sorted and non-overlapping. dc may be nil.
func (g *Gazetteer) Find(sentence string, dc *DocContext) []PlaceMention {
	tp := tokenPool.Get().(*[]token)
	toks := tokenizeInto((*tp)[:0], sentence)
	defer func() {
		clear(toks) // drop string references before pooling
		*tp = toks[:0]
		tokenPool.Put(tp)
	}()
	if out := g.find(nil, sentence, toks, dc, true); len(out) > 0 {
		return out
	}
	return nil
}

// FindIn appends to dst what Find returns for the sentence text[start:end]
// of the document dc was made from, without the Candidates (extraction
// needs the best reading only). It reads the tokens NewDocContext already
// made; offsets are relative to start. A span that cuts through a word is
// tokenised anew.
func (g *Gazetteer) FindIn(dst []PlaceMention, dc *DocContext, start, end int) []PlaceMention {
	sentence := dc.text[start:end]
	all := *dc.toks
	i, _ := slices.BinarySearchFunc(all, start, func(t token, off int) int { return t.start - off })
	j, _ := slices.BinarySearchFunc(all, end, func(t token, off int) int { return t.start - off })
	if (i > 0 && all[i-1].end > start) || (j > i && all[j-1].end > end) {
		tp := tokenPool.Get().(*[]token)
		toks := tokenizeInto((*tp)[:0], sentence)
		defer func() {
			clear(toks)
			*tp = toks[:0]
			tokenPool.Put(tp)
		}()
		return g.find(dst, sentence, toks, dc, false)
	}
	tp := tokenPool.Get().(*[]token)
	toks := append((*tp)[:0], all[i:j]...)
	defer func() {
		clear(toks)
		*tp = toks[:0]
		tokenPool.Put(tp)
	}()
	for k := range toks {
		toks[k].start -= start
		toks[k].end -= start
	}
	if len(toks) > 0 {
		// what precedes the sentence is no part of it
		toks[0].brk, toks[0].comma, toks[0].hyphen = true, false, false
	}
	return g.find(dst, sentence, toks, dc, false)
}

// find appends the places of a tokenised sentence to out; cands says
// whether to fill each mention's Candidates.
func (g *Gazetteer) find(out []PlaceMention, sentence string, toks []token, dc *DocContext, cands bool) []PlaceMention {
	if len(toks) == 0 {
		return out
	}
	out0 := len(out)
	var matchBuf [8]match
	matches := matchBuf[:0]
	var sentBuf [8]string
	sentCountries := countrySet(sentBuf[:0])
	for i := 0; i < len(toks); i++ {
		if b, n := g.borderPhrase(toks, i, dc); n > 0 {
			if b.key != "" {
				out = append(out, g.borderMention(sentence, toks, i, i+n-1, b, cands))
			}
			i += n - 1
			continue
		}
		t := &toks[i]
		if !t.upper {
			continue
		}
		j, idx := g.longestExact(toks, i)
		skel := false
		if idx == nil {
			// A transliteration variant of a one- or two-word name.
			var sk, kb [64]byte
			if len(t.key) >= 5 {
				if c := g.bySkel[string(appendSkeleton(sk[:0], t.key))]; len(c) > 0 {
					j, idx, skel = i, c, true
				}
			}
			if idx == nil && i+1 < len(toks) && !toks[i+1].brk && toks[i+1].upper {
				k := append(append(append(kb[:0], t.key...), ' '), toks[i+1].key...)
				if c := g.bySkel[string(appendSkeleton(sk[:0], k))]; len(c) > 0 {
					j, idx, skel = i+1, c, true
				}
			}
		}
		if idx == nil {
			continue
		}
		m := match{i: i, j: j, idx: idx, skel: skel, genAt: -1}
		if j+1 < len(toks) && !toks[j+1].brk && toks[j+1].class&clGeneric != 0 {
			if f, ok := genericWords[toks[j+1].key]; ok {
				m.gen, m.genAt = f, j+1
			}
		}
		if m.gen == "" && i >= 2 && toks[i-1].key == "of" && !toks[i].brk && !toks[i-1].brk {
			if f, ok := genericWords[toks[i-2].key]; ok {
				m.gen = f
			}
		}
		if g.keep(toks, &m) {
			for _, pi := range idx {
				if g.places[pi].Feature == FeatureCountry {
					sentCountries = sentCountries.add(g.places[pi].Country)
				}
			}
			matches = append(matches, m)
		}
		i = j
		if m.genAt > 0 {
			i = m.genAt
		}
	}
	out = slices.Grow(out, len(matches))
	for k := range matches {
		m := &matches[k]
		h := hints{feature: m.gen, sentence: sentCountries, skeleton: m.skel}
		// "Andar district, Ghazni province", "Moscow, Idaho": the words
		// after a comma qualify the name when they name its province or
		// country.
		last := m.j
		if m.genAt > 0 {
			last = m.genAt
		}
		q := last + 1
		if q+2 < len(toks) && toks[q].key == "in" && !toks[q].brk && toks[q+1].upper && !toks[q+1].brk &&
			genericWords[toks[q+2].key] == "province" {
			// "Ishkashim district in Badakhshan province": the same qualifier, said with "in"
			q++
			h.qualAdm1 = toks[q].key
		} else if q < len(toks) && toks[q].comma && toks[q].upper {
			h.qualAdm1 = toks[q].key
			if q+1 < len(toks) && toks[q+1].upper && !toks[q+1].brk {
				h.qualAdm2 = toks[q].key + " " + toks[q+1].key
			}
			if c, _ := g.countryTok(toks, q); c != "" {
				h.qualCtry = c
			}
		}
		if pm, ok := g.resolve(sentence, toks, m, dc, &h, cands); ok {
			out = append(out, pm)
		}
	}
	slices.SortFunc(out[out0:], func(a, b PlaceMention) int { return a.Start - b.Start })
	return out
}

// keep applies the rules that stop common words and parts of other proper
// nouns from firing as places.
func (g *Gazetteer) keep(toks []token, m *match) bool {
	single := m.i == m.j
	key := toks[m.i].key
	if single && (len(key) <= 2 || (len(key) <= 4 && toks[m.i].allUpper)) && !g.hasCountry(m.idx) {
		return false // "UN", "EU", "Of": acronyms and two-letter words, unless a country's ("US", "UK")
	}
	if single && stopWords[key] && !(toks[m.i].allUpper && len(key) <= 3) {
		return false
	}
	if single && weakNames[key] && !g.hasCountry(m.idx) {
		// "Cotton from Mary" is the city; "Mary Smith" and "Mary said" are not.
		if m.i == 0 || !locative[toks[m.i-1].key] || toks[m.i].brk {
			return false
		}
		if m.j+1 < len(toks) && toks[m.j+1].upper && !toks[m.j+1].brk {
			return false
		}
	}
	return true
}

func (g *Gazetteer) hasCountry(idx []int32) bool {
	for _, pi := range idx {
		if g.places[pi].Feature == FeatureCountry {
			return true
		}
	}
	return false
}

// eligible says whether a place may be reported by Find. Curated places and
// countries always may; the long tail of GeoNames needs size, rank or the
// document's country, because a small namesake is more often a word or a
// person than the place.
func (g *Gazetteer) eligible(p *Place, toks []token, m *match, dc *DocContext, h *hints) bool {
	if p.curated() || p.Feature == FeatureCountry {
		return true
	}
	inCtx := dc.share(p.Country) > 0 || h.sentence.has(p.Country) || (h.qualCtry != "" && h.qualCtry == p.Country) ||
		(h.qualAdm1 != "" && p.Admin1 != "" && h.qualifies(p.Admin1))
	// Part of a longer proper noun: "Zabihullah Mujahid", "Voice of America".
	if m.i > 0 && toks[m.i-1].upper && !toks[m.i].brk && !toks[m.i].hyphen {
		return false
	}
	if m.j+1 < len(toks) && toks[m.j+1].upper && !toks[m.j+1].brk && toks[m.j+1].class&clSuffix == 0 {
		return false
	}
	prep := m.i > 0 && toks[m.i-1].class&clLocative != 0 && !toks[m.i].brk
	switch {
	case p.Feature == "PPLC":
		return true
	case p.Population >= 100000:
		return true
	case p.Feature == "PPLA" && (m.i > 0 || inCtx):
		return true
	case inCtx && regionCountries[p.Country] && (p.Population >= 1000 || p.Feature == "PPLA2"):
		return true
	case inCtx && p.Population >= 15000:
		return true
	case prep && p.Population >= 15000:
		return true
	}
	return false
}

// resolve scores the readings of a match and builds the mention.
func (g *Gazetteer) resolve(sentence string, toks []token, m *match, dc *DocContext, h *hints, cands bool) (PlaceMention, bool) {
	type scored struct {
		i int32
		s float64
	}
	var best [6]scored
	n := 0
	for _, pi := range m.idx {
		p := &g.places[pi]
		if !g.eligible(p, toks, m, dc, h) {
			continue
		}
		s := g.score(p, dc, h, nil)
		// Insertion into a small sorted array: candidate lists are short.
		k := n
		if k == len(best) {
			k--
			if best[k].s >= s {
				continue
			}
		} else {
			n++
		}
		for k > 0 && best[k-1].s < s {
			best[k] = best[k-1]
			k--
		}
		best[k] = scored{pi, s}
	}
	if n == 0 {
		return PlaceMention{}, false
	}
	top := &g.places[best[0].i]
	first := m.i
	// "the territory of Tajikistan" is the country, said at length.
	if top.Feature == FeatureCountry && first >= 2 && toks[first-1].key == "of" && toks[first-2].key == "territory" &&
		!toks[first].brk && !toks[first-1].brk {
		first -= 2
		if first >= 1 && toks[first-1].key == "the" && !toks[first].brk {
			first--
		}
	}
	start, end := toks[first].start, toks[m.j].end
	pm := PlaceMention{Start: start, End: end, Text: sentence[start:end]}
	if first > 0 && !toks[first].brk {
		k := first - 1
		if toks[k].key == "the" && k > 0 && !toks[k].brk {
			k--
		}
		if toks[k].class&clPrep != 0 {
			pm.Prep = toks[k].key
		}
	}
	for k := 1; k < n; k++ {
		o := &g.places[best[k].i]
		if best[0].s-best[k].s < 1 && DistanceKm(top.Lat, top.Lon, o.Lat, o.Lon) > 25 {
			pm.Ambiguous = true
		}
	}
	// The runners-up worth a reviewer's look: close in score, at most 3.
	if cands {
		pm.Candidates = make([]Place, 0, min(n, 3))
	}
	for k := 0; cands && k < n && k < 3; k++ {
		if k > 0 && best[0].s-best[k].s > 2 {
			break
		}
		pm.Candidates = append(pm.Candidates, g.places[best[k].i])
	}
	pm.Loc = g.location(best[0].i, pm.Text)
	return pm, true
}

// placeBorder caches the nearest border of a place.
type placeBorder struct {
	key string
	km  float64
}

// location is Location for place i, with its border distance cached: the
// same few places recur in every document.
func (g *Gazetteer) location(i int32, text string) borderwatch.Location {
	p := &g.places[i]
	if p.Feature == FeatureCountry {
		return g.locationWith(p, text, "", 0)
	}
	v, ok := g.placeBorder.Load(i)
	if !ok {
		b, km := g.NearestBorder(p.Lat, p.Lon)
		v = placeBorder{b, math.Round(km*10) / 10}
		g.placeBorder.Store(i, v)
	}
	pb := v.(placeBorder)
	return g.locationWith(p, text, pb.key, pb.km)
}

// Location turns a place into an event_loc, with the nearest border and its
// distance for everything smaller than a country.
func (g *Gazetteer) Location(p *Place, text string) borderwatch.Location {
	if p.Feature == FeatureCountry {
		return g.locationWith(p, text, "", 0)
	}
	b, km := g.NearestBorder(p.Lat, p.Lon)
	return g.locationWith(p, text, b, math.Round(km*10)/10)
}

// locValues backs the pointer fields of one Location: one allocation
// instead of seven.
type locValues struct {
	id           int64
	lat, lon, km float64
	a1, a2, brd  string
}

func (g *Gazetteer) locationWith(p *Place, text, border string, km float64) borderwatch.Location {
	loc := borderwatch.Location{Text: text, Name: p.Name, Country: p.Country, Precision: p.Precision()}
	v := &locValues{id: p.ID, lat: p.Lat, lon: p.Lon, km: km, a1: p.Admin1, a2: p.Admin2, brd: border}
	if p.ID != 0 {
		loc.GeonameID = &v.id
	}
	loc.Lat, loc.Lon = &v.lat, &v.lon
	if p.Admin1 != "" && p.Feature != FeatureCountry {
		loc.Admin1 = &v.a1
	}
	if p.Admin2 != "" && p.Feature != FeatureCountry && p.Feature != FeatureADM1 {
		loc.Admin2 = &v.a2
	}
	if border != "" {
		loc.Border, loc.BorderKm = &v.brd, &v.km
	}
	return loc
}

// borderMention builds the mention of a border phrase.
func (g *Gazetteer) borderMention(sentence string, toks []token, i, j int, b borderRef, cands bool) PlaceMention {
	start, end := toks[i].start, toks[j].end
	text := sentence[start:end]
	key := b.key
	zero := 0.0
	loc := borderwatch.Location{Text: text, Name: g.borderName(key), Country: b.owner, Precision: "border",
		Border: &key, BorderKm: &zero}
	pm := PlaceMention{Start: start, End: end, Text: text, Loc: loc, Ambiguous: b.ambiguous}
	if i > 0 && toks[i-1].class&clPrep != 0 && !toks[i].brk {
		pm.Prep = toks[i-1].key
	}
	if cands {
		pm.Candidates = []Place{{Name: loc.Name, Country: b.owner, Feature: FeatureBorder, Source: "naturalearth"}}
	}
	return pm
}
