package mysql

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/tidemigrate/tide/dialect"
)

// lockName derives a GET_LOCK name (at most 64 characters) from the current
// database and key, so that databases on one server migrate independently.
const lockName = `CONCAT('tide:', SHA1(CONCAT(COALESCE(DATABASE(), ''), '.', ?)))`

// LockSession takes a GET_LOCK lock on conn, waiting at most wait (rounded up
// to whole seconds).
func (Dialect) LockSession(ctx context.Context, conn *sql.Conn, key string, wait time.Duration, waiting func()) (func(context.Context) error, error) {
	unlock := func(ctx context.Context) error {
		var released sql.NullInt64
		if err := conn.QueryRowContext(ctx, `SELECT RELEASE_LOCK(`+lockName+`)`, key).Scan(&released); err != nil {
			return fmt.Errorf("release lock: %w", err)
		}
		if released.Int64 != 1 {
			return errors.New("release lock: the lock was not held by this session")
		}
		return nil
	}
	var free sql.NullInt64
	if err := conn.QueryRowContext(ctx, `SELECT IS_FREE_LOCK(`+lockName+`)`, key).Scan(&free); err != nil {
		return nil, fmt.Errorf("check lock: %w", err)
	}
	if free.Int64 != 1 && waiting != nil {
		waiting()
	}
	secs := max(int64((wait+time.Second-1)/time.Second), 0)
	var got sql.NullInt64
	err := conn.QueryRowContext(ctx, `SELECT GET_LOCK(`+lockName+`, `+strconv.FormatInt(secs, 10)+`)`, key).Scan(&got)
	switch {
	case err != nil:
		return nil, fmt.Errorf("take lock: %w", err)
	case !got.Valid:
		return nil, errors.New("take lock: GET_LOCK returned NULL (the server reported an error)")
	case got.Int64 == 0:
		return nil, dialect.ErrLockTimeout
	}
	return unlock, nil
}
