package tide_test

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/tidemigrate/tide"
	"github.com/tidemigrate/tide/adopt"
	"github.com/tidemigrate/tide/internal/testdb"
)

// adoptFS holds two migrations, the first of which goose applied in the
// databases of these tests.
var adoptFS = fstest.MapFS{
	"1_users.sql": {Data: []byte("-- +tide up\nCREATE TABLE users (id INTEGER PRIMARY KEY);\n-- +tide down\nDROP TABLE users;\n")},
	"2_posts.sql": {Data: []byte("-- +tide up\nCREATE TABLE posts (id INTEGER PRIMARY KEY);\n-- +tide down\nDROP TABLE posts;\n")},
}

func mustExec(t *testing.T, db *sql.DB, stmts ...string) {
	t.Helper()
	for _, s := range stmts {
		if _, err := db.ExecContext(context.Background(), s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

// gooseApplied makes the database one that goose migrated to version 1.
func gooseApplied(t *testing.T, db *sql.DB) {
	t.Helper()
	mustExec(t, db,
		"CREATE TABLE goose_db_version (id INTEGER PRIMARY KEY, version_id BIGINT NOT NULL, is_applied BOOLEAN NOT NULL, tstamp TIMESTAMP NULL)",
		"INSERT INTO goose_db_version (id, version_id, is_applied) VALUES (1, 0, TRUE), (2, 1, TRUE)",
		"CREATE TABLE users (id INTEGER PRIMARY KEY)")
}

// TestUpRefusesOtherHistory checks that a first Up over another tool's
// history is refused, unless WithIgnoreOtherHistory, and that nothing is
// checked once tide's version table exists.
func TestUpRefusesOtherHistory(t *testing.T) {
	t.Parallel()
	for _, kind := range testdb.Kinds() {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := testdb.New(t, kind)
			gooseApplied(t, db.DB)
			m, err := tide.New(db.Dialect, db.DB, adoptFS)
			if err != nil {
				t.Fatal(err)
			}
			for _, up := range []func() ([]tide.Result, error){
				func() ([]tide.Result, error) { return m.Up(ctx) },
				func() ([]tide.Result, error) { return m.UpTo(ctx, tide.MustParseVersion("1")) },
			} {
				rs, err := up()
				oe, ok := errors.AsType[*tide.OtherHistoryError](err)
				if !ok || len(rs) != 0 || len(oe.Sources) != 1 || oe.Sources[0].Name() != "goose" || oe.VersionTable != tide.DefaultTable {
					t.Fatalf("Up = %v, %v; want an OtherHistoryError naming goose", rs, err)
				}
				want := "tide: this database has goose's history table goose_db_version and no tide_migrations yet: run tide adopt first, " +
					"so that tide does not apply again what goose applied (or pass --ignore-other-history)"
				if err.Error() != want {
					t.Errorf("error:\n got %s\nwant %s", err, want)
				}
			}
			if ok, err := db.Dialect.TableExists(ctx, db.DB, tide.DefaultTable); err != nil || ok {
				t.Fatalf("the refused Up created the version table: %v, %v", ok, err)
			}

			// An empty table of another tool is no reason to refuse.
			mustExec(t, db.DB, "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)")
			if _, err := m.Up(ctx); !errors.As(err, new(*tide.OtherHistoryError)) || strings.Contains(err.Error(), "alembic") {
				t.Fatalf("Up beside an empty alembic_version = %v; want goose's history alone named", err)
			}

			// The tables of two tools: the error lists both.
			mustExec(t, db.DB, "INSERT INTO alembic_version (version_num) VALUES ('1975ea83b712')")
			_, err = m.Up(ctx)
			want := "tide: this database has other tools' history tables (goose_db_version (goose), alembic_version (alembic)) and no tide_migrations yet: " +
				"run tide adopt --format TOOL first, so that tide does not apply again what they applied (or pass --ignore-other-history)"
			if oe, ok := errors.AsType[*tide.OtherHistoryError](err); !ok || len(oe.Sources) != 2 || err.Error() != want {
				t.Fatalf("Up over two histories = %v\nwant %s", err, want)
			}

			// Plan and Baseline are not Up: they run.
			if plan, err := m.Plan(ctx, tide.Version{}); err != nil || len(plan) != 2 {
				t.Fatalf("Plan = %d steps, %v", len(plan), err)
			}

			// The option lets Up through; from then on tide's own table is
			// there, and the other tool's is no longer looked for.
			ignoring, err := tide.New(db.Dialect, db.DB, adoptFS, tide.WithIgnoreOtherHistory(true))
			if err != nil {
				t.Fatal(err)
			}
			mustExec(t, db.DB, "DROP TABLE users")
			if rs, err := ignoring.Up(ctx); err != nil || len(rs) != 2 {
				t.Fatalf("Up with WithIgnoreOtherHistory = %d results, %v; want 2", len(rs), err)
			}
			if rs, err := m.Up(ctx); err != nil || len(rs) != 0 {
				t.Fatalf("Up once tide's table exists = %d results, %v; want nothing to do", len(rs), err)
			}
			if _, err := m.DownAll(ctx); err != nil {
				t.Fatal(err)
			}
			if rs, err := m.Up(ctx); err != nil || len(rs) != 2 {
				t.Fatalf("Up over an empty version table = %d results, %v; want 2", len(rs), err)
			}
		})
	}
}

// TestUpBesideAnEmptyOtherHistory checks that a first Up runs where
// another tool's history table lists nothing applied: goose's table with
// only the version 0 row it writes when it creates the table.
func TestUpBesideAnEmptyOtherHistory(t *testing.T) {
	t.Parallel()
	for _, kind := range testdb.Kinds() {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := testdb.New(t, kind)
			mustExec(t, db.DB,
				"CREATE TABLE goose_db_version (id INTEGER PRIMARY KEY, version_id BIGINT NOT NULL, is_applied BOOLEAN NOT NULL, tstamp TIMESTAMP NULL)",
				"INSERT INTO goose_db_version (id, version_id, is_applied) VALUES (1, 0, TRUE)")
			m, err := tide.New(db.Dialect, db.DB, adoptFS)
			if err != nil {
				t.Fatal(err)
			}
			if rs, err := m.Up(ctx); err != nil || len(rs) != 2 {
				t.Fatalf("Up beside an empty goose_db_version = %d results, %v; want 2", len(rs), err)
			}
		})
	}
}

// TestAdoptPlan follows the README: read goose's history, plan, adopt,
// then Up applies only what goose did not.
func TestAdoptPlan(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := testdb.New(t, testdb.SQLite)
	gooseApplied(t, db.DB)
	m, err := tide.New(db.Dialect, db.DB, adoptFS)
	if err != nil {
		t.Fatal(err)
	}
	src, notes, err := adopt.Choose(ctx, db.Dialect, db.DB, adopt.Folder{FS: adoptFS})
	if err != nil || src.Name() != "goose" || len(notes) != 0 {
		t.Fatalf("Choose = %v, %q, %v", src, notes, err)
	}
	h, err := src.Read(ctx, db.Dialect, db.DB)
	if err != nil {
		t.Fatal(err)
	}
	p, err := h.Plan(m.Set(), adopt.Folder{FS: adoptFS}, adopt.PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Adopt(ctx, nil, false); err == nil {
		t.Error("Adopt accepted a nil plan")
	}
	if _, err := m.Adopt(ctx, &adopt.Plan{Adoptions: p.Adoptions}, false); err == nil {
		t.Error("Adopt accepted a plan without a source")
	}
	if rs, err := m.Adopt(ctx, p, true); err != nil || len(rs) != 1 || !rs[0].Adopted {
		t.Fatalf("dry-run Adopt = %+v, %v", rs, err)
	}
	if rs, err := m.Adopt(ctx, p, false); err != nil || len(rs) != 1 {
		t.Fatalf("Adopt = %+v, %v", rs, err)
	}
	rs, err := m.Up(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range rs {
		got = append(got, r.Migration.Name)
	}
	if !slices.Equal(got, []string{"posts"}) {
		t.Errorf("Up after Adopt applied %v; want [posts]", got)
	}
	st, err := m.Status(ctx)
	if err != nil || !st[0].Adopted || st[0].AdoptedFrom != "goose" {
		t.Errorf("status of 1 = %+v, %v; want adopted from goose", st[0], err)
	}
}
