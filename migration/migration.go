// Package migration is what tide migrates with: versions, statements,
// migrations and the set of them, read once from an fs.FS and split into
// statements without a database. The engine (package tide), lint,
// rollback checks and fan-out over tenants share one [Set].
package migration

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"sync"

	"github.com/tidemigrate/tide/dialect"
)

// Direction is the way a migration runs: [Up] or [Down].
type Direction string

// The two directions.
const (
	Up   Direction = "up"
	Down Direction = "down"
)

// RepeatablePrefix starts the version-table key of a repeatable migration:
// "R__<name>". A version never starts with a letter.
const RepeatablePrefix = "R__"

// GoFunc is one direction of a migration written in Go. db is the
// migration's transaction (*sql.Tx), or its connection (*sql.Conn) when the
// migration runs outside a transaction.
type GoFunc func(ctx context.Context, db dialect.Querier) error

// Migration is one migration, ready to run: its statements in both
// directions (or its Go functions) and how it must run.
type Migration struct {
	Version Version // zero for a repeatable migration
	Name    string
	Path    string // the file, relative to the migrations fs.FS; "" for a Go migration
	// Checksum is the hex SHA-256 of the migration's statements in both
	// directions and its transaction mode (see [Checksum]); "" for a Go
	// migration.
	Checksum string
	// NoTransaction reports that the migration runs outside a transaction,
	// statement by statement.
	NoTransaction bool
	// Repeatable marks a migration without a version, identified by Name,
	// that is applied again, after the versioned ones, whenever its file
	// changes (views, functions, procedures).
	Repeatable bool
	// Backup is what the migration asks about copying tables before its
	// up section runs. It is not part of the checksum: it changes nothing
	// the migration does to the database.
	Backup     Backup
	Reversible bool        // it has a down section (or a Go down function)
	Up         []Statement // nil for a Go migration
	Down       []Statement // nil for a Go migration or one without down
	// Checks are the data checks that run after the up statements.
	Checks []Check
	// UpFunc and DownFunc are the functions of a Go migration; nil for SQL.
	UpFunc, DownFunc GoFunc
}

// Key identifies the migration in the version table: its version, or
// R__<name> for a repeatable migration.
func (m Migration) Key() string {
	if m.Repeatable {
		return RepeatablePrefix + m.Name
	}
	return m.Version.String()
}

// Label names the migration in messages: "20261122093000 add_users" or
// "repeatable users_view".
func (m Migration) Label() string { return Label(m.Version, m.Name) }

// Label names a migration in messages from its version and name; a zero
// version is a repeatable migration's.
func Label(v Version, name string) string {
	switch {
	case v.IsZero():
		return "repeatable " + name
	case name == "":
		return v.String()
	}
	return v.String() + " " + name
}

// Source names where the migration comes from: its file, or "Go migration".
func (m Migration) Source() string {
	if m.Path == "" {
		return "Go migration"
	}
	return m.Path
}

// IsGo reports a migration written in Go.
func (m Migration) IsGo() bool { return m.UpFunc != nil }

// Statements returns the statements of direction d.
func (m Migration) Statements(d Direction) []Statement {
	if d == Up {
		return m.Up
	}
	return m.Down
}

// Func returns the Go function of direction d, or nil.
func (m Migration) Func(d Direction) GoFunc {
	if d == Up {
		return m.UpFunc
	}
	return m.DownFunc
}

// Checksum identifies what a migration does: its statements in both
// directions, whether it runs in a transaction, and its data checks (a
// plain check's query, a helper's canonical line; a migration without
// checks has the checksum it had before tide knew checks). Comments and
// blank lines between statements, line endings and the file's format do
// not count, so a folder converted to another format keeps its checksums,
// while any change to a statement or a check is drift.
func Checksum(m Migration) string {
	b := checksumBuffers.Get().(*[]byte)
	defer checksumBuffers.Put(b)
	in := (*b)[:0]
	if m.NoTransaction {
		in = append(in, "no-transaction\n"...)
	}
	in = appendStatements(in, m.Up)
	if m.Reversible {
		in = append(in, 1)
		in = appendStatements(in, m.Down)
	}
	if len(m.Checks) > 0 {
		in = append(in, "\x00checks\x00"...)
		for _, c := range m.Checks {
			in = append(in, c.canonical()...)
			in = append(in, 0)
		}
	}
	return hexSum(in, b)
}

// StatementsChecksum identifies a run of statements, such as those of a
// partially applied migration that took effect, so that a resumed run can
// check that they did not change.
func StatementsChecksum(stmts []Statement) string {
	b := checksumBuffers.Get().(*[]byte)
	defer checksumBuffers.Put(b)
	return hexSum(appendStatements((*b)[:0], stmts), b)
}

// checksumBuffers hold what a checksum hashes: migrations are checksummed
// by the thousand, on every run.
var checksumBuffers = sync.Pool{New: func() any { return new([]byte) }}

// appendStatements appends the text of each statement and a NUL byte.
func appendStatements(in []byte, stmts []Statement) []byte {
	for _, s := range stmts {
		in = append(in, s.SQL...)
		in = append(in, 0)
	}
	return in
}

// hexSum returns the hex SHA-256 of in, and keeps in as the pooled buffer
// b unless it grew large.
func hexSum(in []byte, b *[]byte) string {
	sum := sha256.Sum256(in)
	if cap(in) <= 1<<20 {
		*b = in
	}
	var h [2 * sha256.Size]byte
	hex.Encode(h[:], sum[:])
	return string(h[:])
}
