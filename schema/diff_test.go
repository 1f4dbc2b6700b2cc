package schema

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite golden files")

type quoter struct{}

func (quoter) QuoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

func sample() *Schema {
	s := &Schema{
		Dialect: "postgres",
		Tables: []*Table{{
			Name: "users",
			Columns: []*Column{
				{Name: "id", Type: "bigint", Identity: IdentityByDefault},
				{Name: "email", Type: "text"},
				{Name: "status", Type: "mood", Nullable: true, Default: "'ok'::mood"},
			},
			PrimaryKey: &PrimaryKey{Columns: []string{"id"}},
			Uniques:    []*Unique{{Columns: []string{"email"}}},
			Checks:     []*Check{{Name: "email_has_at", Expr: "(position('@' in email) > 0)"}},
			Indexes:    []*Index{{Name: "users_lower_email", Parts: []*IndexPart{{Expr: "lower(email)"}}, Where: "(status IS NOT NULL)"}},
		}, {
			Name:        "orders",
			Columns:     []*Column{{Name: "id", Type: "integer"}, {Name: "user_id", Type: "bigint", Nullable: true}},
			PrimaryKey:  &PrimaryKey{Columns: []string{"id"}},
			ForeignKeys: []*ForeignKey{{Columns: []string{"user_id"}, RefTable: "users", RefColumns: []string{"id"}, OnDelete: "CASCADE"}},
		}},
		Views:     []*View{{Name: "active", Definition: " SELECT id FROM users WHERE status = 'ok'::mood;"}},
		Sequences: []*Sequence{{Name: "counter", Type: "bigint", Start: 1, Increment: 1, Min: 1, Max: 1 << 62, Cache: 1}},
		Enums:     []*Enum{{Name: "mood", Values: []string{"ok", "sad"}}},
	}
	s.Sort()
	return s
}

func TestDiffEqual(t *testing.T) {
	if d := Diff(sample(), sample()); len(d) != 0 {
		t.Fatalf("same schema differs: %v", d)
	}
}

func TestDiffNamesEachChange(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(s *Schema)
		want   string
	}{
		{"column type", func(s *Schema) { s.Table("users").Column("email").Type = "varchar(10)" }, "column users.email changed: type: text → varchar(10)"},
		{"nullability", func(s *Schema) { s.Table("users").Column("email").Nullable = true }, "column users.email changed: nullable: NOT NULL → NULL"},
		{"default lost", func(s *Schema) { s.Table("users").Column("status").Default = "" }, "column users.status changed: default: 'ok'::mood → (none)"},
		{"column added", func(s *Schema) {
			u := s.Table("users")
			u.Columns = append(u.Columns, &Column{Name: "age", Type: "integer"})
		}, "column users.age added"},
		{"table removed", func(s *Schema) { s.Tables = s.Tables[1:] }, "table orders removed"},
		{"index removed", func(s *Schema) { s.Table("users").Indexes = nil }, "index users.users_lower_email removed"},
		{"index predicate", func(s *Schema) { s.Table("users").Indexes[0].Where = "" }, "index users.users_lower_email changed: where: (status IS NOT NULL) → (none)"},
		{"unique removed", func(s *Schema) { s.Table("users").Uniques = nil }, "unique constraint users UNIQUE (email) removed"},
		{"check changed", func(s *Schema) { s.Table("users").Checks[0].Expr = "true" }, "check constraint users email_has_at changed: expression: (position('@' in email) > 0) → true"},
		{"fk action", func(s *Schema) { s.Table("orders").ForeignKeys[0].OnDelete = "" }, "foreign key orders (user_id) → users(id) changed: on delete: CASCADE → (none)"},
		{"view", func(s *Schema) { s.Views = nil }, "view active removed"},
		{"trigger", func(s *Schema) {
			s.Triggers = []*Trigger{{Name: "touch", Table: "users", Definition: "CREATE TRIGGER touch ..."}}
		}, "trigger users.touch added"},
		{"function", func(s *Schema) {
			s.Routines = []*Routine{{Name: "f", Kind: "function", Args: "a integer", Definition: "CREATE FUNCTION f ..."}}
		}, "function f(a integer) added"},
		{"enum", func(s *Schema) { s.Enums[0].Values = []string{"ok"} }, "type mood changed: values: ok, sad → ok"},
		{"sequence", func(s *Schema) { s.Sequences[0].Increment = 2 }, "sequence counter changed: increment: 1 → 2"},
		{"column order", func(s *Schema) {
			u := s.Table("users")
			u.Columns[1], u.Columns[2] = u.Columns[2], u.Columns[1]
		}, "table users changed: column order: id, email, status → id, status, email"},
		{"primary key", func(s *Schema) { s.Table("orders").PrimaryKey = nil }, "primary key orders (id) removed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := sample()
			tc.change(b)
			d := Diff(sample(), b)
			if len(d) != 1 {
				t.Fatalf("want one change, got %d: %v", len(d), d)
			}
			if got := d[0].String(); got != tc.want {
				t.Errorf("got  %q\nwant %q", got, tc.want)
			}
		})
	}
}

func TestDumpGolden(t *testing.T) {
	for _, dialect := range []string{"postgres", "mysql", "sqlite"} {
		t.Run(dialect, func(t *testing.T) {
			s := sample()
			s.Dialect = dialect
			if dialect != "postgres" {
				s.Enums, s.Sequences = nil, nil
				s.Table("users").Column("id").Identity = AutoIncrement
			}
			var a, b bytes.Buffer
			if err := Dump(&a, s, quoter{}); err != nil {
				t.Fatal(err)
			}
			if err := Dump(&b, sample(), quoter{}); err != nil {
				t.Fatal(err)
			}
			if dialect == "postgres" && a.String() != b.String() {
				t.Fatal("dump is not deterministic")
			}
			golden := filepath.Join("testdata", "dump_"+dialect+".sql")
			if *update {
				if err := os.WriteFile(golden, a.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(string(want), a.String()); diff != "" {
				t.Errorf("dump differs from %s (-want +got):\n%s", golden, diff)
			}
		})
	}
}
