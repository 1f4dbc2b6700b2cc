package sqlite

import (
	"database/sql/driver"
	"testing"
	"time"
)

func sumOf(t *testing.T, rows ...[]driver.Value) string {
	t.Helper()
	var s RowSum
	for _, r := range rows {
		if err := s.Add(r); err != nil {
			t.Fatal(err)
		}
	}
	return s.Value()
}

func TestRowSum(t *testing.T) {
	a := []driver.Value{int64(1), "ann", nil, 1.5, []byte{0, 1}, true, time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC)}
	b := []driver.Value{int64(2), "bob", "x", -0.0, []byte{}, false, int64(-1)}
	// Backups recorded this sum: a change of the hash needs a new method.
	if got, want := sumOf(t, a, b), "3386906808389308819"; got != want {
		t.Errorf("sum %s, want %s (the hash changed: give it a new method name)", got, want)
	}
	if sumOf(t, a, b) != sumOf(t, b, a) {
		t.Error("the order of the rows changed the sum")
	}
	if sumOf(t) != "0" {
		t.Errorf("no rows sum to %s", sumOf(t))
	}
	for _, pair := range [][2][]driver.Value{
		{{int64(1)}, {1.0}},
		{{int64(1)}, {"1"}},
		{{"1"}, {[]byte("1")}},
		{{nil}, {""}},
		{{"ab", "c"}, {"a", "bc"}},
		{{"a"}, {"a", nil}},
	} {
		if sumOf(t, pair[0]) == sumOf(t, pair[1]) {
			t.Errorf("%#v and %#v sum alike", pair[0], pair[1])
		}
	}
	// Sums of negative hashes carry into the high word.
	many := make([][]driver.Value, 1000)
	for i := range many {
		many[i] = []driver.Value{int64(i)}
	}
	if got := sumOf(t, many...); got == "0" || len(got) < 19 {
		t.Errorf("1000 rows sum to %s", got)
	}
	var s RowSum
	if err := s.Add([]driver.Value{struct{}{}}); err == nil {
		t.Error("a value of an unknown type was accepted")
	}
}

func BenchmarkRowSum(b *testing.B) {
	row := []driver.Value{int64(123456), "name 123456", "user123456@example.com", float64(185184), "2026-01-02 10:17:36", int64(0)}
	var s RowSum
	for b.Loop() {
		_ = s.Add(row)
	}
}
