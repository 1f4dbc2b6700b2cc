package cli

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/tidemigrate/tide"
	"github.com/tidemigrate/tide/dialect"
	"github.com/tidemigrate/tide/history"
)

// operation runs one locked library operation with the event renderer and
// prints its outcome: message(results) on success. When done is not nil,
// the history's briefs are read while the migrations are, and the
// operation does not run when done says, from them, that it has nothing
// to do (tide up on a database that is up to date).
func (a *app) operation(ctx context.Context, opts []tide.Option,
	op func(ctx context.Context, m *tide.Migrator) ([]tide.Result, error),
	message func(results []tide.Result) string,
	done func(m *tide.Migrator, briefs []history.Brief) bool,
) error {
	var (
		briefs   []history.Brief
		briefsOK bool
		prefetch func(ctx context.Context, db *sql.DB, d dialect.Dialect)
	)
	if done != nil {
		prefetch = func(ctx context.Context, db *sql.DB, d dialect.Dialect) {
			// An error leaves it to the operation, which reads again.
			briefs, briefsOK, _ = history.New(d, a.flags.table).Briefs(ctx, db)
		}
	}
	db, d, connected, err := a.openAsync(ctx, prefetch)
	if err != nil {
		return err
	}
	defer db.Close()
	r := a.newRenderer()
	m, err := a.migrator(db, d, r.observe, opts...) // while connecting
	if cerr := connected(); cerr != nil {
		return cerr
	}
	if err != nil {
		return err
	}
	var results []tide.Result
	if !briefsOK || !done(m, briefs) {
		results, err = op(ctx, m)
	}
	msg := ""
	if err == nil {
		msg = message(results)
	}
	r.finish(results, err, msg)
	return err
}

func (a *app) upCommand() *cobra.Command {
	var to string
	var outOfOrder, ignoreOther, single, noAutoBackup bool
	cmd := &cobra.Command{
		Use:   "up",
		Short: "Apply the pending migrations",
		Long: `Apply every pending migration in version order, or those up to and
including --to. Each migration runs in a transaction with its record where
the database allows; otherwise statement by statement, recording progress,
so that a failed run continues where it stopped.

Several tide up may run at once: they take turns on the migration lock and
each migration runs exactly once. tide up refuses to run over drift (an
applied file changed or missing) and, unless --allow-out-of-order, over
pending migrations older than the newest applied one.`,
		Example: `  tide up
  tide up --to 20261110080000
  TIDE_DATABASE_URL=postgres://app@db/app tide --env prod up`,
		Args: cobra.NoArgs,
		RunE: a.runE(func(cmd *cobra.Command, _ []string) error {
			target, err := parseTarget("--to", to)
			if err != nil {
				return err
			}
			opts := []tide.Option{tide.WithAllowOutOfOrder(outOfOrder), tide.WithIgnoreOtherHistory(ignoreOther), tide.WithSingleTransaction(single), backupOption(noAutoBackup)}
			return a.operation(cmd.Context(), opts,
				func(ctx context.Context, m *tide.Migrator) ([]tide.Result, error) { return m.UpTo(ctx, target) },
				func(rs []tide.Result) string {
					if len(rs) == 0 {
						return "database is up to date"
					}
					return fmt.Sprintf("applied %s", plural(len(rs), "migration"))
				},
				func(m *tide.Migrator, briefs []history.Brief) bool { return m.UpToDate(briefs, target) })
		}),
	}
	cmd.Flags().StringVar(&to, "to", "", "apply the pending migrations up to and including `VERSION` only")
	cmd.Flags().BoolVar(&outOfOrder, "allow-out-of-order", false, "apply pending migrations older than the newest applied one")
	cmd.Flags().BoolVar(&single, "single-transaction", false, "apply every pending migration in one transaction: the whole deploy or nothing (PostgreSQL, SQLite)")
	cmd.Flags().BoolVar(&ignoreOther, "ignore-other-history", false, "run on a database that another tool migrated although tide adopt has not recorded its history")
	addNoAutoBackup(cmd, &noAutoBackup)
	return cmd
}

func (a *app) downCommand() *cobra.Command {
	var to string
	var all, partial bool
	cmd := &cobra.Command{
		Use:   "down",
		Short: "Revert the newest applied migration (or more with --to or --all)",
		Long: `Revert the newest applied migration; with --to VERSION every migration
newer than VERSION (which stays applied); with --all every applied
migration. Every migration to revert is checked first (file present and
unchanged, down section present): if one cannot be reverted, none is.

A migration that a failed statement-by-statement run left partially applied
(MySQL DDL, no-transaction migrations) is refused: complete it with tide up.
With --partial, when its down section mirrors its up section (as many
statements, each undoing the up statement at the mirrored position), only
the undos of the statements that took effect run.`,
		Example: `  tide down
  tide down --to 20261101091500     # 20261101091500 stays applied
  tide down --all`,
		Args: cobra.NoArgs,
		RunE: a.runE(func(cmd *cobra.Command, _ []string) error {
			target, err := parseTarget("--to", to)
			if err != nil {
				return err
			}
			op := func(ctx context.Context, m *tide.Migrator) ([]tide.Result, error) { return m.Down(ctx) }
			switch {
			case all:
				op = func(ctx context.Context, m *tide.Migrator) ([]tide.Result, error) { return m.DownAll(ctx) }
			case !target.IsZero():
				op = func(ctx context.Context, m *tide.Migrator) ([]tide.Result, error) { return m.DownTo(ctx, target) }
			}
			return a.operation(cmd.Context(), []tide.Option{tide.WithPartialRevert(partial)}, op, func(rs []tide.Result) string {
				switch {
				case len(rs) > 0:
					return fmt.Sprintf("reverted %s", plural(len(rs), "migration"))
				case !target.IsZero():
					return fmt.Sprintf("nothing to revert: no migration newer than %s is applied", target)
				}
				return "nothing to revert: no migration is applied"
			}, nil)
		}),
	}
	cmd.Flags().StringVar(&to, "to", "", "revert every migration newer than `VERSION`, which stays applied")
	cmd.Flags().BoolVar(&all, "all", false, "revert every applied migration")
	cmd.Flags().BoolVar(&partial, "partial", false, "revert a partially applied migration whose down section mirrors its up section")
	cmd.MarkFlagsMutuallyExclusive("to", "all")
	return cmd
}

func (a *app) redoCommand() *cobra.Command {
	var noAutoBackup bool
	cmd := &cobra.Command{
		Use:     "redo",
		Short:   "Revert the newest applied migration and apply it again",
		Example: `  tide redo                         # while writing a migration: try its down and up again`,
		Args:    cobra.NoArgs,
		RunE: a.runE(func(cmd *cobra.Command, _ []string) error {
			return a.operation(cmd.Context(), []tide.Option{backupOption(noAutoBackup)},
				func(ctx context.Context, m *tide.Migrator) ([]tide.Result, error) { return m.Redo(ctx) },
				func(rs []tide.Result) string {
					if len(rs) == 0 {
						return "nothing to redo: no migration is applied"
					}
					mig := rs[0].Migration
					return "redid " + mig.Label()
				}, nil)
		}),
	}
	addNoAutoBackup(cmd, &noAutoBackup)
	return cmd
}

func (a *app) baselineCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "baseline VERSION",
		Short: "Record the migrations up to VERSION as applied, without running them",
		Long: `Record every migration up to and including VERSION as applied without
running it, to adopt a database whose schema already has them. Migrations
already recorded are left as they are.`,
		Example: `  tide baseline 20261105120000      # the schema already has every migration up to it`,
		Args:    cobra.ExactArgs(1),
		RunE: a.runE(func(cmd *cobra.Command, args []string) error {
			target, err := parseTarget("VERSION", args[0])
			if err != nil {
				return err
			}
			return a.operation(cmd.Context(), nil,
				func(ctx context.Context, m *tide.Migrator) ([]tide.Result, error) { return m.Baseline(ctx, target) },
				func(rs []tide.Result) string {
					if len(rs) == 0 {
						return fmt.Sprintf("nothing to baseline: every migration up to %s is already recorded", target)
					}
					return fmt.Sprintf("baselined %s up to %s", plural(len(rs), "migration"), target)
				}, nil)
		}),
	}
}

// parseTarget parses a version given on the command line; "" is the zero
// version.
func parseTarget(what, s string) (tide.Version, error) {
	if s == "" {
		return tide.Version{}, nil
	}
	v, err := tide.ParseVersion(s)
	if err != nil {
		return tide.Version{}, usageErrorf("%s: %v", what, err)
	}
	return v, nil
}
