package tide

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/tidemigrate/tide/dialect"
)

// heldLock is the migration lock while a run holds it.
type heldLock interface {
	// fence checks, inside the migration's transaction, that the lock is
	// still held; a table lease is renewed there too. nil for session locks.
	fence(ctx context.Context, q dialect.Querier) error
	// fenceTx fences q, a transaction, and marks it open until done is
	// called: while it is open, the lease row is locked by it and the
	// transaction itself renews the lease before it commits.
	fenceTx(ctx context.Context, tx dialect.Querier) (done func(), err error)
	release(ctx context.Context) error
}

// sessionLock is a database session lock held on a pinned connection.
type sessionLock struct {
	unlock func(context.Context) error
}

func (sessionLock) fence(context.Context, dialect.Querier) error { return nil }
func (sessionLock) fenceTx(context.Context, dialect.Querier) (func(), error) {
	return func() {}, nil
}
func (l sessionLock) release(ctx context.Context) error { return l.unlock(ctx) }

// lease is the table lock: one row per version table naming its owner and
// the time its lease expires, by the database's clock. A heartbeat renews it
// every third of the TTL; a migrator that dies stops renewing, and another
// takes the lease over once it expires.
type lease struct {
	db     *sql.DB
	d      dialect.Dialect
	table  string // unquoted
	quoted string
	name   string // the version table it guards
	owner  string
	ttl    time.Duration

	stop    context.CancelFunc
	mu      sync.Mutex
	renewed time.Time // last successful renewal, by the local clock
	openTx  int       // fenced transactions open: they hold the lease row
	cancel  context.CancelCauseFunc
}

func newLease(db *sql.DB, d dialect.Dialect, versionTable string, ttl time.Duration) *lease {
	table := versionTable + "_lock"
	return &lease{db: db, d: d, table: table, quoted: d.QuoteIdent(table), name: versionTable, owner: ownerID(), ttl: ttl}
}

// ownerID names this process uniquely: host, pid and a random suffix.
func ownerID() string {
	host, _ := os.Hostname()
	return fmt.Sprintf("%s:%d:%s", host, os.Getpid(), strconv.FormatUint(rand.Uint64(), 36))
}

func (l *lease) ph(n int) string { return l.d.Placeholder(n) }

// prepare creates the lease table and its row if they are missing.
func (l *lease) prepare(ctx context.Context) error {
	if err := createTable(ctx, l.d, l.db, l.table, l.d.CreateLeaseTable(l.quoted)); err != nil {
		return err
	}
	var n int
	if err := l.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+l.quoted+` WHERE name = `+l.ph(1), l.name).Scan(&n); err == nil && n > 0 {
		return nil
	}
	_, err := l.db.ExecContext(ctx, `INSERT INTO `+l.quoted+` (name, owner, expires_at, acquired_at) VALUES (`+l.ph(1)+`, '', 0, 0)`, l.name)
	if err != nil {
		// A concurrent migrator inserted it first: fine if the row is there.
		var n int
		if qerr := l.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+l.quoted+` WHERE name = `+l.ph(1), l.name).Scan(&n); qerr != nil || n == 0 {
			return fmt.Errorf("create lease row in %s: %w", l.table, err)
		}
	}
	return nil
}

// acquire takes the lease, waiting at most wait. It returns a context that
// is cancelled with ErrLockLost if the lease cannot be renewed.
func (l *lease) acquire(ctx context.Context, wait time.Duration, waiting func(holder string)) (context.Context, error) {
	if err := l.prepare(ctx); err != nil {
		return nil, err
	}
	ttl := l.ttl.Milliseconds()
	now := l.d.NowMillis()
	take := `UPDATE ` + l.quoted + ` SET owner = ` + l.ph(1) + `, expires_at = ` + now + ` + ` + fmt.Sprint(ttl) +
		`, acquired_at = ` + now + ` WHERE name = ` + l.ph(2) + ` AND (owner = '' OR expires_at < ` + now + `)`
	deadline := time.Now().Add(wait)
	announced := false
	for {
		holder, held := l.holder(ctx)
		if !held {
			got, err := l.try(ctx, take, deadline)
			if err != nil {
				return nil, err
			}
			if got {
				break
			}
		}
		if !announced && waiting != nil {
			waiting(holder)
			announced = true
		}
		if !time.Now().Before(deadline) {
			return nil, fmt.Errorf("%w: waited %s; the lease in %s is held by %s", ErrLockTimeout, wait, l.table, holder)
		}
		pause := min(l.ttl/10, time.Second) + rand.N(100*time.Millisecond)
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(min(pause, time.Until(deadline)+time.Millisecond)):
		}
	}
	l.renewed = time.Now()
	runCtx, cancel := context.WithCancelCause(ctx)
	hbCtx, stop := context.WithCancel(context.WithoutCancel(ctx))
	l.cancel, l.stop = cancel, stop
	go l.heartbeat(hbCtx)
	return runCtx, nil
}

// try makes one attempt to take the lease. A database too busy to answer
// before the deadline (SQLite while another migrator's transaction holds
// the write lock) counts as a lease held by another.
func (l *lease) try(ctx context.Context, take string, deadline time.Time) (bool, error) {
	attemptCtx, cancel := context.WithDeadline(ctx, deadline.Add(50*time.Millisecond))
	defer cancel()
	res, err := l.db.ExecContext(attemptCtx, take, l.owner, l.name)
	if err != nil {
		if ctx.Err() != nil {
			return false, ctx.Err()
		}
		if attemptCtx.Err() != nil || isBusy(l.d, err) {
			return false, nil
		}
		return false, fmt.Errorf("take lease in %s: %w", l.table, err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// isBusy reports whether err says the database was locked by another
// connection (SQLite's SQLITE_BUSY), as the dialect tells.
func isBusy(d dialect.Dialect, err error) bool {
	b, ok := d.(dialect.BusyDetector)
	return ok && b.IsBusy(err)
}

// holder describes the current owner of the lease and when it expires, and
// reports whether it is held. Reading first keeps waiters from queueing as
// writers behind a migration (SQLite) and makes the wait cheap.
func (l *lease) holder(ctx context.Context) (string, bool) {
	var owner string
	var left int64
	err := l.db.QueryRowContext(ctx, `SELECT owner, expires_at - `+l.d.NowMillis()+` FROM `+l.quoted+` WHERE name = `+l.ph(1), l.name).Scan(&owner, &left)
	if err != nil || owner == "" {
		return "another migrator", false
	}
	if left < 0 {
		return fmt.Sprintf("%s (lease expired %s ago)", owner, (time.Duration(-left) * time.Millisecond).Round(time.Millisecond)), false
	}
	return fmt.Sprintf("%s (lease expires in %s unless renewed)", owner, (time.Duration(left) * time.Millisecond).Round(time.Millisecond)), true
}

// renew extends the lease if this migrator still owns it.
func (l *lease) renew(ctx context.Context, q dialect.Querier) error {
	res, err := q.ExecContext(ctx, `UPDATE `+l.quoted+` SET expires_at = `+l.d.NowMillis()+` + `+fmt.Sprint(l.ttl.Milliseconds())+
		` WHERE name = `+l.ph(1)+` AND owner = `+l.ph(2), l.name, l.owner)
	if err != nil {
		return fmt.Errorf("renew lease in %s: %w", l.table, err)
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return nil
	}
	// MySQL reports 0 for an update that changed nothing: ask who owns it.
	var owner string
	if err := q.QueryRowContext(ctx, `SELECT owner FROM `+l.quoted+` WHERE name = `+l.ph(1), l.name).Scan(&owner); err != nil {
		return fmt.Errorf("renew lease in %s: %w", l.table, err)
	}
	if owner != l.owner {
		return fmt.Errorf("%w: %s now holds it", ErrLockLost, owner)
	}
	return nil
}

func (l *lease) heartbeat(ctx context.Context) {
	t := time.NewTicker(l.ttl / 3)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		l.mu.Lock()
		if l.openTx > 0 {
			// A migration's transaction holds the lease row locked (and, on
			// SQLite, the database): nobody can take the lease over, and a
			// renewal from here would only wait for that transaction. It
			// renews the lease itself before it commits.
			l.renewed = time.Now()
			l.mu.Unlock()
			continue
		}
		l.mu.Unlock()
		err := l.renew(ctx, l.db)
		l.mu.Lock()
		switch {
		case err == nil:
			l.renewed = time.Now()
		case errors.Is(err, ErrLockLost):
			l.cancel(err)
		case time.Since(l.renewed) > l.ttl*2/3:
			// Renewals keep failing: another migrator may take the lease
			// over before long. Stop before that can happen.
			l.cancel(fmt.Errorf("%w: could not renew it for %s: %v", ErrLockLost, time.Since(l.renewed).Round(time.Millisecond), err))
		}
		l.mu.Unlock()
	}
}

func (l *lease) fence(ctx context.Context, q dialect.Querier) error {
	return l.renew(ctx, q)
}

func (l *lease) fenceTx(ctx context.Context, tx dialect.Querier) (func(), error) {
	if err := l.renew(ctx, tx); err != nil {
		return nil, err
	}
	l.mu.Lock()
	l.openTx++
	l.mu.Unlock()
	return func() {
		l.mu.Lock()
		l.openTx--
		l.renewed = time.Now()
		l.mu.Unlock()
	}, nil
}

// release stops the heartbeat and frees the lease if this migrator still
// owns it.
func (l *lease) release(ctx context.Context) error {
	// The heartbeat may be waiting on a busy database: do not wait for it.
	// A renewal that lands after the release finds another owner and fails.
	l.stop()
	l.cancel(nil)
	_, err := l.db.ExecContext(ctx, `UPDATE `+l.quoted+` SET owner = '', expires_at = 0 WHERE name = `+l.ph(1)+` AND owner = `+l.ph(2), l.name, l.owner)
	if err != nil {
		return fmt.Errorf("release lease in %s: %w", l.table, err)
	}
	return nil
}
