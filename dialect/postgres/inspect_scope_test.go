package postgres_test

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/tidemigrate/tide/schema"
)

// only is what an inspection limited to names must read of full: the
// tables it lists and the triggers on them, the triggers on views, and
// every other object.
func only(full *schema.Schema, names []string) *schema.Schema {
	out := *full
	out.Tables = []*schema.Table{}
	for _, t := range full.Tables {
		if slices.Contains(names, t.Name) {
			out.Tables = append(out.Tables, t)
		}
	}
	out.Triggers = nil
	for _, tr := range full.Triggers {
		if full.Table(tr.Table) == nil || slices.Contains(names, tr.Table) {
			out.Triggers = append(out.Triggers, tr)
		}
	}
	return &out
}

// TestInspectTables reads parts of the fixture with Options.Tables: each
// equals the same part of the full read, names that do not exist are
// ignored, an empty list reads no table, and views, routines, sequences
// (also those owned by tables left out) and types are read in full.
func TestInspectTables(t *testing.T) {
	t.Parallel()
	db := prepared(t, "public")
	run(t, db.DB, fixture)
	run(t, db.DB, `CREATE FUNCTION names_insert() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;
		CREATE TRIGGER names_insert INSTEAD OF INSERT ON b_order_totals FOR EACH ROW EXECUTE FUNCTION names_insert();
		CREATE TRIGGER orders_touch BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION touch();`)
	full := inspect(t, db.DB, tideTables)
	for _, tc := range []struct {
		name   string
		tables []string
	}{
		{"one", []string{"users"}},
		{"with a trigger", []string{"orders"}},
		{"partitions and missing names", []string{"events", "events_old", "no_such_table", ""}},
		{"long names", []string{"readings_taken_by_the_field_teams_every_morning_and_evening", "renamed_to"}},
		{"excluded", []string{"tide_migrations", "scratch"}},
		{"empty", []string{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := inspect(t, db.DB, schema.Options{Exclude: tideTables.Exclude, Tables: tc.tables})
			if diff := cmp.Diff(only(full, tc.tables), got); diff != "" {
				t.Errorf("Tables %q read (-want +got):\n%s", tc.tables, diff)
			}
		})
	}
	// Without Exclude, a listed tide_migrations is read, and the sequence
	// it owns is owned by it.
	got := inspect(t, db.DB, schema.Options{Tables: []string{"tide_migrations"}})
	if len(got.Tables) != 1 || len(got.Triggers) != 2 || !slices.ContainsFunc(got.Sequences, func(s *schema.Sequence) bool {
		return s.OwnedBy == "tide_migrations.id"
	}) {
		t.Errorf("tide_migrations alone: %d tables, triggers %v, sequences %v", len(got.Tables), got.Triggers, got.Sequences)
	}
}
