package tide

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/aymanbagabas/go-udiff"

	"github.com/tidemigrate/tide/history"
	"github.com/tidemigrate/tide/migration"
)

// Repair describes a change that [Migrator.Accept] or [Migrator.Resolve]
// made to the version table by hand. The record keeps it, with who made it
// and when.
type Repair struct {
	Migration Migration
	// What says what was recorded, such as "accepted the edited file:
	// checksum 3fa9… (was 81c0…)".
	What string
	// Removed reports that the migration has no record any more: it is
	// pending again.
	Removed bool
}

// Diff returns how the statements of the applied migration v differ from
// those that ran, as a unified diff ("" when they are the same). ok is
// false when the version table did not keep the statements (a migration
// applied by a tide older than schema 2). It changes nothing.
func (m *Migrator) Diff(ctx context.Context, v Version) (diff string, ok bool, err error) {
	mig := m.find(v)
	if mig == nil {
		return "", false, fmt.Errorf("%w: %s", ErrUnknownVersion, v)
	}
	st, ok, err := m.hist.Statements(ctx, m.db, mig.Key())
	if err != nil || !ok {
		return "", false, wrap(err)
	}
	applied := script(st.Up, st.Down, mig.Reversible || len(st.Down) > 0) + checksScript(st.Checks)
	current := script(statementTexts(mig.Up), statementTexts(mig.Down), mig.Reversible) + checksScript(checkTexts(mig.Checks))
	if applied == current {
		return "", true, nil
	}
	return udiff.Unified("applied "+mig.Source(), "current "+mig.Source(), applied, current), true, nil
}

// script writes statements as a script with a header per direction, for a
// readable diff.
func script(up, down []string, reversible bool) string {
	var b strings.Builder
	b.WriteString("-- up\n")
	for _, s := range up {
		b.WriteString(s + ";\n")
	}
	if reversible {
		b.WriteString("-- down\n")
		for _, s := range down {
			b.WriteString(s + ";\n")
		}
	}
	return b.String()
}

// Accept records the current file of the applied migration v as the one
// that ran, after its statements were edited on purpose (a comment, a fix
// that was also applied by hand): its checksum and statements replace the
// recorded ones, so that it is no longer drift. It runs nothing. It is
// refused for a migration that is not applied, or whose file did not
// change. The record keeps who accepted it, when, and the old checksum.
func (m *Migrator) Accept(ctx context.Context, v Version) (Repair, error) {
	mig := m.find(v)
	if mig == nil {
		return Repair{}, fmt.Errorf("%w: %s", ErrUnknownVersion, v)
	}
	return m.repair(ctx, mig, func(r *history.Record) (string, bool, error) {
		switch {
		case r.State == history.StatePartial:
			return "", false, m.partialError(*r, Up)
		case r.Checksum == mig.Checksum:
			return "", false, fmt.Errorf("tide: migration %s is unchanged since it was applied: nothing to accept", mig.Label())
		}
		what := fmt.Sprintf("accepted the edited file: checksum %s (was %s)", short(mig.Checksum), short(r.Checksum))
		r.Checksum = mig.Checksum
		r.Done, r.ProgressChecksum = len(mig.Up), migration.StatementsChecksum(mig.Up)
		return what, false, nil
	})
}

// Resolve records by hand how much of a partially applied migration took
// effect, once you have checked the database yourself: applied statements
// of the direction its run stopped in. 0 means none did (after up, the
// migration is pending again; after down, it is applied again); all of
// them means the direction completed (after up, it is applied; after down,
// it is reverted and its record removed); in between, it stays partial at
// that point, and the next run in that direction continues after it. A
// negative applied means all of them. It runs nothing. The record keeps
// who resolved it and when.
func (m *Migrator) Resolve(ctx context.Context, v Version, applied int) (Repair, error) {
	mig := m.find(v)
	if mig == nil {
		return Repair{}, fmt.Errorf("%w: %s", ErrUnknownVersion, v)
	}
	return m.repair(ctx, mig, func(r *history.Record) (string, bool, error) {
		if r.State != history.StatePartial {
			return "", false, fmt.Errorf("tide: migration %s is not partially applied: nothing to resolve", mig.Label())
		}
		stmts := mig.Statements(r.Direction)
		if applied < 0 {
			applied = len(stmts)
		}
		if applied > len(stmts) {
			return "", false, fmt.Errorf("tide: migration %s has %d %s statements: resolve it with 0 to %d applied", mig.Label(), len(stmts), r.Direction, len(stmts))
		}
		took := fmt.Sprintf("resolved by hand: %d of the %d %s statements took effect", applied, len(stmts), r.Direction)
		switch {
		case r.Direction == Up && applied == len(stmts), r.Direction == Down && applied == 0:
			r.State, r.Direction, r.Error, r.Cause = history.StateApplied, Up, "", ""
			r.Done, r.ProgressChecksum = len(mig.Up), migration.StatementsChecksum(mig.Up)
			r.Seq = 0 // applied again: the newest in the order of application
			return took + "; the migration is applied", false, nil
		case r.Direction == Up && applied == 0, r.Direction == Down && applied == len(stmts):
			return took + "; the migration is pending", true, nil
		}
		r.Done, r.ProgressChecksum, r.Error, r.Cause = applied, migration.StatementsChecksum(stmts[:applied]), "", ""
		return fmt.Sprintf("%s; tide %s continues at statement %d", took, r.Direction, applied+1), false, nil
	})
}

// repair changes the record of mig with edit, under the migration lock and
// in one transaction, stamped with who and when. edit says what it did,
// and whether the record must go instead (the migration is pending again).
func (m *Migrator) repair(ctx context.Context, mig *migration.Migration, edit func(r *history.Record) (what string, remove bool, err error)) (Repair, error) {
	rep := Repair{Migration: *mig}
	err := m.withLock(ctx, func(s *session) error {
		recs, err := m.hist.List(s.ctx, s.conn)
		if err != nil {
			return wrap(err)
		}
		r, ok := byKey(recs)[mig.Key()]
		if !ok {
			return fmt.Errorf("tide: migration %s is not applied: nothing to repair", mig.Label())
		}
		if rep.What, rep.Removed, err = edit(&r); err != nil {
			return err
		}
		err = s.inTx(func(tx *sql.Tx) error {
			if rep.Removed {
				return wrap(m.hist.Remove(s.ctx, tx, r.Key))
			}
			r.RepairedAt, r.RepairedBy, r.Repair = time.Now(), m.cfg.appliedBy, rep.What
			r.Intent = "" // settled by hand
			if m.cfg.appliedHost != "" {
				r.RepairedBy += "@" + m.cfg.appliedHost
			}
			if r.State == history.StateApplied {
				r.Statements = keptStatements(mig)
			}
			return wrap(m.hist.Update(s.ctx, tx, r))
		})
		if err != nil {
			return err
		}
		m.emit(s.ctx, Repaired{Repair: rep})
		return nil
	})
	if err != nil {
		return Repair{}, err
	}
	return rep, nil
}

// short abbreviates a checksum for messages.
func short(sum string) string {
	if len(sum) > 12 {
		return sum[:12]
	}
	return sum
}

// wrap prefixes a library error with "tide: ", once.
func wrap(err error) error {
	if err == nil || strings.HasPrefix(err.Error(), "tide: ") {
		return err
	}
	return fmt.Errorf("tide: %w", err)
}
