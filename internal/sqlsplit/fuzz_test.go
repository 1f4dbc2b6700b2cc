package sqlsplit

import (
	"errors"
	"os"
	"strings"
	"testing"
)

// fuzzSeeds are small inputs that reach the corners of each dialect.
var fuzzSeeds = map[Dialect][]string{
	Postgres: {
		"SELECT 1; SELECT 2",
		"SELECT E'a\\'b'\n  'c\\'';",
		"DO $x$ BEGIN PERFORM $$;$$; END $x$; SELECT $1",
		"/* a /* b */ c */ SELECT \"x;\"\"y\";",
		"CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT CASE WHEN a.end THEN 1 END; END; SELECT 1",
		"CREATE RULE r AS ON INSERT TO t DO (INSERT INTO u VALUES (1); DELETE FROM v);",
		"SELECT 'a' -- c\n'b'; SELECT U&'x', B'1';",
	},
	MySQL: {
		"SELECT 1--1;\nSELECT 2 -- c\n;# x",
		"SELECT 'a\\'', \"b\\\"\", `c``d`;",
		"/*!40101 SET NAMES utf8 */;/*+ hint */ SELECT 1;",
		"CREATE DEFINER=`a`@`b` PROCEDURE p() l: BEGIN IF x THEN SELECT 1; END IF; CASE WHEN 1 THEN BEGIN END; END CASE; END l; SELECT 2",
		"BEGIN NOT ATOMIC SELECT 1; END; BEGIN; BEGIN WORK;",
		"DELIMITER $$\nCREATE PROCEDURE p() BEGIN SELECT 1; END$$\nDELIMITER ;\nSELECT 1;",
		"CREATE TRIGGER t BEFORE INSERT ON x FOR EACH ROW SET @end = NEW.end; SELECT 1",
	},
	SQLite: {
		"CREATE TRIGGER t AFTER INSERT ON a BEGIN SELECT CASE WHEN 1 THEN 2 END; END; SELECT 1",
		"EXPLAIN CREATE TEMP TRIGGER t BEGIN SELECT 1; /* c */ END -- x\n;",
		"SELECT [a;b], `c;d`, \"e;f\", 'g;h';",
		"BEGIN; END; BEGIN TRANSACTION; END TRANSACTION",
		"SELECT 1 /* a ; b */; -- c",
	},
}

func FuzzSplitPostgres(f *testing.F) { fuzzSplit(f, Postgres) }

func FuzzSplitMySQL(f *testing.F) { fuzzSplit(f, MySQL) }

func FuzzSplitSQLite(f *testing.F) { fuzzSplit(f, SQLite) }

// fuzzSplit checks checkSplit on any input.
func fuzzSplit(f *testing.F, d Dialect) {
	for _, file := range goldenInputs(f, d) {
		src, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(src))
	}
	for _, src := range fuzzSeeds[d] {
		f.Add(src)
	}
	f.Fuzz(func(t *testing.T, src string) { checkSplit(t, d, src) })
}

// checkSplit splits src and checks that Split returns an *Error or
// statements that satisfy checkStatements, and that ending each statement
// with ";\n", joining them and splitting again gives the same statements.
func checkSplit(t *testing.T, d Dialect, src string) {
	t.Helper()
	stmts, err := Split(d, src)
	if err != nil {
		var e *Error
		if !errors.As(err, &e) {
			t.Fatalf("error %v is not an *Error", err)
		}
		if e.Line < 1 || e.Line > 1+strings.Count(src, "\n") {
			t.Fatalf("error line %d outside the input", e.Line)
		}
		return
	}
	checkStatements(t, src, stmts)
	if d == MySQL && strings.Contains(strings.ToLower(src), "delimiter") {
		return // statements ended by a custom delimiter may contain ';'
	}
	texts := make([]string, len(stmts))
	for i, s := range stmts {
		texts[i] = s.SQL
	}
	var b strings.Builder
	for _, text := range texts {
		b.WriteString(text + ";\n")
	}
	joined := b.String()
	again, err := Split(d, joined)
	if err != nil {
		t.Fatalf("re-splitting %q: %v", joined, err)
	}
	if len(again) != len(texts) {
		t.Fatalf("re-splitting %q gives %d statements, want %d", joined, len(again), len(texts))
	}
	for i, s := range again {
		if s.SQL != texts[i] {
			t.Fatalf("re-splitting %q: statement %d is %q, want %q", joined, i+1, s.SQL, texts[i])
		}
	}
}
