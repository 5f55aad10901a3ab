// Package storetest gives tests of every package the databases the store's
// conformance suite runs on: a fresh SQLite file, and a fresh schema on the
// real PostgreSQL of the machine (skipped, saying why, only when it cannot be
// reached). It also shares one extractor per test binary, since loading the
// dictionaries takes seconds.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver, to create and drop schemas

	"borderwatch/internal/pipeline"
)

// Backend names a database kind and makes a fresh, empty database of it.
type Backend struct {
	Name string
	DSN  func(t testing.TB) string
}

// Backends are the databases every conformance test runs on.
var Backends = []Backend{{"sqlite", SQLiteDSN}, {"postgres", PostgresDSN}}

var (
	once sync.Once
	x    *pipeline.Extractor
	xErr error
)

// Extractor returns the test binary's shared extractor.
func Extractor(t testing.TB) *pipeline.Extractor {
	t.Helper()
	once.Do(func() { x, xErr = pipeline.New(pipeline.Options{}) })
	if xErr != nil {
		t.Fatal(xErr)
	}
	return x
}

// SQLiteDSN names a new SQLite file in the test's temporary directory.
func SQLiteDSN(t testing.TB) string {
	return filepath.Join(t.TempDir(), "test.db")
}

// PGDSN is the PostgreSQL the tests use: $BORDERWATCH_TEST_PG or the local
// server CI starts.
func PGDSN() string {
	if s := os.Getenv("BORDERWATCH_TEST_PG"); s != "" {
		return s
	}
	return "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
}

// PostgresDSN creates a schema of its own on the test PostgreSQL, dropped when
// the test ends, and returns a DSN whose search_path is that schema.
func PostgresDSN(t testing.TB) string {
	t.Helper()
	dsn := PGDSN()
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Skipf("PostgreSQL DSN unusable (%v); set BORDERWATCH_TEST_PG", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := admin.PingContext(ctx); err != nil {
		admin.Close()
		t.Skipf("PostgreSQL not reachable (%v); set BORDERWATCH_TEST_PG to run this on PostgreSQL", err)
	}
	var b [6]byte
	rand.Read(b[:])
	schema := "bw_test_" + hex.EncodeToString(b[:])
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		admin.Close()
		t.Fatalf("create schema: %v", err)
	}
	// Registered first so it runs after the test's own Close of the store.
	t.Cleanup(func() {
		defer admin.Close()
		if _, err := admin.Exec("DROP SCHEMA " + schema + " CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	sep := "?"
	if strings.Contains(dsn, "?") {
		sep = "&"
	}
	return dsn + sep + "search_path=" + schema
}
