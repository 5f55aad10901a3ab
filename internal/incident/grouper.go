package incident

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"borderwatch"
	"borderwatch/internal/actor"
)

// Options configures a Grouper.
type Options struct {
	// Dict canonicalises outlet and origin names ("Khovar agency" is
	// Khovar); nil keeps names as written.
	Dict *actor.Dictionary
	// Now stamps created/updated times and analyst decisions; nil is
	// time.Now.
	Now func() time.Time
}

// Grouper groups the events of documents, added one at a time, into
// incidents. Its cost per document depends on the incidents near the
// document's events in time and place, not on how many are stored: they are
// found through an index keyed by grouping class, day and country. Not safe
// for concurrent use; callers serialise Add and the analyst's decisions.
type Grouper struct {
	opts      Options
	reg       *Registry
	incidents map[string]*incident
	order     []string // creation order, for stable listings
	docs      map[string]*DocRecord
	exact     map[string]string   // exact text hash -> first document
	bands     map[uint64][]string // LSH band -> documents
	index     map[indexKey][]string
	eventInc  map[string]string // event id -> incident id
	apart     map[[2]string]bool
	decisions []Decision
	control   map[string]bool // incidents that claim who holds a place
	stamp     uint64
}

type indexKey struct {
	class string
	day   int32
	area  string
}

// DocRecord is what the grouper keeps of an added document: enough to spot
// later copies of it and to name its outlet.
type DocRecord struct {
	ID        string      `json:"id"`
	Source    string      `json:"source"`
	Outlet    string      `json:"outlet"`
	Published time.Time   `json:"published"`
	CopyOf    string      `json:"copy_of,omitempty"`
	Print     Fingerprint `json:"fingerprint"`
}

// incident is an Incident plus what grouping derives from its members.
type incident struct {
	Incident
	key      string // modality group + ":" + class
	win      window
	hasWin   bool
	tokens   wordSet
	actors   []string
	areas    []string
	regLo    int
	regHi    int
	regAreas []string
	// placeWords are the distinctive words of the specific places members
	// name ("sher", "khan", "bandar"), as written and as resolved.
	placeWords wordSet
	typeCount  []typeCount
	ready      bool   // derived fields are initialised
	seen       uint64 // Grouper.stamp of the last lookup that collected it
}

// New returns an empty Grouper.
func New(opts Options) *Grouper {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Grouper{
		opts:      opts,
		reg:       NewRegistry(opts.Dict),
		incidents: map[string]*incident{},
		docs:      map[string]*DocRecord{},
		exact:     map[string]string{},
		bands:     map[uint64][]string{},
		index:     map[indexKey][]string{},
		eventInc:  map[string]string{},
		apart:     map[[2]string]bool{},
		control:   map[string]bool{},
	}
}

// Registry is the grouper's source registry.
func (g *Grouper) Registry() *Registry { return g.reg }

// ErrDuplicateDoc is returned when a document id was added before.
var ErrDuplicateDoc = errors.New("incident: document already added")

func validate(doc Doc) error {
	if strings.TrimSpace(doc.ID) == "" {
		return errors.New("incident: document without id")
	}
	for i, e := range doc.Events {
		if e.ID == "" {
			return fmt.Errorf("incident: document %s: event %d has no id", doc.ID, i)
		}
		if e.DocID != "" && e.DocID != doc.ID {
			return fmt.Errorf("incident: document %s: event %s belongs to document %s", doc.ID, e.ID, e.DocID)
		}
		if borderwatch.Quad(e.Event) == 0 {
			return fmt.Errorf("incident: document %s: event %s: unknown event type %q", doc.ID, e.ID, e.Event)
		}
		for _, d := range []*string{e.Date, e.EndDate} {
			if d != nil && *d != "" {
				if _, err := parseDay(*d); err != nil {
					return fmt.Errorf("incident: document %s: event %s: %w", doc.ID, e.ID, err)
				}
			}
		}
	}
	return nil
}

// Add groups the events of one document and reports which incidents it
// created, updated or merged. A document is added once; its events keep
// their incident until an analyst moves them.
func (g *Grouper) Add(doc Doc) (Change, error) {
	if err := validate(doc); err != nil {
		return Change{}, err
	}
	if _, ok := g.docs[doc.ID]; ok {
		return Change{}, fmt.Errorf("%w: %s", ErrDuplicateDoc, doc.ID)
	}
	for _, e := range doc.Events {
		if inc, ok := g.eventInc[e.ID]; ok {
			return Change{}, fmt.Errorf("incident: document %s: event %s is already in incident %s", doc.ID, e.ID, inc)
		}
	}
	ch := Change{DocID: doc.ID}
	ds := &DocRecord{ID: doc.ID, Source: doc.Source, Published: doc.Published, Print: fingerprint(doc.Text)}
	ds.Outlet = g.reg.Outlet(sourceName(doc)).Name
	ds.CopyOf = g.findCopy(ds)
	ch.CopyOf = ds.CopyOf
	g.docs[doc.ID] = ds
	g.remember(ds)

	touched := map[string]bool{}
	created := map[string]bool{}
	seen := map[string]bool{}
	for _, e := range doc.Events {
		if seen[e.ID] {
			// The extractor names an event by document, sentence, type and
			// actors: two codings of one sentence alike are one claim.
			ch.Skipped = append(ch.Skipped, Skip{EventID: e.ID, Reason: "same event id twice in the document: counted once"})
			continue
		}
		seen[e.ID] = true
		m := g.member(ds, e)
		grp, ok := modalityGroup(m.Modality)
		if !ok {
			ch.Skipped = append(ch.Skipped, Skip{EventID: e.ID, Reason: "modality " + m.Modality + ": background, not a current incident"})
			continue
		}
		id, isNew, merged := g.place(m, grp)
		touched[id] = true
		if isNew {
			created[id] = true
		}
		for _, mg := range merged {
			ch.Merged = append(ch.Merged, mg)
			for _, f := range mg.From {
				delete(touched, f)
				delete(created, f)
			}
		}
	}
	ids := make([]string, 0, len(touched))
	for id := range touched {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		// Links are sought when an incident is born: whichever of an act
		// and its denial (or two related acts) comes second finds the first.
		if created[id] {
			g.link(g.incidents[id])
			ch.Created = append(ch.Created, id)
		} else {
			ch.Updated = append(ch.Updated, id)
		}
	}
	return ch, nil
}

// sourceName is the document's outlet; documents that name none are not
// assumed to share one, so each stands alone.
func sourceName(doc Doc) string {
	if s := strings.TrimSpace(doc.Source); s != "" {
		return s
	}
	return "unknown source of " + doc.ID
}

// findCopy returns the first document this one copies, exactly or nearly.
func (g *Grouper) findCopy(ds *DocRecord) string {
	root := func(id string) string {
		if d := g.docs[id]; d != nil && d.CopyOf != "" {
			return d.CopyOf
		}
		return id
	}
	if id, ok := g.exact[ds.Print.Exact]; ok && ds.Print.Exact != "" {
		return root(id)
	}
	if len(ds.Print.Sig) == 0 {
		return ""
	}
	best, bestSim := "", 0.0
	for _, k := range bandKeys(ds.Print.Sig) {
		for _, id := range g.bands[k] {
			if s := similarity(ds.Print.Sig, g.docs[id].Print.Sig); s > bestSim {
				best, bestSim = id, s
			}
		}
	}
	if bestSim >= nearCopy {
		return root(best)
	}
	return ""
}

func (g *Grouper) remember(ds *DocRecord) {
	if _, ok := g.exact[ds.Print.Exact]; !ok && ds.Print.Exact != "" {
		g.exact[ds.Print.Exact] = ds.ID
	}
	if ds.CopyOf != "" {
		return // the original already stands for this text in the bands
	}
	for _, k := range bandKeys(ds.Print.Sig) {
		g.bands[k] = append(g.bands[k], ds.ID)
	}
}

// member turns an extracted event into an incident member.
func (g *Grouper) member(ds *DocRecord, e borderwatch.Event) Member {
	m := Member{
		EventID: e.ID, DocID: ds.ID, Outlet: ds.Outlet, CopyOf: ds.CopyOf,
		Event: e.Event, Modality: e.Modality, Mode: e.Mode, Context: e.Context,
		Actor: e.Actor, Recipient: e.Recipient, DatePrecision: e.DatePrecision,
		Place: e.EventLoc, Size: e.Size, Attribution: e.Attribution, Trigger: e.Trigger,
		Evidence: e.TextInfo.Text,
	}
	if !ds.Published.IsZero() {
		m.Published = ds.Published.Format(time.RFC3339)
	}
	if e.Date != nil {
		m.Date = *e.Date
	}
	if e.EndDate != nil && (e.Date == nil || *e.EndDate != *e.Date) {
		m.EndDate = *e.EndDate
	}
	outlet := ds.Outlet
	if ds.CopyOf != "" {
		outlet = g.docs[ds.CopyOf].Outlet // a reprint speaks with the original's voice
	}
	m.CitedOrigin, _ = g.reg.origin(outlet, e.Attribution)
	m.Origin = m.CitedOrigin
	return m
}

// prepare caches what grouping reads from a member again and again.
func (m *Member) prepare() {
	if m.ready {
		return
	}
	m.win, m.hasWin = m.computeWindow()
	m.words = evidenceTokens(m.Evidence)
	m.ready = true
}

func (m *Member) window() (window, bool) {
	m.prepare()
	return m.win, m.hasWin
}

func (m *Member) computeWindow() (window, bool) {
	pub, has := 0, false
	if m.Published != "" {
		if t, err := time.Parse(time.RFC3339, m.Published); err == nil {
			pub, has = int(t.Unix()/86400), true
		}
	}
	return memberWindow(m, pub, has)
}

// areas are the countries an event concerns: where it happened and whose
// actors took part. The index files incidents under them.
func memberAreas(m *Member) []string {
	var out []string
	add := func(c string) {
		if c != "" && !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	if m.Place != nil {
		add(m.Place.Country)
		for _, c := range borderCountries(m.Place) {
			add(c)
		}
	}
	for _, es := range [][]borderwatch.Entity{m.Actor, m.Recipient} {
		for _, e := range es {
			if e.Sector != "JRN" && len(e.Country) == 3 {
				add(e.Country)
			}
		}
	}
	if len(out) == 0 {
		out = append(out, "")
	}
	return out
}

// place puts one member into the incident it fits best, or a new one, and
// merges incidents that the member shows to be one.
func (g *Grouper) place(m Member, grp string) (id string, created bool, merged []Merge) {
	key := grp + ":" + class(&m)
	w, hasW := m.window()
	words := m.words
	keys := actorKeys(m.Actor)
	type fit struct {
		inc   *incident
		score float64
		cont  float64
	}
	var fits []fit
	for _, inc := range g.candidates(key, w, hasW, memberAreas(&m), 0) {
		ok, score := g.fits(inc, &m, w, hasW, keys, grp)
		if ok {
			fits = append(fits, fit{inc, score + 0.4*containment(words, inc.tokens), containment(words, inc.tokens)})
		}
	}
	if len(fits) == 0 {
		inc := g.newIncident(m, key, grp)
		return inc.ID, true, nil
	}
	sort.SliceStable(fits, func(i, j int) bool { return fits[i].score > fits[j].score })
	best := fits[0].inc
	g.addMember(best, m)
	// A report that fits two incidents equally well, whose own evidence
	// overlaps both, shows they are one event told twice.
	var from []string
	for _, f := range fits[1:] {
		if f.cont >= 0.5 && fits[0].cont >= 0.5 && !g.apart[pair(best.ID, f.inc.ID)] && g.incidentsFit(best, f.inc) {
			g.fold(best, f.inc)
			from = append(from, f.inc.ID)
		}
	}
	if len(from) > 0 {
		merged = append(merged, Merge{Into: best.ID, From: from})
	}
	g.refresh(best)
	return best.ID, false, merged
}

// fits applies the hard rules (dates, place, actors) and scores closeness.
func (g *Grouper) fits(inc *incident, m *Member, w window, hasW bool, keys []string, grp string) (bool, float64) {
	if inc.MergedInto != "" || len(inc.Members) == 0 { // merged away, or every event rejected
		return false, 0
	}
	if hasW != inc.hasWin || hasW && !overlaps(inc.win, w) {
		return false, 0
	}
	dateScore := 0.5
	if hasW && w.dated == inc.win.dated {
		// Chains of overlapping reports must not drift into a campaign.
		if max(inc.win.hi, w.hi)-min(inc.win.lo, w.lo) > maxSpanDays {
			return false, 0
		}
		if w.dated && w.lo <= inc.win.hi && inc.win.lo <= w.hi {
			dateScore = 1
		}
	}
	okPlace, placeScore := placesCompatible(inc.Place, m.Place)
	if !okPlace || !placeAgrees(inc, m) {
		return false, 0
	}
	actorScore := 0.3
	if grp != groupDenial { // a denial's actor is often the denier
		var ok bool
		if ok, actorScore = actorsCompatible(inc.actors, keys); !ok {
			return false, 0
		}
	}
	return true, 0.2*dateScore + 0.2*placeScore + 0.2*actorScore
}

// incidentsFit: may two incidents be one event?
func (g *Grouper) incidentsFit(a, b *incident) bool {
	if a.key != b.key || a.hasWin != b.hasWin || a.hasWin && !overlaps(a.win, b.win) {
		return false
	}
	if ok, _ := placesCompatible(a.Place, b.Place); !ok {
		return false
	}
	ok, _ := actorsCompatible(a.actors, b.actors)
	return ok
}

func pair(a, b string) [2]string {
	if a > b {
		a, b = b, a
	}
	return [2]string{a, b}
}

// candidates returns the live incidents of a class filed under the days and
// countries of a window; extra widens the days searched.
func (g *Grouper) candidates(key string, w window, hasW bool, areas []string, extra int) []*incident {
	lo, hi := 0, 0
	if hasW {
		lo, hi = w.lo, w.hi
		if w.dated {
			lo, hi = lo-slack, hi+slack
		}
	}
	g.stamp++ // marks incidents already collected in this lookup
	var out []*incident
	for d := lo; d <= hi+extra; d++ {
		for _, a := range areas {
			for _, id := range g.index[indexKey{key, int32(d), a}] {
				inc := g.incidents[id]
				if inc == nil || inc.seen == g.stamp {
					continue
				}
				inc.seen = g.stamp
				if inc.MergedInto == "" {
					out = append(out, inc)
				}
			}
		}
	}
	// Map order must not decide ties between equally good incidents.
	sort.Slice(out, func(i, j int) bool {
		return out[i].Created.Before(out[j].Created) || out[i].Created.Equal(out[j].Created) && out[i].ID < out[j].ID
	})
	return out
}

func (g *Grouper) newIncident(m Member, key, grp string) *incident {
	sum := sha256.Sum256([]byte(grp + "\x00" + m.EventID))
	now := g.opts.Now()
	inc := &incident{Incident: Incident{ID: "inc-" + hex.EncodeToString(sum[:6]), Modality: grp, Class: class(&m), Created: now}, key: key}
	for g.incidents[inc.ID] != nil { // a split reuses nothing: take the next free id
		sum = sha256.Sum256(sum[:])
		inc.ID = "inc-" + hex.EncodeToString(sum[:6])
	}
	g.incidents[inc.ID] = inc
	g.order = append(g.order, inc.ID)
	g.addMember(inc, m)
	g.refresh(inc)
	return inc
}

func (g *Grouper) addMember(inc *incident, m Member) {
	inc.Members = append(inc.Members, m)
	inc.absorb(&inc.Members[len(inc.Members)-1])
	g.eventInc[m.EventID] = inc.ID
}

// fold moves every member of src into dst.
func (g *Grouper) fold(dst, src *incident) {
	for _, m := range src.Members {
		g.addMember(dst, m)
	}
	src.Members = nil
	src.MergedInto = dst.ID
	src.Updated = g.opts.Now()
	for _, d := range src.DisputedBy {
		if !slices.Contains(dst.DisputedBy, d) {
			dst.DisputedBy = append(dst.DisputedBy, d)
		}
		if den := g.incidents[d]; den != nil {
			den.Denies = replace(den.Denies, src.ID, dst.ID)
		}
	}
	for _, r := range src.Related {
		if r != dst.ID && !slices.Contains(dst.Related, r) {
			dst.Related = append(dst.Related, r)
		}
		if o := g.incidents[r]; o != nil {
			o.Related = replace(o.Related, src.ID, dst.ID)
		}
	}
	delete(g.control, src.ID)
}

func replace(xs []string, old, new string) []string {
	var out []string
	for _, x := range xs {
		if x == old {
			x = new
		}
		if !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}

// refresh recomputes what an incident derives from its members, files it in
// the index under any new day or country and stamps it updated.
func (g *Grouper) refresh(inc *incident) {
	inc.Updated = g.opts.Now()
	g.summarize(inc)
}

func (g *Grouper) derive(inc *incident) {
	inc.reset()
	for i := range inc.Members {
		inc.absorb(&inc.Members[i])
	}
	g.summarize(inc)
}

// reset clears what an incident derives from its members.
func (inc *incident) reset() {
	inc.hasWin, inc.win, inc.Place = false, window{}, nil
	inc.typeCount, inc.tokens, inc.placeWords, inc.Event, inc.ready = nil, nil, nil, "", true
	inc.actors, inc.areas, inc.Actors = nil, nil, nil
	inc.Start, inc.End, inc.Undated = "", "", false
}

// absorb folds one member into what the incident derives, in time
// independent of the incident's size.
func (inc *incident) absorb(m *Member) {
	if !inc.ready {
		inc.reset()
	}
	m.prepare()
	inc.countType(m.Event)
	if m.hasWin {
		switch {
		case !inc.hasWin || m.win.dated && !inc.win.dated:
			inc.win, inc.hasWin = m.win, true // a dated member outranks report lag
		case m.win.dated == inc.win.dated:
			inc.win.lo, inc.win.hi = min(inc.win.lo, m.win.lo), max(inc.win.hi, m.win.hi)
		}
		inc.Start, inc.End, inc.Undated = dayString(inc.win.lo), dayString(inc.win.hi), !inc.win.dated
	}
	if precisionRank(m.Place) < precisionRank(inc.Place) {
		inc.Place = m.Place
	}
	if specific(m.Place) {
		for _, w := range placeKeyWords(m.Place) {
			inc.placeWords.add(w)
		}
	}
	for _, k := range actorKeys(m.Actor) {
		if !slices.Contains(inc.actors, k) {
			inc.actors = append(inc.actors, k)
		}
	}
	for _, e := range m.Actor {
		if e.Sector != "JRN" && e.Name != "" && !slices.Contains(inc.Actors, e.Name) {
			inc.Actors = append(inc.Actors, e.Name)
		}
	}
	for _, a := range memberAreas(m) {
		if !slices.Contains(inc.areas, a) {
			inc.areas = append(inc.areas, a)
		}
	}
	if len(inc.tokens) < 400 {
		for _, w := range m.words {
			inc.tokens.add(w)
		}
	}
}

type typeCount struct {
	event string
	n     int
}

// countType keeps the incident's type the one most of its members have.
func (inc *incident) countType(event string) {
	i := slices.IndexFunc(inc.typeCount, func(t typeCount) bool { return t.event == event })
	if i < 0 {
		inc.typeCount = append(inc.typeCount, typeCount{event, 0})
		i = len(inc.typeCount) - 1
	}
	inc.typeCount[i].n++
	best := 0
	for j, t := range inc.typeCount {
		if t.n > inc.typeCount[best].n {
			best = j
		}
	}
	inc.Event = inc.typeCount[best].event
}

// wordSet is a sorted set of words: a few hundred strings in one slice
// weigh far less on the garbage collector than a map per incident.
type wordSet []string

func (s *wordSet) add(w string) {
	if i, found := slices.BinarySearch(*s, w); !found {
		*s = slices.Insert(*s, i, w)
	}
}

func (s wordSet) has(w string) bool {
	_, found := slices.BinarySearch(s, w)
	return found
}

// summarize recomputes what needs every member at once: origins, values,
// control; then files the incident under any new day or country.
func (g *Grouper) summarize(inc *incident) {
	if len(inc.Members) == 0 {
		return
	}
	g.countSources(inc)
	inc.Disagreements = disagreements(inc, g.reg)
	if inc.Modality == groupAct && controlEvent(inc) {
		g.control[inc.ID] = true
	} else {
		delete(g.control, inc.ID)
	}
	g.file(inc)
}

// countSources resolves each member's origin within the incident and
// counts the distinct ones.
func (g *Grouper) countSources(inc *incident) {
	ms := inc.Members
	raw := make([]string, len(ms))
	for i := range ms {
		raw[i] = ms[i].CitedOrigin
	}
	res := g.reg.resolveOrigins(ms, raw)
	at := map[string]int{}
	seen := map[[3]string]bool{}
	inc.Sources = inc.Sources[:0]
	for i := range ms {
		ms[i].Origin = res[i]
		idx, ok := at[res[i]]
		if !ok {
			inc.Sources = append(inc.Sources, Source{Origin: res[i], Kind: g.originKind(res[i])})
			idx = len(inc.Sources) - 1
			at[res[i]] = idx
		}
		s := &inc.Sources[idx]
		if k := [3]string{res[i], "o", ms[i].Outlet}; !seen[k] {
			seen[k] = true
			s.Outlets = append(s.Outlets, ms[i].Outlet)
		}
		if k := [3]string{res[i], "d", ms[i].DocID}; !seen[k] {
			seen[k] = true
			s.Docs = append(s.Docs, ms[i].DocID)
		}
	}
	inc.Independent = len(inc.Sources)
	docs := 0
	for i := range ms {
		if k := [3]string{"", "doc", ms[i].DocID}; !seen[k] {
			seen[k] = true
			docs++
		}
	}
	inc.Documents = docs
}

func (g *Grouper) originKind(origin string) string {
	if g.reg.isOutlet(origin) {
		return g.reg.Outlet(origin).Kind
	}
	if strings.HasSuffix(origin, ")") {
		return KindUnknown // an outlet's unnamed source
	}
	return KindOfficial
}

// file adds the incident to the index under every day and country it now
// covers that it was not filed under before.
func (g *Grouper) file(inc *incident) {
	if inc.MergedInto != "" {
		return
	}
	lo, hi := 0, 0
	if inc.hasWin {
		lo, hi = inc.win.lo, inc.win.hi
		if inc.win.dated {
			lo, hi = lo-slack, hi+slack
		}
		if hi-lo > maxSpanDays+2*slack {
			hi = lo + maxSpanDays + 2*slack
		}
	}
	filed := inc.regAreas != nil
	for d := lo; d <= hi; d++ {
		for _, a := range inc.areas {
			if filed && d >= inc.regLo && d <= inc.regHi && slices.Contains(inc.regAreas, a) {
				continue
			}
			k := indexKey{inc.key, int32(d), a}
			g.index[k] = append(g.index[k], inc.ID)
		}
	}
	// Entries outside the current range stay behind (a lookup skips what
	// no longer fits); only the current range is remembered as filed.
	inc.regLo, inc.regHi = lo, hi
	inc.regAreas = slices.Clone(inc.areas)
}
