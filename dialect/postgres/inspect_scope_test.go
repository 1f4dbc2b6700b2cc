package postgres_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/tidemigrate/tide/dialect"
	"github.com/tidemigrate/tide/dialect/postgres"
	"github.com/tidemigrate/tide/internal/dburl"
	"github.com/tidemigrate/tide/internal/testdb"
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

// TestInspectPaths reads the fixture through each path the inspector
// takes: pipelined through a *sql.DB (also with pgx's simple protocol, as
// behind PgBouncer), one query at a time inside the caller's transaction,
// and scoped to tables in each; all read the same.
func TestInspectPaths(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := prepared(t, "public")
	run(t, db.DB, fixture)
	sep := "?"
	if strings.Contains(db.URL, "?") {
		sep = "&"
	}
	simple, _, err := dburl.Open(ctx, db.URL+sep+"default_query_exec_mode=simple_protocol")
	if err != nil {
		t.Fatal(err)
	}
	defer simple.Close()
	tx, err := db.DB.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	for _, opts := range []schema.Options{tideTables, {Exclude: tideTables.Exclude, Tables: []string{"users", "events"}}} {
		want := inspect(t, db.DB, opts)
		for name, q := range map[string]dialect.Querier{"simple protocol": simple, "caller's transaction": tx} {
			if diff := cmp.Diff(want, inspect(t, q, opts)); diff != "" {
				t.Errorf("%s, Tables %q (-pipelined +%s):\n%s", name, opts.Tables, name, diff)
			}
		}
	}
}

// TestInspectLeavesConnectionClean: an inspection that fails (after its
// transaction began) or succeeds gives its connection back to the pool
// outside any transaction, with its settings unchanged.
func TestInspectLeavesConnectionClean(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := testdb.New(t, testdb.Postgres)
	pool := db.Open(t)
	pool.SetMaxOpenConns(1)
	run(t, pool, "SET search_path = public; SET jit = on; CREATE TABLE t (a int)")
	for _, opts := range []schema.Options{{Schema: "nope"}, {Schema: "pg_catalog"}, {}} {
		_, _ = schema.Inspect(ctx, postgres.New(), pool, opts)
		var path, jit, iso string
		if err := pool.QueryRowContext(ctx, `SELECT current_setting('search_path'), current_setting('jit'),
			current_setting('transaction_isolation')`).Scan(&path, &jit, &iso); err != nil {
			t.Fatalf("after Inspect(%+v): %v", opts, err)
		}
		if path != "public" || jit != "on" || iso != "read committed" {
			t.Errorf("after Inspect(%+v): search_path %s, jit %s, isolation %s", opts, path, jit, iso)
		}
		run(t, pool, "INSERT INTO t VALUES (1)") // not in a read-only transaction
	}
}
