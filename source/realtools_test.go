package source_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/tidemigrate/tide"
	"github.com/tidemigrate/tide/internal/testdb"
	"github.com/tidemigrate/tide/internal/testtools"
	"github.com/tidemigrate/tide/source"
)

// realTarget is a format whose real tool runs the converted folder.
type realTarget struct {
	format source.Format
	tool   testtools.Tool
	kinds  []string // the databases the tool is built for
	// up and down run the tool at bin on the folder dir against db.
	up, down func(t *testing.T, bin, dir string, db *testdb.DB)
}

func realTargets() []realTarget {
	return []realTarget{{
		format: source.Goose, tool: testtools.Goose, kinds: testdb.Kinds(),
		up: func(t *testing.T, bin, dir string, db *testdb.DB) {
			driver, dsn := gooseDSN(t, db)
			runTool(t, bin, "-dir", dir, driver, dsn, "up")
		},
		down: func(t *testing.T, bin, dir string, db *testdb.DB) {
			driver, dsn := gooseDSN(t, db)
			runTool(t, bin, "-dir", dir, driver, dsn, "down-to", "0")
		},
	}, {
		// Built with the postgres and mysql drivers only.
		format: source.GolangMigrate, tool: testtools.GolangMigrate, kinds: []string{testdb.Postgres, testdb.MySQL},
		up: func(t *testing.T, bin, dir string, db *testdb.DB) {
			runTool(t, bin, "-path", dir, "-database", golangMigrateURL(t, db), "up")
		},
		down: func(t *testing.T, bin, dir string, db *testdb.DB) {
			runTool(t, bin, "-path", dir, "-database", golangMigrateURL(t, db), "down", "-all")
		},
	}}
}

// TestConvertRunsWithRealTools converts the native folders of
// testdata/realtools to goose and golang-migrate for their database, runs
// the converted folder with the real tool (built once by
// [testtools.Install]), and compares the schema and rows with tide's own
// run of the native folder, after up and after down: the tools run exactly
// the statements tide runs. SQLite always; PostgreSQL and MySQL when their
// URLs are set. -short skips it.
func TestConvertRunsWithRealTools(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: not installing and running the real tools")
	}
	t.Parallel()
	for _, rt := range realTargets() {
		t.Run(rt.format.Name(), func(t *testing.T) {
			t.Parallel()
			for _, kind := range rt.kinds {
				t.Run(strings.ToLower(kind), func(t *testing.T) {
					t.Parallel()
					if kind != testdb.SQLite {
						testdb.URL(t, kind) // skip, or fail under CI, when unset
					}
					bin := testtools.Install(t, rt.tool)
					ctx := context.Background()
					byTide, byTool := testdb.New(t, kind), testdb.New(t, kind)
					fixture := filepath.Join("testdata", "realtools", byTide.Dialect.Name())

					m, err := tide.New(byTide.Dialect, byTide.DB, os.DirFS(fixture))
					if err != nil {
						t.Fatal(err)
					}
					if _, err := m.Up(ctx); err != nil {
						t.Fatalf("tide up: %v", err)
					}

					migs, err := source.Native.Read(os.DirFS(fixture))
					if err != nil {
						t.Fatal(err)
					}
					dir := filepath.Join(t.TempDir(), "converted")
					var notes []string
					if _, err := source.Write(dir, rt.format, migs, source.WithSplitter(byTool.Dialect),
						source.WithNotes(func(n string) { notes = append(notes, n) })); err != nil {
						t.Fatalf("convert to %s: %v", rt.format.Name(), err)
					}
					for _, n := range notes {
						t.Log(n)
					}
					if rt.format.Name() == "goose" {
						// Checksums cover the statements: the database tide
						// migrated goes on with the goose folder without drift.
						g, err := tide.New(byTide.Dialect, byTide.DB, os.DirFS(dir), tide.WithFormat(rt.format))
						if err != nil {
							t.Fatalf("read the goose folder: %v", err)
						}
						if err := g.Validate(ctx); err != nil {
							t.Errorf("the goose folder on tide's database: %v", err)
						}
					}
					rt.up(t, bin, dir, byTool)
					compareDatabases(t, "after up", byTide, byTool)
					if d := dump(t, byTide); len(d) < 6 {
						t.Fatalf("after up, tide's database holds only %q", d)
					}

					if _, err := m.DownAll(ctx); err != nil {
						t.Fatalf("tide down --all: %v", err)
					}
					rt.down(t, bin, dir, byTool)
					compareDatabases(t, "after down", byTide, byTool)
				})
			}
		})
	}
}

// compareDatabases fails the test unless the two databases hold the same
// schema (tables, columns, indexes, routines, triggers) and the same rows
// in accounts, leaving out the tools' own tables.
func compareDatabases(t *testing.T, when string, want, got *testdb.DB) {
	t.Helper()
	w, g := dump(t, want), dump(t, got)
	if diff := cmp.Diff(w, g); diff != "" {
		t.Errorf("%s, the tool's database differs from tide's (-tide +tool):\n%s", when, diff)
	}
}

// dump lists what the database holds, one line per object or row.
func dump(t *testing.T, db *testdb.DB) []string {
	t.Helper()
	var queries []string
	switch db.Dialect.Name() {
	case "postgres":
		queries = []string{
			`SELECT table_name, column_name, data_type, is_nullable, coalesce(column_default, '') FROM information_schema.columns
			 WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position`,
			`SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() ORDER BY indexname`,
			`SELECT p.proname, p.prosrc FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
			 WHERE n.nspname = current_schema() ORDER BY 1`,
			`SELECT trigger_name, event_manipulation, action_timing, action_statement FROM information_schema.triggers
			 WHERE trigger_schema = current_schema() ORDER BY 1, 2`,
		}
	case "mysql":
		queries = []string{
			`SELECT table_name, column_name, column_type, is_nullable, coalesce(column_default, '') FROM information_schema.columns
			 WHERE table_schema = DATABASE() ORDER BY table_name, ordinal_position`,
			`SELECT table_name, index_name, column_name FROM information_schema.statistics
			 WHERE table_schema = DATABASE() ORDER BY table_name, index_name, seq_in_index`,
			`SELECT routine_name, routine_type, routine_definition FROM information_schema.routines
			 WHERE routine_schema = DATABASE() ORDER BY 1`,
			`SELECT trigger_name, action_timing, action_statement FROM information_schema.triggers
			 WHERE trigger_schema = DATABASE() ORDER BY 1`,
		}
	default:
		queries = []string{`SELECT type, name, coalesce(sql, '') FROM sqlite_master ORDER BY type, name`}
	}
	var lines []string
	for _, q := range queries {
		lines = append(lines, rows(t, db.DB, q)...)
	}
	var kept []string
	for _, l := range lines {
		if !strings.Contains(l, "tide_") && !strings.Contains(l, "goose_db_version") && !strings.Contains(l, "schema_migrations") &&
			!strings.Contains(l, "sqlite_sequence") { // made by goose's AUTOINCREMENT
			kept = append(kept, l)
		}
	}
	if strings.Contains(strings.Join(kept, "\n"), "accounts") {
		kept = append(kept, rows(t, db.DB, "SELECT id, name, n, coalesce(note, 'NULL') FROM accounts ORDER BY id")...)
	}
	return kept
}

// rows runs q and returns each row as a line of its values.
func rows(t *testing.T, db *sql.DB, q string) []string {
	t.Helper()
	rs, err := db.QueryContext(context.Background(), q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rs.Close()
	cols, err := rs.Columns()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for rs.Next() {
		vals := make([]sql.RawBytes, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rs.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		parts := make([]string, len(vals))
		for i, v := range vals {
			parts[i] = string(v)
		}
		out = append(out, strings.Join(parts, " | "))
	}
	if err := rs.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// runTool runs bin with args and fails the test unless it succeeds.
func runTool(t *testing.T, bin string, args ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = os.Environ()
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s %s: %v\n%s", filepath.Base(bin), strings.Join(args, " "), err, out)
	}
}

// gooseDSN returns goose's driver name and connection string for db.
func gooseDSN(t *testing.T, db *testdb.DB) (driver, dsn string) {
	t.Helper()
	switch db.Dialect.Name() {
	case "sqlite":
		return "sqlite3", db.Name
	case "mysql":
		return "mysql", mysqlDSN(t, db.URL) + "?parseTime=true"
	}
	return "postgres", db.URL
}

// golangMigrateURL returns golang-migrate's database URL for db.
func golangMigrateURL(t *testing.T, db *testdb.DB) string {
	t.Helper()
	if db.Dialect.Name() == "mysql" {
		return "mysql://" + mysqlDSN(t, db.URL)
	}
	return db.URL
}

func mysqlDSN(t *testing.T, rawURL string) string {
	t.Helper()
	dsn, err := testtools.MySQLDSN(rawURL)
	if err != nil {
		t.Fatal(fmt.Errorf("mysql URL: %w", err))
	}
	return dsn
}
