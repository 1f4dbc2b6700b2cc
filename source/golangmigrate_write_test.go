package source

import (
	"maps"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/tidemigrate/tide/dialect/mysql"
	"github.com/tidemigrate/tide/dialect/postgres"
	"github.com/tidemigrate/tide/migration"
)

// TestWriteGolangMigrateNoTransaction writes no-transaction migrations as
// golang-migrate files: one statement per file, in several migrations
// where needed, and checks the files and that tide reads them back.
func TestWriteGolangMigrateNoTransaction(t *testing.T) {
	v := migration.MustParseVersion
	pg := postgres.New()
	section := func(sql string) migration.Section { return migration.Section{SQL: sql} }
	down := func(sql string) *migration.Section { s := section(sql); return &s }
	next := migration.File{Version: v("20240102000000"), Name: "next", Up: section("SELECT 1;\n")}
	tests := []struct {
		name  string
		s     migration.Splitter
		migs  []migration.File
		files map[string]string // every file written
		notes int
		err   string
	}{{
		name: "a migration in a transaction is written as it is",
		s:    pg,
		migs: []migration.File{{Version: v("3"), Name: "a", Up: section("CREATE TABLE a (id int);\nCREATE TABLE b (id int);\n"), Down: down("DROP TABLE b;\nDROP TABLE a;\n")}},
		files: map[string]string{
			"3_a.up.sql":   "CREATE TABLE a (id int);\nCREATE TABLE b (id int);\n",
			"3_a.down.sql": "DROP TABLE b;\nDROP TABLE a;\n",
		},
	}, {
		name: "one statement each way: one migration, as it is",
		s:    pg,
		migs: []migration.File{{Version: v("3"), Name: "idx", NoTransaction: true,
			Up: section("-- concurrently\nCREATE INDEX CONCURRENTLY i ON t (c);\n"), Down: down("DROP INDEX CONCURRENTLY i;\n")}},
		files: map[string]string{
			"3_idx.up.sql":   "-- concurrently\nCREATE INDEX CONCURRENTLY i ON t (c);\n",
			"3_idx.down.sql": "DROP INDEX CONCURRENTLY i;\n",
		},
	}, {
		name: "two statements each way: two migrations, downs from the last",
		s:    pg,
		migs: []migration.File{{Version: v("20240101000000"), Name: "idx", NoTransaction: true,
			Up:   section("CREATE INDEX CONCURRENTLY i ON t (c);\nCREATE INDEX CONCURRENTLY j ON t (d);\n"),
			Down: down("DROP INDEX CONCURRENTLY j;\nDROP INDEX CONCURRENTLY i;\n")}, next},
		files: map[string]string{
			"20240101000000_idx.up.sql":         "CREATE INDEX CONCURRENTLY i ON t (c);\n",
			"20240101000000_idx.down.sql":       "DROP INDEX CONCURRENTLY i;\n",
			"20240101000001_idx_part2.up.sql":   "CREATE INDEX CONCURRENTLY j ON t (d);\n",
			"20240101000001_idx_part2.down.sql": "DROP INDEX CONCURRENTLY j;\n",
			"20240102000000_next.up.sql":        "SELECT 1;\n",
		},
		notes: 1,
	}, {
		name: "more up statements than down: the first parts have no down file",
		s:    pg,
		migs: []migration.File{{Version: v("0007"), Name: "x", Path: "0007_x.sql", NoTransaction: true,
			Up: section("SELECT 1;\nSELECT 2;\nSELECT 3;\n"), Down: down("SELECT 4;\n")}},
		files: map[string]string{
			"0007_x.up.sql":         "SELECT 1;\n",
			"0008_x_part2.up.sql":   "SELECT 2;\n",
			"0009_x_part3.up.sql":   "SELECT 3;\n",
			"0009_x_part3.down.sql": "SELECT 4;\n",
		},
		notes: 1,
	}, {
		name: "more down statements than up: the last parts have no up file",
		s:    pg,
		migs: []migration.File{{Version: v("5"), Name: "enum", NoTransaction: true,
			Up: section("ALTER TYPE mood ADD VALUE 'meh';\n"), Down: down("SELECT 1;\nSELECT 2;\nSELECT 3;\n")}},
		files: map[string]string{
			"5_enum.up.sql":         "ALTER TYPE mood ADD VALUE 'meh';\n",
			"5_enum.down.sql":       "SELECT 3;\n",
			"6_enum_part2.down.sql": "SELECT 2;\n",
			"7_enum_part3.down.sql": "SELECT 1;\n",
		},
		notes: 1,
	}, {
		name: "no down section: no down files",
		s:    pg,
		migs: []migration.File{{Version: v("5"), Name: "x", NoTransaction: true, Up: section("SELECT 1;\nSELECT 2;\n")}},
		files: map[string]string{
			"5_x.up.sql":       "SELECT 1;\n",
			"6_x_part2.up.sql": "SELECT 2;\n",
		},
		notes: 1,
	}, {
		name: "every database agrees: no need to know which",
		migs: []migration.File{{Version: v("5"), Name: "x", NoTransaction: true, Up: section("SELECT 1;\nSELECT 2;\n")}},
		files: map[string]string{
			"5_x.up.sql":       "SELECT 1;\n",
			"6_x_part2.up.sql": "SELECT 2;\n",
		},
		notes: 1,
	}, {
		name: "the mysql client's DELIMITER commands: the statements, each ending with ';'",
		s:    mysql.New(),
		migs: []migration.File{{Version: v("3"), Name: "proc",
			Up:   section("DELIMITER //\nCREATE PROCEDURE p()\nBEGIN\n  SELECT 1;\nEND //\nDELIMITER ;\nCALL p();\n"),
			Down: down("DROP PROCEDURE p;\n")}},
		files: map[string]string{
			"3_proc.up.sql":   "CREATE PROCEDURE p()\nBEGIN\n  SELECT 1;\nEND;\n\nCALL p();\n",
			"3_proc.down.sql": "DROP PROCEDURE p;\n",
		},
	}, {
		name: "statements fixed by goose blocks keep one final ';'",
		s:    pg,
		migs: []migration.File{{Version: v("5"), Name: "x", NoTransaction: true, Up: migration.Section{SQL: "ignored",
			Statements: []migration.Statement{{SQL: "CREATE INDEX CONCURRENTLY i ON t (c);"}, {SQL: "CREATE INDEX CONCURRENTLY j ON t (d);"}}}}},
		files: map[string]string{
			"5_x.up.sql":       "CREATE INDEX CONCURRENTLY i ON t (c);\n",
			"6_x_part2.up.sql": "CREATE INDEX CONCURRENTLY j ON t (d);\n",
		},
		notes: 1,
	}, {
		name: "no room before the next migration",
		s:    pg,
		migs: []migration.File{
			{Version: v("1"), Name: "x", NoTransaction: true, Up: section("SELECT 1;\nSELECT 2;\n")},
			{Version: v("2"), Name: "y", Up: section("SELECT 3;\n")},
		},
		err: "versions 1 to 2, but the next migration is 2: renumber",
	}, {
		name: "databases disagree on a no-transaction migration",
		migs: []migration.File{{Version: v("5"), Name: "x", NoTransaction: true,
			Up: section("CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $$\nBEGIN\n  RETURN 1;\nEND;\n$$;\nSELECT 1;\n")}},
		err: "say which database the files are for",
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			files, notes, err := GolangMigrate.(DialectWriter).FilesFor(tc.s, tc.migs)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("FilesFor = %v, want an error containing %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got, want := slices.Sorted(maps.Keys(files)), slices.Sorted(maps.Keys(tc.files)); !slices.Equal(got, want) {
				t.Fatalf("files %q, want %q", got, want)
			}
			for name, want := range tc.files {
				if string(files[name]) != want {
					t.Errorf("%s = %q, want %q", name, files[name], want)
				}
			}
			if len(notes) != tc.notes {
				t.Errorf("notes %q, want %d", notes, tc.notes)
			}
			fsys := fstest.MapFS{}
			for name, content := range files {
				fsys[name] = &fstest.MapFile{Data: content}
			}
			s := tc.s
			if s == nil {
				s = postgres.New()
			}
			if _, err := migration.Load(fsys, s, GolangMigrate); err != nil {
				t.Errorf("load the files: %v", err)
			}
		})
	}
}

func TestGolangMigrateDownWithoutUp(t *testing.T) {
	fsys := fstest.MapFS{
		"1_a.up.sql":   {Data: []byte("SELECT 1;\n")},
		"2_b.down.sql": {Data: []byte("SELECT 2;\n")},
	}
	migs, err := GolangMigrate.Read(fsys)
	if err != nil {
		t.Fatal(err)
	}
	if len(migs) != 2 || migs[1].Name != "b" || migs[1].Path != "2_b.down.sql" || strings.TrimSpace(migs[1].Up.SQL) != "" ||
		migs[1].Down == nil || migs[1].Down.SQL != "SELECT 2;\n" {
		t.Fatalf("read %+v; want 2_b with an empty up section and its down file", migs)
	}
}
