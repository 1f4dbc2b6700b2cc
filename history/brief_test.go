package history_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/tidemigrate/tide/history"
	"github.com/tidemigrate/tide/internal/testdb"
)

func TestBriefs(t *testing.T) {
	t.Parallel()
	onEachDatabase(t, func(t *testing.T, db *testdb.DB) {
		ctx := t.Context()
		s := history.New(db.Dialect, `Odd "Name"`)
		check := func(what string, wantOK bool, want []history.Brief) {
			t.Helper()
			got, ok, err := s.Briefs(ctx, db.DB)
			if err != nil || ok != wantOK {
				t.Fatalf("%s: Briefs = %v, %v; want ok %v", what, ok, err, wantOK)
			}
			slices.SortFunc(got, func(a, b history.Brief) int { return strings.Compare(a.Key, b.Key) })
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%s: Briefs (-want +got):\n%s", what, diff)
			}
		}
		check("no tables", false, nil)
		if err := s.Ensure(ctx, db.DB); err != nil {
			t.Fatal(err)
		}
		check("an empty table", false, nil)
		for _, r := range []history.Record{
			{Key: "1", Version: v("1"), Kind: history.KindMigration, Checksum: "c1", State: history.StateApplied, Direction: "up", AppliedAt: t0},
			{Key: "2", Version: v("2"), Kind: history.KindBaseline, State: history.StateApplied, Direction: "up", AppliedAt: t0},
			{Key: "3", Version: v("3"), Kind: history.KindMigration, Checksum: "c3", State: history.StatePartial, Direction: "up", Done: 1, AppliedAt: t0},
			{Key: "R__views", Kind: history.KindRepeatable, Checksum: "cr", State: history.StateApplied, Direction: "up", AppliedAt: t0},
		} {
			if err := s.Insert(ctx, db.DB, r); err != nil {
				t.Fatal(err)
			}
		}
		check("records", true, []history.Brief{
			{Key: "1", Applied: true, Checksum: "c1"},
			{Key: "2", Applied: true},
			{Key: "3"},
			{Key: "R__views", Applied: true, Checksum: "cr"},
		})

		// In a transaction, a failed statement could abort it: List tells.
		tx, err := db.DB.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if got, ok, err := s.Briefs(ctx, tx); err != nil || ok || got != nil {
			t.Errorf("Briefs in a transaction = %v, %v, %v; want nothing", got, ok, err)
		}
		_ = tx.Rollback()

		exec(t, db, "UPDATE "+db.Dialect.QuoteIdent(s.MetaTable())+" SET value = '3' WHERE name = 'schema_version'")
		check("a newer schema", false, nil)
	})
}

func TestBriefsOfAnOlderSchema(t *testing.T) {
	t.Parallel()
	onEachDatabase(t, func(t *testing.T, db *testdb.DB) {
		createSchema1(t, db, "tide_migrations")
		insertV1(t, db, "tide_migrations", v1Row{version: "1", name: "a", kind: "migration", checksum: "c1", state: "applied", direction: "up", at: t0})
		s := history.New(db.Dialect, "tide_migrations")
		if got, ok, err := s.Briefs(t.Context(), db.DB); err != nil || ok || got != nil {
			t.Errorf("Briefs of a schema-1 table = %v, %v, %v; want nothing (List reads it)", got, ok, err)
		}
	})
}
