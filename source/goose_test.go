package source

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/tidemigrate/tide/migration"
)

// gooseTestEnv is a fixed environment for ENVSUB tests.
func gooseTestEnv(key string) (string, bool) {
	v, ok := map[string]string{"ADMIN_NAME": "Ada", "EMPTY": "", "SCHEMA": "blog"}[key]
	return v, ok
}

func TestGooseReadBlog(t *testing.T) {
	migs := formatTestRead(t, GooseFormat{LookupEnv: gooseTestEnv}, "goose/blog")
	type want struct {
		version, name string
		noTx, down    bool
		upLine        int
		upStmts       []migration.Statement // nil: split by the dialect
		downStmts     []migration.Statement
	}
	wants := []want{
		{version: "1", name: "create_users", down: true, upLine: 2},
		{version: "2", name: "create_posts", down: true, upLine: 2},
		{version: "3", name: "post_count_trigger", down: true, upLine: 2,
			upStmts: []migration.Statement{
				{Line: 2, SQL: "ALTER TABLE users ADD COLUMN post_count integer NOT NULL DEFAULT 0;"},
				{Line: 5, SQL: "CREATE FUNCTION bump_post_count() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n    UPDATE users SET post_count = post_count + 1 WHERE id = NEW.author_id;\n    RETURN NEW;\nEND;\n$$;"},
				{Line: 14, SQL: "CREATE TRIGGER posts_bump_post_count AFTER INSERT ON posts\n    FOR EACH ROW EXECUTE FUNCTION bump_post_count();"},
			},
			downStmts: []migration.Statement{
				{Line: 19, SQL: "DROP TRIGGER posts_bump_post_count ON posts;\nDROP FUNCTION bump_post_count();"},
				{Line: 22, SQL: "ALTER TABLE users DROP COLUMN post_count;"},
			}},
		{version: "4", name: "posts_search_index", noTx: true, down: true, upLine: 2},
		{version: "5", name: "seed_admin", upLine: 2},
	}
	if len(migs) != len(wants) {
		t.Fatalf("read %d migrations, want %d", len(migs), len(wants))
	}
	for i, w := range wants {
		m := migs[i]
		t.Run(w.name, func(t *testing.T) {
			if m.Version.String() != w.version || m.Name != w.name || m.NoTransaction != w.noTx || (m.Down != nil) != w.down {
				t.Errorf("got %s %q noTx=%v down=%v", m.Version, m.Name, m.NoTransaction, m.Down != nil)
			}
			if m.Up.Line != w.upLine || m.Up.Path != m.Path {
				t.Errorf("up section at %s:%d, want %s:%d", m.Up.Path, m.Up.Line, m.Path, w.upLine)
			}
			gooseTestStatements(t, "up", m.Up.Statements, w.upStmts)
			if m.Down != nil {
				gooseTestStatements(t, "down", m.Down.Statements, w.downStmts)
			}
		})
	}

	// Line k of Section.SQL is line Line+k-1 of the file: annotation
	// lines inside a section are kept as empty lines.
	trigger := migs[2]
	lines := strings.Split(trigger.Up.SQL, "\n")
	if got := lines[14-trigger.Up.Line]; !strings.HasPrefix(got, "CREATE TRIGGER") {
		t.Errorf("line 14 of 00003 is %q in Up.SQL", got)
	}
	if got := lines[4-trigger.Up.Line]; got != "" {
		t.Errorf("the StatementBegin line is %q in Up.SQL, want an empty line", got)
	}

	seed := migs[4].Up.SQL
	for _, want := range []string{"VALUES ('admin@example.com', 'Ada');", "'Welcome, ${ADMIN_NAME}'"} {
		if !strings.Contains(seed, want) {
			t.Errorf("ENVSUB: seed up section lacks %q:\n%s", want, seed)
		}
	}
}

func gooseTestStatements(t *testing.T, what string, got, want []migration.Statement) {
	t.Helper()
	if (got == nil) != (want == nil) || len(got) != len(want) {
		t.Fatalf("%s statements = %+v, want %+v", what, got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("%s statement %d = %+v, want %+v", what, i+1, got[i], want[i])
		}
	}
}

func formatTestFile(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", filepath.FromSlash(name)))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestGooseGoMigrations(t *testing.T) {
	_, err := Goose.Read(os.DirFS("testdata/goose/gomigration"))
	pes := formatTestParseErrors(t, err)
	if len(pes) != 1 || pes[0].Path != "00002_backfill_slugs.go" || !strings.Contains(pes[0].Msg, "tide.WithGoMigrations") {
		t.Fatalf("Read = %v, want one error on 00002_backfill_slugs.go about tide.WithGoMigrations", err)
	}
	migs, err := GooseFormat{SkipGoFiles: true}.Read(os.DirFS("testdata/goose/gomigration"))
	if err != nil || len(migs) != 1 {
		t.Fatalf("with SkipGoFiles: %d migrations, %v", len(migs), err)
	}
}

func TestGooseErrors(t *testing.T) {
	tests := []struct {
		name    string
		file    string
		content string
		line    int
		msg     string
	}{
		{"SQL before Up", "1_x.sql", "SELECT 1;\n-- +goose Up\n", 1, "before"},
		{"no Up", "1_x.sql", "-- just a comment\n", 0, "-- +goose Up"},
		{"empty file", "1_x.sql", "", 0, "-- +goose Up"},
		{"second Up", "1_x.sql", "-- +goose Up\nSELECT 1;\n-- +goose Up\n", 3, "line 1"},
		{"Down before Up", "1_x.sql", "-- +goose Down\n-- +goose Up\n", 1, "before"},
		{"second Down", "1_x.sql", "-- +goose Up\n-- +goose Down\n-- +goose Down\n", 3, "second"},
		{"End without Begin", "1_x.sql", "-- +goose Up\n-- +goose StatementEnd\n", 2, "without"},
		{"Begin without End", "1_x.sql", "-- +goose Up\n-- +goose StatementBegin\nSELECT 1;\n", 2, "StatementEnd"},
		{"nested Begin", "1_x.sql", "-- +goose Up\n-- +goose StatementBegin\n-- +goose StatementBegin\n", 3, "inside"},
		{"Down in a block", "1_x.sql", "-- +goose Up\n-- +goose StatementBegin\nSELECT 1;\n-- +goose Down\n", 4, "inside"},
		{"unknown annotation", "1_x.sql", "-- +goose Up\n-- +goose Upp\n", 2, "Upp"},
		{"comment mentioning +goose", "1_x.sql", "-- +goose Up\n-- see the +goose docs\nSELECT 1;\n", 2, "unknown goose annotation"},
		{"indented annotation", "1_x.sql", "-- +goose Up\n  -- +goose Down\n", 2, "leading spaces"},
		{"two +goose", "1_x.sql", "-- +goose Up -- +goose Down\n", 1, "more than one"},
		{"missing semicolon with blocks", "1_x.sql", "-- +goose Up\n-- +goose StatementBegin\nSELECT 1;\n-- +goose StatementEnd\nSELECT 2\n\n-- +goose Down\n", 5, "semicolon"},
		{"missing semicolon at end", "1_x.sql", "-- +goose Up\n-- +goose StatementBegin\nSELECT 1;\n-- +goose StatementEnd\nSELECT 2\n", 5, "semicolon"},
		{"ENVSUB positional parameter", "1_x.sql", "-- +goose Up\n-- +goose ENVSUB ON\nSELECT $1;\n", 3, "letter"},
		{"ENVSUB required variable", "1_x.sql", "-- +goose Up\n-- +goose ENVSUB ON\nCREATE SCHEMA ${MISSING?set MISSING first};\n", 3, "set MISSING first"},
		{"ENVSUB unclosed brace", "1_x.sql", "-- +goose Up\n-- +goose envsub on\nSELECT '${SCHEMA';\n", 3, "expected"},
		{"upper-case +GOOSE is a comment, as in goose", "1_x.sql", "-- +GOOSE UP\nSELECT 1;\n", 2, "before"},
		{"name without version", "x.sql", "-- +goose Up\n", 0, "<version>_<name>.sql"},
		{"name without underscore", "1.sql", "-- +goose Up\n", 0, "<version>_<name>.sql"},
		{"version too large", "99999999999999999999_x.sql", "-- +goose Up\n", 0, "64-bit"},
		{"version zero", "0_x.sql", "-- +goose Up\n", 0, "start at 1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fsys := fstest.MapFS{tc.file: {Data: []byte(tc.content)}}
			_, err := GooseFormat{LookupEnv: gooseTestEnv}.Read(fsys)
			pes := formatTestParseErrors(t, err)
			if len(pes) != 1 {
				t.Fatalf("Read = %v, want one *ParseError", err)
			}
			if pe := pes[0]; pe.Path != tc.file || pe.Line != tc.line || !strings.Contains(pe.Msg, tc.msg) {
				t.Errorf("error %q, want %s:%d with %q", pe, tc.file, tc.line, tc.msg)
			}
		})
	}
}

func TestGooseAccepts(t *testing.T) {
	tests := []struct {
		name    string
		content string
		noTx    bool
		up      []string // statements; nil: split later
		upLines []int    // their lines, when given
		upSQL   string   // trimmed up SQL, when up is nil
		down    []string
		hasDown bool
	}{
		{name: "no semicolon needed without blocks", content: "-- +goose Up\nSELECT 1\n", upSQL: "SELECT 1"},
		{name: "any case", content: "-- +goose UP\nSELECT 1;\n--+goose down\nSELECT 2;\n", upSQL: "SELECT 1;", hasDown: true},
		{name: "NO TRANSACTION before Up", content: "-- +goose NO TRANSACTION\n-- +goose Up\nSELECT 1;\n", noTx: true, upSQL: "SELECT 1;"},
		{name: "empty down", content: "-- +goose Up\nSELECT 1;\n-- +goose Down\n", upSQL: "SELECT 1;", hasDown: true},
		{name: "semicolon before a comment ends a statement",
			content: "-- +goose Up\n-- +goose StatementBegin\nSELECT 1;\n-- +goose StatementEnd\nSELECT 2; -- two\nSELECT 3;\n",
			up:      []string{"SELECT 1;", "SELECT 2; -- two", "SELECT 3;"}},
		{name: "statement begun before the block continues in it",
			content: "-- +goose Up\nSELECT\n-- +goose StatementBegin\n1;\n-- +goose StatementEnd\n",
			up:      []string{"SELECT\n1;"}},
		{name: "white space lines start a statement, as in goose",
			content: "-- +goose Up\n-- +goose StatementBegin\n  \n-- kept after a blank line\nSELECT 1;\n-- +goose StatementEnd\n",
			up:      []string{"-- kept after a blank line\nSELECT 1;"}, upLines: []int{4}},
		{name: "empty block", content: "-- +goose Up\n-- +goose StatementBegin\n-- +goose StatementEnd\n", up: []string{}},
		{name: "comments inside a block after its first line are kept",
			content: "-- +goose Up\n-- +goose StatementBegin\n-- dropped, as goose does\nDO $$ BEGIN\n-- kept\nEND $$;\n-- +goose StatementEnd\n",
			up:      []string{"DO $$ BEGIN\n-- kept\nEND $$;"}},
		{name: "blocks only in down", hasDown: true,
			content: "-- +goose Up\nSELECT 1\n-- +goose Down\n-- +goose StatementBegin\nSELECT 2;\n-- +goose StatementEnd\n",
			upSQL:   "SELECT 1", down: []string{"SELECT 2;"}},
		{name: "ENVSUB", content: "-- +goose Up\n-- +goose ENVSUB ON\nCREATE SCHEMA ${SCHEMA}_${EMPTY:-x}_$$;\n-- +goose ENVSUB OFF\nSELECT '$1';\n",
			upSQL: "CREATE SCHEMA blog_x_$;\n\nSELECT '$1';"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := GooseFormat{LookupEnv: gooseTestEnv}.parse("1_x.sql", []byte(tc.content))
			if err != nil {
				t.Fatal(err)
			}
			if m.NoTransaction != tc.noTx || (m.Down != nil) != tc.hasDown {
				t.Errorf("noTx=%v down=%v", m.NoTransaction, m.Down != nil)
			}
			gooseTestTexts(t, "up", m.Up.Statements, tc.up)
			for i, line := range tc.upLines {
				if got := m.Up.Statements[i].Line; got != line {
					t.Errorf("statement %d at line %d, want %d", i+1, got, line)
				}
			}
			if tc.up == nil && strings.TrimSpace(m.Up.SQL) != tc.upSQL {
				t.Errorf("up SQL = %q, want %q", strings.TrimSpace(m.Up.SQL), tc.upSQL)
			}
			if m.Down != nil {
				gooseTestTexts(t, "down", m.Down.Statements, tc.down)
			}
		})
	}
}

func gooseTestTexts(t *testing.T, what string, got []migration.Statement, want []string) {
	t.Helper()
	if (got == nil) != (want == nil) || len(got) != len(want) {
		t.Fatalf("%s statements = %+v, want %q", what, got, want)
	}
	for i := range want {
		if got[i].SQL != want[i] {
			t.Errorf("%s statement %d = %q, want %q", what, i+1, got[i].SQL, want[i])
		}
	}
}

func TestGooseDuplicateVersions(t *testing.T) {
	fsys := fstest.MapFS{
		"1_a.sql":   {Data: []byte("-- +goose Up\nSELECT 1;\n")},
		"001_b.sql": {Data: []byte("-- +goose Up\nSELECT 2;\n")},
	}
	_, err := Goose.Read(fsys)
	pes := formatTestParseErrors(t, err)
	if len(pes) != 1 || !strings.Contains(pes[0].Error(), "1_a.sql") || !strings.Contains(pes[0].Error(), "001_b.sql") {
		t.Fatalf("Read = %v, want one error naming both files", err)
	}
}

func TestGooseEndsStatement(t *testing.T) {
	tests := map[string]bool{
		"SELECT 1;":            true,
		"SELECT 1;   ":         true,
		"SELECT 1; -- comment": true,
		"SELECT 1 -- x;":       false,
		"SELECT ';' || x":      false,
		"END;":                 true,
		"":                     false,
		"--;":                  false,
		"a;--b":                false, // one word, as goose splits words
	}
	for line, want := range tests {
		if got := gooseEndsStatement(line); got != want {
			t.Errorf("gooseEndsStatement(%q) = %v, want %v", line, got, want)
		}
	}
}

func TestExpandEnv(t *testing.T) {
	tests := []struct {
		in, want, err string
	}{
		{in: "plain text", want: "plain text"},
		{in: "$ADMIN_NAME and ${ADMIN_NAME}", want: "Ada and Ada"},
		{in: "${UNSET}|$UNSET|${EMPTY}", want: "||"},
		{in: "${UNSET:-d}|${EMPTY:-d}|${ADMIN_NAME:-d}", want: "d|d|Ada"},
		{in: "${UNSET-d}|${EMPTY-d}", want: "d|"},
		{in: "${UNSET:-${SCHEMA}.t}", want: "blog.t"},
		{in: "${ADMIN_NAME:-${UNSET?never evaluated}}", want: "Ada"},
		{in: "${SCHEMA:1}|${SCHEMA:1:2}|${SCHEMA: -2}|${SCHEMA:0:-1}|${SCHEMA:9}", want: "log|lo|og|blo|"},
		{in: "$$ \\$ \\\\ $( trailing $", want: "$ $ \\\\ $( trailing $"},
		{in: "price: 5$", want: "price: 5$"},
		{in: "$ADMIN_NAME_2x", want: ""},
		{in: "${ADMIN_NAME?}", want: "Ada"},
		{in: "${UNSET?}", err: "$UNSET: not set"},
		{in: "${UNSET?needed: ${SCHEMA}}", err: "$UNSET: needed: blog"},
		{in: "$1", err: "letter"},
		{in: "${1}", err: "letter"},
		{in: "${A", err: "not closed"},
		{in: "${A!}", err: "expected"},
		{in: "${A:x}", err: "not a number"},
		{in: "${A:1:y}", err: "not a number"},
	}
	for _, tc := range tests {
		got, err := expandEnv(tc.in, gooseTestEnv)
		switch {
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("expandEnv(%q) = %q, %v; want error %q", tc.in, got, err, tc.err)
		case tc.err == "" && (err != nil || got != tc.want):
			t.Errorf("expandEnv(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
}

func FuzzGooseParse(f *testing.F) {
	entries, _ := os.ReadDir("testdata/goose/blog")
	for _, e := range entries {
		b, _ := os.ReadFile(filepath.Join("testdata/goose/blog", e.Name()))
		f.Add(b)
	}
	f.Add([]byte("-- +goose Up\n-- +goose StatementBegin\nSELECT\n-- +goose StatementEnd\n-- +goose Down\n"))
	f.Add([]byte("-- +goose Up\n-- +goose ENVSUB ON\nSELECT '${SCHEMA:-${X:1:-2}}' $$ $Y;\n"))
	f.Fuzz(func(t *testing.T, content []byte) {
		m, err := GooseFormat{LookupEnv: gooseTestEnv}.parse("1_x.sql", content)
		if err != nil {
			if _, ok := err.(*migration.ParseError); !ok {
				t.Fatalf("error %v is a %T, not a *ParseError", err, err)
			}
			return
		}
		lines := strings.Count(Normalize(string(content)), "\n") + 1
		sections := []migration.Section{m.Up}
		if m.Down != nil {
			sections = append(sections, *m.Down)
		}
		for _, s := range sections {
			if s.Line < 1 || s.Line > lines+1 {
				t.Fatalf("section line %d outside the file (%d lines)", s.Line, lines)
			}
			for _, st := range s.Statements {
				if st.Line < s.Line || st.Line > lines || strings.TrimSpace(st.SQL) == "" {
					t.Fatalf("statement %+v outside its section or empty", st)
				}
			}
		}
	})
}

func FuzzExpandEnv(f *testing.F) {
	for _, s := range []string{"$A ${B:-c} ${D:1:2} ${E?f} $$", "${A:-${B:-${C}}}", "${A: -3:-1}", "\\$\\\\$("} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		_, _ = expandEnv(line, gooseTestEnv)
	})
}
