package lock

import (
	"log/slog"
	"time"
)

// Waiting is reported when another holder has the lock and [Acquire]
// starts waiting for it.
type Waiting struct {
	Key string
	// Holder names who holds the lock: for a session lock the database
	// session where the dialect can tell ("pid 4242 (application tide,
	// host 10.0.0.7, connected 3m0s ago)"), else "another session"; for a
	// lease its owner (host:pid:random) and when the lease expires.
	Holder string
}

// Acquired is reported when [Acquire] takes the lock.
type Acquired struct {
	Key    string
	Waited time.Duration // since Acquire was called
}

// Kind returns "lock_waiting".
func (Waiting) Kind() string { return "lock_waiting" }

// Kind returns "lock_acquired".
func (Acquired) Kind() string { return "lock_acquired" }

// LogRecord describes the event to a logger.
func (e Waiting) LogRecord() (slog.Level, string, []slog.Attr) {
	return slog.LevelInfo, "waiting for lock", []slog.Attr{slog.String("key", e.Key), slog.String("holder", e.Holder)}
}

// LogRecord describes the event to a logger.
func (e Acquired) LogRecord() (slog.Level, string, []slog.Attr) {
	return slog.LevelDebug, "lock acquired", []slog.Attr{slog.String("key", e.Key), slog.Duration("waited", e.Waited)}
}
