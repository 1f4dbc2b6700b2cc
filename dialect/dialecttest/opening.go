package dialecttest

import (
	"context"
	"errors"
	"testing"
	"testing/fstest"

	"github.com/tidemigrate/tide"
	"github.com/tidemigrate/tide/history"
)

// chain is three migrations that run statement by statement on every
// database (no-transaction), each after the one before: the final record
// of each is written with the opening record of the next.
func chain() fstest.MapFS {
	notx := func(up, down string) string { return "-- +tide no-transaction\n" + migration(up, down) }
	return files(
		"1_a.sql", notx("CREATE TABLE a (id INTEGER PRIMARY KEY);\nINSERT INTO a (id) VALUES (1);", "DROP TABLE a;"),
		"2_b.sql", notx("CREATE TABLE b (id INTEGER PRIMARY KEY);\nINSERT INTO b (id) VALUES (2);", "DROP TABLE b;"),
		"3_c.sql", notx("CREATE TABLE c (id INTEGER PRIMARY KEY);", "DROP TABLE c;"),
	)
}

// testOpeningAhead: the record that opens a migration run statement by
// statement is written together with the final record of the migration
// before it. Whatever stops the run between the two (a failure of the
// next migration's first statement, a cancellation before it is sent)
// leaves the next migration as it was, with no record of an attempt that
// did nothing, and the order of application is that of the run.
func testOpeningAhead(t *testing.T, db Database) {
	ctx := context.Background()
	store := history.New(db.Dialect, tide.DefaultTable)
	seqs := func() map[string]int64 {
		t.Helper()
		recs, err := store.List(ctx, db.DB)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]int64{}
		for _, r := range recs {
			if r.State != history.StateApplied {
				t.Fatalf("record %s is %s (%s), want applied", r.Key, r.State, r.Error)
			}
			out[r.Key] = r.Seq
		}
		return out
	}

	// The first statement of 2 fails: 1 stays applied, 2 has no record.
	fsys := chain()
	fsys["2_b.sql"] = files("x", "-- +tide no-transaction\n"+migration("CREATE TABLE a (id INTEGER PRIMARY KEY);", "DROP TABLE b;"))["x"]
	_, err := newMigrator(t, db, nil, fsys).Up(ctx)
	var me *tide.MigrationError
	if !errors.As(err, &me) || me.Version.String() != "2" || me.Statement != 1 || me.Applied != 0 || me.MayHaveRun {
		t.Fatalf("Up with a failing first statement of 2 = %v, want a MigrationError at statement 1 of 2 that did nothing", err)
	}
	if got := seqs(); len(got) != 1 || got["1"] != 1 {
		t.Fatalf("records after the failure: %v, want 1 alone", got)
	}

	// Cancelled once 1 is done: 2 is left pending, with no record.
	ctx2, cancel := context.WithCancel(ctx)
	defer cancel()
	m := newMigrator(t, db, nil, chain(), tide.WithObserver(func(e tide.Event) {
		if d, ok := e.(tide.MigrationDone); ok && d.Migration.Version.String() == "2" {
			cancel()
		}
	}))
	if _, err := m.Up(ctx2); !errors.Is(err, context.Canceled) {
		t.Fatalf("Up cancelled after 2 = %v, want context.Canceled", err)
	}
	if got := seqs(); len(got) != 2 || got["2"] != 2 {
		t.Fatalf("records after the cancellation: %v, want 1 and 2", got)
	}
	if st := states(t, m); st["3"] != tide.StatePending {
		t.Fatalf("after the cancellation: %v, want 3 pending", st)
	}
	m = newMigrator(t, db, nil, chain())
	if got := versions(mustUp(t, m)); len(got) != 1 || got[0] != "up 3" {
		t.Fatalf("Up after the cancellation applied %v, want 3", got)
	}
	if got := seqs(); len(got) != 3 || got["1"] != 1 || got["2"] != 2 || got["3"] != 3 {
		t.Fatalf("order of application: %v, want 1, 2, 3", got)
	}

	// Down, cancelled once 3 is reverted: 2 stays applied as it was.
	ctx3, cancel3 := context.WithCancel(ctx)
	defer cancel3()
	m = newMigrator(t, db, nil, chain(), tide.WithObserver(func(e tide.Event) {
		if d, ok := e.(tide.MigrationDone); ok && d.Direction == tide.Down {
			cancel3()
		}
	}))
	if _, err := m.DownAll(ctx3); !errors.Is(err, context.Canceled) {
		t.Fatalf("DownAll cancelled after 3 = %v, want context.Canceled", err)
	}
	if got := seqs(); len(got) != 2 || got["1"] != 1 || got["2"] != 2 {
		t.Fatalf("records after the cancelled down: %v, want 1 and 2 as they were", got)
	}
	if rs, err := newMigrator(t, db, nil, chain()).DownAll(ctx); err != nil || len(rs) != 2 {
		t.Fatalf("DownAll = %v, %v", versions(rs), err)
	}
	for _, tbl := range []string{"a", "b", "c"} {
		if tableExists(t, db, tbl) {
			t.Errorf("table %s is still there after DownAll", tbl)
		}
	}
}
