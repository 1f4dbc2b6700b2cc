package tide

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/tidemigrate/tide/dialect"
)

// execWatched runs a statement alone on the session's connection. Where
// the database's lock timeout counts whole seconds
// ([dialect.LockWaitWatcher]: MySQL) and tide's is finer, it watches the
// session while the statement runs and cancels the statement once it has
// waited for a lock as long as tide's lock timeout: the application's
// queries, which queue behind a DDL statement waiting for its table lock,
// then wait no longer than that either. The error is then a
// *lockWaitError, which [Migrator.retryLockTimeout] retries.
func (m *Migrator) execWatched(s *session, query string) error {
	w, ok := m.d.(dialect.LockWaitWatcher)
	c, canCancel := m.d.(dialect.Canceler)
	d := m.cfg.lockTimeout
	if !ok || !canCancel || s.id == "" || d <= 0 || d%time.Second == 0 {
		_, err := s.conn.ExecContext(s.ctx, query)
		return err
	}
	var (
		mu     sync.Mutex
		done   bool          // the statement returned: cancel nothing any more
		waited time.Duration // set when the watch cancelled the statement
	)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		// The wait began after the last look that found the session not
		// waiting (or after the statement started), so it is cancelled
		// after at most d, and not before d minus one poll.
		poll := min(max(d/4, 10*time.Millisecond), 250*time.Millisecond)
		t := time.NewTicker(poll)
		defer t.Stop()
		free := time.Now()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
			}
			ctx, cancel := context.WithTimeout(s.ctx, time.Second)
			waiting, err := w.WaitingForLock(ctx, m.db, s.id)
			now := time.Now()
			if err != nil {
				cancel()
				return // the server's own, coarser, timeout still holds
			}
			if !waiting {
				free = now
				cancel()
				continue
			}
			if now.Sub(free) < d {
				cancel()
				continue
			}
			mu.Lock()
			if !done && c.CancelSession(ctx, m.db, s.id) == nil {
				waited = now.Sub(free)
			}
			mu.Unlock()
			cancel()
			return
		}
	})
	_, err := s.conn.ExecContext(s.ctx, query)
	mu.Lock()
	done = true
	mu.Unlock()
	close(stop)
	wg.Wait()
	if err != nil && waited > 0 {
		return &lockWaitError{waited: waited, err: err}
	}
	return err
}

// lockWaitError is a statement that tide cancelled because it waited for
// a lock as long as the lock timeout.
type lockWaitError struct {
	waited time.Duration
	err    error
}

func (e *lockWaitError) Error() string {
	return fmt.Sprintf("lock wait timeout: waited %s for a lock, the lock timeout, and stopped the statement (%v)", e.waited.Round(time.Millisecond), e.err)
}

func (e *lockWaitError) Unwrap() error { return e.err }
