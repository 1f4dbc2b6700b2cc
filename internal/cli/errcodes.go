package cli

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/tidemigrate/tide"
	"github.com/tidemigrate/tide/adopt"
	"github.com/tidemigrate/tide/migration"
)

// The codes of the errors in the JSON output: one per typed error of the
// library, and a few of the command line's. README.md lists them.
const (
	codeUsage              = "usage"
	codeConfig             = "config"
	codeDatabaseURLMissing = "database_url_missing"
	codeDatabaseUnavail    = "database_unavailable"
	codeParse              = "parse_error"
	codeDriftChanged       = "drift_changed"
	codeDriftMissing       = "drift_missing"
	codeOutOfOrder         = "out_of_order"
	codePartial            = "partial"
	codePartialChanged     = "partial_changed"
	codeOtherHistory       = "other_history"
	codeNoDown             = "no_down"
	codeUnknownVersion     = "unknown_version"
	codeLockTimeout        = "lock_timeout"
	codeLockLost           = "lock_lost"
	codeInterrupted        = "interrupted"
	codeAdoptChecksum      = "adopt_checksum"
	codeAdoptCodeHistory   = "adopt_code_history"
	codeAdoptIncomplete    = "adopt_incomplete"
	codeAdoptAmbiguous     = "adopt_ambiguous"
	codeAdoptNoHistory     = "adopt_no_history"
	codeNotUpToDate        = "not_up_to_date"
	codeCheckFailed        = string(tide.CauseCheckFailed) // tide check: a check that failed
	codeError              = "error"
	// A *tide.MigrationError's code is its Cause: statement_failed,
	// interrupted or connection_lost (or no_down, lock_lost above).
)

// errorJSON is one error in the JSON output. Message is the text printed
// on stderr after "tide: "; file, line, version and name are there when
// the error names them.
type errorJSON struct {
	Code       string `json:"code"`
	Message    string `json:"message"`
	File       string `json:"file,omitempty"`
	Line       int    `json:"line,omitempty"`
	Version    string `json:"version,omitempty"`
	Name       string `json:"name,omitempty"`
	Repeatable bool   `json:"repeatable,omitempty"`
	// Failure describes a migration that failed (a *tide.MigrationError).
	Failure *failureJSON `json:"failure,omitempty"`
	// Check describes a data check that failed (check_failed).
	Check *checkJSON `json:"check,omitempty"`
	// Diff is, for a changed migration (drift_changed) from tide
	// validate, a unified diff from the statements that ran to the
	// file's, where the version table kept them.
	Diff string `json:"diff,omitempty"`
}

// failureJSON is where and how a migration failed.
type failureJSON struct {
	Direction string `json:"direction"`
	Cause     string `json:"cause"` // statement_failed, interrupted, connection_lost; "" when it could not start
	// Statement is the 1-based index of the failing statement in its
	// section; 0 when the failure is not a statement's.
	Statement     int    `json:"statement"`
	StatementLine int    `json:"statement_line"` // the line of the file where it starts
	ErrorLine     int    `json:"error_line"`     // the line where the database found the error; 0 when it did not say
	SQL           string `json:"sql"`
	Detail        string `json:"detail"` // what the database added (PostgreSQL DETAIL, HINT)
	Hint          string `json:"hint"`
	// Applied is the number of statements of the failed direction that
	// took effect and are recorded (a run that could not be atomic).
	Applied int `json:"applied"`
	// Transactional reports that the migration ran in one transaction:
	// nothing of it remains.
	Transactional bool `json:"transactional"`
}

func (e errorJSON) String() string { return e.Message }

// errorEntries returns the errors of err for the JSON output, one per
// joined error, and one per migration for drift and out-of-order
// migrations.
func (a *app) errorEntries(err error) []errorJSON {
	out := []errorJSON{}
	for _, e := range a.reportedErrors(err) {
		out = append(out, a.entries(e, nil)...)
	}
	if a.interrupted() && !slices.ContainsFunc(out, func(e errorJSON) bool { return e.Code == codeInterrupted }) {
		out = append(out, errorJSON{Code: codeInterrupted, Message: "interrupted"})
	}
	return out
}

// entries returns the entries of one error; migs (else those the migrator
// read) give the files of the migrations that the error names by version
// only.
func (a *app) entries(e error, migs []tide.Migration) []errorJSON {
	if migs == nil && a.migrations != nil {
		migs = a.migrations.All()
	}
	pathOf := func(v tide.Version) string {
		for _, m := range migs {
			if !m.Repeatable && m.Version == v {
				return a.displayPath(m.Path)
			}
		}
		return ""
	}
	var (
		ue  *usageError
		ce  *codedError
		pse *problemsError
		cke *checksError
		ee  *exitError
		pe  *migration.ParseError
		de  *tide.DriftError
		oe  *tide.OutOfOrderError
		pa  *tide.PartialError
		me  *tide.MigrationError
		oh  *tide.OtherHistoryError
		ack *adopt.ChecksumError
		ach *adopt.CodeHistoryError
		aic *adopt.IncompleteError
		aam *adopt.AmbiguousError
	)
	one := errorJSON{Code: codeError, Message: a.errorText(e)}
	switch {
	case errors.As(e, &pse):
		return pse.problems
	case errors.As(e, &cke):
		var out []errorJSON
		for _, f := range cke.failed {
			out = append(out, a.checkEntry(f))
		}
		return out
	case errors.As(e, &ue):
		one.Code = codeUsage
		if ue.config {
			one.Code = codeConfig
		}
	case errors.As(e, &ee):
		one.Code = codeNotUpToDate
	case errors.As(e, &ce):
		one.Code = ce.code
	case errors.As(e, &pe):
		one.Code, one.File, one.Line = codeParse, a.displayPath(pe.Path), pe.Line
	case errors.As(e, &de):
		var out []errorJSON
		for _, m := range de.Changed {
			file := a.displayPath(m.Path)
			out = append(out, errorJSON{Code: codeDriftChanged, File: file, Version: m.Version.String(), Name: m.Name, Repeatable: m.Repeatable,
				Message: withFile(file, fmt.Sprintf("migration %s changed since it was applied: restore the applied content, or revert it before editing", m.Label()))})
		}
		for _, v := range de.Missing {
			out = append(out, errorJSON{Code: codeDriftMissing, Version: v.String(),
				Message: fmt.Sprintf("migration %s was applied but no file has its version: restore its file", v)})
		}
		return out
	case errors.As(e, &oe):
		var out []errorJSON
		for _, v := range oe.Pending {
			file := pathOf(v)
			out = append(out, errorJSON{Code: codeOutOfOrder, File: file, Version: v.String(),
				Message: withFile(file, fmt.Sprintf("pending migration %s is older than the newest applied migration %s: apply it with --allow-out-of-order, or give it a newer version", v, oe.Latest))})
		}
		return out
	case errors.As(e, &me):
		one.Code = string(me.Cause)
		switch {
		case errors.Is(e, tide.ErrNoDown):
			one.Code = codeNoDown
		case errors.Is(e, tide.ErrLockLost):
			one.Code = codeLockLost
		case one.Code == "":
			one.Code = codeError
		}
		one.File, one.Line, one.Version, one.Name = a.displayPath(me.Path), me.Line, me.Version.String(), me.Name
		if me.ErrorLine > 0 {
			one.Line = me.ErrorLine
		}
		one.Repeatable = me.Version.IsZero()
		if e == error(me) && a.interrupted() && me.Cause == tide.CauseInterrupted {
			one.Message = a.interruptedText(me)
		}
		if ce, ok := checkOf(me.Err); ok {
			one.Check = a.checkJSON(ce)
		}
		one.Failure = &failureJSON{
			Direction: string(me.Direction), Cause: string(me.Cause), Statement: me.Statement, StatementLine: me.Line, ErrorLine: me.ErrorLine,
			SQL: a.scrub(me.SQL), Detail: a.scrub(me.Detail), Hint: a.scrub(me.Hint), Applied: me.Applied, Transactional: me.Transactional,
		}
	case errors.As(e, &pa):
		one.Code = codePartial
		if pa.Cause == tide.CauseChanged {
			one.Code = codePartialChanged
		}
		one.File, one.Version, one.Name, one.Repeatable = a.displayPath(pa.Path), pa.Version.String(), pa.Name, pa.Version.IsZero()
		if one.File == "" {
			one.File = pathOf(pa.Version)
		}
		one.Message = withFile(one.File, one.Message)
	case errors.As(e, &oh):
		one.Code = codeOtherHistory
	case errors.Is(e, tide.ErrLockTimeout):
		one.Code = codeLockTimeout
	case errors.Is(e, tide.ErrLockLost):
		one.Code = codeLockLost
	case errors.Is(e, tide.ErrUnknownVersion):
		one.Code = codeUnknownVersion
	case errors.As(e, &ack):
		one.Code, one.File = codeAdoptChecksum, ack.Path
	case errors.As(e, &ach):
		one.Code = codeAdoptCodeHistory
	case errors.As(e, &aic):
		one.Code = codeAdoptIncomplete
	case errors.As(e, &aam):
		one.Code = codeAdoptAmbiguous
	case errors.Is(e, adopt.ErrNoHistory):
		one.Code = codeAdoptNoHistory
	case backupCode(e) != "":
		one.Code = backupCode(e)
	case a.interrupted() || errors.Is(e, context.Canceled):
		one.Code = codeInterrupted
	case !a.ran:
		one.Code = codeUsage
	}
	return []errorJSON{one}
}

// withFile prefixes msg with "file: " unless it names file already.
func withFile(file, msg string) string {
	if file == "" || strings.HasPrefix(msg, file+":") {
		return msg
	}
	return file + ": " + msg
}
