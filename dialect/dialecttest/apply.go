package dialecttest

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/tidemigrate/tide"
	"github.com/tidemigrate/tide/source"
)

func testUpDownUp(t *testing.T, db Database) {
	ctx := context.Background()
	m := newMigrator(t, db, nil, basic())
	rs := mustUp(t, m)
	if got := versions(rs); !slices.Equal(got, []string{"up 1", "up 2", "up 3"}) {
		t.Fatalf("Up applied %v", got)
	}
	for _, table := range []string{"runs", "users", "posts"} {
		if !tableExists(t, db, table) {
			t.Fatalf("table %s missing after Up", table)
		}
	}
	rs, err := m.DownAll(ctx)
	if err != nil {
		t.Fatalf("DownAll: %v", err)
	}
	if got := versions(rs); !slices.Equal(got, []string{"down 3", "down 2", "down 1"}) {
		t.Fatalf("DownAll reverted %v", got)
	}
	for _, table := range []string{"runs", "users", "posts"} {
		if tableExists(t, db, table) {
			t.Fatalf("table %s still there after DownAll", table)
		}
	}
	if n := len(mustUp(t, m)); n != 3 {
		t.Fatalf("second Up applied %d migrations, want 3", n)
	}
	for v, s := range states(t, m) {
		if s != tide.StateApplied {
			t.Errorf("migration %s is %s, want applied", v, s)
		}
	}
}

func testIdempotent(t *testing.T, db Database) {
	m := newMigrator(t, db, nil, basic())
	mustUp(t, m)
	if rs := mustUp(t, m); len(rs) != 0 {
		t.Fatalf("second Up applied %v", versions(rs))
	}
	if n := count(t, db.DB, "SELECT COUNT(*) FROM runs"); n != 3 {
		t.Fatalf("runs has %d rows, want 3", n)
	}
}

func testTargets(t *testing.T, db Database) {
	ctx := context.Background()
	m := newMigrator(t, db, nil, basic())
	rs, err := m.UpTo(ctx, tide.MustParseVersion("2"))
	if err != nil || !slices.Equal(versions(rs), []string{"up 1", "up 2"}) {
		t.Fatalf("UpTo(2) = %v, %v", versions(rs), err)
	}
	if _, err := m.UpTo(ctx, tide.MustParseVersion("9")); !errors.Is(err, tide.ErrUnknownVersion) {
		t.Fatalf("UpTo(9) error = %v, want ErrUnknownVersion", err)
	}
	mustUp(t, m)
	rs, err = m.DownTo(ctx, tide.MustParseVersion("1"))
	if err != nil || !slices.Equal(versions(rs), []string{"down 3", "down 2"}) {
		t.Fatalf("DownTo(1) = %v, %v", versions(rs), err)
	}
	if st := states(t, m); st["1"] != tide.StateApplied || st["2"] != tide.StatePending {
		t.Fatalf("after DownTo(1): %v", st)
	}
	rs, err = m.Down(ctx)
	if err != nil || !slices.Equal(versions(rs), []string{"down 1"}) {
		t.Fatalf("Down = %v, %v", versions(rs), err)
	}
	rs, err = m.Down(ctx)
	if err != nil || len(rs) != 0 {
		t.Fatalf("Down with nothing applied = %v, %v", versions(rs), err)
	}
}

// failing has a second migration whose second statement fails.
func failing(fixed bool) map[string]string {
	bad := "INSERT INTO no_such_table (x) VALUES (1);"
	if fixed {
		bad = "CREATE TABLE t2b (id INTEGER PRIMARY KEY);"
	}
	return map[string]string{
		"1_one.sql": migration("CREATE TABLE t1 (id INTEGER PRIMARY KEY);", "DROP TABLE t1;"),
		"2_two.sql": migration("CREATE TABLE t2a (id INTEGER PRIMARY KEY);\n"+bad+"\nCREATE TABLE t2c (id INTEGER PRIMARY KEY);",
			"DROP TABLE t2c;\nDROP TABLE t2b;\nDROP TABLE t2a;"),
		"3_three.sql": migration("CREATE TABLE t3 (id INTEGER PRIMARY KEY);", "DROP TABLE t3;"),
	}
}

func fsOf(m map[string]string) []string {
	var kv []string
	for k, v := range m {
		kv = append(kv, k, v)
	}
	return kv
}

func testFailure(t *testing.T, db Database) {
	m := newMigrator(t, db, nil, files(fsOf(failing(false))...))
	rs, err := m.Up(context.Background())
	if !slices.Equal(versions(rs), []string{"up 1"}) {
		t.Fatalf("applied %v before the failure, want [up 1]", versions(rs))
	}
	var me *tide.MigrationError
	if !errors.As(err, &me) {
		t.Fatalf("Up error = %v, want *MigrationError", err)
	}
	if me.Path != "2_two.sql" || me.Statement != 2 || me.Line != 3 || me.Version.String() != "2" || me.Direction != tide.Up {
		t.Fatalf("MigrationError = %+v, want 2_two.sql statement 2 line 3", me)
	}
	if !strings.Contains(err.Error(), "2_two.sql:3") {
		t.Fatalf("error %q does not name the file and line", err)
	}
	if tableExists(t, db, "t3") {
		t.Fatal("migration 3 ran after 2 failed")
	}
	st := states(t, m)
	if implicitCommits(db) {
		// MySQL: the DDL before the failure committed; tide records it.
		if me.Applied != 1 || me.Transactional || st["2"] != tide.StatePartial || !tableExists(t, db, "t2a") {
			t.Fatalf("MySQL failure: applied=%d transactional=%v state=%s", me.Applied, me.Transactional, st["2"])
		}
		return
	}
	if !me.Transactional || me.Applied != 0 || st["2"] != tide.StatePending || tableExists(t, db, "t2a") {
		t.Fatalf("transactional failure left state %s, t2a exists=%v, err=%+v", st["2"], tableExists(t, db, "t2a"), me)
	}
}

func testResumeAfterFix(t *testing.T, db Database) {
	ctx := context.Background()
	m := newMigrator(t, db, nil, files(fsOf(failing(false))...))
	if _, err := m.Up(ctx); err == nil {
		t.Fatal("Up of a failing migration succeeded")
	}
	fixed := newMigrator(t, db, nil, files(fsOf(failing(true))...))
	rs, err := fixed.Up(ctx)
	if err != nil {
		t.Fatalf("Up after the fix: %v", err)
	}
	want := []string{"up 2", "up 3"}
	if !slices.Equal(versions(rs), want) {
		t.Fatalf("Up after the fix applied %v, want %v", versions(rs), want)
	}
	if implicitCommits(db) && rs[0].Resumed != 1 {
		t.Fatalf("MySQL resume skipped %d statements, want 1", rs[0].Resumed)
	}
	for _, table := range []string{"t2a", "t2b", "t2c", "t3"} {
		if !tableExists(t, db, table) {
			t.Fatalf("table %s missing after resumed Up", table)
		}
	}
	if _, err := fixed.DownAll(ctx); err != nil {
		t.Fatalf("DownAll after resume: %v", err)
	}
	if tableExists(t, db, "t2a") || tableExists(t, db, "t1") {
		t.Fatal("tables left after DownAll")
	}
}

func testDMLFailureRollsBack(t *testing.T, db Database) {
	ctx := context.Background()
	m := newMigrator(t, db, nil, files(
		"1_t.sql", migration("CREATE TABLE t (id INTEGER PRIMARY KEY);", "DROP TABLE t;"),
		"2_rows.sql", migration("INSERT INTO t (id) VALUES (1);\nINSERT INTO t (id) VALUES (2);\nINSERT INTO t (id) VALUES (1);", "DELETE FROM t;"),
	))
	_, err := m.Up(ctx)
	var me *tide.MigrationError
	if !errors.As(err, &me) || me.Statement != 3 || !me.Transactional {
		t.Fatalf("Up error = %v, want a transactional failure at statement 3", err)
	}
	if n := count(t, db.DB, "SELECT COUNT(*) FROM t"); n != 0 {
		t.Fatalf("t has %d rows after a rolled-back migration, want 0", n)
	}
	if st := states(t, m); st["2"] != tide.StatePending {
		t.Fatalf("migration 2 is %s, want pending", st["2"])
	}
}

func testDrift(t *testing.T, db Database) {
	ctx := context.Background()
	fsys := basic()
	m := newMigrator(t, db, nil, fsys)
	if _, err := m.UpTo(ctx, tide.MustParseVersion("2")); err != nil {
		t.Fatal(err)
	}
	changed := basic()
	changed["2_users.sql"].Data = []byte(strings.Replace(string(changed["2_users.sql"].Data), "name VARCHAR(50)", "name VARCHAR(60)", 1))
	m2 := newMigrator(t, db, nil, changed)
	_, err := m2.Up(ctx)
	var de *tide.DriftError
	if !errors.As(err, &de) || len(de.Changed) != 1 || de.Changed[0].Path != "2_users.sql" {
		t.Fatalf("Up over a changed file: %v, want a DriftError naming 2_users.sql", err)
	}
	if tableExists(t, db, "posts") {
		t.Fatal("Up ran despite drift")
	}
	if err := m2.Validate(ctx); !errors.As(err, &de) {
		t.Fatalf("Validate = %v, want the drift", err)
	}
	if st := states(t, m2); st["2"] != tide.StateChanged {
		t.Fatalf("status of the changed file = %s", st["2"])
	}
	// Line endings and comments between statements do not count as a
	// change, nor does the same migration in another tool's format.
	crlf := basic()
	crlf["2_users.sql"].Data = []byte("-- a comment added later\n" + strings.ReplaceAll(string(crlf["2_users.sql"].Data), "\n", "\r\n"))
	if err := newMigrator(t, db, nil, crlf).Validate(ctx); err != nil {
		t.Fatalf("CRLF copy of an applied file reported as drift: %v", err)
	}
	goose := basic()
	delete(goose, "3_posts.sql")
	for name, f := range goose {
		goose[name] = &fstest.MapFile{Data: []byte(strings.NewReplacer("-- +tide up", "-- +goose Up", "-- +tide down", "-- +goose Down").Replace(string(f.Data)))}
	}
	if err := newMigrator(t, db, nil, goose, tide.WithFormat(source.Goose)).Validate(ctx); err != nil {
		t.Fatalf("the applied migrations in goose format reported as drift: %v", err)
	}
	missing := basic()
	delete(missing, "1_runs.sql")
	_, err = newMigrator(t, db, nil, missing).Up(ctx)
	if !errors.As(err, &de) || len(de.Missing) != 1 || de.Missing[0].String() != "1" {
		t.Fatalf("Up with a missing file: %v, want a DriftError naming version 1", err)
	}
}

func testOutOfOrder(t *testing.T, db Database) {
	ctx := context.Background()
	all := basic()
	gap := basic()
	delete(gap, "2_users.sql")
	mustUp(t, newMigrator(t, db, nil, gap))
	_, err := newMigrator(t, db, nil, all).Up(ctx)
	var oe *tide.OutOfOrderError
	if !errors.As(err, &oe) || len(oe.Pending) != 1 || oe.Pending[0].String() != "2" || oe.Latest.String() != "3" {
		t.Fatalf("Up with an older pending migration: %v, want OutOfOrderError", err)
	}
	rs, err := newMigrator(t, db, nil, all, tide.WithAllowOutOfOrder(true)).Up(ctx)
	if err != nil || !slices.Equal(versions(rs), []string{"up 2"}) {
		t.Fatalf("Up allowing out of order = %v, %v", versions(rs), err)
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

// testResumeRefusesChangedPrefix: a partially applied migration resumes only
// if the statements that took effect are unchanged in the file.
func testResumeRefusesChangedPrefix(t *testing.T, db Database) {
	ctx := context.Background()
	if _, err := newMigrator(t, db, nil, files(fsOf(stepwise(db, failing(false)))...)).Up(ctx); err == nil {
		t.Fatal("Up of a failing migration succeeded")
	}
	edited := stepwise(db, failing(true))
	edited["2_two.sql"] = strings.Replace(edited["2_two.sql"], "CREATE TABLE t2a", "CREATE TABLE t2x", 1)
	_, err := newMigrator(t, db, nil, files(fsOf(edited)...)).Up(ctx)
	var pe *tide.PartialError
	if !errors.As(err, &pe) || pe.Applied != 1 || !strings.Contains(err.Error(), "changed since they ran") {
		t.Fatalf("Up after editing an applied statement = %v, want a PartialError", err)
	}
	if tableExists(t, db, "t2x") || tableExists(t, db, "t2b") {
		t.Fatal("Up ran statements of a migration whose applied part changed")
	}
}

// testDownResume: a statement-by-statement down that fails mid-way is
// recorded; up refuses until it is finished, and down continues from the
// failed statement once the file is fixed.
func testDownResume(t *testing.T, db Database) {
	ctx := context.Background()
	down := func(bad bool) string {
		second := "DROP TABLE b;"
		if bad {
			second = "DROP TABLE no_such_table;"
		}
		return stepwiseFile(db, migration("CREATE TABLE a (id INTEGER PRIMARY KEY);\nCREATE TABLE b (id INTEGER PRIMARY KEY);\nCREATE TABLE c (id INTEGER PRIMARY KEY);",
			"DROP TABLE c;\n"+second+"\nDROP TABLE a;"))
	}
	mustUp(t, newMigrator(t, db, nil, files("1_abc.sql", down(true))))
	_, err := newMigrator(t, db, nil, files("1_abc.sql", down(true))).Down(ctx)
	var me *tide.MigrationError
	if !errors.As(err, &me) || me.Applied != 1 || me.Direction != tide.Down {
		t.Fatalf("failing down = %v", err)
	}
	fixed := newMigrator(t, db, nil, files("1_abc.sql", down(false)))
	if st := states(t, fixed); st["1"] != tide.StatePartial {
		t.Fatalf("state after a failed down = %s, want partial", st["1"])
	}
	var pe *tide.PartialError
	if _, err := fixed.Up(ctx); !errors.As(err, &pe) || pe.Direction != tide.Down {
		t.Fatalf("Up over a half-reverted migration = %v, want a PartialError", err)
	}
	rs, err := fixed.Down(ctx)
	if err != nil || len(rs) != 1 || rs[0].Resumed != 1 {
		t.Fatalf("resumed down = %+v, %v", rs, err)
	}
	for _, table := range []string{"a", "b", "c"} {
		if tableExists(t, db, table) {
			t.Fatalf("table %s left after the resumed down", table)
		}
	}
	if st := states(t, fixed); st["1"] != tide.StatePending {
		t.Fatalf("state after the resumed down = %s, want pending", st["1"])
	}
}

// testResumeAsDMLOnly: a partial migration whose fixed file would run in one
// transaction still resumes statement by statement, checking what took effect.
func testResumeAsDMLOnly(t *testing.T, db Database) {
	ctx := context.Background()
	mustUp(t, newMigrator(t, db, nil, files("1_t.sql", migration("CREATE TABLE t (id INTEGER PRIMARY KEY);", "DROP TABLE t;"))))
	bad := files("1_t.sql", migration("CREATE TABLE t (id INTEGER PRIMARY KEY);", "DROP TABLE t;"),
		"2_u.sql", stepwiseFile(db, migration("CREATE TABLE u (id INTEGER PRIMARY KEY);\nINSERT INTO nope VALUES (1);", "DROP TABLE u;")))
	if _, err := newMigrator(t, db, nil, bad).Up(ctx); err == nil {
		t.Fatal("Up of a failing migration succeeded")
	}
	// The new file holds DML only (it would be transactional), and its first
	// statement is not the one that took effect.
	dml := files("1_t.sql", migration("CREATE TABLE t (id INTEGER PRIMARY KEY);", "DROP TABLE t;"),
		"2_u.sql", migration("INSERT INTO t VALUES (1);\nINSERT INTO t VALUES (2);", "DELETE FROM t;"))
	_, err := newMigrator(t, db, nil, dml).Up(ctx)
	var pe *tide.PartialError
	if !errors.As(err, &pe) {
		t.Fatalf("Up of a rewritten partial migration = %v, want a PartialError", err)
	}
	if n := count(t, db.DB, "SELECT COUNT(*) FROM t"); n != 0 {
		t.Fatalf("the rewritten migration ran: t has %d rows", n)
	}
}

// testPartialRevert: with WithPartialRevert, Down reverts exactly the
// statements of a partial migration that took effect, through its mirrored
// down section; without it, Down refuses and says how.
func testPartialRevert(t *testing.T, db Database) {
	ctx := context.Background()
	fsys := files(fsOf(stepwise(db, failing(false)))...)
	if _, err := newMigrator(t, db, nil, fsys).Up(ctx); err == nil {
		t.Fatal("Up of a failing migration succeeded")
	}
	var pe *tide.PartialError
	if _, err := newMigrator(t, db, nil, fsys).Down(ctx); !errors.As(err, &pe) || !strings.Contains(err.Error(), "partial-revert") {
		t.Fatalf("Down of a partial migration = %v, want a PartialError naming the partial-revert option", err)
	}
	rs, err := newMigrator(t, db, nil, fsys, tide.WithPartialRevert(true)).Down(ctx)
	if err != nil || len(rs) != 1 || rs[0].Migration.Version.String() != "2" || rs[0].Resumed != 2 {
		t.Fatalf("partial revert = %+v, %v; want migration 2 with its first 2 down statements skipped", rs, err)
	}
	if tableExists(t, db, "t2a") || !tableExists(t, db, "t1") {
		t.Fatal("the partial revert did not undo exactly statement 1 of migration 2")
	}
	if st := states(t, newMigrator(t, db, nil, fsys)); st["2"] != tide.StatePending || st["1"] != tide.StateApplied {
		t.Fatalf("after the partial revert: %v", st)
	}
}

// stepwise makes the migrations of fsys run statement by statement on every
// database: on those whose DDL is transactional, through no-transaction,
// so that a failure leaves a partial record to resume or revert, as MySQL
// DDL does.
func stepwise(db Database, fsys map[string]string) map[string]string {
	out := make(map[string]string, len(fsys))
	for name, content := range fsys {
		out[name] = stepwiseFile(db, content)
	}
	return out
}

// stepwiseFile is [stepwise] for one file's content.
func stepwiseFile(db Database, content string) string {
	if implicitCommits(db) {
		return content
	}
	return "-- +tide no-transaction\n" + content
}

// testSingleTransaction: with WithSingleTransaction the whole deploy
// commits or nothing does; where that cannot be (MySQL DDL, a
// no-transaction migration) it is refused before anything runs.
func testSingleTransaction(t *testing.T, db Database) {
	ctx := context.Background()
	fsys := basic()
	fsys["4_bad.sql"] = files("x", migration("CREATE TABLE t4 (id INTEGER PRIMARY KEY);\nINSERT INTO no_such_table VALUES (1);", "DROP TABLE t4;"))["x"]
	m := newMigrator(t, db, nil, fsys, tide.WithSingleTransaction(true))
	_, err := m.Up(ctx)
	if implicitCommits(db) {
		if !errors.Is(err, tide.ErrSingleTransaction) {
			t.Fatalf("single-transaction Up on %s = %v, want ErrSingleTransaction", db.Dialect.Name(), err)
		}
	} else {
		var me *tide.MigrationError
		if !errors.As(err, &me) || me.Version.String() != "4" {
			t.Fatalf("single-transaction Up with a failing 4 = %v", err)
		}
	}
	for v, st := range states(t, m) {
		if st != tide.StatePending {
			t.Errorf("migration %s is %s after a failed single-transaction Up, want pending", v, st)
		}
	}
	if tableExists(t, db, "runs") {
		t.Error("a failed single-transaction Up left tables")
	}
	if implicitCommits(db) {
		return
	}
	delete(fsys, "4_bad.sql")
	rs, err := newMigrator(t, db, nil, fsys, tide.WithSingleTransaction(true)).Up(ctx)
	if err != nil || !slices.Equal(versions(rs), []string{"up 1", "up 2", "up 3"}) {
		t.Fatalf("single-transaction Up = %v, %v", versions(rs), err)
	}
	fsys["5_notx.sql"] = files("x", "-- +tide no-transaction\n"+migration("SELECT 1;", ""))["x"]
	if _, err := newMigrator(t, db, nil, fsys, tide.WithSingleTransaction(true)).Up(ctx); !errors.Is(err, tide.ErrSingleTransaction) || !strings.Contains(err.Error(), "5 notx runs outside a transaction") {
		t.Fatalf("single-transaction Up over a no-transaction migration = %v", err)
	}
}
