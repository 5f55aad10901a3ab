package watch

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"borderwatch"
	"borderwatch/internal/geo"
)

// Incident is what the Engine needs to know about an incident; the
// incident package's type satisfies it with a few accessors.
type Incident interface {
	IncidentID() string
	// IncidentEvents are the member events of every report of it.
	IncidentEvents() []borderwatch.Event
	// IndependentSources counts sources after collapsing reprints of one
	// agency.
	IndependentSources() int
	// Disagreements maps each disputed field ("dead", "date", ...) to the
	// number of distinct claims made about it; fields all sources agree on
	// are absent.
	Disagreements() map[string]int
}

// Input is one thing that happened in the stream: a report with its
// events, an incident that was created or changed, or both.
type Input struct {
	// At is the stream time of the input; zero means the document's
	// publication time, or the time of evaluation when that is unknown.
	// Sliding windows run on this clock, so replaying history is exact.
	At     time.Time
	Doc    *borderwatch.Document
	Events []borderwatch.Event
	// IncidentOf maps event IDs to their incident, when known: an event
	// rule then keeps one alert per incident, and a second report of the
	// same incident updates it rather than firing again.
	IncidentOf map[string]string
	Incident   Incident
}

// Evidence is one piece of what made an alert fire.
type Evidence struct {
	DocID   string `json:"doc_id,omitempty"`
	EventID string `json:"event_id,omitempty"`
	Type    string `json:"type,omitempty"`
	Text    string `json:"text,omitempty"`
}

// maxEvidence bounds the sentences kept per alert; the IDs are all kept.
const maxEvidence = 10

// Alert is one fired alert. Key is stable: the same rule and the same
// event, document, incident, disagreement or burst always give the same
// key, which is how the Engine fires once and updates after that.
type Alert struct {
	Key          string     `json:"key"`
	RuleID       string     `json:"rule_id"`
	Owner        string     `json:"owner"`
	On           string     `json:"on"`
	Revision     int        `json:"revision"` // 1 when first fired, +1 on each update
	FiredAt      time.Time  `json:"fired_at"`
	UpdatedAt    time.Time  `json:"updated_at"`
	Summary      string     `json:"summary"`
	IncidentID   string     `json:"incident_id,omitempty"`
	DocIDs       []string   `json:"doc_ids,omitempty"`
	EventIDs     []string   `json:"event_ids,omitempty"`
	Evidence     []Evidence `json:"evidence,omitempty"`
	Count        int        `json:"count,omitempty"`        // events in the window of a threshold alert
	Sources      int        `json:"sources,omitempty"`      // independent sources of the incident
	Disagreement string     `json:"disagreement,omitempty"` // the disputed field
	Claims       int        `json:"claims,omitempty"`       // distinct claims about it
}

// New reports whether this is the first firing rather than an update.
func (a *Alert) New() bool { return a.Revision == 1 }

func (a *Alert) clone() Alert {
	c := *a
	c.DocIDs = slices.Clone(a.DocIDs)
	c.EventIDs = slices.Clone(a.EventIDs)
	c.Evidence = slices.Clone(a.Evidence)
	return c
}

// addEvent records an event as evidence; it reports whether it was new.
func (a *Alert) addEvent(ev *borderwatch.Event) bool {
	if slices.Contains(a.EventIDs, ev.ID) {
		return false
	}
	a.EventIDs = append(a.EventIDs, ev.ID)
	if ev.DocID != "" && !slices.Contains(a.DocIDs, ev.DocID) {
		a.DocIDs = append(a.DocIDs, ev.DocID)
	}
	if len(a.Evidence) < maxEvidence {
		a.Evidence = append(a.Evidence, Evidence{DocID: ev.DocID, EventID: ev.ID, Type: ev.Event, Text: ev.TextInfo.Text})
	}
	return true
}

// Hit is one event counted in a sliding window.
type Hit struct {
	EventID string    `json:"event_id"`
	DocID   string    `json:"doc_id,omitempty"`
	At      time.Time `json:"at"`
}

// Window is the sliding-window state of one threshold rule.
type Window struct {
	Hits   []Hit     `json:"hits"` // sorted by At
	Latest time.Time `json:"latest"`
	Open   string    `json:"open,omitempty"` // key of the alert of the burst in progress
}

// State is everything the Engine remembers between runs; persist it (it is
// plain JSON) and pass it back to NewEngine after a restart.
type State struct {
	Alerts  map[string]*Alert  `json:"alerts"`
	Windows map[string]*Window `json:"windows"` // by rule ID
	// Aliases maps an event's or incident's key to the key of the alert
	// that already covers it, so learning an event's incident late never
	// fires it twice.
	Aliases map[string]string `json:"aliases,omitempty"`
}

// compiledRule is a rule with its area and keyword forms resolved.
type compiledRule struct {
	Rule
	area     *Area
	keywords []keyword
	names    [2][]string // folded actor and recipient names
}

// Engine evaluates inputs against the active rules. It is safe for
// concurrent use; evaluations are serialised so alerts come out in order.
type Engine struct {
	mu    sync.Mutex
	g     *geo.Gazetteer
	areas map[string]*Area
	rules []*compiledRule
	st    State
	now   func() time.Time
}

// NewEngine prepares the areas and rules and takes over st (a zero State
// starts afresh).
func NewEngine(g *geo.Gazetteer, areas []Area, rules []Rule, st State) (*Engine, error) {
	e := &Engine{g: g, areas: map[string]*Area{}, st: st, now: time.Now}
	if e.st.Alerts == nil {
		e.st.Alerts = map[string]*Alert{}
	}
	if e.st.Windows == nil {
		e.st.Windows = map[string]*Window{}
	}
	if e.st.Aliases == nil {
		e.st.Aliases = map[string]string{}
	}
	for _, a := range areas {
		if err := a.Prepare(g); err != nil {
			return nil, err
		}
		if _, dup := e.areas[a.Name]; dup {
			return nil, fmt.Errorf("watch: two areas named %q", a.Name)
		}
		e.areas[a.Name] = &a
	}
	if err := e.SetRules(rules); err != nil {
		return nil, err
	}
	return e, nil
}

// SetRules replaces the rule set, keeping the fired alerts and windows.
func (e *Engine) SetRules(rules []Rule) error {
	compiled := make([]*compiledRule, 0, len(rules))
	seen := map[string]bool{}
	for _, r := range rules {
		c, err := e.compile(r)
		if err != nil {
			return err
		}
		if seen[c.ID] {
			return fmt.Errorf("watch: two rules with id %q", c.ID)
		}
		seen[c.ID] = true
		compiled = append(compiled, c)
	}
	e.mu.Lock()
	e.rules = compiled
	e.mu.Unlock()
	return nil
}

func (e *Engine) compile(r Rule) (*compiledRule, error) {
	// The caller's slices stay untouched by Normalize.
	r.Types, r.Modes, r.Modalities = slices.Clone(r.Types), slices.Clone(r.Modes), slices.Clone(r.Modalities)
	r.Actor.Countries, r.Actor.Sectors = slices.Clone(r.Actor.Countries), slices.Clone(r.Actor.Sectors)
	r.Recipient.Countries, r.Recipient.Sectors = slices.Clone(r.Recipient.Countries), slices.Clone(r.Recipient.Sectors)
	r.Normalize()
	if err := r.Validate(); err != nil {
		return nil, err
	}
	c := &compiledRule{Rule: r}
	if r.Watch != "" {
		a, ok := e.areas[r.Watch]
		if !ok {
			return nil, fmt.Errorf("watch: rule %q: unknown watch area %q", r.ID, r.Watch)
		}
		c.area = a
	}
	for _, k := range r.Keywords {
		kw, _ := newKeyword(k)
		c.keywords = append(c.keywords, kw)
	}
	for i, f := range []EntityFilter{r.Actor, r.Recipient} {
		for _, n := range f.Names {
			c.names[i] = append(c.names[i], geo.Fold(n))
		}
	}
	return c, nil
}

// State returns a deep copy of the engine's state for persisting.
func (e *Engine) State() (State, error) {
	e.mu.Lock()
	b, err := json.Marshal(e.st)
	e.mu.Unlock()
	if err != nil {
		return State{}, fmt.Errorf("watch: encoding state: %w", err)
	}
	var st State
	if err := json.Unmarshal(b, &st); err != nil {
		return State{}, fmt.Errorf("watch: decoding state: %w", err)
	}
	return st, nil
}

// Alert returns the current version of a fired alert.
func (e *Engine) Alert(key string) (Alert, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	a, ok := e.st.Alerts[key]
	if !ok {
		return Alert{}, false
	}
	return a.clone(), true
}

// evalCtx caches what several rules need from one input.
type evalCtx struct {
	in        *Input
	at        time.Time
	docFolded *string
	evFolded  []string // per event, "" until needed
}

func (x *evalCtx) doc() string {
	if x.docFolded == nil {
		s := ""
		if x.in.Doc != nil {
			s = foldText(x.in.Doc.Title + "\n" + x.in.Doc.Text)
		}
		x.docFolded = &s
	}
	return *x.docFolded
}

func (x *evalCtx) sentence(i int, ev *borderwatch.Event) string {
	if x.evFolded == nil {
		x.evFolded = make([]string, len(x.in.Events))
	}
	if i >= len(x.evFolded) { // events of an incident are not cached
		return foldText(ev.TextInfo.Text)
	}
	if x.evFolded[i] == "" {
		x.evFolded[i] = foldText(ev.TextInfo.Text)
	}
	return x.evFolded[i]
}

// resolve follows an alias to the key of the alert covering it.
func (e *Engine) resolve(key string) string {
	if k, ok := e.st.Aliases[key]; ok {
		return k
	}
	return key
}

// Evaluate runs the input through every active rule and returns the alerts
// that fired for the first time (Revision 1) or changed (higher
// revisions), in rule order. Inputs already seen change nothing and return
// nothing, so reprocessing is silent.
func (e *Engine) Evaluate(in Input) []Alert {
	e.mu.Lock()
	defer e.mu.Unlock()
	x := &evalCtx{in: &in, at: in.At}
	if x.at.IsZero() && in.Doc != nil {
		x.at = in.Doc.Published
	}
	if x.at.IsZero() {
		x.at = e.now()
	}
	var out []Alert
	for _, r := range e.rules {
		if !r.Active {
			continue
		}
		switch r.On {
		case OnDocument:
			out = e.evalDocument(r, x, out)
		case OnEvent:
			out = e.evalEvents(r, x, out)
		case OnIncident, OnDisagreement:
			out = e.evalIncident(r, x, out)
		}
	}
	return out
}

// upsert creates the alert under key or lets change update it; it appends
// the alert to out when it is new or change reports a change.
func (e *Engine) upsert(out []Alert, r *compiledRule, key string, at time.Time, change func(a *Alert) bool) []Alert {
	a, ok := e.st.Alerts[key]
	if !ok {
		a = &Alert{Key: key, RuleID: r.ID, Owner: r.Owner, On: r.On, FiredAt: at, UpdatedAt: at}
		change(a)
		a.Revision = 1
		e.st.Alerts[key] = a
		a.Summary = summary(r, a)
		return append(out, a.clone())
	}
	if !change(a) {
		return out
	}
	a.Revision++
	if at.After(a.UpdatedAt) {
		a.UpdatedAt = at
	}
	a.Summary = summary(r, a)
	return append(out, a.clone())
}

func summary(r *compiledRule, a *Alert) string {
	name := r.Name
	if name == "" {
		name = r.ID
	}
	switch r.On {
	case OnDocument:
		return fmt.Sprintf("%s: report %s mentions %s", name, strings.Join(a.DocIDs, ", "), strings.Join(r.Keywords, " or "))
	case OnIncident:
		return fmt.Sprintf("%s: incident %s, %d independent sources, %d events", name, a.IncidentID, a.Sources, len(a.EventIDs))
	case OnDisagreement:
		return fmt.Sprintf("%s: sources disagree on %s of incident %s (%d claims)", name, a.Disagreement, a.IncidentID, a.Claims)
	}
	if r.Threshold != nil {
		return fmt.Sprintf("%s: %d matching events within %s", name, a.Count, time.Duration(r.Threshold.Window))
	}
	types := map[string]bool{}
	for _, ev := range a.Evidence {
		types[ev.Type] = true
	}
	ts := make([]string, 0, len(types))
	for t := range types {
		ts = append(ts, t)
	}
	sort.Strings(ts)
	return fmt.Sprintf("%s: %s in %d report(s)", name, strings.Join(ts, ", "), len(a.DocIDs))
}

func (e *Engine) evalDocument(r *compiledRule, x *evalCtx, out []Alert) []Alert {
	d := x.in.Doc
	if d == nil || d.ID == "" || !anyKeyword(r.keywords, x.doc()) {
		return out
	}
	return e.upsert(out, r, "r:"+r.ID+"|doc:"+d.ID, x.at, func(a *Alert) bool {
		if slices.Contains(a.DocIDs, d.ID) {
			return false
		}
		a.DocIDs = append(a.DocIDs, d.ID)
		a.Evidence = append(a.Evidence, Evidence{DocID: d.ID, Text: d.Title})
		return true
	})
}

func anyKeyword(ks []keyword, folded string) bool {
	for _, k := range ks {
		if k.in(folded) {
			return true
		}
	}
	return false
}

func (e *Engine) evalEvents(r *compiledRule, x *evalCtx, out []Alert) []Alert {
	for i := range x.in.Events {
		ev := &x.in.Events[i]
		if ev.ID == "" || !e.matchEvent(r, x, i, ev) {
			continue
		}
		if r.Threshold != nil {
			out = e.countHit(r, x, ev, out)
			continue
		}
		evKey := "r:" + r.ID + "|ev:" + ev.ID
		key := e.resolve(evKey)
		inc := x.in.IncidentOf[ev.ID]
		if inc != "" {
			incKey := e.resolve("r:" + r.ID + "|inc:" + inc)
			if _, fired := e.st.Alerts[incKey]; !fired {
				if _, firedAlone := e.st.Alerts[key]; firedAlone {
					// The event fired before incidents knew it: its
					// incident's later reports update that alert.
					e.st.Aliases[incKey] = key
					incKey = key
				}
			}
			key = incKey
		}
		if key != evKey {
			e.st.Aliases[evKey] = key // the event seen again without its incident is no news
		}
		out = e.upsert(out, r, key, x.at, func(a *Alert) bool {
			if inc != "" && a.IncidentID == "" {
				a.IncidentID = inc
			}
			return a.addEvent(ev)
		})
	}
	return out
}

// countHit adds a matching event to the rule's window and fires or updates
// the burst alert when the window holds Count events.
func (e *Engine) countHit(r *compiledRule, x *evalCtx, ev *borderwatch.Event, out []Alert) []Alert {
	w := e.st.Windows[r.ID]
	if w == nil {
		w = &Window{}
		e.st.Windows[r.ID] = w
	}
	span := time.Duration(r.Threshold.Window)
	if !w.Latest.IsZero() && x.at.Before(w.Latest.Add(-span)) {
		return out // older than the window: history already counted or long gone
	}
	for _, h := range w.Hits {
		if h.EventID == ev.ID {
			return out
		}
	}
	h := Hit{EventID: ev.ID, DocID: ev.DocID, At: x.at}
	i := sort.Search(len(w.Hits), func(i int) bool { return w.Hits[i].At.After(x.at) })
	w.Hits = slices.Insert(w.Hits, i, h)
	if x.at.After(w.Latest) {
		w.Latest = x.at
	}
	cut := 0
	for cut < len(w.Hits) && w.Latest.Sub(w.Hits[cut].At) > span {
		cut++
	}
	w.Hits = w.Hits[cut:]
	if len(w.Hits) < r.Threshold.Count {
		w.Open = ""
		return out
	}
	if w.Open == "" {
		w.Open = "r:" + r.ID + "|win:" + w.Hits[0].EventID
	}
	return e.upsert(out, r, w.Open, x.at, func(a *Alert) bool {
		changed := a.addEvent(ev)
		if len(w.Hits) > a.Count {
			a.Count = len(w.Hits)
			changed = true
		}
		return changed
	})
}

func (e *Engine) evalIncident(r *compiledRule, x *evalCtx, out []Alert) []Alert {
	inc := x.in.Incident
	if inc == nil || inc.IncidentID() == "" {
		return out
	}
	sources := inc.IndependentSources()
	if sources < max(r.MinSources, 1) {
		return out
	}
	evs := inc.IncidentEvents()
	var matched []*borderwatch.Event
	for i := range evs {
		if e.matchEvent(r, x, len(x.in.Events)+i, &evs[i]) {
			matched = append(matched, &evs[i])
		}
	}
	if len(matched) == 0 {
		return out
	}
	id := inc.IncidentID()
	update := func(a *Alert) bool {
		a.IncidentID = id
		changed := false
		for _, ev := range matched {
			changed = a.addEvent(ev) || changed
		}
		if sources > a.Sources {
			a.Sources = sources
			changed = true
		}
		return changed
	}
	if r.On == OnIncident {
		return e.upsert(out, r, "r:"+r.ID+"|inc:"+id, x.at, update)
	}
	dis := inc.Disagreements()
	fields := make([]string, 0, len(dis))
	for f, n := range dis {
		if n >= 2 {
			fields = append(fields, f)
		}
	}
	sort.Strings(fields)
	for _, f := range fields {
		claims := dis[f]
		out = e.upsert(out, r, "r:"+r.ID+"|inc:"+id+"|dis:"+f, x.at, func(a *Alert) bool {
			a.Disagreement = f
			// Only a new claim makes a disagreement grow; more sources
			// repeating known claims are folded in silently.
			update(a)
			if claims > a.Claims {
				a.Claims = claims
				return true
			}
			return false
		})
	}
	return out
}

// matchEvent applies every event filter of the rule.
func (e *Engine) matchEvent(r *compiledRule, x *evalCtx, i int, ev *borderwatch.Event) bool {
	if len(r.Types) > 0 && !slices.Contains(r.Types, ev.Event) {
		return false
	}
	mod := ev.Modality
	if mod == "" {
		mod = borderwatch.Asserted
	}
	if len(r.Modalities) == 0 {
		if mod != borderwatch.Asserted {
			return false
		}
	} else if !slices.Contains(r.Modalities, mod) {
		return false
	}
	if len(r.Modes) > 0 && !slices.ContainsFunc(ev.Mode, func(m string) bool { return slices.Contains(r.Modes, m) }) {
		return false
	}
	if !matchEntities(r.Actor, r.names[0], ev.Actor) || !matchEntities(r.Recipient, r.names[1], ev.Recipient) {
		return false
	}
	if r.area != nil && !r.area.Contains(ev.EventLoc) {
		return false
	}
	if len(r.keywords) > 0 && !anyKeyword(r.keywords, x.sentence(i, ev)) {
		return false
	}
	return true
}

func matchEntities(f EntityFilter, names []string, es []borderwatch.Entity) bool {
	if f.empty() {
		return true
	}
	for _, en := range es {
		if len(f.Countries) > 0 && !slices.Contains(f.Countries, en.Country) {
			continue
		}
		if len(f.Sectors) > 0 && !slices.Contains(f.Sectors, en.Sector) {
			continue
		}
		if len(names) > 0 && !slices.Contains(names, geo.Fold(en.Name)) {
			continue
		}
		return true
	}
	return false
}
