package tide

import "github.com/tidemigrate/tide/migration"

// Version identifies a migration and orders it: dot-separated integer
// segments compared numerically ("20261122093000", "1.2.10"). It is
// comparable with ==. See [migration.Version].
type Version = migration.Version

// ParseVersion parses a version such as "20261122093000" or "1.2.10".
func ParseVersion(s string) (Version, error) { return migration.ParseVersion(s) }

// MustParseVersion is like [ParseVersion] but panics on a bad version; it
// is meant for versions written in code, such as those of Go migrations.
func MustParseVersion(s string) Version { return migration.MustParseVersion(s) }
