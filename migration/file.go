package migration

import (
	"fmt"

	"github.com/tidemigrate/tide/dialect"
)

// File is one migration as a file format gives it: its identity and the
// SQL text of its sections, not yet split into statements (splitting
// depends on the database). The formats of package source read and write
// Files; [Compile] turns them into a [Set].
type File struct {
	Version Version
	Name    string // the descriptive part of the file name, e.g. "add_users"
	Path    string // the file that holds it, relative to the fs.FS root
	// NoTransaction asks the engine to run the migration outside a
	// transaction (PostgreSQL CREATE INDEX CONCURRENTLY, for instance).
	NoTransaction bool
	// Repeatable marks a migration without a version (a view, a function):
	// it is re-applied, after the versioned ones, whenever its checksum
	// changes. Its Version is zero; Name identifies it.
	Repeatable bool
	// Backup is what the file's header says about copying tables before
	// the up section runs (native "-- +tide backup" markers).
	Backup Backup
	Up     Section
	Down   *Section // nil when the migration has no down section
	// Checks are the data check sections of the up direction, in the
	// order of the file (native files; see [Check]).
	Checks []CheckSection
}

// Backup is what a migration asks about backups: tables to copy before
// its up section runs, or none at all, not even those that tide would
// copy by itself because the up section drops, truncates or empties them.
type Backup struct {
	// Tables are the tables to copy, as written (possibly quoted and
	// schema-qualified): "users", "app.orders", "\"Line Items\"".
	Tables []string
	// None turns automatic backups off for the migration.
	None bool
	// Line is the line of the first backup marker; 0 without one.
	Line int
}

// Section is the SQL of one direction of a migration file.
type Section struct {
	Path string // the file that holds the section
	// Line is the 1-based line of Path on which SQL begins, so that line n
	// of SQL is line Line+n-1 of the file.
	Line int
	SQL  string
	// Statements, when not nil, fixes the statement boundaries (a format
	// whose files mark them explicitly); otherwise [Compile] splits SQL
	// with the database's rules. Their lines are lines of Path.
	Statements []Statement
}

// Statement is one SQL statement: its text, the 1-based line of the file
// on which it starts, and its byte offset in the text it was split from.
type Statement = dialect.Statement

// ParseError reports a migration file that cannot be read or split. Path
// and Line name the place at fault; Line is 0 when the whole file is at
// fault.
type ParseError struct {
	Path string
	Line int
	Msg  string
}

// Error returns "path:line: message" (or "path: message").
func (e *ParseError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.Path, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.Path, e.Msg)
}
