package schema

import (
	"slices"
	"testing"
)

func TestSQLNames(t *testing.T) {
	for _, tc := range []struct {
		src    string
		bodies bool
		want   []string
	}{
		{`SELECT a, "B""x" FROM t -- c
			/* d /* e */ f */ WHERE x = 'g''h' AND y = E'\'i'`, false, []string{"a", `B"x`, "and", "from", "select", "t", "where", "x", "y"}},
		{"CREATE FUNCTION f() RETURNS SETOF v LANGUAGE sql AS $f$ SELECT * FROM t $f$", true,
			[]string{"as", "create", "f", "function", "language", "returns", "select", "setof", "sql", "from", "t", "v"}},
		{"CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN DELETE FROM t; END $$", true,
			[]string{"as", "create", "f", "function", "language", "plpgsql", "returns", "trigger"}},
		{"SELECT $1, 12e3, x1$ FROM x", false, []string{"from", "select", "x", "x1$"}},
	} {
		got := sqlNames(tc.src, tc.bodies)
		var names []string
		for n := range got {
			names = append(names, n)
		}
		slices.Sort(names)
		want := slices.Clone(tc.want)
		slices.Sort(want)
		if !slices.Equal(names, want) {
			t.Errorf("sqlNames(%q) = %q, want %q", tc.src, names, want)
		}
	}
}

func FuzzSQLNames(f *testing.F) {
	for _, s := range []string{"SELECT 'a", `"x`, "/* /*", "$a$ b", "E'\\", "--", "$", "$1$"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		sqlNames(src, true)
	})
}

func TestPlanDumpPostgres(t *testing.T) {
	s := &Schema{
		Dialect: "postgres",
		Tables: []*Table{
			{Name: "a_child", Options: map[string]string{"partition of": "z_parent", "partition bound": "DEFAULT"}},
			{Name: "b_grandchild", Options: map[string]string{"inherits": "a_child"}},
			{Name: "orders"},
			{Name: "z_parent", Options: map[string]string{"partition by": "LIST (k)"}},
		},
		Views: []*View{
			{Name: "a_view", Definition: "SELECT * FROM b_view"},
			{Name: "b_view", Definition: "SELECT * FROM orders"},
			{Name: "c_view", Definition: "SELECT * FROM a_totals()"},
		},
		Routines: []*Routine{
			{Name: "a_totals", Definition: "CREATE FUNCTION a_totals() RETURNS SETOF a_view LANGUAGE sql BEGIN ATOMIC SELECT 1; END"},
			{Name: "b_helper", Definition: "CREATE FUNCTION b_helper() RETURNS int LANGUAGE sql RETURN c_helper()"},
			{Name: "c_helper", Definition: "CREATE FUNCTION c_helper() RETURNS int LANGUAGE sql RETURN 1"},
			{Name: "d_touch", Definition: "CREATE FUNCTION d_touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO orders DEFAULT VALUES; END $$"},
			{Name: "e_count", Definition: "CREATE FUNCTION e_count() RETURNS bigint LANGUAGE sql AS $$ SELECT count(*) FROM orders $$"},
		},
	}
	p := planDump(s)
	var tables, early, late []string
	for _, t := range p.tables {
		tables = append(tables, t.Name)
	}
	for _, r := range p.early {
		early = append(early, r.Name)
	}
	for _, o := range p.late {
		switch o := o.(type) {
		case *View:
			late = append(late, o.Name)
		case *Routine:
			late = append(late, o.Name)
		}
	}
	for _, c := range []struct {
		what      string
		got, want []string
	}{
		{"tables", tables, []string{"orders", "z_parent", "a_child", "b_grandchild"}},
		{"early routines", early, []string{"c_helper", "b_helper", "d_touch"}},
		{"views and late routines", late, []string{"b_view", "a_view", "a_totals", "c_view", "e_count"}},
	} {
		if !slices.Equal(c.got, c.want) {
			t.Errorf("%s: %q, want %q", c.what, c.got, c.want)
		}
	}
}

func TestPlanDumpOthersKeepNameOrder(t *testing.T) {
	s := &Schema{
		Dialect:  "mysql",
		Tables:   []*Table{{Name: "a"}, {Name: "b"}},
		Views:    []*View{{Name: "v"}},
		Routines: []*Routine{{Name: "f"}},
	}
	p := planDump(s)
	if len(p.early) != 0 || len(p.tables) != 2 || len(p.late) != 2 || p.late[0] != any(s.Views[0]) || p.late[1] != any(s.Routines[0]) {
		t.Errorf("planDump changed MySQL's order: %+v", p)
	}
}
