package cli

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/tidemigrate/tide"
	"github.com/tidemigrate/tide/check"
	"github.com/tidemigrate/tide/dialect"
)

func (a *app) planCommand() *cobra.Command {
	var to string
	var outOfOrder, down, all bool
	cmd := &cobra.Command{
		Use:   "plan",
		Short: "Print the SQL that up (or down) would run, without running it",
		Long: `Print, in order, the SQL of every migration tide up would apply (up to
and including --to), each under a header comment naming it. The output is
a script for the database's own client. It changes nothing, and fails
where tide up would refuse to start (drift, out-of-order migrations).

With --down, print what tide down would revert instead, in the order it
would (newest applied first): the newest migration, those newer than
--to, or --all.`,
		Example: `  tide plan
  tide plan --to 20261110080000 > review.sql
  tide plan --down --all
  tide plan --json`,
		Args: cobra.NoArgs,
		RunE: a.runE(func(cmd *cobra.Command, _ []string) error {
			target, err := parseTarget("--to", to)
			if err != nil {
				return err
			}
			if all && !down {
				return usageErrorf("--all goes with --down")
			}
			ctx := cmd.Context()
			db, d, inMemory, err := a.openToRead(ctx)
			if err != nil {
				return err
			}
			defer db.Close()
			if !inMemory {
				a.noteMissingTable(ctx, db, d)
			}
			m, err := a.migrator(db, d, nil, tide.WithAllowOutOfOrder(outOfOrder))
			if err != nil {
				return err
			}
			var plan []tide.Planned
			if down {
				plan, err = m.PlanDown(ctx, target, all)
			} else {
				plan, err = m.Plan(ctx, target)
			}
			if err != nil {
				return err
			}
			direction := tide.Up
			if down {
				direction = tide.Down
			}
			a.result = a.planResult(plan, d, direction)
			if a.flags.json {
				return nil
			}
			empty := "database is up to date: nothing to apply"
			if down {
				empty = "nothing to revert"
			}
			a.planSQL(a.stdout, plan, d, empty)
			return nil
		}),
	}
	cmd.Flags().StringVar(&to, "to", "", "plan the pending migrations up to and including `VERSION` only (with --down: those newer than VERSION)")
	cmd.Flags().BoolVar(&outOfOrder, "allow-out-of-order", false, "include pending migrations older than the newest applied one")
	cmd.Flags().BoolVar(&down, "down", false, "plan what tide down would revert")
	cmd.Flags().BoolVar(&all, "all", false, "with --down: every applied migration")
	cmd.MarkFlagsMutuallyExclusive("to", "all")
	return cmd
}

// planSQL writes the plan as a script.
func (a *app) planSQL(w io.Writer, plan []tide.Planned, d dialect.Dialect, empty string) {
	if len(plan) == 0 {
		fmt.Fprintln(w, "-- "+empty)
		return
	}
	for i, p := range plan {
		if i > 0 {
			fmt.Fprintln(w)
		}
		mig := p.Migration
		if mig.Path == "" {
			fmt.Fprintf(w, "-- %s%s (Go migration: its code is not shown)\n", revertPrefix(p.Direction), mig.Label())
			continue
		}
		fmt.Fprintf(w, "-- %s%s (%s)\n", revertPrefix(p.Direction), mig.Label(), a.displayPath(mig.Path))
		stmts := p.Statements()
		switch {
		case mig.NoTransaction:
			fmt.Fprintln(w, "-- no transaction")
		case commitsImplicitly(d, stmts):
			fmt.Fprintln(w, "-- no transaction: its DDL commits implicitly, so it runs statement by statement")
		}
		if p.Resume > 0 {
			fmt.Fprintf(w, "-- resuming after statement %d\n", p.Resume)
		}
		if len(stmts) == 0 {
			fmt.Fprintln(w, "-- (no statements)")
		}
		for _, st := range stmts {
			fmt.Fprintln(w, terminate(d, st.SQL))
		}
		if p.Direction == tide.Up {
			for i, c := range mig.Checks {
				fmt.Fprintf(w, "-- then check %d/%d (line %d): %s\n", i+1, len(mig.Checks), c.Line, c)
			}
		}
	}
}

// terminate ends a statement so that the database's own client runs it.
func terminate(d dialect.Dialect, sql string) string {
	if cs, ok := d.(dialect.ClientScripter); ok {
		return cs.ClientStatement(sql)
	}
	return sql + ";"
}

func commitsImplicitly(d dialect.Dialect, stmts []tide.Statement) bool {
	ic, ok := d.(dialect.ImplicitCommitter)
	if !ok {
		return false
	}
	for _, st := range stmts {
		if ic.CommitsImplicitly(st.SQL) {
			return true
		}
	}
	return false
}

// planResult is the result of tide plan.
type planResult struct {
	Direction  string         `json:"direction"` // "up", or "down" with --down
	Migrations []planJSONStep `json:"migrations"`
}

// planJSONStep is one migration in tide plan --json.
type planJSONStep struct {
	migrationJSON
	Direction     string `json:"direction"`
	NoTransaction bool   `json:"no_transaction"` // it runs statement by statement
	// Resumed is the number of leading statements an interrupted earlier
	// run applied: they are skipped.
	Resumed    int                 `json:"resumed"`
	Statements []planJSONStatement `json:"statements"` // none for a Go migration
	// Checks are the data checks that run after the up statements.
	Checks []planJSONCheck `json:"checks,omitempty"`
}

// planJSONCheck is one data check in tide plan --json.
type planJSONCheck struct {
	Index int    `json:"index"` // 1-based, among the migration's checks
	Line  int    `json:"line"`
	Check string `json:"check"` // the helper's line, or the start of the query
	SQL   string `json:"sql"`   // the query it runs; "" for an exists helper, which asks the catalog
}

type planJSONStatement struct {
	Index int    `json:"index"` // 1-based, in its section
	Line  int    `json:"line"`
	SQL   string `json:"sql"`
}

func (a *app) planResult(plan []tide.Planned, d dialect.Dialect, direction tide.Direction) planResult {
	out := planResult{Direction: string(direction), Migrations: make([]planJSONStep, 0, len(plan))}
	for _, p := range plan {
		stmts := p.Statements()
		s := planJSONStep{
			migrationJSON: a.migrationJSON(p.Migration), Direction: string(p.Direction),
			NoTransaction: p.Migration.NoTransaction || commitsImplicitly(d, stmts),
			Resumed:       p.Resume, Statements: make([]planJSONStatement, 0, len(stmts)),
		}
		for i, st := range stmts {
			s.Statements = append(s.Statements, planJSONStatement{Index: p.Resume + i + 1, Line: st.Line, SQL: st.SQL})
		}
		if p.Direction == tide.Up {
			for i, c := range p.Migration.Checks {
				s.Checks = append(s.Checks, planJSONCheck{Index: i + 1, Line: c.Line, Check: c.String(), SQL: check.Query(d, c)})
			}
		}
		out.Migrations = append(out.Migrations, s)
	}
	return out
}

// revertPrefix marks the header of a step that reverts a migration.
func revertPrefix(d tide.Direction) string {
	if d == tide.Down {
		return "revert "
	}
	return ""
}
