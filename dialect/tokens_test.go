package dialect_test

import (
	"strings"
	"testing"

	"github.com/tidemigrate/tide/dialect"
	"github.com/tidemigrate/tide/dialect/mysql"
	"github.com/tidemigrate/tide/dialect/postgres"
	"github.com/tidemigrate/tide/dialect/sqlite"
)

func TestTokens(t *testing.T) {
	pg, my, lite := postgres.New(), mysql.New(), sqlite.New()
	tests := []struct {
		d    dialect.Tokenizer
		stmt string
		want string // kind:text, space-separated
	}{
		{pg, `DROP /* a /* nested */ comment */ TABLE "My ""T""", x -- gone`, `W:DROP W:TABLE Q:"My ""T""" P:, W:x`},
		{pg, `SELECT E'it\'s', $$a;b$$, $1 FROM t`, `W:SELECT Q:E'it\'s' P:, O:$$a;b$$ P:, O:$1 W:FROM W:t`},
		{my, "DELETE FROM `t``x` # comment\n WHERE a = 'x\\'y'", "W:DELETE W:FROM Q:`t``x` W:WHERE W:a P:= Q:'x\\'y'"},
		{my, "/*!40000 DROP TABLE t */", "W:DROP W:TABLE W:t"},
		{my, "/*M!100100 TRUNCATE t */ /*+ hint */", "W:TRUNCATE W:t O:/*+ hint */"},
		{lite, `DROP TABLE [my t]; -- x`, `W:DROP W:TABLE Q:[my t] P:;`},
	}
	for _, tt := range tests {
		t.Run(tt.stmt, func(t *testing.T) {
			toks, err := tt.d.Tokens(tt.stmt)
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
	if _, err := pg.Tokens("SELECT 'open"); err == nil {
		t.Error("unterminated string: no error")
	}
}

func TestUnquoteIdent(t *testing.T) {
	for in, want := range map[string]string{`"x""y"`: `x"y`, "`a``b`": "a`b", "[c d]": "c d", `"`: "", "'s'": "", "x": ""} {
		got, ok := dialect.UnquoteIdent(in)
		if got != want || ok != (want != "") {
			t.Errorf("UnquoteIdent(%q) = %q, %v", in, got, ok)
		}
	}
}

func FuzzTokens(f *testing.F) {
	for _, s := range []string{"DROP TABLE t", "/*!1 x */", "$a$ $a$", "E'\\''", "`x`", "[y]", "/*M!1 /*! x */ */"} {
		f.Add(s)
	}
	tokenizers := []dialect.Tokenizer{postgres.New(), mysql.New(), sqlite.New()}
	f.Fuzz(func(t *testing.T, s string) {
		for _, d := range tokenizers {
			toks, err := d.Tokens(s)
			if err != nil {
				continue
			}
			for _, tk := range toks {
				if tk.Offset < 0 || tk.Offset+len(tk.Text) > len(s) || s[tk.Offset:tk.Offset+len(tk.Text)] != tk.Text {
					t.Fatalf("%T: token %q at %d does not match the input", d, tk.Text, tk.Offset)
				}
			}
		}
	})
}
