package tide

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"time"

	"github.com/tidemigrate/tide/event"
	"github.com/tidemigrate/tide/lock"
	"github.com/tidemigrate/tide/migration"
)

// Option configures a [Migrator]. Options validate their input: New
// returns the first error.
type Option func(*config) error

// LockMode chooses how migrators exclude each other; see [lock.Mode].
type LockMode = lock.Mode

const (
	// LockAuto uses the database's session lock where it has one
	// (PostgreSQL advisory locks, MySQL GET_LOCK) and the table lease
	// otherwise (SQLite). It is the default.
	LockAuto = lock.Auto
	// LockSession requires the database's session lock.
	LockSession = lock.Session
	// LockTable uses a lease row in a table, renewed by a heartbeat and
	// taken over when it expires. Use it where session state does not hold,
	// as behind PgBouncer in transaction mode.
	LockTable = lock.Table
)

// Defaults of the options.
const (
	DefaultTable       = "tide_migrations"
	DefaultLockWait    = lock.DefaultWait
	DefaultLeaseTTL    = lock.DefaultTTL
	DefaultLockTimeout = 200 * time.Millisecond
	// DefaultLockRetries is how many times a statement (or a migration's
	// transaction) is tried when it times out waiting for a table lock.
	DefaultLockRetries = 10
	// DefaultLockRetryBudget bounds the time spent on those tries.
	DefaultLockRetryBudget = 2 * time.Minute
)

type config struct {
	table           string
	format          migration.Reader
	set             *migration.Set
	lockMode        LockMode
	lockWait        time.Duration
	leaseTTL        time.Duration
	lockTimeout     time.Duration
	singleTx        bool
	lockRetries     int
	lockRetryBudget time.Duration
	allowOutOfOrder bool
	partialRevert   bool
	goMigrations    []GoMigration
	events          event.Emitter
	appliedBy       string
	appliedHost     string

	// ignoreOtherHistory lets Up run where another tool's history table
	// is and tide's is not.
	ignoreOtherHistory bool
	// backups copies tables before up sections run (WithBackups).
	backups Backuper
}

// WithTable names the version table (default "tide_migrations"). A name
// "schema.table" puts it in another schema. The table lock uses the table
// named after it with the suffix "_lock".
func WithTable(name string) Option {
	return func(c *config) error {
		if name == "" {
			return errors.New("table name is empty")
		}
		c.table = name
		return nil
	}
}

// WithFormat reads the migrations with format instead of tide's native
// format ([source.Native]).
func WithFormat(f migration.Reader) Option {
	return func(c *config) error {
		if f == nil {
			return errors.New("format is nil")
		}
		c.format = f
		return nil
	}
}

// WithLockMode chooses how migrators exclude each other (default
// [LockAuto]).
func WithLockMode(mode LockMode) Option {
	return func(c *config) error {
		if mode < LockAuto || mode > LockTable {
			return fmt.Errorf("unknown lock mode %d", mode)
		}
		c.lockMode = mode
		return nil
	}
}

// WithLockWait bounds how long a migrator waits for another to release the
// lock (default 5 minutes) before it fails with [ErrLockTimeout].
func WithLockWait(d time.Duration) Option {
	return func(c *config) error {
		if d < 0 {
			return fmt.Errorf("lock wait %s is negative", d)
		}
		c.lockWait = d
		return nil
	}
}

// WithLeaseTTL sets how long a table lease lives without a heartbeat
// (default 30 seconds): a migrator killed while holding it is taken over
// after this time. Heartbeats renew it every third of it.
func WithLeaseTTL(d time.Duration) Option {
	return func(c *config) error {
		if d < lock.MinTTL {
			return fmt.Errorf("lease TTL %s is too short (minimum %s)", d, lock.MinTTL)
		}
		c.leaseTTL = d
		return nil
	}
}

// WithLockTimeout bounds how long each migration statement waits for a
// table lock (default 200ms), so that DDL queued behind a long query gives
// up before the application's queries pile up behind it; tide then tries
// again (see [WithLockRetries]). PostgreSQL keeps it as lock_timeout. On
// MySQL, whose lock_wait_timeout counts whole seconds, tide sets that
// rounded up and, for a timeout that is not whole seconds, watches each
// statement run alone (DDL) and stops it once it has waited for a lock
// that long. Zero leaves the server's setting.
func WithLockTimeout(d time.Duration) Option {
	return func(c *config) error {
		if d < 0 {
			return fmt.Errorf("lock timeout %s is negative", d)
		}
		c.lockTimeout = d
		return nil
	}
}

// WithLockRetries sets how many times a statement that timed out waiting
// for a table lock is tried (the whole transaction, for a migration that
// runs in one), with jittered back-off between tries, and how long all
// the tries may take (defaults [DefaultLockRetries] and
// [DefaultLockRetryBudget]). attempts 1 tries once.
func WithLockRetries(attempts int, budget time.Duration) Option {
	return func(c *config) error {
		if attempts < 1 {
			return fmt.Errorf("lock retries: %d attempts (at least 1)", attempts)
		}
		if budget < 0 {
			return fmt.Errorf("lock retry budget %s is negative", budget)
		}
		c.lockRetries, c.lockRetryBudget = attempts, budget
		return nil
	}
}

// WithSingleTransaction makes Up apply every pending migration, with
// their records, in one transaction: the whole deploy or nothing
// (PostgreSQL, SQLite). It is refused, before anything runs, on MySQL
// (DDL commits implicitly) and for a plan holding a no-transaction or a
// partially applied migration, with an error wrapping
// [ErrSingleTransaction]. It is also the fastest way to apply many
// migrations: one commit instead of one per migration.
func WithSingleTransaction(single bool) Option {
	return func(c *config) error {
		c.singleTx = single
		return nil
	}
}

// WithAllowOutOfOrder lets Up apply pending migrations older than the
// newest applied one (default false: they are refused).
func WithAllowOutOfOrder(allow bool) Option {
	return func(c *config) error {
		c.allowOutOfOrder = allow
		return nil
	}
}

// WithPartialRevert lets Down revert a migration that a failed
// statement-by-statement run left partially applied (MySQL DDL,
// no-transaction migrations), when its down section mirrors its up
// section: as many statements, down statement n-1-i undoing up statement
// i. Down then runs only the undos of the statements that took effect,
// newest first. Without it (the default) Down refuses a partial migration:
// complete it with Up, then revert it.
func WithPartialRevert(allow bool) Option {
	return func(c *config) error {
		c.partialRevert = allow
		return nil
	}
}

// WithIgnoreOtherHistory lets Up and UpTo run on a database that has
// another migration tool's history table and no tide version table yet
// (default false: they return an [*OtherHistoryError], since tide would
// apply again every migration that tool applied). Pass it when the other
// tool's table is a leftover, or its migrations are not tide's.
func WithIgnoreOtherHistory(ignore bool) Option {
	return func(c *config) error {
		c.ignoreOtherHistory = ignore
		return nil
	}
}

// WithGoMigrations registers migrations written in Go. They run in version
// order among the SQL migrations; their versions must not collide with
// the files'.
func WithGoMigrations(migs ...GoMigration) Option {
	return func(c *config) error {
		for _, m := range migs {
			if m.Version.IsZero() {
				return fmt.Errorf("Go migration %q has no version", m.Name)
			}
			if m.Up == nil {
				return fmt.Errorf("Go migration %s %q has no Up function", m.Version, m.Name)
			}
		}
		c.goMigrations = append(c.goMigrations, migs...)
		return nil
	}
}

// WithObserver registers fn to receive every [Event]. fn is called from the
// goroutine running the operation and must not block for long.
func WithObserver(fn func(Event)) Option {
	return func(c *config) error {
		c.events.Observer = fn
		return nil
	}
}

// WithLogger logs every event to l at debug level (info for migrations
// done, warn for failures). The library is otherwise silent.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error {
		c.events.Logger = l
		return nil
	}
}

// WithAppliedBy records user and host in the version table as who applied
// each migration (default: the operating-system user and the host name).
func WithAppliedBy(user, host string) Option {
	return func(c *config) error {
		c.appliedBy, c.appliedHost = user, host
		return nil
	}
}

// WithMigrations runs the migrations of set, loaded once with
// [migration.Load] and shared (by tenants, say), instead of reading the
// fs.FS given to [New], which must then be nil.
func WithMigrations(set *migration.Set) Option {
	return func(c *config) error {
		if set == nil {
			return errors.New("migration set is nil")
		}
		c.set = set
		return nil
	}
}

// validate rejects a configuration with nothing to migrate, or with two.
func (c *config) validate(fsys fs.FS) error {
	switch {
	case fsys != nil && c.set != nil:
		return errors.New("both an fs.FS and a migration set (WithMigrations): give one")
	case fsys == nil && c.set == nil && len(c.goMigrations) == 0:
		return errors.New("no migrations: fs.FS is nil and no Go migrations are registered")
	}
	return nil
}
