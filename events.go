package tide

import "time"

// Event is something a [Migrator] reports while it works: it waits for or
// takes the lock, starts, advances or finishes a migration. Register an
// observer with [WithObserver]; the CLI renders events as text or JSON.
// The concrete types are listed below; switch on them.
type Event interface{ event() }

// LockWaiting is reported when another migrator holds the lock and this one
// starts waiting for it.
type LockWaiting struct {
	Holder string // who holds it, where the lock can tell (table lock)
}

// LockAcquired is reported when the lock is taken.
type LockAcquired struct {
	Waited time.Duration
}

// MigrationStarted is reported before a migration runs.
type MigrationStarted struct {
	Migration  Migration
	Direction  Direction
	Statements int // statements to run in this attempt
	Resumed    int // statements skipped because an earlier run applied them
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

func (LockWaiting) event()      {}
func (LockAcquired) event()     {}
func (MigrationStarted) event() {}
func (StatementDone) event()    {}
func (MigrationDone) event()    {}
func (MigrationFailed) event()  {}
func (Baselined) event()        {}
func (Adopted) event()          {}
