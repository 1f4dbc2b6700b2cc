// Package dialecttest is the conformance suite that every tide dialect
// passes: one set of behaviours (apply, revert, atomicity, resumption,
// drift, ordering, locking under races, cancellation) run against a real
// database of each kind. Each case gets its own fresh database, so cases
// run in parallel.
package dialecttest

import (
	"database/sql"
	"testing"

	"github.com/tidemigrate/tide/dialect"
)

// Database is a fresh, empty database for one test case.
type Database struct {
	DB      *sql.DB
	Dialect dialect.Dialect
	// Open opens another connection pool on the same database, as another
	// process would; it is closed when the test ends.
	Open func(t testing.TB) *sql.DB
}

// Run runs the whole suite. newDB must return a fresh database for each
// call and drop it when its test ends.
func Run(t *testing.T, newDB func(t *testing.T) Database) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			c.run(t, newDB(t))
		})
	}
}

type testCase struct {
	name string
	run  func(t *testing.T, db Database)
}
