package migration_test

import (
	"crypto/sha256"
	"encoding/hex"
	"reflect"
	"strings"
	"testing"

	"github.com/tidemigrate/tide/dialect/sqlite"
	"github.com/tidemigrate/tide/migration"
)

func TestParseHelper(t *testing.T) {
	name := func(parts ...string) migration.Name { return migration.Name(parts) }
	tests := []struct {
		in   string
		want migration.Helper
		text string // the canonical line; in when ""
	}{
		{"rows-equal old_users users", migration.RowsEqual{Left: name("old_users"), Right: name("users")}, ""},
		{"ROWS-EQUAL  old_users\tusers  tolerance=0", migration.RowsEqual{Left: name("old_users"), Right: name("users")}, "rows-equal old_users users"},
		{"rows-equal app.a b tolerance=10", migration.RowsEqual{Left: name("app", "a"), Right: name("b"), Tolerance: migration.Tolerance{Rows: 10}}, ""},
		{"rows-equal a b TOLERANCE = 0.5 %", migration.RowsEqual{Left: name("a"), Right: name("b"), Tolerance: migration.Tolerance{PPM: 5000}}, "rows-equal a b tolerance=0.5%"},
		{"rows-equal a b tolerance=100%", migration.RowsEqual{Left: name("a"), Right: name("b"), Tolerance: migration.Tolerance{PPM: 1000000}}, ""},
		{"rows-equal a b tolerance=0.0001%", migration.RowsEqual{Left: name("a"), Right: name("b"), Tolerance: migration.Tolerance{PPM: 1}}, ""},
		{"rows-equal a b tolerance=2.50%", migration.RowsEqual{Left: name("a"), Right: name("b"), Tolerance: migration.Tolerance{PPM: 25000}}, "rows-equal a b tolerance=2.5%"},
		{"no-orphans orders.user_id -> users.id", migration.NoOrphans{
			Child:  migration.Columns{Table: name("orders"), Columns: []string{"user_id"}},
			Parent: migration.Columns{Table: name("users"), Columns: []string{"id"}}}, ""},
		{"no-orphans orders.user_id->users.id", migration.NoOrphans{
			Child:  migration.Columns{Table: name("orders"), Columns: []string{"user_id"}},
			Parent: migration.Columns{Table: name("users"), Columns: []string{"id"}}}, "no-orphans orders.user_id -> users.id"},
		{"no-orphans app.items(tenant,order_id) -> app.orders( tenant , id )", migration.NoOrphans{
			Child:  migration.Columns{Table: name("app", "items"), Columns: []string{"tenant", "order_id"}},
			Parent: migration.Columns{Table: name("app", "orders"), Columns: []string{"tenant", "id"}}}, "no-orphans app.items(tenant, order_id) -> app.orders(tenant, id)"},
		{"not-null users.email", migration.NotNull{Columns: migration.Columns{Table: name("users"), Columns: []string{"email"}}}, ""},
		{"not-null app.users.email", migration.NotNull{Columns: migration.Columns{Table: name("app", "users"), Columns: []string{"email"}}}, ""},
		{"not-null users(email, name)", migration.NotNull{Columns: migration.Columns{Table: name("users"), Columns: []string{"email", "name"}}}, ""},
		{`not-null "order items"."unit price"`, migration.NotNull{Columns: migration.Columns{Table: name("order items"), Columns: []string{"unit price"}}}, ""},
		{"not-null `order items`.`unit price`", migration.NotNull{Columns: migration.Columns{Table: name("order items"), Columns: []string{"unit price"}}}, `not-null "order items"."unit price"`},
		{`not-null "we""ird".c`, migration.NotNull{Columns: migration.Columns{Table: name(`we"ird`), Columns: []string{"c"}}}, ""},
		{`not-null "users".email`, migration.NotNull{Columns: migration.Columns{Table: name("users"), Columns: []string{"email"}}}, "not-null users.email"},
		{"not-null Users.Émail", migration.NotNull{Columns: migration.Columns{Table: name("Users"), Columns: []string{"Émail"}}}, ""},
		{"not-null my-table.c", migration.NotNull{Columns: migration.Columns{Table: name("my-table"), Columns: []string{"c"}}}, `not-null "my-table".c`},
		{"exists table app.users", migration.Exists{Object: migration.ObjectTable, Name: name("app", "users")}, ""},
		{"exists column users.email", migration.Exists{Object: migration.ObjectColumn, Name: name("users", "email")}, ""},
		{"exists INDEX users_email_idx", migration.Exists{Object: migration.ObjectIndex, Name: name("users_email_idx")}, "exists index users_email_idx"},
		{"exists index app.idx ON app.users", migration.Exists{Object: migration.ObjectIndex, Name: name("app", "idx"), Table: name("app", "users")}, "exists index app.idx on app.users"},
		{"exists constraint orders_user_fk on orders", migration.Exists{Object: migration.ObjectConstraint, Name: name("orders_user_fk"), Table: name("orders")}, ""},
		{"exists index on on on", migration.Exists{Object: migration.ObjectIndex, Name: name("on"), Table: name("on")}, ""},
	}
	for _, tt := range tests {
		got, err := migration.ParseHelper(tt.in)
		if err != nil {
			t.Errorf("ParseHelper(%q): %v", tt.in, err)
			continue
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("ParseHelper(%q) = %#v, want %#v", tt.in, got, tt.want)
		}
		want := tt.text
		if want == "" {
			want = tt.in
		}
		if got.String() != want {
			t.Errorf("ParseHelper(%q).String() = %q, want %q", tt.in, got.String(), want)
		}
	}
	if h, err := migration.ParseHelper("  \t "); h != nil || err != nil {
		t.Errorf("ParseHelper of blanks = %v, %v; want a plain check", h, err)
	}
}

func TestParseHelperErrors(t *testing.T) {
	tests := []struct{ in, want string }{
		{"rows-eq a b", `unknown check helper "rows-eq" (known: rows-equal, no-orphans, not-null, exists)`},
		{"(a)", "a check's marker line names a helper"},
		{"rows-equal a", `rows-equal: expected a second table, found the end of the line: write two tables`},
		{"rows-equal a b c", `rows-equal: unexpected "c" after the tables`},
		{"rows-equal a.b.c d", "rows-equal: a table a.b.c has 3 parts: at most 2"},
		{"rows-equal a b tolerance=x", `tolerance: expected a number of rows or a percentage, found "x"`},
		{"rows-equal a b tolerance=-1", `unexpected '-'`},
		{"rows-equal a b tolerance=101%", "a percentage is from 0 to 100"},
		{"rows-equal a b tolerance=100.5%", "a percentage is from 0 to 100"},
		{"rows-equal a b tolerance=0.12345%", "at most 4 decimals"},
		{"rows-equal a b tolerance=1.5", "a number of rows is a whole number"},
		{"rows-equal a b tolerance=99999999999999999999", "a number of rows is a whole number"},
		{"rows-equal a b tolerance", `unexpected "tolerance" after the tables`},
		{"no-orphans orders.user_id users.id", `expected "->" after orders.user_id, found "users"`},
		{"no-orphans orders -> users.id", "the child's column orders names no column"},
		{"no-orphans o(a, b) -> u.id", "o(a, b) has 2 columns and u.id 1: they pair up one to one"},
		{"no-orphans o.a ->", "expected the parent's column, found the end of the line"},
		{"not-null users", "not-null: a column users names no column"},
		{"not-null a.b.c.d", "has 4 parts: at most 3"},
		{"not-null a.b.c(d)", "table a.b.c has 3 parts: at most 2"},
		{"not-null users(email", `expected "," or ")" in the columns of users`},
		{"not-null users()", "expected a column of users, found \")\""},
		{"not-null users.email extra", `not-null: unexpected "extra" after "not-null users.email"`},
		{`not-null "a.b".c`, `quoted name "a.b" holds a dot`},
		{`not-null "abc.c`, "unterminated quoted name"},
		{`not-null "".c`, "empty quoted name"},
		{"not-null 1a.b", "cannot start with a digit unless quoted"},
		{"not-null users.email;", `unexpected ';'`},
		{"exists view v", "unknown kind \"view\""},
		{"exists index", "exists: index: expected a name, found the end of the line"},
		{"exists index i on", "expected a table, found the end of the line"},
		{"exists column users(a, b)", "exists column names one column"},
		{"exists column users", "names no column"},
		{"exists", "expected table, column, index or constraint"},
		{"not-null \xff", "not valid UTF-8"},
	}
	for _, tt := range tests {
		h, err := migration.ParseHelper(tt.in)
		if err == nil {
			t.Errorf("ParseHelper(%q) = %v, want an error", tt.in, h)
			continue
		}
		if !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ParseHelper(%q): %v\nwant it to contain %q", tt.in, err, tt.want)
		}
	}
}

// FuzzParseHelper checks that the marker-line parser never panics, and
// that a helper's canonical line reads back as the same helper.
func FuzzParseHelper(f *testing.F) {
	for _, s := range []string{
		"rows-equal old_users users tolerance=0.5%", "no-orphans a(x, y) -> b(x, y)", `not-null "a b"."c"`,
		"exists index i on s.t", "exists column s.t.c", "not-null `x``y`.z", "rows-equal a b tolerance=12", "->", `""`, "K",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		h, err := migration.ParseHelper(s)
		if err != nil || h == nil {
			return
		}
		again, err := migration.ParseHelper(h.String())
		if err != nil {
			t.Fatalf("%q reads as %q, which does not read back: %v", s, h.String(), err)
		}
		if !reflect.DeepEqual(h, again) {
			t.Fatalf("%q reads as %#v; its line %q as %#v", s, h, h.String(), again)
		}
	})
}

// oldChecksum is the checksum of a migration as tide computed it before
// checks existed.
func oldChecksum(m migration.Migration) string {
	h := sha256.New()
	if m.NoTransaction {
		h.Write([]byte("no-transaction\n"))
	}
	for _, s := range m.Up {
		h.Write([]byte(s.SQL + "\x00"))
	}
	if m.Reversible {
		h.Write([]byte{1})
		for _, s := range m.Down {
			h.Write([]byte(s.SQL + "\x00"))
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

func compileOne(t *testing.T, up string, checks []migration.CheckSection) migration.Migration {
	t.Helper()
	down := migration.Section{Path: "1_a.sql", Line: 9, SQL: "DROP TABLE a;\n"}
	f := migration.File{Version: migration.MustParseVersion("1"), Name: "a", Path: "1_a.sql",
		Up: migration.Section{Path: "1_a.sql", Line: 2, SQL: up}, Down: &down, Checks: checks}
	set, err := migration.Compile([]migration.File{f}, sqlite.New())
	if err != nil {
		t.Fatal(err)
	}
	return set.Versioned()[0]
}

// TestChecksum checks that checks count in the checksum, as written (a
// helper canonically, a query by its text), and that a migration without
// checks keeps the checksum it had before.
func TestChecksum(t *testing.T) {
	up := "CREATE TABLE a (id INTEGER);\nINSERT INTO a VALUES (1);\n"
	plain := migration.Migration{Up: []migration.Statement{{SQL: "CREATE TABLE a (id INTEGER)"}}, Reversible: true, Down: []migration.Statement{{SQL: "DROP TABLE a"}}}
	if got, want := migration.Checksum(plain), oldChecksum(plain); got != want {
		t.Errorf("the checksum of a migration without checks changed: %s, was %s", got, want)
	}
	without := compileOne(t, up, nil)
	if without.Checksum != oldChecksum(without) {
		t.Errorf("compiled without checks: checksum %s, was %s", without.Checksum, oldChecksum(without))
	}
	helper := func(s string) migration.Helper {
		h, err := migration.ParseHelper(s)
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	section := func(h string, sql string) migration.CheckSection {
		cs := migration.CheckSection{Section: migration.Section{Path: "1_a.sql", Line: 6, SQL: sql}, Marker: 5}
		if h != "" {
			cs.Helper = helper(h)
		}
		return cs
	}
	sums := map[string]string{}
	for name, checks := range map[string][]migration.CheckSection{
		"helper":        {section("rows-equal a b", "")},
		"helper, tol 5": {section("rows-equal a b tolerance=5", "")},
		"query":         {section("", "SELECT id FROM a WHERE id IS NULL;\n")},
		"query edited":  {section("", "SELECT id FROM a WHERE id < 0;\n")},
		"two":           {section("rows-equal a b", ""), section("", "SELECT id FROM a WHERE id IS NULL;\n")},
	} {
		m := compileOne(t, up, checks)
		if m.Checksum == without.Checksum {
			t.Errorf("%s: the checks do not count in the checksum", name)
		}
		for other, sum := range sums {
			if sum == m.Checksum {
				t.Errorf("%s and %s have the same checksum", name, other)
			}
		}
		sums[name] = m.Checksum
	}
	same := map[string][]migration.CheckSection{
		"helper": {section("ROWS-EQUAL  a  b tolerance=0", "-- a comment\n")},
		"query":  {section("", "-- why\n\nSELECT id FROM a WHERE id IS NULL;\n\n-- done\n")},
	}
	for name, checks := range same {
		if m := compileOne(t, up, checks); m.Checksum != sums[name] {
			t.Errorf("%s: a helper's spelling or a comment changed the checksum", name)
		}
	}
}
