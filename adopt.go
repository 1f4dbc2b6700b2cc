package tide

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/tidemigrate/tide/adopt"
	"github.com/tidemigrate/tide/history"
	"github.com/tidemigrate/tide/migration"
)

// Adopt records the migrations of p as applied: those that another tool
// (p.Source, such as "goose") applied, as [adopt.History.Plan] maps its
// history to this Migrator's migrations. tide then goes on from the same
// state, with nothing re-run and nothing skipped. Each adoption must match
// a known migration, or nothing is recorded and the error lists the ones
// that do not. Migrations that tide has recorded already are left alone,
// so adopting twice is harmless. The records name the tool in applied_by
// ("goose (adopted by alice)"); [Migrator.Status] reports them as adopted.
//
// With dryRun, Adopt checks and returns what it would record, and changes
// nothing (it does not even create the version table).
func (m *Migrator) Adopt(ctx context.Context, p *adopt.Plan, dryRun bool) ([]Result, error) {
	if p == nil {
		return nil, errors.New("tide: Adopt needs a plan")
	}
	from, applied := p.Source, p.Adoptions
	if from == "" {
		return nil, errors.New("tide: Adopt needs the name of the tool the history comes from (Plan.Source)")
	}
	var todo []*migration.Migration
	var unknown []string
	when := map[*migration.Migration]time.Time{}
	for _, a := range applied {
		var mig *migration.Migration
		if a.Repeatable {
			mig = m.findKey(history.Record{Key: migration.RepeatablePrefix + a.Name})
		} else {
			mig = m.find(a.Version)
		}
		if mig == nil {
			unknown = append(unknown, migration.Label(a.Version, a.Name))
			continue
		}
		if _, dup := when[mig]; !dup {
			todo = append(todo, mig)
		}
		when[mig] = a.AppliedAt
	}
	if len(unknown) > 0 {
		return nil, fmt.Errorf("tide: %s's history lists %d migration(s) with no file here: %s; "+
			"point --dir at the folder %s ran, or pass the right --format", from, len(unknown), strings.Join(unknown, ", "), from)
	}
	apply := func(recs []history.Record, write func(history.Record) error) ([]Result, error) {
		done := byKey(recs)
		var results []Result
		for _, mig := range todo {
			if _, ok := done[mig.Key()]; ok {
				continue
			}
			r := m.appliedRecord(mig, time.Now())
			r.Kind, r.Duration, r.AdoptedFrom = history.KindAdopted, 0, from
			if t := when[mig]; !t.IsZero() {
				r.AppliedAt = t
			}
			if err := write(r); err != nil {
				return results, err
			}
			results = append(results, Result{Migration: *mig, Direction: Up, Adopted: true})
			if !dryRun {
				m.emit(ctx, Adopted{Migration: *mig, From: from})
			}
		}
		return results, nil
	}
	if dryRun {
		recs, err := m.hist.List(ctx, m.db)
		if err != nil {
			return nil, fmt.Errorf("tide: %w", err)
		}
		return apply(recs, func(history.Record) error { return nil })
	}
	var results []Result
	err := m.withLock(ctx, func(s *session) error {
		recs, err := m.hist.List(s.ctx, s.conn)
		if err != nil {
			return fmt.Errorf("tide: %w", err)
		}
		err = s.inTx(func(tx *sql.Tx) error {
			var err error
			results, err = apply(recs, func(r history.Record) error { return m.hist.Insert(s.ctx, tx, r) })
			return wrap(err)
		})
		if err != nil {
			results = nil
		}
		return err
	})
	return results, err
}

// refuseOtherHistory returns an [*OtherHistoryError] when the version
// table does not exist and another tool's history table lists applied
// migrations ([adopt.DetectApplied]; an empty one is no reason to refuse):
// Up would run again every migration that tool applied. UpTo calls it only when it
// found no record, so a database that tide migrates pays nothing for it.
func (m *Migrator) refuseOtherHistory(ctx context.Context) error {
	if m.cfg.ignoreOtherHistory {
		return nil
	}
	exists, err := m.hist.Exists(ctx, m.db)
	if err != nil {
		return fmt.Errorf("tide: %w", err)
	}
	if exists {
		return nil
	}
	src, err := adopt.DetectApplied(ctx, m.d, m.db)
	var ambiguous *adopt.AmbiguousError
	switch {
	case errors.Is(err, adopt.ErrNoHistory):
		return nil
	case errors.As(err, &ambiguous):
		return &OtherHistoryError{Sources: ambiguous.Sources, VersionTable: m.cfg.table}
	case err != nil:
		return fmt.Errorf("tide: look for other tools' history tables: %w", err)
	}
	return &OtherHistoryError{Sources: []adopt.Source{src}, VersionTable: m.cfg.table}
}
