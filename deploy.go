package tide

import (
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/tidemigrate/tide/dialect"
	"github.com/tidemigrate/tide/history"
)

// A deploy in one transaction sends its statements in batches where the
// database can (see [dialect.Batcher]): up to batchStatements statements
// or batchBytes of SQL in one round trip.
const (
	batchStatements = 500
	batchBytes      = 1 << 20
)

// deployment is the state of a deploy in one transaction (runSingleTx):
// the statements queued for the next batch, and when each migration
// started and ended.
type deployment struct {
	m    *Migrator
	s    *session
	tx   *sql.Tx
	plan []Planned
	// batch is what the next round trip sends, size its bytes.
	batch []queued
	size  int
	// batcher sends batches; nil: each statement goes alone.
	batcher dialect.Batcher
	// at is when the statement under way started, as far as the client
	// can tell: when the answer to the one before it came.
	at         time.Time
	start, end []time.Time // of each planned migration
}

// queued is statement i (0-based) of planned step p.
type queued struct {
	p, i int
	sql  string
}

// deploy applies plan in tx, which it does not commit, and writes the
// records at its end: the new ones in a few multi-row INSERTs. Statements
// go in batches where the database can; on a failure, the error names the
// failing statement as when they run one by one.
func (m *Migrator) deploy(s *session, tx *sql.Tx, plan []Planned, recs []history.Record) ([]Result, error) {
	d := &deployment{m: m, s: s, tx: tx, plan: plan, start: make([]time.Time, len(plan)), end: make([]time.Time, len(plan))}
	d.batcher, _ = m.d.(dialect.Batcher)
	for k, p := range plan {
		stmts := p.mig.Statements(Up)
		if f := p.mig.Func(Up); f != nil || len(stmts) == 0 {
			// A Go migration runs in its turn, after every statement before it.
			if err := d.flush(); err != nil {
				return nil, err
			}
			d.begin(k)
			if f != nil {
				if err := f(s.ctx, tx); err != nil {
					return nil, d.fail(k, -1, err)
				}
			}
			d.end[k] = time.Now()
		}
		for i, st := range stmts {
			d.batch = append(d.batch, queued{p: k, i: i, sql: st.SQL})
			d.size += len(st.SQL)
			if len(d.batch) >= batchStatements || d.size >= batchBytes {
				if err := d.flush(); err != nil {
					return nil, err
				}
			}
		}
		if hasChecks(p.mig, Up) {
			// Its checks read what its statements wrote: send them first.
			if err := d.flush(); err != nil {
				return nil, err
			}
			if err := m.checksAfter(s.ctx, tx, p.mig, Up); err != nil {
				e := m.checkFailure(s.ctx, p.mig, err, 0, true)
				m.emit(s.ctx, MigrationFailed{Migration: *p.mig, Direction: Up, Err: e})
				return nil, e
			}
		}
	}
	if err := d.flush(); err != nil {
		return nil, err
	}
	return d.record(recs)
}

// record writes the records of the deploy and returns its results.
func (d *deployment) record(recs []history.Record) ([]Result, error) {
	m, s := d.m, d.s
	idx := byKey(recs)
	var inserts []history.Record
	results := make([]Result, len(d.plan))
	for k, p := range d.plan {
		r := m.appliedRecord(p.mig, d.start[k])
		r.AppliedAt, r.Duration = d.end[k], d.end[k].Sub(d.start[k])
		r.Seq = s.nextSeq()
		if _, ok := idx[p.mig.Key()]; ok {
			if err := m.hist.Update(s.ctx, d.tx, r); err != nil {
				return nil, d.fail(k, -1, err)
			}
		} else {
			inserts = append(inserts, r)
		}
		results[k] = Result{Migration: *p.mig, Direction: Up, Duration: r.Duration}
	}
	if err := m.hist.InsertMany(s.ctx, d.tx, inserts); err != nil {
		return nil, fmt.Errorf("tide: record the migrations applied: %w", err)
	}
	return results, nil
}

// begin reports that planned step k starts.
func (d *deployment) begin(k int) {
	mig := d.plan[k].mig
	d.start[k] = time.Now()
	d.m.emit(d.s.ctx, MigrationStarted{Migration: *mig, Direction: Up, Statements: len(mig.Statements(Up))})
}

// starting reports that queued statement q starts.
func (d *deployment) starting(q queued) {
	if q.i == 0 {
		d.begin(q.p)
	}
	mig := d.plan[q.p].mig
	stmts := mig.Statements(Up)
	d.at = time.Now()
	d.m.emit(d.s.ctx, StatementStarted{Migration: *mig, Direction: Up, Index: q.i + 1, Total: len(stmts), Line: stmts[q.i].Line})
}

// finished reports that queued statement q is done.
func (d *deployment) finished(q queued) {
	mig := d.plan[q.p].mig
	stmts := mig.Statements(Up)
	now := time.Now()
	d.m.emit(d.s.ctx, StatementDone{Migration: *mig, Direction: Up, Index: q.i + 1, Total: len(stmts), Line: stmts[q.i].Line, Duration: now.Sub(d.at)})
	if q.i == len(stmts)-1 {
		d.end[q.p] = now
	}
}

// flush runs the queued statements: in one round trip through the
// batcher, else one by one.
func (d *deployment) flush() error {
	batch := d.batch
	d.batch, d.size = d.batch[:0], 0
	if len(batch) == 0 {
		return nil
	}
	announced := false // the first statement's start
	if d.batcher != nil {
		sqls := make([]string, len(batch))
		for i, q := range batch {
			sqls[i] = q.sql
		}
		d.starting(batch[0])
		announced = true
		failed, err := d.batcher.ExecBatch(d.s.ctx, d.s.conn, sqls, func(i int) {
			d.finished(batch[i])
			if i+1 < len(batch) {
				d.starting(batch[i+1])
			}
		})
		switch {
		case errors.Is(err, dialect.ErrNoBatch):
			d.batcher = nil // and the statements go one by one below
		case err != nil:
			return d.fail(batch[failed].p, batch[failed].i, err)
		default:
			return nil
		}
	}
	for j, q := range batch {
		if j > 0 || !announced {
			d.starting(q)
		}
		if _, err := d.tx.ExecContext(d.s.ctx, q.sql); err != nil {
			return d.fail(q.p, q.i, err)
		}
		d.finished(q)
	}
	return nil
}

// fail reports the failure err of statement i (0-based; -1 for none) of
// planned step k and returns the error of the deploy.
func (d *deployment) fail(k, i int, err error) error {
	mig := d.plan[k].mig
	e := d.m.migrationError(d.s.ctx, mig, Up, mig.Statements(Up), i, err)
	e.Transactional = true
	d.m.emit(d.s.ctx, MigrationFailed{Migration: *mig, Direction: Up, Err: e})
	return e
}
