package adopt

import (
	"errors"
	"fmt"
	"strings"
)

// ErrNoHistory is returned by [Detect] when the database holds no history
// table of a supported tool.
var ErrNoHistory = errors.New("adopt: no other tool's history table found")

// AmbiguousError is returned by [Detect] when the history tables of
// several tools exist: the caller must choose one (tide's --format flag).
type AmbiguousError struct {
	Sources []Source // the tools whose tables exist, in the order of [Sources]
}

// Error lists the history tables found and asks for --format.
func (e *AmbiguousError) Error() string {
	found := make([]string, len(e.Sources))
	names := make([]string, len(e.Sources))
	for i, s := range e.Sources {
		found[i] = fmt.Sprintf("%s (%s)", s.Name(), s.Table())
		names[i] = s.Name()
	}
	return fmt.Sprintf("adopt: found the history tables of %s: pass --format %s to choose one",
		strings.Join(found, ", "), strings.Join(names, "|"))
}

// IncompleteError is returned by [Source.Read] when the other tool records
// a migration as started and not finished: a dirty golang-migrate version,
// a failed Flyway migration, a failed Prisma migration. The schema may hold
// part of it, so its history cannot be adopted until the user resolves it
// with that tool.
type IncompleteError struct {
	Source string // the tool, e.g. "golang-migrate"
	ID     string // the migration as the tool identifies it (version, name)
	State  string // what the tool records, e.g. "dirty" or "failed"
	Fix    string // what to do about it, naming the tool's own command
}

// Error names the migration, its state and the fix.
func (e *IncompleteError) Error() string {
	return fmt.Sprintf("adopt: %s records migration %s as %s: %s, then adopt again", e.Source, e.ID, e.State, e.Fix)
}

// ChecksumError is returned by [History.Plan] when a migration file changed
// since the other tool applied it: the checksum the tool recorded (Flyway's
// CRC-32, Prisma's SHA-256) is not the file's. Adopting it would record as
// applied what the database does not hold; the tool itself refuses it too.
type ChecksumError struct {
	Source   string // the tool, "flyway" or "prisma"
	Table    string // the history table that records Recorded
	ID       string // the migration as the tool identifies it (version, folder name)
	Path     string // the file, joined to [Folder.Dir]
	Recorded string // the checksum the tool recorded, as it wrote it
	// Actual is the file's checksum in the tool's notation; "" where the
	// message does not show it (Prisma).
	Actual string
}

// Error names the file, both checksums where known, and the fix.
func (e *ChecksumError) Error() string {
	if e.Source == "flyway" {
		return fmt.Sprintf("%s: migration checksum mismatch for version %s: %s records %s, the file's is %s: "+
			"the file changed since flyway applied it; restore it, or run `flyway repair` if the change is intended, then adopt again",
			e.Path, e.ID, e.Table, e.Recorded, e.Actual)
	}
	return fmt.Sprintf("%s: migration %s was modified after %s applied it (%s records checksum %s): restore the file, then adopt again",
		e.Path, e.ID, e.Source, e.Table, e.Recorded)
}

// CodeHistoryError is returned by [History.Plan] for the history of code
// migrations (knex, sequelize, typeorm, alembic) without
// [PlanOptions.Baseline]: tide can neither run nor match them, so the
// user writes tide migrations that build the same schema and records them
// as the baseline.
type CodeHistoryError struct {
	Source string   // the tool, e.g. "knex"
	IDs    []string // the applied migrations as the tool lists them (Alembic: its heads)
	// Revisions lists every revision Alembic applied, when its versions
	// folder was given; else nil.
	Revisions []string
}

// Error says what the history lists and what to do.
func (e *CodeHistoryError) Error() string {
	return fmt.Sprintf("%s's %s code tide cannot run: write tide migrations that build the same schema "+
		"(or one migration from a schema dump), then run tide adopt --baseline VERSION to record them as applied "+
		"up to VERSION; the next tide migrations follow on", e.Source, codeCount(e.Source, e.IDs, e.Revisions))
}

// noHistoryError is returned by [Choose] when the database holds no
// history table of a supported tool. It is [ErrNoHistory], with the tables
// looked for and advice.
type noHistoryError struct{ tables []string }

func (e *noHistoryError) Error() string {
	return fmt.Sprintf("no other tool's history table in the database (looked for %s): if its table was renamed, pass --format and --source-table",
		strings.Join(e.tables, ", "))
}

// Is reports that the error is [ErrNoHistory].
func (e *noHistoryError) Is(target error) bool { return target == ErrNoHistory }
