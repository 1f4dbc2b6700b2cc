package tide

import (
	"github.com/tidemigrate/tide/history"
	"github.com/tidemigrate/tide/migration"
)

// Direction is the way a migration runs: [Up] or [Down].
type Direction = migration.Direction

// The two directions.
const (
	Up   = migration.Up
	Down = migration.Down
)

// Migration describes one migration known to a [Migrator]; see
// [migration.Migration].
type Migration = migration.Migration

// Statement is one SQL statement of a migration, with the line of the file
// on which it starts.
type Statement = migration.Statement

// GoFunc is one direction of a Go migration. db is the migration's
// transaction (*sql.Tx), or its connection (*sql.Conn) when the migration
// is marked NoTransaction.
type GoFunc = migration.GoFunc

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

// migration returns g as a migration of a set.
func (g GoMigration) migration() migration.Migration {
	return migration.Migration{Version: g.Version, Name: g.Name, NoTransaction: g.NoTransaction,
		Reversible: g.Down != nil, UpFunc: g.Up, DownFunc: g.Down}
}

// kindOf is the record kind of a migration run by tide.
func kindOf(m *migration.Migration) history.Kind {
	if m.Repeatable {
		return history.KindRepeatable
	}
	return history.KindMigration
}
