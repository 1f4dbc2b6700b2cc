package source

import (
	"errors"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/tidemigrate/tide/dialect/sqlite"
	"github.com/tidemigrate/tide/migration"
)

const checkedFile = `-- +tide up
INSERT INTO users SELECT * FROM old_users;

-- +tide check rows-equal old_users users
-- +tide check
-- no user without an email
SELECT id FROM users WHERE email IS NULL;
SELECT COUNT(*) = 0 FROM users WHERE id < 0;
-- +TIDE Check  not-null users(email, name)

-- +tide down
DELETE FROM users;
`

func TestNativeChecks(t *testing.T) {
	f, err := ParseNative("3_copy.sql", []byte(checkedFile))
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Checks) != 3 {
		t.Fatalf("%d check sections, want 3", len(f.Checks))
	}
	if c := f.Checks[0]; c.Marker != 4 || c.Helper == nil || c.Helper.String() != "rows-equal old_users users" {
		t.Errorf("first section %+v", c)
	}
	if c := f.Checks[1]; c.Marker != 5 || c.Helper != nil || c.Line != 6 {
		t.Errorf("second section %+v", c)
	}
	if f.Up.SQL != "INSERT INTO users SELECT * FROM old_users;\n\n" {
		t.Errorf("up section %q: the check sections end it", f.Up.SQL)
	}
	if f.Down == nil || f.Down.SQL != "DELETE FROM users;\n" {
		t.Errorf("down section %+v", f.Down)
	}
	set, err := migration.Compile([]migration.File{f}, sqlite.New())
	if err != nil {
		t.Fatal(err)
	}
	m := set.Versioned()[0]
	var got []string
	for _, c := range m.Checks {
		got = append(got, c.Path+":"+strconv.Itoa(c.Line)+" "+c.String())
	}
	want := []string{
		"3_copy.sql:4 rows-equal old_users users",
		"3_copy.sql:7 SELECT id FROM users WHERE email IS NULL",
		"3_copy.sql:8 SELECT COUNT(*) = 0 FROM users WHERE id < 0",
		"3_copy.sql:9 not-null users(email, name)",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("checks:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if len(m.Up) != 1 || len(m.Down) != 1 {
		t.Errorf("statements up %d, down %d: checks are not statements", len(m.Up), len(m.Down))
	}
}

func TestNativeCheckErrors(t *testing.T) {
	tests := []struct{ name, content, want string }{
		{"before up", "-- +tide check\nSELECT 1;\n-- +tide up\nSELECT 1;\n",
			`3_x.sql:1: "-- +tide check" before the up section`},
		{"after down", "-- +tide up\nSELECT 1;\n-- +tide down\nSELECT 2;\n-- +tide check not-null a.b\n",
			`3_x.sql:5: "-- +tide check" after "-- +tide down": checks belong to the up direction`},
		{"bad helper", "-- +tide up\nSELECT 1;\n\n-- +tide check rows-equal a\n",
			`3_x.sql:4: -- +tide check rows-equal: expected a second table`},
		{"unknown helper", "-- +tide up\nSELECT 1;\n-- +tide check unique users.email\n",
			`3_x.sql:3: -- +tide check unknown check helper "unique"`},
		{"SQL below a helper", "-- +tide up\nSELECT 1;\n-- +tide check not-null a.b\n-- why\nSELECT 1;\n",
			`3_x.sql:5: SQL below the check "not-null a.b" of line 3, which writes its own query`},
		{"empty", "-- +tide up\nSELECT 1;\n-- +tide check\n-- nothing\n-- +tide down\nSELECT 2;\n",
			`3_x.sql:3: empty check section`},
		{"not a query", "-- +tide up\nSELECT 1;\n-- +tide check\nSELECT 1 WHERE 1 = 0;\nUPDATE a SET b = 1;\n",
			`3_x.sql:5: "UPDATE a SET b = 1" in a check section is not a query`},
		{"unterminated", "-- +tide up\nSELECT 1;\n-- +tide check\nSELECT 'oops;\n",
			`3_x.sql:4: unterminated`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := migration.Load(fstest.MapFS{"3_x.sql": {Data: []byte(tt.content)}}, sqlite.New(), Native)
			var pe *migration.ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("Load = %v, want a *migration.ParseError", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q\nwant it to contain %q", err, tt.want)
			}
		})
	}
}

// TestNativeChecksQueries checks the queries a plain check section takes.
func TestNativeChecksQueries(t *testing.T) {
	for _, q := range []string{
		"SELECT 1 WHERE 1 = 0", "with x AS (SELECT 1 AS a) SELECT a FROM x WHERE a > 1", "VALUES (true)",
		"/* why */ (SELECT 1 WHERE 1 = 0) UNION (SELECT 2 WHERE 1 = 0)", "-- why\nTABLE empty_table",
	} {
		content := "-- +tide up\nSELECT 1;\n-- +tide check\n" + q + ";\n"
		if _, err := migration.Load(fstest.MapFS{"1_x.sql": {Data: []byte(content)}}, sqlite.New(), Native); err != nil {
			t.Errorf("%q: %v", q, err)
		}
	}
}

func TestNativeRepeatableChecks(t *testing.T) {
	f, err := ParseNative("R__view.sql", []byte("-- +tide up\nCREATE VIEW v AS SELECT 1 AS a;\n-- +tide check exists table v\n"))
	if err != nil {
		t.Fatal(err)
	}
	if !f.Repeatable || len(f.Checks) != 1 {
		t.Errorf("repeatable %v, %d checks", f.Repeatable, len(f.Checks))
	}
}

// TestWriteChecks checks that a native folder with checks converts to
// native unchanged, and that other formats refuse it.
func TestWriteChecks(t *testing.T) {
	f, err := ParseNative("3_copy.sql", []byte(checkedFile))
	if err != nil {
		t.Fatal(err)
	}
	files, err := Native.(Writer).Files([]migration.File{f})
	if err != nil {
		t.Fatal(err)
	}
	back, err := ParseNative("3_copy.sql", files["3_copy.sql"])
	if err != nil {
		t.Fatalf("%v\n%s", err, files["3_copy.sql"])
	}
	a, err := migration.Compile([]migration.File{f}, sqlite.New())
	if err != nil {
		t.Fatal(err)
	}
	b, err := migration.Compile([]migration.File{back}, sqlite.New())
	if err != nil {
		t.Fatal(err)
	}
	if a.Versioned()[0].Checksum != b.Versioned()[0].Checksum {
		t.Errorf("converted to native, the checksum changed:\n%s", files["3_copy.sql"])
	}
	for _, format := range []Format{Goose, GolangMigrate, Dbmate, Flyway, Prisma} {
		_, err := Write(t.TempDir(), format, []migration.File{f})
		if err == nil || !strings.Contains(err.Error(), "it has data checks (-- +tide check), which "+format.Name()+" cannot hold") {
			t.Errorf("%s: Write = %v, want a refusal naming the checks", format.Name(), err)
		}
	}
}
