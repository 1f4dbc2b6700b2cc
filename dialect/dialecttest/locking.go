package dialecttest

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tidemigrate/tide"
	"github.com/tidemigrate/tide/dialect"
)

// testRace starts several migrators at once, each with its own connection
// pool as separate processes would have, and checks that every migration
// ran exactly once and every migrator succeeded.
func testRace(t *testing.T, db Database, mode tide.LockMode) {
	const n = 6
	var wg sync.WaitGroup
	errs := make([]error, n)
	applied := make([]int, n)
	start := make(chan struct{})
	for i := range n {
		conn := db.Open(t)
		m := newMigrator(t, db, conn, basic(), tide.WithLockMode(mode), tide.WithLeaseTTL(5*time.Second))
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			rs, err := m.Up(context.Background())
			errs[i], applied[i] = err, len(rs)
		}()
	}
	close(start)
	wg.Wait()
	total := 0
	for i := range n {
		if errs[i] != nil {
			t.Errorf("migrator %d: %v", i, errs[i])
		}
		total += applied[i]
	}
	if total != 3 {
		t.Errorf("migrators applied %d migrations in all, want 3", total)
	}
	for _, v := range []string{"1", "2", "3"} {
		if got := count(t, db.DB, "SELECT COUNT(*) FROM runs WHERE v = '"+v+"'"); got != 1 {
			t.Errorf("migration %s ran %d times", v, got)
		}
	}
}

// testStaleLease leaves a lease owned by a migrator that died, and checks
// that a new migrator takes it over once it expires, and not before.
func testStaleLease(t *testing.T, db Database) {
	ctx := context.Background()
	mustUp(t, newMigrator(t, db, nil, files("1_runs.sql", string(basic()["1_runs.sql"].Data)), tide.WithLockMode(tide.LockTable)))
	q := db.Dialect.QuoteIdent("tide_migrations_lock")
	ph := db.Dialect.Placeholder
	_, err := db.DB.ExecContext(ctx, `UPDATE `+q+` SET owner = 'ghost', expires_at = `+db.Dialect.NowMillis()+` + 1500 WHERE name = `+ph(1), "tide_migrations")
	if err != nil {
		t.Fatal(err)
	}
	var waited []tide.LockWaiting
	m := newMigrator(t, db, nil, basic(), tide.WithLockMode(tide.LockTable), tide.WithLeaseTTL(time.Second),
		tide.WithObserver(func(e tide.Event) {
			if w, ok := e.(tide.LockWaiting); ok {
				waited = append(waited, w)
			}
		}))
	begin := time.Now()
	rs, err := m.Up(ctx)
	if err != nil || len(rs) != 2 {
		t.Fatalf("Up after a stale lease = %v, %v", versions(rs), err)
	}
	if len(waited) != 1 || !strings.Contains(waited[0].Holder, "ghost") {
		t.Fatalf("LockWaiting events = %+v, want one naming the ghost holder", waited)
	}
	if time.Since(begin) < time.Second {
		t.Fatalf("took the lease over after %s, before it expired", time.Since(begin))
	}
}

// blocker is a Go migration that signals when it runs and waits until
// released or cancelled.
func blocker(version string, started chan<- struct{}, release <-chan struct{}) tide.GoMigration {
	return tide.GoMigration{
		Version: tide.MustParseVersion(version), Name: "block",
		Up: func(ctx context.Context, db dialect.Querier) error {
			close(started)
			select {
			case <-release:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		},
	}
}

func testLockWaitTimeout(t *testing.T, db Database) {
	ctx := context.Background()
	started, release := make(chan struct{}), make(chan struct{})
	holder := newMigrator(t, db, db.Open(t), basic(), tide.WithGoMigrations(blocker("4", started, release)))
	done := make(chan error, 1)
	go func() { _, err := holder.Up(ctx); done <- err }()
	<-started
	waiter := newMigrator(t, db, db.Open(t), basic(), tide.WithLockWait(700*time.Millisecond),
		tide.WithGoMigrations(tide.GoMigration{Version: tide.MustParseVersion("4"), Name: "block",
			Up: func(context.Context, dialect.Querier) error { return errors.New("must not run") }}))
	_, err := waiter.Up(ctx)
	close(release)
	if !errors.Is(err, tide.ErrLockTimeout) {
		t.Errorf("second migrator: %v, want ErrLockTimeout", err)
	}
	if err := <-done; err != nil {
		t.Fatalf("holder: %v", err)
	}
}

func testCancel(t *testing.T, db Database) {
	ctx, cancel := context.WithCancel(context.Background())
	started := make(chan struct{})
	m := newMigrator(t, db, nil, files("1_runs.sql", string(basic()["1_runs.sql"].Data)),
		tide.WithGoMigrations(blocker("2", started, nil)))
	done := make(chan error, 1)
	go func() { _, err := m.Up(ctx); done <- err }()
	<-started
	cancel()
	err := <-done
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled Up = %v, want context.Canceled", err)
	}
	// The lock was released: another migrator gets it at once.
	m2 := newMigrator(t, db, db.Open(t), files("1_runs.sql", string(basic()["1_runs.sql"].Data)), tide.WithLockWait(2*time.Second),
		tide.WithGoMigrations(tide.GoMigration{Version: tide.MustParseVersion("2"), Name: "block",
			Up: func(context.Context, dialect.Querier) error { return nil }}))
	if st := states(t, m2); st["2"] != tide.StatePending || st["1"] != tide.StateApplied {
		t.Fatalf("after cancel: %v, want 1 applied and 2 pending", st)
	}
	if rs, err := m2.Up(context.Background()); err != nil || len(rs) != 1 {
		t.Fatalf("Up after a cancelled run = %v, %v", versions(rs), err)
	}
}

// testLockTimeout holds a lock on a table from another transaction and
// checks that DDL waiting for it fails after the configured lock timeout
// instead of queueing (and blocking every later query on the table).
func testLockTimeout(t *testing.T, db Database) {
	if _, ok := db.Dialect.(dialect.LockTimeoutSetter); !ok {
		t.Skipf("%s has no lock timeout for DDL", db.Dialect.Name())
	}
	ctx := context.Background()
	fsys := basic()
	m := newMigrator(t, db, nil, fsys)
	mustUp(t, m)
	other := db.Open(t)
	tx, err := other.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, "SELECT COUNT(*) FROM users"); err != nil {
		t.Fatal(err)
	}
	if db.Dialect.Name() == "postgres" {
		if _, err := tx.ExecContext(ctx, "LOCK TABLE users IN ACCESS SHARE MODE"); err != nil {
			t.Fatal(err)
		}
	}
	fsys["4_alter.sql"] = files("x", migration("ALTER TABLE users ADD COLUMN nick VARCHAR(20);", "ALTER TABLE users DROP COLUMN nick;"))["x"]
	m = newMigrator(t, db, nil, fsys, tide.WithLockTimeout(time.Second), tide.WithLockRetries(1, 0))
	_, err = m.Up(ctx)
	var me *tide.MigrationError
	if !errors.As(err, &me) || me.Version.String() != "4" {
		t.Fatalf("Up while the table is locked = %v, want a MigrationError for 4", err)
	}
	tx.Rollback()
	if got := versions(mustUp(t, m)); !slices.Equal(got, []string{"up 4"}) {
		t.Fatalf("Up once the lock is gone applied %v", got)
	}
}

// testCancelServerSide cancels a migration while the server runs a long
// statement: the statement must stop on the server too, so that its locks
// and the migration lock are free at once, not when it would have ended.
func testCancelServerSide(t *testing.T, db Database) {
	var sleep string
	switch db.Dialect.Name() {
	case "postgres":
		sleep = "SELECT pg_sleep(60);"
	case "mysql":
		sleep = "SELECT SLEEP(60);"
	default:
		t.Skipf("%s runs in process: nothing to cancel on a server", db.Dialect.Name())
	}
	fsys := basic()
	fsys["4_slow.sql"] = files("x", migration("INSERT INTO runs (v) VALUES ('4');\n"+sleep, ""))["x"]
	mustUp(t, newMigrator(t, db, nil, basic()))
	ctx, cancel := context.WithCancel(context.Background())
	started := make(chan struct{})
	var once bool
	m := newMigrator(t, db, db.Open(t), fsys, tide.WithObserver(func(e tide.Event) {
		if s, ok := e.(tide.StatementDone); ok && s.Index == 1 && !once {
			once = true
			close(started)
		}
	}))
	done := make(chan error, 1)
	go func() { _, err := m.Up(ctx); done <- err }()
	<-started
	time.Sleep(200 * time.Millisecond) // let the sleep start on the server
	cancel()
	if err := <-done; err == nil {
		t.Fatal("cancelled Up succeeded")
	}
	other := newMigrator(t, db, db.Open(t), basic(), tide.WithLockWait(20*time.Second))
	if _, err := other.DownTo(context.Background(), tide.MustParseVersion("2")); err != nil {
		t.Fatalf("after the cancel, the lock or the table stayed held: %v", err)
	}
	if n := count(t, db.DB, "SELECT COUNT(*) FROM runs WHERE v = '4'"); n != 0 {
		t.Fatalf("the cancelled migration left %d rows", n)
	}
}

// testLockRetry: DDL that times out waiting for a table lock held by a
// reader is tried again after a pause, naming the reader, and succeeds
// once the reader is done; the application's queries never queue behind a
// long wait.
func testLockRetry(t *testing.T, db Database) {
	if _, ok := db.Dialect.(dialect.LockTimeoutSetter); !ok {
		t.Skipf("%s has no lock timeout for DDL", db.Dialect.Name())
	}
	ctx := context.Background()
	fsys := basic()
	mustUp(t, newMigrator(t, db, nil, fsys))
	other := db.Open(t)
	tx, err := other.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, "SELECT COUNT(*) FROM users"); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var retries []tide.LockRetry
	released := make(chan struct{})
	fsys["4_alter.sql"] = files("x", migration("ALTER TABLE users ADD COLUMN nick VARCHAR(20);", "ALTER TABLE users DROP COLUMN nick;"))["x"]
	m := newMigrator(t, db, nil, fsys, tide.WithLockTimeout(100*time.Millisecond), tide.WithLockRetries(20, time.Minute),
		tide.WithObserver(func(e tide.Event) {
			r, ok := e.(tide.LockRetry)
			if !ok {
				return
			}
			mu.Lock()
			defer mu.Unlock()
			retries = append(retries, r)
			if len(retries) == 2 {
				tx.Rollback() // the reader is done
				close(released)
			}
		}))
	rs, err := m.Up(ctx)
	if err != nil || len(rs) != 1 {
		t.Fatalf("Up behind a reader = %v, %v; want it applied once the reader is done", versions(rs), err)
	}
	<-released
	mu.Lock()
	defer mu.Unlock()
	if len(retries) < 2 || retries[0].Attempt != 1 {
		t.Fatalf("retries = %+v", retries)
	}
	if !strings.Contains(retries[0].Blockers, "SELECT COUNT(*) FROM users") && !strings.Contains(retries[0].Blockers, "transaction open") {
		t.Errorf("the first retry names no blocker: %q", retries[0].Blockers)
	}
	// The session that asks who blocks is tide's own, not a blocker.
	for _, own := range []string{"pg_stat_activity", "INNODB_TRX", "'pid ' ||", "CONCAT('connection '"} {
		if strings.Contains(retries[0].Blockers, own) {
			t.Errorf("the first retry names tide's own look-up of the blockers as one: %q", retries[0].Blockers)
		}
	}
}

// testLockTimeoutWaits: DDL waits for its table lock as long as the lock
// timeout, not less, so that a reader ending during the wait costs no
// retry. On MySQL, whose lock_wait_timeout counts whole seconds, a timeout
// under a second is kept by tide watching the wait (the server's 0 would
// give up at once, and starve the DDL on a busy table).
func testLockTimeoutWaits(t *testing.T, db Database) {
	var waiters string
	switch db.Dialect.Name() {
	case "postgres":
		waiters = `SELECT COUNT(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
			WHERE NOT l.granted AND c.relname = 'users' AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())`
	case "mysql":
		waiters = `SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE DB = DATABASE() AND STATE = 'Waiting for table metadata lock'`
	default:
		t.Skipf("%s has no table locks to wait for", db.Dialect.Name())
	}
	ctx := context.Background()
	fsys := basic()
	mustUp(t, newMigrator(t, db, nil, fsys))
	other := db.Open(t)
	tx, err := other.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, "SELECT COUNT(*) FROM users"); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var retries []tide.LockRetry
	fsys["4_alter.sql"] = files("x", migration("ALTER TABLE users ADD COLUMN nick VARCHAR(20);", "ALTER TABLE users DROP COLUMN nick;"))["x"]
	m := newMigrator(t, db, nil, fsys, tide.WithLockTimeout(900*time.Millisecond), tide.WithLockRetries(10, time.Minute),
		tide.WithObserver(func(e tide.Event) {
			if r, ok := e.(tide.LockRetry); ok {
				mu.Lock()
				retries = append(retries, r)
				mu.Unlock()
			}
		}))
	done := make(chan error, 1)
	go func() { _, err := m.Up(ctx); done <- err }()
	gaveUp := func() error {
		mu.Lock()
		defer mu.Unlock()
		if len(retries) > 0 {
			return retries[0].Err
		}
		return nil
	}
	for deadline := time.Now().Add(30 * time.Second); count(t, db.DB, waiters) == 0; time.Sleep(5 * time.Millisecond) {
		if err := gaveUp(); err != nil || time.Now().After(deadline) {
			tx.Rollback()
			<-done
			t.Fatalf("the ALTER behind the reader never waited for its lock (it gave up: %v)", err)
		}
	}
	tx.Rollback() // the reader is done while the ALTER waits
	if err := <-done; err != nil {
		t.Fatalf("Up behind a reader that ended within the lock timeout: %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(retries) > 0 {
		t.Errorf("the ALTER gave up instead of waiting for the lock timeout: %d retries, the first: %v", len(retries), retries[0].Err)
	}
	count(t, db.DB, "SELECT COUNT(nick) FROM users") // the column is there
}
