package history_test

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/tidemigrate/tide/dialect/sqlite"
	"github.com/tidemigrate/tide/history"
	"github.com/tidemigrate/tide/migration"
)

// TestRoundTrips counts the statements that reading costs: an up-to-date
// tide up must not cost more than before schema versions (a table lookup
// and a SELECT).
func TestRoundTrips(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	db, n := countingSQLite(t)
	s := history.New(sqlite.New(), "tide_migrations")
	count := func(what string, want int64, f func() error) {
		t.Helper()
		n.Store(0)
		if err := f(); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if got := n.Load(); got != want {
			t.Errorf("%s: %d statements, want %d", what, got, want)
		}
	}
	list := func(q interface {
		ExecContext(context.Context, string, ...any) (sql.Result, error)
		QueryContext(context.Context, string, ...any) (*sql.Rows, error)
		QueryRowContext(context.Context, string, ...any) *sql.Row
	}) func() error {
		return func() error { _, err := s.List(ctx, q); return err }
	}

	count("List with no table", 2, list(db)) // the attempt, then the lookup
	if err := s.Ensure(ctx, db); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"1", "2", "3"} {
		if err := s.Insert(ctx, db, history.Record{Key: key, State: history.StateApplied, Direction: migration.Up}); err != nil {
			t.Fatal(err)
		}
	}
	count("Ensure, up to date", 1, func() error { return s.Ensure(ctx, db) })
	count("List, up to date", 1, list(db))
	count("Schema, up to date", 1, func() error { _, err := s.Schema(ctx, db); return err })
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	count("List on a Conn, up to date", 1, list(conn))
	conn.Close()

	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	count("List in a transaction", 3, list(tx)) // two lookups first
	count("Ensure in a transaction", 3, func() error { return s.Ensure(ctx, tx) })
}

// countingSQLite opens a SQLite database whose connections count the
// statements they run (a transaction's BEGIN included).
func countingSQLite(t *testing.T) (*sql.DB, *atomic.Int64) {
	t.Helper()
	base, err := sql.Open("sqlite", "")
	if err != nil {
		t.Fatal(err)
	}
	drv := base.Driver()
	base.Close()
	var n atomic.Int64
	db := sql.OpenDB(connector{drv: drv, dsn: filepath.Join(t.TempDir(), "count.db"), n: &n})
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { db.Close() })
	return db, &n
}

type connector struct {
	drv driver.Driver
	dsn string
	n   *atomic.Int64
}

func (c connector) Connect(context.Context) (driver.Conn, error) {
	conn, err := c.drv.Open(c.dsn)
	if err != nil {
		return nil, err
	}
	return countingConn{conn, c.n}, nil
}

func (c connector) Driver() driver.Driver { return c.drv }

type countingConn struct {
	driver.Conn
	n *atomic.Int64
}

func (c countingConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	c.n.Add(1)
	return c.Conn.(driver.QueryerContext).QueryContext(ctx, query, args)
}

func (c countingConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	c.n.Add(1)
	return c.Conn.(driver.ExecerContext).ExecContext(ctx, query, args)
}

func (c countingConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	c.n.Add(1)
	return c.Conn.(driver.ConnBeginTx).BeginTx(ctx, opts)
}
