package cli

import (
	"fmt"
	"strings"
	"text/tabwriter"
	"time"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"github.com/tidemigrate/tide"
)

func (a *app) statusCommand() *cobra.Command {
	var exitCode bool
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Show the state of every migration",
		Long: `Show every migration known from the files or the version table: its
state, when it was applied, how long it took and by whom. The versioned
migrations come first, by version, then the repeatable ones (no version),
by name. It changes nothing.

States: applied; "applied (baseline)" when recorded by tide baseline;
"adopted (goose)" when recorded by tide adopt from another tool's history;
pending; changed (applied, but the file was edited since); outdated (a
repeatable migration whose file changed: tide up applies it again);
missing (applied, but its file is gone); partial (a statement-by-statement
run stopped mid-way: how far it got and the error).

With --exit-code, the exit status is 3 when any migration is not applied
as its file says (pending, partial, changed, missing or outdated), for a
CI step that checks that a deploy migrated the database.

On a terminal narrower than the table, the NAME and STATE columns are
cut short (marked "…"); --json has everything.`,
		Example: `  tide status
  tide status --json
  tide --env prod status --exit-code    # exit 3 unless every migration is applied`,
		Args: cobra.NoArgs,
		RunE: a.runE(func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			db, d, empty, err := a.openToRead(ctx)
			if err != nil {
				return err
			}
			defer db.Close()
			if !empty {
				a.noteMissingTable(ctx, db, d)
			}
			m, err := a.migrator(db, d, nil)
			if err != nil {
				return err
			}
			sts, err := m.Status(ctx)
			if err != nil {
				return err
			}
			a.result = a.statusResult(sts)
			if !a.flags.json {
				a.statusTable(sts)
			}
			if !exitCode {
				return nil
			}
			return notUpToDate(sts)
		}),
	}
	cmd.Flags().BoolVar(&exitCode, "exit-code", false, "exit with status 3 when any migration is pending, partial, changed, missing or outdated")
	return cmd
}

// notUpToDate returns an error with exit status [ExitNotUpToDate] that
// counts the migrations not applied as their files say, or nil.
func notUpToDate(sts []tide.MigrationStatus) error {
	counts := map[tide.State]int{}
	var order []tide.State
	for _, st := range sts {
		if st.State == tide.StateApplied {
			continue
		}
		if counts[st.State] == 0 {
			order = append(order, st.State)
		}
		counts[st.State]++
	}
	if len(order) == 0 {
		return nil
	}
	var parts []string
	for _, s := range order {
		parts = append(parts, fmt.Sprintf("%d %s", counts[s], s))
	}
	return &exitError{code: ExitNotUpToDate, err: fmt.Errorf("the database is not up to date: %s", strings.Join(parts, ", "))}
}

// statusResult is the result of tide status.
type statusResult struct {
	Migrations []statusJSONRow `json:"migrations"`
	// Counts are the migrations by state (only the states present).
	Counts map[string]int `json:"counts"`
	// UpToDate reports that every migration is applied as its file says:
	// what --exit-code checks.
	UpToDate bool `json:"up_to_date"`
}

// statusJSONRow is one migration in tide status --json. Every key is always
// present; those without a value are null.
type statusJSONRow struct {
	migrationJSON
	State       string        `json:"state"`
	AppliedAt   *string       `json:"applied_at"`
	DurationMS  *int64        `json:"duration_ms"`
	AppliedBy   string        `json:"applied_by"`
	AppliedHost string        `json:"applied_host"`
	Baselined   bool          `json:"baselined"`
	AdoptedFrom *string       `json:"adopted_from"` // the tool tide adopt took it over from
	Reversible  bool          `json:"reversible"`
	Progress    *progressJSON `json:"progress"`
	// Repair is the last change made to the record by hand (tide accept,
	// tide resolve).
	Repair *repairJSON `json:"repair"`
}

type repairJSON struct {
	At   string `json:"at"`
	By   string `json:"by"`
	What string `json:"what"`
}

type progressJSON struct {
	Direction string `json:"direction"`
	Applied   int    `json:"applied"`
	Total     int    `json:"total"`
	Error     string `json:"error"`
}

func (a *app) statusResult(sts []tide.MigrationStatus) statusResult {
	out := statusResult{Migrations: make([]statusJSONRow, 0, len(sts)), Counts: map[string]int{}, UpToDate: notUpToDate(sts) == nil}
	for _, st := range sts {
		row := statusJSONRow{
			migrationJSON: a.migrationJSON(st.Migration), State: string(st.State), AppliedBy: st.AppliedBy, AppliedHost: st.AppliedHost,
			Baselined: st.Baselined, Reversible: st.Migration.Reversible,
		}
		if from, ok := adoptedFrom(st); ok {
			row.AdoptedFrom = &from
		}
		if !st.AppliedAt.IsZero() {
			at := st.AppliedAt.UTC().Format(time.RFC3339)
			ms := st.Duration.Milliseconds()
			row.AppliedAt, row.DurationMS = &at, &ms
		}
		if p := st.Progress; p != nil {
			row.Progress = &progressJSON{Direction: string(p.Direction), Applied: p.Applied, Total: p.Total, Error: a.scrub(p.Error)}
		}
		if r := st.Repair; r != nil {
			row.Repair = &repairJSON{At: r.At.UTC().Format(time.RFC3339), By: r.By, What: r.What}
		}
		out.Migrations = append(out.Migrations, row)
		out.Counts[string(st.State)]++
	}
	return out
}

func (a *app) statusTable(sts []tide.MigrationStatus) {
	if len(sts) == 0 {
		fmt.Fprintf(a.stdout, "no migrations in %s\n", a.dir)
		return
	}
	rows := [][]string{{"VERSION", "NAME", "STATE", "APPLIED AT", "DURATION", "BY"}}
	counts := map[string]int{}
	var order []string
	for _, st := range sts {
		state := stateText(st)
		if !st.Migration.Reversible && st.State != tide.StateMissing {
			state += " (irreversible: no down)"
		}
		var at, dur, by string
		if !st.AppliedAt.IsZero() {
			at = st.AppliedAt.UTC().Format(time.RFC3339)
			dur = fmtDuration(st.Duration)
			if st.Duration < time.Second {
				dur = fmt.Sprintf("%dms", st.Duration.Milliseconds())
			}
			if _, adopted := adoptedFrom(st); adopted || st.Baselined || st.State == tide.StatePartial {
				dur = "-"
			}
			by = st.AppliedBy
			if st.AppliedHost != "" {
				by += "@" + st.AppliedHost
			}
		}
		rows = append(rows, []string{st.Migration.Version.String(), st.Migration.Name, a.scrub(state), at, dur, by})
		key := string(st.State)
		if counts[key] == 0 {
			order = append(order, key)
		}
		counts[key]++
	}
	if a.isTerminal(a.stdout) {
		if w := a.termWidth(a.stdout); w > 0 {
			fitColumns(rows, w, statusGap, 1, 2)
		}
	}
	tw := tabwriter.NewWriter(a.stdout, 0, 4, statusGap, ' ', 0)
	for _, r := range rows {
		fmt.Fprintln(tw, strings.Join(r, "\t"))
	}
	tw.Flush()
	var parts []string
	for _, k := range order {
		parts = append(parts, fmt.Sprintf("%d %s", counts[k], k))
	}
	fmt.Fprintln(a.stdout, strings.Join(parts, ", "))
}

// statusGap is the space between the columns of tide status.
const statusGap = 2

// minColumn is the narrowest fitColumns makes a column.
const minColumn = 8

// fitColumns shortens the cells of the columns shrink (indexes) so that
// the table rows, with gap spaces between columns, fits in width
// characters: the widest of them loses a character at a time, down to
// minColumn, and cut cells end with "…". A table that cannot fit is left
// as wide as it must be.
func fitColumns(rows [][]string, width, gap int, shrink ...int) {
	var widths []int
	for _, r := range rows {
		for i, c := range r {
			if i == len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], utf8.RuneCountInString(c))
		}
	}
	total := gap * (len(widths) - 1)
	for _, w := range widths {
		total += w
	}
	for total > width {
		widest := -1
		for _, c := range shrink {
			if c < len(widths) && widths[c] > minColumn && (widest < 0 || widths[c] > widths[widest]) {
				widest = c
			}
		}
		if widest < 0 {
			break
		}
		widths[widest]--
		total--
	}
	for _, r := range rows {
		for _, c := range shrink {
			if c < len(r) {
				r[c] = truncateCell(r[c], widths[c])
			}
		}
	}
}

// truncateCell shortens s to n runes, the last one "…".
func truncateCell(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// stateText is the STATE column of tide status.
func stateText(st tide.MigrationStatus) string {
	switch {
	case st.State == tide.StatePartial && st.Progress != nil:
		p := st.Progress
		s := fmt.Sprintf("partial: %s %d/%d statements", p.Direction, p.Applied, p.Total)
		if p.Error != "" {
			s += ", error: " + truncate(oneLine(p.Error), maxErrorCell)
		}
		return s
	case st.State == tide.StateApplied && st.Baselined:
		return "applied (baseline)"
	case st.State == tide.StateApplied:
		if from, ok := adoptedFrom(st); ok {
			return "adopted (" + from + ")"
		}
	}
	return string(st.State)
}

// adoptedFrom returns the tool that applied a migration tide adopted.
func adoptedFrom(st tide.MigrationStatus) (string, bool) {
	return st.AdoptedFrom, st.Adopted
}

// maxErrorCell bounds the error shown in the STATE column; --json has it
// whole.
const maxErrorCell = 120

// truncate shortens s to n runes, marking the cut with "...".
func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-3]) + "..."
}

// oneLine joins the lines of s, for a table cell.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
