package tide

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/tidemigrate/tide/history"
	"github.com/tidemigrate/tide/migration"
)

// Up applies every pending migration in version order. See [Migrator.UpTo].
func (m *Migrator) Up(ctx context.Context) ([]Result, error) {
	return m.UpTo(ctx, Version{})
}

// UpTo applies the pending migrations up to and including target (all of
// them when target is zero), in version order, each exactly once even when
// several migrators race: it checks cheaply whether anything is pending,
// and only then takes the migration lock and looks again.
//
// It refuses to start on drift (*[DriftError]), out-of-order pending
// migrations (*[OutOfOrderError], unless allowed) or a half-reverted
// migration (*[PartialError]). A failing migration stops the run with a
// *[MigrationError]; the results of the migrations applied before it are
// returned with it.
//
// On a database without tide's version table, where another tool's
// history table lists applied migrations (goose, Flyway, an ORM...: see
// [adopt.DetectApplied]; an empty one is ignored), UpTo refuses to run every migration again from the first, with an
// *[OtherHistoryError]: record that history with [Migrator.Adopt] first,
// or pass [WithIgnoreOtherHistory].
func (m *Migrator) UpTo(ctx context.Context, target Version) ([]Result, error) {
	if err := m.checkTarget(target); err != nil {
		return nil, err
	}
	// Most runs find every migration applied: two columns of each record
	// tell so. Otherwise every column is read, to plan or to refuse.
	briefs, ok, err := m.hist.Briefs(ctx, m.db)
	if err != nil {
		return nil, fmt.Errorf("tide: %w", err)
	}
	if ok && m.UpToDate(briefs, target) {
		return nil, nil
	}
	recs, err := m.hist.List(ctx, m.db)
	if err != nil {
		return nil, fmt.Errorf("tide: %w", err)
	}
	if recs == nil {
		if err := m.refuseOtherHistory(ctx); err != nil {
			return nil, err
		}
	}
	plan, err := m.planUp(recs, target)
	if err != nil {
		return nil, err
	}
	if len(plan) == 0 && recs != nil {
		return nil, nil // nothing to do: no need to queue for the lock
	}
	var results []Result
	err = m.withLock(ctx, func(s *session) error {
		recs, err := m.lockedRecords(s)
		if err != nil {
			return err
		}
		plan, err := m.planUp(recs, target)
		if err != nil {
			return err
		}
		if m.cfg.singleTx && len(plan) > 0 {
			results, err = m.runSingleTx(s, plan, recs)
			return err
		}
		results, err = m.runPlan(s, plan, recs)
		return err
	})
	return results, err
}

// Down reverts the newest applied migration. It returns no results when
// nothing is applied.
func (m *Migrator) Down(ctx context.Context) ([]Result, error) {
	return m.down(ctx, Version{}, 1)
}

// DownTo reverts, newest first, every applied migration newer than target,
// which stays applied. Every migration to revert is checked first (file
// present and unchanged, down section present): if one cannot be reverted,
// nothing is.
func (m *Migrator) DownTo(ctx context.Context, target Version) ([]Result, error) {
	if target.IsZero() {
		return nil, fmt.Errorf("tide: DownTo needs a version; use DownAll to revert every migration")
	}
	if err := m.checkTarget(target); err != nil {
		return nil, err
	}
	return m.down(ctx, target, 0)
}

// DownAll reverts every applied migration, newest first.
func (m *Migrator) DownAll(ctx context.Context) ([]Result, error) {
	return m.down(ctx, Version{}, -1)
}

func (m *Migrator) down(ctx context.Context, target Version, n int) ([]Result, error) {
	var results []Result
	err := m.withLock(ctx, func(s *session) error {
		recs, err := m.lockedRecords(s)
		if err != nil {
			return err
		}
		plan, err := m.planDown(recs, target, n)
		if err != nil {
			return err
		}
		results, err = m.runPlan(s, plan, recs)
		return err
	})
	return results, err
}

// Redo reverts the newest applied migration and applies it again, under
// one hold of the lock.
func (m *Migrator) Redo(ctx context.Context) ([]Result, error) {
	var results []Result
	err := m.withLock(ctx, func(s *session) error {
		recs, err := m.lockedRecords(s)
		if err != nil {
			return err
		}
		plan, err := m.planDown(recs, Version{}, 1)
		if err != nil || len(plan) == 0 {
			return err
		}
		if results, err = m.runPlan(s, plan, recs); err != nil {
			return err
		}
		up := planned(plan[0].mig, Up, 0)
		r, err := m.run(s, up, nil)
		results = append(results, r)
		return err
	})
	return results, err
}

// runPlan runs the planned steps in order and stops at the first failure.
func (m *Migrator) runPlan(s *session, plan []Planned, recs []history.Record) ([]Result, error) {
	idx := byKey(recs)
	recOf := func(p Planned) *history.Record {
		if r, ok := idx[p.Migration.Key()]; ok {
			return &r
		}
		return nil
	}
	defer func() { s.next, s.opened = nil, nil }()
	var results []Result
	for i, p := range plan {
		rec := recOf(p)
		s.next = nil
		if i+1 < len(plan) {
			s.next = m.ahead(s, plan[i+1], recOf(plan[i+1]))
		}
		r, err := m.run(s, p, rec)
		if err != nil {
			return results, err
		}
		results = append(results, r)
	}
	return results, nil
}

// Baseline records every migration up to and including target as applied
// without running it, to adopt a database whose schema already has them.
// Migrations already recorded are left as they are.
func (m *Migrator) Baseline(ctx context.Context, target Version) ([]Result, error) {
	if target.IsZero() {
		return nil, errors.New("tide: Baseline needs a version")
	}
	var todo []*migration.Migration
	for _, mig := range m.migs {
		if mig.Version.Compare(target) <= 0 {
			todo = append(todo, mig)
		}
	}
	if len(todo) == 0 {
		return nil, fmt.Errorf("tide: no migration has a version at or below %s: nothing to baseline", target)
	}
	var results []Result
	err := m.withLock(ctx, func(s *session) error {
		recs, err := m.lockedRecords(s)
		if err != nil {
			return err
		}
		done := byKey(recs)
		for _, mig := range todo {
			if _, ok := done[mig.Key()]; ok {
				continue
			}
			r := m.appliedRecord(mig, time.Now())
			r.Kind = history.KindBaseline
			r.Duration = 0
			if err := m.hist.Insert(s.ctx, s.conn, r); err != nil {
				return fmt.Errorf("tide: %w", err)
			}
			m.emit(ctx, Baselined{Migration: *mig})
			results = append(results, Result{Migration: *mig, Direction: Up, Baselined: true})
		}
		return nil
	})
	return results, err
}

// Plan returns what UpTo(ctx, target) would run, without changing
// anything (it does not even create the version table). It returns the
// same errors as UpTo for drift and out-of-order migrations.
func (m *Migrator) Plan(ctx context.Context, target Version) ([]Planned, error) {
	if err := m.checkTarget(target); err != nil {
		return nil, err
	}
	recs, err := m.hist.List(ctx, m.db)
	if err != nil {
		return nil, fmt.Errorf("tide: %w", err)
	}
	return m.planUp(recs, target)
}

// PlanDown returns what a revert would run, newest first, without
// changing anything: DownTo(ctx, target) when target is not zero,
// DownAll(ctx) when all is set, else Down(ctx). It returns the errors the
// revert would (drift among the migrations to revert, a missing down
// section, a partially applied migration).
func (m *Migrator) PlanDown(ctx context.Context, target Version, all bool) ([]Planned, error) {
	if err := m.checkTarget(target); err != nil {
		return nil, err
	}
	recs, err := m.hist.List(ctx, m.db)
	if err != nil {
		return nil, fmt.Errorf("tide: %w", err)
	}
	n := 1
	switch {
	case !target.IsZero():
		n = 0
	case all:
		n = -1
	}
	return m.planDown(recs, target, n)
}

// checkTarget rejects a target version that names no known migration.
func (m *Migrator) checkTarget(target Version) error {
	if !target.IsZero() && m.find(target) == nil {
		return fmt.Errorf("%w: %s", ErrUnknownVersion, target)
	}
	return nil
}

// lockedRecords reads the version table under the lock, with the
// statements that stopped runs may have left running settled first.
func (m *Migrator) lockedRecords(s *session) ([]history.Record, error) {
	recs, err := m.hist.List(s.ctx, s.conn)
	if err != nil {
		return nil, fmt.Errorf("tide: %w", err)
	}
	for _, r := range recs {
		s.seq = max(s.seq, r.Seq)
	}
	return m.settleIntents(s, recs)
}
