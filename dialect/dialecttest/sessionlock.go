package dialecttest

import (
	"context"
	"database/sql"
	"strings"
	"testing"

	"github.com/tidemigrate/tide/dialect"
)

// testSessionLockHolder takes session locks for several keys and checks
// that LockSession reports a held lock as not acquired (no error), calls
// waiting once, and that SessionLockHolder names the holding session while
// it holds the lock, and nobody before and after.
func testSessionLockHolder(t *testing.T, db Database) {
	locker, ok := db.Dialect.(dialect.SessionLocker)
	if !ok {
		t.Skipf("%s has no session locks", db.Dialect.Name())
	}
	finder, ok := db.Dialect.(dialect.LockHolderFinder)
	if !ok {
		t.Fatalf("%s has session locks but cannot name their holder (dialect.LockHolderFinder)", db.Dialect.Name())
	}
	ctx := context.Background()
	pin := func(pool *sql.DB) *sql.Conn {
		c, err := pool.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		return c
	}
	holderConn, waiterConn := pin(db.Open(t)), pin(db.Open(t))
	var id string
	if c, ok := db.Dialect.(dialect.Canceler); ok {
		var err error
		if id, err = c.SessionID(ctx, holderConn); err != nil {
			t.Fatal(err)
		}
	}
	holderOf := func(key string) string {
		t.Helper()
		h, err := finder.SessionLockHolder(ctx, waiterConn, key)
		if err != nil {
			t.Fatalf("SessionLockHolder(%q): %v", key, err)
		}
		return h
	}
	// Several keys, so that PostgreSQL's hashes of them take both signs.
	keys := []string{"tide_migrations", "backfill:orders", "k1", "k2", "k3", "k4", "k5", "k6"}
	for i, key := range keys {
		if h := holderOf(key); h != "" {
			t.Fatalf("before locking %q, its holder is %q, want none", key, h)
		}
		unlock, acquired, err := locker.LockSession(ctx, holderConn, key, 0, nil)
		if err != nil || !acquired {
			t.Fatalf("LockSession(%q) on a free lock = %v, %v", key, acquired, err)
		}
		h := holderOf(key)
		t.Logf("holder of %q: %s", key, h)
		if h == "" || !strings.Contains(h, id) {
			t.Errorf("holder of %q = %q, want one naming session %s", key, h, id)
		}
		if other := keys[(i+1)%len(keys)]; holderOf(other) != "" {
			t.Errorf("holding %q, %q has a holder too", key, other)
		}
		waited, named := 0, ""
		_, acquired, err = locker.LockSession(ctx, waiterConn, key, 0, func() {
			waited++
			named = holderOf(key) // the contract: conn is idle during waiting
		})
		if err != nil || acquired {
			t.Fatalf("LockSession(%q) from another session while held = %v, %v; want not acquired, no error", key, acquired, err)
		}
		// The same session: what it is doing may have changed meanwhile.
		if waited != 1 || !strings.Contains(named, id) {
			t.Errorf("waiting called %d times, naming %q; want once, naming session %s", waited, named, id)
		}
		if err := unlock(ctx); err != nil {
			t.Fatal(err)
		}
		if h := holderOf(key); h != "" {
			t.Errorf("after unlock, the holder of %q is %q, want none", key, h)
		}
	}
}
