// Package testdb gives each test its own database: a SQLite file always,
// PostgreSQL and MySQL/MariaDB when TIDE_TEST_POSTGRES_URL and
// TIDE_TEST_MYSQL_URL are set. Without them those tests skip, except under
// CI (CI set), where a missing or unreachable database fails the test.
// Every database made here is dropped when the test ends, so tests can run
// in parallel and leave nothing behind.
package testdb

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tidemigrate/tide/dialect"
	"github.com/tidemigrate/tide/internal/dburl"
)

// Kinds of database, as named in the TIDE_TEST_<KIND>_URL variables.
const (
	Postgres = "POSTGRES"
	MySQL    = "MYSQL"
	SQLite   = "SQLITE"
)

// URL returns the server URL for kind from TIDE_TEST_<kind>_URL, skipping
// the test when it is unset, or failing it under CI.
func URL(t testing.TB, kind string) string {
	t.Helper()
	u := os.Getenv("TIDE_TEST_" + kind + "_URL")
	if u == "" {
		if os.Getenv("CI") != "" {
			t.Fatalf("TIDE_TEST_%s_URL must be set under CI", kind)
		}
		t.Skipf("set TIDE_TEST_%s_URL to run this test against a real server", kind)
	}
	return u
}

// DB is a fresh database for one test.
type DB struct {
	DB      *sql.DB
	Dialect dialect.Dialect
	URL     string // a URL that reaches this database, for the CLI
	Name    string // the database name (the file path for SQLite)
}

// Kinds returns the kinds to run a conformance test on: SQLite always.
func Kinds() []string { return []string{SQLite, Postgres, MySQL} }

// New creates a database of kind for t and drops it when t ends.
func New(t testing.TB, kind string) *DB {
	t.Helper()
	switch kind {
	case SQLite:
		path := filepath.Join(t.TempDir(), "test.db")
		return open(t, "sqlite:"+path, path)
	case Postgres, MySQL:
		return server(t, kind)
	}
	t.Fatalf("unknown database kind %q", kind)
	return nil
}

// Open opens another connection pool on the database, closed when t ends:
// a second migrator, as another process would have.
func (d *DB) Open(t testing.TB) *sql.DB {
	t.Helper()
	db, _, err := dburl.Open(context.Background(), d.URL)
	if err != nil {
		t.Fatalf("open %s: %v", dburl.Redact(d.URL), err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func open(t testing.TB, rawURL, name string) *DB {
	t.Helper()
	db, d, err := dburl.Open(context.Background(), rawURL)
	if err != nil {
		t.Fatalf("open %s: %v", dburl.Redact(rawURL), err)
	}
	t.Cleanup(func() { db.Close() })
	return &DB{DB: db, Dialect: d, URL: rawURL, Name: name}
}

// server creates a database named tide_test_<random> on the server of kind.
func server(t testing.TB, kind string) *DB {
	t.Helper()
	base := URL(t, kind)
	admin, _, err := dburl.Open(context.Background(), base)
	if err != nil {
		t.Fatalf("TIDE_TEST_%s_URL: %v", kind, err)
	}
	defer admin.Close()
	name := "tide_test_" + randomHex(6)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("create test database %s: %v", name, err)
	}
	t.Cleanup(func() {
		admin, _, err := dburl.Open(context.Background(), base)
		if err != nil {
			t.Errorf("drop test database %s: %v", name, err)
			return
		}
		defer admin.Close()
		drop := "DROP DATABASE IF EXISTS " + name
		if kind == Postgres {
			drop += " WITH (FORCE)"
		}
		if _, err := admin.ExecContext(context.Background(), drop); err != nil {
			t.Errorf("drop test database %s: %v", name, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("TIDE_TEST_%s_URL: %v", kind, err)
	}
	u.Path = "/" + name
	return open(t, u.String(), name)
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return strings.ToLower(hex.EncodeToString(b))
}
