package source

import (
	"os"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

var flywayTestPlaceholders = map[string]string{"SCHEMA": "public"} // names are case-insensitive

func TestFlywayReadBlog(t *testing.T) {
	migs := formatTestRead(t, FlywayFormat{Placeholders: flywayTestPlaceholders}, "flyway/blog")
	tests := []struct {
		version, name, path string
		noTx, repeatable    bool
		down                string
	}{
		{version: "1", name: "Create_users", path: "V1__Create_users.sql", down: "U1__Create_users.sql"},
		{version: "1.1", name: "Create_posts", path: "V1_1__Create_posts.sql"},
		{version: "1.2.9", name: "Add_post_slug", path: "v1_2/V1.2.9__Add_post_slug.sql"},
		{version: "1.2.10", name: "Posts_search_index", path: "v1_2/V1.2.10__Posts_search_index.sql", noTx: true},
		{version: "2", name: "Seed_admin", path: "V2__Seed_admin.sql"},
		{version: "3", name: "Add_comments", path: "V3__Add_comments.sql"},
		{name: "Published_posts", path: "views/R__Published_posts.sql", repeatable: true},
	}
	if len(migs) != len(tests) {
		t.Fatalf("read %d migrations, want %d (B files and Views.sql left out)", len(migs), len(tests))
	}
	for i, w := range tests {
		m := migs[i]
		if m.Version.String() != w.version || m.Name != w.name || m.Path != w.path || m.NoTransaction != w.noTx || m.Repeatable != w.repeatable {
			t.Errorf("migration %d: %s %q at %s noTx=%v repeatable=%v; want %+v", i, m.Version, m.Name, m.Path, m.NoTransaction, m.Repeatable, w)
		}
		if m.Up.Path != w.path || m.Up.Line != 1 || m.Up.Statements != nil {
			t.Errorf("%s: up section %s:%d", w.path, m.Up.Path, m.Up.Line)
		}
		switch {
		case w.down == "" && m.Down != nil:
			t.Errorf("%s: unexpected down section %s", w.path, m.Down.Path)
		case w.down != "" && (m.Down == nil || m.Down.Path != w.down || m.Down.SQL != "DROP TABLE users;\n"):
			t.Errorf("%s: down section %+v, want %s", w.path, m.Down, w.down)
		}
	}
	posts := migs[1].Up.SQL
	for _, want := range []string{"CREATE TABLE public.posts", "-- created by V1_1__Create_posts.sql"} {
		if !strings.Contains(posts, want) {
			t.Errorf("placeholders not replaced: V1_1 lacks %q:\n%s", want, posts)
		}
	}
}

func TestFlywayBaselines(t *testing.T) {
	migs := formatTestRead(t, FlywayFormat{Placeholders: flywayTestPlaceholders, UseBaselines: true}, "flyway/blog")
	var got []string
	for _, m := range migs {
		got = append(got, m.Path)
	}
	want := []string{"B2__Baseline.sql", "V3__Add_comments.sql", "views/R__Published_posts.sql"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("with UseBaselines: %q, want %q", got, want)
	}
	if migs[0].Version.String() != "2" || migs[0].Name != "Baseline" {
		t.Errorf("baseline read as %s %q", migs[0].Version, migs[0].Name)
	}
}

func TestFlywayPlaceholders(t *testing.T) {
	_, err := Flyway.Read(os.DirFS("testdata/flyway/blog"))
	pes := formatTestParseErrors(t, err)
	if len(pes) != 1 || pes[0].Path != "V1_1__Create_posts.sql" || pes[0].Line != 1 || !strings.Contains(pes[0].Msg, "${schema}") {
		t.Fatalf("Read without placeholder values = %v, want one error at V1_1__Create_posts.sql:1", err)
	}
	migs := formatTestRead(t, FlywayFormat{NoPlaceholderReplacement: true}, "flyway/blog")
	if !strings.Contains(migs[1].Up.SQL, "${schema}.posts") {
		t.Errorf("NoPlaceholderReplacement changed the SQL:\n%s", migs[1].Up.SQL)
	}

	tests := []struct {
		name, sql, conf, want, err string
		line                       int
	}{
		{name: "two on a line", sql: "SELECT '${a}', '${B}';\n", want: "SELECT '1', 'two';\n"},
		{name: "empty value", sql: "SELECT 1${empty};\n", want: "SELECT 1;\n"},
		{name: "replacement off in .conf", sql: "SELECT '${x}';\n", conf: "placeholderReplacement=false\n", want: "SELECT '${x}';\n"},
		{name: "unknown", sql: "SELECT 1;\nSELECT '${nope}';\n", err: "${nope}", line: 2},
		{name: "default placeholder", sql: "SET search_path = ${flyway:defaultSchema};\n", err: "needs a database connection", line: 1},
		{name: "unclosed", sql: "SELECT '${a';\n", err: "closing", line: 1},
	}
	f := FlywayFormat{Placeholders: map[string]string{"a": "1", "b": "two", "EMPTY": ""}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fsys := fstest.MapFS{"V1__x.sql": {Data: []byte(tc.sql)}}
			if tc.conf != "" {
				fsys["V1__x.sql.conf"] = &fstest.MapFile{Data: []byte(tc.conf)}
			}
			migs, err := f.Read(fsys)
			if tc.err != "" {
				pes := formatTestParseErrors(t, err)
				if len(pes) != 1 || pes[0].Line != tc.line || !strings.Contains(pes[0].Msg, tc.err) {
					t.Fatalf("Read = %v, want an error at line %d with %q", err, tc.line, tc.err)
				}
				return
			}
			if err != nil || len(migs) != 1 || migs[0].Up.SQL != tc.want {
				t.Fatalf("Read = %+v, %v; want SQL %q", migs, err, tc.want)
			}
		})
	}
}

func TestFlywayErrors(t *testing.T) {
	sql := []byte("SELECT 1;\n")
	tests := []struct {
		name  string
		files map[string]string
		path  string
		line  int
		msg   string
	}{
		{"undo without versioned", map[string]string{"V1__a.sql": "", "U2__b.sql": ""}, "U2__b.sql", 0, "without a versioned"},
		{"duplicate version across folders", map[string]string{"V1__a.sql": "", "sub/V1.0__b.sql": ""}, "sub/V1.0__b.sql", 0, "V1__a.sql"},
		{"duplicate repeatable", map[string]string{"R__v.sql": "", "sub/R__v.sql": ""}, "sub/R__v.sql", 0, "R__v.sql"},
		{"callback", map[string]string{"afterMigrate.sql": ""}, "afterMigrate.sql", 0, "callback"},
		{"callback with description", map[string]string{"sub/beforeEachMigrate__grants.sql": ""}, "sub/beforeEachMigrate__grants.sql", 0, "callback"},
		{"single underscore", map[string]string{"V1_add_users.sql": ""}, "V1_add_users.sql", 0, "\"__\""},
		{"bad version", map[string]string{"V1.x__y.sql": ""}, "V1.x__y.sql", 0, "not a number"},
		{"no version", map[string]string{"V__y.sql": ""}, "V__y.sql", 0, "no version"},
		{"repeatable with version", map[string]string{"R1__v.sql": ""}, "R1__v.sql", 0, "no version"},
		{"conf unknown key", map[string]string{"V1__a.sql": "", "V1__a.sql.conf": "# x\nexecuteInTransaction=true\nfoo=bar\n"}, "V1__a.sql.conf", 3, "foo"},
		{"conf bad boolean", map[string]string{"V1__a.sql": "", "V1__a.sql.conf": "executeInTransaction=no\n"}, "V1__a.sql.conf", 1, "true or false"},
		{"conf shouldExecute", map[string]string{"V1__a.sql": "", "V1__a.sql.conf": "shouldExecute=${env}==prod\n"}, "V1__a.sql.conf", 1, "conditionally"},
		{"conf other encoding", map[string]string{"V1__a.sql": "", "V1__a.sql.conf": "encoding=ISO-8859-1\n"}, "V1__a.sql.conf", 1, "UTF-8"},
		{"conf without value", map[string]string{"V1__a.sql": "", "V1__a.sql.conf": "executeInTransaction\n"}, "V1__a.sql.conf", 1, "key=value"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fsys := fstest.MapFS{}
			for name, content := range tc.files {
				if content == "" && !strings.HasSuffix(name, ".conf") {
					fsys[name] = &fstest.MapFile{Data: sql}
				} else {
					fsys[name] = &fstest.MapFile{Data: []byte(content)}
				}
			}
			_, err := Flyway.Read(fsys)
			pes := formatTestParseErrors(t, err)
			if len(pes) != 1 || pes[0].Path != tc.path || pes[0].Line != tc.line || !strings.Contains(pes[0].Msg, tc.msg) {
				t.Fatalf("Read = %v, want one error at %s:%d with %q", err, tc.path, tc.line, tc.msg)
			}
		})
	}
}

func TestFlywayConf(t *testing.T) {
	fsys := fstest.MapFS{
		"V1__a.sql":      {Data: []byte("SELECT 1;\n")},
		"U1__a.sql":      {Data: []byte("SELECT 2;\n")},
		"U1__a.sql.conf": {Data: []byte("! comment\nexecuteInTransaction : FALSE\nencoding=utf-8\n")},
	}
	migs, err := Flyway.Read(fsys)
	if err != nil || len(migs) != 1 || !migs[0].NoTransaction {
		t.Fatalf("Read = %+v, %v; want one no-transaction migration", migs, err)
	}
}

func TestParseFlywayName(t *testing.T) {
	tests := []struct {
		name            string
		ok              bool
		kind            byte
		version, desc   string
		wantErr, errMsg string
	}{
		{name: "V1__Init.sql", ok: true, kind: 'V', version: "1", desc: "Init"},
		{name: "V1_2_10__Add_users.SQL", ok: true, kind: 'V', version: "1_2_10", desc: "Add_users"},
		{name: "V2026.01.01.1200__x__y.sql", ok: true, kind: 'V', version: "2026.01.01.1200", desc: "x__y"},
		{name: "V1__.sql", ok: true, kind: 'V', version: "1"},
		{name: "U3__Undo.sql", ok: true, kind: 'U', version: "3", desc: "Undo"},
		{name: "B5__Base.sql", ok: true, kind: 'B', version: "5", desc: "Base"},
		{name: "R__View.sql", ok: true, kind: 'R', desc: "View"},
		{name: "Views.sql"},
		{name: "README.sql"},
		{name: "Undo.sql"},
		{name: "v1__lower.sql"},
		{name: "V1__x.sql.conf"},
		{name: "V1__x.txt"},
		{name: ".sql"},
		{name: "V1.sql", wantErr: "\"__\""},
		{name: "V1.2.x__y.sql", wantErr: "not a number"},
		{name: "V0__zero.sql", wantErr: "start at 1"},
		{name: "afterMigrate.sql", wantErr: "callback"},
	}
	for _, tc := range tests {
		f, ok, err := parseFlywayName(tc.name)
		switch {
		case tc.wantErr != "":
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("parseFlywayName(%q) error = %v, want %q", tc.name, err, tc.wantErr)
			}
		case err != nil || ok != tc.ok || f.kind != tc.kind || f.version != tc.version || f.desc != tc.desc:
			t.Errorf("parseFlywayName(%q) = %+v, %v, %v", tc.name, f, ok, err)
		}
	}
}

func TestFlywayVersionsSortNumerically(t *testing.T) {
	fsys := fstest.MapFS{}
	for _, n := range []string{"V1.10__a.sql", "V1.9__b.sql", "V1_2__c.sql", "V10__d.sql", "V2__e.sql"} {
		fsys[n] = &fstest.MapFile{Data: []byte("SELECT 1;\n")}
	}
	migs, err := Flyway.Read(fsys)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range migs {
		got = append(got, m.Version.String())
	}
	if want := "1.2 1.9 1.10 2 10"; strings.Join(got, " ") != want {
		t.Errorf("order %q, want %q", got, want)
	}
}

// TestFlywayChecksum checks FlywayChecksum against values printed by a Java
// program that repeats Flyway's ChecksumCalculator step by step
// (BufferedReader.readLine over a UTF-8 decoder, BomFilter on the first
// line, java.util.zip.CRC32 over each line's UTF-8 bytes, cast to int).
// "123456789" gives the standard CRC-32 check value 0xCBF43926.
func TestFlywayChecksum(t *testing.T) {
	tests := []struct {
		name    string
		content []byte
		want    int32
	}{
		{"empty", []byte(""), 0},
		{"only a newline", []byte("\n"), 0},
		{"check value", []byte("123456789"), -873187034},
		{"CRLF", []byte("1234\r\n56789\n"), -873187034},
		{"BOM", []byte("\uFEFF123456789\r\n"), -873187034},
		{"BOM only stripped at the start", []byte("\uFEFF\n\uFEFFx\n"), 1540412666},
		{"lone CR", []byte("SELECT 1;\r-- lone CR\rSELECT 2;"), 282707394},
		{"UTF-8", []byte("INSERT INTO t VALUES ('café € 😀');\n"), 1050641309},
		{"fixture V1", formatTestFile(t, "flyway/blog/V1__Create_users.sql"), 98048321},
		{"fixture V1_1, as written", formatTestFile(t, "flyway/blog/V1_1__Create_posts.sql"), -710059113},
		{"fixture B2", formatTestFile(t, "flyway/blog/B2__Baseline.sql"), -1388580764},
	}
	for _, tc := range tests {
		if got := FlywayChecksum(tc.content); got != tc.want {
			t.Errorf("%s: FlywayChecksum = %d, want %d", tc.name, got, tc.want)
		}
	}
}

func FuzzFlywayName(f *testing.F) {
	for _, s := range []string{"V1__Init.sql", "V1_2__x.SQL", "R__v.sql", "U1.2__u.sql", "B3__b.sql", "afterMigrate__x.sql", "V.sql", "R.sql", "V1..2__x.sql"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		file, ok, err := parseFlywayName(name)
		if err != nil && ok {
			t.Fatalf("parseFlywayName(%q) reports both a migration and an error", name)
		}
		if !ok {
			return
		}
		if file.kind == 'R' {
			if file.version != "" {
				t.Fatalf("repeatable %q has version %q", name, file.version)
			}
			return
		}
		if _, err := parseFlywayVersion(file.version); err != nil {
			t.Fatalf("accepted %q with a bad version: %v", name, err)
		}
	})
}

func TestFlywayBaselinesList(t *testing.T) {
	fsys := fstest.MapFS{
		"V1__a.sql":        {Data: []byte("SELECT 1;")},
		"sub/B2__base.sql": {Data: []byte("SELECT 2;")},
		"B3__later.SQL":    {Data: []byte("SELECT 3;")},
		"Baseline.sql":     {Data: []byte("not a migration")},
	}
	if got := FlywayBaselines(fsys); !slices.Equal(got, []string{"B3__later.SQL", "sub/B2__base.sql"}) {
		t.Fatalf("FlywayBaselines = %v", got)
	}
}
