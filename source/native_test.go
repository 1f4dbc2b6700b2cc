package source

import (
	"errors"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/tidemigrate/tide/migration"
)

func TestParseNative(t *testing.T) {
	content := "-- a header comment\n-- +tide no-transaction\n-- +TIDE Up\nCREATE INDEX CONCURRENTLY i ON t (c);\n\n-- +tide down\nDROP INDEX i;\n"
	m, err := ParseNative("20261122093000_add_index.sql", []byte(content))
	if err != nil {
		t.Fatal(err)
	}
	if m.Version.String() != "20261122093000" || m.Name != "add_index" || !m.NoTransaction {
		t.Fatalf("parsed %+v", m)
	}
	if m.Up.Line != 4 || !strings.HasPrefix(m.Up.SQL, "CREATE INDEX") {
		t.Fatalf("up section %+v", m.Up)
	}
	if m.Down == nil || m.Down.Line != 7 || m.Down.SQL != "DROP INDEX i;\n" {
		t.Fatalf("down section %+v", m.Down)
	}
	crlf, err := ParseNative("20261122093000_add_index.sql", []byte(strings.ReplaceAll(content, "\n", "\r\n")))
	if err != nil || crlf.Up.SQL != m.Up.SQL || crlf.Down.SQL != m.Down.SQL {
		t.Fatalf("CRLF file differs: %v", err)
	}
}

func TestParseNativeErrors(t *testing.T) {
	tests := []struct {
		name, file, content, want string
		line                      int
	}{
		{"no up", "1_x.sql", "-- +tide down\nDROP TABLE t;\n", "no \"-- +tide up\" section", 0},
		{"empty file", "1_x.sql", "", "no \"-- +tide up\" section", 0},
		{"bad name", "x.sql", "-- +tide up\n", "file name must be", 0},
		{"zero version", "0_x.sql", "-- +tide up\n", "versions start at 1", 0},
		{"sql before up", "1_x.sql", "CREATE TABLE t (id int);\n-- +tide up\n", "SQL before the first", 1},
		{"two ups", "1_x.sql", "-- +tide up\nSELECT 1;\n-- +tide up\n", "second \"-- +tide up\" section (the first is at line 1)", 3},
		{"unknown marker", "1_x.sql", "-- +tide up\n-- +tide upp\n", "unknown marker", 2},
		{"late no-transaction", "1_x.sql", "-- +tide up\nSELECT 1;\n-- +tide no-transaction\n", "must come before", 3},
		{"words after up", "1_x.sql", "-- +tide up now\n", "unexpected words", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseNative(tt.file, []byte(tt.content))
			var pe *migration.ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v, want a *ParseError", err)
			}
			if !strings.Contains(pe.Msg, tt.want) || pe.Line != tt.line || pe.Path != tt.file {
				t.Fatalf("error %q (line %d), want %q at line %d", err, pe.Line, tt.want, tt.line)
			}
		})
	}
}

func TestNativeRead(t *testing.T) {
	fsys := fstest.MapFS{
		"2_b.sql":        {Data: []byte("-- +tide up\nSELECT 2;\n")},
		"10_c.sql":       {Data: []byte("-- +tide up\nSELECT 10;\n")},
		"1_a.sql":        {Data: []byte("-- +tide up\nSELECT 1;\n")},
		"README.md":      {Data: []byte("not a migration")},
		"sub/3_x.sql":    {Data: []byte("ignored: subdirectory")},
		"notes.SQL.orig": {Data: []byte("ignored")},
	}
	migs, err := Native.Read(fsys)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range migs {
		got = append(got, m.Version.String())
	}
	if strings.Join(got, ",") != "1,2,10" {
		t.Fatalf("read versions %v, want 1,2,10", got)
	}
}

func TestNativeDottedVersions(t *testing.T) {
	tests := []struct {
		file, version, name, err string
	}{
		{file: "1.2.10_search.sql", version: "1.2.10", name: "search"},
		{file: "1.26_x.sql", version: "1.26", name: "x"},
		{file: "001.02_x.sql", version: "1.2", name: "x"},
		{file: "1.0_x.sql", version: "1", name: "x"},
		{file: "1_2_x.sql", version: "1", name: "2_x"}, // "_" ends the version
		{file: "0.1_x.sql", version: "0.1", name: "x"},
		{file: "0.0_x.sql", err: "versions start at 1"},
		{file: "1..2_x.sql", err: "file name must be"},
		{file: "1._x.sql", err: "file name must be"},
		{file: ".1_x.sql", err: "file name must be"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			m, err := ParseNative(tt.file, []byte("-- +tide up\nSELECT 1;\n"))
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) || !strings.Contains(err.Error(), tt.file) {
					t.Fatalf("ParseNative = %+v, %v; want an error naming the file and %q", m, err, tt.err)
				}
				return
			}
			if err != nil || m.Version.String() != tt.version || m.Name != tt.name {
				t.Fatalf("ParseNative = version %q name %q, %v; want %q %q", m.Version, m.Name, err, tt.version, tt.name)
			}
		})
	}

	// Ordered segment by segment, mixed with integer versions.
	fsys := fstest.MapFS{
		"2_c.sql":      {Data: []byte("-- +tide up\nSELECT 1;\n")},
		"1.2.10_b.sql": {Data: []byte("-- +tide up\nSELECT 1;\n")},
		"1.2.9_a.sql":  {Data: []byte("-- +tide up\nSELECT 1;\n")},
		"1.10_d.sql":   {Data: []byte("-- +tide up\nSELECT 1;\n")},
	}
	migs, err := Native.Read(fsys)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range migs {
		got = append(got, m.Version.String())
	}
	if strings.Join(got, ",") != "1.2.9,1.2.10,1.10,2" {
		t.Fatalf("read versions %v, want 1.2.9,1.2.10,1.10,2", got)
	}
	if f, err := Detect(fsys); err != nil || f.Name() != "native" {
		t.Fatalf("Detect = %v, %v; want native", f, err)
	}

	// The same version written twice is a duplicate.
	_, err = Native.Read(fstest.MapFS{
		"1.2_a.sql":   {Data: []byte("-- +tide up\nSELECT 1;\n")},
		"1.2.0_b.sql": {Data: []byte("-- +tide up\nSELECT 1;\n")},
	})
	if err == nil || !strings.Contains(err.Error(), "version 1.2 is also used by") {
		t.Fatalf("Read = %v, want a duplicate version", err)
	}
}

func TestNativeReadReportsEveryProblem(t *testing.T) {
	fsys := fstest.MapFS{
		"1_a.sql":   {Data: []byte("-- +tide up\nSELECT 1;\n")},
		"01_b.sql":  {Data: []byte("-- +tide up\nSELECT 1;\n")},
		"2_c.sql":   {Data: []byte("SELECT 2;\n")},
		"oops.sql":  {Data: []byte("-- +tide up\n")},
		"3_ok.sql":  {Data: []byte("-- +tide up\nSELECT 3;\n")},
		"4_bad.sql": {Data: []byte("-- +tide up\n-- +tide sideways\n")},
	}
	_, err := Native.Read(fsys)
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{"version 1 is also used by", "2_c.sql:1:", "oops.sql: file name", "4_bad.sql:2: unknown marker"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
}

func TestParseMarker(t *testing.T) {
	tests := []struct {
		line, prefix string
		ok           bool
		name         string
		args         []string
	}{
		{"-- +tide up", "+tide", true, "up", nil},
		{"  --+TIDE   Down  ", "+tide", true, "down", nil},
		{"-- +tidey up", "+tide", false, "", nil},
		{"-- +tide", "+tide", false, "", nil},
		{"-- migrate:up transaction:false", "migrate:", true, "up", []string{"transaction:false"}},
		{"-- +goose StatementBegin", "+goose", true, "statementbegin", nil},
		{"SELECT 1; -- +tide up", "+tide", false, "", nil},
	}
	for _, tt := range tests {
		m, ok := ParseMarker(tt.line, tt.prefix)
		if ok != tt.ok || m.Name != tt.name || strings.Join(m.Args, " ") != strings.Join(tt.args, " ") {
			t.Errorf("ParseMarker(%q, %q) = %+v, %v", tt.line, tt.prefix, m, ok)
		}
	}
	m, _ := ParseMarker("-- migrate:up transaction:false", "migrate:")
	if v, ok := m.Option("Transaction"); !ok || v != "false" {
		t.Errorf("Option(transaction) = %q, %v", v, ok)
	}
}

func FuzzParseNative(f *testing.F) {
	f.Add("-- +tide up\nSELECT 1;\n-- +tide down\nSELECT 2;\n")
	f.Add("-- +tide no-transaction\n-- +tide up\r\nCREATE INDEX CONCURRENTLY i ON t (c);\r\n")
	f.Add("\uFEFF-- +tide up\n-- +tide down\n-- +tide up\n")
	f.Add("-- +tide up\nSELECT 1;\n-- +tide check rows-equal a b tolerance=1%\n--  +TIDE CHECK\nSELECT 1 WHERE 0;\n-- +tide down\n")
	f.Add("-- +tide up\n-- +tide check\t not-null \"a b\".c\n-- +tide check\u212a x\n")
	f.Fuzz(func(t *testing.T, content string) {
		m, err := ParseNative("1_fuzz.sql", []byte(content))
		if err != nil {
			var pe *migration.ParseError
			if !errors.As(err, &pe) || pe.Path != "1_fuzz.sql" {
				t.Fatalf("error %v is not a *migration.ParseError naming the file", err)
			}
			return
		}
		lines := strings.Count(Normalize(content), "\n") + 2
		if m.Up.Line < 1 || m.Up.Line > lines || !strings.Contains(Normalize(content), m.Up.SQL) {
			t.Fatalf("up section %+v out of the file", m.Up)
		}
		for _, c := range m.Checks {
			if c.Marker < m.Up.Line || c.Line != c.Marker+1 || c.Line > lines || !strings.Contains(Normalize(content), c.SQL) {
				t.Fatalf("check section %+v out of the file", c)
			}
		}
		if want := sectionLines(Normalize(content), m.Up.Line); m.Up.SQL != want {
			t.Fatalf("up section SQL %q, want the lines from %d to the next marker: %q", m.Up.SQL, m.Up.Line, want)
		}
		if m.Down != nil {
			if want := sectionLines(Normalize(content), m.Down.Line); m.Down.SQL != want {
				t.Fatalf("down section SQL %q, want %q", m.Down.SQL, want)
			}
		}
	})
}

// sectionLines joins the lines of text from line first (1-based) up to
// the next native marker line.
func sectionLines(text string, first int) string {
	var b strings.Builder
	for i, line := range strings.SplitAfter(text, "\n") {
		if i+1 < first {
			continue
		}
		if _, ok := ParseMarker(line, NativePrefix); ok {
			break
		}
		b.WriteString(line)
	}
	return b.String()
}

// nativeNameSpec is the rule that splitNativeName implements.
var nativeNameSpec = regexp.MustCompile(`^([0-9]+(?:\.[0-9]+)*)_(.+)\.[sS][qQ][lL]$`)

func FuzzSplitNativeName(f *testing.F) {
	for _, name := range []string{"1_a.sql", "20261122093000_add_users.SQL", "1.2.10_x.y.sql", "1._a.sql", ".1_a.sql",
		"1.._a.sql", "1_.sql", "_a.sql", "1_a\nb.sql", "1_a.sq", "1__.sql", "12_a_b.Sql", "1.2_", "x1_a.sql", "1_\xff.sql"} {
		f.Add(name)
	}
	f.Fuzz(func(t *testing.T, base string) {
		v, name, ok := splitNativeName(base)
		m := nativeNameSpec.FindStringSubmatch(base)
		if ok != (m != nil) || ok && (v != m[1] || name != m[2]) {
			t.Fatalf("splitNativeName(%q) = %q, %q, %v; the rule gives %q", base, v, name, ok, m)
		}
	})
}

func TestDirectoryNamedLikeMigration(t *testing.T) {
	fsys := fstest.MapFS{
		"1_a.sql":         {Data: []byte("-- +tide up\nSELECT 1;\n")},
		"2_b.sql/x.txt":   {Data: []byte("oops")},
		"notes/readme.md": {Data: []byte("fine")},
	}
	_, err := Native.Read(fsys)
	if err == nil || !strings.Contains(err.Error(), "2_b.sql: a directory named like a migration file") {
		t.Fatalf("Read = %v, want the directory 2_b.sql named", err)
	}
}
