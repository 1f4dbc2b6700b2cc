package tide

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/tidemigrate/tide/check"
	"github.com/tidemigrate/tide/dialect"
	"github.com/tidemigrate/tide/history"
	"github.com/tidemigrate/tide/migration"
)

// Check is one data check of a migration; see [migration.Check].
type Check = migration.Check

// CheckError reports a data check that failed: its query returned
// offending rows (or a single value that is not true), or the object it
// looks for does not exist; or it could not run (Err). In a migration, it
// is the Err of a *[MigrationError] whose Cause is [CauseCheckFailed].
type CheckError struct {
	Migration Migration
	Check     Check
	Index     int // 1-based, among the migration's checks
	Total     int // the migration's checks
	// Outcome holds what the check found: the query that ran, why it
	// failed in words, and the first offending rows.
	Outcome check.Outcome
	// Err is the database's error when the check could not run (a bad
	// query, a table that does not exist); nil when it ran and failed.
	Err error
}

// Error names the check's file and line, and says what it found: "path:12:
// check 2/3 (not-null users.email) of 3 copy_users failed: 2 rows of
// users have NULL in email: (id=7, email=NULL), (id=9, email=NULL)".
func (e *CheckError) Error() string {
	where := e.Check.Path
	if e.Check.Line > 0 {
		where = fmt.Sprintf("%s:%d", where, e.Check.Line)
	}
	return fmt.Sprintf("%s: %s of %s %s", where, e.head(), e.Migration.Label(), e.found())
}

// head names the check: "check 2/3 (not-null users.email)".
func (e *CheckError) head() string {
	return fmt.Sprintf("check %d/%d (%s)", e.Index, e.Total, e.Check)
}

// found says what happened: "failed: ..." or "could not run: ...".
func (e *CheckError) found() string {
	if e.Err != nil {
		return "could not run: " + strings.TrimPrefix(e.Err.Error(), "tide: ")
	}
	var b strings.Builder
	b.WriteString("failed: " + e.Outcome.Reason)
	if rows := e.Outcome.Rows; len(rows) > 0 && listsRows(e.Check) {
		if e.Outcome.Count > len(rows) {
			fmt.Fprintf(&b, "; the first %d:", len(rows))
		} else {
			b.WriteString(":")
		}
		for i, r := range rows {
			if i > 0 {
				b.WriteString(",")
			}
			b.WriteString(" (")
			for j, v := range r {
				if j > 0 {
					b.WriteString(", ")
				}
				col := ""
				if j < len(e.Outcome.Columns) {
					col = e.Outcome.Columns[j]
				}
				b.WriteString(col + "=" + v.String())
			}
			b.WriteString(")")
		}
	}
	return b.String()
}

// listsRows reports whether a failure of c is worth its rows in the
// message: not when its reason says it all (counts, a single value, a
// missing object).
func listsRows(c Check) bool {
	switch c.Helper.(type) {
	case migration.RowsEqual, migration.Exists:
		return false
	}
	return true
}

// Unwrap returns the database's error, if any.
func (e *CheckError) Unwrap() error { return e.Err }

// CheckStarted is reported before a data check runs.
type CheckStarted struct {
	Migration Migration
	Check     Check
	Index     int // 1-based, among the migration's checks
	Total     int
}

// CheckPassed is reported after a data check passed.
type CheckPassed struct {
	Migration Migration
	Check     Check
	Index     int
	Total     int
	Duration  time.Duration
}

// CheckFailed is reported after a data check failed, or could not run.
type CheckFailed struct {
	Migration Migration
	Check     Check
	Index     int
	Total     int
	Duration  time.Duration
	Err       *CheckError
}

// Kind returns "check_started".
func (CheckStarted) Kind() string { return "check_started" }

// Kind returns "check_passed".
func (CheckPassed) Kind() string { return "check_passed" }

// Kind returns "check_failed".
func (CheckFailed) Kind() string { return "check_failed" }

// LogRecord describes the event to a logger.
func (e CheckStarted) LogRecord() (slog.Level, string, []slog.Attr) {
	return slog.LevelDebug, "check started", checkAttrs(e.Migration, e.Check, e.Index, e.Total)
}

// LogRecord describes the event to a logger.
func (e CheckPassed) LogRecord() (slog.Level, string, []slog.Attr) {
	return slog.LevelInfo, "check passed", append(checkAttrs(e.Migration, e.Check, e.Index, e.Total), slog.Duration("duration", e.Duration))
}

// LogRecord describes the event to a logger.
func (e CheckFailed) LogRecord() (slog.Level, string, []slog.Attr) {
	return slog.LevelWarn, "check failed", append(checkAttrs(e.Migration, e.Check, e.Index, e.Total), slog.Duration("duration", e.Duration), slog.Any("error", e.Err))
}

func checkAttrs(m Migration, c Check, i, n int) []slog.Attr {
	return append(migrationAttrs(m, Up), slog.Int("check", i), slog.Int("checks", n), slog.Int("line", c.Line), slog.String("what", c.String()))
}

// runChecks runs the checks of mig through q, in order, and stops at the
// first that fails, with its *CheckError.
func (m *Migrator) runChecks(ctx context.Context, q dialect.Querier, mig *migration.Migration) error {
	for i := range mig.Checks {
		if r := m.runCheck(ctx, q, mig, i); r.Err != nil {
			return r.Err
		}
	}
	return nil
}

// runCheck runs check i of mig through q, reporting it.
func (m *Migrator) runCheck(ctx context.Context, q dialect.Querier, mig *migration.Migration, i int) CheckResult {
	c, n := mig.Checks[i], len(mig.Checks)
	m.emit(ctx, CheckStarted{Migration: *mig, Check: c, Index: i + 1, Total: n})
	start := time.Now()
	out, err := check.Run(ctx, m.d, q, c)
	res := CheckResult{Check: c, Outcome: out, Duration: time.Since(start)}
	if err == nil && out.Passed {
		m.emit(ctx, CheckPassed{Migration: *mig, Check: c, Index: i + 1, Total: n, Duration: res.Duration})
		return res
	}
	res.Err = &CheckError{Migration: *mig, Check: c, Index: i + 1, Total: n, Outcome: out, Err: err}
	m.emit(ctx, CheckFailed{Migration: *mig, Check: c, Index: i + 1, Total: n, Duration: res.Duration, Err: res.Err})
	return res
}

// hasChecks reports whether mig has checks to run after direction dir.
func hasChecks(mig *migration.Migration, dir Direction) bool {
	return dir == Up && len(mig.Checks) > 0
}

// checksAfter runs the checks of mig through q after its statements in
// direction dir: up only.
func (m *Migrator) checksAfter(ctx context.Context, q dialect.Querier, mig *migration.Migration, dir Direction) error {
	if !hasChecks(mig, dir) {
		return nil
	}
	return m.runChecks(ctx, q, mig)
}

// stepwiseCheckFailure records that the checks of mig failed with err
// after its statements took effect one by one (progress is their record):
// the migration stays partial, all its statements done, so that the next
// up runs the checks again. It returns the *MigrationError describing it.
func (m *Migrator) stepwiseCheckFailure(s *session, mig *migration.Migration, stmts []Statement, before *history.Record, progress history.Record, err error) error {
	e := m.checkFailure(s.ctx, mig, err, len(stmts), false)
	e.mirrored = mig.Reversible && len(mig.Down) == len(mig.Up)
	failed := progress
	failed.Cause, failed.Intent = string(e.Cause), ""
	if rerr := m.recordFailure(context.WithoutCancel(s.ctx), s.conn, before, failed, len(stmts) == 0, err); rerr != nil {
		return errors.Join(e, fmt.Errorf("tide: recording the failure also failed: %w", rerr))
	}
	return e
}

// checkFailure describes, as a *MigrationError, the failure err of the
// checks of mig (usually a *CheckError) after applied statements took
// effect and are recorded (0 and transactional: rolled back).
func (m *Migrator) checkFailure(ctx context.Context, mig *migration.Migration, err error, applied int, transactional bool) *MigrationError {
	e := m.migrationError(ctx, mig, Up, nil, -1, err)
	e.Applied, e.Transactional = applied, transactional
	ce, ok := errors.AsType[*CheckError](err)
	if !ok {
		return e
	}
	if e.Cause == CauseFailed {
		e.Cause = CauseCheckFailed
	}
	e.Line, e.SQL = ce.Check.Line, ce.Outcome.SQL
	if ed, ok := m.d.(dialect.ErrorDetailer); ok && ce.Err != nil {
		if d, ok := ed.ErrorDetail(ce.Err); ok {
			e.Detail, e.Hint = d.Detail, d.Hint
			if d.Position > 0 && ce.Check.Helper == nil {
				e.ErrorLine = ce.Check.Line + lineOfPosition(ce.Check.SQL, d.Position) - 1
			}
		}
	}
	return e
}

// checkTexts is the text of checks, kept with a migration's record so
// that an edited check shows in [Migrator.Diff]: a plain check's query, a
// helper's line.
func checkTexts(checks []Check) []string {
	var out []string
	for _, c := range checks {
		if c.Helper != nil {
			out = append(out, "-- +tide check "+c.Helper.String())
		} else {
			out = append(out, c.SQL)
		}
	}
	return out
}

// CheckResult is one data check that [Migrator.Check] ran.
type CheckResult struct {
	Check    Check
	Outcome  check.Outcome
	Duration time.Duration
	// Err is the failure; nil when the check passed.
	Err *CheckError
}

// MigrationChecks are the checks of one applied migration that
// [Migrator.Check] ran.
type MigrationChecks struct {
	Migration Migration
	// Changed reports a migration whose file changed since it was
	// applied: its checks are those of the file now.
	Changed bool
	Checks  []CheckResult
}

// CheckReport is what [Migrator.Check] found.
type CheckReport struct {
	// Migrations are the applied migrations that have checks, versioned
	// by version, then repeatable by name.
	Migrations []MigrationChecks
}

// Failed returns the checks that failed, in order.
func (r *CheckReport) Failed() []*CheckError {
	var out []*CheckError
	for _, mc := range r.Migrations {
		for _, c := range mc.Checks {
			if c.Err != nil {
				out = append(out, c.Err)
			}
		}
	}
	return out
}

// Checks returns the number of checks that ran.
func (r *CheckReport) Checks() int {
	n := 0
	for _, mc := range r.Migrations {
		n += len(mc.Checks)
	}
	return n
}

// Err returns the failed checks, joined; nil when every check passed.
func (r *CheckReport) Err() error {
	var errs []error
	for _, e := range r.Failed() {
		errs = append(errs, e)
	}
	return errors.Join(errs...)
}

// Check runs again the data checks of the applied migrations against the
// database (a verification after a deploy, or at any time since), every
// one even after a failure, and reports them. With versions, only those
// migrations' checks run; each must be applied. It changes nothing, takes
// no lock and runs each check on its own, outside a transaction.
//
// A migration whose file changed since it was applied is checked with the
// checks of its file (MigrationChecks.Changed says so); partial and
// pending migrations are not checked. The error reports a run that could
// not happen (the version table unreadable, an unknown version);
// failing checks are in the report: see [CheckReport.Err].
func (m *Migrator) Check(ctx context.Context, versions ...Version) (*CheckReport, error) {
	for _, v := range versions {
		if err := m.checkTarget(v); err != nil {
			return nil, err
		}
	}
	recs, err := m.hist.List(ctx, m.db)
	if err != nil {
		return nil, fmt.Errorf("tide: %w", err)
	}
	done := byKey(recs)
	var todo []MigrationChecks
	var missing []string
	for _, mig := range slices.Concat(m.migs, m.reps) {
		if len(versions) > 0 && (mig.Repeatable || !slices.Contains(versions, mig.Version)) {
			continue
		}
		r, ok := done[mig.Key()]
		if !ok || r.State != history.StateApplied {
			if len(versions) > 0 {
				missing = append(missing, mig.Label())
			}
			continue
		}
		if len(mig.Checks) > 0 {
			todo = append(todo, MigrationChecks{Migration: *mig, Changed: r.Checksum != "" && r.Checksum != mig.Checksum})
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("tide: not applied, so not checked: %s", strings.Join(missing, ", "))
	}
	report := &CheckReport{Migrations: todo}
	if len(todo) == 0 {
		return report, nil
	}
	conn, err := m.db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("tide: connect: %w", err)
	}
	defer conn.Close()
	for i := range report.Migrations {
		mc := &report.Migrations[i]
		for j := range mc.Migration.Checks {
			if err := ctx.Err(); err != nil {
				return report, fmt.Errorf("tide: check %s: %w", mc.Migration.Label(), context.Cause(ctx))
			}
			mc.Checks = append(mc.Checks, m.runCheck(ctx, conn, &mc.Migration, j))
		}
	}
	return report, nil
}

// checksScript writes the kept texts of checks for a readable diff ("" for
// none).
func checksScript(checks []string) string {
	if len(checks) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("-- checks\n")
	for _, c := range checks {
		if strings.HasPrefix(c, "-- ") {
			b.WriteString(c + "\n")
		} else {
			b.WriteString(c + ";\n")
		}
	}
	return b.String()
}
