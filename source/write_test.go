package source

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/tidemigrate/tide/dialect/postgres"
	"github.com/tidemigrate/tide/migration"
)

// formatTestParseErrors returns the *ParseErrors joined in err, failing
// the test if err holds any other kind of error.
func formatTestParseErrors(t *testing.T, err error) []*migration.ParseError {
	t.Helper()
	var out []*migration.ParseError
	var walk func(error)
	walk = func(err error) {
		if err == nil {
			return
		}
		if j, ok := err.(interface{ Unwrap() []error }); ok {
			for _, e := range j.Unwrap() {
				walk(e)
			}
			return
		}
		var pe *migration.ParseError
		if !errors.As(err, &pe) {
			t.Errorf("error %q (%T) is not a *ParseError", err, err)
			return
		}
		out = append(out, pe)
	}
	walk(err)
	return out
}

// formatTestRead reads a fixture folder under testdata with f.
func formatTestRead(t *testing.T, f Format, dir string) []migration.File {
	t.Helper()
	migs, err := f.Read(os.DirFS(filepath.Join("testdata", filepath.FromSlash(dir))))
	if err != nil {
		t.Fatalf("read %s as %s: %v", dir, f.Name(), err)
	}
	return migs
}

// formatTestSameRun fails the test if got differs from want in what the
// engine would run: identity, flags, sections' SQL (trimmed) and fixed
// statements.
func formatTestSameRun(t *testing.T, want, got []migration.File) {
	t.Helper()
	if len(want) != len(got) {
		t.Fatalf("%d migrations, want %d", len(got), len(want))
	}
	for i := range want {
		w, g := want[i], got[i]
		if w.Version != g.Version || w.Name != g.Name || w.Repeatable != g.Repeatable {
			t.Errorf("migration %d is %s %q (repeatable %v), want %s %q (repeatable %v)", i, g.Version, g.Name, g.Repeatable, w.Version, w.Name, w.Repeatable)
			continue
		}
		if w.NoTransaction != g.NoTransaction {
			t.Errorf("%s: NoTransaction = %v, want %v", w.Name, g.NoTransaction, w.NoTransaction)
		}
		formatTestSameSection(t, w.Name+" up", w.Up, g.Up)
		switch {
		case (w.Down == nil) != (g.Down == nil):
			t.Errorf("%s: down section present = %v, want %v", w.Name, g.Down != nil, w.Down != nil)
		case w.Down != nil:
			formatTestSameSection(t, w.Name+" down", *w.Down, *g.Down)
		}
	}
}

func formatTestSameSection(t *testing.T, what string, want, got migration.Section) {
	t.Helper()
	if want.Statements == nil && strings.TrimSpace(want.SQL) != strings.TrimSpace(got.SQL) {
		t.Errorf("%s: SQL\n%s\nwant\n%s", what, got.SQL, want.SQL)
	}
	if (want.Statements == nil) != (got.Statements == nil) || len(want.Statements) != len(got.Statements) {
		t.Errorf("%s: statements %+v, want %+v", what, got.Statements, want.Statements)
		return
	}
	for i := range want.Statements {
		if stripLeadingComments(want.Statements[i].SQL) != stripLeadingComments(got.Statements[i].SQL) {
			t.Errorf("%s: statement %d\n%s\nwant\n%s", what, i+1, got.Statements[i].SQL, want.Statements[i].SQL)
		}
	}
}

// formatTestAdapt drops from migs what format f cannot express, so that a
// round trip through f can be compared with the result.
func formatTestAdapt(f Format, migs []migration.File) []migration.File {
	var out []migration.File
	for _, m := range migs {
		name := f.Name()
		if m.Repeatable && name != "native" && name != "flyway" {
			continue
		}
		if name == "prisma" && m.NoTransaction {
			continue
		}
		if name == "prisma" || (name == "flyway" && m.Repeatable) {
			m.Down = nil
		}
		out = append(out, m)
	}
	return out
}

// formatTestSameChecksums fails the test unless want, split by s, and the
// folder got, loaded with format f, are the same migrations with the same
// checksums: what tide runs and records.
func formatTestSameChecksums(t *testing.T, want []migration.File, got fs.FS, f Format, s migration.Splitter) {
	t.Helper()
	ws, err := migration.Compile(want, s)
	if err != nil {
		t.Fatalf("compile want: %v", err)
	}
	gs, err := migration.Load(got, s, f)
	if err != nil {
		t.Fatalf("load the %s files: %v", f.Name(), err)
	}
	w, g := ws.All(), gs.All()
	if len(w) != len(g) {
		t.Fatalf("%d migrations, want %d", len(g), len(w))
	}
	for i := range w {
		if w[i].Key() != g[i].Key() || w[i].Name != g[i].Name || w[i].Checksum != g[i].Checksum ||
			w[i].NoTransaction != g[i].NoTransaction || w[i].Reversible != g[i].Reversible {
			t.Errorf("migration %d is %s %q (no-transaction %v, reversible %v, statements %v), want %s %q (%v, %v, %v)", i,
				g[i].Key(), g[i].Name, g[i].NoTransaction, g[i].Reversible, g[i].Up,
				w[i].Key(), w[i].Name, w[i].NoTransaction, w[i].Reversible, w[i].Up)
		}
	}
}

func TestWriteRoundTripThroughEveryFormat(t *testing.T) {
	native := formatTestRead(t, Native, "native/blog")
	pg := postgres.New() // the fixture's functions are PostgreSQL's
	for _, f := range Formats() {
		t.Run(f.Name(), func(t *testing.T) {
			t.Parallel()
			want := formatTestAdapt(f, native)
			foreign := t.TempDir()
			if _, err := Write(foreign, f, want, WithSplitter(pg)); err != nil {
				t.Fatalf("write as %s: %v", f.Name(), err)
			}
			back, err := f.Read(os.DirFS(foreign))
			if err != nil {
				t.Fatalf("read back as %s: %v", f.Name(), err)
			}
			formatTestSameChecksums(t, want, os.DirFS(foreign), f, pg)
			if got, err := Detect(os.DirFS(foreign)); err != nil || got.Name() != f.Name() {
				t.Errorf("Detect(written %s folder) = %v, %v", f.Name(), got, err)
			}

			again := t.TempDir()
			MarkNoTransaction(back, f, pg)
			if _, err := Write(again, Native, back); err != nil {
				t.Fatalf("write back as native: %v", err)
			}
			formatTestSameChecksums(t, want, os.DirFS(again), Native, pg)
		})
	}
}

func formatTestReadDir(t *testing.T, f Format, dir string) []migration.File {
	t.Helper()
	migs, err := f.Read(os.DirFS(dir))
	if err != nil {
		t.Fatalf("read %s as %s: %v", dir, f.Name(), err)
	}
	return migs
}

func TestWriteGooseKeepsFixedStatements(t *testing.T) {
	env := func(string) (string, bool) { return "", false }
	g := GooseFormat{LookupEnv: env}
	migs := formatTestRead(t, g, "goose/blog")
	files, err := g.Files(migs)
	if err != nil {
		t.Fatal(err)
	}
	got := string(files["00003_post_count_trigger.sql"])
	if n := strings.Count(got, "-- +goose StatementBegin\n"); n != 5 {
		t.Errorf("00003 has %d StatementBegin blocks, want one per fixed statement (5):\n%s", n, got)
	}
	fsys := fstest.MapFS{}
	for name, content := range files {
		fsys[name] = &fstest.MapFile{Data: content}
	}
	back, err := g.Read(fsys)
	if err != nil {
		t.Fatal(err)
	}
	formatTestSameRun(t, migs, back)

	// Through a format that cannot fix boundaries, the SQL text is kept.
	dir := t.TempDir()
	if _, err := Write(dir, Native, migs); err != nil {
		t.Fatal(err)
	}
	native := formatTestReadDir(t, Native, dir)
	if native[2].Up.Statements != nil || strings.TrimSpace(native[2].Up.SQL) != strings.TrimSpace(migs[2].Up.SQL) {
		t.Errorf("native copy of 00003: statements %v, SQL\n%s", native[2].Up.Statements, native[2].Up.SQL)
	}
}

func TestWriteFlywayConfFiles(t *testing.T) {
	migs := []migration.File{
		{Version: migration.MustParseVersion("1.2.10"), Name: "Search", NoTransaction: true, Path: "sql/V1_2_10__Search.sql",
			Up: migration.Section{SQL: "CREATE INDEX CONCURRENTLY s ON posts (title);\n"}, Down: &migration.Section{SQL: "DROP INDEX CONCURRENTLY s;\n"}},
		{Version: migration.MustParseVersion("2"), Name: "Dollar_brace", Up: migration.Section{SQL: "SELECT '${not_a_placeholder}';\n"}},
		{Repeatable: true, Name: "View", Up: migration.Section{SQL: "CREATE OR REPLACE VIEW v AS SELECT 1;\n"}},
	}
	files, err := Flyway.(Writer).Files(migs)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"V1_2_10__Search.sql":       "CREATE INDEX CONCURRENTLY s ON posts (title);\n",
		"V1_2_10__Search.sql.conf":  "executeInTransaction=false\n",
		"U1_2_10__Search.sql":       "DROP INDEX CONCURRENTLY s;\n",
		"U1_2_10__Search.sql.conf":  "executeInTransaction=false\n",
		"V2__Dollar_brace.sql":      "SELECT '${not_a_placeholder}';\n",
		"V2__Dollar_brace.sql.conf": "placeholderReplacement=false\n",
		"R__View.sql":               "CREATE OR REPLACE VIEW v AS SELECT 1;\n",
	}
	if len(files) != len(want) {
		t.Errorf("files %q, want %d files", formatTestNames(files), len(want))
	}
	for name, content := range want {
		if string(files[name]) != content {
			t.Errorf("%s = %q, want %q", name, files[name], content)
		}
	}
}

func TestWriteNativeDottedVersions(t *testing.T) {
	v := migration.MustParseVersion
	up := migration.Section{SQL: "SELECT 1;\n"}
	migs := []migration.File{
		{Version: v("1.2.9"), Name: "a", Path: "sql/V1_2_9__a.sql", Up: up},
		{Version: v("1.2.10"), Name: "b", Path: "V1.2.10__b.sql", Up: up},
		{Version: v("1.26"), Name: "c", Path: "V1_26__c.sql", Up: up},
		{Version: v("1.3"), Name: "d", Path: "V1_03__d.sql", Up: up},
		{Version: v("2"), Name: "e", Path: "V2.0__e.sql", Up: up},
		{Version: v("3"), Name: "f", Up: up}, // no file: the canonical form
		{Version: v("4"), Name: "g", Path: "0004_g.sql", Up: up},
	}
	files, err := Native.(Writer).Files(migs)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"1.2.9_a.sql", "1.2.10_b.sql", "1.26_c.sql", "1.03_d.sql", "2.0_e.sql", "3_f.sql", "0004_g.sql"}
	for _, name := range want {
		if _, ok := files[name]; !ok {
			t.Errorf("no file %s in %q", name, formatTestNames(files))
		}
	}
	if len(files) != len(want) {
		t.Errorf("files %q, want %q", formatTestNames(files), want)
	}
}

// TestWriteEveryFixtureToNative converts every fixture folder of another
// format to native: dotted Flyway versions included.
func TestWriteEveryFixtureToNative(t *testing.T) {
	tests := []struct {
		f   Format
		dir string
	}{
		{GooseFormat{LookupEnv: gooseTestEnv}, "goose/blog"},
		{GolangMigrate, "golangmigrate/blog"},
		{Dbmate, "dbmate/blog"},
		{FlywayFormat{Placeholders: flywayTestPlaceholders}, "flyway/blog"},
		{Prisma, "prisma/blog"},
	}
	for _, tc := range tests {
		t.Run(tc.f.Name(), func(t *testing.T) {
			migs := formatTestRead(t, tc.f, tc.dir)
			dir := t.TempDir()
			if _, err := Write(dir, Native, migs); err != nil {
				t.Fatalf("write %s as native: %v", tc.dir, err)
			}
			back := formatTestReadDir(t, Native, dir)
			if len(back) != len(migs) {
				t.Fatalf("%d migrations read back, want %d", len(back), len(migs))
			}
			for i := range migs {
				if back[i].Version != migs[i].Version || back[i].Name != migs[i].Name {
					t.Errorf("migration %d: %s %s, want %s %s", i, back[i].Version, back[i].Name, migs[i].Version, migs[i].Name)
				}
			}
		})
	}
}

func formatTestNames(files map[string][]byte) []string {
	var names []string
	for n := range files {
		names = append(names, n)
	}
	return names
}

func TestWritePadsVersionsForNameOrderedFormats(t *testing.T) {
	migs := []migration.File{
		{Version: migration.MustParseVersion("9"), Name: "a", Up: migration.Section{SQL: "SELECT 1;\n"}},
		{Version: migration.MustParseVersion("10"), Name: "b", Up: migration.Section{SQL: "SELECT 2;\n"}},
	}
	for _, tc := range []struct {
		f     Format
		names []string
	}{
		{Dbmate, []string{"09_a.sql", "10_b.sql"}},
		{Prisma, []string{"09_a/migration.sql", "10_b/migration.sql"}},
		{Goose, []string{"9_a.sql", "10_b.sql"}},
	} {
		files, err := tc.f.(Writer).Files(migs)
		if err != nil {
			t.Fatalf("%s: %v", tc.f.Name(), err)
		}
		for _, n := range tc.names {
			if _, ok := files[n]; !ok {
				t.Errorf("%s: no file %s in %q", tc.f.Name(), n, formatTestNames(files))
			}
		}
	}
}

func TestWriteRefusesWhatTheFormatCannotExpress(t *testing.T) {
	up := migration.Section{SQL: "SELECT 1;\n"}
	down := &migration.Section{SQL: "SELECT 2;\n"}
	v := migration.MustParseVersion
	tests := []struct {
		name string
		f    Format
		m    migration.File
		want string
	}{
		{"prisma down", Prisma, migration.File{Version: v("1"), Name: "with_down", Up: up, Down: down}, "1_with_down"},
		{"prisma no-transaction", Prisma, migration.File{Version: v("1"), Name: "notx", NoTransaction: true, Up: up}, "outside a transaction"},
		{"golang-migrate no-transaction without room for its parts", GolangMigrate, migration.File{Version: v("18446744073709551615"), Name: "notx", NoTransaction: true,
			Up: migration.Section{SQL: "SELECT 1;\nSELECT 2;\n"}}, "beyond golang-migrate's largest version"},
		{"goose repeatable", Goose, migration.File{Repeatable: true, Name: "view", Up: up}, "repeatable view"},
		{"dbmate repeatable", Dbmate, migration.File{Repeatable: true, Name: "view", Up: up}, "no repeatable"},
		{"native version 0", Native, migration.File{Version: v("0"), Name: "x", Up: up, Path: "0_x.up.sql"}, "0_x.up.sql"},
		{"goose dotted version", Goose, migration.File{Version: v("1.2"), Name: "x", Up: up, Path: "V1_2__x.sql"}, "V1_2__x.sql"},
		{"goose version too large", Goose, migration.File{Version: v("99999999999999999999"), Name: "x", Up: up}, "larger than goose allows"},
		{"native marker in SQL", Native, migration.File{Version: v("1"), Name: "x", Up: migration.Section{SQL: "SELECT 1;\n-- +tide down\nSELECT 2;\n"}}, "1_x"},
		{"flyway repeatable down", Flyway, migration.File{Repeatable: true, Name: "view", Up: up, Down: down}, "repeatable view"},
		{"goose annotation in a statement", Goose, migration.File{Version: v("1"), Name: "x", Up: migration.Section{SQL: "SELECT '\n-- +goose Down\n';\n"}}, "1_x"},
		{"dbmate empty down", Dbmate, migration.File{Version: v("1"), Name: "x", Up: up, Down: &migration.Section{}}, "empty down"},
		{"native empty name", Native, migration.File{Version: v("1"), Name: "", Up: up}, "would not read back"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			_, err := Write(dir, tc.f, []migration.File{tc.m})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Write = %v, want an error containing %q", err, tc.want)
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 0 {
				t.Errorf("Write left %d files after failing", len(entries))
			}
		})
	}
}

func TestWriteFiles(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	files := map[string][]byte{"a.sql": []byte("A"), "sub/b.sql": []byte("B")}
	if err := WriteFiles(dir, files); err != nil {
		t.Fatal(err)
	}
	for name, want := range files {
		got, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
		if err != nil || string(got) != string(want) {
			t.Errorf("%s = %q, %v; want %q", name, got, err, want)
		}
	}
	err := WriteFiles(dir, map[string][]byte{"new.sql": []byte("N"), "sub/b.sql": []byte("changed")})
	if err == nil || !strings.Contains(err.Error(), "sub/b.sql") {
		t.Fatalf("WriteFiles over an existing file = %v, want a refusal naming sub/b.sql", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "new.sql")); !os.IsNotExist(err) {
		t.Errorf("new.sql was written although the write was refused")
	}
	if got, _ := os.ReadFile(filepath.Join(dir, "sub", "b.sql")); string(got) != "B" {
		t.Errorf("sub/b.sql was overwritten: %q", got)
	}
	if err := WriteFiles(dir, map[string][]byte{"../escape.sql": nil}); err == nil {
		t.Errorf("WriteFiles accepted a name outside the folder")
	}
}

func FuzzFiles(f *testing.F) {
	f.Add("add_users", "CREATE TABLE users (id int);\n", "DROP TABLE users;\n", true, false)
	f.Add("x", "-- +goose Down\n-- migrate:up\n-- +tide up\n${a}\n", "", false, true)
	f.Add("a/b", "SELECT 1", "", false, false)
	f.Fuzz(func(t *testing.T, name, up, down string, hasDown, noTx bool) {
		m := migration.File{Version: migration.MustParseVersion("20260101120000"), Name: name, NoTransaction: noTx, Up: migration.Section{SQL: up}}
		if hasDown {
			m.Down = &migration.Section{SQL: down}
		}
		for _, format := range Formats() {
			// Files either fails or returns files that read back the same:
			// it checks that itself; here it must not panic.
			files, err := format.(Writer).Files([]migration.File{m})
			if err == nil && len(files) == 0 {
				t.Fatalf("%s: no files and no error", format.Name())
			}
		}
	})
}
