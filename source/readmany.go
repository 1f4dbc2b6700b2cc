package source

import (
	"io/fs"

	"github.com/tidemigrate/tide/internal/parallel"
)

// ReadFilesFS is a file system that reads many files at once faster than
// one by one, as the folder that the tide command reads does (one system
// call for dozens of files, on Linux). The formats read the files of a
// folder through it when fsys implements it, and through fs.ReadFile on
// every processor otherwise.
type ReadFilesFS interface {
	fs.FS
	// ReadFiles returns the contents of the files names, or for each the
	// error that fs.ReadFile would return.
	ReadFiles(names []string) ([][]byte, []error)
}

// readMany returns the contents of the files names of fsys, or the error
// of each.
func readMany(fsys fs.FS, names []string) ([][]byte, []error) {
	if rf, ok := fsys.(ReadFilesFS); ok {
		return rf.ReadFiles(names)
	}
	out := make([][]byte, len(names))
	errs := make([]error, len(names))
	parallel.For(len(names), func(i int) { out[i], errs[i] = fs.ReadFile(fsys, names[i]) })
	return out, errs
}
