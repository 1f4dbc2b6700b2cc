package lock_test

import (
	"context"
	"database/sql"
	"fmt"
	"log"
	"os"
	"path/filepath"

	_ "modernc.org/sqlite"

	"github.com/tidemigrate/tide/dialect/sqlite"
	"github.com/tidemigrate/tide/lock"
)

// Run one batch of a job at most once at a time across processes: the
// lock is a lease on SQLite, renewed inside the batch's transaction so
// that the batch commits only while this process still holds it.
func ExampleAcquire() {
	dir, err := os.MkdirTemp("", "tide-lock-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "app.db")+"?_txlock=immediate&_pragma=busy_timeout(10000)")
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	if _, err := db.ExecContext(ctx, `CREATE TABLE done (batch INTEGER)`); err != nil {
		log.Fatal(err)
	}

	opts := lock.DefaultOptions()
	opts.Table = "app_locks"
	held, err := lock.Acquire(ctx, sqlite.New(), db, nil, "backfill:orders", opts)
	if err != nil {
		log.Fatal(err) // errors.Is(err, lock.ErrTimeout): someone else runs it
	}
	defer held.Release(ctx)
	fmt.Println("holding", held.Key(), "as a", held.Mode(), "lock")

	run := held.Context() // cancelled if the lease is lost
	tx, err := db.BeginTx(run, nil)
	if err != nil {
		log.Fatal(err)
	}
	defer tx.Rollback()
	fin, err := held.FenceTx(run, tx)
	if err != nil {
		log.Fatal(err)
	}
	defer fin()
	if _, err := tx.ExecContext(run, `INSERT INTO done (batch) VALUES (1)`); err != nil {
		log.Fatal(err)
	}
	if err := held.Fence(run, tx); err != nil { // renew as the last statement
		log.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		log.Fatal(err)
	}
	fmt.Println("batch 1 committed under the lease")
	// Output:
	// holding backfill:orders as a table lock
	// batch 1 committed under the lease
}
