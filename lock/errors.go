package lock

import "errors"

var (
	// ErrTimeout is returned by [Acquire], wrapped with the key, who holds
	// the lock and how long Acquire waited, when another holder kept the
	// lock for the whole [Options.Wait].
	ErrTimeout = errors.New("lock: timed out waiting for the lock")
	// ErrLost is the cause with which [Held.Context] is cancelled when a
	// lease could not be renewed (another holder may take it over), and is
	// wrapped in the error of [Held.Fence] or [Held.FenceTx] when another
	// holder owns the lease now.
	ErrLost = errors.New("lock: lost the lease")
)
