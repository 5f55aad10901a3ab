// Package store owns borderwatch's persistent state: documents with their raw
// bytes and clean text, versioned events with tombstones, the change feed,
// users, feeds and sources. It is the only package that speaks SQL. One set of
// raw queries runs on SQLite (the embedded default, through modernc.org/sqlite)
// and on PostgreSQL (through pgx); the differences live in a small dialect
// value and in the embedded, numbered migrations of each dialect.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver

	"borderwatch/internal/pipeline"
)

// Error kinds callers test with errors.Is; the API maps them to HTTP status.
var (
	ErrNotFound = errors.New("not found")
	ErrConflict = errors.New("conflict")
	ErrInvalid  = errors.New("invalid")
	ErrAuth     = errors.New("unauthorized")
)

//go:embed migrations
var migrationFS embed.FS

// Options configures Open.
type Options struct {
	// Extractor codes documents on Ingest and Reprocess; nil means the
	// default pipeline extractor, loaded on first use.
	Extractor *pipeline.Extractor
	// ExtractorOptions configure the extractor loaded on first use when
	// Extractor is nil.
	ExtractorOptions pipeline.Options
}

// DB is a borderwatch database on SQLite or PostgreSQL; safe for concurrent use.
type DB struct {
	sql *sql.DB
	d   dialect
	x   *pipeline.Extractor
	// writeMu serialises this process's SQLite write transactions.
	writeMu sync.Mutex
	// xOnce loads x on first use, with xOpts, when Open was given none.
	xOnce sync.Once
	xOpts pipeline.Options
	xErr  error
	// beforeCommit, when set by a test, runs after a transaction has taken
	// its change sequence numbers and before it commits.
	beforeCommit func()
}

// dialect holds everything that differs between the two databases.
type dialect struct {
	name string // "sqlite" or "postgres"
	// eventMatch and docMatch are WHERE fragments with one placeholder for the
	// full-text query produced by ftsArg.
	eventMatch string
	docMatch   string
	ftsArg     func(q string) string
	// lockMigrations serialises concurrent Opens on a shared server.
	lockMigrations string
	// forUpdate locks the rows a read-modify-write transaction reads;
	// SQLite needs none, its writers are serialised by BEGIN IMMEDIATE.
	forUpdate string
}

var sqliteDialect = dialect{
	name:       "sqlite",
	eventMatch: "e.n IN (SELECT rowid FROM events_fts WHERE events_fts MATCH ?)",
	docMatch:   "d.n IN (SELECT rowid FROM documents_fts WHERE documents_fts MATCH ?)",
	ftsArg:     fts5Query,
}

var postgresDialect = dialect{
	name:           "postgres",
	eventMatch:     "e.tsv @@ plainto_tsquery('simple', ?)",
	docMatch:       "d.tsv @@ plainto_tsquery('simple', ?)",
	ftsArg:         func(q string) string { return strings.Join(queryWords(q), " ") },
	lockMigrations: "SELECT pg_advisory_xact_lock(7351001)",
	forUpdate:      " FOR UPDATE",
}

// IsPostgres reports whether dsn names a PostgreSQL database rather than a
// SQLite file.
func IsPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// Open opens (creating if needed) the database dsn: a postgres:// URL or a
// SQLite file path, and applies pending migrations.
func Open(ctx context.Context, dsn string, opts Options) (*DB, error) {
	if dsn == "" {
		return nil, fmt.Errorf("store: open: empty database name")
	}
	db := &DB{x: opts.Extractor, xOpts: opts.ExtractorOptions}
	var err error
	if IsPostgres(dsn) {
		db.d = postgresDialect
		var cfg *pgx.ConnConfig
		if cfg, err = pgx.ParseConfig(dsn); err == nil {
			// JIT compilation adds tens of milliseconds to the counts behind
			// every page and pays off only for long analytical queries.
			if _, set := cfg.RuntimeParams["jit"]; !set {
				cfg.RuntimeParams["jit"] = "off"
			}
			// pgx prepares statements; a generic plan, made without the
			// values, cannot tell a week from a year and may scan the table.
			if _, set := cfg.RuntimeParams["plan_cache_mode"]; !set {
				cfg.RuntimeParams["plan_cache_mode"] = "force_custom_plan"
			}
			db.sql = stdlib.OpenDB(*cfg)
		}
		if err == nil {
			db.sql.SetMaxOpenConns(16)
			db.sql.SetMaxIdleConns(8)
		}
	} else {
		db.d = sqliteDialect
		db.sql, err = sql.Open("sqlite", sqliteDSN(dsn))
		if err == nil && dsn == ":memory:" {
			// Each connection would get its own empty in-memory database.
			db.sql.SetMaxOpenConns(1)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", redact(dsn), err)
	}
	if err := db.sql.PingContext(ctx); err != nil {
		db.sql.Close()
		return nil, fmt.Errorf("store: open %s: %w", redact(dsn), err)
	}
	if err := db.migrate(ctx); err != nil {
		db.sql.Close()
		return nil, err
	}
	return db, nil
}

// sqliteDSN turns a file path into a modernc DSN: WAL so readers never block
// the writer, a busy timeout instead of immediate SQLITE_BUSY, and BEGIN
// IMMEDIATE so a read-then-write transaction cannot deadlock on upgrade.
func sqliteDSN(p string) string {
	pragmas := "_pragma=busy_timeout(20000)&_pragma=cache_size(-32768)&_pragma=mmap_size(268435456)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=foreign_keys(1)&_txlock=immediate"
	if p == ":memory:" {
		return "file::memory:?" + pragmas
	}
	return "file:" + p + "?" + pragmas
}

// redact hides a password in a DSN before it goes into an error message.
func redact(dsn string) string {
	if i := strings.Index(dsn, "://"); i >= 0 {
		if at := strings.LastIndex(dsn, "@"); at > i {
			cred := dsn[i+3 : at]
			if c := strings.Index(cred, ":"); c >= 0 {
				return dsn[:i+3] + cred[:c] + ":***" + dsn[at:]
			}
		}
	}
	return dsn
}

// Close closes the database.
func (db *DB) Close() error { return db.sql.Close() }

// Dialect names the database kind: "sqlite" or "postgres".
func (db *DB) Dialect() string { return db.d.name }

// Extractor returns the extractor Ingest and Reprocess use, loading the
// default one on first use when Open was given none: loading takes seconds,
// and a server that only reads should not wait for it.
func (db *DB) Extractor() (*pipeline.Extractor, error) {
	db.xOnce.Do(func() {
		if db.x == nil {
			db.x, db.xErr = pipeline.New(db.xOpts)
		}
	})
	if db.xErr != nil {
		return nil, fmt.Errorf("store: extractor: %w", db.xErr)
	}
	return db.x, nil
}

// Ping checks the database answers.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.sql.PingContext(ctx); err != nil {
		return fmt.Errorf("store: ping: %w", err)
	}
	return nil
}

// migrate applies the embedded migrations not yet recorded, each in its own
// transaction, in number order.
func (db *DB) migrate(ctx context.Context) error {
	dir := path.Join("migrations", db.d.name)
	entries, err := fs.ReadDir(migrationFS, dir)
	if err != nil {
		return fmt.Errorf("store: migrations: %w", err)
	}
	type migration struct {
		version int
		name    string
	}
	var ms []migration
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || !strings.HasSuffix(e.Name(), ".sql") {
			return fmt.Errorf("store: migration %s: name must be NNNN_name.sql", e.Name())
		}
		ms = append(ms, migration{v, e.Name()})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })

	if _, err := db.sql.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`); err != nil {
		return fmt.Errorf("store: migrations: %w", err)
	}
	for _, m := range ms {
		body, err := migrationFS.ReadFile(path.Join(dir, m.name))
		if err != nil {
			return fmt.Errorf("store: migration %s: %w", m.name, err)
		}
		err = db.inTx(ctx, func(tx *tx) error {
			if db.d.lockMigrations != "" {
				if _, err := tx.exec(db.d.lockMigrations); err != nil {
					return err
				}
			}
			var n int
			if err := tx.queryRow(`SELECT COUNT(*) FROM schema_migrations WHERE version = ?`, m.version).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return nil
			}
			// Both drivers run a multi-statement string in one Exec.
			if _, err := tx.tx.ExecContext(ctx, string(body)); err != nil {
				return err
			}
			_, err := tx.exec(`INSERT INTO schema_migrations(version, name, applied_at) VALUES (?, ?, ?)`, m.version, m.name, nowMillis())
			return err
		})
		if err != nil {
			return fmt.Errorf("store: migration %s: %w", m.name, err)
		}
	}
	return nil
}

// tx wraps a transaction with placeholder rewriting and collects the change
// feed entries its writes produce, so they get their sequence numbers just
// before commit.
type tx struct {
	ctx     context.Context
	tx      *sql.Tx
	d       *dialect
	user    string
	now     int64
	pending []pendingChange
	// seqTaken is set once the transaction holds the change counter.
	seqTaken bool
}

type pendingChange struct {
	eventID string
	version int
	deleted bool
}

func (t *tx) exec(q string, args ...any) (sql.Result, error) {
	return t.tx.ExecContext(t.ctx, rebind(t.d, q), args...)
}

func (t *tx) query(q string, args ...any) (*sql.Rows, error) {
	return t.tx.QueryContext(t.ctx, rebind(t.d, q), args...)
}

func (t *tx) queryRow(q string, args ...any) *sql.Row {
	return t.tx.QueryRowContext(t.ctx, rebind(t.d, q), args...)
}

// inTx runs fn in a transaction and commits it, first giving the collected
// changes their sequence numbers. On PostgreSQL two writers can race to
// create the same row or deadlock; the loser is retried from the start.
func (db *DB) inTx(ctx context.Context, fn func(*tx) error) error {
	for attempt := 0; ; attempt++ {
		err := db.inTxOnce(ctx, fn)
		if err == nil || db.d.name != "postgres" || attempt == 4 || !retryable(err) || ctx.Err() != nil {
			return err
		}
		time.Sleep(time.Duration(attempt+1) * 5 * time.Millisecond)
	}
}

// retryable recognises PostgreSQL's unique violation, serialization failure
// and deadlock, which a fresh attempt resolves.
func retryable(err error) bool {
	s := err.Error()
	return strings.Contains(s, "SQLSTATE 23505") || strings.Contains(s, "SQLSTATE 40001") || strings.Contains(s, "SQLSTATE 40P01")
}

func (db *DB) inTxOnce(ctx context.Context, fn func(*tx) error) error {
	if db.d.name == "sqlite" {
		// SQLite has one writer at a time; queueing here is much faster than
		// its busy handler, which sleeps and retries.
		db.writeMu.Lock()
		defer db.writeMu.Unlock()
	}
	sqlTx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	t := &tx{ctx: ctx, tx: sqlTx, d: &db.d, user: UserFrom(ctx), now: nowMillis()}
	if err := fn(t); err != nil {
		sqlTx.Rollback()
		return err
	}
	if err := t.flushChanges(); err != nil {
		sqlTx.Rollback()
		return err
	}
	if db.beforeCommit != nil && t.seqTaken {
		db.beforeCommit()
	}
	return sqlTx.Commit()
}

// flushChanges numbers the transaction's changes. The counter row's lock is
// held until commit, so transactions that write changes commit in seq order:
// a reader that sees seq N sees everything below N (out-of-order commits on
// PostgreSQL cannot make a cursor skip rows). Taking it last keeps the
// serialised window short.
func (t *tx) flushChanges() error {
	if len(t.pending) == 0 {
		return nil
	}
	var last int64
	if err := t.queryRow(`UPDATE counters SET value = value + ? WHERE name = 'changes' RETURNING value`, len(t.pending)).Scan(&last); err != nil {
		return fmt.Errorf("change sequence: %w", err)
	}
	t.seqTaken = true
	first := last - int64(len(t.pending)) + 1
	for i, c := range t.pending {
		if _, err := t.exec(`INSERT INTO changes(seq, event_id, version, deleted, created_at) VALUES (?, ?, ?, ?, ?)`,
			first+int64(i), c.eventID, c.version, boolInt(c.deleted), t.now); err != nil {
			return fmt.Errorf("change: %w", err)
		}
	}
	t.pending = nil
	return nil
}

// rebind turns ? placeholders into PostgreSQL's $n. Queries in this package
// never contain a literal question mark.
func rebind(d *dialect, q string) string {
	if d.name != "postgres" || !strings.Contains(q, "?") {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 8)
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(q[i])
	}
	return b.String()
}

func (db *DB) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return db.sql.QueryContext(ctx, rebind(&db.d, q), args...)
}

func (db *DB) queryRow(ctx context.Context, q string, args ...any) *sql.Row {
	return db.sql.QueryRowContext(ctx, rebind(&db.d, q), args...)
}

func (db *DB) exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return db.sql.ExecContext(ctx, rebind(&db.d, q), args...)
}

type userKey struct{}

// WithUser returns a context whose writes are recorded as made by name, so
// every stored change is attributable.
func WithUser(ctx context.Context, name string) context.Context {
	return context.WithValue(ctx, userKey{}, name)
}

// UserFrom returns the user WithUser recorded, or "system".
func UserFrom(ctx context.Context) string {
	if s, ok := ctx.Value(userKey{}).(string); ok && s != "" {
		return s
	}
	return "system"
}

func nowMillis() int64 { return time.Now().UnixMilli() }

func millisTime(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms).UTC()
}

func timeMillis(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// queryWords splits a user's text query into words, dropping every
// character that could be query syntax.
func queryWords(q string) []string {
	return strings.FieldsFunc(q, func(r rune) bool {
		return !(r == '-' || r == '\'' || isWordRune(r))
	})
}

func isWordRune(r rune) bool {
	return r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r > 127
}

// fts5Query quotes each word so FTS5 reads them as terms that must all occur,
// never as operators.
func fts5Query(q string) string {
	ws := queryWords(q)
	for i, w := range ws {
		ws[i] = `"` + strings.ReplaceAll(w, `"`, "") + `"`
	}
	return strings.Join(ws, " ")
}
