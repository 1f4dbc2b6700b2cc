package cli

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/tidemigrate/tide"
	"github.com/tidemigrate/tide/check"
)

func (a *app) checkCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "check [VERSION...]",
		Short: "Run the data checks of the applied migrations again",
		Long: `Run again, against the database, the data checks ("-- +tide check"
sections) of every applied migration, or of the migrations VERSION names:
a verification after a deploy, or at any time since. Each check is printed
with its file and line; a failing check with why and its first offending
rows. Every check runs, even after a failure. It changes nothing and takes
no lock.

A migration whose file changed since it was applied is checked with the
checks of its file, and a note says so. Pending and partially applied
migrations are not checked.

Exit status 1 when a check fails or cannot run.`,
		Example: `  tide check
  tide check 20261122093000                  # one migration's checks
  tide check --json | tail -n1 | jq -e .ok`,
		RunE: a.runE(func(cmd *cobra.Command, args []string) error {
			var versions []tide.Version
			for _, arg := range args {
				v, err := parseTarget("VERSION", arg)
				if err != nil {
					return err
				}
				versions = append(versions, v)
			}
			ctx := cmd.Context()
			db, d, empty, err := a.openToRead(ctx)
			if err != nil {
				return err
			}
			defer db.Close()
			if !empty {
				a.noteMissingTable(ctx, db, d)
			}
			m, err := a.migrator(db, d, a.checkLine)
			if err != nil {
				return err
			}
			report, err := m.Check(ctx, versions...)
			if err != nil {
				return err
			}
			res := a.checkResult(report)
			a.result = res
			for _, mc := range report.Migrations {
				if mc.Changed {
					a.note("%s changed since it was applied: its checks ran as its file has them now (%s)", mc.Migration.Label(), a.displayPath(mc.Migration.Path))
				}
			}
			failed := report.Failed()
			if len(failed) > 0 {
				return &checksError{failed: failed, total: res.Checks}
			}
			switch {
			case a.flags.json:
			case res.Checks == 0:
				a.info("no applied migration has data checks")
			default:
				a.info("%s of %s: all passed", plural(res.Checks, "check"), plural(len(res.Migrations), "migration"))
			}
			return nil
		}),
	}
}

// checksError is tide check's failure: the checks that failed.
type checksError struct {
	failed []*tide.CheckError
	total  int
}

func (e *checksError) Error() string {
	return fmt.Sprintf("%d of %s failed", len(e.failed), plural(e.total, "check"))
}

// checkLine prints each check of tide check on stdout as it ends, with
// the rows of a failure.
func (a *app) checkLine(e tide.Event) {
	if a.flags.json || a.flags.quiet {
		return
	}
	switch e := e.(type) {
	case tide.CheckPassed:
		fmt.Fprintf(a.stdout, "ok    %s  %s  %s (%s)\n", e.Migration.Label(), a.checkPlace(e.Migration, e.Check), a.scrub(e.Check.String()), fmtDuration(e.Duration))
	case tide.CheckFailed:
		fmt.Fprintf(a.stdout, "FAIL  %s  %s  %s: %s\n", e.Migration.Label(), a.checkPlace(e.Migration, e.Check), a.scrub(e.Check.String()), a.checkReason(e.Err))
		a.writeRows(a.stdout, e.Err.Outcome, "      ")
	}
}

// checkPlace is a check's file and line as shown to people.
func (a *app) checkPlace(m tide.Migration, c tide.Check) string {
	return fmt.Sprintf("%s:%d", a.displayPath(m.Path), c.Line)
}

// checkReason says why a check failed, or why it could not run.
func (a *app) checkReason(e *tide.CheckError) string {
	if e.Err != nil {
		return "could not run: " + a.errorText(e.Err)
	}
	return a.scrub(e.Outcome.Reason)
}

// writeRows writes the offending rows of out as a table, each line
// indented, with a last line when there were more than shown.
func (a *app) writeRows(w io.Writer, out check.Outcome, indent string) {
	if len(out.Rows) == 0 {
		return
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, indent+strings.Join(out.Columns, "\t"))
	for _, r := range out.Rows {
		cells := make([]string, len(r))
		for i, v := range r {
			cells[i] = a.scrub(v.String())
		}
		fmt.Fprintln(tw, indent+strings.Join(cells, "\t"))
	}
	tw.Flush()
	switch {
	case out.More:
		fmt.Fprintf(w, "%s(the first %d of more than %d rows)\n", indent, len(out.Rows), out.Count)
	case out.Count > len(out.Rows):
		fmt.Fprintf(w, "%s(the first %d of %d rows)\n", indent, len(out.Rows), out.Count)
	}
}

// printCheckDetail prints, under the error of a migration whose check
// failed, the check's query and the offending rows.
func (a *app) printCheckDetail(me *tide.MigrationError, ce *tide.CheckError) {
	where := fmt.Sprintf("%s:%d", a.displayPath(me.Path), ce.Check.Line)
	if me.SQL != "" {
		fmt.Fprintf(a.stderr, "  failing check (%s):\n", where)
		for _, l := range statementHead(a.scrub(me.SQL), maxStatementLines) {
			fmt.Fprintf(a.stderr, "    %s\n", l)
		}
	}
	if len(ce.Outcome.Rows) > 0 {
		fmt.Fprintln(a.stderr, "  offending rows:")
		a.writeRows(a.stderr, ce.Outcome, "    ")
	}
	if me.Transactional || me.Applied == 0 {
		return
	}
	fmt.Fprintln(a.stderr, "  applied and recorded (they ran outside a transaction: nothing rolled them back):")
	for i, st := range ce.Migration.Up[:min(me.Applied, len(ce.Migration.Up))] {
		fmt.Fprintf(a.stderr, "    %d (line %d): %s\n", i+1, st.Line, a.scrub(truncate(oneLine(st.SQL), 100)))
	}
}

// checkResult is the result of tide check.
type checkResult struct {
	Migrations []checkMigrationJSON `json:"migrations"`
	Checks     int                  `json:"checks"` // that ran
	Failed     int                  `json:"failed"`
}

// checkMigrationJSON is one applied migration whose checks ran.
type checkMigrationJSON struct {
	migrationJSON
	// Changed: the file changed since the migration was applied; its
	// checks ran as the file has them now.
	Changed bool           `json:"changed"`
	Checks  []checkRunJSON `json:"checks"`
}

// checkRunJSON is one check that ran; a failure's rows are in its error.
type checkRunJSON struct {
	Index      int    `json:"index"`
	Line       int    `json:"line"`
	Check      string `json:"check"` // the helper's line, or the start of the query
	Passed     bool   `json:"passed"`
	Reason     string `json:"reason"` // why it failed; "" when it passed
	DurationMS int64  `json:"duration_ms"`
}

func (a *app) checkResult(r *tide.CheckReport) checkResult {
	out := checkResult{Migrations: []checkMigrationJSON{}, Checks: r.Checks(), Failed: len(r.Failed())}
	for _, mc := range r.Migrations {
		m := checkMigrationJSON{migrationJSON: a.migrationJSON(mc.Migration), Changed: mc.Changed, Checks: []checkRunJSON{}}
		for i, c := range mc.Checks {
			run := checkRunJSON{Index: i + 1, Line: c.Check.Line, Check: a.scrub(c.Check.String()), Passed: c.Err == nil, DurationMS: c.Duration.Milliseconds()}
			if c.Err != nil {
				run.Reason = a.checkReason(c.Err)
			}
			m.Checks = append(m.Checks, run)
		}
		out.Migrations = append(out.Migrations, m)
	}
	return out
}

// checkJSON describes a failed check in an error of the JSON output.
type checkJSON struct {
	Index   int      `json:"index"` // 1-based, among the migration's checks
	Total   int      `json:"total"`
	Line    int      `json:"line"`
	Check   string   `json:"check"` // the helper's line, or the start of the query
	SQL     string   `json:"sql"`   // the query that ran; "" for an exists helper
	Reason  string   `json:"reason"`
	Columns []string `json:"columns"`
	// Rows are the first offending rows, each value as text (cut when
	// long, binary in hexadecimal), null for NULL.
	Rows  [][]*string `json:"rows"`
	Count int         `json:"count"` // offending rows read
	More  bool        `json:"more"`  // there were more than count
	// Error is the database's error when the check could not run.
	Error string `json:"error"`
}

func (a *app) checkJSON(e *tide.CheckError) *checkJSON {
	out := e.Outcome
	c := &checkJSON{
		Index: e.Index, Total: e.Total, Line: e.Check.Line, Check: a.scrub(e.Check.String()), SQL: a.scrub(out.SQL),
		Reason: a.scrub(out.Reason), Columns: out.Columns, Rows: [][]*string{}, Count: out.Count, More: out.More,
	}
	if c.Columns == nil {
		c.Columns = []string{}
	}
	if e.Err != nil {
		c.Error = a.errorText(e.Err)
	}
	for _, r := range out.Rows {
		row := make([]*string, len(r))
		for i, v := range r {
			if !v.Null {
				s := a.scrub(v.Text)
				row[i] = &s
			}
		}
		c.Rows = append(c.Rows, row)
	}
	return c
}

// checkEntry is the error entry of a failed check of tide check.
func (a *app) checkEntry(e *tide.CheckError) errorJSON {
	file := a.displayPath(e.Migration.Path)
	return errorJSON{Code: codeCheckFailed, Message: a.errorText(e), File: file, Line: e.Check.Line,
		Version: e.Migration.Version.String(), Name: e.Migration.Name, Repeatable: e.Migration.Repeatable, Check: a.checkJSON(e)}
}

// checkOf returns the *tide.CheckError in err, if any.
func checkOf(err error) (*tide.CheckError, bool) {
	return errors.AsType[*tide.CheckError](err)
}
