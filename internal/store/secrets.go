package store

import (
	"context"
	"crypto/rand"
	"fmt"
)

// Secret returns the random secret kept under name, making it on first use
// (260 random bits). Concurrent first calls, in any process, get the same
// one: the first insert wins and everyone reads it back.
func (db *DB) Secret(ctx context.Context, name string) ([]byte, error) {
	fresh := rand.Text() + rand.Text() // 52 base32 characters, 260 random bits
	var v string
	err := db.inTx(ctx, func(t *tx) error {
		if _, err := t.exec(`INSERT INTO secrets(name, value, created_at) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING`,
			name, fresh, t.now); err != nil {
			return err
		}
		return t.queryRow(`SELECT value FROM secrets WHERE name = ?`, name).Scan(&v)
	})
	if err != nil {
		return nil, fmt.Errorf("store: secret %s: %w", name, err)
	}
	return []byte(v), nil
}
