package cli

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/tidemigrate/tide"
)

// repairResult is the result of tide accept and tide resolve.
type repairResult struct {
	migrationJSON
	What    string `json:"what"`
	Removed bool   `json:"removed"`
}

func (a *app) acceptCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "accept VERSION",
		Short: "Record an applied migration's edited file as the one that ran",
		Long: `Record the current file of the applied migration VERSION as the one that
ran, after its statements were edited on purpose (a comment, a fix also
applied by hand): its checksum and statements replace the recorded ones,
so that tide up no longer refuses it as drift. Nothing runs. tide validate
shows the difference first. The version table keeps who accepted it, when,
and the old checksum; tide status shows it.`,
		Example: `  tide validate                 # 2_users.sql changed since it was applied, and how
  tide accept 20261105120000`,
		Args: cobra.ExactArgs(1),
		RunE: a.runE(func(cmd *cobra.Command, args []string) error {
			v, err := parseTarget("VERSION", args[0])
			if err != nil {
				return err
			}
			return a.repair(cmd.Context(), func(ctx context.Context, m *tide.Migrator) (tide.Repair, error) { return m.Accept(ctx, v) })
		}),
	}
}

func (a *app) resolveCommand() *cobra.Command {
	var applied int
	var rolledBack, completed bool
	cmd := &cobra.Command{
		Use:   "resolve VERSION (--applied N | --rolled-back | --completed)",
		Short: "Record how much of a partially applied migration took effect, after checking by hand",
		Long: `Record how many statements of a partially applied migration took effect,
once you have checked the database yourself: --applied N of the direction
its run stopped in (tide status shows it, "partial: up 2/5"); --rolled-back
for none (after up, the migration is pending again; after down, applied
again); --completed for all of them (after up, applied; after down,
reverted). In between, it stays partial at that point, and the next tide
up (or down) continues after it. Nothing runs. The version table keeps
who resolved it and when.`,
		Example: `  tide status                             # 20261105120000 ... partial: up 2/5
  tide resolve 20261105120000 --applied 3  # statement 3 took effect after all
  tide resolve 20261105120000 --rolled-back`,
		Args: cobra.ExactArgs(1),
		RunE: a.runE(func(cmd *cobra.Command, args []string) error {
			v, err := parseTarget("VERSION", args[0])
			if err != nil {
				return err
			}
			set := 0
			for _, b := range []bool{cmd.Flags().Changed("applied"), rolledBack, completed} {
				if b {
					set++
				}
			}
			if set != 1 {
				return usageErrorf("give one of --applied N, --rolled-back or --completed")
			}
			if applied < 0 {
				return usageErrorf("--applied must not be negative")
			}
			return a.repair(cmd.Context(), func(ctx context.Context, m *tide.Migrator) (tide.Repair, error) {
				n := applied
				switch {
				case rolledBack:
					n = 0
				case completed:
					n = -1
				}
				return m.Resolve(ctx, v, n)
			})
		}),
	}
	cmd.Flags().IntVar(&applied, "applied", 0, "`N` statements of the stopped direction took effect")
	cmd.Flags().BoolVar(&rolledBack, "rolled-back", false, "none of them took effect")
	cmd.Flags().BoolVar(&completed, "completed", false, "all of them took effect")
	return cmd
}

// repair runs one repair by hand and reports it.
func (a *app) repair(ctx context.Context, op func(ctx context.Context, m *tide.Migrator) (tide.Repair, error)) error {
	db, d, err := a.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	r := a.newRenderer()
	m, err := a.migrator(db, d, r.observe)
	if err != nil {
		return err
	}
	rep, err := op(ctx, m)
	r.stop()
	if err != nil {
		return err
	}
	a.result = repairResult{migrationJSON: a.migrationJSON(rep.Migration), What: rep.What, Removed: rep.Removed}
	a.info("%s: %s", rep.Migration.Label(), rep.What)
	return nil
}
