package lock

import (
	"errors"
	"fmt"
	"time"

	"github.com/tidemigrate/tide/event"
)

// Mode chooses the kind of lock.
type Mode int

const (
	// Auto takes the database's session lock where its dialect has one
	// (PostgreSQL advisory locks, MySQL GET_LOCK) and a lease otherwise
	// (SQLite). It is the default.
	Auto Mode = iota
	// Session requires the database's session lock, held by the pinned
	// connection. Acquire fails on a dialect without one.
	Session
	// Table takes a lease: a row in a table, renewed by a heartbeat and
	// taken over by another once it expires. Use it where session state
	// does not hold, as behind PgBouncer in transaction mode.
	Table
)

// String returns "auto", "session" or "table".
func (m Mode) String() string {
	switch m {
	case Auto:
		return "auto"
	case Session:
		return "session"
	case Table:
		return "table"
	}
	return fmt.Sprintf("Mode(%d)", int(m))
}

// Defaults and limits of [Options].
const (
	DefaultWait  = 5 * time.Minute
	DefaultTTL   = 30 * time.Second
	DefaultTable = "tide_locks"
	// MinTTL is the shortest lease TTL: the heartbeat renews every third
	// of it, and each renewal is a round trip to the database.
	MinTTL = 300 * time.Millisecond
)

// Options configure one [Acquire]. Start from [DefaultOptions]: the zero
// value has no wait and no lease TTL.
type Options struct {
	// Mode chooses the kind of lock (default [Auto]).
	Mode Mode
	// Wait bounds how long Acquire waits for another holder to release
	// the lock before it fails with [ErrTimeout] (default 5 minutes). Zero
	// makes one attempt. A session lock waits in whole seconds on MySQL.
	Wait time.Duration
	// TTL is how long a lease lives without a renewal (default 30 seconds,
	// at least [MinTTL]): a holder that dies is taken over after it. The
	// heartbeat renews every third of it; a holder whose renewals fail for
	// two thirds of it cancels its run with [ErrLost]. Leases only.
	TTL time.Duration
	// Table is the lease table (default "tide_locks", "schema.table"
	// allowed), created when missing; each key is one row, named by the
	// key. The migration lock uses "<version table>_lock". Leases only.
	Table string
	// Events receives [Waiting] and [Acquired]; its zero value drops them.
	Events event.Emitter
}

// DefaultOptions returns the options with every default filled in.
func DefaultOptions() Options {
	return Options{Mode: Auto, Wait: DefaultWait, TTL: DefaultTTL, Table: DefaultTable}
}

// Validate reports options that cannot work: an unknown mode, a negative
// wait, and, unless Mode is [Session], a TTL below [MinTTL] or no table.
func (o Options) Validate() error {
	var errs []error
	if o.Mode < Auto || o.Mode > Table {
		errs = append(errs, fmt.Errorf("lock: unknown mode %d", int(o.Mode)))
	}
	if o.Wait < 0 {
		errs = append(errs, fmt.Errorf("lock: wait %s is negative", o.Wait))
	}
	if o.Mode != Session {
		if o.TTL < MinTTL {
			errs = append(errs, fmt.Errorf("lock: lease TTL %s is too short (minimum %s)", o.TTL, MinTTL))
		}
		if o.Table == "" {
			errs = append(errs, errors.New("lock: lease table name is empty"))
		}
	}
	return errors.Join(errs...)
}
