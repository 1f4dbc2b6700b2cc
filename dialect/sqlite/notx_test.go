package sqlite_test

import (
	"testing"

	"github.com/tidemigrate/tide/dialect/sqlite"
)

func TestNeedsNoTransaction(t *testing.T) {
	d := sqlite.New()
	for stmt, want := range map[string]bool{
		"VACUUM":                   true,
		"vacuum into 'x.db'":       true,
		"-- c\n/* d */ Vacuum":     true,
		"INSERT INTO t VALUES (1)": false,
		"SELECT 'VACUUM'":          false,
		"":                         false,
	} {
		if got := d.NeedsNoTransaction(stmt); got != want {
			t.Errorf("NeedsNoTransaction(%q) = %v, want %v", stmt, got, want)
		}
	}
}
