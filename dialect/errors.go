package dialect

import "errors"

// ErrLockTimeout is returned by [SessionLocker.LockSession] when the lock
// stayed held by another session for the whole wait.
var ErrLockTimeout = errors.New("dialect: timed out waiting for the migration lock")
