package dialect

import (
	"context"
	"database/sql"
	"time"

	"github.com/tidemigrate/tide/internal/sqlsplit"
)

// Querier runs statements. *sql.DB, *sql.Tx and *sql.Conn all satisfy it,
// so the engine, not the dialect, decides about transactions and pinning.
type Querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Statement is one statement of a script, as split by a [Syntax]: its
// text, the 1-based line of its first token and that token's byte offset.
type Statement = sqlsplit.Statement

// Dialect is everything tide needs to know about one database system.
// Dialects are values (postgres.New(), mysql.New(), sqlite.New()), safe for
// concurrent use. Optional capabilities are separate interfaces, found by
// type assertion: [SessionLocker], [LockHolderFinder], [BusyDetector],
// [LockTimeoutSetter], [ImplicitCommitter], [InstantReader] and others.
type Dialect interface {
	// Name is the dialect's short name: "postgres", "mysql" or "sqlite".
	Name() string
	// Title is the database's name for people: "PostgreSQL", "MySQL",
	// "SQLite".
	Title() string
	Syntax
	Catalog
	Tables
}

// Syntax covers the lexical rules of a dialect.
type Syntax interface {
	// Split splits a script into statements by the dialect's rules
	// (quotes, comments, dollar quoting, BEGIN...END bodies, DELIMITER).
	// It returns an error naming the line of an unterminated construct.
	Split(script string) ([]Statement, error)
	// QuoteIdent quotes an identifier for use in SQL. A dotted name
	// ("tenant_1.tide_migrations") has each part quoted.
	QuoteIdent(name string) string
	// Placeholder returns the marker of the n-th (1-based) bind parameter.
	Placeholder(n int) string
}

// Catalog covers the tables tide keeps in the database.
type Catalog interface {
	// TableExists reports whether the (unquoted, possibly schema-qualified)
	// table exists, in the current schema when unqualified.
	TableExists(ctx context.Context, q Querier, table string) (bool, error)
	// NowMillis is an SQL expression for the database's current time in
	// milliseconds since the Unix epoch, so that leases use one clock.
	NowMillis() string
}

// ColumnLister is implemented by dialects that list a table's columns from
// the catalog. tide's tables use it to find what an upgrade must add
// (SELECT * would do, but drivers that cache prepared statements, such as
// pgx, fail on it once the table has changed).
type ColumnLister interface {
	// Columns returns the names of the columns of the (unquoted, possibly
	// schema-qualified) table, in order; none when it does not exist.
	Columns(ctx context.Context, q Querier, table string) ([]string, error)
}

// SessionLocker is implemented by databases with session-level advisory
// locks (PostgreSQL, MySQL). The lock belongs to conn's session: it is
// released by unlock or when the session ends.
type SessionLocker interface {
	// LockSession takes the lock named key on conn, waiting at most wait
	// (zero: one attempt). It reports acquired false, with a nil error and a
	// nil unlock, when another session held the lock for the whole wait. It
	// calls waiting once, before it starts waiting, when the lock is held
	// by another session; conn is idle during that call, so waiting may
	// query it (to name the holder through [LockHolderFinder]).
	//
	// unlock releases the lock; call it on a context that is not cancelled
	// (context.WithoutCancel), before conn is closed.
	LockSession(ctx context.Context, conn *sql.Conn, key string, wait time.Duration, waiting func()) (unlock func(context.Context) error, acquired bool, err error)
}

// LockHolderFinder is implemented by databases that can name the session
// holding a session lock (PostgreSQL: pg_locks and pg_stat_activity;
// MySQL: IS_USED_LOCK and the process list), so that a waiter can say whom
// it waits for.
type LockHolderFinder interface {
	// SessionLockHolder describes the session that holds the lock [SessionLocker]
	// takes for key, such as "pid 4242 (application tide, host 10.0.0.7,
	// connected 3m0s ago)", or returns "" when no session holds it. Details
	// the server hides from q's user are left out.
	SessionLockHolder(ctx context.Context, q Querier, key string) (string, error)
}

// BusyDetector is implemented by databases whose writers may fail at once,
// instead of waiting, while another connection holds the database (SQLite's
// SQLITE_BUSY, "database is locked"). Lease locks treat such a failure as a
// lease held by another.
type BusyDetector interface {
	// IsBusy reports whether err says the database was too busy to run the
	// statement (locked by another connection), as opposed to a failure of
	// the statement itself.
	IsBusy(err error) bool
}

// LockTimeoutSetter is implemented by databases whose DDL can wait for
// table locks (PostgreSQL lock_timeout, MySQL lock_wait_timeout).
type LockTimeoutSetter interface {
	// SetLockTimeout bounds how long statements on conn wait for a lock.
	// restore puts the previous setting back.
	SetLockTimeout(ctx context.Context, conn *sql.Conn, d time.Duration) (restore func(context.Context) error, err error)
}

// LocalLockTimeoutSetter is implemented by databases that can bound lock
// waits for one transaction only (PostgreSQL SET LOCAL). tide prefers it for
// transactional migrations: nothing leaks into the session, which matters
// behind a transaction-mode pooler such as PgBouncer.
type LocalLockTimeoutSetter interface {
	// SetLocalLockTimeout bounds lock waits until tx ends.
	SetLocalLockTimeout(ctx context.Context, tx Querier, d time.Duration) error
}

// Canceler is implemented by databases whose running statement can be
// cancelled from another session (PostgreSQL pg_cancel_backend, MySQL KILL
// QUERY). A driver that gives up on a cancelled context may leave the
// statement running on the server, still holding its locks; tide cancels
// it there too.
type Canceler interface {
	// SessionID identifies the session of conn.
	SessionID(ctx context.Context, conn *sql.Conn) (string, error)
	// CancelSession cancels the statement the session id is running, if
	// any, through q (another session).
	CancelSession(ctx context.Context, q Querier, id string) error
}

// SessionConfigurer is implemented by databases that need settings on the
// session that runs migrations (PostgreSQL: notice a vanished client
// during a long statement).
type SessionConfigurer interface {
	// ConfigureSession prepares conn before tide takes its lock and runs
	// migrations on it. Settings it cannot apply are skipped.
	ConfigureSession(ctx context.Context, conn *sql.Conn) error
}

// ImplicitCommitter is implemented by databases whose DDL commits the open
// transaction (MySQL, MariaDB). A migration holding such a statement cannot
// be atomic; tide then runs it statement by statement and records progress.
type ImplicitCommitter interface {
	// CommitsImplicitly reports whether the statement ends any open
	// transaction when it runs.
	CommitsImplicitly(stmt string) bool
}

// ClientScripter is implemented by databases whose command-line client
// needs more than a ";" after a statement in a script (the mysql client
// needs DELIMITER lines around a routine body that holds semicolons).
type ClientScripter interface {
	// ClientStatement returns stmt terminated for the client.
	ClientStatement(stmt string) string
}

// ConnectionLossDetector is implemented by databases whose drivers report
// a broken connection in their own way (a PostgreSQL SQLSTATE of class
// 08, MySQL's "invalid connection"). tide reports such a failure as a lost
// connection, not as a failed statement.
type ConnectionLossDetector interface {
	// ConnectionLost reports whether err means the connection broke.
	ConnectionLost(err error) bool
}

// ErrorDetail is what a database says about an error besides its message.
type ErrorDetail struct {
	Detail string // more about the error (PostgreSQL DETAIL)
	Hint   string // what to do (PostgreSQL HINT)
	// Position is the 1-based character (not byte) position in the
	// statement at which the error was found; 0 when unknown.
	Position int
}

// ErrorDetailer is implemented by databases whose errors carry more than
// a message (PostgreSQL: DETAIL, HINT and the position in the statement).
type ErrorDetailer interface {
	// ErrorDetail returns the details of err; ok is false when it has none.
	ErrorDetail(err error) (d ErrorDetail, ok bool)
}

// InstantReader is implemented by databases that need an expression to
// read a time column as an instant, whatever its type. Package adopt uses
// it to read the times other migration tools recorded, in columns they
// created with types tide does not choose (timestamp with or without time
// zone, datetime, text, numbers). Without it, the column is read as it is.
type InstantReader interface {
	// InstantExpr returns an expression reading col (already quoted) as an
	// instant: a value that scans as a time.Time in the right zone, or as
	// a number of seconds since the Unix epoch. Values stored without a
	// time zone are taken in the session's zone, in which the tools wrote
	// them with now().
	InstantExpr(col string) string
}

// NoTransactionDetector is implemented by databases with statements that
// cannot run inside a transaction block (PostgreSQL CREATE INDEX
// CONCURRENTLY, VACUUM, CREATE DATABASE; SQLite VACUUM). A migration that
// holds one must run without a transaction.
type NoTransactionDetector interface {
	// NeedsNoTransaction reports whether stmt cannot run in a transaction.
	NeedsNoTransaction(stmt string) bool
}

// ConcurrentIndexer is implemented by databases that build indexes without
// blocking writes (PostgreSQL CREATE INDEX CONCURRENTLY). Such a build
// that fails or is interrupted leaves an invalid index behind, which a
// plain retry would trip over ("already exists") or, with IF NOT EXISTS,
// silently keep. tide drops it before a retry and checks the index after
// the build.
type ConcurrentIndexer interface {
	// ConcurrentIndex returns the name of the index that stmt builds
	// concurrently, as written (possibly quoted and schema-qualified); ok
	// is false for other statements and for builds that leave the name to
	// the database.
	ConcurrentIndex(stmt string) (name string, ok bool)
	// IndexValid reports whether the index exists, and whether it is
	// valid (usable).
	IndexValid(ctx context.Context, q Querier, name string) (exists, valid bool, err error)
	// DropIndexConcurrently drops the index without blocking writes.
	DropIndexConcurrently(ctx context.Context, q Querier, name string) error
}

// LockTimeoutDetector is implemented by databases whose statements can
// give up waiting for a lock (PostgreSQL lock_timeout, SQLSTATE 55P03;
// MySQL lock_wait_timeout and innodb_lock_wait_timeout, error 1205). tide
// retries such a failure instead of failing the deploy.
type LockTimeoutDetector interface {
	// IsLockTimeout reports whether err is a lock wait that timed out.
	IsLockTimeout(err error) bool
}

// LockWaitWatcher is implemented by databases whose lock timeout counts
// whole seconds (MySQL lock_wait_timeout), where the application's queries
// would queue for a second behind DDL waiting for its table lock. While
// such a statement runs, tide asks every so often whether its session
// waits for a lock, and once it has waited as long as tide's lock timeout,
// cancels the statement ([Canceler]) and treats it as timed out.
type LockWaitWatcher interface {
	// WaitingForLock reports whether session id (see [Canceler.SessionID])
	// is waiting for a lock, through q (another session).
	WaitingForLock(ctx context.Context, q Querier, id string) (bool, error)
}

// BlockerFinder is implemented by databases that can name the sessions
// that may block a migration's statement: the oldest open transactions
// of other sessions (pid or connection id, user, application, age, the
// query).
type BlockerFinder interface {
	// Blockers describes up to a few sessions other than session id (see
	// [Canceler.SessionID]) with the oldest open transactions, through q;
	// "" when there are none.
	Blockers(ctx context.Context, q Querier, id string) (string, error)
}

// EffectChecker is implemented by databases where a statement can take
// effect without its client knowing: MySQL DDL, which the server finishes
// after the client died, and PostgreSQL's concurrent index builds. After a
// crash, tide waits for the session that ran the statement to end, then
// asks the catalog whether it took effect, instead of running it again.
type EffectChecker interface {
	// SessionAlive reports whether session id (see [Canceler.SessionID])
	// is still connected, through q.
	SessionAlive(ctx context.Context, q Querier, id string) (bool, error)
	// TookEffect reports whether stmt took effect, from the catalog: known
	// is false for statements it cannot tell about.
	TookEffect(ctx context.Context, q Querier, stmt string) (took, known bool, err error)
	// Knows reports, without asking the database, whether TookEffect can
	// tell about stmt. For such a statement tide need not record that it
	// took effect before the next statement records its own progress.
	Knows(stmt string) bool
}
