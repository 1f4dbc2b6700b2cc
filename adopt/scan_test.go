package adopt

import (
	"testing"
	"time"
)

func TestAsTime(t *testing.T) {
	t.Parallel()
	kolkata := time.FixedZone("IST", 5*3600+1800)
	cases := []struct {
		in   any
		want time.Time // zero: NULL
	}{
		{nil, time.Time{}},
		{time.Date(2024, 1, 2, 8, 34, 5, 0, kolkata), t1},
		{time.Time{}, time.Time{}},
		{int64(1704164645), t1},                // seconds
		{int64(1704164645250), t1.Add(ms)},     // JavaScript milliseconds (knex on SQLite)
		{int64(1704164645250000), t1.Add(ms)},  // microseconds
		{float64(1704164645.25), t1.Add(ms)},   // a REAL
		{[]byte("1704164645"), t1},             // MySQL UNIX_TIMESTAMP of a TIMESTAMP
		{[]byte("1704164645.250"), t1.Add(ms)}, // of a DATETIME(3)
		{"1704164645.123456", t1.Add(123456 * time.Microsecond)},
		{"0", time.Time{}}, // MySQL's zero date
		{"0.000", time.Time{}},
		{"2024-01-02 03:04:05", t1},              // SQLite datetime('now')
		{"2024-01-02 03:04:05.250", t1.Add(ms)},  // SQLite strftime('%Y-%m-%d %H:%M:%f')
		{"2024-01-02T03:04:05.250Z", t1.Add(ms)}, // RFC 3339
		{"2024-01-02T08:34:05+05:30", t1},        // with an offset
		{"2024-01-02 08:34:05.25+05:30", t1.Add(ms)},
		{"2024-01-02 03:04:05+00", t1},        // PostgreSQL text
		{"2024-01-02 03:04:05 +0000 UTC", t1}, // Go's time.Time.String
		{"2024-01-02", time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC)},
	}
	for _, c := range cases {
		got, ok, err := asTime(c.in)
		if err != nil {
			t.Errorf("asTime(%#v): %v", c.in, err)
			continue
		}
		if ok != !c.want.IsZero() || !got.Equal(c.want) || (ok && got.Location() != time.UTC) {
			t.Errorf("asTime(%#v) = %v, %v; want %v", c.in, got, ok, c.want)
		}
	}
	for _, bad := range []any{"yesterday", []byte("2024-13-45"), true} {
		if got, _, err := asTime(bad); err == nil {
			t.Errorf("asTime(%#v) = %v, want an error", bad, got)
		}
	}
}

func TestAsBool(t *testing.T) {
	t.Parallel()
	for in, want := range map[any]bool{
		true: true, false: false, nil: false,
		int64(1): true, int64(0): false, float64(1): true,
		"t": true, "f": false, "TRUE": true, "false": false, "1": true, "0": false,
	} {
		if got, err := asBool(in); err != nil || got != want {
			t.Errorf("asBool(%#v) = %v, %v; want %v", in, got, err, want)
		}
	}
	if got, err := asBool([]byte("1")); err != nil || !got {
		t.Errorf("asBool([]byte(1)) = %v, %v", got, err)
	}
	if _, err := asBool("maybe"); err == nil {
		t.Error("asBool(maybe) returned no error")
	}
}

func TestAsInt(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		in   any
		want int64
		ok   bool
	}{
		{int64(-98765), -98765, true},
		{[]byte("20240103120000"), 20240103120000, true},
		{"42", 42, true},
		{float64(7), 7, true},
		{uint64(9), 9, true},
		{nil, 0, false},
	} {
		got, ok, err := asInt(c.in)
		if err != nil || got != c.want || ok != c.ok {
			t.Errorf("asInt(%#v) = %v, %v, %v; want %v, %v", c.in, got, ok, err, c.want, c.ok)
		}
	}
	for _, bad := range []any{"x", float64(1.5), uint64(1 << 63)} {
		if _, _, err := asInt(bad); err == nil {
			t.Errorf("asInt(%#v) returned no error", bad)
		}
	}
}

func TestLeadingVersion(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"20240101120000_init":           "20240101120000",
		"20240101120000-create-user.js": "20240101120000",
		"007_x":                         "7",
		"initial-seed.js":               "",
		"000_zero":                      "",
		"":                              "",
	} {
		if got := leadingVersion(in).String(); got != want {
			t.Errorf("leadingVersion(%q) = %q, want %q", in, got, want)
		}
	}
}
