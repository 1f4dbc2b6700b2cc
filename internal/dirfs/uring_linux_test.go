package dirfs

import (
	"bytes"
	"path/filepath"
	"testing"
)

func TestReadManyWithoutRing(t *testing.T) {
	t.Parallel()
	dir, names, want := folder(t, 30)
	paths := make([]string, len(names))
	for i, n := range names {
		paths[i] = filepath.Join(dir, n)
	}
	out := make([][]byte, len(paths))
	errs := make([]error, len(paths))
	readRangeWith(nil, paths, out, errs)
	for i, n := range names {
		if errs[i] != nil || !bytes.Equal(out[i], want[n]) {
			t.Errorf("%s: %d bytes, %v; want %d", n, len(out[i]), errs[i], len(want[n]))
		}
	}
}
