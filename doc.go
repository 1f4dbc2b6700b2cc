// Package tide applies versioned database migrations to PostgreSQL,
// MySQL/MariaDB and SQLite, safely and exactly once.
//
// A [Migrator] reads migrations from any [io/fs.FS] (a directory, an
// embed.FS) in tide's native format, plus migrations written in Go
// ([WithGoMigrations]), and applies them in version order:
//
//	m, err := tide.New(postgres.New(), db, os.DirFS("migrations"))
//	results, err := m.Up(ctx)
//
// # Guarantees
//
//   - Exactly once under concurrency: migrators exclude each other with the
//     database's own lock (PostgreSQL advisory locks, MySQL GET_LOCK) or a
//     table lease with heartbeat and takeover ([LockTable]; the default on
//     SQLite, and the choice behind PgBouncer in transaction mode). A
//     migrator first checks, without the lock, whether anything is pending.
//   - All or nothing: on PostgreSQL and SQLite each migration commits with
//     its version record. MySQL DDL commits implicitly, so there tide runs
//     migrations holding DDL statement by statement and records how many
//     took effect; after a failure the version table says exactly what was
//     applied, and once the file is fixed, Up continues from the failed
//     statement. There is no "dirty" flag to clear by hand.
//   - Drift: applied migrations are checksummed (their statements and
//     transaction mode, not comments or the file's format); Up
//     refuses to run when an applied file changed or vanished
//     (*[DriftError]), and refuses pending migrations older than the newest
//     applied one unless allowed (*[OutOfOrderError]).
//   - Validation first: every file is parsed and split when the Migrator
//     is created; one bad file means nothing runs.
//   - Safe waits: a bounded wait for the migration lock ([WithLockWait])
//     and a DDL lock timeout ([WithLockTimeout]); cancelling the context
//     rolls back the running migration and releases the lock.
//
// # Data checks
//
// A native migration may hold "-- +tide check" sections after its up
// section: queries that must return no rows (or one row whose single
// value is true), or helpers that tide writes for the database
// ("-- +tide check not-null users.email"; see [migration.ParseHelper]).
// They run after the up statements, inside the migration's transaction
// where the database allows, so that a failing check rolls the migration
// back (*[CheckError], the Err of a *[MigrationError] whose Cause is
// [CauseCheckFailed]). [Migrator.Check] runs the checks of the applied
// migrations again, after a deploy.
//
// # Observing
//
// The library is silent. It reports typed [Event] values to an observer
// ([WithObserver]) or to a *slog.Logger ([WithLogger]); the tide CLI
// renders them as progress bars, text or JSON.
//
// # Errors
//
// Operations return typed errors that name what is at fault:
// *[migration.ParseError] (file and line), *[MigrationError] (migration,
// file, statement, line and what was applied), *[CheckError], *[DriftError],
// *[OutOfOrderError], *[PartialError], and the sentinels [ErrLockTimeout],
// [ErrLockLost], [ErrNoDown] and [ErrUnknownVersion].
package tide
