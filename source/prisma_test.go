package source

import (
	"strings"
	"testing"
	"testing/fstest"
)

func TestPrismaReadBlog(t *testing.T) {
	migs := formatTestRead(t, Prisma, "prisma/blog")
	tests := []struct{ version, name, path string }{
		{"20260101090000", "init", "20260101090000_init/migration.sql"},
		{"20260102090000", "add_posts", "20260102090000_add_posts/migration.sql"},
	}
	if len(migs) != len(tests) {
		t.Fatalf("read %d migrations, want %d", len(migs), len(tests))
	}
	for i, w := range tests {
		m := migs[i]
		content := formatTestFile(t, "prisma/blog/"+w.path)
		if m.Version.String() != w.version || m.Name != w.name || m.Path != w.path || m.Up.Path != w.path || m.Up.Line != 1 {
			t.Errorf("migration %d: %s %q at %s", i, m.Version, m.Name, m.Path)
		}
		if m.Down != nil || m.NoTransaction || m.Up.SQL != string(content) {
			t.Errorf("%s: down %v, noTx %v, SQL %q", w.name, m.Down, m.NoTransaction, m.Up.SQL)
		}
	}
}

func TestPrismaErrors(t *testing.T) {
	sql := &fstest.MapFile{Data: []byte("SELECT 1;\n")}
	tests := []struct {
		name string
		fsys fstest.MapFS
		path string
		msg  string
	}{
		{"no migration.sql", fstest.MapFS{"20260101090000_init/README.md": sql}, "20260101090000_init/migration.sql", "no migration.sql"},
		{"folder without version", fstest.MapFS{"init/migration.sql": sql}, "init", "<timestamp>_<name>"},
		{"duplicate version", fstest.MapFS{"1_a/migration.sql": sql, "01_b/migration.sql": sql}, "1_a/migration.sql", "01_b/migration.sql"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Prisma.Read(tc.fsys)
			pes := formatTestParseErrors(t, err)
			if len(pes) != 1 || pes[0].Path != tc.path || !strings.Contains(pes[0].Msg, tc.msg) {
				t.Fatalf("Read = %v, want one error on %s with %q", err, tc.path, tc.msg)
			}
		})
	}
}

func TestPrismaVersionWidths(t *testing.T) {
	fsys := fstest.MapFS{
		"2_two/migration.sql":  {Data: []byte("SELECT 2;")},
		"10_ten/migration.sql": {Data: []byte("SELECT 10;")},
	}
	_, err := Prisma.Read(fsys)
	if err == nil || !strings.Contains(err.Error(), "2_two/migration.sql: Prisma runs it after 10_ten/migration.sql") {
		t.Fatalf("Read of folders whose name and number orders differ: %v", err)
	}
}
