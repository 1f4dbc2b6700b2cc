package shadow

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/tidemigrate/tide"
	"github.com/tidemigrate/tide/dialect"
	"github.com/tidemigrate/tide/migration"
	"github.com/tidemigrate/tide/schema"
)

// Verdicts of a [Step].
const (
	// Restored: the down section put the schema (and, with Data, the
	// rows) back exactly as they were before the up section.
	Restored = "restored"
	// NotRestored: after down, the schema or the rows differ from before
	// up; Changes and DataChanges say how.
	NotRestored = "not restored"
	// Irreversible: the migration has no down section.
	Irreversible = "irreversible"
	// Failed: up, down or the second up failed; Err says which.
	Failed = "failed"
)

// Step is what [VerifyRollback] found for one migration.
type Step struct {
	Version tide.Version
	Name    string
	Path    string
	Verdict string
	// Changes are the differences between the schema before up and after
	// down, named by object.
	Changes []schema.Change
	// DataChanges describe tables whose rows differ after down (Data).
	DataChanges []string
	// Seeded names the empty tables that got rows before up (Data), and
	// SeedSkipped the tables that could not be seeded, with the reason.
	Seeded      []string
	SeedSkipped []string
	// Phase is "up", "down", "up again" or "replay" (applying the
	// migrations again on a fresh database) for a Failed step.
	Phase    string
	Err      error
	Duration time.Duration
}

// Report is the outcome of [VerifyRollback], one step per migration
// checked, in order. A failed step ends the run, and so does one not
// restored when [Options.Fresh] is not set: the migrations after it are
// not checked.
type Report struct {
	Steps []Step
	// Unchecked counts the migrations after a failed step.
	Unchecked int
}

// OK reports whether every checked migration was restored; irreversible
// migrations count as failures only when strict.
func (r *Report) OK(strict bool) bool {
	for _, s := range r.Steps {
		if s.Verdict == NotRestored || s.Verdict == Failed || (strict && s.Verdict == Irreversible) {
			return false
		}
	}
	return r.Unchecked == 0
}

// Options tune [VerifyRollback].
type Options struct {
	// Data seeds a few rows into every empty table before each migration
	// and compares each table's row count and row checksum after down.
	Data bool
	// Tide are options for the scratch database's migrator (version table
	// name, observer...).
	Tide []tide.Option
	// OnStep, when set, is called after each migration is checked.
	OnStep func(Step)
	// Fresh, when set, returns a new empty database of the same kind. A
	// migration whose down leaves the database different (or whose second
	// up then fails) makes the rest of the run meaningless on that
	// database: with Fresh, the run goes on in a new one, brought to the
	// same point by applying the migrations again; without it, the run
	// stops there. The caller owns (and drops) the databases Fresh makes.
	Fresh func(ctx context.Context) (*sql.DB, error)
}

// VerifyRollback proves the down sections of set on the empty database
// db: for each migration in order, it inspects the schema, applies the
// migration, reverts it, inspects again and compares, then applies it
// again and goes on. A migration whose down does not restore the schema
// exactly is reported with the differences by object; one with no down is
// reported as irreversible. db must be a scratch database.
func VerifyRollback(ctx context.Context, d dialect.Dialect, db *sql.DB, set *migration.Set, opts Options) (*Report, error) {
	m, err := newMigrator(ctx, d, db, set, opts.Tide)
	if err != nil {
		return nil, err
	}
	rep := &Report{}
	before, err := inspect(ctx, d, db, m)
	if err != nil {
		return nil, err
	}
	var versioned []migration.Migration
	for _, mg := range set.All() {
		if !mg.Repeatable {
			versioned = append(versioned, mg)
		}
	}
	for i, mg := range versioned {
		if err := ctx.Err(); err != nil {
			return rep, err
		}
		step, after, err := verifyOne(ctx, d, db, m, mg, before, opts)
		if err != nil {
			return rep, err
		}
		stop := step.Verdict == Failed
		if step.Verdict == NotRestored {
			if opts.Fresh == nil {
				stop = true
			} else if db, m, after, err = replay(ctx, d, set, mg.Version, opts); err != nil {
				step.Verdict, step.Phase, step.Err = Failed, "replay", err
				stop = true
			}
		}
		rep.Steps = append(rep.Steps, step)
		if opts.OnStep != nil {
			opts.OnStep(step)
		}
		if stop {
			rep.Unchecked = len(versioned) - i - 1
			return rep, nil
		}
		before = after
	}
	return rep, nil
}

// replay makes a fresh database and applies the migrations up to and
// including target to it, to go on after a migration whose down did not
// restore the database.
func replay(ctx context.Context, d dialect.Dialect, set *migration.Set, target tide.Version, opts Options) (*sql.DB, *tide.Migrator, *schema.Schema, error) {
	db, err := opts.Fresh(ctx)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("make a fresh scratch database: %w", err)
	}
	m, err := newMigrator(ctx, d, db, set, opts.Tide)
	if err != nil {
		return nil, nil, nil, err
	}
	if _, err := m.UpTo(ctx, target); err != nil {
		return nil, nil, nil, fmt.Errorf("apply the migrations again on a fresh scratch database: %w", err)
	}
	s, err := inspect(ctx, d, db, m)
	return db, m, s, err
}

// verifyOne checks one migration and returns the schema it leaves (after
// the second up). A returned error is an inspection failure, or Ctrl-C.
func verifyOne(ctx context.Context, d dialect.Dialect, db *sql.DB, m *tide.Migrator, mg migration.Migration, before *schema.Schema, opts Options) (Step, *schema.Schema, error) {
	start := time.Now()
	step := Step{Version: mg.Version, Name: mg.Name, Path: mg.Path}
	fail := func(phase string, err error) (Step, *schema.Schema, error) {
		if ctx.Err() != nil {
			return step, nil, ctx.Err()
		}
		step.Verdict, step.Phase, step.Err, step.Duration = Failed, phase, err, time.Since(start)
		return step, nil, nil
	}
	var snap map[string]tableData
	if opts.Data {
		step.Seeded, step.SeedSkipped = seed(ctx, d, db, before)
		var err error
		if snap, err = snapshot(ctx, d, db, before); err != nil {
			return step, nil, err
		}
	}
	if _, err := m.UpTo(ctx, mg.Version); err != nil {
		return fail("up", err)
	}
	tables, scoped := scope(mg)
	if !mg.Reversible {
		after, err := rescan(ctx, d, db, m, before, tables, scoped)
		step.Verdict, step.Duration = Irreversible, time.Since(start)
		return step, after, err
	}
	if _, err := m.Down(ctx); err != nil {
		return fail("down", err)
	}
	restored, err := rescan(ctx, d, db, m, before, tables, scoped)
	if err != nil {
		return step, nil, err
	}
	step.Changes = schema.Diff(before, restored)
	if opts.Data {
		now, err := snapshot(ctx, d, db, sameColumns(before, restored))
		if err != nil {
			return step, nil, err
		}
		step.DataChanges = compareData(snap, now)
	}
	step.Verdict = Restored
	if len(step.Changes) > 0 || len(step.DataChanges) > 0 {
		step.Verdict = NotRestored
	}
	if step.Verdict == NotRestored {
		// The database is not where it was: applying the migration again
		// proves nothing more (and often fails on what down left behind).
		step.Duration = time.Since(start)
		return step, nil, nil
	}
	if _, err := m.UpTo(ctx, mg.Version); err != nil {
		return fail("up again", err)
	}
	after, err := rescan(ctx, d, db, m, before, tables, scoped)
	step.Duration = time.Since(start)
	return step, after, err
}

// Describe renders a failed step's error with its phase.
func (s Step) Describe() string {
	if s.Err == nil {
		return ""
	}
	var me *tide.MigrationError
	if errors.As(s.Err, &me) {
		return fmt.Sprintf("%s failed: %v", s.Phase, me)
	}
	return fmt.Sprintf("%s failed: %v", s.Phase, s.Err)
}
