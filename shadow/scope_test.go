package shadow

import (
	"slices"
	"testing"

	"github.com/tidemigrate/tide/migration"
	"github.com/tidemigrate/tide/schema"
)

func TestScope(t *testing.T) {
	mig := func(up ...string) migration.Migration {
		var m migration.Migration
		for _, s := range up {
			m.Up = append(m.Up, migration.Statement{SQL: s})
		}
		return m
	}
	for _, tc := range []struct {
		name   string
		m      migration.Migration
		want   []string // names that must be candidates
		scoped bool
	}{
		{"ddl", mig(`CREATE TABLE "Orders" (id int)`, "ALTER TABLE `weird``name` ADD x int", "CREATE INDEX i ON public.Users (a)"), []string{"Orders", "weird`name", "public", "Users", "users", "i"}, true},
		{"dml", mig("UPDATE users SET a = 1", "delete from kids"), []string{"users", "kids"}, true},
		{"select runs code", mig("CREATE TABLE a (id int)", "SELECT make_tables()"), nil, false},
		{"do block", mig("DO $$ BEGIN EXECUTE 'CREATE TABLE x ()'; END $$"), nil, false},
		{"call", mig("CALL p()"), nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := scope(tc.m)
			if ok != tc.scoped {
				t.Fatalf("scoped %v, want %v", ok, tc.scoped)
			}
			for _, w := range tc.want {
				if !slices.Contains(got, w) {
					t.Errorf("%q not among %v", w, got)
				}
			}
		})
	}
}

func TestMerge(t *testing.T) {
	prev := &schema.Schema{
		Tables:   []*schema.Table{{Name: "a"}, {Name: "b"}, {Name: "c"}},
		Triggers: []*schema.Trigger{{Name: "ta", Table: "a"}, {Name: "tb", Table: "b"}},
		Views:    []*schema.View{{Name: "old"}},
	}
	// b was changed, c dropped, d created; views are read in full.
	part := &schema.Schema{
		Tables:   []*schema.Table{{Name: "b", Comment: "new"}, {Name: "d"}},
		Triggers: []*schema.Trigger{{Name: "td", Table: "d"}},
		Views:    []*schema.View{{Name: "new"}},
	}
	got := merge(prev, part, []string{"b", "c", "d"})
	var names, trig []string
	for _, t := range got.Tables {
		names = append(names, t.Name)
	}
	for _, t := range got.Triggers {
		trig = append(trig, t.Name)
	}
	if !slices.Equal(names, []string{"a", "b", "d"}) || got.Table("b").Comment != "new" {
		t.Errorf("tables %v", names)
	}
	if !slices.Equal(trig, []string{"ta", "td"}) {
		t.Errorf("triggers %v", trig)
	}
	if len(got.Views) != 1 || got.Views[0].Name != "new" {
		t.Errorf("views %v", got.Views)
	}
}
