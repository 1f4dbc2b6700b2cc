package history_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/tidemigrate/tide/dialect"
	"github.com/tidemigrate/tide/history"
	"github.com/tidemigrate/tide/internal/testdb"
	"github.com/tidemigrate/tide/migration"
)

func TestRoundTrip(t *testing.T) {
	t.Parallel()
	for _, table := range []string{"tide_migrations", `Odd "Name"`} {
		t.Run(table, func(t *testing.T) {
			t.Parallel()
			onEachDatabase(t, func(t *testing.T, db *testdb.DB) { testRoundTrip(t, db, table) })
		})
	}
}

func testRoundTrip(t *testing.T, db *testdb.DB, table string) {
	ctx := t.Context()
	s := history.New(db.Dialect, table)
	if recs, err := s.List(ctx, db.DB); err != nil || recs != nil {
		t.Fatalf("List before Ensure = %v, %v; want nil, nil", recs, err)
	}
	if ok, err := s.Exists(ctx, db.DB); err != nil || ok {
		t.Fatalf("Exists before Ensure = %v, %v; want false", ok, err)
	}

	// In the caller's transaction, where DDL is transactional, Ensure
	// creates nothing that outlives a rollback.
	tx, err := db.DB.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if recs, err := s.List(ctx, tx); err != nil || recs != nil {
		t.Fatalf("List in a transaction before Ensure = %v, %v; want nil, nil", recs, err)
	}
	if err := s.Ensure(ctx, tx); err != nil {
		t.Fatal(err)
	}
	if err := s.Insert(ctx, tx, history.Record{Key: "1", State: history.StateApplied}); err != nil {
		t.Fatal(err)
	}
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	_, implicit := db.Dialect.(dialect.ImplicitCommitter)
	if tableExists(t, db, table) != implicit {
		t.Errorf("after a rollback, the table exists: %v; want %v (DDL commits implicitly)", !implicit, implicit)
	}
	if implicit { // and the transaction with it: the insert stayed
		if err := s.Remove(ctx, db.DB, "1"); err != nil {
			t.Fatal(err)
		}
	}

	if err := s.Ensure(ctx, db.DB); err != nil {
		t.Fatal(err)
	}
	if ok, err := s.Exists(ctx, db.DB); err != nil || !ok {
		t.Fatalf("Exists after Ensure = %v, %v; want true", ok, err)
	}
	if n, err := s.Schema(ctx, db.DB); err != nil || n != history.SchemaVersion {
		t.Fatalf("Schema = %d, %v; want %d", n, err, history.SchemaVersion)
	}
	if recs, err := s.List(ctx, db.DB); err != nil || len(recs) != 0 {
		t.Fatalf("List of an empty table = %v, %v", recs, err)
	}

	zone := time.FixedZone("UTC+1", 3600)
	at := time.Date(2026, 11, 22, 9, 30, 0, 123456789, zone) // nanoseconds: stored to the microsecond
	recs := []history.Record{
		{Key: "20261122093000", Version: v("20261122093000"), Name: "create users", Kind: history.KindMigration,
			Checksum: "c1", State: history.StateApplied, Direction: migration.Up, Done: 3, ProgressChecksum: "p1",
			AppliedAt: at, Duration: 1500 * time.Millisecond, AppliedBy: "alice", AppliedHost: "h1"},
		{Key: "10", Version: v("10"), Name: "add index", Kind: history.KindMigration, Checksum: "c10",
			State: history.StatePartial, Direction: migration.Up, Done: 1, ProgressChecksum: "p10",
			Error: "ERROR: relation \"x\" does not exist\nline 2", AppliedAt: at.Add(time.Second), AppliedBy: "alice", AppliedHost: "h1"},
		{Key: "9", Version: v("9"), Name: "nine", Kind: history.KindBaseline, Checksum: "c9",
			State: history.StateApplied, Direction: migration.Up, AppliedAt: at.Add(-time.Hour), AppliedBy: "bob", AppliedHost: "h2",
			RepairedAt: at.Add(time.Minute), RepairedBy: "carol", Repair: "accepted checksum c9 (was c8)"},
		{Key: "R__views", Name: "views", Kind: history.KindRepeatable, Checksum: "cv",
			State: history.StateApplied, Direction: migration.Up, Done: 2, AppliedAt: at, Duration: 7 * time.Millisecond,
			AppliedBy: "alice", AppliedHost: "h1"},
		{Key: "1.2.10", Version: v("1.2.10"), Name: "flyway one", Kind: history.KindAdopted, Checksum: "cf",
			State: history.StateApplied, Direction: migration.Up, AppliedAt: at.Add(-48 * time.Hour),
			AppliedBy: "dave", AppliedHost: "h3", AdoptedFrom: "flyway"},
	}
	for _, r := range recs {
		if err := s.Insert(ctx, db.DB, r); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Insert(ctx, db.DB, recs[0]); err == nil {
		t.Error("Insert of an existing key succeeded")
	}

	want := func(i int, seq int64) history.Record {
		r := recs[i]
		r.AppliedAt, r.RepairedAt, r.Seq = us(r.AppliedAt), us(r.RepairedAt), seq
		if r.RepairedAt.Equal(us(time.Time{})) {
			r.RepairedAt = time.Time{}
		}
		return r
	}
	// Sorted by version (a repeatable has none), then key.
	wantList := []history.Record{want(3, 4), want(4, 5), want(2, 3), want(1, 2), want(0, 1)}
	got, err := s.List(ctx, db.DB)
	if err != nil {
		t.Fatal(err)
	}
	if d := diffRecords(wantList, got); d != "" {
		t.Fatalf("List after Insert (-want +got):\n%s", d)
	}
	if got[0].AppliedAt.Location() != time.UTC {
		t.Errorf("AppliedAt in %v, want UTC", got[0].AppliedAt.Location())
	}

	// The same through a transaction: the catalog is read first.
	tx, err = db.DB.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	got, err = s.List(ctx, tx)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Ensure(ctx, tx); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if d := diffRecords(wantList, got); d != "" {
		t.Fatalf("List in a transaction (-want +got):\n%s", d)
	}

	// The applied statements: kept apart, not touched by Update.
	st := history.Statements{Up: []string{"CREATE TABLE users (id int)", "CREATE INDEX u ON users (id)\n-- ü"}, Down: []string{"DROP TABLE users"}}
	if err := s.SetStatements(ctx, db.DB, "20261122093000", st); err != nil {
		t.Fatal(err)
	}
	if err := s.SetStatements(ctx, db.DB, "404", st); !errors.Is(err, history.ErrNotFound) {
		t.Errorf("SetStatements of a missing record = %v, want ErrNotFound", err)
	}

	// A partial migration that finishes gets the next seq; an applied one
	// keeps its own, also when repaired; a partial one that stays partial too.
	finished := recs[1]
	finished.State, finished.Done, finished.Error, finished.Duration = history.StateApplied, 2, "", 3*time.Second
	repaired := recs[0]
	repaired.Checksum, repaired.RepairedAt, repaired.RepairedBy, repaired.Repair = "c1b", at.Add(time.Hour), "erin", "accepted checksum c1b (was c1)"
	unrepaired := recs[2]
	unrepaired.RepairedAt, unrepaired.RepairedBy, unrepaired.Repair = time.Time{}, "", ""
	for _, r := range []history.Record{finished, repaired, repaired, unrepaired} { // repaired twice: nothing changes the 2nd time
		if err := s.Update(ctx, db.DB, r); err != nil {
			t.Fatal(err)
		}
	}
	stillPartial := recs[1]
	stillPartial.Key, stillPartial.Version = "11", v("11")
	if err := s.Insert(ctx, db.DB, stillPartial); err != nil {
		t.Fatal(err)
	}
	stillPartial.Done = 2
	if err := s.Update(ctx, db.DB, stillPartial); err != nil {
		t.Fatal(err)
	}
	// A record read by List and put back keeps its seq, though its state
	// went from partial to applied in between.
	listed, err := s.List(ctx, db.DB)
	if err != nil {
		t.Fatal(err)
	}
	nine := listed[2]
	if nine.Key != "9" || nine.Seq != 3 {
		t.Fatalf("record %s, seq %d; want 9, 3", nine.Key, nine.Seq)
	}
	reverting := recs[2]
	reverting.State, reverting.Direction, reverting.Done = history.StatePartial, migration.Down, 1
	for _, r := range []history.Record{reverting, nine} {
		if err := s.Update(ctx, db.DB, r); err != nil {
			t.Fatal(err)
		}
	}
	// An explicit seq is taken as is.
	explicit := recs[0]
	explicit.Key, explicit.Version, explicit.Seq = "30", v("30"), 42
	if err := s.Insert(ctx, db.DB, explicit); err != nil {
		t.Fatal(err)
	}
	explicit.Seq = 0
	recs = append(recs, explicit)

	if err := s.Update(ctx, db.DB, history.Record{Key: "404", State: history.StateApplied}); !errors.Is(err, history.ErrNotFound) {
		t.Errorf("Update of a missing record = %v, want ErrNotFound", err)
	}
	if err := s.Remove(ctx, db.DB, "R__views"); err != nil {
		t.Fatal(err)
	}
	if err := s.Remove(ctx, db.DB, "404"); err != nil {
		t.Errorf("Remove of a missing record: %v", err)
	}

	recs[1], recs[0], recs[2] = finished, repaired, unrepaired
	recs = append(recs, stillPartial)
	wantList = []history.Record{want(4, 5), want(2, 3), want(1, 6), want(6, 7), want(5, 42), want(0, 1)}
	got, err = s.List(ctx, db.DB)
	if err != nil {
		t.Fatal(err)
	}
	if d := diffRecords(wantList, got); d != "" {
		t.Fatalf("List after Update and Remove (-want +got):\n%s", d)
	}

	for _, c := range []struct {
		key    string
		want   history.Statements
		wantOK bool
	}{
		{"20261122093000", st, true},
		{"10", history.Statements{}, false}, // none kept
		{"404", history.Statements{}, false},
	} {
		got, ok, err := s.Statements(ctx, db.DB, c.key)
		if err != nil || ok != c.wantOK {
			t.Errorf("Statements(%s) = _, %v, %v; want ok %v", c.key, ok, err, c.wantOK)
		}
		if d := cmp.Diff(c.want, got); d != "" {
			t.Errorf("Statements(%s) (-want +got):\n%s", c.key, d)
		}
	}
}

// TestInsertMany writes more records than one statement holds, and reads
// them back as Insert would have written them, statements included.
func TestInsertMany(t *testing.T) {
	t.Parallel()
	onEachDatabase(t, func(t *testing.T, db *testdb.DB) {
		ctx := t.Context()
		s := history.New(db.Dialect, "tide_migrations")
		if err := s.Ensure(ctx, db.DB); err != nil {
			t.Fatal(err)
		}
		at := time.Date(2026, 12, 6, 9, 30, 0, 123456000, time.UTC)
		var want []history.Record
		for i := 1; i <= 120; i++ {
			key := fmt.Sprintf("%03d", i)
			want = append(want, history.Record{Key: key, Version: v(key), Name: "m'" + key, Kind: history.KindMigration,
				Checksum: "c" + key, State: history.StateApplied, Direction: migration.Up, Done: 2, ProgressChecksum: "p",
				AppliedAt: at, Duration: time.Duration(i) * time.Millisecond, AppliedBy: "alice", AppliedHost: "h", Seq: int64(i)})
		}
		stmts := &history.Statements{Up: []string{"CREATE TABLE x (a INT)", "INSERT INTO x VALUES ('a; b')"}, Down: []string{"DROP TABLE x"}}
		withStmts := slices.Clone(want)
		withStmts[7].Statements = stmts
		if err := s.InsertMany(ctx, db.DB, withStmts); err != nil {
			t.Fatal(err)
		}
		got, err := s.List(ctx, db.DB)
		if err != nil {
			t.Fatal(err)
		}
		if d := diffRecords(want, got); d != "" {
			t.Fatalf("records (-want +got):\n%s", d)
		}
		if st, ok, err := s.Statements(ctx, db.DB, "008"); err != nil || !ok || !cmp.Equal(st, *stmts) {
			t.Fatalf("Statements(008) = %+v, %v, %v; want %+v", st, ok, err, *stmts)
		}
		if _, ok, err := s.Statements(ctx, db.DB, "009"); err != nil || ok {
			t.Fatalf("Statements(009) = %v, %v; want none kept", ok, err)
		}
		err = s.InsertMany(ctx, db.DB, []history.Record{{Key: "500", State: history.StateApplied}})
		if err == nil || !strings.Contains(err.Error(), "no seq") {
			t.Fatalf("InsertMany without a seq = %v, want an error", err)
		}
	})
}
