package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Lease is who holds a named lease, and until when.
type Lease struct {
	Name    string
	Holder  string
	Expires time.Time
}

// TakeLease takes or renews the lease name for holder until ttl from now.
// A live lease of another holder is taken over; prev reports it, so the
// caller can warn that two processes claim one thing.
func (db *DB) TakeLease(ctx context.Context, name, holder string, ttl time.Duration) (prev Lease, err error) {
	err = db.inTx(ctx, func(t *tx) error {
		var h string
		var exp int64
		switch err := t.queryRow(`SELECT holder, expires_at FROM leases WHERE name = ?`, name).Scan(&h, &exp); {
		case errors.Is(err, sql.ErrNoRows):
		case err != nil:
			return err
		default:
			if h != holder && exp > t.now {
				prev = Lease{Name: name, Holder: h, Expires: time.UnixMilli(exp)}
			}
		}
		_, err := t.exec(`INSERT INTO leases(name, holder, expires_at) VALUES (?, ?, ?)
			ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at`,
			name, holder, t.now+ttl.Milliseconds())
		return err
	})
	if err != nil {
		return Lease{}, fmt.Errorf("store: take lease %s: %w", name, err)
	}
	return prev, nil
}

// ReleaseLease gives the lease up, if holder still holds it.
func (db *DB) ReleaseLease(ctx context.Context, name, holder string) error {
	err := db.inTx(ctx, func(t *tx) error {
		_, err := t.exec(`DELETE FROM leases WHERE name = ? AND holder = ?`, name, holder)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: release lease %s: %w", name, err)
	}
	return nil
}

// LiveLease returns the lease name if someone holds it now.
func (db *DB) LiveLease(ctx context.Context, name string) (Lease, bool, error) {
	var h string
	var exp int64
	err := db.queryRow(ctx, `SELECT holder, expires_at FROM leases WHERE name = ?`, name).Scan(&h, &exp)
	if errors.Is(err, sql.ErrNoRows) {
		return Lease{}, false, nil
	}
	if err != nil {
		return Lease{}, false, fmt.Errorf("store: lease %s: %w", name, err)
	}
	l := Lease{Name: name, Holder: h, Expires: time.UnixMilli(exp)}
	return l, l.Expires.After(time.Now()), nil
}
