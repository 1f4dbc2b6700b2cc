//go:build unix

package lock

import (
	"errors"
	"syscall"
)

// processRuns reports whether a process with this pid runs on this host:
// signal 0 checks without sending anything. A process of another user
// (EPERM) runs too.
func processRuns(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || !errors.Is(err, syscall.ESRCH)
}
