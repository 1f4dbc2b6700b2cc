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
