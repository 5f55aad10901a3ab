package store

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"borderwatch"
)

// Reasons recorded with every event version.
const (
	ReasonExtract   = "extract"
	ReasonReprocess = "reprocess"
	ReasonReview    = "review"
	ReasonDelete    = "delete"
)

// StoredEvent is an event's current version with its bookkeeping and the
// document it came from.
type StoredEvent struct {
	borderwatch.Event
	Version   int       `json:"version"`
	Reason    string    `json:"reason"`
	UpdatedAt time.Time `json:"updated_at"`
	UpdatedBy string    `json:"updated_by"`
	Source    string    `json:"source,omitempty"`
	URL       string    `json:"url,omitempty"`
}

// EventVersion is one entry of an event's history; a tombstone has Deleted
// set and no Event.
type EventVersion struct {
	Version   int                `json:"version"`
	Deleted   bool               `json:"deleted"`
	Event     *borderwatch.Event `json:"event,omitempty"`
	Reason    string             `json:"reason"`
	CreatedAt time.Time          `json:"created_at"`
	CreatedBy string             `json:"created_by"`
}

// EventFilter selects events. Zero fields do not filter. Dates are
// YYYY-MM-DD and compare with the event's start date.
type EventFilter struct {
	Since, Until     string
	BBox             *[4]float64 // west, south, east, north
	Types            []string
	ActorCountry     string
	RecipientCountry string
	Modality         []string
	Query            string
	MaxBorderKm      *float64
	DocID            string
	// WithLocation keeps only events with coordinates (map layers).
	WithLocation bool
	Limit        int // 0 means DefaultLimit
	Offset       int
	// NoCount skips the total count when the caller does not need it.
	NoCount bool
}

// Page sizes.
const (
	DefaultLimit = 100
	MaxLimit     = 10000
)

var (
	dateRE    = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
	countryRE = regexp.MustCompile(`^[A-Z]{3}$`)
)

// Validate reports the first problem with f, naming the field.
func (f *EventFilter) Validate() error {
	for _, d := range []struct{ name, v string }{{"since", f.Since}, {"until", f.Until}} {
		if d.v == "" {
			continue
		}
		if !dateRE.MatchString(d.v) {
			return fmt.Errorf("store: %s: %q is not a YYYY-MM-DD date: %w", d.name, d.v, ErrInvalid)
		}
		if _, err := time.Parse("2006-01-02", d.v); err != nil {
			return fmt.Errorf("store: %s: %q is not a valid date: %w", d.name, d.v, ErrInvalid)
		}
	}
	if b := f.BBox; b != nil {
		if b[0] < -180 || b[2] > 180 || b[1] < -90 || b[3] > 90 || b[0] > b[2] || b[1] > b[3] {
			return fmt.Errorf("store: bbox: want west,south,east,north within -180..180 and -90..90, west <= east, south <= north: %w", ErrInvalid)
		}
	}
	for _, t := range f.Types {
		if borderwatch.Quad(t) == 0 {
			return fmt.Errorf("store: types: %q is not a PLOVER event type: %w", t, ErrInvalid)
		}
	}
	for _, m := range f.Modality {
		if !validModality(m) {
			return fmt.Errorf("store: modality: %q is not one of asserted, future, conditional, speculative, negated, historical: %w", m, ErrInvalid)
		}
	}
	for _, c := range []struct{ name, v string }{{"actor_country", f.ActorCountry}, {"recipient_country", f.RecipientCountry}} {
		if c.v != "" && !countryRE.MatchString(c.v) {
			return fmt.Errorf("store: %s: %q is not an upper-case three-letter code: %w", c.name, c.v, ErrInvalid)
		}
	}
	if f.Query != "" && len(queryWords(f.Query)) == 0 {
		return fmt.Errorf("store: q: %q has no words to search for: %w", f.Query, ErrInvalid)
	}
	if f.MaxBorderKm != nil && *f.MaxBorderKm < 0 {
		return fmt.Errorf("store: border_km: must not be negative: %w", ErrInvalid)
	}
	if f.Limit < 0 || f.Limit > MaxLimit {
		return fmt.Errorf("store: limit: %d is outside 1..%d: %w", f.Limit, MaxLimit, ErrInvalid)
	}
	if f.Offset < 0 {
		return fmt.Errorf("store: offset: must not be negative: %w", ErrInvalid)
	}
	return nil
}

func validModality(m string) bool {
	switch m {
	case borderwatch.Asserted, borderwatch.Future, borderwatch.Conditional, borderwatch.Speculative, borderwatch.Negated, borderwatch.Historical:
		return true
	}
	return false
}

// where builds the WHERE clause and its arguments for f.
func (db *DB) eventWhere(f *EventFilter) (string, []any) {
	var conds []string
	var args []any
	if f.Since != "" {
		conds = append(conds, "e.date >= ?")
		args = append(args, f.Since)
	}
	if f.Until != "" {
		conds = append(conds, "e.date <= ?")
		args = append(args, f.Until)
	}
	if b := f.BBox; b != nil {
		conds = append(conds, "e.lon >= ? AND e.lon <= ? AND e.lat >= ? AND e.lat <= ?")
		args = append(args, b[0], b[2], b[1], b[3])
	}
	if f.WithLocation {
		conds = append(conds, "e.lat IS NOT NULL AND e.lon IS NOT NULL")
	}
	if len(f.Types) > 0 {
		conds = append(conds, "e.event IN ("+placeholders(len(f.Types))+")")
		for _, t := range f.Types {
			args = append(args, t)
		}
	}
	if len(f.Modality) > 0 {
		conds = append(conds, "e.modality IN ("+placeholders(len(f.Modality))+")")
		for _, m := range f.Modality {
			args = append(args, m)
		}
	}
	if f.ActorCountry != "" {
		conds = append(conds, "e.actor_countries LIKE ?")
		args = append(args, "% "+f.ActorCountry+" %")
	}
	if f.RecipientCountry != "" {
		conds = append(conds, "e.recipient_countries LIKE ?")
		args = append(args, "% "+f.RecipientCountry+" %")
	}
	if f.MaxBorderKm != nil {
		conds = append(conds, "e.border_km <= ?")
		args = append(args, *f.MaxBorderKm)
	}
	if f.DocID != "" {
		conds = append(conds, "e.doc_id = ?")
		args = append(args, f.DocID)
	}
	if f.Query != "" {
		conds = append(conds, db.d.eventMatch)
		args = append(args, db.d.ftsArg(f.Query))
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?,", n), ",")
}

// EventPage is one page of events, newest first, with the total matching.
type EventPage struct {
	Total  int           `json:"total"`
	Events []StoredEvent `json:"events"`
}

const eventColumns = `e.record, e.version, e.reason, e.updated_at, e.updated_by, COALESCE(d.source, ''), COALESCE(d.url, '')`

// Events returns the events matching f, newest event date first.
func (db *DB) Events(ctx context.Context, f EventFilter) (EventPage, error) {
	if err := f.Validate(); err != nil {
		return EventPage{}, err
	}
	if f.Limit == 0 {
		f.Limit = DefaultLimit
	}
	where, args := db.eventWhere(&f)
	page := EventPage{Events: []StoredEvent{}}
	if !f.NoCount {
		if err := db.queryRow(ctx, `SELECT COUNT(*) FROM events e`+where, args...).Scan(&page.Total); err != nil {
			return EventPage{}, fmt.Errorf("store: count events: %w", err)
		}
	}
	// Choose the page's rows first, from the indexes alone where the filter
	// allows it, then read only those records.
	rows, err := db.query(ctx, `SELECT e.n FROM events e`+where+` ORDER BY e.date IS NULL, e.date DESC, e.id LIMIT ? OFFSET ?`, append(args, f.Limit, f.Offset)...)
	if err != nil {
		return EventPage{}, fmt.Errorf("store: events: %w", err)
	}
	var ns []any
	for rows.Next() {
		var n int64
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return EventPage{}, fmt.Errorf("store: events: %w", err)
		}
		ns = append(ns, n)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return EventPage{}, fmt.Errorf("store: events: %w", err)
	}
	if len(ns) > 0 {
		byN := make(map[int64]StoredEvent, len(ns))
		for start := 0; start < len(ns); start += 500 {
			chunk := ns[start:min(start+500, len(ns))]
			rows, err := db.query(ctx, `SELECT e.n, `+eventColumns+` FROM events e LEFT JOIN documents d ON d.id = e.doc_id WHERE e.n IN (`+placeholders(len(chunk))+`)`, chunk...)
			if err != nil {
				return EventPage{}, fmt.Errorf("store: events: %w", err)
			}
			for rows.Next() {
				var n int64
				ev, err := scanEventWith(rows, &n)
				if err != nil {
					rows.Close()
					return EventPage{}, err
				}
				byN[n] = ev
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return EventPage{}, fmt.Errorf("store: events: %w", err)
			}
		}
		for _, n := range ns {
			if ev, ok := byN[n.(int64)]; ok { // a row deleted in between is left out
				page.Events = append(page.Events, ev)
			}
		}
	}
	if f.NoCount {
		page.Total = -1
	}
	return page, nil
}

// MapPoint is what a map layer draws of an event: read from the indexes
// alone, so ten thousand of them come back quickly.
type MapPoint struct {
	ID    string  `json:"id"`
	Event string  `json:"event"`
	Date  string  `json:"date"`
	Lat   float64 `json:"lat"`
	Lon   float64 `json:"lon"`
}

// MapPoints returns up to f.Limit located events matching f, newest first,
// and the total matching unless f.NoCount.
func (db *DB) MapPoints(ctx context.Context, f EventFilter) ([]MapPoint, int, error) {
	f.WithLocation = true
	if err := f.Validate(); err != nil {
		return nil, 0, err
	}
	if f.Limit == 0 {
		f.Limit = MaxLimit
	}
	where, args := db.eventWhere(&f)
	total := -1
	if !f.NoCount {
		if err := db.queryRow(ctx, `SELECT COUNT(*) FROM events e`+where, args...).Scan(&total); err != nil {
			return nil, 0, fmt.Errorf("store: count events: %w", err)
		}
	}
	// No tie-break: ordering by the date alone lets the date index deliver
	// rows newest first and stop at the limit instead of sorting them all.
	rows, err := db.query(ctx, `SELECT e.id, e.event, COALESCE(e.date, ''), e.lat, e.lon FROM events e`+where+
		` ORDER BY e.date DESC NULLS LAST LIMIT ? OFFSET ?`, append(args, f.Limit, f.Offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("store: map points: %w", err)
	}
	defer rows.Close()
	out := make([]MapPoint, 0, 256)
	for rows.Next() {
		var p MapPoint
		if err := rows.Scan(&p.ID, &p.Event, &p.Date, &p.Lat, &p.Lon); err != nil {
			return nil, 0, fmt.Errorf("store: map points: %w", err)
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("store: map points: %w", err)
	}
	return out, total, nil
}

// EachEvent calls fn for every event matching f (Limit and Offset ignored),
// oldest first, streaming rather than loading them all; for exports.
func (db *DB) EachEvent(ctx context.Context, f EventFilter, fn func(StoredEvent) error) error {
	f.Limit, f.Offset = 0, 0
	if err := f.Validate(); err != nil {
		return err
	}
	where, args := db.eventWhere(&f)
	rows, err := db.query(ctx, `SELECT `+eventColumns+` FROM events e LEFT JOIN documents d ON d.id = e.doc_id`+where+` ORDER BY e.date, e.id`, args...)
	if err != nil {
		return fmt.Errorf("store: events: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		ev, err := scanEvent(rows)
		if err != nil {
			return err
		}
		if err := fn(ev); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: events: %w", err)
	}
	return nil
}

func scanEvent(rows interface{ Scan(...any) error }) (StoredEvent, error) {
	return scanEventWith(rows)
}

// scanEventWith scans extra leading columns into lead, then an event.
func scanEventWith(rows interface{ Scan(...any) error }, lead ...any) (StoredEvent, error) {
	var (
		rec     string
		ev      StoredEvent
		updated int64
	)
	if err := rows.Scan(append(lead, &rec, &ev.Version, &ev.Reason, &updated, &ev.UpdatedBy, &ev.Source, &ev.URL)...); err != nil {
		return StoredEvent{}, fmt.Errorf("store: scan event: %w", err)
	}
	if err := json.Unmarshal([]byte(rec), &ev.Event); err != nil {
		return StoredEvent{}, fmt.Errorf("store: event record: %w", err)
	}
	ev.UpdatedAt = millisTime(updated)
	return ev, nil
}

// Event returns the current version of the event id.
func (db *DB) Event(ctx context.Context, id string) (StoredEvent, error) {
	row := db.queryRow(ctx, `SELECT `+eventColumns+` FROM events e LEFT JOIN documents d ON d.id = e.doc_id WHERE e.id = ?`, id)
	ev, err := scanEvent(row)
	if errors.Is(err, sql.ErrNoRows) {
		return StoredEvent{}, fmt.Errorf("store: event %q: %w", id, ErrNotFound)
	}
	return ev, err
}

// EventVersions returns every version of the event id, oldest first,
// tombstones included.
func (db *DB) EventVersions(ctx context.Context, id string) ([]EventVersion, error) {
	rows, err := db.query(ctx, `SELECT version, deleted, record, reason, created_at, created_by FROM event_versions WHERE event_id = ? ORDER BY version`, id)
	if err != nil {
		return nil, fmt.Errorf("store: event versions: %w", err)
	}
	defer rows.Close()
	var out []EventVersion
	for rows.Next() {
		var (
			v       EventVersion
			deleted int
			rec     sql.NullString
			at      int64
		)
		if err := rows.Scan(&v.Version, &deleted, &rec, &v.Reason, &at, &v.CreatedBy); err != nil {
			return nil, fmt.Errorf("store: event versions: %w", err)
		}
		v.Deleted = deleted == 1
		v.CreatedAt = millisTime(at)
		if rec.Valid {
			v.Event = new(borderwatch.Event)
			if err := json.Unmarshal([]byte(rec.String), v.Event); err != nil {
				return nil, fmt.Errorf("store: event record: %w", err)
			}
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: event versions: %w", err)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("store: event %q: %w", id, ErrNotFound)
	}
	return out, nil
}

// ReviewEvent stores ev as a reviewed correction of the existing event with
// the same id: a new version, attributed to the context's user. Reprocessing
// leaves reviewed events alone.
func (db *DB) ReviewEvent(ctx context.Context, ev borderwatch.Event) (int, error) {
	if err := validateEvent(ev); err != nil {
		return 0, err
	}
	var version int
	err := db.inTx(ctx, func(t *tx) error {
		cur, err := t.currentEvent(ev.ID)
		if err != nil {
			return err
		}
		if cur == nil {
			return fmt.Errorf("store: event %q: %w", ev.ID, ErrNotFound)
		}
		if cur.docID != ev.DocID {
			return fmt.Errorf("store: event %q belongs to document %q, not %q: %w", ev.ID, cur.docID, ev.DocID, ErrInvalid)
		}
		_, version, err = t.putEvent(ev, ReasonReview, cur, true)
		return err
	})
	if err != nil {
		return 0, wrapErr("review event", err)
	}
	return version, nil
}

// DeleteEvent removes the event id, leaving a tombstone version and a change.
// Reprocessing does not bring it back.
func (db *DB) DeleteEvent(ctx context.Context, id string) error {
	return db.removeEvent(ctx, id, ReasonDelete)
}

// RejectEvent removes an event a reviewer found wrongly extracted, as
// DeleteEvent does, with the tombstone saying it was a review.
func (db *DB) RejectEvent(ctx context.Context, id string) error {
	return db.removeEvent(ctx, id, ReasonReview)
}

func (db *DB) removeEvent(ctx context.Context, id, reason string) error {
	err := db.inTx(ctx, func(t *tx) error {
		cur, err := t.currentEvent(id)
		if err != nil {
			return err
		}
		if cur == nil {
			return fmt.Errorf("store: event %q: %w", id, ErrNotFound)
		}
		return t.deleteEvent(id, cur.version, reason)
	})
	return wrapErr(reason+" event", err)
}

// removedByPerson reports whether the event's last version is a tombstone
// a person left (a review's rejection or a delete), not reprocessing.
func (t *tx) removedByPerson(id string) (bool, error) {
	var deleted bool
	var reason string
	err := t.queryRow(`SELECT deleted, reason FROM event_versions WHERE event_id = ? ORDER BY version DESC LIMIT 1`, id).Scan(&deleted, &reason)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("event %s history: %w", id, err)
	}
	return deleted && (reason == ReasonReview || reason == ReasonDelete), nil
}

// wrapErr prefixes err unless it already carries the store prefix.
func wrapErr(what string, err error) error {
	if err == nil || strings.HasPrefix(err.Error(), "store: ") {
		return err
	}
	return fmt.Errorf("store: %s: %w", what, err)
}

func validateEvent(ev borderwatch.Event) error {
	switch {
	case ev.ID == "":
		return fmt.Errorf("store: event: id is empty: %w", ErrInvalid)
	case ev.DocID == "":
		return fmt.Errorf("store: event %q: doc_id is empty: %w", ev.ID, ErrInvalid)
	case borderwatch.Quad(ev.Event) == 0:
		return fmt.Errorf("store: event %q: %q is not a PLOVER event type: %w", ev.ID, ev.Event, ErrInvalid)
	case !validModality(ev.Modality):
		return fmt.Errorf("store: event %q: modality %q is not known: %w", ev.ID, ev.Modality, ErrInvalid)
	case ev.Date != nil && !dateRE.MatchString(*ev.Date):
		return fmt.Errorf("store: event %q: date %q is not YYYY-MM-DD: %w", ev.ID, *ev.Date, ErrInvalid)
	case ev.Confidence < 0 || ev.Confidence > 1:
		return fmt.Errorf("store: event %q: confidence %v is outside 0..1: %w", ev.ID, ev.Confidence, ErrInvalid)
	}
	return nil
}

// currentRow is what a write needs to know of an event's live version.
type currentRow struct {
	docID   string
	version int
	reason  string
	record  string
}

// currentEvent returns the live version of id, or nil when there is none.
func (t *tx) currentEvent(id string) (*currentRow, error) {
	var c currentRow
	err := t.queryRow(`SELECT doc_id, version, reason, record FROM events WHERE id = ?`+t.d.forUpdate, id).Scan(&c.docID, &c.version, &c.reason, &c.record)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &c, nil
}

// lastVersion returns the highest version id ever had (tombstones count),
// so a deleted event that comes back continues its history.
func (t *tx) lastVersion(id string) (int, error) {
	var v sql.NullInt64
	if err := t.queryRow(`SELECT MAX(version) FROM event_versions WHERE event_id = ?`, id).Scan(&v); err != nil {
		return 0, err
	}
	return int(v.Int64), nil
}

// sameRecord reports whether two records differ only in the coder field, which
// changes with every rule edit and is not a change to the event itself.
func sameRecord(a string, b []byte) bool {
	var x, y borderwatch.Event
	if json.Unmarshal([]byte(a), &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	x.Coder, y.Coder = "", ""
	ja, _ := json.Marshal(x)
	jb, _ := json.Marshal(y)
	return bytes.Equal(ja, jb)
}

// putEvent writes ev as the live version. cur is its live row or nil. It
// returns changed=false (and writes nothing) when the record is unchanged
// unless force is set.
func (t *tx) putEvent(ev borderwatch.Event, reason string, cur *currentRow, force bool) (changed bool, version int, err error) {
	rec, err := json.Marshal(ev)
	if err != nil {
		return false, 0, err
	}
	if cur != nil && !force && sameRecord(cur.record, rec) {
		return false, cur.version, nil
	}
	version = 1
	if cur != nil {
		version = cur.version + 1
	} else {
		last, err := t.lastVersion(ev.ID)
		if err != nil {
			return false, 0, err
		}
		version = last + 1
	}
	var (
		lat, lon, borderKm *float64
		border             *string
	)
	if l := ev.EventLoc; l != nil {
		lat, lon, border, borderKm = l.Lat, l.Lon, l.Border, l.BorderKm
	}
	args := []any{ev.ID, ev.DocID, ev.Event, ev.Date, ev.EndDate, lat, lon, border, borderKm, ev.Modality,
		countryList(ev.Actor), countryList(ev.Recipient), ev.Confidence, searchText(ev), string(rec), version, reason, t.now, t.user}
	if cur == nil {
		_, err = t.exec(`INSERT INTO events(id, doc_id, event, date, enddate, lat, lon, border, border_km, modality,
			actor_countries, recipient_countries, confidence, search_text, record, version, reason, updated_at, updated_by)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, args...)
	} else {
		_, err = t.exec(`UPDATE events SET doc_id = ?, event = ?, date = ?, enddate = ?, lat = ?, lon = ?, border = ?, border_km = ?,
			modality = ?, actor_countries = ?, recipient_countries = ?, confidence = ?, search_text = ?, record = ?, version = ?,
			reason = ?, updated_at = ?, updated_by = ? WHERE id = ?`, append(args[1:], args[0])...)
	}
	if err != nil {
		return false, 0, fmt.Errorf("event %s: %w", ev.ID, err)
	}
	if _, err := t.exec(`INSERT INTO event_versions(event_id, version, deleted, record, reason, created_at, created_by) VALUES (?, ?, 0, ?, ?, ?, ?)`,
		ev.ID, version, string(rec), reason, t.now, t.user); err != nil {
		return false, 0, fmt.Errorf("event %s version %d: %w", ev.ID, version, err)
	}
	t.pending = append(t.pending, pendingChange{eventID: ev.ID, version: version})
	return true, version, nil
}

// deleteEvent removes the live row and records a tombstone version.
func (t *tx) deleteEvent(id string, curVersion int, reason string) error {
	if _, err := t.exec(`DELETE FROM events WHERE id = ?`, id); err != nil {
		return fmt.Errorf("event %s: %w", id, err)
	}
	version := curVersion + 1
	if _, err := t.exec(`INSERT INTO event_versions(event_id, version, deleted, record, reason, created_at, created_by) VALUES (?, ?, 1, NULL, ?, ?, ?)`,
		id, version, reason, t.now, t.user); err != nil {
		return fmt.Errorf("event %s tombstone: %w", id, err)
	}
	t.pending = append(t.pending, pendingChange{eventID: id, version: version, deleted: true})
	return nil
}

// countryList is " AFG TJK " so a LIKE '% AFG %' finds a member exactly.
func countryList(es []borderwatch.Entity) string {
	var b strings.Builder
	b.WriteByte(' ')
	for _, e := range es {
		if e.Country != "" {
			b.WriteString(e.Country)
			b.WriteByte(' ')
		}
	}
	return b.String()
}

// searchText is what the events' full-text index holds: the evidence, the
// trigger, the names of the parties and the place.
func searchText(ev borderwatch.Event) string {
	parts := []string{ev.TextInfo.Text, ev.Trigger}
	for _, e := range append(append([]borderwatch.Entity{}, ev.Actor...), ev.Recipient...) {
		parts = append(parts, e.Name, e.Text)
	}
	if ev.EventLoc != nil {
		parts = append(parts, ev.EventLoc.Name, ev.EventLoc.Text)
	}
	return strings.Join(parts, " ")
}
