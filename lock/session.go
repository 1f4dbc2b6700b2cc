package lock

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/tidemigrate/tide/dialect"
)

// sessionLock is a database session lock held on a pinned connection.
type sessionLock struct {
	unlock func(context.Context) error
}

func (sessionLock) fence(context.Context, dialect.Querier) error { return nil }

func (sessionLock) fenceTx(context.Context, dialect.Querier) (func(), error) {
	return func() {}, nil
}

func (s sessionLock) release(ctx context.Context) error { return s.unlock(ctx) }

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
	return sessionLock{unlock: unlock}, nil
}
