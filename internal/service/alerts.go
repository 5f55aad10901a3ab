package service

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"log/slog"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"borderwatch"
	"borderwatch/internal/geo"
	"borderwatch/internal/incident"
	"borderwatch/internal/notify"
	"borderwatch/internal/store"
	"borderwatch/internal/stream"
	"borderwatch/internal/watch"
)

// Alerts is the watch-and-alert service: it owns the watch engine, the
// webhook sender and the live stream, keeps areas, rules, alerts, queued
// webhooks and the engine's state in the store, and evaluates every
// document that enters the store. Safe for concurrent use.
type Alerts struct {
	db      *store.DB
	inc     *Incidents // nil: no incident rules can fire
	g       *geo.Gazetteer
	log     *slog.Logger
	hub     *stream.Hub
	hooks   *notify.Notifier // nil when offline
	offline bool

	// mu serialises evaluation, rule changes and saving, so alerts are
	// stored, streamed and sent in the order the engine fired them.
	mu     sync.Mutex
	engine *watch.Engine
	areas  []watch.Area
	rules  []store.AlertRule // as stored, in the order added
	// cursor is the last document (store sequence) CatchUp evaluated;
	// seen holds documents evaluated since by Ingest, so CatchUp does not
	// announce them twice.
	cursor int64
	// changes is the change-feed cursor CatchUp followed.
	changes int64
	seen    map[string]bool
	dirty   bool
	saved   time.Time
}

// AlertsOptions configures OpenAlerts.
type AlertsOptions struct {
	// Incidents tells the engine which incident each event belongs to and
	// feeds incident rules; nil leaves them out.
	Incidents *Incidents
	// Gazetteer resolves border bands and places; nil loads one.
	Gazetteer *geo.Gazetteer
	// Notify configures webhook delivery; OnAttempt is the service's own.
	Notify notify.Options
	// Stream configures the live stream; FirstID continues the saved one.
	Stream stream.Options
	// Offline stores alerts and queues their webhooks in the store without
	// sending them: for commands that end at once (reprocess). The next
	// server delivers the queue.
	Offline bool
	Logger  *slog.Logger
}

// RuleInfo is a rule as its owner sees it: the rule (without its secret)
// and how its webhook deliveries are going.
type RuleInfo struct {
	watch.Rule
	CreatedAt time.Time `json:"created_at"`
	// Delivery is the webhook's status; nil for a rule without webhook.
	Delivery *notify.Status `json:"delivery,omitempty"`
	Failing  bool           `json:"failing,omitempty"`
}

// ErrForbidden marks an action on a rule the caller does not own.
var ErrForbidden = errors.New("forbidden")

// savedAlerts is what the watch_state row holds.
type savedAlerts struct {
	Engine       watch.State `json:"engine"`
	Cursor       int64       `json:"cursor"`
	StreamLastID uint64      `json:"stream_last_id"`
	// Changes is the change-feed cursor: events changed after it by
	// reprocessing or review are evaluated again at the next catch-up.
	Changes int64 `json:"changes"`
}

func invalidf(format string, args ...any) error {
	return fmt.Errorf("service: %s: %w", fmt.Sprintf(format, args...), store.ErrInvalid)
}

// OpenAlerts restores the engine from the store (its saved state, topped up
// with the stored alerts, which are written with each alert and so never
// older than the snapshot), subscribes the rules' webhooks, re-queues the
// deliveries not yet made, and evaluates documents stored since the last
// run. A first run starts after the documents already stored: history is
// for `alerts test`, not for a flood of old alerts.
func OpenAlerts(ctx context.Context, db *store.DB, opts AlertsOptions) (*Alerts, error) {
	if db == nil {
		return nil, errors.New("service: no store")
	}
	a := &Alerts{db: db, inc: opts.Incidents, g: opts.Gazetteer, log: opts.Logger, offline: opts.Offline, seen: map[string]bool{}}
	if a.log == nil {
		a.log = slog.Default()
	}
	if a.g == nil {
		g, err := geo.Load()
		if err != nil {
			return nil, fmt.Errorf("service: gazetteer: %w", err)
		}
		a.g = g
	}
	var saved savedAlerts
	data, err := db.LoadWatchState(ctx)
	if err != nil {
		return nil, err
	}
	if data == nil {
		if saved.Cursor, err = db.LastDocumentSeq(ctx); err != nil {
			return nil, err
		}
	} else if err := json.Unmarshal(data, &saved); err != nil {
		return nil, fmt.Errorf("service: saved watch state: %w", err)
	}
	a.cursor = saved.Cursor
	if saved.Changes == 0 { // a first start, or a state saved before the field
		if saved.Changes, err = db.LastChangeSeq(ctx); err != nil {
			return nil, err
		}
	}
	a.changes = saved.Changes
	if saved.Engine.Alerts == nil {
		saved.Engine.Alerts = map[string]*watch.Alert{}
	}
	stored, err := db.Alerts(ctx, store.AlertQuery{All: true})
	if err != nil {
		return nil, err
	}
	for _, s := range stored {
		if cur, ok := saved.Engine.Alerts[s.Key]; ok && cur.Revision >= s.Revision {
			continue
		}
		var al watch.Alert
		if err := json.Unmarshal(s.Alert, &al); err != nil {
			return nil, fmt.Errorf("service: stored alert %s: %w", s.Key, err)
		}
		saved.Engine.Alerts[s.Key] = &al
	}
	sas, err := db.WatchAreas(ctx)
	if err != nil {
		return nil, err
	}
	for _, sa := range sas {
		var ar watch.Area
		if err := json.Unmarshal(sa.Definition, &ar); err != nil {
			return nil, fmt.Errorf("service: stored watch area %s: %w", sa.Name, err)
		}
		a.areas = append(a.areas, ar)
	}
	if a.rules, err = db.AlertRules(ctx); err != nil {
		return nil, err
	}
	rules, err := watchRules(a.rules)
	if err != nil {
		return nil, err
	}
	if a.engine, err = watch.NewEngine(a.g, a.areas, rules, saved.Engine); err != nil {
		return nil, fmt.Errorf("service: %w", err)
	}
	so := opts.Stream
	so.FirstID = max(so.FirstID, saved.StreamLastID)
	a.hub = stream.NewHub(so)
	if !a.offline {
		no := opts.Notify
		no.OnAttempt = a.recordAttempt
		if a.hooks, err = notify.New(no); err != nil {
			return nil, err
		}
		for _, r := range a.rules {
			if r.Webhook == "" {
				continue
			}
			if err := a.hooks.Subscribe(notify.Subscriber{ID: r.ID, URL: r.Webhook, Secret: r.Secret}); err != nil {
				a.log.Warn("alert rule webhook not subscribed", "rule", r.ID, "err", err)
			}
		}
		queued, err := db.Deliveries(ctx)
		if err != nil {
			a.hooks.Close(ctx)
			return nil, err
		}
		for _, d := range queued {
			err := a.hooks.Restore([]notify.Delivery{{ID: d.ID, Subscriber: d.Subscriber, Body: d.Body, Attempts: d.Attempts, LastError: d.LastError}})
			if err != nil {
				a.log.Warn("queued webhook not restored", "rule", d.Subscriber, "id", d.ID, "err", err)
			}
		}
	}
	if a.offline {
		// A command that ends at once leaves catching up to the server,
		// which puts what fires on the stream.
		return a, nil
	}
	if _, err := a.CatchUp(ctx); err != nil {
		a.Close(ctx)
		return nil, err
	}
	return a, nil
}

// Reload picks up the areas and rules another process (the CLI) added,
// removed or switched since they were loaded; the server calls it with
// its catch-up.
func (a *Alerts) Reload(ctx context.Context) error {
	sas, err := a.db.WatchAreas(ctx)
	if err != nil {
		return err
	}
	srs, err := a.db.AlertRules(ctx)
	if err != nil {
		return err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(sas) != len(a.areas) { // areas are only ever added
		var areas []watch.Area
		for _, sa := range sas {
			var ar watch.Area
			if err := json.Unmarshal(sa.Definition, &ar); err != nil {
				return fmt.Errorf("service: stored watch area %s: %w", sa.Name, err)
			}
			areas = append(areas, ar)
		}
		rules, err := watchRules(srs)
		if err != nil {
			return err
		}
		st, err := a.engine.State()
		if err != nil {
			return err
		}
		e, err := watch.NewEngine(a.g, areas, rules, st)
		if err != nil {
			return fmt.Errorf("service: %w", err)
		}
		a.areas, a.engine = areas, e
	} else if !sameRules(srs, a.rules) {
		if err := a.setRules(srs, false); err != nil {
			return err
		}
	}
	if a.hooks != nil {
		have := map[string]bool{}
		for _, r := range srs {
			have[r.ID] = true
			if r.Webhook != "" {
				if err := a.hooks.Subscribe(notify.Subscriber{ID: r.ID, URL: r.Webhook, Secret: r.Secret}); err != nil {
					a.log.Warn("alert rule webhook not subscribed", "rule", r.ID, "err", err)
				}
			}
		}
		for _, r := range a.rules {
			if !have[r.ID] {
				a.hooks.Unsubscribe(r.ID)
			}
		}
	}
	a.rules = srs
	return nil
}

func sameRules(x, y []store.AlertRule) bool {
	if len(x) != len(y) {
		return false
	}
	for i := range x {
		if x[i].ID != y[i].ID || x[i].Enabled != y[i].Enabled || x[i].Shared != y[i].Shared ||
			x[i].Webhook != y[i].Webhook || x[i].Secret != y[i].Secret || string(x[i].Definition) != string(y[i].Definition) {
			return false
		}
	}
	return true
}

// watchRules turns stored rules into the engine's, with their webhooks.
func watchRules(srs []store.AlertRule) ([]watch.Rule, error) {
	out := make([]watch.Rule, 0, len(srs))
	for _, sr := range srs {
		r, err := ruleOf(sr)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

func ruleOf(sr store.AlertRule) (watch.Rule, error) {
	var r watch.Rule
	if err := json.Unmarshal(sr.Definition, &r); err != nil {
		return watch.Rule{}, fmt.Errorf("service: stored alert rule %s: %w", sr.ID, err)
	}
	r.ID, r.Owner, r.Shared, r.Active, r.Webhook, r.Secret = sr.ID, sr.Owner, sr.Shared, sr.Enabled, sr.Webhook, sr.Secret
	return r, nil
}

// recordAttempt keeps the stored queue in step with the sender's: a
// delivery made leaves it, a failure records its count and error.
func (a *Alerts) recordAttempt(d notify.Delivery, err error, parked bool) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var serr error
	if err == nil {
		serr = a.db.DeleteDelivery(ctx, d.Subscriber, d.ID)
	} else {
		serr = a.db.SaveDelivery(ctx, store.Delivery{Subscriber: d.Subscriber, ID: d.ID, Body: d.Body,
			Attempts: d.Attempts, LastError: d.LastError, Parked: parked})
	}
	if serr != nil {
		a.log.Warn("webhook queue not saved", "rule", d.Subscriber, "id", d.ID, "err", serr)
	}
}

// Hub is the live stream (/api/v1/stream): events, incident changes and
// alerts.
func (a *Alerts) Hub() *stream.Hub { return a.hub }

// Close saves the engine's state if it changed, stops the webhook sender
// (what it had not delivered stays queued in the store) and ends the live
// streams. A command that only read or added rules saves nothing, so it
// never writes an old snapshot over a running server's.
func (a *Alerts) Close(ctx context.Context) error {
	var err error
	a.mu.Lock()
	if a.dirty {
		err = a.save(ctx)
	}
	a.mu.Unlock()
	if a.hooks != nil {
		err = errors.Join(err, a.hooks.Close(ctx))
	}
	a.hub.Close()
	return err
}

// Flush saves the engine's state if it changed since the last save.
func (a *Alerts) Flush(ctx context.Context) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if !a.dirty {
		return nil
	}
	return a.save(ctx)
}

// save writes the engine's state; callers hold mu.
func (a *Alerts) save(ctx context.Context) error {
	st, err := a.engine.State()
	if err != nil {
		return err
	}
	data, err := json.Marshal(savedAlerts{Engine: st, Cursor: a.cursor, StreamLastID: a.hub.LastID(), Changes: a.changes})
	if err != nil {
		return fmt.Errorf("service: watch state: %w", err)
	}
	if err := a.db.SaveWatchState(ctx, data); err != nil {
		return err
	}
	a.dirty, a.saved = false, time.Now()
	return nil
}

// Ingest stores a document (through the incident service when there is
// one) and, when it is new, evaluates it at once: its events and incident
// changes go out on the stream and the alerts they fire are stored,
// streamed and sent. It has the poller's Sink signature and the incident
// service's errors (ErrRefused: stored, not grouped, still evaluated). An
// evaluation failure is logged, not returned: the document is stored, and
// the next catch-up evaluates it again.
func (a *Alerts) Ingest(ctx context.Context, doc borderwatch.Document) (bool, error) {
	ingest := a.db.Ingest
	if a.inc != nil {
		ingest = a.inc.Ingest
	}
	created, err := ingest(ctx, doc)
	if !created || (err != nil && !errors.Is(err, ErrRefused)) {
		return created, err
	}
	if _, eerr := a.evaluateDoc(ctx, doc.ID, true, false); eerr != nil {
		a.log.Error("alerts: evaluating a stored document", "doc_id", doc.ID, "err", eerr)
	}
	return created, err
}

// CatchUp evaluates the documents stored since the last catch-up that
// Ingest did not see (stored by another process, such as `borderwatch
// ingest`), in storing order, then the documents whose events changed since
// (reprocessed with new rules, or corrected by a reviewer), and returns the
// alerts they fired. Alert keys are stable: what fired before fires nothing.
func (a *Alerts) CatchUp(ctx context.Context) ([]watch.Alert, error) {
	fired, err := a.catchUpDocuments(ctx)
	if err != nil {
		return fired, err
	}
	more, err := a.catchUpChanges(ctx)
	return append(fired, more...), err
}

// catchUpChanges re-evaluates the documents of events changed after the
// change-feed cursor by anything but extraction at ingest (which Ingest
// and catchUpDocuments evaluate).
func (a *Alerts) catchUpChanges(ctx context.Context) ([]watch.Alert, error) {
	var fired []watch.Alert
	for {
		a.mu.Lock()
		since := a.changes
		a.mu.Unlock()
		chs, next, err := a.db.Changes(ctx, since, 1000)
		if err != nil || len(chs) == 0 {
			return fired, err
		}
		var docs []string
		have := map[string]bool{}
		for _, c := range chs {
			if c.Event != nil && c.Reason != store.ReasonExtract && !have[c.Event.DocID] {
				have[c.Event.DocID] = true
				docs = append(docs, c.Event.DocID)
			}
		}
		for _, id := range docs {
			out, err := a.evaluateDoc(ctx, id, false, true)
			if err != nil {
				return fired, err
			}
			fired = append(fired, out...)
		}
		a.mu.Lock()
		a.changes, a.dirty = max(a.changes, next), true
		a.mu.Unlock()
	}
}

func (a *Alerts) catchUpDocuments(ctx context.Context) ([]watch.Alert, error) {
	var fired []watch.Alert
	for {
		a.mu.Lock()
		after := a.cursor
		a.mu.Unlock()
		refs, err := a.db.DocumentsAfter(ctx, after, 500)
		if err != nil || len(refs) == 0 {
			return fired, err
		}
		for _, ref := range refs {
			out, err := a.evaluateDoc(ctx, ref.ID, true, false)
			if err != nil {
				return fired, err
			}
			fired = append(fired, out...)
			a.mu.Lock()
			delete(a.seen, ref.ID)
			a.cursor = max(a.cursor, ref.N)
			a.dirty = true
			a.mu.Unlock()
		}
	}
}

// Reevaluate runs every stored document through the engine again, after
// `reprocess` re-extracted them. Alert keys are stable, so what fired
// before fires nothing; only events new to the engine can fire. Nothing
// goes on the stream: its readers saw these events.
func (a *Alerts) Reevaluate(ctx context.Context) ([]watch.Alert, error) {
	var fired []watch.Alert
	for after := int64(0); ; {
		refs, err := a.db.DocumentsAfter(ctx, after, 500)
		if err != nil || len(refs) == 0 {
			return fired, err
		}
		for _, ref := range refs {
			out, err := a.evaluateDoc(ctx, ref.ID, false, true)
			if err != nil {
				return fired, err
			}
			fired = append(fired, out...)
			after = ref.N
		}
	}
}

// inputs builds the engine's inputs for one stored document: the report
// with its events (and, when grouped, their incidents), then each incident
// it touched, so incident rules see it too.
func (a *Alerts) inputs(ctx context.Context, id string) (store.StoredDocument, []store.StoredEvent, []incident.Incident, []watch.Input, error) {
	d, err := a.db.Document(ctx, id)
	if err != nil {
		return d, nil, nil, nil, err
	}
	page, err := a.db.Events(ctx, store.EventFilter{DocID: id, Limit: store.MaxLimit, NoCount: true})
	if err != nil {
		return d, nil, nil, nil, err
	}
	doc := &borderwatch.Document{ID: d.ID, URL: d.URL, Title: d.Title, Source: d.Source, Published: d.Published, Text: d.Text, Lang: d.Lang}
	events := make([]borderwatch.Event, len(page.Events))
	ids := make([]string, len(page.Events))
	for i, e := range page.Events {
		events[i], ids[i] = e.Event, e.ID
	}
	var incOf map[string]string
	var incs []incident.Incident
	if a.inc != nil {
		incOf, incs = a.inc.incidentsOf(ids)
	}
	in := []watch.Input{{Doc: doc, Events: events, IncidentOf: incOf}}
	for i := range incs {
		wi := watchIncident{&incs[i]}
		if i == 0 {
			in[0].Incident = wi
			continue
		}
		in = append(in, watch.Input{At: d.Published, Incident: wi})
	}
	return d, page.Events, incs, in, nil
}

// evaluateDoc runs one stored document through the engine and delivers
// what fires. announce puts its events and incidents on the stream; again
// evaluates a document already seen (reprocess).
func (a *Alerts) evaluateDoc(ctx context.Context, id string, announce, again bool) ([]watch.Alert, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.seen[id] && !again {
		return nil, nil
	}
	_, events, incs, inputs, err := a.inputs(ctx, id)
	if err != nil {
		return nil, err
	}
	if !again {
		a.seen[id] = true
	}
	if announce {
		for _, e := range events {
			a.publish(stream.KindEvent, e)
		}
		for _, inc := range incs {
			a.publish(stream.KindIncident, inc)
		}
	}
	var fired []watch.Alert
	for _, in := range inputs {
		fired = append(fired, a.engine.Evaluate(in)...)
	}
	var errs []error
	for _, al := range fired {
		if err := a.deliver(ctx, al); err != nil {
			errs = append(errs, err)
		}
	}
	a.dirty = true
	if len(fired) > 0 || time.Since(a.saved) >= SaveEvery {
		errs = append(errs, a.save(ctx))
	}
	return fired, errors.Join(errs...)
}

func (a *Alerts) publish(kind string, v any) {
	if _, err := a.hub.Publish(kind, v); err != nil && !errors.Is(err, stream.ErrClosed) {
		a.log.Warn("alerts: stream", "kind", kind, "err", err)
	}
}

// deliver stores an alert with its webhook delivery, then streams and
// sends it; callers hold mu. An alert the store already has at this
// revision (a state saved before a crash) is not announced again.
func (a *Alerts) deliver(ctx context.Context, al watch.Alert) error {
	body, err := json.Marshal(al)
	if err != nil {
		return fmt.Errorf("service: alert %s: %w", al.Key, err)
	}
	var rule store.AlertRule
	for _, r := range a.rules {
		if r.ID == al.RuleID {
			rule = r
		}
	}
	key := deliveryKey(al)
	var ds []store.Delivery
	if rule.Webhook != "" {
		ds = append(ds, store.Delivery{Subscriber: rule.ID, ID: key, Body: body})
	}
	changed, err := a.db.SaveAlert(ctx, store.StoredAlert{Key: al.Key, RuleID: al.RuleID, Owner: al.Owner, Revision: al.Revision,
		FiredAt: al.FiredAt, UpdatedAt: al.UpdatedAt, Alert: body}, ds...)
	if err != nil || !changed {
		return err
	}
	// An alert of a private rule is its owner's business only.
	audience := al.Owner
	if rule.Shared {
		audience = ""
	}
	if _, err := a.hub.PublishFor(stream.KindAlert, audience, al); err != nil && !errors.Is(err, stream.ErrClosed) {
		a.log.Warn("alerts: stream", "kind", stream.KindAlert, "err", err)
	}
	if a.hooks != nil && rule.Webhook != "" {
		if err := a.hooks.Restore([]notify.Delivery{{ID: key, Subscriber: rule.ID, Body: body}}); err != nil {
			a.log.Warn("alerts: webhook not queued (it stays in the store)", "rule", rule.ID, "key", key, "err", err)
		}
	}
	return nil
}

// deliveryKey is a webhook's idempotency key: one per alert revision, so a
// receiver processes each update once.
func deliveryKey(al watch.Alert) string { return al.Key + "#" + strconv.Itoa(al.Revision) }

// incidentsOf returns the incident of each event that has one, and those
// incidents (merged ones followed to where they went).
func (s *Incidents) incidentsOf(eventIDs []string) (map[string]string, []incident.Incident) {
	s.mu.Lock()
	defer s.mu.Unlock()
	of := map[string]string{}
	var incs []incident.Incident
	have := map[string]bool{}
	for _, ev := range eventIDs {
		id, ok := s.g.IncidentOf(ev)
		if !ok {
			continue
		}
		inc, ok := s.g.Get(id)
		for hops := 0; ok && inc.MergedInto != "" && hops < 16; hops++ {
			inc, ok = s.g.Get(inc.MergedInto)
		}
		if !ok {
			continue
		}
		of[ev] = inc.ID
		if !have[inc.ID] {
			have[inc.ID] = true
			incs = append(incs, inc)
		}
	}
	return of, incs
}

// watchIncident shows an incident to the engine.
type watchIncident struct{ inc *incident.Incident }

func (w watchIncident) IncidentID() string      { return w.inc.ID }
func (w watchIncident) IndependentSources() int { return w.inc.Independent }

func (w watchIncident) IncidentEvents() []borderwatch.Event {
	out := make([]borderwatch.Event, len(w.inc.Members))
	for i, m := range w.inc.Members {
		out[i] = borderwatch.Event{ID: m.EventID, DocID: m.DocID, Event: m.Event, Mode: m.Mode, Context: m.Context,
			Actor: m.Actor, Recipient: m.Recipient, EventLoc: m.Place, Size: m.Size, Modality: m.Modality,
			Attribution: m.Attribution, Trigger: m.Trigger, TextInfo: borderwatch.TextInfo{Text: m.Evidence}}
		if m.Date != "" {
			out[i].Date = &m.Date
		}
	}
	return out
}

func (w watchIncident) Disagreements() map[string]int {
	out := map[string]int{}
	for _, d := range w.inc.Disagreements {
		if d.Disagree {
			out[d.Field] = len(d.Values)
		}
	}
	return out
}

// Areas lists the watch areas in the order they were added.
func (a *Alerts) Areas(ctx context.Context) ([]watch.Area, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]watch.Area(nil), a.areas...), nil
}

// AddArea checks and stores a new watch area (a radius around a named
// place keeps the point it resolves to now).
func (a *Alerts) AddArea(ctx context.Context, owner string, ar watch.Area) error {
	ar.Name = strings.TrimSpace(ar.Name)
	if err := ar.Prepare(a.g); err != nil {
		return invalidf("%v", err)
	}
	def, err := json.Marshal(ar)
	if err != nil {
		return fmt.Errorf("service: area %s: %w", ar.Name, err)
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, x := range a.areas {
		if x.Name == ar.Name {
			return fmt.Errorf("service: watch area %q already exists: %w", ar.Name, store.ErrConflict)
		}
	}
	areas := append(append([]watch.Area(nil), a.areas...), ar)
	st, err := a.engine.State()
	if err != nil {
		return err
	}
	rules, err := watchRules(a.rules)
	if err != nil {
		return err
	}
	e, err := watch.NewEngine(a.g, areas, rules, st)
	if err != nil {
		return invalidf("%v", err)
	}
	if err := a.db.AddWatchArea(ctx, store.WatchArea{Name: ar.Name, Owner: owner, Definition: def}); err != nil {
		return err
	}
	a.areas, a.engine = areas, e
	return nil
}

// Rules lists the rules user may see (their own and shared ones; an admin
// sees every rule), with their webhooks' status.
func (a *Alerts) Rules(ctx context.Context, user string, admin bool) ([]RuleInfo, error) {
	a.mu.Lock()
	srs := append([]store.AlertRule(nil), a.rules...)
	a.mu.Unlock()
	status, err := a.deliveryStatus(ctx)
	if err != nil {
		return nil, err
	}
	var out []RuleInfo
	for _, sr := range srs {
		r, err := ruleOf(sr)
		if err != nil {
			return nil, err
		}
		if !admin && !r.VisibleTo(user) {
			continue
		}
		out = append(out, infoOf(r, sr.CreatedAt, status))
	}
	return out, nil
}

// Rule returns one rule user may see.
func (a *Alerts) Rule(ctx context.Context, user string, admin bool, id string) (RuleInfo, error) {
	rs, err := a.Rules(ctx, user, admin)
	if err != nil {
		return RuleInfo{}, err
	}
	for _, r := range rs {
		if r.ID == id {
			return r, nil
		}
	}
	return RuleInfo{}, fmt.Errorf("service: alert rule %q: %w", id, store.ErrNotFound)
}

func infoOf(r watch.Rule, created time.Time, status map[string]notify.Status) RuleInfo {
	info := RuleInfo{Rule: r, CreatedAt: created}
	info.Secret = ""
	if r.Webhook != "" {
		st, ok := status[r.ID]
		if !ok {
			st = notify.Status{Subscriber: r.ID, URL: r.Webhook}
		}
		info.Delivery, info.Failing = &st, st.Failing()
	}
	return info
}

// deliveryStatus is the sender's status per rule or, offline, what the
// stored queue says.
func (a *Alerts) deliveryStatus(ctx context.Context) (map[string]notify.Status, error) {
	out := map[string]notify.Status{}
	if a.hooks != nil {
		for _, st := range a.hooks.Status() {
			out[st.Subscriber] = st
		}
		return out, nil
	}
	ds, err := a.db.Deliveries(ctx)
	if err != nil {
		return nil, err
	}
	for _, d := range ds {
		st := out[d.Subscriber]
		st.Subscriber = d.Subscriber
		st.Pending++
		if st.Pending == 1 {
			st.Failures, st.LastError, st.Parked = d.Attempts, d.LastError, d.Parked
		}
		out[d.Subscriber] = st
	}
	return out, nil
}

func newRuleID() string {
	var b [6]byte
	rand.Read(b[:])
	return "rule-" + hex.EncodeToString(b[:])
}

// AddRule checks and stores a rule of owner's, with the webhook its alerts
// go to (empty: none; a webhook needs a secret to sign with). An empty ID
// is made up. Sharing with every user is the caller's decision to check
// (admins only).
func (a *Alerts) AddRule(ctx context.Context, owner string, r watch.Rule, webhook, secret string) (RuleInfo, error) {
	if strings.TrimSpace(owner) == "" {
		return RuleInfo{}, invalidf("a rule needs an owner")
	}
	r.ID = strings.TrimSpace(r.ID)
	if r.ID == "" {
		r.ID = newRuleID()
	}
	r.Owner, r.Webhook, r.Secret = owner, strings.TrimSpace(webhook), secret
	if r.Webhook != "" {
		u, err := url.Parse(r.Webhook)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
			return RuleInfo{}, invalidf("webhook %q must be an absolute http(s) URL without credentials", r.Webhook)
		}
		if r.Secret == "" {
			return RuleInfo{}, invalidf("a webhook needs a secret to sign its deliveries with")
		}
	} else if r.Secret != "" {
		return RuleInfo{}, invalidf("a secret without a webhook signs nothing")
	}
	r.Normalize()
	def := r
	def.ID, def.Owner, def.Shared, def.Active, def.Webhook, def.Secret = "", "", false, false, "", ""
	body, err := json.Marshal(def)
	if err != nil {
		return RuleInfo{}, fmt.Errorf("service: rule %s: %w", r.ID, err)
	}
	sr := store.AlertRule{ID: r.ID, Owner: owner, Shared: r.Shared, Enabled: r.Active, Definition: body, Webhook: r.Webhook, Secret: r.Secret}
	a.mu.Lock()
	defer a.mu.Unlock()
	next := append(append([]store.AlertRule(nil), a.rules...), sr)
	if err := a.setRules(next, true); err != nil {
		return RuleInfo{}, err
	}
	if err := a.db.AddAlertRule(ctx, sr); err != nil {
		a.setRules(a.rules, false) // back to the rules the store has
		return RuleInfo{}, err
	}
	a.rules = next
	sr.CreatedAt = time.Now()
	if a.hooks != nil && r.Webhook != "" {
		if err := a.hooks.Subscribe(notify.Subscriber{ID: r.ID, URL: r.Webhook, Secret: r.Secret}); err != nil {
			a.log.Warn("alert rule webhook not subscribed", "rule", r.ID, "err", err)
		}
	}
	status := map[string]notify.Status{}
	if a.hooks != nil {
		for _, st := range a.hooks.Status() {
			status[st.Subscriber] = st
		}
	}
	return infoOf(r, sr.CreatedAt, status), nil
}

// setRules gives the engine a rule set; callers hold mu. A rule the engine
// refuses is the caller's mistake when invalid is set.
func (a *Alerts) setRules(srs []store.AlertRule, invalid bool) error {
	rules, err := watchRules(srs)
	if err != nil {
		return err
	}
	if err := a.engine.SetRules(rules); err != nil {
		if invalid {
			return invalidf("%v", err)
		}
		return err
	}
	return nil
}

// owned finds a rule user may change; callers hold mu.
func (a *Alerts) owned(id, user string, admin bool) (int, error) {
	for i, sr := range a.rules {
		if sr.ID != id {
			continue
		}
		if admin || sr.Owner == user {
			return i, nil
		}
		if sr.Shared {
			return -1, fmt.Errorf("service: alert rule %q belongs to %s: %w", id, sr.Owner, ErrForbidden)
		}
		break
	}
	return -1, fmt.Errorf("service: alert rule %q: %w", id, store.ErrNotFound)
}

// DeleteRule removes a rule of user's (any rule for an admin) and the
// webhooks still queued for it; its alerts stay on record.
func (a *Alerts) DeleteRule(ctx context.Context, user string, admin bool, id string) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	i, err := a.owned(id, user, admin)
	if err != nil {
		return err
	}
	if err := a.db.DeleteAlertRule(ctx, id); err != nil {
		return err
	}
	next := append(append([]store.AlertRule(nil), a.rules[:i]...), a.rules[i+1:]...)
	if err := a.setRules(next, false); err != nil {
		return err
	}
	a.rules = next
	if a.hooks != nil {
		a.hooks.Unsubscribe(id)
	}
	return nil
}

// SetEnabled switches a rule of user's on or off.
func (a *Alerts) SetEnabled(ctx context.Context, user string, admin bool, id string, enabled bool) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	i, err := a.owned(id, user, admin)
	if err != nil {
		return err
	}
	if err := a.db.SetAlertRuleEnabled(ctx, id, enabled); err != nil {
		return err
	}
	next := append([]store.AlertRule(nil), a.rules...)
	next[i].Enabled = enabled
	if err := a.setRules(next, false); err != nil {
		return err
	}
	a.rules = next
	return nil
}

// Alerts lists the latest alerts of user's rules and of shared rules,
// newest first (limit 0: all).
func (a *Alerts) Alerts(ctx context.Context, user string, limit int) ([]watch.Alert, error) {
	stored, err := a.db.Alerts(ctx, store.AlertQuery{User: user, Limit: limit})
	if err != nil {
		return nil, err
	}
	out := make([]watch.Alert, 0, len(stored))
	for _, s := range stored {
		var al watch.Alert
		if err := json.Unmarshal(s.Alert, &al); err != nil {
			return nil, fmt.Errorf("service: stored alert %s: %w", s.Key, err)
		}
		out = append(out, al)
	}
	return out, nil
}

// Test replays a rule, switched on, over the stored documents published
// since then (all of them for a zero time), in the order they were stored,
// and returns what it would have fired. It stores and sends nothing.
// Incident rules see each incident as it stands now.
func (a *Alerts) Test(ctx context.Context, ruleID string, since time.Time) ([]watch.Alert, error) {
	a.mu.Lock()
	var sr *store.AlertRule
	for i := range a.rules {
		if a.rules[i].ID == ruleID {
			sr = &a.rules[i]
		}
	}
	areas := append([]watch.Area(nil), a.areas...)
	a.mu.Unlock()
	if sr == nil {
		return nil, fmt.Errorf("service: alert rule %q: %w", ruleID, store.ErrNotFound)
	}
	r, err := ruleOf(*sr)
	if err != nil {
		return nil, err
	}
	var iterErr error
	history := func(yield func(watch.Input) bool) {
		for after := int64(0); ; {
			refs, err := a.db.DocumentsAfter(ctx, after, 500)
			if err != nil || len(refs) == 0 {
				iterErr = err
				return
			}
			for _, ref := range refs {
				after = ref.N
				d, _, _, ins, err := a.inputs(ctx, ref.ID)
				if err != nil {
					iterErr = err
					return
				}
				if !since.IsZero() && d.Published.Before(since) {
					continue
				}
				for _, in := range ins {
					if !yield(in) {
						return
					}
				}
			}
		}
	}
	out, err := watch.Replay(a.g, areas, r, iter.Seq[watch.Input](history))
	if err != nil {
		return nil, invalidf("%v", err)
	}
	return out, iterErr
}
