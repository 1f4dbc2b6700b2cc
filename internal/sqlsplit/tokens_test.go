package sqlsplit

import (
	"errors"
	"strings"
	"testing"
)

func TestTokens(t *testing.T) {
	tests := []struct {
		d    Dialect
		stmt string
		want string // kind:text, space-separated
	}{
		{Postgres, `DROP /* a /* nested */ comment */ TABLE "My ""T""", x -- gone`, `W:DROP W:TABLE Q:"My ""T""" P:, W:x`},
		{Postgres, `SELECT E'it\'s', $$a;b$$, $1 FROM t`, `W:SELECT Q:E'it\'s' P:, O:$$a;b$$ P:, O:$1 W:FROM W:t`},
		{MySQL, "DELETE FROM `t``x` # comment\n WHERE a = 'x\\'y'", "W:DELETE W:FROM Q:`t``x` W:WHERE W:a P:= Q:'x\\'y'"},
		{MySQL, "/*!40000 DROP TABLE t */", "W:DROP W:TABLE W:t"},
		{MySQL, "/*M!100100 TRUNCATE t */ /*+ hint */", "W:TRUNCATE W:t O:/*+ hint */"},
		{SQLite, `DROP TABLE [my t]; -- x`, `W:DROP W:TABLE Q:[my t] P:;`},
	}
	for _, tt := range tests {
		t.Run(tt.stmt, func(t *testing.T) {
			toks, err := Tokens(tt.d, tt.stmt)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, tk := range toks {
				if tt.stmt[tk.Offset:tk.Offset+len(tk.Text)] != tk.Text {
					t.Errorf("token %q at offset %d: the statement has %q there", tk.Text, tk.Offset, tt.stmt[tk.Offset:])
				}
				got = append(got, string("?WQPO"[tk.Kind])+":"+tk.Text)
			}
			if g := strings.Join(got, " "); g != tt.want {
				t.Errorf("tokens\n%s\nwant\n%s", g, tt.want)
			}
		})
	}
	if _, err := Tokens(Postgres, "SELECT 'open"); !errors.As(err, new(*Error)) {
		t.Errorf("unterminated string: error %v", err)
	}
	if _, err := Tokens(Dialect(9), "x"); !errors.Is(err, ErrUnknownDialect) {
		t.Errorf("unknown dialect: error %v", err)
	}
}

func TestUnquote(t *testing.T) {
	for in, want := range map[string]string{`"x""y"`: `x"y`, "`a``b`": "a`b", "[c d]": "c d", `"`: "", "'s'": "", "x": ""} {
		got, ok := Unquote(in)
		if got != want || ok != (want != "") {
			t.Errorf("Unquote(%q) = %q, %v", in, got, ok)
		}
	}
}

func FuzzTokens(f *testing.F) {
	for _, s := range []string{"DROP TABLE t", "/*!1 x */", "$a$ $a$", "E'\\''", "`x`", "[y]", "/*M!1 /*! x */ */"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, d := range []Dialect{Postgres, MySQL, SQLite} {
			toks, err := Tokens(d, s)
			if err != nil {
				continue
			}
			for _, tk := range toks {
				if tk.Offset < 0 || tk.Offset+len(tk.Text) > len(s) || s[tk.Offset:tk.Offset+len(tk.Text)] != tk.Text {
					t.Fatalf("%v: token %q at %d does not match the input", d, tk.Text, tk.Offset)
				}
			}
		}
	})
}
