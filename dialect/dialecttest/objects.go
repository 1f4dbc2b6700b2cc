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
