package tide

import (
	"cmp"
	"slices"
	"strings"

	"github.com/tidemigrate/tide/history"
	"github.com/tidemigrate/tide/migration"
)

// byKey indexes records by their version-table key.
func byKey(recs []history.Record) map[string]history.Record {
	m := make(map[string]history.Record, len(recs))
	for _, r := range recs {
		m[r.Key] = r
	}
	return m
}

// changed reports an applied record whose file no longer matches it.
func changed(r history.Record, mig *migration.Migration) bool {
	return r.State == history.StateApplied && r.Checksum != "" && mig.Checksum != "" && r.Checksum != mig.Checksum
}

// drift compares records of versioned migrations with the known
// migrations and returns the changed files and the records without a
// migration, or nil. Partial records are not drift (their files may be
// fixed before tide continues), nor are repeatable migrations (a change
// means: apply again). It is the one drift check: Up refuses over what it
// finds, Down over what it finds among the migrations to revert, and
// Validate reports it.
func (m *Migrator) drift(recs []history.Record) *DriftError {
	var d DriftError
	for _, r := range recs {
		if r.Repeatable() {
			continue
		}
		mig := m.find(r.Version)
		switch {
		case mig == nil:
			d.Missing = append(d.Missing, r.Version)
		case changed(r, mig):
			d.Changed = append(d.Changed, *mig)
		}
	}
	if len(d.Changed) == 0 && len(d.Missing) == 0 {
		return nil
	}
	return &d
}

// UpToDate reports, from the briefs of the history's records
// ([history.Store.Briefs] of the migrator's table), that [Migrator.UpTo]
// target would have nothing to do and nothing to refuse: every record
// applied, every versioned record's migration known and its checksum
// unchanged (the drift check, made for every applied file), every
// migration up to target recorded and, on a full run, every repeatable
// migration applied as its file is now. False means "not sure": UpTo then
// reads every column of the history to plan or to refuse.
//
// UpTo begins with it. A caller that reads the briefs while [New] reads
// the files (the tide command, connecting meanwhile) can skip UpTo when
// it is true; the answer is as fresh as the briefs.
func (m *Migrator) UpToDate(briefs []history.Brief, target Version) bool {
	return m.checkTarget(target) == nil && m.upToDate(briefs, target)
}

// upToDate is UpToDate for a known target.
func (m *Migrator) upToDate(briefs []history.Brief, target Version) bool {
	// The versioned migrations up to target are m.migs[:limit].
	limit := len(m.migs)
	if !target.IsZero() {
		limit, _ = slices.BinarySearchFunc(m.migs, target, func(mig *migration.Migration, v Version) int {
			if mig.Version.Compare(v) <= 0 {
				return -1
			}
			return 1
		})
	}
	// Records name migrations by their canonical versions: look them up
	// as strings, and parse only a key written otherwise.
	index := make(map[string]int, len(m.migs))
	for i, mig := range m.migs {
		index[mig.Version.String()] = i
	}
	seen := make([]bool, len(m.migs))
	seenReps := make([]bool, len(m.reps))
	recorded, repsRecorded := 0, 0
	for _, b := range briefs {
		if !b.Applied {
			return false
		}
		r := history.Record{Key: b.Key, State: history.StateApplied, Checksum: b.Checksum}
		if name, ok := strings.CutPrefix(b.Key, migration.RepeatablePrefix); ok {
			i, found := slices.BinarySearchFunc(m.reps, name, func(mig *migration.Migration, n string) int { return strings.Compare(mig.Name, n) })
			switch {
			case !found || !target.IsZero():
				// A record without its file is no drift; one run up to a
				// target leaves repeatable migrations alone.
			case r.Checksum != m.reps[i].Checksum:
				return false // to apply again
			case !seenReps[i]:
				seenReps[i] = true
				repsRecorded++
			}
			continue
		}
		i, exact := index[b.Key]
		found := exact
		if !exact {
			// A key written otherwise ("007") is checked for drift by its
			// version, but does not record the migration (keyed "7").
			v, err := ParseVersion(b.Key)
			if err != nil {
				return false
			}
			i, found = slices.BinarySearchFunc(m.migs, v, func(mig *migration.Migration, v Version) int { return mig.Version.Compare(v) })
		}
		if !found || changed(r, m.migs[i]) {
			return false // drift
		}
		if exact && !seen[i] && i < limit {
			seen[i] = true
			recorded++
		}
	}
	return recorded == limit && (!target.IsZero() || repsRecorded == len(m.reps))
}

// Planned is one migration an operation would run, and how much of it.
type Planned struct {
	Migration Migration
	Direction Direction
	// Resume is the number of leading statements an interrupted earlier run
	// already applied; they are skipped.
	Resume int

	mig *migration.Migration
}

// Statements returns the statements the step would run.
func (p Planned) Statements() []Statement {
	s := p.Migration.Up
	if p.Direction == Down {
		s = p.Migration.Down
	}
	return s[min(p.Resume, len(s)):]
}

func planned(mig *migration.Migration, dir Direction, resume int) Planned {
	return Planned{Migration: *mig, Direction: dir, Resume: resume, mig: mig}
}

// planUp returns the migrations Up would apply, in order, up to target
// (all when target is zero): the pending versioned migrations, then, on a
// full run, the repeatable migrations that are new or whose files changed.
// It refuses drift, a half-reverted migration, and out-of-order migrations
// unless they are allowed.
func (m *Migrator) planUp(recs []history.Record, target Version) ([]Planned, error) {
	if d := m.drift(recs); d != nil {
		return nil, d
	}
	done := byKey(recs)
	var latest Version
	for _, r := range recs {
		if r.State == history.StatePartial && r.Direction == Down {
			return nil, m.partialError(r, Up)
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
		r, ok := done[mig.Key()]
		switch {
		case !ok:
			if mig.Version.Compare(latest) < 0 {
				early = append(early, mig.Version)
			}
			plan = append(plan, planned(mig, Up, 0))
		case r.State == history.StatePartial:
			plan = append(plan, planned(mig, Up, r.Done))
		}
	}
	if len(early) > 0 && !m.cfg.allowOutOfOrder {
		return nil, &OutOfOrderError{Pending: early, Latest: latest}
	}
	if !target.IsZero() {
		return plan, nil
	}
	for _, mig := range m.reps {
		r, ok := done[mig.Key()]
		switch {
		case !ok:
			plan = append(plan, planned(mig, Up, 0))
		case r.State == history.StatePartial && r.Checksum == mig.Checksum:
			plan = append(plan, planned(mig, Up, r.Done))
		case r.State == history.StatePartial || r.Checksum != mig.Checksum:
			plan = append(plan, planned(mig, Up, 0))
		}
	}
	return plan, nil
}

// planDown returns the migrations to revert, newest first: those above
// target, or the newest n when target is zero (every one when n < 0,
// starting with the repeatable migrations). It checks every one before
// anything runs: its file must be present and unchanged, and it must have a
// down section.
func (m *Migrator) planDown(recs []history.Record, target Version, n int) ([]Planned, error) {
	var plan []Planned
	add := func(r history.Record, mig *migration.Migration) error {
		switch {
		case r.State == history.StatePartial && r.Direction == Up && m.cfg.partialRevert && mig.Reversible && len(mig.Down) == len(mig.Up):
			// Mirrored sections: skip the undos of the statements that never ran.
			plan = append(plan, planned(mig, Down, len(mig.Down)-r.Done))
			return nil
		case r.State == history.StatePartial && r.Direction == Up:
			return m.partialError(r, Down)
		case !mig.Reversible:
			return &MigrationError{Version: mig.Version, Name: mig.Name, Path: mig.Path, Direction: Down, Err: ErrNoDown}
		}
		resume := 0
		if r.State == history.StatePartial {
			resume = r.Done
		}
		plan = append(plan, planned(mig, Down, resume))
		return nil
	}
	if n < 0 {
		for _, r := range slices.Backward(recs) {
			if !r.Repeatable() {
				continue
			}
			if mig := m.findKey(r); mig != nil {
				if err := add(r, mig); err != nil {
					return nil, err
				}
			}
		}
	}
	var revert []history.Record
	for _, r := range slices.Backward(applicationOrder(recs)) {
		if r.Repeatable() || !target.IsZero() && r.Version.Compare(target) <= 0 {
			continue
		}
		if target.IsZero() && n >= 0 && len(revert) == n {
			break
		}
		revert = append(revert, r)
	}
	if d := m.drift(revert); d != nil {
		return nil, d
	}
	for _, r := range revert {
		if err := add(r, m.find(r.Version)); err != nil {
			return nil, err
		}
	}
	return plan, nil
}

// partialError reports the partial record r, which blocks an operation in
// direction blocked ("" when Validate reports it).
func (m *Migrator) partialError(r history.Record, blocked Direction) *PartialError {
	e := &PartialError{Version: r.Version, Name: r.Name, Direction: r.Direction, Applied: r.Done,
		Cause: Cause(r.Cause), Err: r.Error, Blocked: blocked}
	switch {
	case e.Cause != "":
	case r.Error == "": // the process died between two statements
		e.Cause = CauseInterrupted
	default:
		e.Cause = CauseFailed
	}
	if mig := m.findKey(r); mig != nil {
		e.Path = mig.Path
		e.Mirrored = mig.Reversible && len(mig.Down) == len(mig.Up)
	}
	return e
}

// applicationOrder returns recs in the order they were applied: by Seq,
// then (for records of a tide that kept no order) by version.
func applicationOrder(recs []history.Record) []history.Record {
	out := slices.Clone(recs)
	slices.SortStableFunc(out, func(a, b history.Record) int {
		if c := cmp.Compare(a.Seq, b.Seq); c != 0 {
			return c
		}
		return a.Version.Compare(b.Version)
	})
	return out
}
