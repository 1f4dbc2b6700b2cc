package check

import (
	"strings"
	"testing"
	"time"
)

func TestRender(t *testing.T) {
	long := strings.Repeat("é", 70)
	tests := []struct {
		v      any
		dbType string
		want   string
	}{
		{nil, "", "NULL"},
		{true, "BOOL", "true"},
		{int64(-7), "", "-7"},
		{3.5, "", "3.5"},
		{[]byte("42"), "BIGINT", "42"},
		{[]byte("12.50"), "DECIMAL", "12.50"},
		{[]byte("42"), "VARCHAR", `"42"`},
		{[]byte("hi"), "BLOB", "x'6869'"},
		{"NULL", "TEXT", `"NULL"`},
		{"a\x1b[31mred\n", "TEXT", `"a\x1b[31mred\n"`},
		{[]byte{0xff, 0x00, 0x01}, "BLOB", "x'ff0001'"},
		{[]byte(long), "TEXT", `"` + strings.Repeat("é", MaxValue) + `..." (140 bytes)`},
		{make([]byte, 40), "BYTEA", "x'" + strings.Repeat("00", MaxValue/2) + "...' (40 bytes)"},
		{time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), "TIMESTAMP", "2026-01-02T03:04:05Z"},
		{struct{ A int }{1}, "", `"{1}"`},
	}
	for _, tt := range tests {
		if got := render(tt.v, tt.dbType).String(); got != tt.want {
			t.Errorf("render(%#v, %q) = %s, want %s", tt.v, tt.dbType, got, tt.want)
		}
	}
}
