package dialecttest

import (
	"context"
	"testing"

	"github.com/tidemigrate/tide/dialect"
)

// testObjectFinder checks [dialect.ObjectFinder]: indexes and constraints
// of every kind found, on their table and not on another, names that need
// quoting, and missing ones not found.
func testObjectFinder(t *testing.T, db Database) {
	f, ok := db.Dialect.(dialect.ObjectFinder)
	if !ok {
		t.Skip("the dialect does not look up indexes and constraints")
	}
	ctx := context.Background()
	q := db.Dialect.QuoteIdent
	for _, stmt := range []string{
		"CREATE TABLE parents (id INTEGER PRIMARY KEY)",
		"CREATE TABLE " + q("odd kids") + " (id INTEGER, parent_id INTEGER, code VARCHAR(20), " +
			"CONSTRAINT kids_pk PRIMARY KEY (id), " +
			"CONSTRAINT " + q(`kids "code"`) + " UNIQUE (code), " +
			"CONSTRAINT kids_parent_fk FOREIGN KEY (parent_id) REFERENCES parents (id), " +
			"CONSTRAINT kids_code_chk CHECK (code <> ''))",
		"CREATE INDEX " + q("kids parent idx") + " ON " + q("odd kids") + " (parent_id)",
	} {
		if _, err := db.DB.ExecContext(ctx, stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	type lookup struct {
		kind, name, table string
		want              bool
	}
	look := []lookup{
		{"index", "kids parent idx", "", true},
		{"index", "kids parent idx", "odd kids", true},
		{"index", "kids parent idx", "parents", false},
		{"index", "kids_parent_idx", "", false},
		{"index", "nope", "odd kids", false},
		{"constraint", `kids "code"`, "", true},
		{"constraint", `kids "code"`, "odd kids", true},
		{"constraint", "kids_parent_fk", "odd kids", true},
		{"constraint", "kids_code_chk", "", true},
		{"constraint", "kids_code_chk", "parents", false},
		{"constraint", "nope", "", false},
		{"constraint", "nope", "odd kids", false},
	}
	// Qualified by the schema (PostgreSQL), database (MySQL) or attached
	// database (SQLite) where they are.
	schema := map[string]string{"postgres": "public", "sqlite": "main"}[db.Dialect.Name()]
	if schema == "" {
		if err := db.DB.QueryRowContext(ctx, "SELECT DATABASE()").Scan(&schema); err != nil {
			t.Fatal(err)
		}
	}
	look = append(look, []lookup{
		{"index", schema + ".kids parent idx", "", true},
		{"index", "kids parent idx", schema + ".odd kids", true},
		{"constraint", "kids_code_chk", schema + ".odd kids", true},
		{"constraint", schema + ".kids_parent_fk", "", true},
	}...)
	if db.Dialect.Name() != "sqlite" { // SQLite: no such database is an error
		look = append(look, lookup{"constraint", "elsewhere.kids_code_chk", "", false})
	}
	for _, l := range look {
		var got bool
		var err error
		if l.kind == "index" {
			got, err = f.IndexExists(ctx, db.DB, l.name, l.table)
		} else {
			got, err = f.ConstraintExists(ctx, db.DB, l.name, l.table)
		}
		if err != nil || got != l.want {
			t.Errorf("%s %q on %q: %v, %v; want %v", l.kind, l.name, l.table, got, err, l.want)
		}
	}
}

// testTruth checks how a dialect reads one value as true: a comparison
// and EXISTS are true where they hold; a key column holding 1 is true only
// where the database has no other way to say true (MySQL).
func testTruth(t *testing.T, db Database) {
	ctx := context.Background()
	if _, err := db.DB.ExecContext(ctx, "CREATE TABLE truth (id INTEGER PRIMARY KEY)"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.DB.ExecContext(ctx, "INSERT INTO truth (id) VALUES (1)"); err != nil {
		t.Fatal(err)
	}
	tr, _ := db.Dialect.(dialect.TruthReader)
	isTrue := func(v any, dbType string) bool {
		if b, ok := v.(bool); ok {
			return b
		}
		return tr != nil && tr.IsTrue(v, dbType)
	}
	oneIsTrue := db.Dialect.Name() == "mysql"
	for q, want := range map[string]bool{
		"SELECT COUNT(*) = 1 FROM truth":                       true,
		"SELECT COUNT(*) = 0 FROM truth":                       false,
		"SELECT EXISTS (SELECT 1 FROM truth WHERE id = 1)":     true,
		"SELECT NOT EXISTS (SELECT 1 FROM truth WHERE id = 1)": false,
		"SELECT id FROM truth":                                 oneIsTrue,
		"SELECT id + 1 FROM truth":                             false,
	} {
		rows, err := db.DB.QueryContext(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		cts, err := rows.ColumnTypes()
		if err != nil || !rows.Next() {
			t.Fatalf("%s: %v", q, err)
		}
		var v any
		if err := rows.Scan(&v); err != nil {
			t.Fatal(err)
		}
		rows.Close()
		if got := isTrue(v, cts[0].DatabaseTypeName()); got != want {
			t.Errorf("%s: %#v (%s) reads as %v, want %v", q, v, cts[0].DatabaseTypeName(), got, want)
		}
	}
}
