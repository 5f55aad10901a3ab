package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"borderwatch"
)

// Change is one entry of the change feed: an event reached a new version, or
// was deleted (Deleted set, Event nil).
type Change struct {
	Seq       int64              `json:"seq"`
	EventID   string             `json:"event_id"`
	Version   int                `json:"version"`
	Deleted   bool               `json:"deleted"`
	Event     *borderwatch.Event `json:"event,omitempty"`
	Reason    string             `json:"reason"`
	CreatedAt time.Time          `json:"created_at"`
	CreatedBy string             `json:"created_by"`
}

// MaxChanges caps one page of the change feed.
const MaxChanges = 10000

// Changes returns up to limit changes after the cursor since, in sequence
// order, and the cursor to pass next time (the last seq returned, or since
// when there is nothing new). Because sequence numbers are handed out in
// commit order, a client that always passes the returned cursor misses
// nothing.
func (db *DB) Changes(ctx context.Context, since int64, limit int) ([]Change, int64, error) {
	if since < 0 {
		return nil, 0, fmt.Errorf("store: changes: since must not be negative: %w", ErrInvalid)
	}
	if limit <= 0 || limit > MaxChanges {
		return nil, 0, fmt.Errorf("store: changes: limit %d is outside 1..%d: %w", limit, MaxChanges, ErrInvalid)
	}
	rows, err := db.query(ctx, `SELECT c.seq, c.event_id, c.version, c.deleted, v.record, v.reason, v.created_at, v.created_by
		FROM changes c JOIN event_versions v ON v.event_id = c.event_id AND v.version = c.version
		WHERE c.seq > ? ORDER BY c.seq LIMIT ?`, since, limit)
	if err != nil {
		return nil, 0, fmt.Errorf("store: changes: %w", err)
	}
	defer rows.Close()
	out := []Change{}
	next := since
	for rows.Next() {
		var (
			c       Change
			deleted int
			rec     sql.NullString
			at      int64
		)
		if err := rows.Scan(&c.Seq, &c.EventID, &c.Version, &deleted, &rec, &c.Reason, &at, &c.CreatedBy); err != nil {
			return nil, 0, fmt.Errorf("store: changes: %w", err)
		}
		c.Deleted = deleted == 1
		c.CreatedAt = millisTime(at)
		if rec.Valid {
			c.Event = new(borderwatch.Event)
			if err := json.Unmarshal([]byte(rec.String), c.Event); err != nil {
				return nil, 0, fmt.Errorf("store: change %d: %w", c.Seq, err)
			}
		}
		out = append(out, c)
		next = c.Seq
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("store: changes: %w", err)
	}
	return out, next, nil
}

// LastChangeSeq is the sequence number of the latest change: a reader that
// starts following the feed now passes it as since.
func (db *DB) LastChangeSeq(ctx context.Context) (int64, error) {
	var n int64
	if err := db.queryRow(ctx, `SELECT value FROM counters WHERE name = 'changes'`).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: last change: %w", err)
	}
	return n, nil
}
