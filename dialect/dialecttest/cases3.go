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

func view(body string) string {
	return migration("DROP VIEW IF EXISTS runs_view;\nCREATE VIEW runs_view AS "+body+";", "DROP VIEW runs_view;")
}

func testRepeatable(t *testing.T, db Database) {
	ctx := context.Background()
	fsys := basic()
	fsys["R__runs_view.sql"] = files("x", view("SELECT v FROM runs"))["x"]
	m := newMigrator(t, db, nil, fsys)
	rs := mustUp(t, m)
	if got := versions(rs); !slices.Equal(got, []string{"up 1", "up 2", "up 3", "up "}) || rs[3].Migration.Name != "runs_view" {
		t.Fatalf("Up applied %v", got)
	}
	if rs := mustUp(t, m); len(rs) != 0 {
		t.Fatalf("Up of an unchanged repeatable applied %v", versions(rs))
	}
	fsys["R__runs_view.sql"] = files("x", view("SELECT v, v AS w FROM runs"))["x"]
	m = newMigrator(t, db, nil, fsys)
	st, err := m.Status(ctx)
	if err != nil || st[3].State != tide.StateOutdated || !st[3].Migration.Repeatable {
		t.Fatalf("status of a changed repeatable: %+v, %v", st, err)
	}
	if err := m.Validate(ctx); err != nil {
		t.Fatalf("a changed repeatable is not drift, but Validate says %v", err)
	}
	rs = mustUp(t, m)
	if len(rs) != 1 || !rs[0].Migration.Repeatable {
		t.Fatalf("Up after changing the repeatable applied %v", versions(rs))
	}
	if n := count(t, db.DB, "SELECT COUNT(*) FROM runs_view WHERE w = '1'"); n != 1 {
		t.Fatalf("the new view is not there: %d rows", n)
	}
	rs, err = m.DownAll(ctx)
	if err != nil || len(rs) != 4 || !rs[0].Migration.Repeatable {
		t.Fatalf("DownAll = %v, %v; want the repeatable first", versions(rs), err)
	}
	if tableExists(t, db, "runs") {
		t.Fatal("DownAll left runs")
	}
}

func testAdopt(t *testing.T, db Database) {
	ctx := context.Background()
	for _, s := range []string{"CREATE TABLE runs (v VARCHAR(20))", "CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(50))"} {
		if _, err := db.DB.ExecContext(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	when := time.Date(2024, 3, 1, 12, 30, 0, 0, time.UTC)
	applied := []tide.Adoption{{Version: tide.MustParseVersion("1"), AppliedAt: when}, {Version: tide.MustParseVersion("2")}}
	m := newMigrator(t, db, nil, basic())
	if _, err := m.Adopt(ctx, "goose", append(applied, tide.Adoption{Version: tide.MustParseVersion("7")}), false); err == nil || !strings.Contains(err.Error(), "7") {
		t.Fatalf("Adopt of an unknown version: %v", err)
	}
	rs, err := m.Adopt(ctx, "goose", applied, true)
	if err != nil || len(rs) != 2 || !rs[0].Adopted {
		t.Fatalf("dry run = %+v, %v", rs, err)
	}
	if tableExists(t, db, "tide_migrations") {
		t.Fatal("dry run created the version table")
	}
	if rs, err = m.Adopt(ctx, "goose", applied, false); err != nil || len(rs) != 2 {
		t.Fatalf("Adopt = %+v, %v", rs, err)
	}
	if rs, err = m.Adopt(ctx, "goose", applied, false); err != nil || len(rs) != 0 {
		t.Fatalf("second Adopt = %+v, %v; want nothing new", rs, err)
	}
	st, err := m.Status(ctx)
	if err != nil || !st[0].Adopted || !st[0].AppliedAt.Equal(when) || !strings.HasPrefix(st[0].AppliedBy, "goose") {
		t.Fatalf("status after adopt: %+v, %v", st[0], err)
	}
	if got := versions(mustUp(t, m)); !slices.Equal(got, []string{"up 3"}) {
		t.Fatalf("Up after adopt applied %v", got)
	}
	if got, err := m.DownAll(ctx); err != nil || len(got) != 3 {
		t.Fatalf("DownAll after adopt = %v, %v", versions(got), err)
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
	m = newMigrator(t, db, nil, fsys, tide.WithLockTimeout(time.Second))
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
