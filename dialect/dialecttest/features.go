package dialecttest

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tidemigrate/tide"
	"github.com/tidemigrate/tide/adopt"
	"github.com/tidemigrate/tide/dialect"
)

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
	applied := &adopt.Plan{Source: "goose", Adoptions: []adopt.Adoption{{Version: tide.MustParseVersion("1"), AppliedAt: when}, {Version: tide.MustParseVersion("2")}}}
	m := newMigrator(t, db, nil, basic())
	unknown := &adopt.Plan{Source: "goose", Adoptions: append(slices.Clone(applied.Adoptions), adopt.Adoption{Version: tide.MustParseVersion("7")})}
	if _, err := m.Adopt(ctx, unknown, false); err == nil || !strings.Contains(err.Error(), "7") {
		t.Fatalf("Adopt of an unknown version: %v", err)
	}
	rs, err := m.Adopt(ctx, applied, true)
	if err != nil || len(rs) != 2 || !rs[0].Adopted {
		t.Fatalf("dry run = %+v, %v", rs, err)
	}
	if tableExists(t, db, "tide_migrations") {
		t.Fatal("dry run created the version table")
	}
	if rs, err = m.Adopt(ctx, applied, false); err != nil || len(rs) != 2 {
		t.Fatalf("Adopt = %+v, %v", rs, err)
	}
	if rs, err = m.Adopt(ctx, applied, false); err != nil || len(rs) != 0 {
		t.Fatalf("second Adopt = %+v, %v; want nothing new", rs, err)
	}
	st, err := m.Status(ctx)
	if err != nil || !st[0].Adopted || !st[0].AppliedAt.Equal(when) || st[0].AdoptedFrom != "goose" {
		t.Fatalf("status after adopt: %+v, %v", st[0], err)
	}
	if got := versions(mustUp(t, m)); !slices.Equal(got, []string{"up 3"}) {
		t.Fatalf("Up after adopt applied %v", got)
	}
	if got, err := m.DownAll(ctx); err != nil || len(got) != 3 {
		t.Fatalf("DownAll after adopt = %v, %v", versions(got), err)
	}
}

// testRepair: an applied file edited on purpose is shown as a diff and
// accepted by hand; a partial migration is resolved by hand, recorded with
// who and when.
func testRepair(t *testing.T, db Database) {
	ctx := context.Background()
	fsys := basic()
	mustUp(t, newMigrator(t, db, nil, fsys))
	edited := basic()
	edited["2_users.sql"].Data = []byte(strings.Replace(string(edited["2_users.sql"].Data), "name VARCHAR(50)", "name VARCHAR(50) -- a comment now\n", 1))
	edited["2_users.sql"].Data = []byte(strings.Replace(string(edited["2_users.sql"].Data), "INSERT INTO runs (v) VALUES ('2')", "INSERT INTO runs (v) VALUES ('two')", 1))
	m := newMigrator(t, db, nil, edited)
	var de *tide.DriftError
	if err := m.Validate(ctx); !errors.As(err, &de) {
		t.Fatalf("Validate after an edit = %v, want drift", err)
	}
	diff, ok, err := m.Diff(ctx, tide.MustParseVersion("2"))
	if err != nil || !ok || !strings.Contains(diff, "-INSERT INTO runs (v) VALUES ('2');") || !strings.Contains(diff, "+INSERT INTO runs (v) VALUES ('two');") {
		t.Fatalf("Diff = %q, %v, %v", diff, ok, err)
	}
	if _, err := m.Accept(ctx, tide.MustParseVersion("1")); err == nil || !strings.Contains(err.Error(), "unchanged") {
		t.Errorf("Accept of an unchanged migration = %v", err)
	}
	rep, err := m.Accept(ctx, tide.MustParseVersion("2"))
	if err != nil || !strings.Contains(rep.What, "accepted the edited file") {
		t.Fatalf("Accept = %+v, %v", rep, err)
	}
	if err := m.Validate(ctx); err != nil {
		t.Fatalf("Validate after Accept: %v", err)
	}
	if diff, ok, err := m.Diff(ctx, tide.MustParseVersion("2")); err != nil || !ok || diff != "" {
		t.Errorf("Diff after Accept = %q, %v, %v; want none", diff, ok, err)
	}
	st, err := m.Status(ctx)
	if err != nil || st[1].Repair == nil || st[1].Repair.By == "" || st[1].Repair.At.IsZero() {
		t.Fatalf("status after Accept: %+v, %v", st[1], err)
	}
}

// testResolve: a partially applied migration is resolved by hand: none of
// it took effect (pending again), then part of it (tide continues after
// that part).
func testResolve(t *testing.T, db Database) {
	ctx := context.Background()
	bad := files(fsOf(stepwise(db, failing(false)))...)
	if _, err := newMigrator(t, db, nil, bad).Up(ctx); err == nil {
		t.Fatal("Up of a failing migration succeeded")
	}
	m := newMigrator(t, db, nil, bad)
	v := tide.MustParseVersion("2")
	if _, err := m.Resolve(ctx, v, 4); err == nil || !strings.Contains(err.Error(), "0 to 3 applied") {
		t.Errorf("Resolve beyond the statements = %v", err)
	}
	var pe *tide.PartialError
	if _, err := m.Accept(ctx, v); !errors.As(err, &pe) {
		t.Errorf("Accept of a partial migration = %v, want a PartialError", err)
	}
	// Undo statement 1 by hand, and say that nothing took effect.
	if _, err := db.DB.ExecContext(ctx, "DROP TABLE t2a"); err != nil {
		t.Fatal(err)
	}
	rep, err := m.Resolve(ctx, v, 0)
	if err != nil || !rep.Removed {
		t.Fatalf("Resolve(0) = %+v, %v", rep, err)
	}
	if st := states(t, m); st["2"] != tide.StatePending {
		t.Fatalf("after Resolve(0): %v", st)
	}
	if _, err := m.Up(ctx); err == nil {
		t.Fatal("Up of the failing migration succeeded")
	}
	// Run the failing statement's fix by hand, and say that statements 1
	// and 2 of the fixed file took effect: tide continues at 3.
	if _, err := db.DB.ExecContext(ctx, "CREATE TABLE t2b (id INTEGER PRIMARY KEY)"); err != nil {
		t.Fatal(err)
	}
	fixed := newMigrator(t, db, nil, files(fsOf(stepwise(db, failing(true)))...))
	if rep, err = fixed.Resolve(ctx, v, 2); err != nil || !strings.Contains(rep.What, "continues at statement 3") {
		t.Fatalf("Resolve(2) = %+v, %v", rep, err)
	}
	rs, err := fixed.Up(ctx)
	if err != nil || len(rs) != 2 || rs[0].Resumed != 2 {
		t.Fatalf("Up after Resolve(2) = %+v, %v", rs, err)
	}
	for _, table := range []string{"t2a", "t2b", "t2c", "t3"} {
		if !tableExists(t, db, table) {
			t.Errorf("table %s missing", table)
		}
	}
}
