package tide

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/tidemigrate/tide/history"
)

// State is the state of one migration as [Migrator.Status] reports it.
type State string

// The states of a migration.
const (
	StatePending State = "pending" // not applied
	StateApplied State = "applied" // applied, file unchanged
	StateChanged State = "changed" // applied, but the file's checksum differs
	StateMissing State = "missing" // applied, but no file has its version
	StatePartial State = "partial" // a statement-by-statement run stopped mid-way
	// StateOutdated is a repeatable migration whose file changed since it
	// was applied: the next Up applies it again.
	StateOutdated State = "outdated"
)

// MigrationStatus is the state of one migration.
type MigrationStatus struct {
	Migration Migration // for a missing migration, only Version and Name
	State     State
	// Baselined reports a migration recorded by Baseline, not run by tide.
	Baselined bool
	// Adopted reports a migration recorded by Adopt: another tool, named
	// by AdoptedFrom, ran it.
	Adopted     bool
	AdoptedFrom string
	AppliedAt   time.Time // zero when pending
	Duration    time.Duration
	AppliedBy   string
	AppliedHost string
	// Progress describes a partial migration: nil otherwise.
	Progress *Progress
	// Repair describes the last change made to the record by hand
	// ([Migrator.Accept], [Migrator.Resolve]): nil when there was none.
	Repair *RepairNote
}

// RepairNote is what the version table keeps of a repair by hand.
type RepairNote struct {
	At   time.Time
	By   string // user@host
	What string
}

// Progress is how far an interrupted statement-by-statement run got.
type Progress struct {
	Direction Direction
	Applied   int // statements that took effect
	Total     int // statements in that direction's section
	Error     string
}

// Status returns every migration known from the files or the version
// table: the versioned ones sorted by version, then the repeatable ones by
// name. It changes nothing.
func (m *Migrator) Status(ctx context.Context) ([]MigrationStatus, error) {
	recs, err := m.hist.List(ctx, m.db)
	if err != nil {
		return nil, fmt.Errorf("tide: %w", err)
	}
	return m.status(recs), nil
}

func (m *Migrator) status(recs []history.Record) []MigrationStatus {
	done := byKey(recs)
	var out []MigrationStatus
	for _, mig := range slices.Concat(m.migs, m.reps) {
		st := MigrationStatus{Migration: *mig, State: StatePending}
		if r, ok := done[mig.Key()]; ok {
			st.fill(r)
			switch {
			case r.State == history.StatePartial:
				st.State = StatePartial
				st.Progress = &Progress{Direction: r.Direction, Applied: r.Done, Total: len(mig.Statements(r.Direction)), Error: r.Error}
			case mig.Repeatable && r.Checksum != mig.Checksum:
				st.State = StateOutdated
			case changed(r, mig):
				st.State = StateChanged
			default:
				st.State = StateApplied
			}
		}
		out = append(out, st)
	}
	for _, r := range recs {
		if m.findKey(r) == nil {
			st := MigrationStatus{Migration: Migration{Version: r.Version, Name: r.Name, Repeatable: r.Repeatable()}, State: StateMissing}
			st.fill(r)
			out = append(out, st)
		}
	}
	slices.SortStableFunc(out, func(a, b MigrationStatus) int {
		ra, rb := a.Migration.Repeatable, b.Migration.Repeatable
		switch {
		case ra != rb && ra:
			return 1
		case ra != rb:
			return -1
		case ra:
			return strings.Compare(a.Migration.Name, b.Migration.Name)
		}
		return a.Migration.Version.Compare(b.Migration.Version)
	})
	return out
}

func (st *MigrationStatus) fill(r history.Record) {
	st.Baselined = r.Kind == history.KindBaseline
	st.Adopted = r.Kind == history.KindAdopted
	st.AdoptedFrom = r.AdoptedFrom
	st.AppliedAt = r.AppliedAt
	st.Duration = r.Duration
	st.AppliedBy, st.AppliedHost = r.AppliedBy, r.AppliedHost
	if !r.RepairedAt.IsZero() || r.Repair != "" {
		st.Repair = &RepairNote{At: r.RepairedAt, By: r.RepairedBy, What: r.Repair}
	}
}

// Validate compares the migrations with the version table and returns
// every problem, joined: drift (*[DriftError]), partially applied
// migrations (*[PartialError]) and out-of-order pending migrations
// (*[OutOfOrderError], unless allowed). Problems in the files themselves are
// reported earlier, by [New]. It changes nothing.
func (m *Migrator) Validate(ctx context.Context) error {
	recs, err := m.hist.List(ctx, m.db)
	if err != nil {
		return fmt.Errorf("tide: %w", err)
	}
	var errs []error
	if d := m.drift(recs); d != nil {
		errs = append(errs, d)
	}
	for _, r := range recs {
		if r.State == history.StatePartial {
			errs = append(errs, m.partialError(r, ""))
		}
	}
	if _, err := m.planUp(recs, Version{}); err != nil {
		var ooo *OutOfOrderError
		if errors.As(err, &ooo) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
