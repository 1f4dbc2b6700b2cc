package tide

import (
	"context"
	"errors"
)

// Hold takes the migration lock once and calls fn with a [Holder], whose
// UpTo and Down apply and revert migrations under that lock exactly as
// the Migrator's do, without taking the lock, configuring a session and
// checking the version table again for each call. It is for a caller
// that applies and reverts migrations one at a time and works on the
// database in between, as verify-rollback does (it inspects the schema
// after each): every call of [Migrator.UpTo] or [Migrator.Down] pays
// about six round trips before it runs anything.
//
// The lock is released when fn returns, also when ctx is cancelled; a
// lost lease (lock mode table) cancels the calls under way. The Holder
// must not be used after fn returns, nor by two goroutines at once.
func (m *Migrator) Hold(ctx context.Context, fn func(h *Holder) error) error {
	return m.withLock(ctx, func(s *session) error {
		h := &Holder{m: m, s: s}
		defer func() { h.s = nil }()
		return fn(h)
	})
}

// Holder applies and reverts migrations under the lock that
// [Migrator.Hold] holds.
type Holder struct {
	m *Migrator
	s *session
}

// errHolderDone is returned by a Holder used after its Hold returned.
var errHolderDone = errors.New("tide: the lock of this Holder was released: use it only inside Hold's function")

// UpTo is [Migrator.UpTo] under the held lock: it applies the pending
// migrations up to and including target (all of them when target is
// zero), in version order.
func (h *Holder) UpTo(ctx context.Context, target Version) ([]Result, error) {
	if err := h.m.checkTarget(target); err != nil {
		return nil, err
	}
	var results []Result
	err := h.run(ctx, func(s *session) error {
		recs, err := h.m.lockedRecords(s)
		if err != nil {
			return err
		}
		plan, err := h.m.planUp(recs, target)
		if err != nil {
			return err
		}
		results, err = h.m.runPlan(s, plan, recs)
		return err
	})
	return results, err
}

// Down is [Migrator.Down] under the held lock: it reverts the newest
// applied migration, and returns no results when nothing is applied.
func (h *Holder) Down(ctx context.Context) ([]Result, error) {
	var results []Result
	err := h.run(ctx, func(s *session) error {
		recs, err := h.m.lockedRecords(s)
		if err != nil {
			return err
		}
		plan, err := h.m.planDown(recs, Version{}, 1)
		if err != nil {
			return err
		}
		results, err = h.m.runPlan(s, plan, recs)
		return err
	})
	return results, err
}

// run calls fn with the held session, its context cancelled when ctx is
// or when the lock is lost.
func (h *Holder) run(ctx context.Context, fn func(s *session) error) error {
	if h.s == nil {
		return errHolderDone
	}
	held := h.s.ctx
	c, cancel := context.WithCancelCause(ctx)
	stop := context.AfterFunc(held, func() { cancel(context.Cause(held)) })
	h.s.ctx = c
	defer func() {
		h.s.ctx = held
		stop()
		cancel(nil)
	}()
	return fn(h.s)
}
