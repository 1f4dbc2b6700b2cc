package source

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/tidemigrate/tide/dialect/mysql"
	"github.com/tidemigrate/tide/dialect/postgres"
	"github.com/tidemigrate/tide/dialect/sqlite"
	"github.com/tidemigrate/tide/migration"
)

// TestWriteGooseStatementBlocks writes one native up section as goose, for
// one database, and checks where StatementBegin/StatementEnd blocks go and
// that the goose file holds the statements tide splits from the native
// one, with the same checksum.
func TestWriteGooseStatementBlocks(t *testing.T) {
	pg, my, lite := postgres.New(), mysql.New(), sqlite.New()
	tests := []struct {
		name   string
		s      migration.Splitter // nil: every database
		sql    string
		blocks int      // StatementBegin blocks written
		want   []string // substrings of the goose file
		absent []string // not in the goose file
		err    string   // the error, when it cannot be written
	}{{
		name: "goose splits it as the database does: written as it is",
		s:    pg, sql: "CREATE TABLE t (\n    id int\n);\n-- a comment\nINSERT INTO t VALUES (1);\n",
		want: []string{"-- +goose Up\nCREATE TABLE t (\n    id int\n);\n-- a comment\nINSERT INTO t VALUES (1);\n"},
	}, {
		name: "every database agrees: no need to know which",
		sql:  "CREATE TABLE t (id int);\nINSERT INTO t VALUES (1);\n",
		want: []string{"CREATE TABLE t (id int);\nINSERT INTO t VALUES (1);\n"},
	}, {
		name: "a final semicolon added where goose needs one",
		s:    pg, sql: "CREATE TABLE t (id int);\nINSERT INTO t VALUES (1) -- the first\n",
		want: []string{"INSERT INTO t VALUES (1); -- the first\n"},
	}, {
		name: "a function body with line-ending semicolons",
		s:    pg,
		sql: "CREATE TABLE t (id int, n int);\n\n-- counts rows\nCREATE FUNCTION bump() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n  NEW.n := 1;\n  RETURN NEW;\nEND;\n$$;\n" +
			"CREATE TRIGGER t_bump BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION bump();\n",
		blocks: 3,
		want: []string{
			"-- +goose StatementBegin\nCREATE TABLE t (id int, n int)\n-- +goose StatementEnd\n",
			"-- counts rows\n-- +goose StatementBegin\nCREATE FUNCTION bump() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n  NEW.n := 1;\n  RETURN NEW;\nEND;\n$$\n-- +goose StatementEnd\n",
		},
	}, {
		name:   "a DO block",
		s:      pg,
		sql:    "DO $$\nBEGIN\n  INSERT INTO t VALUES (1);\nEND\n$$;\n",
		blocks: 1,
	}, {
		name:   "a quoted string with a line-ending semicolon",
		s:      pg,
		sql:    "INSERT INTO t (s) VALUES ('a;\nb');\n",
		blocks: 1,
	}, {
		name:   "two statements on one line",
		s:      lite,
		sql:    "CREATE TABLE a (id int); CREATE TABLE b (id int);\n",
		blocks: 2,
	}, {
		name:   "an empty statement goose would send",
		s:      lite,
		sql:    "CREATE TABLE a (id int);\n;\n",
		blocks: 1,
	}, {
		name:   "a MySQL trigger body",
		s:      my,
		sql:    "CREATE TRIGGER t_bi BEFORE INSERT ON t FOR EACH ROW\nBEGIN\n  SET NEW.n = 1;\n  SET NEW.m = 2;\nEND;\n",
		blocks: 1,
	}, {
		name:   "a MySQL DELIMITER block, which only the mysql client reads",
		s:      my,
		sql:    "DELIMITER //\nCREATE PROCEDURE p()\nBEGIN\n  SELECT 1;\nEND //\nDELIMITER ;\n",
		blocks: 1,
		absent: []string{"DELIMITER"},
	}, {
		name:   "a SQLite trigger body",
		s:      lite,
		sql:    "CREATE TRIGGER t_ai AFTER INSERT ON t\nBEGIN\n  UPDATE t SET n = 1 WHERE id = NEW.id;\nEND;\n",
		blocks: 1,
	}, {
		name: "a comment line that reads as a goose annotation is left out",
		s:    pg, sql: "-- +goose Down\nSELECT 1;\n",
		blocks: 1,
		absent: []string{"+goose Down"},
	}, {
		name: "databases disagree and goose must be told: the database is needed",
		sql:  "CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $$\nBEGIN\n  RETURN 1;\nEND;\n$$;\n",
		err:  "say which database the files are for",
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := migration.File{Version: migration.MustParseVersion("1"), Name: "x", Path: "1_x.sql",
				Up: migration.Section{Path: "1_x.sql", Line: 2, SQL: tc.sql}}
			files, _, err := GooseFormat{}.FilesFor(tc.s, []migration.File{m})
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) || !strings.Contains(err.Error(), "1_x.sql") {
					t.Fatalf("FilesFor = %v, want an error naming 1_x.sql and containing %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := string(files["1_x.sql"])
			if n := strings.Count(got, "-- +goose StatementBegin\n"); n != tc.blocks {
				t.Errorf("%d blocks, want %d:\n%s", n, tc.blocks, got)
			}
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("goose file lacks %q:\n%s", w, got)
				}
			}
			for _, a := range tc.absent {
				if strings.Contains(got, a) {
					t.Errorf("goose file holds %q:\n%s", a, got)
				}
			}
			s := tc.s
			if s == nil {
				s = pg
			}
			want, err := migration.Compile([]migration.File{m}, s)
			if err != nil {
				t.Fatal(err)
			}
			back, err := migration.Load(fstest.MapFS{"1_x.sql": {Data: files["1_x.sql"]}}, s, Goose)
			if err != nil {
				t.Fatalf("load the goose file: %v\n%s", err, got)
			}
			w, g := want.Versioned()[0], back.Versioned()[0]
			if w.Checksum != g.Checksum {
				t.Errorf("checksum changed: statements %q, want %q", statementTexts(g.Up), statementTexts(w.Up))
			}
			if tc.blocks > 0 && len(g.Up) != tc.blocks {
				t.Errorf("goose reads %d statements, want one per block (%d)", len(g.Up), tc.blocks)
			}
		})
	}
}
