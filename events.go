package tide

import (
	"log/slog"
	"time"

	"github.com/tidemigrate/tide/event"
	"github.com/tidemigrate/tide/lock"
)

// Event is something a [Migrator] reports while it works: it waits for or
// takes the lock, starts, advances or finishes a migration. Register an
// observer with [WithObserver]; the CLI renders events as text or JSON.
// The engine's concrete types are listed below; other packages (lock,
// backfill) define their own. Switch on them.
type Event = event.Event

// LockWaiting is reported when another migrator holds the migration lock
// and this one starts waiting for it; Holder names it where the database
// can tell (the session's pid and application, the lease's owner).
type LockWaiting = lock.Waiting

// LockAcquired is reported when the migration lock is taken.
type LockAcquired = lock.Acquired

// MigrationStarted is reported before a migration runs.
type MigrationStarted struct {
	Migration  Migration
	Direction  Direction
	Statements int // statements to run in this attempt
	Resumed    int // statements skipped because an earlier run applied them
}

// StatementStarted is reported before each statement of a migration runs,
// so that an observer can say which statement a long wait is spent on.
type StatementStarted struct {
	Migration Migration
	Direction Direction
	Index     int // 1-based index of the statement in its section
	Total     int // statements in the section
	Line      int
}

// StatementDone is reported after each statement of a migration.
type StatementDone struct {
	Migration Migration
	Direction Direction
	Index     int // 1-based index of the statement in its section
	Total     int // statements in the section
	Line      int
	Duration  time.Duration
}

// MigrationDone is reported after a migration committed and was recorded.
type MigrationDone struct {
	Migration Migration
	Direction Direction
	Duration  time.Duration
}

// MigrationFailed is reported when a migration fails; Err is usually a
// *[MigrationError].
type MigrationFailed struct {
	Migration Migration
	Direction Direction
	Err       error
}

// Baselined is reported for each migration that Baseline records as applied.
type Baselined struct {
	Migration Migration
}

// Adopted is reported for each migration that Adopt records as applied by
// another tool.
type Adopted struct {
	Migration Migration
	From      string // the tool, such as "goose"
}

// InvalidIndexDropped is reported when tide dropped an invalid index that
// a concurrent build left (an interrupted earlier run, or the build that
// just failed), so that the build can run again.
type InvalidIndexDropped struct {
	Migration Migration
	Index     string
	Line      int
}

// Kind returns "invalid_index_dropped".
func (InvalidIndexDropped) Kind() string { return "invalid_index_dropped" }

// LogRecord describes the event to a logger.
func (e InvalidIndexDropped) LogRecord() (slog.Level, string, []slog.Attr) {
	return slog.LevelWarn, "dropped an invalid index left by a concurrent build", append(migrationAttrs(e.Migration, Up),
		slog.String("index", e.Index), slog.Int("line", e.Line))
}

// LockRetry is reported when a statement timed out waiting for a table
// lock and tide is about to try again (the whole transaction, for a
// migration that runs in one) after Wait.
type LockRetry struct {
	Migration Migration
	Line      int // the statement's line; 0 for a whole transaction
	Attempt   int // the try that timed out, from 1
	Wait      time.Duration
	// Blockers names the sessions with the oldest open transactions,
	// which may hold the lock, where the database can tell.
	Blockers string
	Err      error
}

// Kind returns "lock_retry".
func (LockRetry) Kind() string { return "lock_retry" }

// LogRecord describes the event to a logger.
func (e LockRetry) LogRecord() (slog.Level, string, []slog.Attr) {
	return slog.LevelWarn, "timed out waiting for a table lock; trying again", append(migrationAttrs(e.Migration, Up),
		slog.Int("line", e.Line), slog.Int("attempt", e.Attempt), slog.Duration("wait", e.Wait), slog.String("blockers", e.Blockers), slog.Any("error", e.Err))
}

// WaitingForSession is reported when a run finds that the statement an
// earlier, dead run sent outside a transaction may still be running on the
// server (MySQL finishes DDL after its client died), and waits for that
// session to end before it asks the catalog whether it took effect.
type WaitingForSession struct {
	Migration Migration
	Statement int // 1-based index
	Line      int
	Session   string
}

// Kind returns "waiting_for_session".
func (WaitingForSession) Kind() string { return "waiting_for_session" }

// LogRecord describes the event to a logger.
func (e WaitingForSession) LogRecord() (slog.Level, string, []slog.Attr) {
	return slog.LevelInfo, "waiting for the session of a run that stopped", append(migrationAttrs(e.Migration, Up),
		slog.Int("statement", e.Statement), slog.Int("line", e.Line), slog.String("session", e.Session))
}

// StatementSettled is reported when a run decided, from the catalog,
// whether the statement an earlier run was running when it stopped took
// effect, and recorded it.
type StatementSettled struct {
	Migration  Migration
	Statement  int // 1-based index
	Line       int
	TookEffect bool
}

// Kind returns "statement_settled".
func (StatementSettled) Kind() string { return "statement_settled" }

// LogRecord describes the event to a logger.
func (e StatementSettled) LogRecord() (slog.Level, string, []slog.Attr) {
	return slog.LevelInfo, "settled the statement of a run that stopped", append(migrationAttrs(e.Migration, Up),
		slog.Int("statement", e.Statement), slog.Int("line", e.Line), slog.Bool("took_effect", e.TookEffect))
}

// Repaired is reported when [Migrator.Accept] or [Migrator.Resolve]
// changed the version table by hand.
type Repaired struct {
	Repair Repair
}

// Kind returns "repaired".
func (Repaired) Kind() string { return "repaired" }

// LogRecord describes the event to a logger.
func (e Repaired) LogRecord() (slog.Level, string, []slog.Attr) {
	return slog.LevelWarn, "version table repaired by hand", append(migrationAttrs(e.Repair.Migration, Up), slog.String("what", e.Repair.What))
}

// Kind returns "migration_started".
func (MigrationStarted) Kind() string { return "migration_started" }

// Kind returns "statement_started".
func (StatementStarted) Kind() string { return "statement_started" }

// Kind returns "statement_done".
func (StatementDone) Kind() string { return "statement_done" }

// Kind returns "migration_done".
func (MigrationDone) Kind() string { return "migration_done" }

// Kind returns "migration_failed".
func (MigrationFailed) Kind() string { return "migration_failed" }

// Kind returns "baselined".
func (Baselined) Kind() string { return "baselined" }

// Kind returns "adopted".
func (Adopted) Kind() string { return "adopted" }

// LogRecord describes the event to a logger.
func (e MigrationStarted) LogRecord() (slog.Level, string, []slog.Attr) {
	return slog.LevelDebug, "migration started", append(migrationAttrs(e.Migration, e.Direction),
		slog.Int("statements", e.Statements), slog.Int("resumed", e.Resumed))
}

// LogRecord describes the event to a logger.
func (e StatementStarted) LogRecord() (slog.Level, string, []slog.Attr) {
	return slog.LevelDebug, "statement started", append(migrationAttrs(e.Migration, e.Direction),
		slog.Int("index", e.Index), slog.Int("total", e.Total), slog.Int("line", e.Line))
}

// LogRecord describes the event to a logger.
func (e StatementDone) LogRecord() (slog.Level, string, []slog.Attr) {
	return slog.LevelDebug, "statement done", append(migrationAttrs(e.Migration, e.Direction),
		slog.Int("index", e.Index), slog.Int("total", e.Total), slog.Int("line", e.Line), slog.Duration("duration", e.Duration))
}

// LogRecord describes the event to a logger.
func (e MigrationDone) LogRecord() (slog.Level, string, []slog.Attr) {
	return slog.LevelInfo, "migration done", append(migrationAttrs(e.Migration, e.Direction), slog.Duration("duration", e.Duration))
}

// LogRecord describes the event to a logger.
func (e MigrationFailed) LogRecord() (slog.Level, string, []slog.Attr) {
	return slog.LevelWarn, "migration failed", append(migrationAttrs(e.Migration, e.Direction), slog.Any("error", e.Err))
}

// LogRecord describes the event to a logger.
func (e Baselined) LogRecord() (slog.Level, string, []slog.Attr) {
	return slog.LevelInfo, "baselined", migrationAttrs(e.Migration, Up)
}

// LogRecord describes the event to a logger.
func (e Adopted) LogRecord() (slog.Level, string, []slog.Attr) {
	return slog.LevelInfo, "adopted", append(migrationAttrs(e.Migration, Up), slog.String("from", e.From))
}

func migrationAttrs(m Migration, d Direction) []slog.Attr {
	return []slog.Attr{slog.String("version", m.Version.String()), slog.String("name", m.Name), slog.String("direction", string(d))}
}
