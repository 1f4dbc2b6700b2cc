package source

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/tidemigrate/tide/migration"
)

func TestDbmateReadBlog(t *testing.T) {
	migs := formatTestRead(t, Dbmate, "dbmate/blog")
	tests := []struct {
		version, name     string
		noTx, down        bool
		upLine, downLine  int
		upStart, downText string
	}{
		{"20260101090000", "create_users", false, true, 2, 9, "CREATE TABLE users", "DROP TABLE users;"},
		{"20260101090500", "create_posts", false, true, 3, 10, "CREATE TABLE posts", "DROP TABLE posts;"},
		{"20260102100000", "posts_search_index", true, true, 2, 5, "CREATE INDEX CONCURRENTLY", "DROP INDEX CONCURRENTLY posts_title_search;"},
		{"20260104120000", "seed_admin", false, false, 2, 0, "INSERT INTO users", ""},
	}
	if len(migs) != len(tests) {
		t.Fatalf("read %d migrations, want %d", len(migs), len(tests))
	}
	for i, w := range tests {
		m := migs[i]
		t.Run(w.name, func(t *testing.T) {
			if m.Version.String() != w.version || m.Name != w.name || m.NoTransaction != w.noTx || (m.Down != nil) != w.down {
				t.Fatalf("got %s %q noTx=%v down=%v", m.Version, m.Name, m.NoTransaction, m.Down != nil)
			}
			if m.Up.Line != w.upLine || !strings.HasPrefix(m.Up.SQL, w.upStart) || m.Up.Statements != nil {
				t.Errorf("up section at line %d: %q", m.Up.Line, m.Up.SQL)
			}
			if m.Down != nil && (m.Down.Line != w.downLine || strings.TrimSpace(m.Down.SQL) != w.downText) {
				t.Errorf("down section at line %d: %q", m.Down.Line, m.Down.SQL)
			}
		})
	}
}

func TestDbmateErrors(t *testing.T) {
	tests := []struct {
		name, file, content string
		line                int
		msg                 string
	}{
		{"SQL before up", "1_x.sql", "CREATE TYPE s AS ENUM ('a');\n-- migrate:up\n", 1, "before"},
		{"no up", "1_x.sql", "-- migrate:down\n", 1, "before"},
		{"empty", "1_x.sql", "", 0, "no \"-- migrate:up\""},
		{"second up", "1_x.sql", "-- migrate:up\nSELECT 1;\n-- migrate:down\n-- migrate:up\n", 4, "one up and one down"},
		{"second down", "1_x.sql", "-- migrate:up\n-- migrate:down\nSELECT 1;\n-- migrate:down\n", 4, "line 2"},
		{"no version", "add_users.sql", "-- migrate:up\n", 0, "start with its version"},
		{"version zero", "0_x.sql", "-- migrate:up\n", 0, "start at 1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Dbmate.Read(fstest.MapFS{tc.file: {Data: []byte(tc.content)}})
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

func TestDbmateAccepts(t *testing.T) {
	tests := []struct {
		name, content string
		noTx, down    bool
		up            string
	}{
		{"no down marker", "-- migrate:up\nSELECT 1;\n", false, false, "SELECT 1;"},
		{"transaction:false on down only", "-- migrate:up\nSELECT 1;\n-- migrate:down transaction:false\nSELECT 2;\n", true, true, "SELECT 1;"},
		{"other options ignored", "-- migrate:up foo:bar transaction:true\nSELECT 1;\n-- migrate:down\nSELECT 2;\n", false, true, "SELECT 1;"},
		{"other migrate: comments are SQL comments", "-- migrate:up\n-- migrate:note keep this\nSELECT 1;\n", false, false, "-- migrate:note keep this\nSELECT 1;"},
		{"comments before up", "-- a comment\n\n-- migrate:up\nSELECT 1;\n", false, false, "SELECT 1;"},
		{"CRLF line endings", "-- migrate:up\r\nSELECT 1;\r\n-- migrate:down\r\nSELECT 2;\r\n", false, true, "SELECT 1;"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := parseDbmate("1_x.sql", []byte(tc.content))
			if err != nil {
				t.Fatal(err)
			}
			if m.NoTransaction != tc.noTx || (m.Down != nil) != tc.down || strings.TrimSpace(m.Up.SQL) != tc.up {
				t.Errorf("noTx=%v down=%v up=%q", m.NoTransaction, m.Down != nil, m.Up.SQL)
			}
		})
	}
}

func FuzzDbmateParse(f *testing.F) {
	entries, _ := os.ReadDir("testdata/dbmate/blog")
	for _, e := range entries {
		b, _ := os.ReadFile(filepath.Join("testdata/dbmate/blog", e.Name()))
		f.Add(b)
	}
	f.Add([]byte("-- migrate:up transaction:false\n-- migrate:down transaction\n"))
	f.Fuzz(func(t *testing.T, content []byte) {
		m, err := parseDbmate("1_x.sql", content)
		if err != nil {
			if _, ok := err.(*migration.ParseError); !ok {
				t.Fatalf("error %v is a %T, not a *ParseError", err, err)
			}
			return
		}
		if m.Up.Line < 2 || (m.Down != nil && m.Down.Line <= m.Up.Line) {
			t.Fatalf("sections at lines %d and %+v", m.Up.Line, m.Down)
		}
	})
}
