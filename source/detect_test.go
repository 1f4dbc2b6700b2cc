package source

import (
	"io/fs"
	"os"
	"strings"
	"testing"
	"testing/fstest"
)

func TestDetectFixtures(t *testing.T) {
	tests := map[string]string{
		"native/blog":        "native",
		"goose/blog":         "goose",
		"goose/gomigration":  "goose",
		"golangmigrate/blog": "golang-migrate",
		"dbmate/blog":        "dbmate",
		"flyway/blog":        "flyway",
		"prisma/blog":        "prisma",
		"detect/unmarked":    "native",
	}
	for dir, want := range tests {
		f, err := Detect(os.DirFS("testdata/" + dir))
		if err != nil || f.Name() != want {
			t.Errorf("Detect(%s) = %v, %v; want %s", dir, f, err, want)
		}
	}
}

func TestDetectAmbiguous(t *testing.T) {
	tests := map[string][]string{
		"detect/goose_and_native":         {"native (20260101090500_create_posts.sql)", "goose (00001_create_users.sql)"},
		"detect/golangmigrate_and_dbmate": {"golang-migrate (1_create_users.down.sql)", "dbmate (20260101090500_create_posts.sql)"},
	}
	for dir, want := range tests {
		f, err := Detect(os.DirFS("testdata/" + dir))
		if err == nil {
			t.Errorf("Detect(%s) = %s, want an error", dir, f.Name())
			continue
		}
		for _, w := range append(want, "--format") {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("Detect(%s) error %q lacks %q", dir, err, w)
			}
		}
	}
}

func TestDetectSmallFolders(t *testing.T) {
	file := func(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s)} }
	tests := []struct {
		name string
		fsys fstest.MapFS
		want string // "" when ambiguous
	}{
		{"empty", fstest.MapFS{}, "native"},
		{"only a README", fstest.MapFS{"README.md": file("# x")}, "native"},
		{"native repeatable", fstest.MapFS{"R__v.sql": file("-- +tide up\nSELECT 1;\n")}, "native"},
		{"flyway repeatable", fstest.MapFS{"R__v.sql": file("CREATE VIEW v AS SELECT 1;\n")}, "flyway"},
		{"flyway in a subfolder", fstest.MapFS{"db/V1__init.sql": file("SELECT 1;\n"), "README.md": file("")}, "flyway"},
		{"prisma lock only", fstest.MapFS{"migration_lock.toml": file("provider = \"sqlite\"\n")}, "prisma"},
		{"goose Go migration", fstest.MapFS{"00001_x.go": file("package m\n\nimport \"github.com/pressly/goose/v3\"\n")}, "goose"},
		{"other Go file", fstest.MapFS{"00001_x.go": file("package m\n"), "1_a.up.sql": file("SELECT 1;\n")}, "golang-migrate"},
		{"marker case", fstest.MapFS{"1_x.sql": file("-- MIGRATE:UP\nSELECT 1;\n")}, "dbmate"},
		{"marker after line 200", fstest.MapFS{"1_x.sql": file(strings.Repeat("--\n", 200) + "-- +goose Up\n")}, "native"},
		{"flyway and native", fstest.MapFS{"V1__a.sql": file("SELECT 1;\n"), "2_b.sql": file("-- +tide up\n")}, ""},
		{"one file, two markers", fstest.MapFS{"1_x.sql": file("-- +goose Up\n-- migrate:up\n")}, ""},
		{"prisma and golang-migrate", fstest.MapFS{"1_a/migration.sql": file(""), "1_a.up.sql": file("")}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, err := Detect(tc.fsys)
			switch {
			case tc.want == "" && err == nil:
				t.Errorf("Detect = %s, want an ambiguity error", f.Name())
			case tc.want != "" && (err != nil || f.Name() != tc.want):
				t.Errorf("Detect = %v, %v; want %s", f, err, tc.want)
			}
		})
	}
}

func TestFormatByName(t *testing.T) {
	for _, f := range Formats() {
		got, err := FormatByName(strings.ToUpper(f.Name()))
		if err != nil || got.Name() != f.Name() {
			t.Errorf("FormatByName(%q) = %v, %v", strings.ToUpper(f.Name()), got, err)
		}
		if _, ok := got.(Writer); !ok {
			t.Errorf("%s is not a Writer", f.Name())
		}
	}
	_, err := FormatByName("liquibase")
	want := "native, goose, golang-migrate, dbmate, flyway, prisma"
	if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "liquibase") {
		t.Errorf("FormatByName(liquibase) error = %v, want one listing %s", err, want)
	}
}

// A Cached folder is read once, however often Detect and Read ask.
func TestCachedReadsOnce(t *testing.T) {
	var reads int
	fsys := countingFS{MapFS: fstest.MapFS{
		"1_a.sql": {Data: []byte("-- +tide up\nSELECT 1;\n")},
		"2_b.sql": {Data: []byte("-- +tide up\nSELECT 2;\n")},
	}, reads: &reads}
	c := Cached(fsys)
	if f, err := Detect(c); err != nil || f.Name() != "native" {
		t.Fatalf("Detect = %v, %v", f, err)
	}
	if migs, err := Native.Read(c); err != nil || len(migs) != 2 {
		t.Fatalf("Read = %v, %v", migs, err)
	}
	if reads != 2 {
		t.Errorf("files opened %d times, want 2 (each once)", reads)
	}
}

type countingFS struct {
	fstest.MapFS
	reads *int
}

func (c countingFS) Open(name string) (fs.File, error) {
	if name != "." {
		*c.reads++
	}
	return c.MapFS.Open(name)
}

func (c countingFS) ReadFile(name string) ([]byte, error) {
	*c.reads++
	return c.MapFS.ReadFile(name)
}
