package lock

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tidemigrate/tide/dialect"
)

// leaseColumns are the columns of a lease table, one row per key:
//
//	name         the key
//	owner        who holds the lease (host:pid:random), "" when free
//	expires_at   when the lease expires, in ms since the Unix epoch by the database's clock
//	acquired_at  when the owner took it, likewise
var leaseColumns = []dialect.Column{
	{Name: "name", Type: dialect.KeyText},
	{Name: "owner", Type: dialect.ShortText},
	{Name: "expires_at", Type: dialect.BigInt},
	{Name: "acquired_at", Type: dialect.BigInt},
}

// lease is the table lock: one row per key naming its owner and the time
// its lease expires, by the database's clock. A heartbeat renews it every
// third of the TTL; a holder that dies stops renewing, and another takes
// the lease over once it expires.
type lease struct {
	db     *sql.DB
	d      dialect.Dialect
	table  string // unquoted
	quoted string
	name   string // the key: the row's name
	owner  string
	ttl    time.Duration
	// quoted column names
	cName, cOwner, cExpires, cAcquired string

	stop    context.CancelFunc
	mu      sync.Mutex
	renewed time.Time // last successful renewal, by the local clock
	openTx  int       // fenced transactions open: they hold the lease row
	// fenced maps each open fenced transaction to when it renewed the
	// lease: until it commits it holds the lease row locked.
	fenced map[dialect.Querier]time.Time
	cancel context.CancelCauseFunc
}

func newLease(db *sql.DB, d dialect.Dialect, table, key string, ttl time.Duration) *lease {
	return &lease{
		db: db, d: d, table: table, quoted: d.QuoteIdent(table), name: key, owner: ownerID(), ttl: ttl,
		cName: d.QuoteIdent("name"), cOwner: d.QuoteIdent("owner"),
		cExpires: d.QuoteIdent("expires_at"), cAcquired: d.QuoteIdent("acquired_at"),
	}
}

// ownerID names this process uniquely: host, pid and a random suffix.
func ownerID() string {
	host, _ := os.Hostname()
	return fmt.Sprintf("%s:%d:%s", host, os.Getpid(), strconv.FormatUint(rand.Uint64(), 36))
}

func (l *lease) ph(n int) string { return l.d.Placeholder(n) }

// prepare creates the lease table and its row if they are missing.
func (l *lease) prepare(ctx context.Context) error {
	if _, err := l.db.ExecContext(ctx, dialect.CreateTable(l.d, l.quoted, leaseColumns, 1)); err != nil {
		// A concurrent holder may have created it first, or the user may
		// not be allowed to create a table that exists: fine if it is there.
		if ok, xerr := l.d.TableExists(ctx, l.db, l.table); xerr != nil || !ok {
			return fmt.Errorf("lock %q: create lease table %s: %w", l.name, l.table, err)
		}
	}
	count := `SELECT COUNT(*) FROM ` + l.quoted + ` WHERE ` + l.cName + ` = ` + l.ph(1)
	var n int
	if err := l.db.QueryRowContext(ctx, count, l.name).Scan(&n); err == nil && n > 0 {
		return nil
	}
	_, err := l.db.ExecContext(ctx, `INSERT INTO `+l.quoted+` (`+l.cName+`, `+l.cOwner+`, `+l.cExpires+`, `+l.cAcquired+
		`) VALUES (`+l.ph(1)+`, '', 0, 0)`, l.name)
	if err != nil {
		// A concurrent holder inserted it first: fine if the row is there.
		var n int
		if qerr := l.db.QueryRowContext(ctx, count, l.name).Scan(&n); qerr != nil || n == 0 {
			return fmt.Errorf("lock %q: create lease row in %s: %w", l.name, l.table, err)
		}
	}
	return nil
}

// acquire takes the lease, waiting at most wait. It returns a context that
// is cancelled with ErrLost if the lease cannot be renewed, and the
// function that cancels it.
func (l *lease) acquire(ctx context.Context, wait time.Duration, waiting func(holder string)) (context.Context, context.CancelCauseFunc, error) {
	if err := l.prepare(ctx); err != nil {
		return nil, nil, err
	}
	ttl := l.ttl.Milliseconds()
	now := l.d.NowMillis()
	take := `UPDATE ` + l.quoted + ` SET ` + l.cOwner + ` = ` + l.ph(1) + `, ` + l.cExpires + ` = ` + now + ` + ` + strconv.FormatInt(ttl, 10) +
		`, ` + l.cAcquired + ` = ` + now + ` WHERE ` + l.cName + ` = ` + l.ph(2) +
		` AND (` + l.cOwner + ` = '' OR ` + l.cExpires + ` < ` + now + `)`
	// A holder on this host whose process is gone is taken over at once,
	// without waiting for its lease to expire.
	takeDead := `UPDATE ` + l.quoted + ` SET ` + l.cOwner + ` = ` + l.ph(1) + `, ` + l.cExpires + ` = ` + now + ` + ` + strconv.FormatInt(ttl, 10) +
		`, ` + l.cAcquired + ` = ` + now + ` WHERE ` + l.cName + ` = ` + l.ph(2) + ` AND ` + l.cOwner + ` = ` + l.ph(3)
	deadline := time.Now().Add(wait)
	announced := false
	for {
		holder, owner, held := l.holder(ctx)
		if held && ownerGone(owner) {
			got, err := l.try(ctx, takeDead, deadline, owner)
			if err != nil {
				return nil, nil, err
			}
			if got {
				break
			}
		}
		if !held {
			got, err := l.try(ctx, take, deadline)
			if err != nil {
				return nil, nil, err
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
			return nil, nil, fmt.Errorf("%w: %q in %s is held by %s; waited %s", ErrTimeout, l.name, l.table, holder, wait)
		}
		pause := min(l.ttl/10, time.Second) + rand.N(100*time.Millisecond)
		t := time.NewTimer(min(pause, time.Until(deadline)+time.Millisecond))
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, nil, ctx.Err()
		case <-t.C:
		}
	}
	l.renewed = time.Now()
	runCtx, cancel := context.WithCancelCause(ctx)
	// The heartbeat outlives a cancelled ctx: the run still holds the
	// lease while it cleans up, until Release.
	hbCtx, stop := context.WithCancel(context.WithoutCancel(ctx))
	l.cancel, l.stop = cancel, stop
	go l.heartbeat(hbCtx)
	return runCtx, cancel, nil
}

// try makes one attempt to take the lease. A database too busy to answer
// before the deadline (SQLite while another holder's transaction holds
// the write lock) counts as a lease held by another.
func (l *lease) try(ctx context.Context, take string, deadline time.Time, args ...any) (bool, error) {
	attemptCtx, cancel := context.WithDeadline(ctx, deadline.Add(50*time.Millisecond))
	defer cancel()
	res, err := l.db.ExecContext(attemptCtx, take, append([]any{l.owner, l.name}, args...)...)
	if err != nil {
		if ctx.Err() != nil {
			return false, ctx.Err()
		}
		if attemptCtx.Err() != nil || l.isBusy(err) {
			return false, nil
		}
		return false, fmt.Errorf("lock %q: take lease in %s: %w", l.name, l.table, err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// isBusy reports whether err says the database was locked by another
// connection (SQLite's SQLITE_BUSY), as the dialect tells.
func (l *lease) isBusy(err error) bool {
	b, ok := l.d.(dialect.BusyDetector)
	return ok && b.IsBusy(err)
}

// holder describes the current owner of the lease and when it expires,
// returns the owner as recorded, and reports whether it is held. Reading
// first keeps waiters from queueing as writers behind a holder's
// transaction (SQLite) and makes the wait cheap.
func (l *lease) holder(ctx context.Context) (desc, owner string, held bool) {
	var left int64
	err := l.db.QueryRowContext(ctx, `SELECT `+l.cOwner+`, `+l.cExpires+` - `+l.d.NowMillis()+` FROM `+l.quoted+
		` WHERE `+l.cName+` = `+l.ph(1), l.name).Scan(&owner, &left)
	if err != nil || owner == "" {
		return "another process", "", false
	}
	if left < 0 {
		return fmt.Sprintf("%s (lease expired %s ago)", owner, (time.Duration(-left) * time.Millisecond).Round(time.Millisecond)), owner, false
	}
	return fmt.Sprintf("%s (lease expires in %s unless renewed)", owner, (time.Duration(left) * time.Millisecond).Round(time.Millisecond)), owner, true
}

// ownerGone reports whether owner (host:pid:suffix, see ownerID) is a
// process of this host that no longer runs. Another host's process, this
// process, and one that cannot be checked count as running.
func ownerGone(owner string) bool {
	i := strings.LastIndexByte(owner, ':')
	if i < 0 {
		return false
	}
	j := strings.LastIndexByte(owner[:i], ':')
	if j < 0 {
		return false
	}
	pid, err := strconv.Atoi(owner[j+1 : i])
	if err != nil || pid <= 0 || pid == os.Getpid() {
		return false
	}
	if host, _ := os.Hostname(); owner[:j] != host {
		return false
	}
	return !processRuns(pid)
}

// renew extends the lease if this holder still owns it.
func (l *lease) renew(ctx context.Context, q dialect.Querier) error {
	res, err := q.ExecContext(ctx, `UPDATE `+l.quoted+` SET `+l.cExpires+` = `+l.d.NowMillis()+` + `+strconv.FormatInt(l.ttl.Milliseconds(), 10)+
		` WHERE `+l.cName+` = `+l.ph(1)+` AND `+l.cOwner+` = `+l.ph(2), l.name, l.owner)
	if err != nil {
		return fmt.Errorf("lock %q: renew lease in %s: %w", l.name, l.table, err)
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return nil
	}
	// MySQL reports 0 for an update that changed nothing: ask who owns it.
	var owner string
	if err := q.QueryRowContext(ctx, `SELECT `+l.cOwner+` FROM `+l.quoted+` WHERE `+l.cName+` = `+l.ph(1), l.name).Scan(&owner); err != nil {
		return fmt.Errorf("lock %q: renew lease in %s: %w", l.name, l.table, err)
	}
	if owner != l.owner {
		if owner == "" {
			owner = "nobody"
		}
		return fmt.Errorf("%w: %q in %s is now held by %s", ErrLost, l.name, l.table, owner)
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
			// A fenced transaction holds the lease row locked (and, on
			// SQLite, the database): nobody can take the lease over, and a
			// renewal from here would only wait for that transaction. It
			// renews the lease itself before it commits.
			l.renewed = time.Now()
			l.mu.Unlock()
			continue
		}
		// A renewal that hangs (a partitioned network, a pool with no
		// connection to spare) counts as failed once two thirds of the TTL
		// have passed without one: past that, another may take the lease
		// over soon, and nothing would stop this run.
		rctx, cancelRenewal := context.WithDeadline(ctx, l.renewed.Add(l.ttl*2/3))
		l.mu.Unlock()
		err := l.renew(rctx, l.db)
		cancelRenewal()
		if ctx.Err() != nil {
			return // released: a renewal cut short is no loss
		}
		l.mu.Lock()
		switch {
		case err == nil:
			l.renewed = time.Now()
		case errors.Is(err, ErrLost):
			l.cancel(err)
		case l.openTx > 0:
			// A fenced transaction began while this renewal was on its way
			// and held it up: as above, it holds the lease row and renews
			// the lease itself.
			l.renewed = time.Now()
		case time.Since(l.renewed) > l.ttl*2/3:
			// Renewals keep failing: another holder may take the lease
			// over before long. Stop before that can happen.
			l.cancel(fmt.Errorf("%w: could not renew it for %s: %w", ErrLost, time.Since(l.renewed).Round(time.Millisecond), err))
		}
		l.mu.Unlock()
	}
}

// fence renews the lease through q. A fenced transaction that renewed it
// less than a third of the TTL ago needs no second renewal before it
// commits: it has held the lease row locked since, so the lease is still
// this holder's, with two thirds of its TTL left at least.
func (l *lease) fence(ctx context.Context, q dialect.Querier) error {
	l.mu.Lock()
	at, ok := l.fenced[q]
	l.mu.Unlock()
	if ok && time.Since(at) < l.ttl/3 {
		return nil
	}
	return l.renew(ctx, q)
}

func (l *lease) fenceTx(ctx context.Context, tx dialect.Querier) (func(), error) {
	if err := l.renew(ctx, tx); err != nil {
		return nil, err
	}
	l.mu.Lock()
	l.openTx++
	if l.fenced == nil {
		l.fenced = map[dialect.Querier]time.Time{}
	}
	l.fenced[tx] = time.Now()
	l.mu.Unlock()
	return sync.OnceFunc(func() {
		l.mu.Lock()
		delete(l.fenced, tx)
		l.openTx--
		l.renewed = time.Now()
		l.mu.Unlock()
	}), nil
}

// release stops the heartbeat and frees the lease if this holder still
// owns it.
func (l *lease) release(ctx context.Context) error {
	// The heartbeat may be waiting on a busy database: do not wait for it.
	// A renewal that lands after the release finds another owner and fails.
	l.stop()
	_, err := l.db.ExecContext(ctx, `UPDATE `+l.quoted+` SET `+l.cOwner+` = '', `+l.cExpires+` = 0 WHERE `+l.cName+` = `+l.ph(1)+
		` AND `+l.cOwner+` = `+l.ph(2), l.name, l.owner)
	if err != nil {
		return fmt.Errorf("release lease in %s: %w", l.table, err)
	}
	return nil
}
