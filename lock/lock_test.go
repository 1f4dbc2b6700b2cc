package lock_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	osexec "os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tidemigrate/tide/dialect"
	"github.com/tidemigrate/tide/event"
	"github.com/tidemigrate/tide/internal/testdb"
	"github.com/tidemigrate/tide/lock"
)

const leaseTable = "test_locks"

// each runs f on every kind of database, once per lock mode it has:
// session locks where the dialect has them, leases everywhere.
func each(t *testing.T, f func(t *testing.T, db *testdb.DB, mode lock.Mode)) {
	t.Helper()
	for _, kind := range testdb.Kinds() {
		for _, mode := range []lock.Mode{lock.Session, lock.Table} {
			t.Run(kind+"/"+mode.String(), func(t *testing.T) {
				t.Parallel()
				if kind == testdb.SQLite && mode == lock.Session {
					t.Skip("SQLite has no session locks")
				}
				f(t, testdb.New(t, kind), mode)
			})
		}
	}
}

// leases runs f on every kind of database, for leases only.
func leases(t *testing.T, f func(t *testing.T, db *testdb.DB)) {
	t.Helper()
	for _, kind := range testdb.Kinds() {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			f(t, testdb.New(t, kind))
		})
	}
}

func options(mode lock.Mode, ttl time.Duration) lock.Options {
	o := lock.DefaultOptions()
	o.Mode, o.TTL, o.Table = mode, ttl, leaseTable
	return o
}

// pin takes a connection from pool, closed when t ends.
func pin(t *testing.T, pool *sql.DB) *sql.Conn {
	t.Helper()
	conn, err := pool.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

// acquire pins a connection of pool and takes key on it; the lock is
// released when t ends, before the connection is closed.
func acquire(t *testing.T, ctx context.Context, db *testdb.DB, pool *sql.DB, key string, o lock.Options) (*lock.Held, *sql.Conn, error) {
	t.Helper()
	conn := pin(t, pool)
	h, err := lock.Acquire(ctx, db.Dialect, pool, conn, key, o)
	if h != nil {
		t.Cleanup(func() { _ = h.Release(context.Background()) })
	}
	return h, conn, err
}

func mustAcquire(t *testing.T, db *testdb.DB, pool *sql.DB, key string, o lock.Options) (*lock.Held, *sql.Conn) {
	t.Helper()
	h, conn, err := acquire(t, context.Background(), db, pool, key, o)
	if err != nil {
		t.Fatalf("Acquire(%q): %v", key, err)
	}
	return h, conn
}

func exec(t *testing.T, q dialect.Querier, query string, args ...any) {
	t.Helper()
	if _, err := q.ExecContext(context.Background(), query, args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

// lease reads the lease row of key: its owner, and its expiry and
// acquisition times by the database's clock.
func lease(t *testing.T, db *testdb.DB, key string) (owner string, expires, acquired int64) {
	t.Helper()
	d := db.Dialect
	err := db.DB.QueryRowContext(context.Background(), `SELECT `+d.QuoteIdent("owner")+`, `+d.QuoteIdent("expires_at")+`, `+d.QuoteIdent("acquired_at")+
		` FROM `+d.QuoteIdent(leaseTable)+` WHERE `+d.QuoteIdent("name")+` = `+d.Placeholder(1), key).Scan(&owner, &expires, &acquired)
	if err != nil {
		t.Fatalf("read lease of %q: %v", key, err)
	}
	return owner, expires, acquired
}

// recorder collects events.
type recorder struct {
	mu     sync.Mutex
	events []event.Event
}

func (r *recorder) observe(e event.Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, e)
}

func (r *recorder) waiting() []lock.Waiting {
	r.mu.Lock()
	defer r.mu.Unlock()
	var ws []lock.Waiting
	for _, e := range r.events {
		if w, ok := e.(lock.Waiting); ok {
			ws = append(ws, w)
		}
	}
	return ws
}

// done waits for ctx to end, failing the test if it does not within a
// generous bound (a safety net, not a timing assertion).
func done(t *testing.T, ctx context.Context, what string) {
	t.Helper()
	select {
	case <-ctx.Done():
	case <-time.After(time.Minute):
		t.Fatalf("%s: the run context was not cancelled", what)
	}
}

// TestMutualExclusion races workers, each with its own connection pool as
// separate processes would have, over two keys. No two holders of one key
// may overlap, which a read-modify-write of a counter per key, without a
// transaction, would show as lost updates.
func TestMutualExclusion(t *testing.T) {
	each(t, func(t *testing.T, db *testdb.DB, mode lock.Mode) {
		ctx := context.Background()
		d := db.Dialect
		counter := d.QuoteIdent("counter")
		exec(t, db.DB, `CREATE TABLE `+counter+` (k VARCHAR(20) PRIMARY KEY, n INTEGER NOT NULL)`)
		exec(t, db.DB, `INSERT INTO `+counter+` (k, n) VALUES ('a', 0), ('b', 0)`)
		keys := []string{"a", "b"}
		const workers, rounds = 4, 3
		var inside [2]atomic.Int32
		var wg sync.WaitGroup
		start := make(chan struct{})
		for w := range workers {
			pool := db.Open(t)
			k := w % 2
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				for range rounds {
					if err := critical(ctx, db, pool, keys[k], options(mode, 2*time.Second), func(conn *sql.Conn) error {
						if n := inside[k].Add(1); n != 1 {
							t.Errorf("%d holders of %q at once", n, keys[k])
						}
						defer inside[k].Add(-1)
						var n int
						if err := conn.QueryRowContext(ctx, `SELECT n FROM `+counter+` WHERE k = `+d.Placeholder(1), keys[k]).Scan(&n); err != nil {
							return err
						}
						time.Sleep(10 * time.Millisecond) // widen the window for a lost update
						_, err := conn.ExecContext(ctx, `UPDATE `+counter+` SET n = `+d.Placeholder(1)+` WHERE k = `+d.Placeholder(2), n+1, keys[k])
						return err
					}); err != nil {
						t.Error(err)
					}
				}
			}()
		}
		close(start)
		wg.Wait()
		for _, k := range keys {
			var n int
			if err := db.DB.QueryRowContext(ctx, `SELECT n FROM `+counter+` WHERE k = `+d.Placeholder(1), k).Scan(&n); err != nil {
				t.Fatal(err)
			}
			if want := workers / 2 * rounds; n != want {
				t.Errorf("counter %q = %d after %d exclusive increments", k, n, want)
			}
		}
	})
}

// critical runs fn on a pinned connection of pool while it holds key.
func critical(ctx context.Context, db *testdb.DB, pool *sql.DB, key string, o lock.Options, fn func(*sql.Conn) error) (err error) {
	conn, err := pool.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	o.Wait = 2 * time.Minute
	h, err := lock.Acquire(ctx, db.Dialect, pool, conn, key, o)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, h.Release(ctx)) }()
	return fn(conn)
}

// TestKeysAreIndependent holds one key and takes another at once, while
// the first stays excluded.
func TestKeysAreIndependent(t *testing.T) {
	each(t, func(t *testing.T, db *testdb.DB, mode lock.Mode) {
		var rec recorder
		o := options(mode, 2*time.Second)
		o.Events.Observer = rec.observe
		a, _ := mustAcquire(t, db, db.Open(t), "a", o)
		if a.Key() != "a" || a.Mode() != mode {
			t.Errorf("held %q in mode %s, want %q in %s", a.Key(), a.Mode(), "a", mode)
		}
		o.Wait = 0
		mustAcquire(t, db, db.Open(t), "b", o)
		if _, _, err := acquire(t, context.Background(), db, db.Open(t), "a", o); !errors.Is(err, lock.ErrTimeout) {
			t.Errorf("Acquire(a) while a is held = %v, want ErrTimeout", err)
		}
		var acquired []string
		for _, e := range rec.events {
			if a, ok := e.(lock.Acquired); ok {
				acquired = append(acquired, a.Key)
			}
		}
		if fmt.Sprint(acquired) != "[a b]" {
			t.Errorf("Acquired events for %v, want [a b]", acquired)
		}
	})
}

// TestTimeoutNamesHolder waits for a held lock until the wait expires: the
// Waiting event and the error name the holder (a session's pid and
// application, a lease's owner).
func TestTimeoutNamesHolder(t *testing.T) {
	each(t, func(t *testing.T, db *testdb.DB, mode lock.Mode) {
		ctx := context.Background()
		holderPool := db.Open(t)
		conn := pin(t, holderPool)
		var want []string
		switch {
		case mode == lock.Table:
			want = []string{fmt.Sprintf(":%d:", os.Getpid()), "lease expires in"}
		case db.Dialect.Name() == "postgres":
			exec(t, conn, `SET application_name = 'tide-lock-holder'`)
			want = []string{"pid " + sessionID(t, db, conn) + " (", "application tide-lock-holder"}
		default:
			want = []string{"connection " + sessionID(t, db, conn) + " ("}
		}
		h, err := lock.Acquire(ctx, db.Dialect, holderPool, conn, "job", options(mode, 2*time.Second))
		if err != nil {
			t.Fatal(err)
		}
		defer h.Release(ctx)
		var rec recorder
		o := options(mode, 2*time.Second)
		o.Wait, o.Events.Observer = 300*time.Millisecond, rec.observe
		_, _, err = acquire(t, ctx, db, db.Open(t), "job", o)
		if !errors.Is(err, lock.ErrTimeout) {
			t.Fatalf("Acquire while held = %v, want ErrTimeout", err)
		}
		ws := rec.waiting()
		if len(ws) != 1 || ws[0].Key != "job" {
			t.Fatalf("Waiting events = %+v, want one for job", ws)
		}
		for _, w := range append(want, "job", "300ms") {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("error %q does not contain %q", err, w)
			}
		}
		for _, w := range want {
			if !strings.Contains(ws[0].Holder, w) {
				t.Errorf("Waiting.Holder %q does not contain %q", ws[0].Holder, w)
			}
		}
	})
}

func sessionID(t *testing.T, db *testdb.DB, conn *sql.Conn) string {
	t.Helper()
	id, err := db.Dialect.(dialect.Canceler).SessionID(context.Background(), conn)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// TestStaleLeaseTakeover leaves a lease owned by a holder that died: a new
// holder waits, naming it, and takes the lease over once it expired by
// the database's clock, not before.
func TestStaleLeaseTakeover(t *testing.T) {
	leases(t, func(t *testing.T, db *testdb.DB) {
		ctx := context.Background()
		d := db.Dialect
		first, _ := mustAcquire(t, db, db.Open(t), "job", options(lock.Table, time.Second))
		if err := first.Release(ctx); err != nil {
			t.Fatal(err)
		}
		exec(t, db.DB, `UPDATE `+d.QuoteIdent(leaseTable)+` SET `+d.QuoteIdent("owner")+` = 'ghost', `+d.QuoteIdent("expires_at")+` = `+d.NowMillis()+
			` + 2000 WHERE `+d.QuoteIdent("name")+` = `+d.Placeholder(1), "job")
		_, ghostExpiry, _ := lease(t, db, "job")
		var rec recorder
		o := options(lock.Table, 300*time.Millisecond)
		o.Wait, o.Events.Observer = time.Minute, rec.observe
		mustAcquire(t, db, db.Open(t), "job", o)
		if ws := rec.waiting(); len(ws) != 1 || !strings.Contains(ws[0].Holder, "ghost") {
			t.Errorf("Waiting events = %+v, want one naming the ghost", ws)
		}
		owner, _, acquiredAt := lease(t, db, "job")
		if !strings.Contains(owner, fmt.Sprintf(":%d:", os.Getpid())) {
			t.Errorf("lease owner after takeover = %q", owner)
		}
		if acquiredAt < ghostExpiry {
			t.Errorf("took the lease over at %d, before it expired at %d", acquiredAt, ghostExpiry)
		}
	})
}

// TestLostLease has another holder take the lease: the heartbeat notices,
// the run context is cancelled with ErrLost, fences fail, and the release
// leaves the new owner's lease alone.
func TestLostLease(t *testing.T) {
	leases(t, func(t *testing.T, db *testdb.DB) {
		ctx := context.Background()
		d := db.Dialect
		// A TTL long enough that renewals on a loaded machine succeed until
		// the theft, so that the heartbeat finds the thief.
		h, conn := mustAcquire(t, db, db.Open(t), "job", options(lock.Table, 3*time.Second))
		exec(t, db.Open(t), `UPDATE `+d.QuoteIdent(leaseTable)+` SET `+d.QuoteIdent("owner")+` = 'thief', `+d.QuoteIdent("expires_at")+` = `+d.NowMillis()+
			` + 60000 WHERE `+d.QuoteIdent("name")+` = `+d.Placeholder(1), "job")
		done(t, h.Context(), "lease taken")
		if cause := context.Cause(h.Context()); !errors.Is(cause, lock.ErrLost) || !strings.Contains(cause.Error(), "thief") {
			t.Errorf("cause = %v, want ErrLost naming the thief", cause)
		}
		if err := h.Fence(ctx, conn); !errors.Is(err, lock.ErrLost) {
			t.Errorf("Fence after the loss = %v, want ErrLost", err)
		}
		tx, err := conn.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if fin, err := h.FenceTx(ctx, tx); !errors.Is(err, lock.ErrLost) || fin != nil {
			t.Errorf("FenceTx after the loss = %v, want ErrLost", err)
		}
		if err := tx.Rollback(); err != nil {
			t.Fatal(err)
		}
		if err := h.Release(ctx); err != nil {
			t.Errorf("Release of a lost lease: %v", err)
		}
		if owner, _, _ := lease(t, db, "job"); owner != "thief" {
			t.Errorf("after the release, the lease belongs to %q, want the thief", owner)
		}
	})
}

// TestRenewalsFailing drops the lease table under a holder: its renewals
// fail, and it cancels its run before the lease could have expired.
func TestRenewalsFailing(t *testing.T) {
	leases(t, func(t *testing.T, db *testdb.DB) {
		h, _ := mustAcquire(t, db, db.Open(t), "job", options(lock.Table, 600*time.Millisecond))
		exec(t, db.Open(t), `DROP TABLE `+db.Dialect.QuoteIdent(leaseTable))
		done(t, h.Context(), "renewals failing")
		if cause := context.Cause(h.Context()); !errors.Is(cause, lock.ErrLost) || !strings.Contains(cause.Error(), "could not renew") {
			t.Errorf("cause = %v, want ErrLost after failed renewals", cause)
		}
		if err := h.Release(context.Background()); err == nil {
			t.Error("Release without a lease table succeeded")
		}
	})
}

// TestRenewalsHanging leaves the heartbeat no connection: its renewal
// hangs instead of failing, and the run is cancelled all the same before
// the lease could expire.
func TestRenewalsHanging(t *testing.T) {
	leases(t, func(t *testing.T, db *testdb.DB) {
		ctx := context.Background()
		pool := db.Open(t)
		pool.SetMaxOpenConns(1)
		h, err := lock.Acquire(ctx, db.Dialect, pool, nil, "job", options(lock.Table, 600*time.Millisecond))
		if err != nil {
			t.Fatal(err)
		}
		conn, err := pool.Conn(ctx) // the pool's only connection: the heartbeat waits for it
		if err != nil {
			t.Fatal(err)
		}
		done(t, h.Context(), "renewal hanging")
		if cause := context.Cause(h.Context()); !errors.Is(cause, lock.ErrLost) || !strings.Contains(cause.Error(), "could not renew") {
			t.Errorf("cause = %v, want ErrLost after a hanging renewal", cause)
		}
		conn.Close()
		if err := h.Release(ctx); err != nil {
			t.Fatal(err)
		}
	})
}

// TestFenceTx holds a fenced transaction open for longer than the TTL:
// the heartbeat does not renew meanwhile, yet nobody can take the lease
// over, the holder's run goes on, and the transaction's own renewal
// before commit keeps the lease.
func TestFenceTx(t *testing.T) {
	leases(t, func(t *testing.T, db *testdb.DB) {
		ctx := context.Background()
		d := db.Dialect
		exec(t, db.DB, `CREATE TABLE `+d.QuoteIdent("work")+` (n INTEGER NOT NULL)`)
		const ttl = time.Second
		pool := db.Open(t)
		if d.Name() == "sqlite" {
			// A short busy timeout, so that a renewal by the heartbeat
			// behind the transaction would fail, and cancel the run, instead
			// of waiting: the heartbeat must skip while the transaction is open.
			var err error
			if pool, err = sql.Open("sqlite", "file:"+db.Name+"?_txlock=immediate&_pragma=busy_timeout(50)"); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { pool.Close() })
		}
		h, conn := mustAcquire(t, db, pool, "job", options(lock.Table, ttl))
		tx, err := conn.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback()
		fin, err := h.FenceTx(ctx, tx)
		if err != nil {
			t.Fatal(err)
		}
		exec(t, tx, `INSERT INTO `+d.QuoteIdent("work")+` (n) VALUES (1)`)
		// A competitor waits for two TTLs: the lease row's committed
		// expiry passes meanwhile, but the transaction holds the row.
		o := options(lock.Table, ttl)
		o.Wait = 2 * ttl
		if _, _, err := acquire(t, ctx, db, db.Open(t), "job", o); !errors.Is(err, lock.ErrTimeout) {
			t.Fatalf("Acquire during a fenced transaction = %v, want ErrTimeout", err)
		}
		if err := h.Context().Err(); err != nil {
			t.Fatalf("the run was cancelled during a fenced transaction: %v", context.Cause(h.Context()))
		}
		if err := h.Fence(ctx, tx); err != nil {
			t.Fatalf("Fence before commit: %v", err)
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		fin()
		fin() // done may be called again
		if err := h.Fence(ctx, db.DB); err != nil {
			t.Fatalf("Fence after the transaction: %v", err)
		}
		if err := h.Context().Err(); err != nil {
			t.Fatalf("the run was cancelled: %v", context.Cause(h.Context()))
		}
		if owner, _, _ := lease(t, db, "job"); !strings.Contains(owner, fmt.Sprintf(":%d:", os.Getpid())) {
			t.Errorf("after the transaction, the lease belongs to %q", owner)
		}
	})
}

// TestSessionFence: a session lock needs no fence.
func TestSessionFence(t *testing.T) {
	for _, kind := range []string{testdb.Postgres, testdb.MySQL} {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			db := testdb.New(t, kind)
			ctx := context.Background()
			h, conn := mustAcquire(t, db, db.Open(t), "job", options(lock.Session, 0))
			tx, err := conn.BeginTx(ctx, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer tx.Rollback()
			fin, err := h.FenceTx(ctx, tx)
			if err != nil || fin == nil {
				t.Fatalf("FenceTx = %v", err)
			}
			fin()
			if err := h.Fence(ctx, tx); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestReleaseAfterCancel cancels the context a lock was taken with: the
// run context ends, Release still frees the lock, and another takes it at
// once.
func TestReleaseAfterCancel(t *testing.T) {
	each(t, func(t *testing.T, db *testdb.DB, mode lock.Mode) {
		ctx, cancel := context.WithCancel(context.Background())
		h, _, err := acquire(t, ctx, db, db.Open(t), "job", options(mode, time.Second))
		if err != nil {
			t.Fatal(err)
		}
		cancel()
		if h.Context().Err() == nil {
			t.Error("the run context outlived the cancellation")
		}
		if err := h.Release(ctx); err != nil {
			t.Fatalf("Release after cancel: %v", err)
		}
		if err := h.Release(ctx); err != nil {
			t.Fatalf("second Release: %v", err)
		}
		o := options(mode, time.Second)
		o.Wait = 0
		mustAcquire(t, db, db.Open(t), "job", o)
	})
}

// TestCancelWhileWaiting cancels a waiter once it reports Waiting.
func TestCancelWhileWaiting(t *testing.T) {
	each(t, func(t *testing.T, db *testdb.DB, mode lock.Mode) {
		mustAcquire(t, db, db.Open(t), "job", options(mode, time.Second))
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		o := options(mode, time.Second)
		o.Wait = time.Minute
		o.Events.Observer = func(e event.Event) {
			if _, ok := e.(lock.Waiting); ok {
				cancel()
			}
		}
		if _, _, err := acquire(t, ctx, db, db.Open(t), "job", o); !errors.Is(err, context.Canceled) {
			t.Fatalf("Acquire cancelled while waiting = %v, want context.Canceled", err)
		}
	})
}

// TestAuto takes the session lock where the dialect has one.
func TestAuto(t *testing.T) {
	for _, kind := range testdb.Kinds() {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			db := testdb.New(t, kind)
			h, _ := mustAcquire(t, db, db.Open(t), "job", options(lock.Auto, time.Second))
			want := lock.Table
			if _, ok := db.Dialect.(dialect.SessionLocker); ok {
				want = lock.Session
			}
			if h.Mode() != want {
				t.Errorf("Auto on %s took a %s lock, want %s", kind, h.Mode(), want)
			}
		})
	}
}

func TestAcquireRefuses(t *testing.T) {
	t.Parallel()
	db := testdb.New(t, testdb.SQLite)
	ctx := context.Background()
	for _, c := range []struct {
		name string
		key  string
		conn bool
		db   bool
		opts lock.Options
		want string
	}{
		{"session on SQLite", "k", true, true, options(lock.Session, 0), "no session locks"},
		{"empty key", "", true, true, options(lock.Table, time.Second), "key is empty"},
		{"lease without a database", "k", true, false, options(lock.Table, time.Second), "needs a database"},
		{"invalid options", "k", true, true, lock.Options{}, "lease TTL 0s is too short"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var conn *sql.Conn
			if c.conn {
				conn = pin(t, db.DB)
			}
			pool := db.DB
			if !c.db {
				pool = nil
			}
			h, err := lock.Acquire(ctx, db.Dialect, pool, conn, c.key, c.opts)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("Acquire = %v, %v; want an error containing %q", h, err, c.want)
			}
		})
	}
}

func TestOptionsValidate(t *testing.T) {
	t.Parallel()
	with := func(f func(*lock.Options)) lock.Options {
		o := lock.DefaultOptions()
		f(&o)
		return o
	}
	for _, c := range []struct {
		name string
		opts lock.Options
		want string // "" for valid
	}{
		{"defaults", lock.DefaultOptions(), ""},
		{"no wait", with(func(o *lock.Options) { o.Wait = 0 }), ""},
		{"session without lease settings", lock.Options{Mode: lock.Session}, ""},
		{"negative wait", with(func(o *lock.Options) { o.Wait = -time.Second }), "negative"},
		{"unknown mode", with(func(o *lock.Options) { o.Mode = 7 }), "unknown mode"},
		{"short TTL", with(func(o *lock.Options) { o.TTL = 100 * time.Millisecond }), "too short"},
		{"short TTL in auto", lock.Options{Table: "t"}, "too short"},
		{"no table", with(func(o *lock.Options) { o.Table = "" }), "table name is empty"},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := c.opts.Validate()
			if c.want == "" && err != nil || c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)) {
				t.Errorf("Validate() = %v, want %q", err, c.want)
			}
		})
	}
}

// TestDeadHolderTakenOver: a lease whose owner is a process of this host
// that no longer runs is taken over at once, long before it expires; one
// whose owner runs elsewhere is not.
func TestDeadHolderTakenOver(t *testing.T) {
	leases(t, func(t *testing.T, db *testdb.DB) {
		ctx := context.Background()
		d := db.Dialect
		first, _ := mustAcquire(t, db, db.Open(t), "job", options(lock.Table, time.Second))
		if err := first.Release(ctx); err != nil {
			t.Fatal(err)
		}
		gone := osexec.Command("true")
		if err := gone.Run(); err != nil {
			t.Skipf("cannot start a process to outlive: %v", err)
		}
		host, _ := os.Hostname()
		setOwner := func(owner string) {
			exec(t, db.DB, `UPDATE `+d.QuoteIdent(leaseTable)+` SET `+d.QuoteIdent("owner")+` = `+d.Placeholder(1)+`, `+d.QuoteIdent("expires_at")+` = `+d.NowMillis()+
				` + 600000 WHERE `+d.QuoteIdent("name")+` = `+d.Placeholder(2), owner, "job")
		}
		setOwner(fmt.Sprintf("%s:%d:dead", host, gone.Process.Pid))
		o := options(lock.Table, time.Minute)
		o.Wait = 10 * time.Second
		mustAcquire(t, db, db.Open(t), "job", o)
		if owner, _, _ := lease(t, db, "job"); !strings.Contains(owner, fmt.Sprintf(":%d:", os.Getpid())) {
			t.Errorf("lease owner after taking over a dead holder = %q", owner)
		}

		setOwner("elsewhere.example:1:alive")
		o.Wait = 0
		if _, _, err := acquire(t, ctx, db, db.Open(t), "job", o); !errors.Is(err, lock.ErrTimeout) {
			t.Errorf("Acquire over another host's holder = %v, want ErrTimeout", err)
		}
	})
}

// TestReleaseFromAbortedSession: a run interrupted mid-transaction can
// leave its session unable to run the unlock (PostgreSQL: "current
// transaction is aborted"); the release then ends the session, so that the
// lock is freed and the connection never goes back to the pool holding it.
func TestReleaseFromAbortedSession(t *testing.T) {
	t.Parallel()
	db := testdb.New(t, testdb.Postgres)
	ctx := context.Background()
	pool := db.Open(t)
	conn := pin(t, pool)
	h, err := lock.Acquire(ctx, db.Dialect, pool, conn, "job", options(lock.Session, time.Second))
	if err != nil {
		t.Fatal(err)
	}
	exec(t, conn, "BEGIN")
	if _, err := conn.ExecContext(ctx, "SELECT 1/0"); err == nil {
		t.Fatal("1/0 succeeded")
	}
	if err := h.Release(ctx); err != nil {
		t.Fatalf("Release from an aborted session = %v, want nil (the session is ended instead)", err)
	}
	conn.Close()
	o := options(lock.Session, time.Second)
	o.Wait = 10 * time.Second
	mustAcquire(t, db, db.Open(t), "job", o)
}
