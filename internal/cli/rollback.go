package cli

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/tidemigrate/tide/internal/scratch"
	"github.com/tidemigrate/tide/migration"
	"github.com/tidemigrate/tide/schema"
	"github.com/tidemigrate/tide/shadow"
)

func (a *app) verifyRollbackCommand() *cobra.Command {
	var scratchURL string
	var data, strict bool
	cmd := &cobra.Command{
		Use:   "verify-rollback",
		Short: "Prove on a scratch database that every down undoes its up",
		Long: `On a scratch database that tide creates and drops (as tide drift does),
for each migration in order: inspect the schema, apply the migration,
revert it, inspect again and compare, then apply it again and go on.
Every migration whose down does not restore the schema exactly is reported
with the differences by object (a table, column, index, constraint, view,
function, trigger, sequence or type left behind, gone, or changed).

Migrations with no down section are reported as irreversible, and fail the
run only with --strict. With --data, before each migration tide puts a few
rows into every empty table, and after down also compares each table's row
count and a checksum of its rows: a down that loses data fails.

Exit status 1 when any migration is not restored, or fails. The live
database is never touched (only its URL is read, for the server to use);
the scratch database is dropped even on failure or Ctrl-C.`,
		Example: `  tide verify-rollback
  tide verify-rollback --data --strict
  tide verify-rollback --scratch-url postgres://ci@localhost/postgres --json`,
		Args: cobra.NoArgs,
		RunE: a.runE(func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			fsys, err := a.migrationsFS()
			if err != nil {
				return err
			}
			format, err := a.readFormat(fsys)
			if err != nil {
				return err
			}
			sc, err := a.openScratch(ctx, scratchURL)
			if err != nil {
				return err
			}
			defer a.closeScratch(ctx, sc)
			set, err := migration.Load(fsys, sc.Dialect, format)
			if err != nil {
				return err
			}
			a.noteDatabase(sc.URL, false)
			opts := shadow.Options{Data: data, Tide: a.tideOptions(nil), OnStep: func(s shadow.Step) {
				if !a.flags.json {
					a.printStep(s)
				}
			}}
			// A down that does not restore the database: go on in a new
			// scratch database, dropped with the first.
			var more []*scratch.DB
			defer func() {
				for _, sc := range more {
					a.closeScratch(ctx, sc)
				}
			}()
			opts.Fresh = func(ctx context.Context) (*sql.DB, error) {
				sc, err := a.openScratch(ctx, scratchURL)
				if err != nil {
					return nil, err
				}
				more = append(more, sc)
				return sc.DB, nil
			}
			rep, err := shadow.VerifyRollback(ctx, sc.Dialect, sc.DB, set, opts)
			if rep != nil {
				a.result = a.rollbackResult(rep, strict)
			}
			if err != nil {
				return err
			}
			return a.rollbackVerdict(rep, strict)
		}),
	}
	cmd.Flags().StringVar(&scratchURL, "scratch-url", "", "create the scratch database on the server of `URL` (SQLite: the file to use)")
	cmd.Flags().BoolVar(&data, "data", false, "seed empty tables and compare row counts and checksums after each down")
	cmd.Flags().BoolVar(&strict, "strict", false, "fail on migrations that have no down section")
	return cmd
}

func (a *app) printStep(s shadow.Step) {
	label := s.Version.String() + " " + s.Name
	took := s.Duration.Round(time.Millisecond)
	switch s.Verdict {
	case shadow.Restored:
		fmt.Fprintf(a.stdout, "ok      %s (%s)\n", label, took)
	case shadow.Irreversible:
		fmt.Fprintf(a.stdout, "irrev   %s: no down section\n", label)
	case shadow.NotRestored:
		fmt.Fprintf(a.stdout, "FAIL    %s: down does not restore what up changed\n", label)
	case shadow.Failed:
		fmt.Fprintf(a.stdout, "FAIL    %s: %s\n", label, s.Describe())
	}
	for _, c := range s.Changes {
		fmt.Fprintf(a.stdout, "          %s\n", rollbackLine(c))
	}
	for _, c := range s.DataChanges {
		fmt.Fprintf(a.stdout, "          %s\n", c)
	}
	if a.flags.verbose {
		for _, t := range s.SeedSkipped {
			fmt.Fprintf(a.stdout, "          not seeded: %s\n", t)
		}
	}
}

func (a *app) rollbackVerdict(rep *shadow.Report, strict bool) error {
	var bad, irrev []string
	for _, s := range rep.Steps {
		switch s.Verdict {
		case shadow.NotRestored, shadow.Failed:
			bad = append(bad, s.Version.String())
		case shadow.Irreversible:
			irrev = append(irrev, s.Version.String())
		}
	}
	if rep.Unchecked > 0 && !a.flags.json {
		fmt.Fprintf(a.stdout, "%s not checked after the failure\n", plural(rep.Unchecked, "migration"))
	}
	if strict && len(irrev) > 0 {
		bad = append(bad, irrev...)
	}
	if len(bad) > 0 {
		return &exitError{code: ExitFailure, err: fmt.Errorf("verify-rollback: %s failed: %s", plural(len(bad), "migration"), strings.Join(bad, ", "))}
	}
	msg := fmt.Sprintf("ok: every down restores what its up changed (%s checked", plural(len(rep.Steps), "migration"))
	if len(irrev) > 0 {
		msg += fmt.Sprintf(", %d irreversible", len(irrev))
	}
	a.info("%s)", msg)
	return nil
}

// rollbackResult is the result of tide verify-rollback.
type rollbackResult struct {
	OK         bool           `json:"ok"`
	Migrations []rollbackStep `json:"migrations"`
	Unchecked  int            `json:"unchecked"`
}

type rollbackStep struct {
	migrationJSON
	Verdict     string          `json:"verdict"`
	Changes     []schema.Change `json:"changes"`
	DataChanges []string        `json:"data_changes"`
	Seeded      []string        `json:"seeded"`
	SeedSkipped []string        `json:"seed_skipped"`
	Phase       string          `json:"phase,omitempty"`
	Error       string          `json:"error,omitempty"`
	DurationMS  int64           `json:"duration_ms"`
}

func (a *app) rollbackResult(rep *shadow.Report, strict bool) rollbackResult {
	out := rollbackResult{OK: rep.OK(strict), Migrations: []rollbackStep{}, Unchecked: rep.Unchecked}
	for _, s := range rep.Steps {
		out.Migrations = append(out.Migrations, rollbackStep{
			migrationJSON: migrationJSON{Version: s.Version.String(), Name: s.Name, Path: a.displayPath(s.Path)},
			Verdict:       s.Verdict, Changes: nonNil(s.Changes), DataChanges: nonNil(s.DataChanges),
			Seeded: nonNil(s.Seeded), SeedSkipped: nonNil(s.SeedSkipped), Phase: s.Phase,
			Error: a.scrub(s.Describe()), DurationMS: s.Duration.Milliseconds(),
		})
	}
	return out
}
