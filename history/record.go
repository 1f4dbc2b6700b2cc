package history

import (
	"strings"
	"time"

	"github.com/tidemigrate/tide/migration"
)

// Kind says how a record came to be.
type Kind string

// The kinds of record.
const (
	// KindMigration is a versioned migration that tide applied.
	KindMigration Kind = "migration"
	// KindBaseline is a version recorded as applied without running it
	// (tide baseline), for a database that already had its schema.
	KindBaseline Kind = "baseline"
	// KindRepeatable is a repeatable migration that tide applied; its key
	// is [migration.RepeatablePrefix] and its name.
	KindRepeatable Kind = "repeatable"
	// KindAdopted is a migration that another tool applied (named by
	// [Record.AdoptedFrom]), recorded by tide adopt.
	KindAdopted Kind = "adopted"
)

// State says whether a record's last attempt finished.
type State string

// The states of a record.
const (
	// StateApplied is a migration whose last attempt, up, finished.
	StateApplied State = "applied"
	// StatePartial is a migration whose last attempt (up or down, see
	// [Record.Direction]) stopped part-way: [Record.Done] statements of it
	// took effect.
	StatePartial State = "partial"
)

// Record is one row of the version table.
type Record struct {
	// Key identifies the record (the version column): the canonical
	// version, or [migration.RepeatablePrefix] and the name of a
	// repeatable migration, such as "R__views".
	Key string
	// Version is Key parsed; zero for a repeatable migration. Insert and
	// Update write Key, not Version.
	Version migration.Version
	// Name is the migration's descriptive name, from its file.
	Name string
	// Kind says how the record came to be.
	Kind Kind
	// Checksum is the hex SHA-256 of the migration as applied
	// ([migration.Checksum]).
	Checksum string
	// State is applied, or partial after a failure mid-way.
	State State
	// Direction is that of the last attempt: up or down.
	Direction migration.Direction
	// Done is how many statements of the last attempt took effect.
	Done int
	// ProgressChecksum is the hash of those statements
	// ([migration.StatementsChecksum]), so that a partial migration resumes
	// only over the statements that ran.
	ProgressChecksum string
	// Error is the failure that left the record partial.
	Error string
	// Cause says why the last attempt stopped part-way, as the engine
	// names it ("statement_failed", "interrupted", "connection_lost"); ""
	// when it finished, or when a tide before schema 2 wrote the record.
	// (Schema 2.)
	Cause string
	// Intent names the statement of the last attempt that may be running,
	// or about to run, outside a transaction, and the database session
	// that runs it: "<statement index>:<session id>". A DDL statement
	// that commits implicitly may finish on the server after its client
	// died: the next run waits for that session to end, then asks the
	// catalog whether the statement took effect. "" when none. (Schema 2.)
	Intent string
	// AppliedAt is when the last attempt ran (for an adopted migration:
	// when the other tool applied it, if it says). Stored in UTC with
	// microseconds; List returns it so.
	AppliedAt time.Time
	// Duration is how long the last attempt ran, stored in whole
	// milliseconds.
	Duration time.Duration
	// AppliedBy is the operating-system user who ran it (for an adopted
	// migration: who adopted it).
	AppliedBy string
	// AppliedHost is the host it ran on.
	AppliedHost string

	// AdoptedFrom is the tool that applied an adopted migration, such as
	// "goose" or "flyway"; "" for other kinds. (Schema 2; List decodes it
	// from the schema-1 form of AppliedBy, "goose (adopted by alice)".)
	AdoptedFrom string
	// Seq is the order of application: Insert gives a record 1 + the
	// highest Seq in the table, and Update gives it the next one when it
	// turns the record applied from another state (a resumed or repaired
	// migration). A non-zero Seq passed to Insert or Update is written as
	// is, to put back a record read by List. Reverting in descending Seq
	// undoes migrations in the reverse order they were applied, also after
	// out-of-order runs. Zero for a record that a tide before schema 2
	// wrote. (Schema 2.)
	Seq int64
	// RepairedAt, RepairedBy and Repair describe the last manual repair
	// of the record: when (UTC, microseconds), who, and what, such as
	// "accepted checksum 3fa9… (was 81c0…)" or "marked statements 1-3 of
	// up as done". Zero values for a record never repaired. (Schema 2.)
	RepairedAt time.Time
	RepairedBy string
	Repair     string

	// Statements, when not nil, is written by Insert and Update with the
	// record (as Store.SetStatements does, without a statement of its
	// own). List does not read them back: see Store.Statements.
	Statements *Statements
}

// Repeatable reports whether r is the record of a repeatable migration,
// whose key is R__<name> (a version never starts with a letter).
func (r Record) Repeatable() bool { return strings.HasPrefix(r.Key, migration.RepeatablePrefix) }

// Statements is the text of the statements of a migration as it was
// applied, kept by [Store.SetStatements] so that a later check can show
// how the current file differs from what ran.
type Statements struct {
	Up   []string `json:"up"`
	Down []string `json:"down"`
	// Checks are the data checks of the up direction: a plain check's
	// query, or a helper's marker line.
	Checks []string `json:"checks,omitempty"`
}

// adoptedBy joins the tool and the user in the schema-1 encoding of an
// adopted record's applied_by column: "goose (adopted by alice)".
const adoptedBy = " (adopted by "

// decodeAdopted splits the schema-1 applied_by of an adopted record into
// the tool and the user.
func decodeAdopted(appliedBy string) (tool, user string, ok bool) {
	tool, rest, ok := strings.Cut(appliedBy, adoptedBy)
	if !ok || tool == "" || !strings.HasSuffix(rest, ")") {
		return "", "", false
	}
	return tool, strings.TrimSuffix(rest, ")"), true
}
