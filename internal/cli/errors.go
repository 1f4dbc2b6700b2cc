package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/tidemigrate/tide"
	"github.com/tidemigrate/tide/internal/dburl"
	"github.com/tidemigrate/tide/migration"
)

// usageError is a mistake in the command line, the environment or the
// configuration file: exit status 2.
type usageError struct {
	msg    string
	config bool // in the configuration file or the environment: code "config"
}

func (e *usageError) Error() string { return e.msg }

func usageErrorf(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// configErrorf is a usage error in the configuration file or a TIDE_*
// variable, or a flag that contradicts the file.
func configErrorf(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...), config: true}
}

// codedError gives a failure of the command line its code in the JSON
// output (see errorEntries).
type codedError struct {
	code string
	err  error
}

func (e *codedError) Error() string { return e.err.Error() }
func (e *codedError) Unwrap() error { return e.err }

// problemsError is tide validate's failure: its problems are its errors.
type problemsError struct{ problems []errorJSON }

func (e *problemsError) Error() string {
	return fmt.Sprintf("found %s", plural(len(e.problems), "problem"))
}

// reportedErrors returns the errors to report for err: those it joins.
// After an interruption (Ctrl-C), only the failed migration is: the rest is
// what the cancellation broke on its way (a closed connection, an aborted
// transaction), logged with --verbose.
func (a *app) reportedErrors(err error) []error {
	parts := splitJoined(err)
	if !a.interrupted() {
		return parts
	}
	var kept []error
	for _, e := range parts {
		var me *tide.MigrationError
		if errors.As(e, &me) {
			kept = append(kept, e)
			continue
		}
		if !a.droppedLogged {
			a.log.Debug("error after the interruption", "error", a.scrub(e.Error()))
		}
	}
	a.droppedLogged = true
	return kept
}

// interruptedText is the text of a migration that Ctrl-C stopped: where,
// and what remains applied, without what the cancellation made the driver
// say ("canceling statement due to user request").
func (a *app) interruptedText(me *tide.MigrationError) string {
	c := *me
	c.Err = context.Canceled
	return a.errorText(&c)
}

// maxStatementLines bounds how much of a failing statement is shown.
const maxStatementLines = 8

// printError prints err on stderr as "tide: <error>", one line per joined
// error, followed, for a failed migration, by the start of the failing
// statement.
func (a *app) printError(err error) {
	for _, e := range a.reportedErrors(err) {
		var me *tide.MigrationError
		isMigration := errors.As(e, &me)
		text := a.errorText(e)
		if isMigration && e == error(me) && a.interrupted() && me.Cause == tide.CauseInterrupted {
			text = a.interruptedText(me)
		}
		fmt.Fprintf(a.stderr, "tide: %s\n", text)
		if isMigration {
			if ce, ok := checkOf(me.Err); ok {
				a.printCheckDetail(me, ce)
				continue
			}
		}
		if isMigration && me.SQL != "" {
			where := a.displayPath(me.Path)
			if me.Line > 0 {
				where = fmt.Sprintf("%s:%d", where, me.Line)
			}
			fmt.Fprintf(a.stderr, "  failing statement (%s):\n", where)
			for _, l := range statementHead(a.scrub(me.SQL), maxStatementLines) {
				fmt.Fprintf(a.stderr, "    %s\n", l)
			}
		}
	}
}

// splitJoined returns the errors joined in err by errors.Join, or err.
// Other errors that wrap several (fmt.Errorf with two %w) stay whole, since
// their text says more than their parts.
func splitJoined(err error) []error {
	j, ok := err.(interface{ Unwrap() []error })
	if !ok {
		return []error{err}
	}
	parts := j.Unwrap()
	texts := make([]string, len(parts))
	for i, e := range parts {
		texts[i] = e.Error()
	}
	if err.Error() != strings.Join(texts, "\n") {
		return []error{err}
	}
	var out []error
	for _, e := range parts {
		out = append(out, splitJoined(e)...)
	}
	return out
}

// errorText is the text of err for display: without the "tide: " prefix
// the library adds, with migration file paths shown relative to the
// current directory, and without the database password.
func (a *app) errorText(err error) string {
	s := err.Error()
	for {
		rest, ok := strings.CutPrefix(s, "tide: ")
		if !ok {
			break
		}
		s = rest
	}
	var pe *migration.ParseError
	var me *tide.MigrationError
	var de *tide.DriftError
	var ce *tide.CheckError
	switch {
	case errors.As(err, &pe) && pe.Path != "":
		s = strings.Replace(s, pe.Path+":", a.displayPath(pe.Path)+":", 1)
	case errors.As(err, &me) && me.Path != "":
		s = strings.Replace(s, me.Path+":", a.displayPath(me.Path)+":", 1)
	case errors.As(err, &ce) && ce.Check.Path != "":
		s = strings.Replace(s, ce.Check.Path+":", a.displayPath(ce.Check.Path)+":", 1)
	case errors.As(err, &de):
		for _, m := range de.Changed {
			if m.Path != "" {
				s = strings.Replace(s, "("+m.Path+")", "("+a.displayPath(m.Path)+")", 1)
			}
		}
	}
	return a.scrub(s)
}

// displayPath returns the path of a migration file, which the library
// names relative to the migrations directory, relative to the current
// directory instead.
func (a *app) displayPath(p string) string {
	if p == "" || a.dir == "" || a.dir == "." {
		return p
	}
	return filepath.Join(a.dir, filepath.FromSlash(p))
}

// addPasswords adds the password of rawURL, if any, to those scrubbed.
func (a *app) addPasswords(rawURL string) {
	for _, pw := range dburl.Passwords(rawURL) {
		if !slices.Contains(a.passwords, pw) {
			a.passwords = append(a.passwords, pw)
		}
	}
	slices.SortStableFunc(a.passwords, func(x, y string) int { return len(y) - len(x) })
}

// scrub removes the database passwords from s: wherever they appear, and
// from the userinfo of any URL in s.
func (a *app) scrub(s string) string {
	for _, pw := range a.passwords {
		s = strings.ReplaceAll(s, pw, "xxxxx")
	}
	return userinfo.ReplaceAllString(s, "$1:xxxxx@")
}

// scrubWriter writes to stderr with the passwords scrubbed, for the debug
// log, which gets the library's errors as they are. slog writes each record
// in one call.
type scrubWriter struct{ a *app }

func (w scrubWriter) Write(p []byte) (int, error) {
	if _, err := io.WriteString(w.a.stderr, w.a.scrub(string(p))); err != nil {
		return 0, err
	}
	return len(p), nil
}

// userinfo matches the user and password of a URL: "//user:password@".
var userinfo = regexp.MustCompile(`(//[^:/@?#\s]*):([^@/?#\s]*)@`)

// statementHead returns the first n non-empty-trailing lines of sql, with
// "..." when there are more.
func statementHead(sql string, n int) []string {
	lines := strings.Split(strings.TrimSpace(sql), "\n")
	if len(lines) > n {
		lines = append(lines[:n:n], "...")
	}
	return lines
}
