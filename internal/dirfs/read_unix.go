//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package dirfs

import (
	"io/fs"
	"os"
	"slices"
	"strings"
	"sync"
	"syscall"
)

// ReadFile returns the contents of the file name.
func (dir FS) ReadFile(name string) ([]byte, error) {
	p, err := dir.join(name)
	if err != nil {
		return nil, err
	}
	b, err := readFile(p)
	if err != nil {
		return nil, &fs.PathError{Op: "readfile", Path: name, Err: err}
	}
	return b, nil
}

// ReadFiles returns the contents of the files names, or for each the
// error that ReadFile would return. It reads them on every processor and,
// on Linux, in batches through io_uring where the kernel allows it: a few
// system calls for dozens of files, where one file read by itself costs
// four.
func (dir FS) ReadFiles(names []string) ([][]byte, []error) {
	out := make([][]byte, len(names))
	errs := make([]error, len(names))
	paths := make([]string, len(names)) // "" for a name that names no file
	for i, name := range names {
		paths[i], errs[i] = dir.join(name)
	}
	readMany(paths, out, errs)
	for i, err := range errs {
		if err != nil && paths[i] != "" {
			errs[i] = &fs.PathError{Op: "readfile", Path: names[i], Err: err}
		}
	}
	return out, errs
}

// join returns the path of the file name, or the error for a name that
// names no file of the folder.
func (dir FS) join(name string) (string, error) {
	if dir == "" || !fs.ValidPath(name) || strings.IndexByte(name, 0) >= 0 {
		return "", &fs.PathError{Op: "readfile", Path: name, Err: fs.ErrInvalid}
	}
	return string(dir) + string(os.PathSeparator) + name, nil
}

// scratch holds the buffers that files are read into before they are
// copied out at their size.
var scratch = sync.Pool{New: func() any { b := make([]byte, 64<<10); return &b }}

// readFile reads the file at path with open, read until a read returns
// nothing, and close, on the raw descriptor: a regular file needs no
// poller, and a file the size of most migrations takes two reads.
func readFile(path string) ([]byte, error) {
	var fd int
	err := retry(func() (err error) {
		fd, err = syscall.Open(path, syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
		return err
	})
	if err != nil {
		return nil, err
	}
	defer syscall.Close(fd)
	bp := scratch.Get().(*[]byte)
	defer scratch.Put(bp)
	buf, n := *bp, 0
	for {
		if n == len(buf) {
			// A large file: grow a buffer of its own, keeping the
			// pooled one its size.
			buf = slices.Grow(buf[:n:n], n)[:2*n]
		}
		var m int
		if err := retry(func() (err error) { m, err = syscall.Read(fd, buf[n:]); return err }); err != nil {
			return nil, err
		}
		if m == 0 {
			return slices.Clone(buf[:n:n]), nil
		}
		n += m
	}
}

// retry calls fn again while it is interrupted by a signal.
func retry(fn func() error) error {
	for {
		if err := fn(); err != syscall.EINTR {
			return err
		}
	}
}
