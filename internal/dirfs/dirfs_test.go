//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package dirfs

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"testing/fstest"
)

// folder writes files of many sizes, around the buffers' limits, and
// returns the folder and their names.
func folder(t *testing.T, n int) (string, []string, map[string][]byte) {
	t.Helper()
	dir := t.TempDir()
	sizes := []int{0, 1, 100, 16<<10 - 1, 16 << 10, 16<<10 + 1, 64<<10 - 1, 64 << 10, 64<<10 + 1, 200 << 10}
	want := map[string][]byte{}
	var names []string
	for i := range n {
		name := fmt.Sprintf("%05d_m%d.sql", i, i)
		data := bytes.Repeat([]byte{byte('a' + i%26)}, sizes[i%len(sizes)])
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
		want[name] = data
		names = append(names, name)
	}
	return dir, names, want
}

func TestReadFilesReadsEveryFileWhole(t *testing.T) {
	t.Parallel()
	dir, names, want := folder(t, 300) // several batches on every processor
	if err := os.Mkdir(filepath.Join(dir, "sub.sql"), 0o755); err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("x", 250) + "/" + strings.Repeat("y", 250)
	bad := []string{"missing.sql", "sub.sql", "../escape.sql", "/abs.sql", "nul\x00.sql", ""}
	all := append(append([]string{}, names...), bad...)
	for range 20 {
		all = append(all, long) // a path that does not exist, near the limits of names
	}
	got, errs := New(dir).ReadFiles(all)
	for i, name := range all {
		one, oneErr := New(dir).ReadFile(name)
		if (errs[i] == nil) != (oneErr == nil) || errs[i] != nil && errs[i].Error() != oneErr.Error() {
			t.Errorf("%q: ReadFiles error %v, ReadFile error %v", name, errs[i], oneErr)
		}
		if !bytes.Equal(got[i], one) {
			t.Errorf("%q: ReadFiles read %d bytes, ReadFile %d", name, len(got[i]), len(one))
		}
		if w, ok := want[name]; ok && (!bytes.Equal(got[i], w) || errs[i] != nil) {
			t.Errorf("%q: read %d bytes (%v), want %d", name, len(got[i]), errs[i], len(w))
		}
	}
	for i, name := range bad[:2] {
		var pe *fs.PathError
		if err := errs[len(names)+i]; !errors.As(err, &pe) || pe.Path != name {
			t.Errorf("%q: error %v, want a *fs.PathError naming the file", name, err)
		}
	}
	if err := errs[len(names)]; !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file: %v, want fs.ErrNotExist", err)
	}
	if err := errs[len(names)+1]; !errors.Is(err, syscall.EISDIR) {
		t.Errorf("directory: %v, want EISDIR", err)
	}
	for _, err := range errs[len(names)+2 : len(names)+5] {
		if !errors.Is(err, fs.ErrInvalid) {
			t.Errorf("invalid name: %v, want fs.ErrInvalid", err)
		}
	}
}

func TestReadFilesOfAPathTooLong(t *testing.T) {
	t.Parallel()
	name := strings.Repeat("d/", 2100) + "1_a.sql" // longer than a path may be (PATH_MAX)
	got, errs := New(t.TempDir()).ReadFiles([]string{name})
	one, oneErr := New(t.TempDir()).ReadFile(name)
	if got[0] != nil || one != nil || errs[0] == nil || oneErr == nil || !errors.Is(errs[0], syscall.ENAMETOOLONG) {
		t.Errorf("ReadFiles = %v, %v; ReadFile = %v, %v; want ENAMETOOLONG from both", got[0], errs[0], one, oneErr)
	}
}

func TestFSBehavesAsDirFS(t *testing.T) {
	t.Parallel()
	dir, names, want := folder(t, 6)
	if err := fstest.TestFS(New(dir), names...); err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		if b, err := fs.ReadFile(New(dir), n); err != nil || !bytes.Equal(b, want[n]) {
			t.Errorf("fs.ReadFile(%s) = %d bytes, %v", n, len(b), err)
		}
	}
}

func TestReadDirAsDirFS(t *testing.T) {
	t.Parallel()
	dir, _, _ := folder(t, 50)
	for _, d := range []string{"b.sql", "sub/deeper"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink("00001_m1.sql", filepath.Join(dir, "link.sql")); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{".", "sub", "missing", "00001_m1.sql", "../x"} {
		got, err := New(dir).ReadDir(name)
		want, wantErr := fs.ReadDir(os.DirFS(dir), name)
		if (err == nil) != (wantErr == nil) || err != nil && err.Error() != wantErr.Error() {
			t.Errorf("ReadDir(%q) error %v, os.DirFS's %v", name, err, wantErr)
			continue
		}
		if len(got) != len(want) {
			t.Fatalf("ReadDir(%q): %d entries, os.DirFS %d", name, len(got), len(want))
		}
		for i := range got {
			if got[i].Name() != want[i].Name() || got[i].IsDir() != want[i].IsDir() || got[i].Type() != want[i].Type() {
				t.Errorf("ReadDir(%q)[%d] = %v, os.DirFS %v", name, i, got[i], want[i])
			}
		}
	}
}
