package source

import (
	"io/fs"

	"github.com/tidemigrate/tide/migration"
)

// Format reads the migrations of one file layout (tide's native format, or
// another tool's) from a file system.
//
// Read returns the versioned migrations sorted by version, then the
// repeatable ones sorted by name. It reads every file before
// it returns, and reports all the problems it found, joined; each is a
// *ParseError naming the file and line. Implementations are safe for
// concurrent use.
type Format interface {
	Name() string
	Read(fsys fs.FS) ([]migration.File, error)
}
