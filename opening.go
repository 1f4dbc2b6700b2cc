package tide

import (
	"context"
	"database/sql"
	"time"

	"github.com/tidemigrate/tide/dialect"
	"github.com/tidemigrate/tide/history"
	"github.com/tidemigrate/tide/migration"
)

// opening is the first write of a migration that runs statement by
// statement: its partial record, with the intent of its first statement,
// inserted (no record yet) or written over its earlier record, before
// anything of it runs.
//
// Where the migration before it in the same run ends with a write of its
// own (its final record), that write carries the opening in the same
// transaction ([session.next]): the opening then costs no commit of its
// own. On MySQL, whose DDL commits alone, that is one commit less per
// migration. A crash after that commit leaves what a crash right after a
// separate opening leaves: a partial record whose intent the next run
// settles from the catalog.
type opening struct {
	rec    history.Record
	insert bool
}

// openingOf returns the opening of mig's run in direction dir over its
// record rec (nil: none) in session s, as the first statements of the run
// will be stmts. Its Seq, for an insert, is the one the migration's final
// record will take, so that the insert needs no look at the table for it.
func (m *Migrator) openingOf(s *session, mig *migration.Migration, dir Direction, stmts []Statement, rec *history.Record) *opening {
	r := history.Record{
		Key: mig.Key(), Version: mig.Version, Name: mig.Name, Kind: kindOf(mig), Checksum: mig.Checksum,
		State: history.StatePartial, Direction: dir, ProgressChecksum: migration.StatementsChecksum(nil),
		Intent:    m.intent(s, stmts, 0),
		AppliedAt: time.Now(), AppliedBy: m.cfg.appliedBy, AppliedHost: m.cfg.appliedHost,
	}
	if rec != nil {
		return &opening{rec: r}
	}
	r.Seq = s.seq + 1
	return &opening{rec: r, insert: true}
}

// write writes the opening through q.
func (o *opening) write(ctx context.Context, m *Migrator, q dialect.Querier) error {
	if o.insert {
		return m.hist.Insert(ctx, q, o.rec)
	}
	return m.hist.Update(ctx, q, o.rec)
}

// ahead returns the opening of planned step p, whose record is rec (nil:
// none), when the step will begin with one: it runs statement by
// statement from its first statement. Else nil.
func (m *Migrator) ahead(s *session, p Planned, rec *history.Record) *opening {
	mig := p.mig
	stmts := mig.Statements(p.Direction)
	if p.Resume != 0 || mig.IsGo() || (rec != nil && rec.State == history.StatePartial) || m.transactional(mig, stmts) {
		return nil
	}
	return m.openingOf(s, mig, p.Direction, stmts, rec)
}

// openNext writes, through q and with the final record of the migration
// that just ended, the opening of the next planned migration, if it has
// one and the run goes on.
func (m *Migrator) openNext(ctx context.Context, s *session, q dialect.Querier) error {
	o := s.next
	s.next = nil
	if o == nil || s.ctx.Err() != nil {
		return nil
	}
	if o.insert {
		o.rec.Seq = s.seq + 1
	}
	o.rec.AppliedAt = time.Now()
	if err := o.write(ctx, m, q); err != nil {
		return err
	}
	s.opened = o
	return nil
}

// takeOpened returns the opening of mig's run in direction dir written
// ahead with the previous migration's final record, or nil.
func (s *session) takeOpened(mig *migration.Migration, dir Direction) *opening {
	o := s.opened
	s.opened = nil
	if o == nil || o.rec.Key != mig.Key() || o.rec.Direction != dir {
		return nil
	}
	return o
}

// finishAlone records the end of a direction outside any transaction of
// the migration's, with the next migration's opening if there is one: then
// both in one transaction.
func (m *Migrator) finishAlone(ctx context.Context, s *session, mig *migration.Migration, dir Direction, rec *history.Record, start time.Time) error {
	if s.next == nil || s.ctx.Err() != nil {
		s.next = nil
		return m.finish(ctx, s, s.conn, mig, dir, rec, start)
	}
	return s.inTxCtx(ctx, func(tx *sql.Tx) error {
		return m.finish(ctx, s, tx, mig, dir, rec, start)
	})
}
