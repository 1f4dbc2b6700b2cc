package tide

import (
	"fmt"
	"slices"
)

// byVersion indexes records by version.
func byVersion(recs []record) map[Version]record {
	m := make(map[Version]record, len(recs))
	for _, r := range recs {
		m[r.Version] = r
	}
	return m
}

// drift compares applied records with the known migrations: changed files
// and records without a migration. Partial records are not drift: their
// files may be fixed before tide continues.
func (m *Migrator) drift(recs []record) *DriftError {
	var d DriftError
	for _, r := range recs {
		mig := m.find(r.Version)
		switch {
		case mig == nil:
			d.Missing = append(d.Missing, r.Version)
		case r.State == stateApplied && r.Checksum != "" && mig.Checksum != "" && r.Checksum != mig.Checksum:
			d.Changed = append(d.Changed, mig.Migration)
		}
	}
	if len(d.Changed) == 0 && len(d.Missing) == 0 {
		return nil
	}
	return &d
}

// Planned is one migration an operation would run, and how much of it.
type Planned struct {
	Migration Migration
	Direction Direction
	// Resume is the number of leading statements an interrupted earlier run
	// already applied; they are skipped.
	Resume int
}

// Statements returns the statements the step would run.
func (p Planned) Statements() []Statement {
	s := p.Migration.Up
	if p.Direction == Down {
		s = p.Migration.Down
	}
	return s[min(p.Resume, len(s)):]
}

// planUp returns the migrations Up would apply, in order, up to target
// (all when target is zero). It refuses drift, a half-reverted migration,
// and out-of-order migrations unless they are allowed.
func (m *Migrator) planUp(recs []record, target Version) ([]Planned, error) {
	if d := m.drift(recs); d != nil {
		return nil, d
	}
	done := byVersion(recs)
	var latest Version
	for _, r := range recs {
		if r.State == statePartial && r.Direction == Down {
			return nil, &PartialError{Version: r.Version, Name: r.Name, Direction: Down, Applied: r.Done,
				Reason: "it was being reverted when it failed; run tide down to finish reverting it before tide up"}
		}
		if r.Version.Compare(latest) > 0 {
			latest = r.Version
		}
	}
	var plan []Planned
	var early []Version
	for _, mig := range m.migs {
		if !target.IsZero() && mig.Version.Compare(target) > 0 {
			break
		}
		r, ok := done[mig.Version]
		switch {
		case !ok:
			if mig.Version.Compare(latest) < 0 {
				early = append(early, mig.Version)
			}
			plan = append(plan, Planned{Migration: mig.Migration, Direction: Up})
		case r.State == statePartial:
			plan = append(plan, Planned{Migration: mig.Migration, Direction: Up, Resume: r.Done})
		}
	}
	if len(early) > 0 && !m.cfg.allowOutOfOrder {
		return nil, &OutOfOrderError{Pending: early, Latest: latest}
	}
	return plan, nil
}

// planDown returns the migrations to revert, newest first: those above
// target, or the newest n when target is zero. It checks every one before
// anything runs: its file must be present and unchanged, and it must have a
// down section.
func (m *Migrator) planDown(recs []record, target Version, n int) ([]Planned, error) {
	var plan []Planned
	var d DriftError
	for _, r := range slices.Backward(recs) {
		if target.IsZero() && len(plan) == n {
			break
		}
		if !target.IsZero() && r.Version.Compare(target) <= 0 {
			break
		}
		mig := m.find(r.Version)
		switch {
		case mig == nil:
			d.Missing = append(d.Missing, r.Version)
			continue
		case r.State == stateApplied && r.Checksum != "" && mig.Checksum != "" && r.Checksum != mig.Checksum:
			d.Changed = append(d.Changed, mig.Migration)
			continue
		case r.State == statePartial && r.Direction == Up:
			return nil, &PartialError{Version: r.Version, Name: r.Name, Direction: Up, Applied: r.Done,
				Reason: fmt.Sprintf("fix the failing statement %d and run tide up to complete it, then revert it; "+
					"tide cannot tell which down statements undo only the first %d", r.Done+1, r.Done)}
		case !mig.Reversible:
			return nil, &MigrationError{Version: mig.Version, Name: mig.Name, Path: mig.Path, Direction: Down, Err: ErrNoDown}
		}
		p := Planned{Migration: mig.Migration, Direction: Down}
		if r.State == statePartial {
			p.Resume = r.Done
		}
		plan = append(plan, p)
	}
	if len(d.Changed) > 0 || len(d.Missing) > 0 {
		return nil, &d
	}
	return plan, nil
}
