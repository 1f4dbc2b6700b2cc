package tide

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/tidemigrate/tide/dialect"
	"github.com/tidemigrate/tide/migration"
)

// Back-off between tries after a lock timeout: it starts at firstBackoff,
// doubles, stays under maxBackoff, and is jittered by ±50 % so that racing
// migrators and the application's queries interleave.
const (
	firstBackoff = 200 * time.Millisecond
	maxBackoff   = 10 * time.Second
)

// retryLockTimeout runs attempt, and runs it again while it fails because a
// statement timed out waiting for a table lock, within the configured
// tries and budget. Each retry is reported with the sessions that may hold
// the lock. attempt must leave nothing behind when it fails so: a
// statement that timed out did nothing, and a transaction rolled back.
func (m *Migrator) retryLockTimeout(s *session, mig *migration.Migration, line int, attempt func() error) error {
	det, ok := m.d.(dialect.LockTimeoutDetector)
	if !ok || m.cfg.lockRetries <= 1 || m.cfg.lockTimeout == 0 {
		return attempt()
	}
	start := time.Now()
	backoff := firstBackoff
	for n := 1; ; n++ {
		err := attempt()
		if err == nil || s.ctx.Err() != nil || !(det.IsLockTimeout(err) || isLockWait(err)) {
			return err
		}
		wait := backoff/2 + rand.N(backoff)
		if n >= m.cfg.lockRetries || time.Since(start)+wait > m.cfg.lockRetryBudget {
			return &lockRetriesError{err: err, tries: n, spent: time.Since(start), blockers: m.blockers(s)}
		}
		m.emit(s.ctx, LockRetry{Migration: *mig, Line: line, Attempt: n, Wait: wait, Blockers: m.blockers(s), Err: err})
		t := time.NewTimer(wait)
		select {
		case <-s.ctx.Done():
			t.Stop()
			return err
		case <-t.C:
		}
		backoff = min(backoff*2, maxBackoff)
	}
}

// blockers names the sessions that may hold the lock a statement of s
// waited for, where the database can tell; "" otherwise.
func (m *Migrator) blockers(s *session) string {
	bf, ok := m.d.(dialect.BlockerFinder)
	if !ok || s.id == "" {
		return ""
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(s.ctx), 5*time.Second)
	defer cancel()
	b, err := bf.Blockers(ctx, m.db, s.id)
	if err != nil {
		return ""
	}
	return b
}

// isLockWait reports whether err is a statement that tide stopped after it
// waited for a lock as long as the lock timeout (see [Migrator.execWatched]).
func isLockWait(err error) bool {
	_, ok := errors.AsType[*lockWaitError](err)
	return ok
}

// lockRetriesError is a lock timeout that outlasted every try.
type lockRetriesError struct {
	err      error
	tries    int
	spent    time.Duration
	blockers string
}

func (e *lockRetriesError) Error() string {
	s := fmt.Sprintf("%v (tried %d times in %s", e.err, e.tries, e.spent.Round(time.Millisecond))
	if e.blockers != "" {
		s += "; oldest open transactions: " + e.blockers
	}
	return s + "; retry when they end, or raise the lock timeout, retries or budget)"
}

func (e *lockRetriesError) Unwrap() error { return e.err }
