package source

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/tidemigrate/tide/dialect/sqlite"
	"github.com/tidemigrate/tide/migration"
)

func TestParseNativeBackup(t *testing.T) {
	tests := []struct {
		name, content string
		tables        []string
		none          bool
		line          int
	}{
		{"none", "-- +tide up\nDROP TABLE t;\n", nil, false, 0},
		{"tables", "-- +tide backup users orders\n-- +tide up\nDROP TABLE users;\n", []string{"users", "orders"}, false, 1},
		{"commas and lines add up", "-- note\n-- +tide backup users, app.orders\n-- +TIDE BACKUP \"Line Items\",`odd``name`\n-- +tide up\nSELECT 1;\n",
			[]string{"users", "app.orders", `"Line Items"`, "`odd``name`"}, false, 2},
		{"quoted with spaces is two words", "-- +tide backup [x] \"a\".\"b\"\n-- +tide up\nSELECT 1;\n", []string{"[x]", `"a"."b"`}, false, 1},
		{"off", "-- +tide backup none\n-- +tide no-transaction\n-- +tide up\nDROP TABLE t;\n", nil, true, 1},
		{"off, case", "-- +tide backup NONE\n-- +tide up\nDROP TABLE t;\n", nil, true, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := ParseNative("1_x.sql", []byte(tt.content))
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(f.Backup.Tables, tt.tables) || f.Backup.None != tt.none || f.Backup.Line != tt.line {
				t.Fatalf("backup %+v, want tables %q none %v line %d", f.Backup, tt.tables, tt.none, tt.line)
			}
			set, err := migration.Compile([]migration.File{f}, sqlite.New())
			if err != nil {
				t.Fatal(err)
			}
			if got := set.Versioned()[0].Backup; !slices.Equal(got.Tables, tt.tables) || got.None != tt.none {
				t.Fatalf("compiled backup %+v", got)
			}
		})
	}
	a, _ := ParseNative("1_x.sql", []byte("-- +tide up\nDROP TABLE t;\n"))
	b, _ := ParseNative("1_x.sql", []byte("-- +tide backup t\n-- +tide up\nDROP TABLE t;\n"))
	sa, _ := migration.Compile([]migration.File{a}, sqlite.New())
	sb, _ := migration.Compile([]migration.File{b}, sqlite.New())
	if sa.Versioned()[0].Checksum != sb.Versioned()[0].Checksum {
		t.Error("a backup marker changed the checksum: adding one to an applied migration would be drift")
	}
}

func TestParseNativeBackupErrors(t *testing.T) {
	tests := []struct {
		name, content, want string
		line                int
	}{
		{"no tables", "-- +tide backup\n-- +tide up\n", "needs the tables", 1},
		{"only commas", "-- +tide backup , ,\n-- +tide up\n", "needs the tables", 1},
		{"after up", "-- +tide up\nSELECT 1;\n-- +tide backup t\n", "must come before the up section", 3},
		{"none and tables", "-- +tide backup none\n-- +tide backup t\n-- +tide up\n", "also names tables to copy (t)", 2},
		{"three parts", "-- +tide backup a.b.c\n-- +tide up\n", `"a.b.c" is not a table name`, 1},
		{"punctuation", "-- +tide backup users;\n-- +tide up\n", `"users;" is not a table name`, 1},
		{"unterminated quote", "-- +tide backup \"users\n-- +tide up\n", "its quote \" is not closed", 1},
		{"empty quote", "-- +tide backup \"\"\n-- +tide up\n", "is not a table name", 1},
		{"digit first", "-- +tide backup 1users\n-- +tide up\n", "is not a table name", 1},
		{"trailing dot", "-- +tide backup users.\n-- +tide up\n", "is not a table name", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseNative("1_x.sql", []byte(tt.content))
			pe, ok := errors.AsType[*migration.ParseError](err)
			if !ok {
				t.Fatalf("error %v, want a *ParseError", err)
			}
			if !strings.Contains(pe.Msg, tt.want) || pe.Line != tt.line {
				t.Fatalf("error %q (line %d), want %q at line %d", err, pe.Line, tt.want, tt.line)
			}
		})
	}
}

func FuzzCheckTableName(f *testing.F) {
	for _, s := range []string{"users", "a.b", `"x y"."z"`, "`a``b`", "[x]", "a.b.c", "", ".", `"`, "é"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if checkTableName(s) == "" && s == "" {
			t.Fatal("the empty name was accepted")
		}
	})
}
