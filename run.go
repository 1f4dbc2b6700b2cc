package tide

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"time"

	"github.com/tidemigrate/tide/dialect"
	"github.com/tidemigrate/tide/history"
	"github.com/tidemigrate/tide/migration"
)

// Result reports one migration that an operation applied or reverted.
type Result struct {
	Migration Migration
	Direction Direction
	Duration  time.Duration
	// Resumed is the number of leading statements skipped because an
	// interrupted earlier run had applied them.
	Resumed int
	// Baselined reports a migration recorded by Baseline without running.
	Baselined bool
	// Adopted reports a migration recorded by Adopt: another tool ran it.
	Adopted bool
}

// transactional reports whether the migration can run in one transaction
// with its version record.
func (m *Migrator) transactional(mig *migration.Migration, stmts []Statement) bool {
	if mig.NoTransaction {
		return false
	}
	return !m.commitsImplicitly(stmts)
}

func (m *Migrator) commitsImplicitly(stmts []Statement) bool {
	ic, ok := m.d.(dialect.ImplicitCommitter)
	if !ok {
		return false
	}
	for _, s := range stmts {
		if ic.CommitsImplicitly(s.SQL) {
			return true
		}
	}
	return false
}

// run applies or reverts one planned migration. rec is its current record,
// if any.
func (m *Migrator) run(s *session, p Planned, rec *history.Record) (Result, error) {
	mig := p.mig
	stmts := mig.Statements(p.Direction)
	res := Result{Migration: *mig, Direction: p.Direction, Resumed: p.Resume}
	// A migration left partial by an earlier run continues statement by
	// statement, where the statements that took effect are checked.
	transactional := m.transactional(mig, stmts) && (rec == nil || rec.State != history.StatePartial)
	_, local := m.d.(dialect.LocalLockTimeoutSetter)
	if lt, ok := m.d.(dialect.LockTimeoutSetter); ok && m.cfg.lockTimeout > 0 && !s.timeoutSet && !(transactional && local) {
		restore, err := lt.SetLockTimeout(s.ctx, s.conn, m.cfg.lockTimeout)
		if err != nil {
			return res, fmt.Errorf("tide: %w", err)
		}
		defer func() { _ = restore(context.WithoutCancel(s.ctx)) }()
	}
	m.emit(s.ctx, MigrationStarted{Migration: *mig, Direction: p.Direction, Statements: len(stmts) - p.Resume, Resumed: p.Resume})
	start := time.Now()
	note, err := m.backUp(s, p, rec)
	switch {
	case err != nil:
	case mig.IsGo() && mig.NoTransaction:
		err = m.runGoConn(s, mig, p.Direction, rec, start)
	case transactional:
		err = m.retryLockTimeout(s, mig, 0, func() error { return m.runTx(s, mig, p.Direction, stmts, rec, start) })
	default:
		err = m.runStepwise(s, mig, p.Direction, stmts, rec, start)
	}
	err = withBackupNote(err, note)
	res.Duration = time.Since(start)
	if err != nil {
		m.emit(s.ctx, MigrationFailed{Migration: *mig, Direction: p.Direction, Err: err})
		return res, err
	}
	m.emit(s.ctx, MigrationDone{Migration: *mig, Direction: p.Direction, Duration: res.Duration})
	return res, nil
}

// appliedRecord is the record of a migration fully applied at the end of a
// run that started at start.
func (m *Migrator) appliedRecord(mig *migration.Migration, start time.Time) history.Record {
	return history.Record{
		Key: mig.Key(), Version: mig.Version, Name: mig.Name, Kind: kindOf(mig), Checksum: mig.Checksum,
		State: history.StateApplied, Direction: Up, Done: len(mig.Up), ProgressChecksum: migration.StatementsChecksum(mig.Up),
		AppliedAt: time.Now(), Duration: time.Since(start),
		AppliedBy: m.cfg.appliedBy, AppliedHost: m.cfg.appliedHost,
		Statements: keptStatements(mig),
	}
}

// finish records the end of a direction: the applied record after up, no
// record after down; and, with it, the opening of the next planned
// migration ([session.next]).
func (m *Migrator) finish(ctx context.Context, s *session, q dialect.Querier, mig *migration.Migration, dir Direction, rec *history.Record, start time.Time) error {
	if dir == Down {
		if err := m.hist.Remove(ctx, q, mig.Key()); err != nil {
			return err
		}
		return m.openNext(ctx, s, q)
	}
	r := m.appliedRecord(mig, start)
	r.Seq = s.nextSeq()
	var err error
	if rec != nil {
		err = m.hist.Update(ctx, q, r)
	} else {
		err = m.hist.Insert(ctx, q, r)
	}
	if err != nil {
		return err
	}
	return m.openNext(ctx, s, q)
}

// keptStatements is the text of mig's statements, kept with its record so
// that a later edit of the file can be shown as a difference from what ran
// (see [Migrator.Diff]); nil for a Go migration.
func keptStatements(mig *migration.Migration) *history.Statements {
	if mig.IsGo() {
		return nil
	}
	return &history.Statements{Up: statementTexts(mig.Up), Down: statementTexts(mig.Down), Checks: checkTexts(mig.Checks)}
}

func statementTexts(stmts []Statement) []string {
	out := make([]string, len(stmts))
	for i, s := range stmts {
		out[i] = s.SQL
	}
	return out
}

// runTx runs the whole migration and its record in one transaction.
func (m *Migrator) runTx(s *session, mig *migration.Migration, dir Direction, stmts []Statement, rec *history.Record, start time.Time) error {
	fail := func(i int, err error) error {
		e := m.migrationError(s.ctx, mig, dir, stmts, i, err)
		e.Transactional = true
		return e
	}
	tx, err := s.conn.BeginTx(s.ctx, nil)
	if err != nil {
		return fail(-1, fmt.Errorf("begin transaction: %w", err))
	}
	defer func() { _ = tx.Rollback() }()
	done, err := s.lock.FenceTx(s.ctx, tx)
	if err != nil {
		return fail(-1, err)
	}
	defer done()
	if lt, ok := m.d.(dialect.LocalLockTimeoutSetter); ok && m.cfg.lockTimeout > 0 && !s.timeoutSet {
		if err := lt.SetLocalLockTimeout(s.ctx, tx, m.cfg.lockTimeout); err != nil {
			return fail(-1, err)
		}
	}
	if f := mig.Func(dir); f != nil {
		if err := f(s.ctx, tx); err != nil {
			return fail(-1, err)
		}
	}
	for i, st := range stmts {
		m.emit(s.ctx, StatementStarted{Migration: *mig, Direction: dir, Index: i + 1, Total: len(stmts), Line: st.Line})
		t := time.Now()
		if _, err := tx.ExecContext(s.ctx, st.SQL); err != nil {
			return fail(i, err)
		}
		m.emit(s.ctx, StatementDone{Migration: *mig, Direction: dir, Index: i + 1, Total: len(stmts), Line: st.Line, Duration: time.Since(t)})
	}
	if err := m.checksAfter(s.ctx, tx, mig, dir); err != nil {
		return m.checkFailure(s.ctx, mig, err, 0, true)
	}
	if err := m.finish(s.ctx, s, tx, mig, dir, rec, start); err != nil {
		return fail(-1, err)
	}
	// Renew the lease as the transaction ends, so that a long migration
	// does not commit a lease that has already run out.
	if err := s.lock.Fence(s.ctx, tx); err != nil {
		return fail(-1, err)
	}
	if err := tx.Commit(); err != nil {
		return fail(-1, fmt.Errorf("commit: %w", err))
	}
	return nil
}

// runGoConn runs a Go migration marked NoTransaction on the connection.
func (m *Migrator) runGoConn(s *session, mig *migration.Migration, dir Direction, rec *history.Record, start time.Time) error {
	err := s.lock.Fence(s.ctx, s.conn)
	if err == nil {
		err = mig.Func(dir)(s.ctx, s.conn)
	}
	if err == nil {
		err = m.finishAlone(context.WithoutCancel(s.ctx), s, mig, dir, rec, start)
	}
	if err != nil {
		return m.migrationError(s.ctx, mig, dir, nil, -1, err)
	}
	return nil
}

// runStepwise runs a migration that cannot be atomic one statement at a
// time, recording after each how many took effect. A failed run leaves a
// partial record from which the next run in the same direction continues.
func (m *Migrator) runStepwise(s *session, mig *migration.Migration, dir Direction, stmts []Statement, rec *history.Record, start time.Time) error {
	// Writes to the version table must happen even if ctx is cancelled
	// right after a statement took effect: the record has to say so.
	bg := context.WithoutCancel(s.ctx)
	fail := func(i, applied int, err error) error {
		e := m.migrationError(s.ctx, mig, dir, stmts, i, err)
		e.Applied = applied
		return e
	}
	first := 0
	open := m.openingOf(s, mig, dir, stmts, rec)
	progress := open.rec
	progress.Intent = ""
	var err error
	switch {
	case rec != nil && rec.State == history.StatePartial && rec.Direction == dir && rec.Checksum == mig.Checksum && mig.Repeatable:
		first = rec.Done
		progress = *rec
	case rec != nil && rec.State == history.StatePartial && rec.Direction == Up && dir == Down:
		// A partial revert (WithPartialRevert): the applied up statements
		// must be those the record names; the down statements mirroring the
		// ones that never ran are skipped.
		if rec.Done > len(mig.Up) || migration.StatementsChecksum(mig.Up[:rec.Done]) != rec.ProgressChecksum {
			return &PartialError{Version: mig.Version, Name: mig.Name, Path: mig.Source(), Direction: Up, Applied: rec.Done, Cause: CauseChanged, Blocked: Down}
		}
		first = len(stmts) - rec.Done
		progress.Done, progress.ProgressChecksum = first, migration.StatementsChecksum(stmts[:first])
		err = m.hist.Update(bg, s.conn, progress)
	case rec != nil && rec.State == history.StatePartial && rec.Direction == dir && !mig.Repeatable:
		if rec.Done > len(stmts) || migration.StatementsChecksum(stmts[:rec.Done]) != rec.ProgressChecksum {
			return &PartialError{Version: mig.Version, Name: mig.Name, Path: mig.Source(), Direction: dir, Applied: rec.Done, Cause: CauseChanged, Blocked: dir}
		}
		first = rec.Done
		progress = *rec
		if progress.Intent = m.intent(s, stmts, first); progress.Intent != "" {
			err = m.hist.Update(bg, s.conn, progress)
		}
	default:
		// A fresh start: the previous migration's final record may have
		// written the opening already.
		if o := s.takeOpened(mig, dir); o != nil {
			open = o
		} else {
			err = open.write(bg, m, s.conn)
		}
		progress = open.rec
	}
	if err != nil {
		return fail(-1, 0, err)
	}
	// stop records the failure err of statement i, sent to the server or
	// not, and returns the error of the run.
	stop := func(i int, err error, sent bool) error {
		failed := progress
		failed.Cause = string(m.causeOf(s.ctx, err))
		if failed.Cause == string(CauseFailed) || !sent {
			failed.Intent = "" // refused by the server, or never sent: it did nothing
		}
		// A statement sent alone and interrupted may still complete on
		// the server: its intent stays recorded, for the next run to
		// settle from the catalog, even when it was the first.
		uncertain := failed.Intent != ""
		if s.ctx.Err() != nil {
			s.disarm()
		}
		if rerr := m.recordFailure(bg, s.conn, rec, failed, i == 0 && !uncertain, err); rerr != nil {
			err = fmt.Errorf("%w; recording the failure also failed: %v", err, rerr)
		}
		e := fail(i, i, err).(*MigrationError)
		e.MayHaveRun = uncertain
		return e
	}
	finished := false
	for i := first; i < len(stmts); i++ {
		st := stmts[i]
		if err := s.ctx.Err(); err != nil {
			return stop(i, err, false)
		}
		if err := s.lock.Fence(s.ctx, s.conn); err != nil {
			return fail(-1, i, err)
		}
		next := progress
		next.Done = i + 1
		next.ProgressChecksum = migration.StatementsChecksum(stmts[:i+1])
		next.Intent = m.intent(s, stmts, i+1)
		m.emit(s.ctx, StatementStarted{Migration: *mig, Direction: dir, Index: i + 1, Total: len(stmts), Line: st.Line})
		t := time.Now()
		withRecord := m.commitsWithRecord(st)
		last := i == len(stmts)-1 && !hasChecks(mig, dir) // else the checks come before the final record
		// The last statement, when it can, commits with the migration's
		// final record: applied, or (down) no record.
		write := func(tx *sql.Tx) error { return m.hist.Update(s.ctx, tx, next) }
		if last {
			write = func(tx *sql.Tx) error { return m.finish(s.ctx, s, tx, mig, dir, &progress, start) }
		}
		err = m.retryLockTimeout(s, mig, st.Line, func() error {
			if withRecord {
				return m.execWithProgress(s, st, write)
			}
			return m.execAlone(s, mig, st)
		})
		if err == nil && withRecord && last {
			finished = true
		}
		if err == nil && !withRecord && m.mustRecord(s, stmts, i) {
			if err = m.hist.Update(bg, s.conn, next); err != nil {
				return fail(i, i, fmt.Errorf("the statement took effect, but recording it failed (the next run will try it again): %w", err))
			}
		}
		if err != nil {
			return stop(i, err, true)
		}
		progress = next
		m.emit(s.ctx, StatementDone{Migration: *mig, Direction: dir, Index: i + 1, Total: len(stmts), Line: st.Line, Duration: time.Since(t)})
	}
	if err := m.retryLockTimeout(s, mig, 0, func() error { return m.checksAfter(s.ctx, s.conn, mig, dir) }); err != nil {
		return m.stepwiseCheckFailure(s, mig, stmts, rec, progress, err)
	}
	if finished {
		return nil
	}
	if err := m.finishAlone(bg, s, mig, dir, &progress, start); err != nil {
		return fail(-1, len(stmts), err)
	}
	return nil
}

// mustRecord reports whether statement i of stmts, which ran alone, needs
// its progress recorded at once. It need not when the catalog can tell
// after a crash whether it took effect (its intent is recorded) and what
// comes next records progress anyway: the next statement commits with
// its own record, or the migration's final record follows.
func (m *Migrator) mustRecord(s *session, stmts []Statement, i int) bool {
	ec, ok := m.d.(dialect.EffectChecker)
	if !ok || m.intent(s, stmts, i) == "" || !ec.Knows(stmts[i].SQL) {
		return true
	}
	return i+1 < len(stmts) && !m.commitsWithRecord(stmts[i+1])
}

// execAlone runs a statement that cannot share a transaction with its
// record. A concurrent index build gets its own care: an invalid index
// that an interrupted earlier build left under its name is dropped first;
// the build may wait for older transactions as long as it takes (the lock
// timeout would cut that short and leave an invalid index); and an index
// that ends up invalid is dropped and reported, never recorded as built.
func (m *Migrator) execAlone(s *session, mig *migration.Migration, st Statement) error {
	ci, ok := m.d.(dialect.ConcurrentIndexer)
	name := ""
	if ok {
		name, ok = ci.ConcurrentIndex(st.SQL)
	}
	if !ok {
		return m.execWatched(s, st.SQL)
	}
	dropInvalid := func() (bool, error) {
		exists, valid, err := ci.IndexValid(s.ctx, s.conn, name)
		if err != nil || !exists || valid {
			return false, err
		}
		if err := ci.DropIndexConcurrently(s.ctx, s.conn, name); err != nil {
			return false, err
		}
		m.emit(s.ctx, InvalidIndexDropped{Migration: *mig, Index: name, Line: st.Line})
		return true, nil
	}
	if _, err := dropInvalid(); err != nil {
		return err
	}
	if lt, ok := m.d.(dialect.LockTimeoutSetter); ok && m.cfg.lockTimeout > 0 {
		restore, err := lt.SetLockTimeout(s.ctx, s.conn, 0)
		if err != nil {
			return err
		}
		defer func() { _ = restore(context.WithoutCancel(s.ctx)) }()
	}
	_, err := s.conn.ExecContext(s.ctx, st.SQL)
	dropped, derr := dropInvalid()
	switch {
	case err != nil && dropped:
		return fmt.Errorf("%w (the invalid index %s it left was dropped, so that the next run builds it again)", err, name)
	case err != nil:
		return err
	case derr != nil:
		return derr
	case dropped:
		return fmt.Errorf("the index %s was built invalid (for a unique index: duplicate values) and was dropped", name)
	}
	return nil
}

// commitsWithRecord reports whether st can run in a transaction of its own
// together with its progress record, so that both or neither take effect
// and a crash between them cannot make the next run apply it twice: every
// statement but those that commit implicitly (MySQL DDL), those the
// database refuses in a transaction (CREATE INDEX CONCURRENTLY) and
// transaction control written in a no-transaction migration.
func (m *Migrator) commitsWithRecord(st Statement) bool {
	if dialect.IsTransactionControl(st.SQL) {
		return false
	}
	if ic, ok := m.d.(dialect.ImplicitCommitter); ok && ic.CommitsImplicitly(st.SQL) {
		return false
	}
	if nt, ok := m.d.(dialect.NoTransactionDetector); ok && nt.NeedsNoTransaction(st.SQL) {
		return false
	}
	return true
}

// execWithProgress runs one statement together with the update of the
// progress record, in one transaction, so that both or neither take effect.
func (m *Migrator) execWithProgress(s *session, st Statement, write func(tx *sql.Tx) error) error {
	tx, err := s.conn.BeginTx(s.ctx, nil)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback() }()
	if _, err := tx.ExecContext(s.ctx, st.SQL); err != nil {
		return err
	}
	if err := write(tx); err != nil {
		return err
	}
	return tx.Commit()
}

// recordFailure writes what a failed statement-by-statement run left:
// progress, the last state that took effect, with the error. When nothing
// of the direction took effect, the record returns to what it was before
// the run (before; nil: no record).
func (m *Migrator) recordFailure(ctx context.Context, q dialect.Querier, before *history.Record, progress history.Record, nothing bool, cause error) error {
	if nothing {
		if before == nil {
			return m.hist.Remove(ctx, q, progress.Key)
		}
		return m.hist.Update(ctx, q, *before)
	}
	progress.Error = cause.Error()
	return m.hist.Update(ctx, q, progress)
}

// causeOf tells why a run stopped with err: ctx was cancelled (Ctrl-C, a
// lost lease), the connection broke, or the statement failed.
func (m *Migrator) causeOf(ctx context.Context, err error) Cause {
	if ctx.Err() != nil {
		return CauseInterrupted
	}
	if errors.Is(err, driver.ErrBadConn) || errors.Is(err, io.ErrUnexpectedEOF) {
		return CauseConnectionLost
	}
	if _, ok := errors.AsType[net.Error](err); ok {
		return CauseConnectionLost
	}
	if d, ok := m.d.(dialect.ConnectionLossDetector); ok && d.ConnectionLost(err) {
		return CauseConnectionLost
	}
	return CauseFailed
}

// migrationError describes the failure err of statement i (0-based; -1 for
// none) of mig's stmts in direction dir: where it is, why the run stopped,
// and what the database said besides its message.
func (m *Migrator) migrationError(ctx context.Context, mig *migration.Migration, dir Direction, stmts []Statement, i int, err error) *MigrationError {
	e := &MigrationError{Version: mig.Version, Name: mig.Name, Path: mig.Path, Direction: dir, Cause: m.causeOf(ctx, err), Err: err}
	if e.Cause == CauseInterrupted {
		e.stopped = context.Cause(ctx)
	}
	if i < 0 || i >= len(stmts) {
		return e
	}
	st := stmts[i]
	e.Statement, e.Line, e.SQL = i+1, st.Line, st.SQL
	if ed, ok := m.d.(dialect.ErrorDetailer); ok {
		if d, ok := ed.ErrorDetail(err); ok {
			e.Detail, e.Hint = d.Detail, d.Hint
			if d.Position > 0 {
				e.ErrorLine = st.Line + lineOfPosition(st.SQL, d.Position) - 1
			}
		}
	}
	return e
}

// lineOfPosition returns the 1-based line of sql on which its 1-based
// character position pos falls.
func lineOfPosition(sql string, pos int) int {
	line, n := 1, 0
	for _, c := range sql {
		n++
		if n >= pos {
			break
		}
		if c == '\n' {
			line++
		}
	}
	return line
}
