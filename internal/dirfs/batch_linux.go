package dirfs

import (
	"runtime"
	"sync"
)

// readMany reads the files at paths into out, or sets the error of each
// in errs: on every processor, each with an io_uring ring where the
// kernel allows one, one file at a time otherwise. It skips the empty
// paths.
func readMany(paths []string, out [][]byte, errs []error) {
	workers := min(runtime.GOMAXPROCS(0), maxRings, (len(paths)+batchFiles-1)/batchFiles)
	var wg sync.WaitGroup
	for w := range workers {
		lo, hi := w*len(paths)/workers, (w+1)*len(paths)/workers
		wg.Go(func() { readRange(paths[lo:hi], out[lo:hi], errs[lo:hi]) })
	}
	wg.Wait()
}

// readRange reads paths in batches on a ring of its own.
func readRange(paths []string, out [][]byte, errs []error) {
	r, err := newRing()
	if err != nil {
		r = nil // a kernel without io_uring, or where it is not allowed
	}
	readRangeWith(r, paths, out, errs)
}

// readRangeWith reads paths in batches on r, else (nil, or once it
// fails) one by one, and closes r.
func readRangeWith(r *ring, paths []string, out [][]byte, errs []error) {
	ok := make([]bool, batchFiles)
	for lo := 0; lo < len(paths); lo += batchFiles {
		hi := min(lo+batchFiles, len(paths))
		clear(ok)
		if r != nil {
			if err := r.read(paths[lo:hi], out[lo:hi], ok); err != nil {
				// Requests may still be in flight: leave the ring and
				// its mappings to the kernel, for the process's life.
				r = nil
				clear(ok)
			}
		}
		for i := lo; i < hi; i++ {
			if !ok[i-lo] && paths[i] != "" {
				out[i], errs[i] = readFile(paths[i])
			}
		}
	}
	if r != nil {
		r.close()
	}
}
