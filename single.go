package tide

import (
	"database/sql"
	"errors"
	"fmt"
	"strings"

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
	seq := s.seq
	err := m.retryLockTimeout(s, plan[0].mig, 0, func() error {
		s.seq = seq
		return s.inTx(func(tx *sql.Tx) error {
			if lt, ok := m.d.(dialect.LocalLockTimeoutSetter); ok && m.cfg.lockTimeout > 0 && !s.timeoutSet {
				if err := lt.SetLocalLockTimeout(s.ctx, tx, m.cfg.lockTimeout); err != nil {
					return wrap(err)
				}
			}
			var err error
			results, err = m.deploy(s, tx, plan, recs)
			return err
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
