package store

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"borderwatch"
)

// MaxNoteBytes caps a note: notes are an analyst's remarks, not documents.
const MaxNoteBytes = 10_000

// Note is an analyst's remark on an incident.
type Note struct {
	ID        int64     `json:"id"`
	Incident  string    `json:"incident"`
	Body      string    `json:"body"`
	CreatedAt time.Time `json:"created_at"`
	CreatedBy string    `json:"created_by"`
}

// Review statuses.
const (
	ReviewConfirmed = "confirmed"
	ReviewRejected  = "rejected"
	ReviewCorrected = "corrected"
)

// CorrectionFields are the fields a review may correct; dates are
// YYYY-MM-DD and the numbers whole and not negative.
var CorrectionFields = []string{"event", "actors", "recipients", "place", "date", "dead", "injured", "arrested", "count"}

// Review is an analyst's verdict on an incident (Event empty) or on one of
// its events. Every review is a new row: the latest is the one that stands,
// the earlier ones are its history.
type Review struct {
	ID         int64             `json:"id"`
	Incident   string            `json:"incident"`
	Event      string            `json:"event,omitempty"`
	Status     string            `json:"status"`
	Correction map[string]string `json:"correction,omitempty"`
	Comment    string            `json:"comment,omitempty"`
	CreatedAt  time.Time         `json:"created_at"`
	CreatedBy  string            `json:"created_by"`
}

// ReviewFilter selects the reviews of any of Incidents or of any of Events.
type ReviewFilter struct {
	Incidents []string
	Events    []string
}

// AddNote keeps a note on incident id, attributed to the context's user.
func (db *DB) AddNote(ctx context.Context, incidentID, body string) (Note, error) {
	body = strings.TrimSpace(body)
	switch {
	case strings.TrimSpace(incidentID) == "":
		return Note{}, fmt.Errorf("store: note: no incident named: %w", ErrInvalid)
	case body == "":
		return Note{}, fmt.Errorf("store: note on %s: the note is empty: %w", incidentID, ErrInvalid)
	case len(body) > MaxNoteBytes:
		return Note{}, fmt.Errorf("store: note on %s: %d bytes, more than the %d allowed: %w", incidentID, len(body), MaxNoteBytes, ErrInvalid)
	case !utf8.ValidString(body):
		return Note{}, fmt.Errorf("store: note on %s: not valid UTF-8: %w", incidentID, ErrInvalid)
	}
	n := Note{Incident: incidentID, Body: body, CreatedAt: millisTime(nowMillis()), CreatedBy: UserFrom(ctx)}
	err := db.queryRow(ctx, `INSERT INTO incident_notes(incident_id, body, created_at, created_by) VALUES (?, ?, ?, ?) RETURNING id`,
		n.Incident, n.Body, n.CreatedAt.UnixMilli(), n.CreatedBy).Scan(&n.ID)
	if err != nil {
		return Note{}, fmt.Errorf("store: add note: %w", err)
	}
	return n, nil
}

// Notes returns the notes on any of the incidents, oldest first.
func (db *DB) Notes(ctx context.Context, incidentIDs ...string) ([]Note, error) {
	out := []Note{}
	if len(incidentIDs) == 0 {
		return out, nil
	}
	args := make([]any, len(incidentIDs))
	for i, id := range incidentIDs {
		args[i] = id
	}
	rows, err := db.query(ctx, `SELECT id, incident_id, body, created_at, created_by FROM incident_notes
		WHERE incident_id IN (`+placeholders(len(args))+`) ORDER BY id`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: notes: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			n  Note
			at int64
		)
		if err := rows.Scan(&n.ID, &n.Incident, &n.Body, &at, &n.CreatedBy); err != nil {
			return nil, fmt.Errorf("store: notes: %w", err)
		}
		n.CreatedAt = millisTime(at)
		out = append(out, n)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: notes: %w", err)
	}
	return out, nil
}

// validCorrection checks every corrected field's name and form.
func validCorrection(c map[string]string) error {
	keys := make([]string, 0, len(c))
	for k := range c {
		keys = append(keys, k)
	}
	sort.Strings(keys) // the first problem named is the same every time
	for _, k := range keys {
		v := strings.TrimSpace(c[k])
		switch k {
		case "event":
			if borderwatch.Quad(v) == 0 {
				return fmt.Errorf("event %q is not a PLOVER event type", v)
			}
		case "date":
			if !dateRE.MatchString(v) {
				return fmt.Errorf("date %q is not YYYY-MM-DD", v)
			}
		case "dead", "injured", "arrested", "count":
			if n, err := strconv.Atoi(v); err != nil || n < 0 {
				return fmt.Errorf("%s %q is not a whole number of 0 or more", k, v)
			}
		case "actors", "recipients", "place":
			if v == "" || len(v) > 500 || !utf8.ValidString(v) {
				return fmt.Errorf("%s must be 1-500 bytes of UTF-8", k)
			}
		default:
			return fmt.Errorf("%q is not a field a review corrects (%s)", k, strings.Join(CorrectionFields, ", "))
		}
	}
	return nil
}

// AddReview keeps an analyst's review, attributed to the context's user.
func (db *DB) AddReview(ctx context.Context, r Review) (Review, error) {
	r.Comment = strings.TrimSpace(r.Comment)
	switch {
	case strings.TrimSpace(r.Incident) == "":
		return Review{}, fmt.Errorf("store: review: no incident named: %w", ErrInvalid)
	case r.Status != ReviewConfirmed && r.Status != ReviewRejected && r.Status != ReviewCorrected:
		return Review{}, fmt.Errorf("store: review of %s: status %q is not confirmed, rejected or corrected: %w", r.Incident, r.Status, ErrInvalid)
	case r.Status == ReviewCorrected && len(r.Correction) == 0:
		return Review{}, fmt.Errorf("store: review of %s: a correction names at least one corrected field: %w", r.Incident, ErrInvalid)
	case len(r.Comment) > MaxNoteBytes || !utf8.ValidString(r.Comment):
		return Review{}, fmt.Errorf("store: review of %s: the comment must be at most %d bytes of UTF-8: %w", r.Incident, MaxNoteBytes, ErrInvalid)
	}
	if err := validCorrection(r.Correction); err != nil {
		return Review{}, fmt.Errorf("store: review of %s: %v: %w", r.Incident, err, ErrInvalid)
	}
	corr, err := json.Marshal(r.Correction)
	if err != nil {
		return Review{}, fmt.Errorf("store: review of %s: %w", r.Incident, err)
	}
	if r.Correction == nil {
		corr = []byte("{}")
	}
	r.CreatedAt, r.CreatedBy = millisTime(nowMillis()), UserFrom(ctx)
	err = db.queryRow(ctx, `INSERT INTO reviews(incident_id, event_id, status, correction, comment, created_at, created_by)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		r.Incident, r.Event, r.Status, string(corr), r.Comment, r.CreatedAt.UnixMilli(), r.CreatedBy).Scan(&r.ID)
	if err != nil {
		return Review{}, fmt.Errorf("store: add review: %w", err)
	}
	return r, nil
}

// Reviews returns the reviews f selects, oldest first.
func (db *DB) Reviews(ctx context.Context, f ReviewFilter) ([]Review, error) {
	out := []Review{}
	var (
		conds []string
		args  []any
	)
	if len(f.Incidents) > 0 {
		conds = append(conds, `incident_id IN (`+placeholders(len(f.Incidents))+`)`)
		for _, id := range f.Incidents {
			args = append(args, id)
		}
	}
	if len(f.Events) > 0 {
		conds = append(conds, `event_id IN (`+placeholders(len(f.Events))+`)`)
		for _, id := range f.Events {
			args = append(args, id)
		}
	}
	if len(conds) == 0 {
		return out, nil
	}
	rows, err := db.query(ctx, `SELECT id, incident_id, event_id, status, correction, comment, created_at, created_by FROM reviews
		WHERE `+strings.Join(conds, " OR ")+` ORDER BY id`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: reviews: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			r    Review
			corr string
			at   int64
		)
		if err := rows.Scan(&r.ID, &r.Incident, &r.Event, &r.Status, &corr, &r.Comment, &at, &r.CreatedBy); err != nil {
			return nil, fmt.Errorf("store: reviews: %w", err)
		}
		if err := json.Unmarshal([]byte(corr), &r.Correction); err != nil {
			return nil, fmt.Errorf("store: review %d: correction: %w", r.ID, err)
		}
		if len(r.Correction) == 0 {
			r.Correction = nil
		}
		r.CreatedAt = millisTime(at)
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: reviews: %w", err)
	}
	return out, nil
}
