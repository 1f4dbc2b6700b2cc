// Package modernc registers tide's SQL functions with the SQLite driver
// modernc.org/sqlite: [sqlite.ChecksumFunction], with which tide's
// backups checksum rows. Call [Register] before the first connection to
// the database opens (before sql.Open, or at least before its first use):
// the driver gives functions only to the connections it opens afterwards.
// The tide command line does it for its own connections.
package modernc

import (
	"database/sql/driver"
	"errors"
	"sync"

	msqlite "modernc.org/sqlite"

	"github.com/tidemigrate/tide/dialect/sqlite"
)

var registered = sync.OnceValue(func() error {
	return msqlite.RegisterFunction(sqlite.ChecksumFunction, &msqlite.FunctionImpl{
		NArgs:         -1,
		Deterministic: true,
		VolatileArgs:  true, // RowSum.Add reads the values and keeps none
		MakeAggregate: func(msqlite.FunctionContext) (msqlite.AggregateFunction, error) {
			return &checksum{}, nil
		},
	})
})

// Register registers tide's functions with the driver modernc.org/sqlite
// registers as "sqlite". It is safe to call many times and from many
// goroutines; only the first call registers.
func Register() error { return registered() }

// checksum is one invocation of the aggregate.
type checksum struct{ sum sqlite.RowSum }

func (c *checksum) Step(_ *msqlite.FunctionContext, row []driver.Value) error { return c.sum.Add(row) }

func (c *checksum) WindowInverse(*msqlite.FunctionContext, []driver.Value) error {
	return errNoWindow
}

func (c *checksum) WindowValue(*msqlite.FunctionContext) (driver.Value, error) {
	return c.sum.Value(), nil
}

func (c *checksum) Final(*msqlite.FunctionContext) {}

// errNoWindow refuses the aggregate as a window function over a moving
// frame, which backups never ask for.
var errNoWindow = errors.New(sqlite.ChecksumFunction + " cannot be a window function over a moving frame")
