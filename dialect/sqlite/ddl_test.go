package sqlite

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseTable(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		sql  string
		want *tableDDL
	}{{
		name: "column constraints",
		sql: `CREATE TABLE t(id INTEGER CONSTRAINT "the pk" PRIMARY KEY ASC ON CONFLICT ROLLBACK AUTOINCREMENT,
			a TEXT CONSTRAINT nn NOT NULL CONSTRAINT ck CHECK (a <> 'CHECK (x)') COLLATE "No Case" DEFAULT 'x' UNIQUE,
			b VARCHAR(10,2) DEFAULT (1 + (2)) REFERENCES p (x) ON DELETE SET NULL ON UPDATE NO ACTION MATCH FULL NOT DEFERRABLE CHECK(b>0),
			c GENERATED ALWAYS AS ((a || 'as')) STORED, d AS (1) NOT NULL, e INT DEFAULT -1 DESC)`,
		want: &tableDDL{
			cols: []columnDDL{
				{name: "id", autoinc: true},
				{name: "a", collation: "No Case"},
				{name: "b"},
				{name: "c", generated: "a || 'as'"},
				{name: "d", generated: "1"},
				{name: "e", pkDesc: true},
			},
			pk:      &keyDDL{name: "the pk", cols: []string{"id"}},
			uniques: []keyDDL{{cols: []string{"a"}}},
			checks:  []checkDDL{{name: "ck", expr: "a <> 'CHECK (x)'"}, {expr: "b>0"}},
			fks:     []fkDDL{{cols: []string{"b"}, refTable: "p"}},
		},
	}, {
		name: "table constraints without commas, comments, quoting",
		sql: `CREATE TABLE "a""b" ( -- c1
			[x y] INT, ` + "`z`" + ` TEXT /* ( */,
			CONSTRAINT pk PRIMARY KEY ([x y] COLLATE nocase DESC, z) ON CONFLICT ABORT
			UNIQUE (z) CONSTRAINT 'named' CHECK ( ( z  IS  NOT NULL ) )
			FOREIGN KEY (z, [x y]) REFERENCES "Other" DEFERRABLE INITIALLY DEFERRED,
			CONSTRAINT fk2 FOREIGN KEY (z) REFERENCES o2
		) WITHOUT ROWID, STRICT`,
		want: &tableDDL{
			cols:    []columnDDL{{name: "x y"}, {name: "z"}},
			pk:      &keyDDL{name: "pk", cols: []string{"x y", "z"}},
			uniques: []keyDDL{{cols: []string{"z"}}},
			checks:  []checkDDL{{name: "named", expr: "z IS NOT NULL"}},
			fks: []fkDDL{
				{cols: []string{"z", "x y"}, refTable: "Other"},
				{name: "fk2", cols: []string{"z"}, refTable: "o2"},
			},
		},
	}, {
		name: "table primary key with autoincrement",
		sql:  `CREATE TABLE c (id INTEGER, PRIMARY KEY (id AUTOINCREMENT))`,
		want: &tableDDL{cols: []columnDDL{{name: "id"}}, pk: &keyDDL{cols: []string{"id"}, autoinc: true}},
	}, {
		name: "keyword-like column names and types",
		sql:  `CREATE TABLE k (generated INT, always always, key TEXT DEFAULT CURRENT_TIMESTAMP, "check" INT DEFAULT 1.5e3 NOT NULL)`,
		want: &tableDDL{cols: []columnDDL{{name: "generated"}, {name: "always"}, {name: "key"}, {name: "check"}}},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseTable(tc.sql)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tc.want, got, cmp.AllowUnexported(tableDDL{}, columnDDL{}, keyDDL{}, checkDDL{}, fkDDL{})); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	for _, sql := range []string{
		"CREATE TABLE t",
		"CREATE TABLE t (a INT",
		"CREATE TABLE t (a INT, CHECK (a > 0)",
		"CREATE TABLE t (a 'open",
		"CREATE TABLE t (a INT,)",
		"CREATE TABLE t (a INT CONSTRAINT)",
		"CREATE TABLE t (a, FOREIGN KEY (a) p)",
	} {
		if _, err := parseTable(sql); err == nil {
			t.Errorf("parseTable(%q): no error", sql)
		}
	}
	for _, sql := range []string{"CREATE INDEX i ON t", "CREATE INDEX i ON t (a"} {
		if _, err := parseIndex(sql); err == nil {
			t.Errorf("parseIndex(%q): no error", sql)
		}
	}
	if _, _, err := parseView("CREATE VIEW v (a, b)"); err == nil {
		t.Error("parseView without AS: no error")
	}
	if _, err := parseVirtual("CREATE VIRTUAL TABLE v"); err == nil {
		t.Error("parseVirtual without USING: no error")
	}
}

func TestParseIndex(t *testing.T) {
	t.Parallel()
	got, err := parseIndex(`CREATE UNIQUE INDEX "on" ON t (a COLLATE nocase DESC, (lower(b)) ASC, c + 1, ((d)))
		WHERE (a > 0 AND /* c */ b IS NOT NULL)`)
	if err != nil {
		t.Fatal(err)
	}
	want := &indexDDL{keys: []string{"a COLLATE nocase", "lower(b)", "c + 1", "d"}, where: "a > 0 AND b IS NOT NULL"}
	if d := cmp.Diff(want, got, cmp.AllowUnexported(indexDDL{})); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}

func TestParseView(t *testing.T) {
	t.Parallel()
	cols, query, err := parseView("CREATE VIEW v ( \"a b\" , c ) AS\n  SELECT 1 AS x , -- one\n  count( * ) AS y FROM t WHERE a IN (1,2)")
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]string{"a b", "c"}, cols); d != "" {
		t.Errorf("columns (-want +got):\n%s", d)
	}
	if want := "SELECT 1 AS x, count(*) AS y FROM t WHERE a IN (1, 2)"; query != want {
		t.Errorf("query %q, want %q", query, want)
	}
}

func TestNormType(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"":                     "",
		"INTEGER":              "integer",
		"VARCHAR ( 40 )":       "varchar(40)",
		"double   precision":   "double precision",
		"DECIMAL(10, 2)":       "decimal(10,2)",
		"unsigned big int":     "unsigned big int",
		"NUMERIC(+5,-2)":       "numeric(+5,-2)",
		"\"My Type\"":          "\"my type\"",
		"character varying\n(": "character varying(",
	} {
		if got := normType(in); got != want {
			t.Errorf("normType(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNormDefault(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"NULL":                   "",
		"null":                   "",
		"(NULL)":                 "",
		"0":                      "0",
		"- 1":                    "-1",
		"+5":                     "+5",
		"1.5e3":                  "1.5e3",
		".5":                     ".5",
		"0x1F":                   "0x1F",
		"'it''s'":                "'it''s'",
		"\"dq\"":                 "\"dq\"",
		"x'00ff'":                "x'00ff'",
		"CURRENT_TIMESTAMP":      "CURRENT_TIMESTAMP",
		"abc":                    "abc",
		"1 + 2":                  "(1 + 2)",
		"(1+2)":                  "(1+2)",
		"datetime('now')":        "(datetime('now'))",
		"julianday( 'now' ) +30": "(julianday('now') +30)",
		"f( a ,b , ( c ) )":      "(f(a, b, (c)))",
		"'open":                  "'open",
	} {
		if got := normDefault(in); got != want {
			t.Errorf("normDefault(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzParse feeds arbitrary text to every reader: none may panic, and the
// normalised text of a statement reads the same when normalised again.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"CREATE TABLE t(a INT PRIMARY KEY AUTOINCREMENT, b TEXT COLLATE nocase CHECK (b <> ''), c AS (a+1) STORED)",
		"CREATE TABLE t(a, b, CONSTRAINT k PRIMARY KEY (a) UNIQUE (b) FOREIGN KEY (b) REFERENCES p ON DELETE CASCADE)",
		"CREATE INDEX i ON t (a DESC, lower(b) COLLATE nocase) WHERE a > 0",
		"CREATE VIEW v (a) AS SELECT 1 -- c",
		"CREATE VIRTUAL TABLE f USING fts5(a, b)",
		"CREATE TABLE t(a DEFAULT (((1)), b DEFAULT -, c CONSTRAINT",
		"CREATE TABLE [t](\"a\"\"\" REFERENCES ON ON SET, CHECK ((((",
		"x'00' - 1.5e+3 (",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, sql string) {
		_, _ = parseTable(sql)
		_, _ = parseIndex(sql)
		_, _, _ = parseView(sql)
		_, _ = parseVirtual(sql)
		_ = normType(sql)
		_ = normDefault(sql)
		toks, err := lex(sql)
		if err != nil {
			return
		}
		once := normalize(sql)
		if twice := normalize(once); twice != once {
			t.Fatalf("normalize is not idempotent: %q, then %q", once, twice)
		}
		if balanced(toks) { // as every default SQLite reports is
			d := normDefault(sql)
			if again := normDefault(d); again != d {
				t.Fatalf("normDefault is not idempotent: %q, then %q", d, again)
			}
		}
	})
}

// balanced reports whether every parenthesis of toks is closed in order.
func balanced(toks []tok) bool {
	depth := 0
	for _, t := range toks {
		switch {
		case t.punct("("):
			depth++
		case t.punct(")"):
			if depth--; depth < 0 {
				return false
			}
		}
	}
	return depth == 0
}
