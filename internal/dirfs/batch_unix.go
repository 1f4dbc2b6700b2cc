//go:build darwin || freebsd || netbsd || openbsd || dragonfly

package dirfs

import "github.com/tidemigrate/tide/internal/parallel"

// readMany reads the files at paths into out, or sets the error of each
// in errs, on every processor. It skips the empty paths.
func readMany(paths []string, out [][]byte, errs []error) {
	parallel.For(len(paths), func(i int) {
		if paths[i] != "" {
			out[i], errs[i] = readFile(paths[i])
		}
	})
}
