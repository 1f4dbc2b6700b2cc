package lock

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/tidemigrate/tide/dialect"
)

// Held is a lock while it is held, from [Acquire] until [Held.Release].
// It is safe for concurrent use.
type Held struct {
	key    string
	mode   Mode
	ctx    context.Context
	cancel context.CancelCauseFunc
	impl   held

	once       sync.Once
	releaseErr error
}

// held is what a session lock and a lease do differently.
type held interface {
	// fence checks, inside the caller's transaction, that the lock is
	// still held; a lease is renewed there too. nil for session locks.
	fence(ctx context.Context, q dialect.Querier) error
	// fenceTx fences tx and marks it open until done is called: while it
	// is open, the lease row is locked by it and the transaction itself
	// renews the lease before it commits.
	fenceTx(ctx context.Context, tx dialect.Querier) (done func(), err error)
	release(ctx context.Context) error
}

// Acquire takes the lock named key, waiting at most opts.Wait for another
// holder to release it, and returns it held. Callers that hold the same
// key exclude each other, in this process or others; different keys are
// independent.
//
// A session lock ([Session], or [Auto] where the dialect d implements
// [dialect.SessionLocker]) belongs to conn, a connection pinned for the
// whole run: run the work on it, release before closing it. The dialect
// derives the lock from key and the current database (MySQL) or schema
// (PostgreSQL, where a key holding a dot counts as schema-qualified), so
// that tenants in different schemas lock independently. A lease
// ([Table], or [Auto] elsewhere) is a row named key in opts.Table, written
// through db, which also runs the heartbeat (so db needs a connection
// besides conn); conn may be nil then. key is at most 255 characters.
//
// While waiting it reports [Waiting] once, naming the holder, and when it
// has the lock, [Acquired]. When the wait expires it returns an error
// wrapping [ErrTimeout] that names the holder and the wait. When ctx is
// cancelled it returns ctx's error. Other errors come from the database.
func Acquire(ctx context.Context, d dialect.Dialect, db *sql.DB, conn *sql.Conn, key string, opts Options) (*Held, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	if d == nil {
		return nil, errors.New("lock: Acquire needs a dialect")
	}
	if key == "" {
		return nil, errors.New("lock: the key is empty")
	}
	mode := opts.Mode
	locker, hasSession := d.(dialect.SessionLocker)
	switch {
	case mode == Auto && hasSession:
		mode = Session
	case mode == Auto:
		mode = Table
	case mode == Session && !hasSession:
		return nil, fmt.Errorf("lock: %s has no session locks: use a lease (Mode Table)", d.Name())
	}
	start := time.Now()
	h := &Held{key: key, mode: mode}
	switch mode {
	case Session:
		if conn == nil {
			return nil, fmt.Errorf("lock %q: a session lock needs a pinned connection", key)
		}
		s, err := lockSession(ctx, locker, d, conn, key, opts)
		if err != nil {
			return nil, err
		}
		h.ctx, h.cancel = context.WithCancelCause(ctx)
		h.impl = s
	default:
		if db == nil {
			return nil, fmt.Errorf("lock %q: a lease needs a database", key)
		}
		l := newLease(db, d, opts.Table, key, opts.TTL)
		runCtx, cancel, err := l.acquire(ctx, opts.Wait, func(holder string) {
			opts.Events.Emit(ctx, Waiting{Key: key, Holder: holder})
		})
		if err != nil {
			return nil, err
		}
		h.ctx, h.cancel = runCtx, cancel
		h.impl = l
	}
	opts.Events.Emit(ctx, Acquired{Key: key, Waited: time.Since(start)})
	return h, nil
}

// Key returns the key the lock was acquired for.
func (h *Held) Key() string { return h.key }

// Mode returns the kind of lock held: [Session] or [Table], never [Auto].
func (h *Held) Mode() Mode { return h.mode }

// Context returns the context to run the work under: Acquire's ctx,
// cancelled also by [Held.Release] and, for a lease, when the lease is
// lost or cannot be renewed, with a cause wrapping [ErrLost]
// (context.Cause). A session lock cannot be lost while its session lives.
func (h *Held) Context() context.Context { return h.ctx }

// Fence checks, on q, that the lock is still held, and renews a lease.
// Call it inside each transaction that must commit only while the lock is
// held, as its last statement before commit, so that a long transaction
// does not commit under a lease that already ran out; and on the pinned
// connection before each step that runs outside a transaction. For a
// lease owned by another holder now it returns an error wrapping
// [ErrLost]; a session lock needs no fence, and Fence returns nil.
func (h *Held) Fence(ctx context.Context, q dialect.Querier) error {
	return h.impl.fence(ctx, q)
}

// FenceTx fences tx, a transaction just begun, as [Held.Fence] does, and
// marks it open until done is called, once the transaction has committed
// or rolled back (further calls of done do nothing). While it is open, tx
// holds the lease row locked (and, on SQLite, the database), so nobody can
// take the lease over: the heartbeat skips its renewals instead of waiting
// behind tx, and tx must renew the lease itself with [Held.Fence] as its
// last statement before it commits. For a session lock done does nothing.
func (h *Held) FenceTx(ctx context.Context, tx dialect.Querier) (done func(), err error) {
	return h.impl.fenceTx(ctx, tx)
}

// Release cancels [Held.Context] and frees the lock: a session lock on
// its connection, a lease by stopping its heartbeat and clearing its row
// if this holder still owns it. It runs on context.WithoutCancel(ctx), so
// it cleans up after a cancelled run. Stop whatever reacts to the
// cancellation of Context before calling it. Calls after the first return
// the first's result.
func (h *Held) Release(ctx context.Context) error {
	h.once.Do(func() {
		h.cancel(nil)
		if err := h.impl.release(context.WithoutCancel(ctx)); err != nil {
			h.releaseErr = fmt.Errorf("lock %q: %w", h.key, err)
		}
	})
	return h.releaseErr
}
