package tide_test

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/tidemigrate/tide"
	"github.com/tidemigrate/tide/dialect"
	"github.com/tidemigrate/tide/internal/testdb"
)

const (
	checkUsers = "-- +tide up\nCREATE TABLE users (id INTEGER PRIMARY KEY, email VARCHAR(100));\nCREATE TABLE old_users (id INTEGER PRIMARY KEY, email VARCHAR(100));\n" +
		"INSERT INTO old_users (id, email) VALUES (1, 'a@x'), (2, NULL);\n-- +tide down\nDROP TABLE old_users;\nDROP TABLE users;\n"
	checkCopy = "-- +tide up\nINSERT INTO users (id, email) SELECT id, email FROM old_users;\n\n-- +tide check rows-equal old_users users\n" +
		"-- +tide check\n-- every user has an email\nSELECT id, email FROM users WHERE email IS NULL;\n\n-- +tide down\nDELETE FROM users;\n"
)

// checkEvents records the check events an observer sees.
type checkEvents struct {
	mu     sync.Mutex
	events []string
}

func (c *checkEvents) observe(e tide.Event) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch e := e.(type) {
	case tide.CheckStarted:
		c.events = append(c.events, "started "+e.Check.String())
	case tide.CheckPassed:
		c.events = append(c.events, "passed "+e.Check.String())
	case tide.CheckFailed:
		c.events = append(c.events, "failed "+e.Check.String())
	}
}

func (c *checkEvents) take() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := strings.Join(c.events, "; ")
	c.events = nil
	return s
}

func count(t *testing.T, db *sql.DB, table string) int {
	t.Helper()
	var n int
	if err := db.QueryRow("SELECT COUNT(*) FROM " + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestChecksRollBack checks that a failing check rolls its migration back
// on every database (a migration of DML runs in a transaction on MySQL
// too), with the check's place and rows in the error, and that the
// migration applies once the data is right.
func TestChecksRollBack(t *testing.T) {
	t.Parallel()
	for _, kind := range testdb.Kinds() {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := testdb.New(t, kind)
			var ev checkEvents
			fsys := fstest.MapFS{"1_users.sql": {Data: []byte(checkUsers)}, "2_copy.sql": {Data: []byte(checkCopy)}}
			m, err := tide.New(db.Dialect, db.DB, fsys, tide.WithObserver(ev.observe))
			if err != nil {
				t.Fatal(err)
			}
			res, err := m.Up(ctx)
			if len(res) != 1 {
				t.Fatalf("applied %d migrations before the failure, want 1", len(res))
			}
			var me *tide.MigrationError
			var ce *tide.CheckError
			if !errors.As(err, &me) || !errors.As(err, &ce) {
				t.Fatalf("Up = %v, want a *MigrationError holding a *CheckError", err)
			}
			if me.Cause != tide.CauseCheckFailed || !me.Transactional || me.Line != 7 || me.Statement != 0 || me.Applied != 0 {
				t.Errorf("MigrationError %+v", me)
			}
			want := `2_copy.sql:7: up 2 copy: check 2/2 (SELECT id, email FROM users WHERE email IS NULL) failed: the query returned 1 row: (id=2, email=NULL) (rolled back: nothing of this migration was applied)`
			if err.Error() != want {
				t.Errorf("error\n got %s\nwant %s", err, want)
			}
			if ce.Index != 2 || ce.Total != 2 || ce.Check.Line != 7 || len(ce.Outcome.Rows) != 1 || ce.Outcome.Columns[1] != "email" || !ce.Outcome.Rows[0][1].Null {
				t.Errorf("CheckError %+v", ce)
			}
			if got, want := ev.take(), "started rows-equal old_users users; passed rows-equal old_users users; started SELECT id, email FROM users WHERE email IS NULL; failed SELECT id, email FROM users WHERE email IS NULL"; got != want {
				t.Errorf("events\n got %s\nwant %s", got, want)
			}
			if n := count(t, db.DB, "users"); n != 0 {
				t.Errorf("%d users copied: the migration did not roll back", n)
			}
			if st, _ := m.Status(ctx); st[1].State != tide.StatePending {
				t.Errorf("migration 2 is %s, want pending", st[1].State)
			}
			mustExec(t, db.DB, "UPDATE old_users SET email = 'b@x' WHERE id = 2")
			if res, err := m.Up(ctx); err != nil || len(res) != 1 {
				t.Fatalf("Up after the fix = %v, %v", res, err)
			}
			if n := count(t, db.DB, "users"); n != 2 {
				t.Errorf("%d users copied, want 2", n)
			}
		})
	}
}

// stepwiseIndex is a migration run statement by statement (marked so; on
// MySQL its DDL would be anyway), with a check that fails after its
// statements and a down section that mirrors its up section.
func stepwiseIndex(d dialect.Dialect) string {
	drop := "DROP INDEX users_email_idx;"
	if d.Name() == "mysql" {
		drop = "DROP INDEX users_email_idx ON users;"
	}
	return "-- +tide no-transaction\n-- +tide up\nCREATE INDEX users_email_idx ON users (email);\nUPDATE users SET email = NULL WHERE id = 2;\n" +
		"-- +tide check exists index users_email_idx on users\n-- +tide check not-null users.email\n" +
		"-- +tide down\nUPDATE users SET email = 'b@x' WHERE id = 2;\n" + drop + "\n"
}

// TestChecksStepwise checks a failing check after statements that took
// effect one by one: the error says exactly which, the migration stays
// partial with all of them done, a partial revert undoes them, and once
// the data is fixed, up runs the checks again and completes it.
func TestChecksStepwise(t *testing.T) {
	t.Parallel()
	for _, kind := range testdb.Kinds() {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := testdb.New(t, kind)
			fsys := fstest.MapFS{
				"1_users.sql": {Data: []byte(checkUsers)}, "2_copy.sql": {Data: []byte(strings.Replace(checkCopy, "NULL", "NULL AND id < 0", 1))},
				"3_index.sql": {Data: []byte(stepwiseIndex(db.Dialect))},
			}
			m, err := tide.New(db.Dialect, db.DB, fsys, tide.WithPartialRevert(true))
			if err != nil {
				t.Fatal(err)
			}
			fail := func() {
				t.Helper()
				_, err := m.Up(ctx)
				var me *tide.MigrationError
				var ce *tide.CheckError
				if !errors.As(err, &me) || !errors.As(err, &ce) {
					t.Fatalf("Up = %v, want a *MigrationError holding a *CheckError", err)
				}
				if me.Cause != tide.CauseCheckFailed || me.Transactional || me.Applied != 2 || me.Line != 6 {
					t.Errorf("MigrationError %+v", me)
				}
				for _, want := range []string{
					"3_index.sql:6: up 3 index: check 2/2 (not-null users.email) failed: 1 row of users has NULL in email: (id=2, email=NULL)",
					"(statements 1-2 took effect outside a transaction and are recorded; the migration stays partially applied until its checks pass",
					"revert it with tide down --partial, as its down section mirrors its up section)",
				} {
					if !strings.Contains(err.Error(), want) {
						t.Errorf("error %s\nwant it to contain %s", err, want)
					}
				}
				st, err := m.Status(ctx)
				if err != nil {
					t.Fatal(err)
				}
				if s := st[2]; s.State != tide.StatePartial || s.Progress == nil || s.Progress.Applied != 2 || !strings.Contains(s.Progress.Error, "not-null users.email") {
					t.Errorf("status %+v, %+v", s, s.Progress)
				}
				var pe *tide.PartialError
				if err := m.Validate(ctx); !errors.As(err, &pe) || pe.Cause != tide.CauseCheckFailed || !strings.Contains(err.Error(), "its statements took effect, but a data check failed") {
					t.Errorf("Validate = %v, want the partial migration and its failed check", err)
				}
			}
			fail()
			if ok, err := db.Dialect.(dialect.ObjectFinder).IndexExists(ctx, db.DB, "users_email_idx", "users"); err != nil || !ok {
				t.Errorf("the index built by the partial migration: %v, %v", ok, err)
			}
			// Revert what took effect: the down section mirrors the up section.
			if res, err := m.Down(ctx); err != nil || len(res) != 1 {
				t.Fatalf("Down --partial = %v, %v", res, err)
			}
			if ok, _ := db.Dialect.(dialect.ObjectFinder).IndexExists(ctx, db.DB, "users_email_idx", "users"); ok {
				t.Error("the partial revert left the index")
			}
			fail()
			mustExec(t, db.DB, "UPDATE users SET email = 'b@x' WHERE id = 2")
			res, err := m.Up(ctx)
			if err != nil || len(res) != 1 || res[0].Resumed != 2 {
				t.Fatalf("Up after the fix = %+v, %v; want migration 3 completed after its 2 statements", res, err)
			}
			if st, _ := m.Status(ctx); st[2].State != tide.StateApplied {
				t.Errorf("migration 3 is %s", st[2].State)
			}
		})
	}
}

// TestChecksSingleTransaction checks that a failing check rolls back a
// whole deploy run in one transaction.
func TestChecksSingleTransaction(t *testing.T) {
	t.Parallel()
	for _, kind := range []string{testdb.SQLite, testdb.Postgres} {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := testdb.New(t, kind)
			fsys := fstest.MapFS{"1_users.sql": {Data: []byte(checkUsers)}, "2_copy.sql": {Data: []byte(checkCopy)}}
			m, err := tide.New(db.Dialect, db.DB, fsys, tide.WithSingleTransaction(true))
			if err != nil {
				t.Fatal(err)
			}
			_, err = m.Up(ctx)
			var ce *tide.CheckError
			if !errors.As(err, &ce) || ce.Check.Line != 7 {
				t.Fatalf("Up = %v, want the failed check of line 7", err)
			}
			if ok, err := db.Dialect.TableExists(ctx, db.DB, "users"); err != nil || ok {
				t.Errorf("users exists (%v): the deploy did not roll back", err)
			}
		})
	}
}

// TestMigratorCheck checks that Check runs the checks of the applied
// migrations again, all of them, and reports each.
func TestMigratorCheck(t *testing.T) {
	t.Parallel()
	for _, kind := range testdb.Kinds() {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := testdb.New(t, kind)
			mustExec(t, db.DB, "CREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INTEGER)")
			fsys := fstest.MapFS{
				"1_users.sql": {Data: []byte(checkUsers)},
				"2_copy.sql":  {Data: []byte(strings.Replace(checkCopy, "NULL", "NULL AND id <> 2", 1))},
				"3_more.sql":  {Data: []byte("-- +tide up\nINSERT INTO orders (id, user_id) VALUES (1, 1);\n-- +tide check no-orphans orders.user_id -> users.id\n")},
				"4_later.sql": {Data: []byte("-- +tide up\nSELECT 1;\n-- +tide check exists table nope\n")},
			}
			var ev checkEvents
			m, err := tide.New(db.Dialect, db.DB, fsys, tide.WithObserver(ev.observe))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := m.UpTo(ctx, tide.MustParseVersion("3")); err != nil {
				t.Fatal(err)
			}
			ev.take()
			r, err := m.Check(ctx)
			if err != nil || r.Err() != nil || r.Checks() != 3 || len(r.Migrations) != 2 {
				t.Fatalf("Check = %+v, %v (%v)", r, err, r.Err())
			}
			if got := ev.take(); strings.Count(got, "passed") != 3 {
				t.Errorf("events %s", got)
			}
			// The data goes bad after the deploy.
			mustExec(t, db.DB, "INSERT INTO users (id, email) VALUES (3, NULL)", "INSERT INTO orders (id, user_id) VALUES (2, 7)")
			r, err = m.Check(ctx)
			if err != nil {
				t.Fatal(err)
			}
			failed := r.Failed()
			if len(failed) != 3 {
				t.Fatalf("%d checks failed, want 3: %v", len(failed), r.Err())
			}
			for i, want := range []string{
				"2_copy.sql:4: check 1/2 (rows-equal old_users users) of 2 copy failed: old_users has 2 rows and users has 3 (they must be equal)",
				"2_copy.sql:7: check 2/2 (SELECT id, email FROM users WHERE email IS NULL AND id <> 2) of 2 copy failed",
				"3_more.sql:3: check 1/1 (no-orphans orders.user_id -> users.id) of 3 more failed: 1 row of orders has a user_id that no row of users has: (id=2, user_id=7)",
			} {
				if !strings.HasPrefix(failed[i].Error(), want) {
					t.Errorf("failure %d:\n got %s\nwant %s", i+1, failed[i], want)
				}
			}
			if !strings.Contains(failed[1].Error(), "the query returned 1 row: (id=3, email=NULL)") {
				t.Errorf("failure 2: %s", failed[1])
			}
			// One migration's checks; one that is not applied; an unknown one.
			if r, err := m.Check(ctx, tide.MustParseVersion("3")); err != nil || r.Checks() != 1 || len(r.Failed()) != 1 {
				t.Errorf("Check(3) = %+v, %v", r, err)
			}
			if _, err := m.Check(ctx, tide.MustParseVersion("4")); err == nil || !strings.Contains(err.Error(), "not applied, so not checked: 4 later") {
				t.Errorf("Check(4) = %v, want it refused: 4 is pending", err)
			}
			if _, err := m.Check(ctx, tide.MustParseVersion("9")); !errors.Is(err, tide.ErrUnknownVersion) {
				t.Errorf("Check(9) = %v, want ErrUnknownVersion", err)
			}
			// An edited check is drift, and Check says it ran the file's.
			fsys["3_more.sql"] = &fstest.MapFile{Data: []byte("-- +tide up\nINSERT INTO orders (id, user_id) VALUES (1, 1);\n-- +tide check no-orphans orders.user_id -> old_users.id\n")}
			m2, err := tide.New(db.Dialect, db.DB, fsys)
			if err != nil {
				t.Fatal(err)
			}
			var de *tide.DriftError
			if err := m2.Validate(ctx); !errors.As(err, &de) || len(de.Changed) != 1 || de.Changed[0].Version.String() != "3" {
				t.Errorf("Validate = %v, want migration 3 changed", err)
			}
			diff, ok, err := m2.Diff(ctx, tide.MustParseVersion("3"))
			if err != nil || !ok || !strings.Contains(diff, "\n--- +tide check no-orphans orders.user_id -> users.id\n+-- +tide check no-orphans orders.user_id -> old_users.id\n") {
				t.Errorf("Diff = %q, %v, %v; want the edited check", diff, ok, err)
			}
			r, err = m2.Check(ctx, tide.MustParseVersion("3"))
			if err != nil || len(r.Migrations) != 1 || !r.Migrations[0].Changed {
				t.Errorf("Check of the edited migration = %+v, %v; want it marked changed", r, err)
			}
		})
	}
}

// TestCheckCannotRun checks a check whose query the database refuses: the
// migration rolls back, and the error says the check could not run, with
// the database's error (on PostgreSQL, the line it found the error on).
func TestCheckCannotRun(t *testing.T) {
	t.Parallel()
	for _, kind := range testdb.Kinds() {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := testdb.New(t, kind)
			fsys := fstest.MapFS{"1_users.sql": {Data: []byte(checkUsers)},
				"2_broken.sql": {Data: []byte("-- +tide up\nINSERT INTO users (id, email) VALUES (1, 'a@x');\n-- +tide check\nSELECT id\nFROM nope;\n")}}
			m, err := tide.New(db.Dialect, db.DB, fsys)
			if err != nil {
				t.Fatal(err)
			}
			_, err = m.Up(ctx)
			var me *tide.MigrationError
			var ce *tide.CheckError
			if !errors.As(err, &me) || !errors.As(err, &ce) || ce.Err == nil {
				t.Fatalf("Up = %v, want a check that could not run", err)
			}
			if me.Cause != tide.CauseCheckFailed || !me.Transactional || me.Line != 4 || !strings.Contains(err.Error(), "2_broken.sql:") ||
				!strings.Contains(err.Error(), "check 1/1 (SELECT id FROM nope) could not run: ") {
				t.Errorf("error %v (%+v)", err, me)
			}
			if kind == testdb.Postgres && me.ErrorLine != 5 {
				t.Errorf("error line %d, want 5 (FROM nope)", me.ErrorLine)
			}
			if n := count(t, db.DB, "users"); n != 0 {
				t.Errorf("%d users: the migration did not roll back", n)
			}
		})
	}
}
