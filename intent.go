package tide

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/tidemigrate/tide/dialect"
	"github.com/tidemigrate/tide/history"
	"github.com/tidemigrate/tide/migration"
)

// intent is the record's note that statement i (0-based) of stmts may run
// outside a transaction in this session, so that a run that dies while the
// server goes on executing it can be settled from the catalog; "" when the
// statement commits with its record anyway, or the database cannot tell.
func (m *Migrator) intent(s *session, stmts []Statement, i int) string {
	if _, ok := m.d.(dialect.EffectChecker); !ok || s.id == "" || i >= len(stmts) || m.commitsWithRecord(stmts[i]) {
		return ""
	}
	return strconv.Itoa(i+1) + ":" + s.id
}

// sessionPoll is how often tide checks whether the session of an earlier,
// dead run has ended.
const sessionPoll = 500 * time.Millisecond

// settleIntent decides, after a run that stopped while a statement may
// have been running outside a transaction, whether that statement took
// effect: it waits (up to the lock wait, reported) until the session that
// sent it has ended, since MySQL finishes DDL after its client died, then
// asks the catalog, and records the answer. When the catalog cannot tell,
// it stops with a *PartialError saying how to record it by hand.
func (m *Migrator) settleIntent(s *session, mig *migration.Migration, stmts []Statement, rec history.Record) (history.Record, error) {
	ec, ok := m.d.(dialect.EffectChecker)
	n, id, parsed := parseIntent(rec.Intent)
	if !ok || !parsed || n != rec.Done+1 || n > len(stmts) ||
		migration.StatementsChecksum(stmts[:rec.Done]) != rec.ProgressChecksum {
		return rec, nil // nothing this run can settle; the usual checks follow
	}
	st := stmts[n-1]
	if id != s.id {
		deadline := time.Now().Add(m.cfg.lockWait)
		announced := false
		for {
			alive, err := ec.SessionAlive(s.ctx, m.db, id)
			if err != nil {
				return rec, wrap(err)
			}
			if !alive {
				break
			}
			if !announced {
				m.emit(s.ctx, WaitingForSession{Migration: *mig, Statement: n, Line: st.Line, Session: id})
				announced = true
			}
			if time.Now().After(deadline) {
				return rec, fmt.Errorf("tide: %s: statement %d (line %d) of %s is still running in session %s, from a run that stopped; waited %s: wait for it to end, then run tide again",
					mig.Source(), n, st.Line, mig.Label(), id, m.cfg.lockWait)
			}
			t := time.NewTimer(sessionPoll)
			select {
			case <-s.ctx.Done():
				t.Stop()
				return rec, s.ctx.Err()
			case <-t.C:
			}
		}
	}
	took, known, err := ec.TookEffect(s.ctx, s.conn, st.SQL)
	if err != nil {
		return rec, wrap(err)
	}
	if !known {
		return rec, &PartialError{Version: mig.Version, Name: mig.Name, Path: mig.Source(), Direction: rec.Direction, Applied: rec.Done,
			Cause: CauseUncertain, Err: fmt.Sprintf("statement %d (line %d) was sent in session %s when the run stopped", n, st.Line, id)}
	}
	if took {
		rec.Done, rec.ProgressChecksum = n, migration.StatementsChecksum(stmts[:n])
	}
	rec.Intent = ""
	if err := m.hist.Update(s.ctx, s.conn, rec); err != nil {
		return rec, wrap(err)
	}
	m.emit(s.ctx, StatementSettled{Migration: *mig, Statement: n, Line: st.Line, TookEffect: took})
	return rec, nil
}

// settleIntents settles, before anything is planned, every partial record
// whose run stopped while a statement may have been running outside a
// transaction, and returns the records as they are then.
func (m *Migrator) settleIntents(s *session, recs []history.Record) ([]history.Record, error) {
	for i, r := range recs {
		if r.State != history.StatePartial || r.Intent == "" {
			continue
		}
		mig := m.findKey(r)
		if mig == nil {
			continue
		}
		settled, err := m.settleIntent(s, mig, mig.Statements(r.Direction), r)
		if err != nil {
			return nil, err
		}
		recs[i] = settled
	}
	return recs, nil
}

// parseIntent reads "<statement>:<session>".
func parseIntent(s string) (n int, id string, ok bool) {
	num, id, found := strings.Cut(s, ":")
	if !found || id == "" {
		return 0, "", false
	}
	n, err := strconv.Atoi(num)
	return n, id, err == nil && n > 0
}
