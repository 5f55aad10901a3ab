package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// LoadIncidentState returns the incident grouper's saved state (JSON), or
// nil when none was saved yet.
func (db *DB) LoadIncidentState(ctx context.Context) ([]byte, error) {
	var s string
	err := db.queryRow(ctx, `SELECT state FROM incident_state WHERE id = 1`).Scan(&s)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("store: load incident state: %w", err)
	}
	return []byte(s), nil
}

// SaveIncidentState replaces the incident grouper's saved state. The store
// does not read the JSON; it only refuses an empty state, which would
// silently forget every incident.
func (db *DB) SaveIncidentState(ctx context.Context, state []byte) error {
	if len(state) == 0 {
		return fmt.Errorf("store: save incident state: empty state: %w", ErrInvalid)
	}
	err := db.inTx(ctx, func(t *tx) error {
		_, err := t.exec(`INSERT INTO incident_state(id, state, updated_at) VALUES (1, ?, ?)
			ON CONFLICT (id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at`, string(state), t.now)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: save incident state: %w", err)
	}
	return nil
}

// DocumentIDs lists every stored document's id in the order they were
// stored, so that a consumer that keeps its own state (the incident grouper)
// can catch up on the documents it has not seen.
func (db *DB) DocumentIDs(ctx context.Context) ([]string, error) {
	rows, err := db.query(ctx, `SELECT id FROM documents ORDER BY n`)
	if err != nil {
		return nil, fmt.Errorf("store: document ids: %w", err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("store: document ids: %w", err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: document ids: %w", err)
	}
	return ids, nil
}
