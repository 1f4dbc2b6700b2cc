package dialecttest

import (
	"context"
	"database/sql/driver"
	"errors"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/tidemigrate/tide"
	"github.com/tidemigrate/tide/dialect"
	"github.com/tidemigrate/tide/history"
	tidemigration "github.com/tidemigrate/tide/migration"
	"github.com/tidemigrate/tide/source"
)

// testSettleAfterCrash: a run that died while its statement could still
// run on the server (MySQL DDL, a PostgreSQL concurrent index build) left
// an intent in its record. The next run waits for that session to end,
// asks the catalog whether the statement took effect, and goes on from
// there, with no person involved.
func testSettleAfterCrash(t *testing.T, db Database) {
	if _, ok := db.Dialect.(dialect.EffectChecker); !ok {
		t.Skipf("%s runs every statement with its record", db.Dialect.Name())
	}
	second := "ALTER TABLE a ADD COLUMN d INTEGER;"
	if db.Dialect.Name() == "postgres" {
		second = "CREATE INDEX CONCURRENTLY a_c ON a (c);"
	}
	file := "-- +tide no-transaction\n" + migration("CREATE TABLE a (id INTEGER PRIMARY KEY, c INTEGER);\n"+second+"\nCREATE TABLE b (id INTEGER PRIMARY KEY);",
		"DROP TABLE b;\nDROP TABLE a;")
	for _, tookEffect := range []bool{true, false} {
		name := "not run"
		if tookEffect {
			name = "ran to the end"
		}
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			fsys := files("1_ab.sql", file)
			mig := crashedRun(t, db, fsys, tookEffect)
			// The session that sent statement 2 is still there, and ends
			// once the new run has said it waits for it.
			other := db.Open(t)
			conn, err := other.Conn(ctx)
			if err != nil {
				t.Fatal(err)
			}
			id, err := db.Dialect.(dialect.Canceler).SessionID(ctx, conn)
			if err != nil {
				t.Fatal(err)
			}
			recordIntent(t, db, mig, id)
			var end sync.Once
			var mu sync.Mutex
			var waited, settled []tide.Event
			m := newMigrator(t, db, nil, fsys, tide.WithObserver(func(e tide.Event) {
				mu.Lock()
				defer mu.Unlock()
				switch e.(type) {
				case tide.WaitingForSession:
					waited = append(waited, e)
					end.Do(func() {
						go func() { // end the session: a bad connection is closed, not pooled
							_ = conn.Raw(func(any) error { return driver.ErrBadConn })
							conn.Close()
						}()
					})
				case tide.StatementSettled:
					settled = append(settled, e)
				}
			}))
			rs, err := m.Up(ctx)
			if err != nil || len(rs) != 1 {
				t.Fatalf("Up after the crash = %+v, %v", rs, err)
			}
			mu.Lock()
			defer mu.Unlock()
			if len(waited) != 1 || len(settled) != 1 || settled[0].(tide.StatementSettled).TookEffect != tookEffect {
				t.Fatalf("events: waited %v, settled %+v; want one each, took effect %v", waited, settled, tookEffect)
			}
			if want := 1 + btoi(tookEffect); rs[0].Resumed != want {
				t.Errorf("resumed after %d statements, want %d", rs[0].Resumed, want)
			}
			if !tableExists(t, db, "b") {
				t.Error("statement 3 did not run")
			}
		})
	}
	if db.Dialect.Name() != "mysql" {
		return
	}
	t.Run("unknown statement", func(t *testing.T) {
		ctx := context.Background()
		fsys := files("1_ab.sql", migration("CREATE TABLE a (id INTEGER PRIMARY KEY, c INTEGER);\nOPTIMIZE TABLE a;\nCREATE TABLE b (id INTEGER PRIMARY KEY);", "DROP TABLE b;\nDROP TABLE a;"))
		mig := crashedRun(t, db, fsys, false)
		recordIntent(t, db, mig, "999999999")
		_, err := newMigrator(t, db, nil, fsys).Up(ctx)
		var pe *tide.PartialError
		if !errors.As(err, &pe) || pe.Cause != tide.CauseUncertain {
			t.Fatalf("Up after a crash in an unknown statement = %v, want a PartialError with cause uncertain", err)
		}
	})
}

// crashedRun prepares what a run killed during statement 2 of fsys's
// migration 1 leaves: statement 1 done and recorded, statement 2 done too
// when ran. It returns the migration.
func crashedRun(t *testing.T, db Database, fsys fstest.MapFS, ran bool) tidemigration.Migration {
	t.Helper()
	ctx := context.Background()
	for _, q := range []string{"DROP TABLE IF EXISTS b", "DROP TABLE IF EXISTS a"} {
		if _, err := db.DB.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	set, err := tidemigration.Load(fsys, db.Dialect, source.Native)
	if err != nil {
		t.Fatal(err)
	}
	mig := set.Versioned()[0]
	for _, st := range mig.Up[:1+btoi(ran)] {
		if _, err := db.DB.ExecContext(ctx, st.SQL); err != nil {
			t.Fatalf("%s: %v", st.SQL, err)
		}
	}
	return mig
}

// recordIntent writes the record of mig as the crashed run left it:
// statement 1 done, statement 2 sent in session id.
func recordIntent(t *testing.T, db Database, mig tidemigration.Migration, id string) {
	t.Helper()
	ctx := context.Background()
	store := history.New(db.Dialect, tide.DefaultTable)
	if err := store.Ensure(ctx, db.DB); err != nil {
		t.Fatal(err)
	}
	if err := store.Remove(ctx, db.DB, mig.Key()); err != nil {
		t.Fatal(err)
	}
	r := history.Record{Key: mig.Key(), Version: mig.Version, Name: mig.Name, Kind: history.KindMigration, Checksum: mig.Checksum,
		State: history.StatePartial, Direction: tide.Up, Done: 1, ProgressChecksum: tidemigration.StatementsChecksum(mig.Up[:1]),
		AppliedAt: time.Now(), Intent: "2:" + id}
	if err := store.Insert(ctx, db.DB, r); err != nil {
		t.Fatal(err)
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
