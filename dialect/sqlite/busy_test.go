package sqlite_test

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"testing"

	"github.com/tidemigrate/tide/dialect/sqlite"
	_ "github.com/tidemigrate/tide/internal/testdb" // registers the sqlite driver
)

// TestIsBusy provokes SQLITE_BUSY with a writer that does not wait while
// another connection holds the write lock.
func TestIsBusy(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "busy.db")
	db, err := sql.Open("sqlite", "file:"+path+"?_txlock=immediate&_pragma=busy_timeout(0)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, `CREATE TABLE t (n INTEGER)`); err != nil {
		t.Fatal(err)
	}
	tx, err := db.BeginTx(ctx, nil) // BEGIN IMMEDIATE: holds the write lock
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	_, busyErr := db.ExecContext(ctx, `INSERT INTO t (n) VALUES (1)`)
	_, syntaxErr := db.ExecContext(ctx, `INSERT INTO nowhere VALUES (1)`)
	d := sqlite.New()
	for _, c := range []struct {
		name string
		err  error
		want bool
	}{
		{"write while locked", busyErr, true},
		{"missing table", syntaxErr, false},
		{"nil", nil, false},
		{"message only", errors.New("database is locked"), true},
		{"other", errors.New("constraint failed"), false},
	} {
		if c.want && c.err == nil {
			t.Fatalf("%s: no error", c.name)
		}
		if got := d.IsBusy(c.err); got != c.want {
			t.Errorf("%s: IsBusy(%v) = %v, want %v", c.name, c.err, got, c.want)
		}
	}
}
