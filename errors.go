package tide

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/tidemigrate/tide/adopt"
	"github.com/tidemigrate/tide/lock"
	"github.com/tidemigrate/tide/migration"
)

var (
	// ErrLockTimeout is returned (wrapped, with the holder where known)
	// when another migrator held the migration lock for the whole wait.
	ErrLockTimeout = lock.ErrTimeout
	// ErrLockLost is the cause of the cancellation of a run whose table
	// lease could not be renewed: another migrator may have taken it over.
	ErrLockLost = lock.ErrLost
	// ErrNoDown is wrapped in a [MigrationError] when a migration to revert
	// has no down section.
	ErrNoDown = errors.New("tide: migration has no down section and cannot be reverted")
	// ErrUnknownVersion is returned when a target version names no known
	// migration.
	ErrUnknownVersion = errors.New("tide: no migration has this version")
)

// Cause says why a migration run stopped before its end.
type Cause string

// The causes of a stopped run.
const (
	// CauseFailed: a statement failed. Fix it and run again.
	CauseFailed Cause = "statement_failed"
	// CauseInterrupted: the run was cancelled (Ctrl-C, SIGTERM, a deadline)
	// or lost its lock lease. Run again to continue.
	CauseInterrupted Cause = "interrupted"
	// CauseConnectionLost: the connection to the database broke. Run again
	// to continue.
	CauseConnectionLost Cause = "connection_lost"
	// CauseChanged: statements that took effect in an earlier run were
	// edited since, so tide cannot tell where to continue. Restore them.
	CauseChanged Cause = "changed"
	// CauseCheckFailed: a data check of the migration failed, or could not
	// run (the Err of the *MigrationError is a *[CheckError]). In a
	// transaction, the migration rolled back; in a run statement by
	// statement, its statements took effect and it stays partially
	// applied until its checks pass: fix the data (or the check) and run
	// up again, which runs the checks again and completes it.
	CauseCheckFailed Cause = "check_failed"
	// CauseUncertain: a statement that cannot run in a transaction was
	// sent when the run stopped, and the database's catalog cannot tell
	// whether it took effect. Check, then record it (tide resolve).
	CauseUncertain Cause = "uncertain"
)

// MigrationError reports a migration that failed, or cannot run. It names
// the file and line of the failing statement and, for a migration that ran
// statement by statement (no transaction, or MySQL DDL), how many of its
// statements took effect and are recorded in the version table.
type MigrationError struct {
	Version   Version
	Name      string
	Path      string    // the migration file; "" for a Go migration
	Direction Direction // the direction that failed
	Statement int       // 1-based index of the failing statement; 0 if none
	Line      int       // line of Path on which the failing statement starts; 0 if none
	SQL       string    // the failing statement's text
	// ErrorLine is the line of Path at which the database found the error,
	// within a statement of several lines; 0 when it did not say.
	ErrorLine int
	// Detail and Hint are what the database added to its message
	// (PostgreSQL DETAIL and HINT), or "". When the migration failed where
	// it could not be rolled back, Hint also names the backups taken
	// before it ran ([WithBackups]) and how to restore them.
	Detail, Hint string
	// Applied is the number of statements of this direction that took
	// effect and are recorded; non-zero only where the database could not
	// roll them back.
	Applied int
	// Transactional reports whether the migration ran in one transaction:
	// then nothing of it remains.
	Transactional bool
	// Cause says why the run stopped: a failed statement, an interruption
	// or a lost connection.
	Cause Cause
	// MayHaveRun reports that the failing statement ran outside a
	// transaction and was interrupted: the server may still complete it.
	// Its record says so, and the next run checks the database before it
	// goes on.
	MayHaveRun bool
	Err        error

	stopped  error // why the run's context ended, for an interrupted run
	mirrored bool  // the down section mirrors the up section (a check's failure suggests tide down --partial)
}

// Error names the file and line, the migration, the statement and what
// remains applied.
func (e *MigrationError) Error() string {
	var b strings.Builder
	switch {
	case e.Path != "" && e.ErrorLine > 0:
		fmt.Fprintf(&b, "%s:%d: ", e.Path, e.ErrorLine)
	case e.Path != "" && e.Line > 0:
		fmt.Fprintf(&b, "%s:%d: ", e.Path, e.Line)
	case e.Path != "":
		fmt.Fprintf(&b, "%s: ", e.Path)
	}
	fmt.Fprintf(&b, "%s %s", e.Direction, migration.Label(e.Version, e.Name))
	if e.Statement > 0 {
		fmt.Fprintf(&b, ": statement %d", e.Statement)
	}
	switch e.Cause {
	case CauseInterrupted:
		b.WriteString(": interrupted")
		// Say why only when it is news (a lost lease, a deadline), not what
		// the cancellation broke on its way (the driver's messages).
		if e.stopped != nil && !errors.Is(e.stopped, context.Canceled) {
			fmt.Fprintf(&b, " (%s)", strings.TrimPrefix(e.stopped.Error(), "tide: "))
		}
	case CauseConnectionLost:
		fmt.Fprintf(&b, ": the connection to the database was lost (%s)", strings.TrimPrefix(fmt.Sprint(e.Err), "tide: "))
	default:
		// The sentinels of this package carry its prefix: say it once.
		if ce, ok := e.Err.(*CheckError); ok { // else the wrapper says more (lock retries)
			fmt.Fprintf(&b, ": %s %s", ce.head(), ce.found())
		} else {
			fmt.Fprintf(&b, ": %s", strings.TrimPrefix(fmt.Sprint(e.Err), "tide: "))
		}
		if e.Detail != "" {
			fmt.Fprintf(&b, "; DETAIL: %s", e.Detail)
		}
		if e.Hint != "" {
			fmt.Fprintf(&b, "; HINT: %s", e.Hint)
		}
	}
	again := e.Cause == CauseInterrupted || e.Cause == CauseConnectionLost
	_, isCheck := errors.AsType[*CheckError](e.Err)
	switch {
	case isCheck && !e.Transactional:
		b.WriteString(e.checkState(again))
	case e.Statement == 0 && !isCheck:
	case e.Transactional:
		b.WriteString(" (rolled back: nothing of this migration was applied)")
	case e.MayHaveRun:
		fmt.Fprintf(&b, " (statements 1-%d took effect and are recorded; statement %d may still complete on the server: the next tide %s waits for it, checks the database and goes on)", e.Applied, e.Applied+1, e.Direction)
	case e.Applied > 0 && again:
		fmt.Fprintf(&b, " (statements 1-%d took effect and are recorded; run tide %s again to continue from statement %d)", e.Applied, e.Direction, e.Applied+1)
	case e.Applied > 0:
		fmt.Fprintf(&b, " (statements 1-%d took effect and are recorded; fix statement %d and run tide %s again to continue from it)", e.Applied, e.Applied+1, e.Direction)
	default:
		b.WriteString(" (no statement of this migration took effect)")
	}
	return b.String()
}

// checkState says what remains of a migration run statement by statement
// whose checks failed (or were interrupted) after its statements.
func (e *MigrationError) checkState(again bool) string {
	switch {
	case e.Applied == 0:
		return " (no statement of this migration took effect)"
	case again:
		return fmt.Sprintf(" (statements 1-%d took effect and are recorded; run tide up again to run the checks and complete the migration)", e.Applied)
	}
	revert := fmt.Sprintf("revert its statements by hand and record that with tide resolve %s --rolled-back", e.Version)
	if e.mirrored {
		revert = "revert it with tide down --partial, as its down section mirrors its up section"
	}
	return fmt.Sprintf(" (statements 1-%d took effect outside a transaction and are recorded; the migration stays partially applied until its checks pass: "+
		"fix the data, or the check, and run tide up again, which runs the checks again and completes it; or %s)", e.Applied, revert)
}

// Unwrap returns the database error.
func (e *MigrationError) Unwrap() error { return e.Err }

// DriftError reports applied migrations whose files changed or vanished
// since they were applied. tide refuses to migrate over drift: restore the
// files, or revert the migrations first.
type DriftError struct {
	Changed []Migration // applied, but the file's checksum differs
	Missing []Version   // applied, but no file or Go migration has the version
}

// Error lists every changed and missing migration.
func (e *DriftError) Error() string {
	var parts []string
	for _, m := range e.Changed {
		parts = append(parts, fmt.Sprintf("%s (%s) changed since it was applied", m.Version, m.Source()))
	}
	for _, v := range e.Missing {
		parts = append(parts, fmt.Sprintf("%s was applied but its file is missing", v))
	}
	return "tide: applied migrations drifted: " + strings.Join(parts, "; ") +
		": restore the applied files (tide validate lists every difference)"
}

// OutOfOrderError reports pending migrations older than the newest applied
// one. Apply them with the allow-out-of-order option, or renumber them.
type OutOfOrderError struct {
	Pending []Version // the pending migrations older than Latest
	Latest  Version   // the newest applied migration
}

// Error lists the out-of-order migrations and what to do.
func (e *OutOfOrderError) Error() string {
	vs := make([]string, len(e.Pending))
	for i, v := range e.Pending {
		vs[i] = v.String()
	}
	return fmt.Sprintf("tide: pending migrations %s are older than the newest applied migration %s: "+
		"apply them with --allow-out-of-order, or give them newer versions", strings.Join(vs, ", "), e.Latest)
}

// PartialError reports a migration left half done by a statement-by-statement
// run that stopped (see [Cause]), when the requested operation cannot go
// on from that state, or, from [Migrator.Validate], that it is there.
type PartialError struct {
	Version   Version
	Name      string
	Path      string    // the migration's file; "" for a Go migration or a missing file
	Direction Direction // the direction of the run that stopped
	Applied   int       // statements of that direction that took effect
	// Cause is why the run stopped, as recorded; [CauseChanged] when the
	// statements that took effect were edited since.
	Cause Cause
	// Err is the error the run stopped with, as recorded.
	Err string
	// Blocked is the direction of the operation refused because of this
	// migration; "" when Validate reports it.
	Blocked Direction
	// Mirrored reports that the down section mirrors the up section, so a
	// partial up can be reverted with the partial-revert option.
	Mirrored bool
}

// Error says how far the stopped run got, why, and what to do.
func (e *PartialError) Error() string {
	var what string
	switch {
	case e.Cause == CauseUncertain:
		what = fmt.Sprintf("%s, and tide cannot tell from the database whether it took effect: check, then record it with tide resolve %s --applied %d (it did) or --applied %d (it did not), and run tide %s again",
			e.Err, e.Version, e.Applied+1, e.Applied, e.Direction)
	case e.Cause == CauseCheckFailed:
		what = fmt.Sprintf("its statements took effect, but a data check failed: %s; fix the data (or the check) and run tide up, which runs the checks again and completes it", e.Err)
		if e.Blocked == Down && e.Mirrored {
			what += "; or revert it with the partial-revert option (tide down --partial)"
		}
	case e.Cause == CauseChanged:
		what = fmt.Sprintf("its first %d %s statement(s) changed since they ran; restore them in %s so that tide can continue after them", e.Applied, e.Direction, e.Path)
	case e.Blocked == Up && e.Direction == Down:
		what = "it was being reverted when it stopped; run tide down to finish reverting it before tide up"
	case e.Blocked == Down && e.Direction == Up:
		what = fmt.Sprintf("complete it first: run tide up (after fixing statement %d if it failed), then revert it", e.Applied+1)
		if e.Mirrored {
			what += fmt.Sprintf("; or, if each down statement undoes the up statement at the mirrored position, revert the first %d with the partial-revert option (tide down --partial)", e.Applied)
		}
	case e.Cause == CauseFailed:
		what = fmt.Sprintf("it failed with: %s; fix the file and run tide %s to continue", e.Err, e.Direction)
	default:
		what = fmt.Sprintf("it stopped (%s); run tide %s to continue", strings.ReplaceAll(string(e.Cause), "_", " "), e.Direction)
	}
	return fmt.Sprintf("tide: migration %s is partially applied (%s: %d statement(s) took effect): %s",
		migration.Label(e.Version, e.Name), e.Direction, e.Applied, what)
}

// OtherHistoryError is returned by [Migrator.Up] and [Migrator.UpTo] on a
// database that has no tide version table yet and the history table of
// another migration tool: run there, tide would apply again, from the
// first, every migration that tool applied. Record its history with
// [Migrator.Adopt] first (tide adopt), or, if the table is a leftover,
// run with [WithIgnoreOtherHistory].
type OtherHistoryError struct {
	// Sources are the tools whose history tables were found, in the order
	// of [adopt.Sources]: one, or several when the database holds the
	// tables of more than one tool.
	Sources []adopt.Source
	// VersionTable is tide's version table, which does not exist yet.
	VersionTable string
}

// Error names the other tools' tables and what to do.
func (e *OtherHistoryError) Error() string {
	if len(e.Sources) == 1 {
		s := e.Sources[0]
		return fmt.Sprintf("tide: this database has %s's history table %s and no %s yet: run tide adopt first, "+
			"so that tide does not apply again what %s applied (or pass --ignore-other-history)", s.Name(), s.Table(), e.VersionTable, s.Name())
	}
	names := make([]string, len(e.Sources))
	for i, s := range e.Sources {
		names[i] = s.Table() + " (" + s.Name() + ")"
	}
	return fmt.Sprintf("tide: this database has other tools' history tables (%s) and no %s yet: run tide adopt --format TOOL first, "+
		"so that tide does not apply again what they applied (or pass --ignore-other-history)", strings.Join(names, ", "), e.VersionTable)
}
