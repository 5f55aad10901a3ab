package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// The store keeps what the watch engine and the webhook sender need as
// JSON it does not read (the service owns the types), plus the columns it
// must query or keep unique: names, owners, keys, revisions, queue order.

// WatchArea is a stored watch area; Definition is a watch.Area as JSON.
type WatchArea struct {
	Name       string          `json:"name"`
	Owner      string          `json:"owner"`
	Definition json.RawMessage `json:"definition"`
	CreatedAt  time.Time       `json:"created_at"`
}

// AlertRule is a stored alert rule; Definition is a watch.Rule as JSON.
type AlertRule struct {
	ID         string          `json:"id"`
	Owner      string          `json:"owner"`
	Shared     bool            `json:"shared"`
	Enabled    bool            `json:"enabled"`
	Definition json.RawMessage `json:"definition"`
	Webhook    string          `json:"webhook,omitempty"`
	Secret     string          `json:"-"`
	CreatedAt  time.Time       `json:"created_at"`
}

// StoredAlert is one fired alert at its latest revision; Alert is the
// watch.Alert as JSON, with its evidence.
type StoredAlert struct {
	Key       string          `json:"key"`
	RuleID    string          `json:"rule_id"`
	Owner     string          `json:"owner"`
	Revision  int             `json:"revision"`
	FiredAt   time.Time       `json:"fired_at"`
	UpdatedAt time.Time       `json:"updated_at"`
	Alert     json.RawMessage `json:"alert"`
}

// Delivery is a webhook call not yet made (the notify package's queue),
// kept so that a restart resumes it.
type Delivery struct {
	Subscriber string          `json:"subscriber"`
	ID         string          `json:"id"`
	Body       json.RawMessage `json:"body"`
	Attempts   int             `json:"attempts"`
	LastError  string          `json:"last_error,omitempty"`
	Parked     bool            `json:"parked"`
}

// AlertQuery selects alerts, newest update first.
type AlertQuery struct {
	// User sees the alerts of their own rules and of shared rules; All
	// ignores User and selects every alert.
	User   string
	All    bool
	RuleID string
	Limit  int // 0: no limit
}

// DocRef is a stored document's id with its place in storing order.
type DocRef struct {
	N  int64
	ID string
}

func validJSON(what string, b json.RawMessage) error {
	if len(b) == 0 || !json.Valid(b) {
		return fmt.Errorf("store: %s is not JSON: %w", what, ErrInvalid)
	}
	return nil
}

// AddWatchArea stores a new watch area; a name already taken is
// ErrConflict.
func (db *DB) AddWatchArea(ctx context.Context, a WatchArea) error {
	if strings.TrimSpace(a.Name) == "" {
		return fmt.Errorf("store: watch area has no name: %w", ErrInvalid)
	}
	if err := validJSON("watch area "+a.Name, a.Definition); err != nil {
		return err
	}
	_, err := db.exec(ctx, `INSERT INTO watch_areas(name, owner, definition, created_at) VALUES (?, ?, ?, ?)`,
		a.Name, a.Owner, string(a.Definition), nowMillis())
	if err != nil && isUniqueViolation(err) {
		return fmt.Errorf("store: watch area %q already exists: %w", a.Name, ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("store: add watch area %q: %w", a.Name, err)
	}
	return nil
}

// WatchAreas lists the watch areas in the order they were added.
func (db *DB) WatchAreas(ctx context.Context) ([]WatchArea, error) {
	rows, err := db.query(ctx, `SELECT name, owner, definition, created_at FROM watch_areas ORDER BY n`)
	if err != nil {
		return nil, fmt.Errorf("store: watch areas: %w", err)
	}
	defer rows.Close()
	var out []WatchArea
	for rows.Next() {
		var a WatchArea
		var def string
		var created int64
		if err := rows.Scan(&a.Name, &a.Owner, &def, &created); err != nil {
			return nil, fmt.Errorf("store: watch areas: %w", err)
		}
		a.Definition, a.CreatedAt = json.RawMessage(def), millisTime(created)
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: watch areas: %w", err)
	}
	return out, nil
}

// AddAlertRule stores a new rule; an id already taken is ErrConflict.
func (db *DB) AddAlertRule(ctx context.Context, r AlertRule) error {
	if strings.TrimSpace(r.ID) == "" {
		return fmt.Errorf("store: alert rule has no id: %w", ErrInvalid)
	}
	if err := validJSON("alert rule "+r.ID, r.Definition); err != nil {
		return err
	}
	_, err := db.exec(ctx, `INSERT INTO alert_rules(id, owner, shared, definition, webhook, secret, enabled, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, r.ID, r.Owner, boolInt(r.Shared), string(r.Definition), r.Webhook, r.Secret,
		boolInt(r.Enabled), nowMillis())
	if err != nil && isUniqueViolation(err) {
		return fmt.Errorf("store: alert rule %q already exists: %w", r.ID, ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("store: add alert rule %q: %w", r.ID, err)
	}
	return nil
}

const ruleColumns = `id, owner, shared, definition, webhook, secret, enabled, created_at`

func scanRule(sc interface{ Scan(...any) error }) (AlertRule, error) {
	var r AlertRule
	var shared, enabled int
	var def string
	var created int64
	if err := sc.Scan(&r.ID, &r.Owner, &shared, &def, &r.Webhook, &r.Secret, &enabled, &created); err != nil {
		return AlertRule{}, err
	}
	r.Shared, r.Enabled, r.Definition, r.CreatedAt = shared != 0, enabled != 0, json.RawMessage(def), millisTime(created)
	return r, nil
}

// AlertRules lists every rule in the order they were added.
func (db *DB) AlertRules(ctx context.Context) ([]AlertRule, error) {
	rows, err := db.query(ctx, `SELECT `+ruleColumns+` FROM alert_rules ORDER BY n`)
	if err != nil {
		return nil, fmt.Errorf("store: alert rules: %w", err)
	}
	defer rows.Close()
	var out []AlertRule
	for rows.Next() {
		r, err := scanRule(rows)
		if err != nil {
			return nil, fmt.Errorf("store: alert rules: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: alert rules: %w", err)
	}
	return out, nil
}

// AlertRule returns one rule.
func (db *DB) AlertRule(ctx context.Context, id string) (AlertRule, error) {
	r, err := scanRule(db.queryRow(ctx, `SELECT `+ruleColumns+` FROM alert_rules WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return AlertRule{}, fmt.Errorf("store: alert rule %q: %w", id, ErrNotFound)
	}
	if err != nil {
		return AlertRule{}, fmt.Errorf("store: alert rule %q: %w", id, err)
	}
	return r, nil
}

// DeleteAlertRule removes a rule and the webhook deliveries still queued
// for it; its alerts stay, as the record of what fired.
func (db *DB) DeleteAlertRule(ctx context.Context, id string) error {
	err := db.inTx(ctx, func(t *tx) error {
		res, err := t.exec(`DELETE FROM alert_rules WHERE id = ?`, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("store: alert rule %q: %w", id, ErrNotFound)
		}
		_, err = t.exec(`DELETE FROM webhook_deliveries WHERE subscriber = ?`, id)
		return err
	})
	if err != nil && !errors.Is(err, ErrNotFound) {
		return fmt.Errorf("store: delete alert rule %q: %w", id, err)
	}
	return err
}

// SetAlertRuleEnabled switches a rule on or off.
func (db *DB) SetAlertRuleEnabled(ctx context.Context, id string, enabled bool) error {
	res, err := db.exec(ctx, `UPDATE alert_rules SET enabled = ? WHERE id = ?`, boolInt(enabled), id)
	if err != nil {
		return fmt.Errorf("store: alert rule %q: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: alert rule %q: %w", id, ErrNotFound)
	}
	return nil
}

// SaveAlert stores an alert under its key, with the webhook deliveries it
// causes, in one transaction: a new key is inserted, a higher revision
// replaces the stored one, and an equal or lower revision (the same alert
// seen again, or an old one arriving late) changes nothing and queues
// nothing. It reports whether anything was written.
func (db *DB) SaveAlert(ctx context.Context, a StoredAlert, ds ...Delivery) (bool, error) {
	if strings.TrimSpace(a.Key) == "" || a.Revision < 1 {
		return false, fmt.Errorf("store: alert needs a key and a revision >= 1: %w", ErrInvalid)
	}
	if err := validJSON("alert "+a.Key, a.Alert); err != nil {
		return false, err
	}
	for _, d := range ds {
		if err := validJSON("delivery "+d.ID, d.Body); err != nil {
			return false, err
		}
	}
	changed := false
	err := db.inTx(ctx, func(t *tx) error {
		changed = false
		var rev int
		err := t.queryRow(`SELECT revision FROM alerts WHERE key = ?`+t.d.forUpdate, a.Key).Scan(&rev)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			_, err = t.exec(`INSERT INTO alerts(key, rule_id, owner, revision, fired_at, updated_at, alert) VALUES (?, ?, ?, ?, ?, ?, ?)`,
				a.Key, a.RuleID, a.Owner, a.Revision, timeMillis(a.FiredAt), timeMillis(a.UpdatedAt), string(a.Alert))
		case err != nil:
			return err
		case rev >= a.Revision:
			return nil
		default:
			_, err = t.exec(`UPDATE alerts SET revision = ?, updated_at = ?, alert = ? WHERE key = ?`,
				a.Revision, timeMillis(a.UpdatedAt), string(a.Alert), a.Key)
		}
		if err != nil {
			return err
		}
		for _, d := range ds {
			if err := saveDelivery(t, d); err != nil {
				return err
			}
		}
		changed = true
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("store: save alert %q: %w", a.Key, err)
	}
	return changed, nil
}

// Alerts lists alerts, newest update first.
func (db *DB) Alerts(ctx context.Context, q AlertQuery) ([]StoredAlert, error) {
	var where []string
	var args []any
	if !q.All {
		where = append(where, `(a.owner = ? OR EXISTS (SELECT 1 FROM alert_rules r WHERE r.id = a.rule_id AND r.shared = 1))`)
		args = append(args, q.User)
	}
	if q.RuleID != "" {
		where = append(where, `a.rule_id = ?`)
		args = append(args, q.RuleID)
	}
	s := `SELECT a.key, a.rule_id, a.owner, a.revision, a.fired_at, a.updated_at, a.alert FROM alerts a`
	if len(where) > 0 {
		s += ` WHERE ` + strings.Join(where, ` AND `)
	}
	s += ` ORDER BY a.updated_at DESC, a.n DESC`
	if q.Limit > 0 {
		s += ` LIMIT ?`
		args = append(args, q.Limit)
	}
	rows, err := db.query(ctx, s, args...)
	if err != nil {
		return nil, fmt.Errorf("store: alerts: %w", err)
	}
	defer rows.Close()
	var out []StoredAlert
	for rows.Next() {
		var a StoredAlert
		var fired, updated int64
		var body string
		if err := rows.Scan(&a.Key, &a.RuleID, &a.Owner, &a.Revision, &fired, &updated, &body); err != nil {
			return nil, fmt.Errorf("store: alerts: %w", err)
		}
		a.FiredAt, a.UpdatedAt, a.Alert = millisTime(fired), millisTime(updated), json.RawMessage(body)
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: alerts: %w", err)
	}
	return out, nil
}

func saveDelivery(t *tx, d Delivery) error {
	_, err := t.exec(`INSERT INTO webhook_deliveries(subscriber, id, body, attempts, last_error, parked, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (subscriber, id) DO UPDATE SET attempts = excluded.attempts, last_error = excluded.last_error, parked = excluded.parked`,
		d.Subscriber, d.ID, string(d.Body), d.Attempts, d.LastError, boolInt(d.Parked), t.now)
	return err
}

// SaveDelivery queues a webhook delivery, or records the attempts made on
// one already queued.
func (db *DB) SaveDelivery(ctx context.Context, d Delivery) error {
	if err := validJSON("delivery "+d.ID, d.Body); err != nil {
		return err
	}
	if err := db.inTx(ctx, func(t *tx) error { return saveDelivery(t, d) }); err != nil {
		return fmt.Errorf("store: save delivery %q: %w", d.ID, err)
	}
	return nil
}

// DeleteDelivery forgets a delivery that was made; forgetting one twice is
// no error.
func (db *DB) DeleteDelivery(ctx context.Context, subscriber, id string) error {
	if _, err := db.exec(ctx, `DELETE FROM webhook_deliveries WHERE subscriber = ? AND id = ?`, subscriber, id); err != nil {
		return fmt.Errorf("store: delete delivery %q: %w", id, err)
	}
	return nil
}

// Deliveries lists the queued webhook deliveries in the order they were
// queued.
func (db *DB) Deliveries(ctx context.Context) ([]Delivery, error) {
	rows, err := db.query(ctx, `SELECT subscriber, id, body, attempts, last_error, parked FROM webhook_deliveries ORDER BY n`)
	if err != nil {
		return nil, fmt.Errorf("store: deliveries: %w", err)
	}
	defer rows.Close()
	var out []Delivery
	for rows.Next() {
		var d Delivery
		var body string
		var parked int
		if err := rows.Scan(&d.Subscriber, &d.ID, &body, &d.Attempts, &d.LastError, &parked); err != nil {
			return nil, fmt.Errorf("store: deliveries: %w", err)
		}
		d.Body, d.Parked = json.RawMessage(body), parked != 0
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: deliveries: %w", err)
	}
	return out, nil
}

// LoadWatchState returns the watch engine's saved state (JSON), or nil
// when none was saved yet.
func (db *DB) LoadWatchState(ctx context.Context) ([]byte, error) {
	var s string
	err := db.queryRow(ctx, `SELECT state FROM watch_state WHERE id = 1`).Scan(&s)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("store: load watch state: %w", err)
	}
	return []byte(s), nil
}

// SaveWatchState replaces the watch engine's saved state; an empty state,
// which would forget every alert fired, is refused.
func (db *DB) SaveWatchState(ctx context.Context, state []byte) error {
	if len(state) == 0 {
		return fmt.Errorf("store: save watch state: empty state: %w", ErrInvalid)
	}
	err := db.inTx(ctx, func(t *tx) error {
		_, err := t.exec(`INSERT INTO watch_state(id, state, updated_at) VALUES (1, ?, ?)
			ON CONFLICT (id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at`, string(state), t.now)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: save watch state: %w", err)
	}
	return nil
}

// DocumentsAfter lists up to limit documents stored after sequence n, in
// storing order, so a consumer can catch up from where it stopped.
func (db *DB) DocumentsAfter(ctx context.Context, n int64, limit int) ([]DocRef, error) {
	rows, err := db.query(ctx, `SELECT n, id FROM documents WHERE n > ? ORDER BY n LIMIT ?`, n, limit)
	if err != nil {
		return nil, fmt.Errorf("store: documents after %d: %w", n, err)
	}
	defer rows.Close()
	var out []DocRef
	for rows.Next() {
		var r DocRef
		if err := rows.Scan(&r.N, &r.ID); err != nil {
			return nil, fmt.Errorf("store: documents after %d: %w", n, err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: documents after %d: %w", n, err)
	}
	return out, nil
}

// LastDocumentSeq is the sequence of the last stored document, 0 when
// there is none.
func (db *DB) LastDocumentSeq(ctx context.Context) (int64, error) {
	var n sql.NullInt64
	if err := db.queryRow(ctx, `SELECT MAX(n) FROM documents`).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: last document: %w", err)
	}
	return n.Int64, nil
}
