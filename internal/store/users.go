package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"time"
)

// Roles, in increasing power: a reader reads, an analyst also writes
// (reviews, feeds, documents), an admin also manages users.
const (
	RoleReader  = "reader"
	RoleAnalyst = "analyst"
	RoleAdmin   = "admin"
)

// RoleRank orders roles for permission checks; 0 for an unknown role.
func RoleRank(role string) int {
	switch role {
	case RoleReader:
		return 1
	case RoleAnalyst:
		return 2
	case RoleAdmin:
		return 3
	}
	return 0
}

// User is an account; its token is never stored, only its hash.
type User struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	Role      string    `json:"role"`
	CreatedAt time.Time `json:"created_at"`
}

var userNameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$`)

// tokenPrefix makes borderwatch tokens recognisable in logs and secret scanners.
const tokenPrefix = "bw_"

// hashToken is SHA-256: tokens are 256 random bits, so a slow password hash
// would add nothing but latency to every request.
func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// AddUser creates a user and returns its token, which is shown only now.
func (db *DB) AddUser(ctx context.Context, name, role string) (User, string, error) {
	if !userNameRE.MatchString(name) {
		return User{}, "", fmt.Errorf("store: user %q: a name is 1-64 letters, digits, '.', '_', '@' or '-': %w", name, ErrInvalid)
	}
	if RoleRank(role) == 0 {
		return User{}, "", fmt.Errorf("store: user %q: role %q is not reader, analyst or admin: %w", name, role, ErrInvalid)
	}
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return User{}, "", fmt.Errorf("store: user %q: token: %w", name, err)
	}
	token := tokenPrefix + hex.EncodeToString(b[:])
	u := User{Name: name, Role: role, CreatedAt: millisTime(nowMillis())}
	err := db.queryRow(ctx, `INSERT INTO users(name, role, token_hash, created_at) VALUES (?, ?, ?, ?) RETURNING id`,
		name, role, hashToken(token), u.CreatedAt.UnixMilli()).Scan(&u.ID)
	if err != nil {
		if isUniqueViolation(err) {
			return User{}, "", fmt.Errorf("store: user %q already exists: %w", name, ErrConflict)
		}
		return User{}, "", fmt.Errorf("store: add user %q: %w", name, err)
	}
	return u, token, nil
}

// Authenticate returns the user holding token.
func (db *DB) Authenticate(ctx context.Context, token string) (User, error) {
	if token == "" {
		return User{}, fmt.Errorf("store: no token: %w", ErrAuth)
	}
	var (
		u  User
		at int64
	)
	err := db.queryRow(ctx, `SELECT id, name, role, created_at FROM users WHERE token_hash = ?`, hashToken(token)).Scan(&u.ID, &u.Name, &u.Role, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, fmt.Errorf("store: unknown token: %w", ErrAuth)
	}
	if err != nil {
		return User{}, fmt.Errorf("store: authenticate: %w", err)
	}
	u.CreatedAt = millisTime(at)
	return u, nil
}

// Users lists the accounts by name.
func (db *DB) Users(ctx context.Context) ([]User, error) {
	rows, err := db.query(ctx, `SELECT id, name, role, created_at FROM users ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("store: users: %w", err)
	}
	defer rows.Close()
	out := []User{}
	for rows.Next() {
		var (
			u  User
			at int64
		)
		if err := rows.Scan(&u.ID, &u.Name, &u.Role, &at); err != nil {
			return nil, fmt.Errorf("store: users: %w", err)
		}
		u.CreatedAt = millisTime(at)
		out = append(out, u)
	}
	return out, rows.Err()
}

// RemoveUser deletes the account name; its token stops working at once.
func (db *DB) RemoveUser(ctx context.Context, name string) error {
	res, err := db.exec(ctx, `DELETE FROM users WHERE name = ?`, name)
	if err != nil {
		return fmt.Errorf("store: remove user %q: %w", name, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: user %q: %w", name, ErrNotFound)
	}
	return nil
}
