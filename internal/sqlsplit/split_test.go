package sqlsplit

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

var dialects = []Dialect{Postgres, MySQL, SQLite}

// goldenInputs returns the .sql files of testdata/<dialect>.
func goldenInputs(t testing.TB, d Dialect) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", d.String(), "*.sql"))
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// render formats the result of splitting src for a golden file.
func render(d Dialect, src string) string {
	stmts, err := Split(d, src)
	var b strings.Builder
	if err != nil {
		fmt.Fprintf(&b, "-- error: %v\n", err)
		return b.String()
	}
	fmt.Fprintf(&b, "-- %d statements\n", len(stmts))
	for i, s := range stmts {
		fmt.Fprintf(&b, "\n-- statement %d (line %d)\n%s\n", i+1, s.Line, s.SQL)
	}
	return b.String()
}

func TestGolden(t *testing.T) {
	for _, d := range dialects {
		files := goldenInputs(t, d)
		if len(files) < 6 {
			t.Errorf("%v: %d golden cases, want at least 6", d, len(files))
		}
		for _, file := range files {
			name := strings.TrimSuffix(filepath.Base(file), ".sql")
			t.Run(d.String()+"/"+name, func(t *testing.T) {
				src, err := os.ReadFile(file)
				if err != nil {
					t.Fatal(err)
				}
				stmts, err := Split(d, string(src))
				if err == nil {
					checkStatements(t, string(src), stmts)
				}
				got := render(d, string(src))
				golden := strings.TrimSuffix(file, ".sql") + ".golden"
				if *update {
					if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
						t.Fatal(err)
					}
					return
				}
				want, err := os.ReadFile(golden)
				if err != nil {
					t.Fatalf("%v (run go test -update to create it)", err)
				}
				if got != string(want) {
					t.Errorf("%s differs from Split output (go test -update rewrites it):\n%s", golden, firstDiff(string(want), got))
				}
			})
		}
	}
}

// firstDiff describes the first line where want and got differ.
func firstDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl || i >= len(w) || i >= len(g) {
			return fmt.Sprintf("line %d:\nwant: %q\ngot:  %q", i+1, wl, gl)
		}
	}
	return "(no difference)"
}

// TestCRLF checks that every golden input splits the same with CRLF line
// endings: same statements and lines, texts equal but for the \r bytes.
func TestCRLF(t *testing.T) {
	for _, d := range dialects {
		for _, file := range goldenInputs(t, d) {
			src, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			lf := string(src)
			crlf := strings.ReplaceAll(lf, "\n", "\r\n")
			want, wantErr := Split(d, lf)
			got, gotErr := Split(d, crlf)
			if fmt.Sprint(wantErr) != fmt.Sprint(gotErr) {
				t.Errorf("%s: LF error %v, CRLF error %v", file, wantErr, gotErr)
				continue
			}
			if len(got) != len(want) {
				t.Errorf("%s: %d statements with LF, %d with CRLF", file, len(want), len(got))
				continue
			}
			for i := range want {
				if g := strings.ReplaceAll(got[i].SQL, "\r", ""); g != want[i].SQL || got[i].Line != want[i].Line {
					t.Errorf("%s: statement %d: CRLF gives line %d %q, LF gives line %d %q",
						file, i+1, got[i].Line, g, want[i].Line, want[i].SQL)
				}
			}
			checkStatements(t, crlf, got)
		}
	}
}

// sqlSpace is the whitespace of every dialect. Other Unicode spaces, such as
// U+3000, are identifier characters to the SQL lexers and so to Split.
const sqlSpace = " \t\n\r\f\v"

// checkStatements checks the invariants of any successful Split.
func checkStatements(t testing.TB, src string, stmts []Statement) {
	t.Helper()
	prevEnd, prevLine := 0, 1
	for i, s := range stmts {
		switch {
		case s.SQL == "":
			t.Fatalf("statement %d is empty", i+1)
		case strings.Trim(s.SQL, sqlSpace) != s.SQL:
			t.Fatalf("statement %d is not trimmed: %q", i+1, s.SQL)
		case s.Offset < prevEnd || s.Offset+len(s.SQL) > len(src):
			t.Fatalf("statement %d at offset %d (length %d) is out of order or out of the input (length %d, previous end %d)",
				i+1, s.Offset, len(s.SQL), len(src), prevEnd)
		case src[s.Offset:s.Offset+len(s.SQL)] != s.SQL:
			t.Fatalf("statement %d: src[%d:] does not start with its text %q", i+1, s.Offset, s.SQL)
		case s.Line < prevLine:
			t.Fatalf("statement %d: line %d before line %d", i+1, s.Line, prevLine)
		case s.Line != 1+strings.Count(src[:s.Offset], "\n"):
			t.Fatalf("statement %d: line %d, but offset %d is on line %d", i+1, s.Line, s.Offset, 1+strings.Count(src[:s.Offset], "\n"))
		}
		prevEnd, prevLine = s.Offset+len(s.SQL), s.Line
	}
}

func TestSplit(t *testing.T) {
	type stmt struct {
		SQL  string
		Line int
	}
	tests := []struct {
		name    string
		dialect Dialect
		src     string
		want    []stmt
	}{
		{"empty", Postgres, "", nil},
		{"only whitespace", MySQL, " \n\t\r\n ", nil},
		{"only comments postgres", Postgres, "-- a\n/* b /* c */ */\n-- d", nil},
		{"only comments mysql", MySQL, "# a\n-- b\n/* c */", nil},
		{"only comments sqlite", SQLite, "-- a\n/* b */", nil},
		{"only semicolons", SQLite, ";\n ; ;", nil},
		{"no trailing semicolon", Postgres, "SELECT 1;\nSELECT 2", []stmt{{"SELECT 1", 1}, {"SELECT 2", 2}}},
		{"trailing comment dropped", Postgres, "SELECT 1 -- one\n", []stmt{{"SELECT 1", 1}}},
		{"comment before semicolon dropped", MySQL, "SELECT 1 /* one */;", []stmt{{"SELECT 1", 1}}},
		{"comment inside kept", SQLite, "SELECT /* x */ 1;", []stmt{{"SELECT /* x */ 1", 1}}},
		{"line after leading comments", Postgres, "\n-- c\n/* d\n*/  SELECT 1;", []stmt{{"SELECT 1", 4}}},
		{"crlf", MySQL, "SELECT 1;\r\n\r\nSELECT\r\n 2;\r\n", []stmt{{"SELECT 1", 1}, {"SELECT\r\n 2", 3}}},
		{"semicolon in postgres identifier", Postgres, `SELECT "a;b" FROM t;`, []stmt{{`SELECT "a;b" FROM t`, 1}}},
		{"semicolon in mysql identifier", MySQL, "SELECT `a;b` FROM t;", []stmt{{"SELECT `a;b` FROM t", 1}}},
		{"semicolon in sqlite identifiers", SQLite, "SELECT [a;b], `c;d`, \"e;f\";", []stmt{{"SELECT [a;b], `c;d`, \"e;f\"", 1}}},
		{"postgres backslash is not an escape", Postgres, `SELECT 'a\'; SELECT 2;`, []stmt{{`SELECT 'a\'`, 1}, {"SELECT 2", 1}}},
		{"postgres E string escape", Postgres, `SELECT E'a\'; b'; SELECT 2;`, []stmt{{`SELECT E'a\'; b'`, 1}, {"SELECT 2", 1}}},
		{"postgres word ending in e is no prefix", Postgres, `SELECT some'\'; SELECT 2`, []stmt{{`SELECT some'\'`, 1}, {"SELECT 2", 1}}},
		{"postgres E string continuation", Postgres, "SELECT E'a'\n'\\'; b';", []stmt{{"SELECT E'a'\n'\\'; b'", 1}}},
		{"postgres no continuation on same line", Postgres, "SELECT E'a' '\\'; SELECT 2;", []stmt{{"SELECT E'a' '\\'", 1}, {"SELECT 2", 1}}},
		{"postgres parameter is not a dollar quote", Postgres, "SELECT $1, $2; SELECT $$;$$;", []stmt{{"SELECT $1, $2", 1}, {"SELECT $$;$$", 1}}},
		{"postgres dollar inside identifier", Postgres, "SELECT a$$b; SELECT 2;", []stmt{{"SELECT a$$b", 1}, {"SELECT 2", 1}}},
		{"postgres dollar tag not starting with digit", Postgres, "SELECT $1$; SELECT 2;", []stmt{{"SELECT $1$", 1}, {"SELECT 2", 1}}},
		{"postgres nested comments", Postgres, "/* a /* b */ ; */ SELECT 1;", []stmt{{"SELECT 1", 1}}},
		{"postgres hint comment", Postgres, "/* c */ /*+ SeqScan(t) */ SELECT 1 /* d */; /*+ IndexScan(t) */", []stmt{{"/*+ SeqScan(t) */ SELECT 1", 1}, {"/*+ IndexScan(t) */", 1}}},
		{"postgres parentheses", Postgres, "SELECT (1;2); SELECT 3;", []stmt{{"SELECT (1;2)", 1}, {"SELECT 3", 1}}},
		{"postgres stray close parenthesis", Postgres, "SELECT 1); SELECT 2;", []stmt{{"SELECT 1)", 1}, {"SELECT 2", 1}}},
		{"postgres begin outside routines", Postgres, "BEGIN; SELECT 1; END;", []stmt{{"BEGIN", 1}, {"SELECT 1", 1}, {"END", 1}}},
		{"postgres begin atomic", Postgres, "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT CASE WHEN true THEN 1 END; END; SELECT 2",
			[]stmt{{"CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT CASE WHEN true THEN 1 END; END", 1}, {"SELECT 2", 1}}},
		{"postgres qualified end", Postgres, "create or replace procedure p() begin atomic update t set x = t.end; end; select 1",
			[]stmt{{"create or replace procedure p() begin atomic update t set x = t.end; end", 1}, {"select 1", 1}}},
		{"postgres function named begin", Postgres, "CREATE FUNCTION begin() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$; SELECT 2",
			[]stmt{{"CREATE FUNCTION begin() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$", 1}, {"SELECT 2", 1}}},
		{"postgres number glued to identifier", Postgres, "SELECT 1abc$$; SELECT 2", []stmt{{"SELECT 1abc$$", 1}, {"SELECT 2", 1}}},
		{"postgres number before dollar quote", Postgres, "SELECT 1$$;$$; SELECT 2", []stmt{{"SELECT 1$$;$$", 1}, {"SELECT 2", 1}}},
		{"mysql case before for update", MySQL, "CREATE PROCEDURE p() BEGIN SELECT a INTO x FROM t WHERE id = CASE WHEN y THEN 1 END FOR UPDATE; END; SELECT 2",
			[]stmt{{"CREATE PROCEDURE p() BEGIN SELECT a INTO x FROM t WHERE id = CASE WHEN y THEN 1 END FOR UPDATE; END", 1}, {"SELECT 2", 1}}},
		{"mysql end for", MySQL, "CREATE PROCEDURE p() BEGIN FOR i IN 1..2 DO SELECT i; END FOR; END; SELECT 2",
			[]stmt{{"CREATE PROCEDURE p() BEGIN FOR i IN 1..2 DO SELECT i; END FOR; END", 1}, {"SELECT 2", 1}}},
		{"mysql dash comment needs a space", MySQL, "SELECT 1--1;\nSELECT 2 -- c;\n;", []stmt{{"SELECT 1--1", 1}, {"SELECT 2", 2}}},
		{"mysql dash comment at end", MySQL, "SELECT 1;--", []stmt{{"SELECT 1", 1}}},
		{"mysql hash comment", MySQL, "SELECT 1 # ; c\n;", []stmt{{"SELECT 1", 1}}},
		{"mysql backslash escape", MySQL, `SELECT 'a\'; b', "c\"; d"; SELECT 2`, []stmt{{`SELECT 'a\'; b', "c\"; d"`, 1}, {"SELECT 2", 1}}},
		{"mysql comments do not nest", MySQL, "/* a /* b */ SELECT 1;", []stmt{{"SELECT 1", 1}}},
		{"mysql executable comment starts a statement", MySQL, "/*!40101 SET NAMES utf8 */;\n/*+ hint */ SELECT 1;",
			[]stmt{{"/*!40101 SET NAMES utf8 */", 1}, {"/*+ hint */ SELECT 1", 2}}},
		{"mysql executable comment keeps semicolons", MySQL, "/*!50003 SELECT 1; SELECT '*/' */; SELECT 2",
			[]stmt{{"/*!50003 SELECT 1; SELECT '*/' */", 1}, {"SELECT 2", 1}}},
		{"mysql transaction begin", MySQL, "BEGIN; SELECT 1; COMMIT;", []stmt{{"BEGIN", 1}, {"SELECT 1", 1}, {"COMMIT", 1}}},
		{"mysql begin work", MySQL, "BEGIN WORK; SELECT 1; COMMIT;", []stmt{{"BEGIN WORK", 1}, {"SELECT 1", 1}, {"COMMIT", 1}}},
		{"mysql begin not atomic", MySQL, "BEGIN NOT ATOMIC SELECT 1; END; SELECT 2", []stmt{{"BEGIN NOT ATOMIC SELECT 1; END", 1}, {"SELECT 2", 1}}},
		{"mysql labeled begin not atomic", MySQL, "l: BEGIN NOT ATOMIC SELECT 1; END l; SELECT 2", []stmt{{"l: BEGIN NOT ATOMIC SELECT 1; END l", 1}, {"SELECT 2", 1}}},
		{"mysql procedure without begin", MySQL, "CREATE PROCEDURE p() SELECT 1; SELECT 2", []stmt{{"CREATE PROCEDURE p() SELECT 1", 1}, {"SELECT 2", 1}}},
		{"mysql procedure at end of input", MySQL, "CREATE PROCEDURE p() BEGIN SELECT 1; END", []stmt{{"CREATE PROCEDURE p() BEGIN SELECT 1; END", 1}}},
		{"mysql empty block", MySQL, "CREATE PROCEDURE p() BEGIN END; SELECT 2", []stmt{{"CREATE PROCEDURE p() BEGIN END", 1}, {"SELECT 2", 1}}},
		{"mysql end case", MySQL, "CREATE PROCEDURE p(x INT) BEGIN CASE x WHEN 1 THEN SELECT 1; ELSE SELECT 2; END CASE; END; SELECT 3",
			[]stmt{{"CREATE PROCEDURE p(x INT) BEGIN CASE x WHEN 1 THEN SELECT 1; ELSE SELECT 2; END CASE; END", 1}, {"SELECT 3", 1}}},
		{"mysql definer forms", MySQL, "CREATE DEFINER=CURRENT_USER() PROCEDURE a() BEGIN SELECT 1; END; CREATE DEFINER=u@localhost FUNCTION b() RETURNS INT BEGIN RETURN 1; END;",
			[]stmt{{"CREATE DEFINER=CURRENT_USER() PROCEDURE a() BEGIN SELECT 1; END", 1}, {"CREATE DEFINER=u@localhost FUNCTION b() RETURNS INT BEGIN RETURN 1; END", 1}}},
		{"mysql executable comment in header", MySQL, "CREATE /*!50017 DEFINER=`a`@`b` */ TRIGGER t BEFORE INSERT ON x FOR EACH ROW BEGIN SET NEW.a = 1; END; SELECT 2",
			[]stmt{{"CREATE /*!50017 DEFINER=`a`@`b` */ TRIGGER t BEFORE INSERT ON x FOR EACH ROW BEGIN SET NEW.a = 1; END", 1}, {"SELECT 2", 1}}},
		{"mysql keywords in other statements are not counted", MySQL, "CREATE TABLE t (begin INT); SELECT case_id FROM t;",
			[]stmt{{"CREATE TABLE t (begin INT)", 1}, {"SELECT case_id FROM t", 1}}},
		{"mysql variables and qualified names are not keywords", MySQL, "CREATE PROCEDURE p() BEGIN SET @begin = 1; SELECT t.case, t . begin FROM t; END; SELECT 2",
			[]stmt{{"CREATE PROCEDURE p() BEGIN SET @begin = 1; SELECT t.case, t . begin FROM t; END", 1}, {"SELECT 2", 1}}},
		{"mysql delimiter", MySQL, "DELIMITER $$\nCREATE PROCEDURE p() BEGIN SELECT 1; END$$\nDELIMITER ;\nSELECT 2;",
			[]stmt{{"CREATE PROCEDURE p() BEGIN SELECT 1; END", 2}, {"SELECT 2", 4}}},
		{"mysql delimiter inside words", MySQL, "DELIMITER GO\nSELECT GOOD GO\ndelimiter ;\n", []stmt{{"SELECT", 2}, {"OD", 2}}},
		{"mysql delimiter that starts like the command", MySQL, "DELIMITER D\nSELECT 1D\nDELIMITER ;\nSELECT 2;", []stmt{{"SELECT 1", 2}, {"SELECT 2", 4}}},
		{"mysql quoted delimiter", MySQL, "DELIMITER '$$'  # rest ignored\nSELECT 1$$SELECT 2$$", []stmt{{"SELECT 1", 2}, {"SELECT 2", 2}}},
		{"mysql delimiter crlf", MySQL, "DELIMITER //\r\nSELECT 1//\r\nDELIMITER ;\r\nSELECT 2;\r\n", []stmt{{"SELECT 1", 2}, {"SELECT 2", 4}}},
		{"mysql delimiter ignores quotes and comments", MySQL, "DELIMITER //\nSELECT '//', `//` /* // */ -- //\n//", []stmt{{"SELECT '//', `//`", 2}}},
		{"mysql delimiter in other dialects", Postgres, "DELIMITER //\nSELECT 1;", []stmt{{"DELIMITER //\nSELECT 1", 1}}},
		{"mysql delimiter not at statement start", MySQL, "SELECT 1,\nDELIMITER;", []stmt{{"SELECT 1,\nDELIMITER", 1}}},
		{"sqlite trigger", SQLite, "CREATE TRIGGER t AFTER INSERT ON a BEGIN SELECT CASE WHEN 1 THEN 2 END; END; SELECT 3",
			[]stmt{{"CREATE TRIGGER t AFTER INSERT ON a BEGIN SELECT CASE WHEN 1 THEN 2 END; END", 1}, {"SELECT 3", 1}}},
		{"sqlite trigger end with comments", SQLite, "CREATE TRIGGER t AFTER INSERT ON a BEGIN SELECT 1; /* c */ END -- c\n; SELECT 3",
			[]stmt{{"CREATE TRIGGER t AFTER INSERT ON a BEGIN SELECT 1; /* c */ END", 1}, {"SELECT 3", 2}}},
		{"sqlite begin end", SQLite, "BEGIN; SELECT 1; END;", []stmt{{"BEGIN", 1}, {"SELECT 1", 1}, {"END", 1}}},
		{"sqlite comments do not nest", SQLite, "/* a /* b */ SELECT 1;", []stmt{{"SELECT 1", 1}}},
		{"sqlite backslash is not an escape", SQLite, `SELECT 'a\'; SELECT 2`, []stmt{{`SELECT 'a\'`, 1}, {"SELECT 2", 1}}},
	}
	for _, tt := range tests {
		t.Run(tt.dialect.String()+"/"+tt.name, func(t *testing.T) {
			stmts, err := Split(tt.dialect, tt.src)
			if err != nil {
				t.Fatalf("Split: %v", err)
			}
			checkStatements(t, tt.src, stmts)
			var got []stmt
			for _, s := range stmts {
				got = append(got, stmt{s.SQL, s.Line})
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("Split(%q)\n got %+v\nwant %+v", tt.src, got, tt.want)
			}
		})
	}
}

func TestSplitErrors(t *testing.T) {
	tests := []struct {
		name    string
		dialect Dialect
		src     string
		line    int
		msg     string
	}{
		{"string", Postgres, "SELECT 1;\nSELECT 'abc;\n", 2, "unterminated quoted string (started here)"},
		{"escape string", Postgres, "SELECT E'abc\\';", 1, "unterminated quoted string (started here)"},
		{"quoted identifier", Postgres, "\n\nSELECT \"abc;", 3, "unterminated quoted identifier (started here)"},
		{"block comment", Postgres, "SELECT 1;\n/* a\n/* b */\n", 2, "unterminated block comment (started here)"},
		{"dollar quote", Postgres, "SELECT 1;\nDO $fn$\nBEGIN\nEND\n$$;", 2, "unterminated dollar-quoted string $fn$ (started here)"},
		{"empty dollar tag", Postgres, "DO $$ BEGIN END $x$;", 1, "unterminated dollar-quoted string $$ (started here)"},
		{"begin atomic", Postgres, "CREATE FUNCTION f() RETURNS int LANGUAGE sql\nBEGIN ATOMIC\nSELECT 1;\n", 2, "unterminated BEGIN ... END block (started here)"},
		{"parenthesis", Postgres, "SELECT 1;\nSELECT (1,\n(2);\nSELECT 3;", 2, "unterminated parenthesis (started here)"},
		{"mysql string", MySQL, "SELECT 'it\\';", 1, "unterminated quoted string (started here)"},
		{"mysql double-quoted string", MySQL, "SELECT\n\"abc", 2, "unterminated quoted string (started here)"},
		{"mysql backtick", MySQL, "SELECT `a``;", 1, "unterminated quoted identifier (started here)"},
		{"mysql block comment", MySQL, "SELECT 1 /* a", 1, "unterminated block comment (started here)"},
		{"mysql executable comment", MySQL, "/*!40101 SET NAMES utf8 ;\n", 1, "unterminated executable comment (started here)"},
		{"mysql string in executable comment", MySQL, "/*!40101 SET x = '*/;\n", 1, "unterminated quoted string (started here)"},
		{"mysql begin", MySQL, "SELECT 1;\nCREATE PROCEDURE p()\nBEGIN\n  SELECT 1;\n", 3, "unterminated BEGIN ... END block (started here)"},
		{"mysql case", MySQL, "CREATE FUNCTION f() RETURNS INT RETURN\nCASE WHEN 1 THEN 2;", 2, "unterminated CASE ... END block (started here)"},
		{"mysql nested begin", MySQL, "CREATE PROCEDURE p()\nBEGIN\n  BEGIN\n    SELECT 1;\n  END;\n", 2, "unterminated BEGIN ... END block (started here)"},
		{"mysql end if does not close", MySQL, "CREATE PROCEDURE p() BEGIN\nIF 1 THEN SELECT 1; END IF;", 1, "unterminated BEGIN ... END block (started here)"},
		{"mysql delimiter without value", MySQL, "SELECT 1;\nDELIMITER\nSELECT 2;", 2, "DELIMITER must be followed by a delimiter string"},
		{"mysql delimiter with only spaces", MySQL, "DELIMITER   \r\n", 1, "DELIMITER must be followed by a delimiter string"},
		{"mysql delimiter with empty quotes", MySQL, "DELIMITER ''\n", 1, "DELIMITER must be followed by a delimiter string"},
		{"mysql delimiter glued", MySQL, "DELIMITER//\n", 1, "DELIMITER must be followed by a space and the new delimiter"},
		{"mysql delimiter backslash", MySQL, "DELIMITER \\\\\n", 1, "DELIMITER cannot contain a backslash"},
		{"mysql delimiter too long", MySQL, "DELIMITER 0123456789abcdef\n", 1, "DELIMITER longer than 15 bytes"},
		{"mysql delimiter after a statement on its line", MySQL, "SELECT 1; DELIMITER $$\n", 1, "DELIMITER must be the first word on its line"},
		{"mysql delimiter after a comment on its line", MySQL, "/* x */ DELIMITER $$\n", 1, "DELIMITER must be the first word on its line"},
		{"sqlite string", SQLite, "SELECT 'a''", 1, "unterminated quoted string (started here)"},
		{"sqlite bracket", SQLite, "SELECT [a;\n", 1, "unterminated quoted identifier (started here)"},
		{"sqlite backtick", SQLite, "SELECT `a;\n", 1, "unterminated quoted identifier (started here)"},
		{"sqlite double quote", SQLite, "SELECT \"a;\n", 1, "unterminated quoted identifier (started here)"},
		{"sqlite block comment", SQLite, "SELECT 1; /*", 1, "unterminated block comment (started here)"},
		{"sqlite trigger", SQLite, "CREATE TRIGGER t AFTER INSERT ON a\nBEGIN\nSELECT 1;\n", 2, "unterminated BEGIN ... END block (started here)"},
		{"sqlite trigger without begin", SQLite, "\nCREATE TEMP TRIGGER t AFTER INSERT ON a;", 2, "unterminated CREATE TRIGGER statement, which needs BEGIN ... END (started here)"},
	}
	for _, tt := range tests {
		t.Run(tt.dialect.String()+"/"+tt.name, func(t *testing.T) {
			stmts, err := Split(tt.dialect, tt.src)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Split(%q) = %+v, %v; want an *Error", tt.src, stmts, err)
			}
			if stmts != nil {
				t.Errorf("Split returned %d statements with its error", len(stmts))
			}
			if e.Line != tt.line || e.Msg != tt.msg {
				t.Errorf("Split(%q): line %d %q; want line %d %q", tt.src, e.Line, e.Msg, tt.line, tt.msg)
			}
			if want := fmt.Sprintf("line %d: %s", tt.line, tt.msg); e.Error() != want {
				t.Errorf("Error() = %q, want %q", e.Error(), want)
			}
		})
	}
}

func TestUnknownDialect(t *testing.T) {
	for _, d := range []Dialect{0, 4, -1} {
		if _, err := Split(d, "SELECT 1"); !errors.Is(err, ErrUnknownDialect) {
			t.Errorf("Split(%v) error = %v, want ErrUnknownDialect", d, err)
		}
	}
}

func TestDialectString(t *testing.T) {
	for d, want := range map[Dialect]string{Postgres: "postgres", MySQL: "mysql", SQLite: "sqlite", 0: "Dialect(0)", 9: "Dialect(9)"} {
		if got := d.String(); got != want {
			t.Errorf("Dialect(%d).String() = %q, want %q", int(d), got, want)
		}
	}
}
