package source

import (
	"io/fs"
	"sync"
)

// Cached returns fsys with the contents of its files and folders kept once
// read, so that detecting a folder's format ([Detect]) and then reading it
// read each file once. It is safe for concurrent use; it does not notice
// files that change after they were read.
func Cached(fsys fs.FS) fs.FS {
	return &cachedFS{fsys: fsys, files: map[string][]byte{}, dirs: map[string][]fs.DirEntry{}}
}

type cachedFS struct {
	fsys  fs.FS
	mu    sync.Mutex
	files map[string][]byte
	dirs  map[string][]fs.DirEntry
}

var (
	_ fs.ReadFileFS = (*cachedFS)(nil)
	_ fs.ReadDirFS  = (*cachedFS)(nil)
	_ ReadFilesFS   = (*cachedFS)(nil)
)

// Open opens name in the underlying file system.
func (c *cachedFS) Open(name string) (fs.File, error) { return c.fsys.Open(name) }

// ReadFile returns the contents of name, read once.
func (c *cachedFS) ReadFile(name string) ([]byte, error) {
	c.mu.Lock()
	b, ok := c.files[name]
	c.mu.Unlock()
	if ok {
		return b, nil
	}
	b, err := fs.ReadFile(c.fsys, name)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	c.files[name] = b
	c.mu.Unlock()
	return b, nil
}

// ReadFiles returns the contents of the files names, each read once; those
// not read yet are read together.
func (c *cachedFS) ReadFiles(names []string) ([][]byte, []error) {
	out := make([][]byte, len(names))
	errs := make([]error, len(names))
	var missing []string
	var at []int
	c.mu.Lock()
	for i, name := range names {
		if b, ok := c.files[name]; ok {
			out[i] = b
		} else {
			missing, at = append(missing, name), append(at, i)
		}
	}
	c.mu.Unlock()
	if len(missing) == 0 {
		return out, errs
	}
	got, gotErrs := readMany(c.fsys, missing)
	c.mu.Lock()
	defer c.mu.Unlock()
	for j, i := range at {
		out[i], errs[i] = got[j], gotErrs[j]
		if gotErrs[j] == nil {
			c.files[missing[j]] = got[j]
		}
	}
	return out, errs
}

// ReadDir returns the entries of the folder name, read once.
func (c *cachedFS) ReadDir(name string) ([]fs.DirEntry, error) {
	c.mu.Lock()
	d, ok := c.dirs[name]
	c.mu.Unlock()
	if ok {
		return d, nil
	}
	d, err := fs.ReadDir(c.fsys, name)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	c.dirs[name] = d
	c.mu.Unlock()
	return d, nil
}
