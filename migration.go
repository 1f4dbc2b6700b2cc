package tide

import (
	"context"

	"github.com/tidemigrate/tide/dialect"
)

// Direction is the way a migration runs: [Up] or [Down].
type Direction string

// The two directions.
const (
	Up   Direction = "up"
	Down Direction = "down"
)

// Migration describes one migration known to a [Migrator].
type Migration struct {
	Version Version
	Name    string
	Path    string // the file, relative to the migrations fs.FS; "" for a Go migration
	// Checksum is the hex SHA-256 of the migration's statements (see
	// [Migrator.Status] for drift); "" for a Go migration.
	Checksum string
	// NoTransaction reports that the migration runs outside a transaction,
	// statement by statement.
	NoTransaction bool
	// Repeatable marks a migration without a version, identified by Name,
	// that Up applies again, after the versioned ones, whenever its file
	// changes (views, functions, procedures).
	Repeatable bool
	Reversible bool        // it has a down section (or a Go down function)
	Up         []Statement // nil for a Go migration
	Down       []Statement // nil for a Go migration or one without down
}

// repeatablePrefix starts the version-table key of a repeatable migration.
const repeatablePrefix = "R__"

// key identifies the migration in the version table: its version, or
// R__<name> for a repeatable migration.
func (m Migration) key() string {
	if m.Repeatable {
		return repeatablePrefix + m.Name
	}
	return m.Version.String()
}

// label names the migration in messages: "20261122093000 add_users" or
// "repeatable users_view".
func (m Migration) label() string {
	if m.Repeatable {
		return "repeatable " + m.Name
	}
	return m.Version.String() + " " + m.Name
}

// kind is the record kind of a migration run by tide.
func (m Migration) kind() string {
	if m.Repeatable {
		return kindRepeatable
	}
	return kindMigration
}

func (m Migration) displayPath() string {
	if m.Path == "" {
		return "Go migration"
	}
	return m.Path
}

// Statement is one SQL statement of a migration, with the line of the file
// on which it starts.
type Statement struct {
	SQL  string
	Line int
}

// GoFunc is one direction of a Go migration. db is the migration's
// transaction (*sql.Tx), or its connection (*sql.Conn) when the migration
// is marked NoTransaction.
type GoFunc func(ctx context.Context, db dialect.Querier) error

// GoMigration is a migration written in Go, registered with
// [WithGoMigrations] and run in version order among the SQL files.
type GoMigration struct {
	Version Version
	Name    string
	Up      GoFunc
	Down    GoFunc // nil: the migration cannot be reverted
	// NoTransaction runs the functions on a connection instead of in a
	// transaction. If such a migration fails, tide records nothing: its
	// functions must be safe to run again.
	NoTransaction bool
}

// migration is a Migration with what the engine needs to run it.
type migration struct {
	Migration
	goUp, goDown GoFunc
}

func (m *migration) isGo() bool { return m.goUp != nil }

// statements returns the statements of direction d.
func (m *migration) statements(d Direction) []Statement {
	if d == Up {
		return m.Up
	}
	return m.Down
}

// goFunc returns the Go function of direction d, or nil.
func (m *migration) goFunc(d Direction) GoFunc {
	if d == Up {
		return m.goUp
	}
	return m.goDown
}
