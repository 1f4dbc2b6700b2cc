package source

import (
	"strings"
	"testing"
	"testing/fstest"
)

func TestGolangMigrateReadBlog(t *testing.T) {
	migs := formatTestRead(t, GolangMigrate, "golangmigrate/blog")
	tests := []struct {
		version, name, up, down string // down "": no down file
	}{
		{"1", "create_users", "1_create_users.up.sql", "1_create_users.down.sql"},
		{"2", "create_posts", "2_create_posts.up.sql", "2_create_posts.down.sql"},
		{"10", "seed_admin", "10_seed_admin.up.sql", ""},
	}
	if len(migs) != len(tests) {
		t.Fatalf("read %d migrations, want %d", len(migs), len(tests))
	}
	for i, w := range tests {
		m := migs[i]
		if m.Version.String() != w.version || m.Name != w.name || m.Path != w.up || m.Up.Path != w.up || m.Up.Line != 1 {
			t.Errorf("migration %d: %s %q at %s (up %s:%d)", i, m.Version, m.Name, m.Path, m.Up.Path, m.Up.Line)
		}
		up := formatTestFile(t, "golangmigrate/blog/"+w.up)
		if m.Up.SQL != string(up) || m.Up.Statements != nil {
			t.Errorf("%s: up SQL %q", w.name, m.Up.SQL)
		}
		if w.down == "" {
			if m.Down != nil {
				t.Errorf("%s: down %+v", w.name, m.Down)
			}
			continue
		}
		down := formatTestFile(t, "golangmigrate/blog/"+w.down)
		if m.Down == nil || m.Down.Path != w.down || m.Down.SQL != string(down) {
			t.Fatalf("%s: down %+v", w.name, m.Down)
		}
	}
}

func TestGolangMigrateErrors(t *testing.T) {
	ok := []byte("SELECT 1;\n")
	tests := []struct {
		name  string
		files []string
		path  string
		msg   string
	}{
		{"no direction", []string{"1_a.sql"}, "1_a.sql", "<version>_<name>.up.sql"},
		{"no version", []string{"a.up.sql"}, "a.up.sql", "<version>_<name>.up.sql"},
		{"duplicate up", []string{"1_a.up.sql", "01_b.up.sql"}, "1_a.up.sql", "01_b.up.sql"},
		{"version too large", []string{"99999999999999999999_a.up.sql"}, "99999999999999999999_a.up.sql", "64-bit"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fsys := fstest.MapFS{}
			for _, f := range tc.files {
				fsys[f] = &fstest.MapFile{Data: ok}
			}
			_, err := GolangMigrate.Read(fsys)
			pes := formatTestParseErrors(t, err)
			if len(pes) != 1 || pes[0].Path != tc.path || !strings.Contains(pes[0].Msg, tc.msg) {
				t.Fatalf("Read = %v, want one error on %s with %q", err, tc.path, tc.msg)
			}
		})
	}
}

func TestGolangMigrateIgnoresOtherFiles(t *testing.T) {
	fsys := fstest.MapFS{
		"1_a.up.sql":      {Data: []byte("SELECT 1;\n")},
		"README.md":       {Data: []byte("# migrations\n")},
		"2_b.up.cql":      {Data: []byte("CREATE TABLE t (id int PRIMARY KEY);\n")},
		"sub/3_c.up.sql":  {Data: []byte("SELECT 3;\n")},
		"1_a.down.sql.gz": {Data: []byte{0x1f, 0x8b}},
	}
	migs, err := GolangMigrate.Read(fsys)
	if err != nil || len(migs) != 1 {
		t.Fatalf("Read = %d migrations, %v; want 1", len(migs), err)
	}
}
