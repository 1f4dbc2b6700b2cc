package backup_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/tidemigrate/tide/backup"
	"github.com/tidemigrate/tide/dialect"
	"github.com/tidemigrate/tide/dialect/mysql"
	"github.com/tidemigrate/tide/dialect/postgres"
	"github.com/tidemigrate/tide/dialect/sqlite"
)

// findings writes what Detect finds in script, split by d: one
// "WHAT table @line" per finding, quoted parts in brackets.
func findings(t *testing.T, d dialect.Dialect, script string) string {
	t.Helper()
	stmts, err := d.Split(script)
	if err != nil {
		t.Fatalf("split: %v", err)
	}
	var out []string
	for _, f := range backup.Detect(d, stmts) {
		part := func(s string, q bool) string {
			if q {
				return "[" + s + "]"
			}
			return s
		}
		name := part(f.Table.Name, f.Table.NameQuoted)
		if f.Table.Schema != "" {
			name = part(f.Table.Schema, f.Table.SchemaQuoted) + "." + name
		}
		out = append(out, fmt.Sprintf("%s %s @%d", f.What, name, f.Line))
	}
	return strings.Join(out, "; ")
}

func TestDetect(t *testing.T) {
	pg, my, lite := postgres.New(), mysql.New(), sqlite.New()
	all := []dialect.Dialect{pg, my, lite}
	tests := []struct {
		name     string
		dialects []dialect.Dialect
		script   string
		want     string
	}{
		{"drop table", all, "DROP TABLE users;", "DROP TABLE users @1"},
		{"drop if exists, several, cascade", []dialect.Dialect{pg, my}, "drop table if exists a, app.b cascade;", "DROP TABLE a @1; DROP TABLE app.b @1"},
		{"quoted names", []dialect.Dialect{pg, lite}, `DROP TABLE "My Table", "s"."T";`, "DROP TABLE [My Table] @1; DROP TABLE [s].[T] @1"},
		{"backquoted", []dialect.Dialect{my}, "DROP TABLE `odd``name`;", "DROP TABLE [odd`name] @1"},
		{"brackets", []dialect.Dialect{lite}, "DROP TABLE [x y];", "DROP TABLE [x y] @1"},
		{"temporary table", []dialect.Dialect{my}, "DROP TEMPORARY TABLE t;", ""},
		{"other objects", all, "DROP VIEW v;\nDROP INDEX i;\nDROP TRIGGER tr;", ""},
		{"truncate", []dialect.Dialect{pg, my}, "TRUNCATE TABLE a;\ntruncate b, c;", "TRUNCATE a @1; TRUNCATE b @2; TRUNCATE c @2"},
		{"truncate only, star, options", []dialect.Dialect{pg}, "TRUNCATE ONLY a, b * RESTART IDENTITY CASCADE;", "TRUNCATE a @1; TRUNCATE b @1"},
		{"drop column", all, "ALTER TABLE users DROP COLUMN email;", "DROP COLUMN users @1"},
		{"drop column without COLUMN", []dialect.Dialect{pg, my}, "ALTER TABLE users DROP email, ADD COLUMN x int;", "DROP COLUMN users @1"},
		{"drop column if exists", []dialect.Dialect{pg, my}, "ALTER TABLE IF EXISTS ONLY users DROP COLUMN IF EXISTS email;", "DROP COLUMN users @1"},
		{"second action drops", []dialect.Dialect{pg, my}, "ALTER TABLE t ADD COLUMN a int, DROP COLUMN b;", "DROP COLUMN t @1"},
		{"drops that keep rows", []dialect.Dialect{pg, my}, "ALTER TABLE t DROP CONSTRAINT c, DROP INDEX i, DROP PRIMARY KEY, DROP FOREIGN KEY f, DROP CHECK k, ALTER COLUMN x DROP DEFAULT, ALTER COLUMN y DROP NOT NULL;", ""},
		{"comma inside parentheses", []dialect.Dialect{pg}, "ALTER TABLE t ADD CONSTRAINT c CHECK (a IN (1, 2)), DROP c2;", "DROP COLUMN t @1"},
		{"drop partition", []dialect.Dialect{my}, "ALTER TABLE t DROP PARTITION p0;\nALTER TABLE u TRUNCATE PARTITION p1;", "DROP PARTITION t @1; TRUNCATE PARTITION u @2"},
		{"delete without where", all, "DELETE FROM logs;", "DELETE without WHERE logs @1"},
		{"delete with where", all, "DELETE FROM logs WHERE created_at < '2020-01-01';", ""},
		{"where only in a subquery", []dialect.Dialect{pg}, "DELETE FROM t USING (SELECT id FROM u WHERE x) s;", "DELETE without WHERE t @1"},
		{"delete modifiers", []dialect.Dialect{my}, "DELETE LOW_PRIORITY QUICK IGNORE FROM t ORDER BY id LIMIT 10;", "DELETE without WHERE t @1"},
		{"multiple-table delete", []dialect.Dialect{my}, "DELETE a, b FROM a JOIN b ON a.id = b.a_id;", "DELETE without WHERE a @1; DELETE without WHERE b @1"},
		{"delete only alias", []dialect.Dialect{pg}, "DELETE FROM ONLY t AS x RETURNING *;", "DELETE without WHERE t @1"},
		{"with delete", []dialect.Dialect{pg, lite}, "WITH old AS (SELECT 1) DELETE FROM t;", "DELETE without WHERE t @1"},
		{"with delete where", []dialect.Dialect{pg, lite}, "WITH old AS (SELECT 1) DELETE FROM t WHERE id IN (SELECT * FROM old);", ""},
		{"data-modifying cte", []dialect.Dialect{pg}, "WITH moved AS (DELETE FROM old RETURNING *) INSERT INTO new SELECT * FROM moved;", "DELETE without WHERE old @1"},
		{"comments and strings", all, "-- DROP TABLE a;\n/* TRUNCATE b; */ SELECT 'DROP TABLE c';\nINSERT INTO t VALUES ('DELETE FROM d');", ""},
		{"comment inside", all, "DROP /* not yet */ TABLE x;", "DROP TABLE x @1"},
		{"mysql executable comment", []dialect.Dialect{my}, "/*!40000 DROP TABLE x */;", "DROP TABLE x @1"},
		{"mysql hash comment", []dialect.Dialect{my}, "# DROP TABLE a\nSELECT 1;", ""},
		{"dollar quoted body", []dialect.Dialect{pg}, "CREATE FUNCTION f() RETURNS void AS $$ DELETE FROM t; $$ LANGUAGE sql;", ""},
		{"renamed then dropped", all, "ALTER TABLE a RENAME TO b;\nDROP TABLE b;", "DROP TABLE a @2"},
		{"renamed twice", []dialect.Dialect{my}, "RENAME TABLE a TO b, b TO c;\nTRUNCATE c;", "TRUNCATE a @2"},
		{"rename in alter, mysql", []dialect.Dialect{my}, "ALTER TABLE a RENAME b;\nDELETE FROM b;", "DELETE without WHERE a @2"},
		{"column rename is not a table rename", []dialect.Dialect{pg}, "ALTER TABLE a RENAME x TO y;\nDROP TABLE x;", "DROP TABLE x @2"},
		{"found once", all, "DELETE FROM t;\nDROP TABLE t;", "DELETE without WHERE t @1"},
		{"case folds", []dialect.Dialect{pg}, "DELETE FROM Users;\nDROP TABLE users;", "DELETE without WHERE Users @1"},
		{"mysql-only statements elsewhere", []dialect.Dialect{pg}, "RENAME TABLE a TO b;", ""},
		{"lines", all, "SELECT 1;\n\n  DROP TABLE t;", "DROP TABLE t @3"},
		{"incomplete statements", all, "DROP TABLE;\nALTER TABLE;\nDELETE FROM;\nTRUNCATE;\nDROP;", ""},
	}
	for _, tt := range tests {
		for _, d := range tt.dialects {
			t.Run(tt.name+"/"+d.Name(), func(t *testing.T) {
				if got := findings(t, d, tt.script); got != tt.want {
					t.Errorf("found %q\nwant  %q", got, tt.want)
				}
			})
		}
	}
}

func FuzzDetect(f *testing.F) {
	for _, s := range []string{
		"DROP TABLE a, b;", "TRUNCATE ONLY x *;", "ALTER TABLE t DROP c, DROP CONSTRAINT k;", "DELETE FROM t;",
		"WITH x AS (DELETE FROM t) SELECT 1;", "RENAME TABLE a TO b;", "ALTER TABLE a RENAME TO b;", "DELETE a FROM a;",
		"/*!1 DROP TABLE x */", `DROP TABLE "a"."b"`, "ALTER TABLE (", "WITH ((((",
	} {
		f.Add(s)
	}
	dialects := []dialect.Dialect{postgres.New(), mysql.New(), sqlite.New()}
	f.Fuzz(func(t *testing.T, script string) {
		for _, d := range dialects {
			stmts, err := d.Split(script)
			if err != nil {
				continue
			}
			for _, fd := range backup.Detect(d, stmts) {
				if fd.Table.Name == "" || fd.Statement < 0 || fd.Statement >= len(stmts) || fd.Line != stmts[fd.Statement].Line {
					t.Fatalf("%s: finding %+v in %d statements", d.Name(), fd, len(stmts))
				}
			}
		}
	})
}
