//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package dirfs

import (
	"io/fs"

	"github.com/tidemigrate/tide/internal/parallel"
)

// ReadFile returns the contents of the file name, as os.DirFS does.
func (dir FS) ReadFile(name string) ([]byte, error) { return fs.ReadFile(dir.os(), name) }

// ReadFiles returns the contents of the files names, or for each the
// error that ReadFile would return, reading them on every processor.
func (dir FS) ReadFiles(names []string) ([][]byte, []error) {
	out := make([][]byte, len(names))
	errs := make([]error, len(names))
	parallel.For(len(names), func(i int) { out[i], errs[i] = dir.ReadFile(names[i]) })
	return out, errs
}
