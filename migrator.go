package tide

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/user"
	"strings"
	"sync"
	"time"

	"github.com/tidemigrate/tide/dialect"
	"github.com/tidemigrate/tide/history"
	"github.com/tidemigrate/tide/lock"
	"github.com/tidemigrate/tide/migration"
	"github.com/tidemigrate/tide/source"
)

// Migrator applies and reverts the migrations of one source to one
// database. Create it with [New]. A Migrator is safe for concurrent use;
// concurrent operations, in this process or others, are serialised by the
// migration lock.
type Migrator struct {
	d    dialect.Dialect
	db   *sql.DB
	cfg  config
	hist *history.Store
	set  *migration.Set
	migs []*migration.Migration // versioned migrations of set, sorted by version
	reps []*migration.Migration // repeatable migrations of set, sorted by name
}

// New reads and checks every migration in fsys (and the Go migrations
// given as options) and returns a Migrator for db, which must be a database
// of dialect d. It does not touch the database.
//
// All files are parsed and split before anything can run: if any is bad,
// New returns every problem, joined; each is a *[migration.ParseError] naming
// the file and line.
func New(d dialect.Dialect, db *sql.DB, fsys fs.FS, opts ...Option) (*Migrator, error) {
	if d == nil || db == nil {
		return nil, errors.New("tide: New needs a dialect and a database")
	}
	cfg := config{
		table:       DefaultTable,
		format:      source.Native,
		lockWait:    DefaultLockWait,
		leaseTTL:    DefaultLeaseTTL,
		lockTimeout: DefaultLockTimeout,
		lockRetries: DefaultLockRetries, lockRetryBudget: DefaultLockRetryBudget,
	}
	for _, o := range opts {
		if err := o(&cfg); err != nil {
			return nil, fmt.Errorf("tide: %w", err)
		}
	}
	if err := cfg.validate(fsys); err != nil {
		return nil, fmt.Errorf("tide: %w", err)
	}
	if cfg.lockMode == LockSession {
		if _, ok := d.(dialect.SessionLocker); !ok {
			return nil, fmt.Errorf("tide: %s has no session locks: use the table lock", d.Name())
		}
	}
	if cfg.appliedBy == "" {
		cfg.appliedBy = currentUser()
	}
	if cfg.appliedHost == "" {
		cfg.appliedHost, _ = os.Hostname()
	}
	set, err := cfg.migrationSet(d, fsys)
	if err != nil {
		return nil, err
	}
	m := &Migrator{d: d, db: db, cfg: cfg, hist: history.New(d, cfg.table), set: set,
		migs: make([]*migration.Migration, 0, len(set.Versioned()))}
	for i := range set.Versioned() {
		m.migs = append(m.migs, &set.Versioned()[i])
	}
	for i := range set.Repeatable() {
		m.reps = append(m.reps, &set.Repeatable()[i])
	}
	return m, nil
}

// migrationSet returns the set given with [WithMigrations], or reads fsys,
// with the Go migrations added.
func (c *config) migrationSet(d dialect.Dialect, fsys fs.FS) (*migration.Set, error) {
	set := c.set
	switch {
	case set != nil && set.Dialect() != d.Name():
		return nil, fmt.Errorf("tide: the migration set was split for %s, not %s", set.Dialect(), d.Name())
	case set == nil && fsys != nil:
		var err error
		if set, err = migration.Load(fsys, d, c.format); err != nil {
			return nil, err
		}
	case set == nil:
		set = migration.Empty(d)
	}
	if len(c.goMigrations) == 0 {
		return set, nil
	}
	gos := make([]migration.Migration, len(c.goMigrations))
	for i, g := range c.goMigrations {
		gos[i] = g.migration()
	}
	set, err := set.With(gos...)
	if err != nil {
		return nil, fmt.Errorf("tide: %w", err)
	}
	return set, nil
}

func currentUser() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	return os.Getenv("USER")
}

// Migrations returns every known migration: the versioned ones sorted by
// version, then the repeatable ones sorted by name.
func (m *Migrator) Migrations() []Migration { return m.set.All() }

// Set returns the migration set the Migrator runs.
func (m *Migrator) Set() *migration.Set { return m.set }

// find returns the migration with version v, or nil.
func (m *Migrator) find(v Version) *migration.Migration {
	mig, _ := m.set.Find(v)
	return mig
}

// findKey returns the migration, versioned or repeatable, of a record.
func (m *Migrator) findKey(r history.Record) *migration.Migration {
	mig, _ := m.set.Lookup(r.Key)
	return mig
}

func (m *Migrator) emit(ctx context.Context, e Event) {
	m.cfg.events.Emit(ctx, e)
}

// session is one locked run: the pinned connection, the lock and the
// context that the lock may cancel.
type session struct {
	ctx  context.Context
	conn *sql.Conn
	lock *lock.Held
	id   string // the database's id of the session of conn; "" if it has none
	// timeoutSet reports that the lock timeout is set on the session for
	// the whole run (with a session lock: no pooler shares the session).
	timeoutSet bool
	// seq is the highest order of application recorded, as read under the
	// lock: the records this run writes follow it.
	seq int64
	// next is the opening of the next planned migration, for the final
	// record of the current one to write with it; opened is that opening
	// once written (see [opening]).
	next, opened *opening
	// disarm stops the cancellation of the session's statements on the
	// server when ctx is done, or waits for one under way to end, so that
	// it cannot hit what the run still writes after it stopped.
	disarm func()
}

// nextSeq returns the order of application of the next migration applied.
func (s *session) nextSeq() int64 {
	s.seq++
	return s.seq
}

// inTx runs fn in one transaction on the session's connection, fenced by
// the lock (a lease row stays locked by the transaction and is renewed
// just before it commits), and commits it when fn succeeds.
func (s *session) inTx(fn func(tx *sql.Tx) error) error {
	return s.inTxCtx(s.ctx, fn)
}

// inTxCtx is inTx on ctx instead of the session's context.
func (s *session) inTxCtx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("tide: begin transaction: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	done, err := s.lock.FenceTx(ctx, tx)
	if err != nil {
		return wrap(err)
	}
	defer done()
	if err := fn(tx); err != nil {
		return err
	}
	if err := s.lock.Fence(ctx, tx); err != nil {
		return wrap(err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("tide: commit: %w", err)
	}
	return nil
}

// withLock pins a connection, takes the migration lock, makes sure the
// version table exists, and runs fn. The lock is released and the
// connection returned even when ctx is cancelled.
func (m *Migrator) withLock(ctx context.Context, fn func(s *session) error) (err error) {
	conn, err := m.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("tide: connect: %w", err)
	}
	defer conn.Close()
	if sc, ok := m.d.(dialect.SessionConfigurer); ok {
		if err := sc.ConfigureSession(ctx, conn); err != nil {
			return fmt.Errorf("tide: %w", err)
		}
	}
	id := m.sessionID(ctx, conn)
	// Ctrl-C while waiting for the lock or migrating cancels the statement
	// on the server too.
	disarm := sync.OnceFunc(m.cancelOnDone(ctx, id))
	defer disarm()
	held, err := lock.Acquire(ctx, m.d, m.db, conn, m.cfg.table, lock.Options{
		Mode: m.cfg.lockMode, Wait: m.cfg.lockWait, TTL: m.cfg.leaseTTL,
		Table: m.cfg.table + "_lock", Events: m.cfg.events,
	})
	if err != nil {
		if errors.Is(err, lock.ErrTimeout) {
			return fmt.Errorf("tide: %w; retry later or raise the lock wait", err)
		}
		return fmt.Errorf("tide: %w", err)
	}
	s := &session{ctx: held.Context(), conn: conn, lock: held, id: id}
	// A lost lease cancels the run: cancel the server's statement then too.
	disarmCtx := disarm
	disarmLock := sync.OnceFunc(m.cancelOnDone(s.ctx, id))
	disarm = func() { disarmLock(); disarmCtx() }
	s.disarm = disarm
	defer func() {
		disarm() // before the release, so that no cancellation hits it
		if rerr := held.Release(ctx); rerr != nil {
			err = errors.Join(err, fmt.Errorf("tide: %w", rerr))
		}
	}()
	if err := m.hist.Ensure(s.ctx, conn); err != nil {
		return fmt.Errorf("tide: %w", err)
	}
	// With a session lock the session is tide's alone: set the lock
	// timeout once for the run. Behind a transaction-mode pooler (the
	// table lock) it is set per migration instead, inside its transaction
	// where the database allows, so that nothing leaks into pooled
	// sessions.
	if lt, ok := m.d.(dialect.LockTimeoutSetter); ok && m.cfg.lockTimeout > 0 && held.Mode() == lock.Session {
		restore, err := lt.SetLockTimeout(s.ctx, conn, m.cfg.lockTimeout)
		if err != nil {
			return fmt.Errorf("tide: %w", err)
		}
		defer func() { _ = restore(context.WithoutCancel(ctx)) }()
		s.timeoutSet = true
	}
	err = fn(s)
	if cause := context.Cause(s.ctx); err != nil && errors.Is(cause, lock.ErrLost) && !errors.Is(err, lock.ErrLost) {
		err = fmt.Errorf("%w (%w)", err, cause)
	}
	return err
}

// sessionID returns the database's id of conn's session, where the
// dialect has one, else "".
func (m *Migrator) sessionID(ctx context.Context, conn *sql.Conn) string {
	c, ok := m.d.(dialect.Canceler)
	if !ok {
		return ""
	}
	id, err := c.SessionID(ctx, conn)
	if err != nil {
		return ""
	}
	return id
}

// cancelOnDone arranges that when ctx is cancelled, the statement running
// on conn is cancelled on the server too (a driver may only drop the
// connection, leaving the statement running with its locks). The returned
// function disarms it, or waits for a cancellation under way; call it
// before the lock is released.
func (m *Migrator) cancelOnDone(ctx context.Context, id string) func() {
	c, ok := m.d.(dialect.Canceler)
	if !ok || id == "" {
		return func() {}
	}
	cancelled := make(chan struct{})
	stop := context.AfterFunc(ctx, func() {
		defer close(cancelled)
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		_ = c.CancelSession(cctx, m.db, id)
	})
	return func() {
		if !stop() {
			<-cancelled // let a cancellation under way finish before the process may exit
		}
	}
}

// OwnTables names the tables tide keeps for this migrator (see
// [OwnTables]). Schema inspection leaves them out.
func (m *Migrator) OwnTables() []string { return OwnTables(m.cfg.table) }

// OwnTables names the tables tide keeps for the version table named
// table, unqualified: table, its _meta companion and its lease table.
func OwnTables(table string) []string {
	t := table
	if i := strings.LastIndexByte(t, '.'); i >= 0 {
		t = t[i+1:]
	}
	return []string{t, t + "_meta", t + "_lock"}
}
