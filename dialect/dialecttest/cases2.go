package dialecttest

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tidemigrate/tide"
	"github.com/tidemigrate/tide/dialect"
)

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

func testGoMigrations(t *testing.T, db Database) {
	ctx := context.Background()
	var order []string
	gm := func(v string, noTx bool) tide.GoMigration {
		return tide.GoMigration{
			Version: tide.MustParseVersion(v), Name: "go_" + v, NoTransaction: noTx,
			Up: func(ctx context.Context, q dialect.Querier) error {
				order = append(order, v)
				_, err := q.ExecContext(ctx, "INSERT INTO runs (v) VALUES ('"+v+"')")
				return err
			},
			Down: func(ctx context.Context, q dialect.Querier) error {
				_, err := q.ExecContext(ctx, "DELETE FROM runs WHERE v = '"+v+"'")
				return err
			},
		}
	}
	m := newMigrator(t, db, nil, basic(), tide.WithGoMigrations(gm("2.5", false), gm("4", true)))
	rs := mustUp(t, m)
	if got := versions(rs); !slices.Equal(got, []string{"up 1", "up 2", "up 2.5", "up 3", "up 4"}) {
		t.Fatalf("Up with Go migrations applied %v", got)
	}
	if n := count(t, db.DB, "SELECT COUNT(*) FROM runs WHERE v IN ('2.5', '4')"); n != 2 {
		t.Fatalf("Go migrations wrote %d rows, want 2", n)
	}
	if _, err := m.DownTo(ctx, tide.MustParseVersion("2")); err != nil {
		t.Fatalf("DownTo(2): %v", err)
	}
	if n := count(t, db.DB, "SELECT COUNT(*) FROM runs WHERE v IN ('2.5', '4')"); n != 0 {
		t.Fatalf("Go downs left %d rows", n)
	}
	_, err := tide.New(db.Dialect, db.DB, basic(), tide.WithGoMigrations(gm("2", false)))
	if err == nil || !strings.Contains(err.Error(), "2_users.sql") {
		t.Fatalf("Go migration colliding with a file: %v", err)
	}
}

func testBaseline(t *testing.T, db Database) {
	ctx := context.Background()
	// The schema of migrations 1 and 2 exists already, made by hand.
	for _, s := range []string{"CREATE TABLE runs (v VARCHAR(20))", "CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(50))"} {
		if _, err := db.DB.ExecContext(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	m := newMigrator(t, db, nil, basic())
	rs, err := m.Baseline(ctx, tide.MustParseVersion("2"))
	if err != nil || len(rs) != 2 || !rs[0].Baselined {
		t.Fatalf("Baseline(2) = %+v, %v", rs, err)
	}
	st, err := m.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !st[0].Baselined || st[0].State != tide.StateApplied || st[2].State != tide.StatePending {
		t.Fatalf("status after baseline: %+v", st)
	}
	rs = mustUp(t, m)
	if got := versions(rs); !slices.Equal(got, []string{"up 3"}) {
		t.Fatalf("Up after baseline applied %v", got)
	}
	if n := count(t, db.DB, "SELECT COUNT(*) FROM runs"); n != 1 {
		t.Fatalf("baselined migrations ran: runs has %d rows", n)
	}
}

func testPlan(t *testing.T, db Database) {
	ctx := context.Background()
	m := newMigrator(t, db, nil, basic())
	plan, err := m.Plan(ctx, tide.Version{})
	if err != nil || len(plan) != 3 || len(plan[1].Statements()) != 2 {
		t.Fatalf("Plan = %+v, %v", plan, err)
	}
	if tableExists(t, db, "tide_migrations") || tableExists(t, db, "runs") {
		t.Fatal("Plan changed the database")
	}
	if _, err := m.UpTo(ctx, tide.MustParseVersion("1")); err != nil {
		t.Fatal(err)
	}
	plan, err = m.Plan(ctx, tide.MustParseVersion("2"))
	if err != nil || len(plan) != 1 || plan[0].Migration.Version.String() != "2" {
		t.Fatalf("Plan(2) after Up(1) = %+v, %v", plan, err)
	}
}

func testRedo(t *testing.T, db Database) {
	m := newMigrator(t, db, nil, basic())
	mustUp(t, m)
	rs, err := m.Redo(context.Background())
	if err != nil || !slices.Equal(versions(rs), []string{"down 3", "up 3"}) {
		t.Fatalf("Redo = %v, %v", versions(rs), err)
	}
	if n := count(t, db.DB, "SELECT COUNT(*) FROM runs WHERE v IN ('3', '-3')"); n != 3 {
		t.Fatalf("runs rows of 3 after Redo: %d, want 3 (up, down, up)", n)
	}
}

func testIrreversible(t *testing.T, db Database) {
	ctx := context.Background()
	fsys := basic()
	fsys["2_users.sql"].Data = []byte(migration("CREATE TABLE users (id INTEGER PRIMARY KEY);", ""))
	m := newMigrator(t, db, nil, fsys)
	mustUp(t, m)
	rs, err := m.DownAll(ctx)
	if !errors.Is(err, tide.ErrNoDown) || len(rs) != 0 {
		t.Fatalf("DownAll over an irreversible migration = %v, %v; want ErrNoDown and nothing reverted", versions(rs), err)
	}
	if !tableExists(t, db, "posts") {
		t.Fatal("DownAll reverted migration 3 although 2 cannot be reverted")
	}
	if rs, err := m.Down(ctx); err != nil || len(rs) != 1 {
		t.Fatalf("Down of the reversible newest = %v, %v", versions(rs), err)
	}
}

func testNoTransaction(t *testing.T, db Database) {
	index := "CREATE INDEX users_name ON users (name);"
	drop := "DROP INDEX users_name;"
	switch db.Dialect.Name() {
	case "postgres":
		index = "CREATE INDEX CONCURRENTLY users_name ON users (name);"
		drop = "DROP INDEX CONCURRENTLY users_name;"
	case "mysql":
		drop = "DROP INDEX users_name ON users;"
	}
	fsys := basic()
	fsys["4_index.sql"] = files("x", "-- +tide no-transaction\n"+migration(index, drop))["x"]
	m := newMigrator(t, db, nil, fsys)
	rs := mustUp(t, m)
	if len(rs) != 4 || !rs[3].Migration.NoTransaction {
		t.Fatalf("Up = %+v", rs)
	}
	if _, err := m.Down(context.Background()); err != nil {
		t.Fatalf("Down of a no-transaction migration: %v", err)
	}
}

func testHistory(t *testing.T, db Database) {
	before := time.Now().Add(-time.Minute)
	m := newMigrator(t, db, nil, basic(), tide.WithAppliedBy("deployer", "ci-7"))
	mustUp(t, m)
	st, err := m.Status(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range st {
		if s.AppliedBy != "deployer" || s.AppliedHost != "ci-7" || s.AppliedAt.Before(before) || s.AppliedAt.After(time.Now().Add(time.Minute)) {
			t.Fatalf("history of %s: by %q on %q at %s", s.Migration.Version, s.AppliedBy, s.AppliedHost, s.AppliedAt)
		}
	}
}

func testQuotedTable(t *testing.T, db Database) {
	m := newMigrator(t, db, nil, basic(), tide.WithTable(`odd "name"`), tide.WithLockMode(tide.LockTable))
	mustUp(t, m)
	if !tableExists(t, db, `odd "name"`) || !tableExists(t, db, `odd "name"_lock`) {
		t.Fatal("version table with an odd name was not created as named")
	}
	if rs := mustUp(t, m); len(rs) != 0 {
		t.Fatalf("second Up applied %v", versions(rs))
	}
}

// testDialectBodies runs statements that only an exact splitter gets right.
func testDialectBodies(t *testing.T, db Database) {
	var up, down string
	switch db.Dialect.Name() {
	case "postgres":
		up = `CREATE TABLE audit (id serial PRIMARY KEY, note text);
CREATE FUNCTION note_it() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO audit (note) VALUES ('semi; colon ' || NEW.v);
  RETURN NEW;
END;
$$;
CREATE TRIGGER runs_audit AFTER INSERT ON runs FOR EACH ROW EXECUTE FUNCTION note_it();
INSERT INTO runs (v) VALUES (E'it\'s');`
		down = "DROP TRIGGER runs_audit ON runs;\nDROP FUNCTION note_it();\nDROP TABLE audit;"
	case "mysql":
		up = `CREATE TABLE audit (id INT AUTO_INCREMENT PRIMARY KEY, note TEXT);
CREATE TRIGGER runs_audit AFTER INSERT ON runs FOR EACH ROW
BEGIN
  IF NEW.v <> '' THEN
    INSERT INTO audit (note) VALUES (CONCAT('semi; colon ', NEW.v));
  END IF;
END;
INSERT INTO runs (v) VALUES ('it\'s'); # a comment; with a semicolon`
		down = "DROP TRIGGER runs_audit;\nDROP TABLE audit;"
	default:
		up = `CREATE TABLE audit (id INTEGER PRIMARY KEY, note TEXT);
CREATE TRIGGER runs_audit AFTER INSERT ON runs
BEGIN
  INSERT INTO audit (note) VALUES ('semi; colon ' || CASE WHEN NEW.v = '' THEN 'empty' ELSE NEW.v END);
END;
INSERT INTO runs (v) VALUES ('it''s');`
		down = "DROP TRIGGER runs_audit;\nDROP TABLE audit;"
	}
	fsys := basic()
	fsys["4_bodies.sql"] = files("x", migration(up, down))["x"]
	m := newMigrator(t, db, nil, fsys)
	mustUp(t, m)
	if n := count(t, db.DB, "SELECT COUNT(*) FROM audit"); n != 1 {
		t.Fatalf("trigger wrote %d audit rows, want 1", n)
	}
	if _, err := m.Down(context.Background()); err != nil {
		t.Fatalf("Down: %v", err)
	}
}
