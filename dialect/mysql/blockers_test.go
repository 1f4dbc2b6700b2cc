package mysql_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/tidemigrate/tide/dialect/mysql"
	"github.com/tidemigrate/tide/internal/testdb"
)

// WaitingForLock sees a connection whose ALTER waits for the metadata lock
// of a reader's open transaction, and no longer once the reader is done.
func TestWaitingForLock(t *testing.T) {
	t.Parallel()
	db := testdb.New(t, testdb.MySQL)
	ctx := context.Background()
	d := mysql.New()
	if _, err := db.DB.ExecContext(ctx, "CREATE TABLE t (id INT PRIMARY KEY)"); err != nil {
		t.Fatal(err)
	}
	reader, err := db.DB.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer reader.Rollback()
	if _, err := reader.ExecContext(ctx, "SELECT COUNT(*) FROM t"); err != nil {
		t.Fatal(err)
	}
	conn, err := db.Open(t).Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	id, err := d.SessionID(ctx, conn)
	if err != nil {
		t.Fatal(err)
	}
	if waiting, err := d.WaitingForLock(ctx, db.DB, id); err != nil || waiting {
		t.Fatalf("idle connection: waiting=%v, %v", waiting, err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := conn.ExecContext(ctx, "ALTER TABLE t ADD COLUMN c INT")
		done <- err
	}()
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		waiting, err := d.WaitingForLock(ctx, db.DB, id)
		if err != nil {
			t.Fatal(err)
		}
		if waiting {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the ALTER behind the reader never showed as waiting for a lock")
		}
	}
	if err := reader.Rollback(); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatalf("ALTER once the reader is done: %v", err)
	}
	if waiting, err := d.WaitingForLock(ctx, db.DB, id); err != nil || waiting {
		t.Fatalf("after the ALTER: waiting=%v, %v", waiting, err)
	}
	if waiting, err := d.WaitingForLock(ctx, db.DB, "999999999"); err != nil || waiting {
		t.Fatalf("a connection that does not exist: waiting=%v, %v", waiting, err)
	}
}

// Blockers names the open transactions of this database's connections,
// once each, and not those of another database's.
func TestBlockersOfThisDatabase(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d := mysql.New()
	here, there := testdb.New(t, testdb.MySQL), testdb.New(t, testdb.MySQL)
	open := func(db *testdb.DB, table string) string {
		t.Helper()
		if _, err := db.DB.ExecContext(ctx, "CREATE TABLE "+table+" (id INT PRIMARY KEY)"); err != nil {
			t.Fatal(err)
		}
		tx, err := db.Open(t).BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = tx.Rollback() })
		if _, err := tx.ExecContext(ctx, "INSERT INTO "+table+" VALUES (1)"); err != nil {
			t.Fatal(err)
		}
		var id string
		if err := tx.QueryRowContext(ctx, "SELECT CONNECTION_ID()").Scan(&id); err != nil {
			t.Fatal(err)
		}
		return "connection " + id + " "
	}
	mine, theirs := open(here, "mine"), open(there, "theirs")
	got, err := d.Blockers(ctx, here.DB, "0")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Count(got, mine) != 1 {
		t.Errorf("Blockers = %q, want %q once", got, mine)
	}
	if strings.Contains(got, theirs) {
		t.Errorf("Blockers = %q names another database's transaction (%s)", got, theirs)
	}
}
