package history

import (
	"strings"
	"testing"
	"time"
)

// TestColumnDescription checks the rules that upgrades rely on.
func TestColumnDescription(t *testing.T) {
	if columns[0].Name != colVersion {
		t.Errorf("the first column is %s, want the key %s", columns[0].Name, colVersion)
	}
	seen := map[string]bool{}
	prev := 1
	for _, c := range columns {
		switch {
		case seen[c.Name]:
			t.Errorf("column %s described twice", c.Name)
		case c.Name != strings.ToLower(c.Name):
			t.Errorf("column %s: names are lower case", c.Name)
		case c.since < prev:
			t.Errorf("column %s (schema %d) after a column of schema %d: schema versions only add columns at the end", c.Name, c.since, prev)
		case c.since < 1 || c.since > SchemaVersion:
			t.Errorf("column %s: schema %d out of 1..%d", c.Name, c.since, SchemaVersion)
		case c.since > 1 && c.Default == "" && !c.Null:
			t.Errorf("column %s: added by an upgrade, it needs a default or NULL", c.Name)
		}
		seen[c.Name], prev = true, c.since
	}
	if prev != SchemaVersion {
		t.Errorf("the last column is of schema %d, want %d (SchemaVersion)", prev, SchemaVersion)
	}
}

func TestDecodeAdopted(t *testing.T) {
	for _, c := range []struct {
		in, tool, user string
		ok             bool
	}{
		{"goose (adopted by alice)", "goose", "alice", true},
		{"golang-migrate (adopted by )", "golang-migrate", "", true},
		{"flyway (adopted by bob (ops))", "flyway", "bob (ops)", true},
		{"alice", "", "", false},
		{" (adopted by alice)", "", "", false},
		{"goose (adopted by alice", "", "", false},
	} {
		tool, user, ok := decodeAdopted(c.in)
		if tool != c.tool || user != c.user || ok != c.ok {
			t.Errorf("decodeAdopted(%q) = %q, %q, %v; want %q, %q, %v", c.in, tool, user, ok, c.tool, c.user, c.ok)
		}
	}
}

func TestScanTime(t *testing.T) {
	want := time.Date(2026, 11, 22, 9, 30, 0, 123456000, time.UTC)
	for _, c := range []struct {
		in   any
		want time.Time
	}{
		{want.In(time.FixedZone("x", 3600)), want},
		{"2026-11-22 10:30:00.123456+01:00", want},
		{[]byte("2026-11-22 09:30:00.123456Z"), want},
		{"2026-11-22T09:30:00.123456Z", want},
		{"2026-11-22 09:30:00.123456", want},
		{"2026-11-22T09:30:00.123456", want},
		{nil, time.Time{}},
	} {
		got, err := scanTime(c.in)
		if err != nil || !got.Equal(c.want) || got.Location() != time.UTC {
			t.Errorf("scanTime(%v) = %v, %v; want %v in UTC", c.in, got, err, c.want)
		}
	}
	for _, in := range []any{"yesterday", 42} {
		if _, err := scanTime(in); err == nil {
			t.Errorf("scanTime(%v) succeeded", in)
		}
	}
}
