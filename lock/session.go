package lock

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"

	"github.com/tidemigrate/tide/dialect"
)

// sessionLock is a database session lock held on a pinned connection.
type sessionLock struct {
	conn   *sql.Conn
	unlock func(context.Context) error
}

func (sessionLock) fence(context.Context, dialect.Querier) error { return nil }

func (sessionLock) fenceTx(context.Context, dialect.Querier) (func(), error) {
	return func() {}, nil
}

// release frees the lock. When the session cannot run the unlock (a run
// interrupted mid-statement can leave it in an aborted transaction, or
// closed), the session itself is ended: the server frees its locks then,
// and a connection still holding one never goes back to the pool.
func (s sessionLock) release(ctx context.Context) error {
	err := s.unlock(ctx)
	if err == nil {
		return nil
	}
	discard := s.conn.Raw(func(any) error { return driver.ErrBadConn })
	if errors.Is(discard, driver.ErrBadConn) || errors.Is(discard, sql.ErrConnDone) {
		return nil // the session is gone, and its locks with it
	}
	return fmt.Errorf("%w; ending the session also failed: %v", err, discard)
}

// anotherSession stands for a holder the dialect cannot name.
const anotherSession = "another session"

// lockSession takes the session lock of key on conn, naming its holder
// while waiting and in the timeout error where the dialect can.
func lockSession(ctx context.Context, locker dialect.SessionLocker, d dialect.Dialect, conn *sql.Conn, key string, opts Options) (sessionLock, error) {
	finder, _ := d.(dialect.LockHolderFinder)
	// name asks conn, idle at that point, who holds the lock.
	name := func() string {
		if finder == nil {
			return ""
		}
		holder, err := finder.SessionLockHolder(ctx, conn, key)
		if err != nil {
			return ""
		}
		return holder
	}
	holder := anotherSession
	unlock, acquired, err := locker.LockSession(ctx, conn, key, opts.Wait, func() {
		if h := name(); h != "" {
			holder = h
		}
		opts.Events.Emit(ctx, Waiting{Key: key, Holder: holder})
	})
	if err != nil {
		if ctx.Err() != nil {
			return sessionLock{}, ctx.Err()
		}
		return sessionLock{}, fmt.Errorf("lock %q: %w", key, err)
	}
	if !acquired {
		// Name whoever holds it now: the holder may have changed during
		// the wait.
		if h := name(); h != "" {
			holder = h
		}
		return sessionLock{}, fmt.Errorf("%w: %q is held by %s (session lock); waited %s", ErrTimeout, key, holder, opts.Wait)
	}
	return sessionLock{conn: conn, unlock: unlock}, nil
}
