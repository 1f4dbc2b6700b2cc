package tide

import (
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/tidemigrate/tide/dialect"
	"github.com/tidemigrate/tide/history"
)

// ErrSingleTransaction is wrapped in the error of an Up with
// [WithSingleTransaction] that cannot run in one transaction: the
// database commits DDL implicitly (MySQL), or a migration to apply runs
// outside a transaction or was left partial. Nothing was applied.
var ErrSingleTransaction = errors.New("tide: cannot apply in a single transaction")

// runSingleTx applies the whole plan, with every record, in one
// transaction: all of it or nothing. Lock timeouts retry the whole
// transaction.
func (m *Migrator) runSingleTx(s *session, plan []Planned, recs []history.Record) ([]Result, error) {
	if err := m.checkSingleTx(plan, recs); err != nil {
		return nil, err
	}
	idx := byKey(recs)
	for _, p := range plan {
		var rec *history.Record
		if r, ok := idx[p.Migration.Key()]; ok {
			rec = &r
		}
		if _, err := m.backUp(s, p, rec); err != nil {
			return nil, err
		}
	}
	var results []Result
	err := m.retryLockTimeout(s, plan[0].mig, 0, func() error {
		results = nil
		return s.inTx(func(tx *sql.Tx) error {
			if lt, ok := m.d.(dialect.LocalLockTimeoutSetter); ok && m.cfg.lockTimeout > 0 && !s.timeoutSet {
				if err := lt.SetLocalLockTimeout(s.ctx, tx, m.cfg.lockTimeout); err != nil {
					return wrap(err)
				}
			}
			idx := byKey(recs)
			for _, p := range plan {
				var rec *history.Record
				if r, ok := idx[p.Migration.Key()]; ok {
					rec = &r
				}
				r, err := m.runInTx(s, tx, p, rec)
				if err != nil {
					return err
				}
				results = append(results, r)
			}
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	for _, r := range results {
		m.emit(s.ctx, MigrationDone{Migration: r.Migration, Direction: Up, Duration: r.Duration})
	}
	return results, nil
}

// checkSingleTx refuses a plan that one transaction cannot hold.
func (m *Migrator) checkSingleTx(plan []Planned, recs []history.Record) error {
	if _, ok := m.d.(dialect.ImplicitCommitter); ok {
		return fmt.Errorf("%w: %s commits DDL implicitly, so no transaction can hold a deploy; run without it (each migration is then recorded as it goes)", ErrSingleTransaction, m.d.Title())
	}
	idx := byKey(recs)
	var bad []string
	for _, p := range plan {
		mig := p.mig
		r, partial := idx[mig.Key()]
		switch {
		case mig.NoTransaction:
			bad = append(bad, mig.Label()+" runs outside a transaction")
		case partial && r.State == history.StatePartial:
			bad = append(bad, mig.Label()+" is partially applied")
		}
	}
	if len(bad) > 0 {
		return fmt.Errorf("%w: %s; apply those without it first", ErrSingleTransaction, strings.Join(bad, ", "))
	}
	return nil
}

// runInTx applies one planned migration inside tx, with its record.
func (m *Migrator) runInTx(s *session, tx *sql.Tx, p Planned, rec *history.Record) (Result, error) {
	mig := p.mig
	stmts := mig.Statements(Up)
	m.emit(s.ctx, MigrationStarted{Migration: *mig, Direction: Up, Statements: len(stmts)})
	start := time.Now()
	fail := func(i int, err error) error {
		e := m.migrationError(s.ctx, mig, Up, stmts, i, err)
		e.Transactional = true
		m.emit(s.ctx, MigrationFailed{Migration: *mig, Direction: Up, Err: e})
		return e
	}
	if f := mig.Func(Up); f != nil {
		if err := f(s.ctx, tx); err != nil {
			return Result{}, fail(-1, err)
		}
	}
	for i, st := range stmts {
		m.emit(s.ctx, StatementStarted{Migration: *mig, Direction: Up, Index: i + 1, Total: len(stmts), Line: st.Line})
		t := time.Now()
		if _, err := tx.ExecContext(s.ctx, st.SQL); err != nil {
			return Result{}, fail(i, err)
		}
		m.emit(s.ctx, StatementDone{Migration: *mig, Direction: Up, Index: i + 1, Total: len(stmts), Line: st.Line, Duration: time.Since(t)})
	}
	if err := m.checksAfter(s.ctx, tx, mig, Up); err != nil {
		e := m.checkFailure(s.ctx, mig, err, 0, true)
		m.emit(s.ctx, MigrationFailed{Migration: *mig, Direction: Up, Err: e})
		return Result{}, e
	}
	if err := m.finish(s.ctx, s, tx, mig, Up, rec, start); err != nil {
		return Result{}, fail(-1, err)
	}
	return Result{Migration: *mig, Direction: Up, Duration: time.Since(start)}, nil
}
