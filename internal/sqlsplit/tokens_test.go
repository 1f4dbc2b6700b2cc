package sqlsplit

import (
	"errors"
	"strings"
	"testing"
)

func TestTokens(t *testing.T) {
	src := `CREATE TABLE "a b"([c]  INT DEFAULT 'x''y', -- note
  d AS (c+1.5)) /* end */`
	toks, err := Tokens(SQLite, src)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, tk := range toks {
		got = append(got, string("?CWQP$"[tk.Kind])+src[tk.Offset:tk.End])
	}
	want := []string{"WCREATE", "WTABLE", `Q"a b"`, "P(", "Q[c]", "WINT", "WDEFAULT", "Q'x''y'", "P,", "C-- note",
		"Wd", "WAS", "P(", "Wc", "P+", "W1", "P.", "W5", "P)", "P)", "C/* end */"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	if _, err := Tokens(SQLite, "SELECT 'open"); err == nil {
		t.Error("unterminated string: no error")
	}
	if _, err := Tokens(Dialect(0), "x"); !errors.Is(err, ErrUnknownDialect) {
		t.Errorf("unknown dialect: %v", err)
	}
}

func FuzzTokensSQLite(f *testing.F) {
	for _, s := range fuzzSeeds[SQLite] {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		toks, err := Tokens(SQLite, src)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %v is not an *Error", err)
			}
			return
		}
		pos := 0
		for _, tk := range toks {
			if tk.Offset < pos || tk.End <= tk.Offset || tk.End > len(src) {
				t.Fatalf("token %+v out of order at %d", tk, pos)
			}
			if strings.TrimLeft(src[pos:tk.Offset], " \t\r\n\f\v") != "" {
				t.Fatalf("bytes %q between tokens are not whitespace", src[pos:tk.Offset])
			}
			pos = tk.End
		}
		if strings.TrimLeft(src[pos:], " \t\r\n\f\v") != "" {
			t.Fatalf("trailing bytes %q are not whitespace", src[pos:])
		}
	})
}
