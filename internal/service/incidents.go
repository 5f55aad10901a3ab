// Package service owns the incident service: it keeps the incident grouper
// (internal/incident) in step with the store, feeding it every stored
// document with its events, saving its state after each change and restoring
// it on start, and serialises the grouper's queries and the analyst's merges
// and splits. The CLI and the API share it.
package service

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"borderwatch"
	"borderwatch/internal/geo"
	"borderwatch/internal/incident"
	"borderwatch/internal/store"
)

// Incidents is the incident service over one store. Safe for concurrent use.
type Incidents struct {
	db *store.DB
	mu sync.Mutex
	g  *incident.Grouper
	// known holds the documents the grouper has been given (added, or
	// refused as invalid), so catching up reads only new ones.
	known map[string]bool
	// dirty is set when the grouper changed after the last save, which was
	// at saved. Ingest saves at most every saveEvery: the state is a whole
	// snapshot, and documents grouped but not yet saved are stored anyway,
	// so a restart's catch-up groups them again.
	dirty     bool
	saved     time.Time
	saveEvery time.Duration
}

// SaveEvery is how often, at most, Ingest saves the grouper's state; Flush,
// CatchUp and the analyst's decisions save at once.
const SaveEvery = 2 * time.Second

// CatchUpReport says what a catch-up did.
type CatchUpReport struct {
	Added   int `json:"added"`   // documents given to the grouper
	Created int `json:"created"` // incidents they created
	Refused int `json:"refused"` // documents the grouper refused (their error is logged by the caller)
}

// Open restores the grouper from the store's saved state (or starts an
// empty one) and catches up on documents stored since it was saved.
func Open(ctx context.Context, db *store.DB, opts incident.Options) (*Incidents, CatchUpReport, error) {
	if db == nil {
		return nil, CatchUpReport{}, errors.New("service: no store")
	}
	data, err := db.LoadIncidentState(ctx)
	if err != nil {
		return nil, CatchUpReport{}, err
	}
	s := &Incidents{db: db, known: map[string]bool{}, saveEvery: SaveEvery}
	if data == nil {
		s.g = incident.New(opts)
	} else {
		var st incident.State
		if err := json.Unmarshal(data, &st); err != nil {
			return nil, CatchUpReport{}, fmt.Errorf("service: saved incident state: %w", err)
		}
		if s.g, err = incident.Restore(st, opts); err != nil {
			return nil, CatchUpReport{}, fmt.Errorf("service: restore incidents: %w", err)
		}
		for _, d := range st.Docs {
			s.known[d.ID] = true
		}
	}
	rep, err := s.CatchUp(ctx)
	return s, rep, err
}

// Ingest stores a document and, when it is new, groups its events, saving
// the grouper's state if the last save is SaveEvery old (call Flush before
// exiting). It has the signature of the poller's Sink, so the poller and the
// API can store through it. A document stored but refused by the grouper
// gives created=true with an error wrapping ErrRefused.
func (s *Incidents) Ingest(ctx context.Context, doc borderwatch.Document) (bool, error) {
	created, err := s.db.Ingest(ctx, doc)
	if err != nil || !created {
		return created, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	_, err = s.add(ctx, doc.ID)
	if time.Since(s.saved) >= s.saveEvery {
		if serr := s.save(ctx); serr != nil {
			return true, errors.Join(err, serr)
		}
	}
	return true, err
}

// Flush saves the grouper's state if it changed since the last save.
func (s *Incidents) Flush(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.dirty {
		return nil
	}
	return s.save(ctx)
}

// CatchUp groups every stored document the grouper has not seen, in the
// order they were stored (documents stored by another process, or by the
// batch ingest), and saves the state once. Refused documents are counted and
// their errors joined into err; the others are still added.
func (s *Incidents) CatchUp(ctx context.Context) (CatchUpReport, error) {
	ids, err := s.db.DocumentIDs(ctx)
	if err != nil {
		return CatchUpReport{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var rep CatchUpReport
	var errs []error
	for _, id := range ids {
		if s.known[id] {
			continue
		}
		if err := ctx.Err(); err != nil {
			errs = append(errs, err)
			break
		}
		ch, err := s.add(ctx, id)
		if errors.Is(err, ErrRefused) {
			rep.Refused++
			errs = append(errs, err)
			continue
		}
		if err != nil {
			errs = append(errs, err)
			break
		}
		rep.Added++
		rep.Created += len(ch.Created)
	}
	if s.dirty {
		if err := s.save(ctx); err != nil {
			errs = append(errs, err)
		}
	}
	return rep, errors.Join(errs...)
}

// ErrRefused marks a document the grouper will never take (its events fail
// validation): it stays stored, is remembered as seen so that it is not
// retried, and callers may log it and carry on.
var ErrRefused = errors.New("refused by the grouper")

// add gives one stored document to the grouper; callers hold mu.
func (s *Incidents) add(ctx context.Context, id string) (incident.Change, error) {
	d, err := s.db.Document(ctx, id)
	if err != nil {
		return incident.Change{}, err
	}
	page, err := s.db.Events(ctx, store.EventFilter{DocID: id, Limit: store.MaxLimit, NoCount: true})
	if err != nil {
		return incident.Change{}, err
	}
	doc := incident.Doc{ID: d.ID, Source: d.Source, URL: d.URL, Published: d.Published, Text: d.Text,
		Events: make([]borderwatch.Event, len(page.Events))}
	for i, e := range page.Events {
		doc.Events[i] = e.Event
	}
	ch, err := s.g.Add(doc)
	switch {
	case errors.Is(err, incident.ErrDuplicateDoc):
		// Already grouped (a state saved by another process): reprocessing
		// or catching up twice must not duplicate incidents.
		s.known[id] = true
		return incident.Change{DocID: id}, nil
	case err != nil:
		s.known[id], s.dirty = true, true
		return incident.Change{}, fmt.Errorf("service: document %s: %w: %w", id, ErrRefused, err)
	}
	s.known[id] = true
	s.dirty = true
	return ch, nil
}

// save writes the grouper's state; callers hold mu.
func (s *Incidents) save(ctx context.Context) error {
	data, err := json.Marshal(s.g.State())
	if err != nil {
		return fmt.Errorf("service: incident state: %w", err)
	}
	if err := s.db.SaveIncidentState(ctx, data); err != nil {
		return err
	}
	s.dirty, s.saved = false, time.Now()
	return nil
}

// Query selects incidents: the grouper's filter plus, instead of a point, a
// shared border ("Tajik-Afghan border") within Km of which the incident's
// place must lie.
type Query struct {
	incident.Filter
	Border string // ISO3 pair as geo.BorderKey makes it, e.g. "AFG-TJK"
}

// grouperFilter is what the grouper filters on; with Border, Km measures
// from the border, which the grouper does not know, so it is left to
// onBorder.
func (q Query) grouperFilter() incident.Filter {
	f := q.Filter
	if q.Border != "" {
		f.Km = 0
	}
	return f
}

// onBorder reports whether inc passes the Border part of q.
func (q Query) onBorder(inc *incident.Incident) bool {
	if q.Border == "" {
		return true
	}
	p := inc.Place
	if p == nil || p.Border == nil || *p.Border != q.Border {
		return false
	}
	return q.Km <= 0 || p.BorderKm != nil && *p.BorderKm <= q.Km
}

// List returns the live incidents matching q, in creation order.
func (s *Incidents) List(q Query) []incident.Incident {
	s.mu.Lock()
	incs := s.g.Incidents(q.grouperFilter())
	s.mu.Unlock()
	return slices.DeleteFunc(incs, func(inc incident.Incident) bool { return !q.onBorder(&inc) })
}

// Get returns one incident; a merged-away one has MergedInto set.
func (s *Incidents) Get(id string) (incident.Incident, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	inc, ok := s.g.Get(id)
	if !ok {
		return incident.Incident{}, fmt.Errorf("service: incident %q: %w", id, incident.ErrNotFound)
	}
	return inc, nil
}

// ControlAsOf answers who held which place of region on a date.
func (s *Incidents) ControlAsOf(region string, at time.Time) []incident.Control {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.g.ControlAsOf(region, at)
}

// ErrRejected wraps an analyst decision the grouper refuses (an act merged
// with its denial, an event named twice, no analyst named): the caller's
// mistake, not a failure.
var ErrRejected = errors.New("decision rejected")

// decisionErr marks the grouper's refusals as ErrRejected; unknown ids stay
// incident.ErrNotFound.
func decisionErr(err error) error {
	if errors.Is(err, incident.ErrNotFound) {
		return err
	}
	return fmt.Errorf("%w: %w", ErrRejected, err)
}

// Merge folds incidents from into into, as user decided, and saves it.
func (s *Incidents) Merge(ctx context.Context, into string, from []string, user string) (incident.Incident, error) {
	if strings.TrimSpace(user) == "" {
		return incident.Incident{}, fmt.Errorf("%w: merge: the analyst's name is required", ErrRejected)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	inc, err := s.g.Merge(into, from, user)
	if err != nil {
		return incident.Incident{}, decisionErr(err)
	}
	return inc, s.save(ctx)
}

// Split moves events out of incident id into a new one, as user decided,
// saves it and returns the new incident.
func (s *Incidents) Split(ctx context.Context, id string, eventIDs []string, user string) (incident.Incident, error) {
	if strings.TrimSpace(user) == "" {
		return incident.Incident{}, fmt.Errorf("%w: split: the analyst's name is required", ErrRejected)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	inc, err := s.g.Split(id, eventIDs, user)
	if err != nil {
		return incident.Incident{}, decisionErr(err)
	}
	return inc, s.save(ctx)
}

// demonyms turns the words of a border's name into ISO3 codes for the
// countries of the region borderwatch watches.
var demonyms = map[string]string{
	"afghan": "AFG", "afghanistan": "AFG", "tajik": "TJK", "tajikistan": "TJK",
	"uzbek": "UZB", "uzbekistan": "UZB", "turkmen": "TKM", "turkmenistan": "TKM",
	"iranian": "IRN", "iran": "IRN", "pakistani": "PAK", "pakistan": "PAK",
	"chinese": "CHN", "china": "CHN", "kyrgyz": "KGZ", "kyrgyzstan": "KGZ",
}

// ParseNear reads where an incident must lie: "LAT,LON" (a point) or a
// border's name such as "Tajik-Afghan border" or "AFG-TJK".
func ParseNear(s string) (q Query, err error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return q, nil
	}
	if a, b, ok := strings.Cut(s, ","); ok {
		lat, err1 := strconv.ParseFloat(strings.TrimSpace(a), 64)
		lon, err2 := strconv.ParseFloat(strings.TrimSpace(b), 64)
		if err1 != nil || err2 != nil || lat < -90 || lat > 90 || lon < -180 || lon > 180 {
			return q, fmt.Errorf("near: %q is not LAT,LON within -90..90 and -180..180", s)
		}
		q.Lat, q.Lon = lat, lon
		return q, nil
	}
	words := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return r == '-' || r == ' ' || r == '/' })
	var codes []string
	for _, w := range words {
		if w == "border" || w == "frontier" {
			continue
		}
		c, ok := demonyms[w]
		if !ok && len(w) == 3 {
			c, ok = strings.ToUpper(w), true
		}
		if !ok {
			return q, fmt.Errorf("near: %q is neither LAT,LON nor a border such as \"Tajik-Afghan border\" (unknown word %q)", s, w)
		}
		codes = append(codes, c)
	}
	if len(codes) != 2 || codes[0] == codes[1] {
		return q, fmt.Errorf("near: %q must name two countries, as in \"Tajik-Afghan border\"", s)
	}
	q.Border = geo.BorderKey(codes[0], codes[1])
	return q, nil
}

// Sources lists the outlet registry with the analysts' grades.
func (s *Incidents) Sources() []incident.Outlet {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.g.Registry().Outlets()
}

// GradeSource records an analyst's reliability grade (Admiralty A-F) for an
// outlet and saves it.
func (s *Incidents) GradeSource(ctx context.Context, outlet, grade, user string) (incident.Outlet, error) {
	if strings.TrimSpace(user) == "" {
		return incident.Outlet{}, fmt.Errorf("%w: grade: the analyst's name is required", ErrRejected)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.g.GradeSource(outlet, grade, user); err != nil {
		return incident.Outlet{}, decisionErr(err)
	}
	return s.g.Registry().Outlet(outlet), s.save(ctx)
}

// GradeClaim records an analyst's credibility grade (1-6, 0 clears it) for
// one event and saves it.
func (s *Incidents) GradeClaim(ctx context.Context, eventID string, credibility int, user string) error {
	if strings.TrimSpace(user) == "" {
		return fmt.Errorf("%w: credibility: the analyst's name is required", ErrRejected)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.g.GradeClaim(eventID, credibility, user); err != nil {
		return decisionErr(err)
	}
	return s.save(ctx)
}

// ReviewEvent keeps an analyst's verdict on one event (store.ReviewConfirmed,
// ReviewCorrected with ev as corrected, or ReviewRejected): the event is
// stored as reviewed, or removed when rejected, so reprocessing never undoes
// it, and its incident follows: a correction replaces the event in it, a
// rejection takes it out.
func (s *Incidents) ReviewEvent(ctx context.Context, ev borderwatch.Event, status, user string) (incident.Incident, error) {
	if strings.TrimSpace(user) == "" {
		return incident.Incident{}, fmt.Errorf("%w: review: the analyst's name is required", ErrRejected)
	}
	if status != store.ReviewConfirmed && status != store.ReviewCorrected && status != store.ReviewRejected {
		return incident.Incident{}, fmt.Errorf("%w: review: status %q is not confirmed, corrected or rejected", ErrRejected, status)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var err error
	if status == store.ReviewRejected {
		err = s.db.RejectEvent(ctx, ev.ID)
	} else {
		_, err = s.db.ReviewEvent(ctx, ev)
	}
	if err != nil {
		return incident.Incident{}, err
	}
	id, ok := s.g.IncidentOf(ev.ID)
	if !ok {
		return incident.Incident{}, nil // an event the grouper never took (refused, or rejected before)
	}
	var inc incident.Incident
	switch status {
	case store.ReviewCorrected:
		inc, err = s.g.Correct(ev, user)
	case store.ReviewRejected:
		inc, err = s.g.Reject(ev.ID, user)
	default:
		inc, _ = s.g.Get(id)
		return inc, nil
	}
	if err != nil {
		return incident.Incident{}, decisionErr(err)
	}
	return inc, s.save(ctx)
}
