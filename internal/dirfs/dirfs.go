// Package dirfs is a folder of the operating system as an fs.FS, as
// os.DirFS gives it, that reads files with fewer system calls: tide reads
// every migration file on every run, thousands of small files, to check
// each for drift.
package dirfs

import (
	"io/fs"
	"os"
)

// FS is the folder named by its value. Open, ReadDir and Stat are those of
// os.DirFS. ReadFile reads a file with one open, reads until the end of
// the file and one close (os.ReadFile also stats the file and, for the
// runtime's poller, sets it non-blocking and tries to register it), and
// ReadFiles reads many at once.
type FS string

// New returns the folder dir as an fs.FS.
func New(dir string) FS { return FS(dir) }

var (
	_ fs.ReadFileFS = FS("")
	_ fs.ReadDirFS  = FS("")
	_ fs.StatFS     = FS("")
)

func (dir FS) os() fs.FS { return os.DirFS(string(dir)) }

// Open opens name, as os.DirFS does.
func (dir FS) Open(name string) (fs.File, error) { return dir.os().Open(name) }

// ReadDir reads the folder name, as os.DirFS does.
func (dir FS) ReadDir(name string) ([]fs.DirEntry, error) {
	return fs.ReadDir(dir.os(), name)
}

// Stat describes the file name, as os.DirFS does.
func (dir FS) Stat(name string) (fs.FileInfo, error) { return fs.Stat(dir.os(), name) }
