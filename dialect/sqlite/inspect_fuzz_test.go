package sqlite_test

import (
	"context"
	"database/sql"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/tidemigrate/tide/dialect/sqlite"
	"github.com/tidemigrate/tide/schema"
)

// FuzzInspectRoundTrip runs arbitrary scripts on SQLite (a text that does
// not start with CREATE is the column list of a table t, so that mutations
// stay close to valid DDL). Whatever SQLite accepts must inspect without
// error, and the dump of what was inspected must replay into a fresh
// database that inspects the same.
func FuzzInspectRoundTrip(f *testing.F) {
	stmts, err := sqlite.New().Split(richSchema + diffBase)
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range stmts {
		f.Add(s.SQL)
	}
	f.Add(richSchema)
	f.Add(edgeSchema)
	f.Add(`CREATE TABLE t (a, b TEXT COLLATE nocase); CREATE INDEX i ON t (b COLLATE binary DESC, a + 1) WHERE a IS NOT NULL`)
	f.Add(`CREATE TABLE t (a); CREATE VIEW v (x) AS SELECT a FROM t; CREATE TRIGGER tr INSTEAD OF DELETE ON v BEGIN DELETE FROM t; END`)
	f.Add(`CREATE TABLE p (a INT, b TEXT, PRIMARY KEY (b, a)); CREATE TABLE c (x, y, FOREIGN KEY (y, x) REFERENCES p)`)
	for _, cols := range []string{
		`a "weird type" (1, 2) COLLATE rtrim DEFAULT (-(1)) CONSTRAINT c1 UNIQUE CONSTRAINT "c 2" CHECK(a!=0)`,
		`id INTEGER PRIMARY KEY AUTOINCREMENT, b TEXT AS (id || 'x') STORED, c REFERENCES t`,
		`a, b, c, PRIMARY KEY (a, b) UNIQUE (c COLLATE nocase) CHECK (a > b)`,
		`[a b] DEFAULT x'0a', "c""d" NUMERIC(10) DEFAULT (1.5e3), e DEFAULT CURRENT_DATE NOT NULL`,
		`a INTEGER PRIMARY KEY DESC, b INT CONSTRAINT fk REFERENCES t (a) ON DELETE SET NULL MATCH SIMPLE`,
	} {
		f.Add(cols)
	}
	f.Fuzz(func(t *testing.T, script string) {
		ctx := context.Background()
		d := sqlite.New()
		if !strings.HasPrefix(strings.ToUpper(strings.TrimSpace(script)), "CREATE") {
			script = "CREATE TABLE t (" + script + ")"
		}
		stmts, err := d.Split(script)
		if err != nil || len(stmts) == 0 || len(stmts) > 20 {
			return
		}
		db := memDB(t)
		for _, s := range stmts {
			if kw := strings.ToUpper(strings.Join(strings.Fields(s.SQL), " ")); !strings.HasPrefix(kw, "CREATE ") && !strings.HasPrefix(kw, "ALTER ") {
				return // keep to DDL: no ATTACH, PRAGMA writable_schema or VACUUM INTO
			}
			if _, err := db.ExecContext(ctx, s.SQL); err != nil {
				return
			}
		}
		first, err := schema.Inspect(ctx, d, db, schema.Options{})
		if err != nil {
			t.Fatalf("SQLite accepted the script, but inspecting it fails: %v", err)
		}
		if dotted(first) || descKey.MatchString(script) {
			// Dump quotes "a.b" as "a"."b"; the model has no DESC primary
			// key, and a column INTEGER PRIMARY KEY DESC is not the rowid.
			return
		}
		var dump strings.Builder
		if err := schema.Dump(&dump, first, d); err != nil {
			t.Fatal(err)
		}
		replay := memDB(t)
		out, err := d.Split(dump.String())
		if err != nil {
			t.Fatalf("split the dump: %v\n%s", err, dump.String())
		}
		for _, s := range out {
			if _, err := replay.ExecContext(ctx, s.SQL); err != nil {
				t.Fatalf("replay the dump: %v\n%s\nin:\n%s", err, s.SQL, dump.String())
			}
		}
		second, err := schema.Inspect(ctx, d, replay, schema.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if diff := schema.Diff(first, second); len(diff) != 0 {
			t.Fatalf("the replayed dump differs: %v\ndump:\n%s", diff, dump.String())
		}
	})
}

var descKey = regexp.MustCompile(`(?i)PRIMARY\s+KEY\s*(\(.*)?DESC`)

// memDB opens a private in-memory database on one connection.
func memDB(t *testing.T) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { db.Close() })
	return db
}

// dotted reports whether s names an object (a table, column, constraint,
// index or view) with a dot.
func dotted(s *schema.Schema) bool {
	var names []string
	for _, t := range s.Tables {
		names = append(names, t.Name)
		for _, c := range t.Columns {
			names = append(names, c.Name)
		}
		if t.PrimaryKey != nil {
			names = append(names, t.PrimaryKey.Name)
		}
		for _, u := range t.Uniques {
			names = append(names, u.Name)
			names = append(names, u.Columns...)
		}
		for _, c := range t.Checks {
			names = append(names, c.Name)
		}
		for _, f := range t.ForeignKeys {
			names = append(names, f.Name, f.RefTable)
			names = append(names, f.RefColumns...)
		}
		for _, ix := range t.Indexes {
			names = append(names, ix.Name)
		}
	}
	for _, v := range s.Views {
		names = append(names, v.Name)
		names = append(names, v.Columns...)
	}
	return slices.ContainsFunc(names, func(n string) bool { return strings.Contains(n, ".") })
}
