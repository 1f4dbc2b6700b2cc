package tide

import (
	"errors"
	"fmt"
	"strings"

	"github.com/tidemigrate/tide/adopt"
	"github.com/tidemigrate/tide/migration"
)

var (
	// ErrLockTimeout is returned (wrapped, with the holder where known)
	// when another migrator held the migration lock for the whole wait.
	ErrLockTimeout = errors.New("tide: timed out waiting for the migration lock")
	// ErrLockLost is the cause of the cancellation of a run whose table
	// lease could not be renewed: another migrator may have taken it over.
	ErrLockLost = errors.New("tide: lost the migration lock lease")
	// ErrNoDown is wrapped in a [MigrationError] when a migration to revert
	// has no down section.
	ErrNoDown = errors.New("tide: migration has no down section and cannot be reverted")
	// ErrUnknownVersion is returned when a target version names no known
	// migration.
	ErrUnknownVersion = errors.New("tide: no migration has this version")
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
	Line      int       // line of the failing statement in Path; 0 if none
	SQL       string    // the failing statement's text
	// Applied is the number of statements of this direction that took
	// effect and are recorded; non-zero only where the database could not
	// roll them back.
	Applied int
	// Transactional reports whether the migration ran in one transaction:
	// then nothing of it remains.
	Transactional bool
	Err           error
}

// Error names the file and line, the migration, the statement and what
// remains applied.
func (e *MigrationError) Error() string {
	var b strings.Builder
	switch {
	case e.Path != "" && e.Line > 0:
		fmt.Fprintf(&b, "%s:%d: ", e.Path, e.Line)
	case e.Path != "":
		fmt.Fprintf(&b, "%s: ", e.Path)
	}
	fmt.Fprintf(&b, "%s %s", e.Direction, migration.Label(e.Version, e.Name))
	if e.Statement > 0 {
		fmt.Fprintf(&b, ": statement %d", e.Statement)
	}
	// The sentinels of this package carry its prefix: say it once.
	fmt.Fprintf(&b, ": %s", strings.TrimPrefix(fmt.Sprint(e.Err), "tide: "))
	switch {
	case e.Statement == 0:
	case e.Transactional:
		b.WriteString(" (rolled back: nothing of this migration was applied)")
	case e.Applied > 0:
		fmt.Fprintf(&b, " (statements 1-%d took effect and are recorded; fix statement %d and run tide %s again to continue from it)", e.Applied, e.Applied+1, e.Direction)
	default:
		b.WriteString(" (no statement of this migration took effect)")
	}
	return b.String()
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

// PartialError reports a migration left half done by a failed or killed
// statement-by-statement run, when the requested operation cannot go on
// from that state.
type PartialError struct {
	Version   Version
	Name      string
	Direction Direction // the direction of the interrupted run
	Applied   int       // statements of that direction that took effect
	Reason    string    // what blocks the operation and what to do
}

// Error says how far the interrupted run got and what to do.
func (e *PartialError) Error() string {
	return fmt.Sprintf("tide: migration %s is partially applied (%s: %d statement(s) took effect): %s",
		migration.Label(e.Version, e.Name), e.Direction, e.Applied, e.Reason)
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
