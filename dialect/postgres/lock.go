package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/tidemigrate/tide/dialect"
)

// lockClass is the first key of tide's advisory locks: "tide" in ASCII.
const lockClass = 0x74696465

// lockKey is the second key: a hash of the schema-qualified key, so that
// tenants in different schemas of one database migrate independently.
const lockKey = `hashtext(CASE WHEN strpos($1, '.') > 0 THEN $1 ELSE current_schema() || '.' || $1 END)`

// LockSession takes a session advisory lock on conn, waiting at most wait
// (through lock_timeout, so waiters queue fairly in the server).
func (Dialect) LockSession(ctx context.Context, conn *sql.Conn, key string, wait time.Duration, waiting func()) (func(context.Context) error, error) {
	unlock := func(ctx context.Context) error {
		var ok bool
		err := conn.QueryRowContext(ctx, `SELECT pg_advisory_unlock(`+strconv.Itoa(lockClass)+`, `+lockKey+`)`, key).Scan(&ok)
		if err != nil {
			return fmt.Errorf("release advisory lock: %w", err)
		}
		if !ok {
			return errors.New("release advisory lock: the lock was not held")
		}
		return nil
	}
	var got bool
	err := conn.QueryRowContext(ctx, `SELECT pg_try_advisory_lock(`+strconv.Itoa(lockClass)+`, `+lockKey+`)`, key).Scan(&got)
	if err != nil {
		return nil, fmt.Errorf("take advisory lock: %w", err)
	}
	if got {
		return unlock, nil
	}
	if waiting != nil {
		waiting()
	}
	restore, err := setSetting(ctx, conn, "lock_timeout", strconv.FormatInt(max(wait.Milliseconds(), 1), 10)+"ms")
	if err != nil {
		return nil, err
	}
	_, err = conn.ExecContext(ctx, `SELECT pg_advisory_lock(`+strconv.Itoa(lockClass)+`, `+lockKey+`)`, key)
	if rerr := restore(context.WithoutCancel(ctx)); rerr != nil && err == nil {
		_ = unlock(context.WithoutCancel(ctx))
		return nil, rerr
	}
	if err != nil {
		if sqlState(err) == "55P03" { // lock_not_available
			return nil, dialect.ErrLockTimeout
		}
		return nil, fmt.Errorf("wait for advisory lock: %w", err)
	}
	return unlock, nil
}

// sqlState returns the SQLSTATE of a PostgreSQL error from any driver that
// exposes it (pgx and lib/pq both do), or "".
func sqlState(err error) string {
	var e interface{ SQLState() string }
	if errors.As(err, &e) {
		return e.SQLState()
	}
	return ""
}
