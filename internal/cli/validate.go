package cli

import (
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/tidemigrate/tide"
	"github.com/tidemigrate/tide/dialect"
	"github.com/tidemigrate/tide/dialect/sqlite"
	"github.com/tidemigrate/tide/internal/dburl"
	"github.com/tidemigrate/tide/migration"
)

func (a *app) validateCommand() *cobra.Command {
	var outOfOrder bool
	cmd := &cobra.Command{
		Use:   "validate",
		Short: "Check the migration files, and the database's history against them",
		Long: `Check that every migration file reads and splits into statements, then,
if the database is reachable, compare the files with its version table:
applied files changed or missing (drift), migrations left partially
applied, pending migrations older than the newest applied one. Each problem
is printed as path:line: message. It changes nothing.

Exit status 1 when there is any problem. When the database cannot be
reached, only the files are checked, and a note says so.`,
		Args: cobra.NoArgs,
		RunE: a.runE(func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			db, d, checkDB, err := a.openForValidate(cmd)
			if err != nil {
				return err
			}
			defer db.Close()
			var problems []problem
			count := 0
			m, err := a.migrator(db, d, nil, tide.WithAllowOutOfOrder(outOfOrder))
			if err != nil {
				problems = a.problems(err, nil)
			} else {
				count = len(m.Migrations())
				if checkDB {
					if err := m.Validate(ctx); err != nil {
						problems = a.problems(err, m.Migrations())
					}
				}
			}
			if a.flags.json {
				out := struct {
					OK              bool      `json:"ok"`
					Migrations      int       `json:"migrations"`
					DatabaseChecked bool      `json:"database_checked"`
					Problems        []problem `json:"problems"`
				}{len(problems) == 0, count, checkDB, append([]problem{}, problems...)}
				enc := json.NewEncoder(a.stdout)
				enc.SetEscapeHTML(false)
				enc.SetIndent("", "  ")
				if err := enc.Encode(out); err != nil {
					return err
				}
			} else {
				for _, p := range problems {
					fmt.Fprintln(a.stdout, p)
				}
			}
			if len(problems) > 0 {
				return fmt.Errorf("found %s", plural(len(problems), "problem"))
			}
			what := "files and database history"
			if !checkDB {
				what = "files only: the database was not checked"
			}
			if !a.flags.json {
				fmt.Fprintf(a.stdout, "ok: %s valid (%s)\n", plural(count, "migration"), what)
			}
			return nil
		}),
	}
	cmd.Flags().BoolVar(&outOfOrder, "allow-out-of-order", false, "do not report pending migrations older than the newest applied one")
	return cmd
}

// openForValidate opens the database if it can be reached; otherwise it
// returns a database that never connects, with checkDB false, so that the
// files can still be checked.
func (a *app) openForValidate(cmd *cobra.Command) (db *sql.DB, d dialect.Dialect, checkDB bool, err error) {
	rawURL, isDefault := a.databaseURL()
	a.addPasswords(rawURL)
	if isDefault {
		if _, err := os.Stat(dburl.DefaultSQLitePath); err != nil {
			a.note("no database URL given (--database-url, %s, %s) and ./%s does not exist: checking the files only, "+
				"with statements split as for SQLite (for PostgreSQL or MySQL, give its URL: an unreachable one still checks the files)",
				envDatabaseURL, envDatabaseURLAlt, dburl.DefaultSQLitePath)
			return offlineDB(), sqlite.New(), false, nil
		}
	}
	db, d, err = a.open(cmd.Context())
	if err == nil {
		return db, d, true, nil
	}
	if cmd.Context().Err() != nil {
		return nil, nil, false, err
	}
	d, derr := dburl.Dialect(rawURL)
	if derr != nil {
		return nil, nil, false, err
	}
	a.note("cannot reach the database, so only the files are checked: %s", a.errorText(err))
	return offlineDB(), d, false, nil
}

// problem is one finding of tide validate.
type problem struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Message string `json:"message"`
}

func (p problem) String() string {
	switch {
	case p.File != "" && p.Line > 0:
		return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Message)
	case p.File != "":
		return fmt.Sprintf("%s: %s", p.File, p.Message)
	}
	return p.Message
}

// problems turns the errors of tide.New or Validate into problems, one per
// file where the error names files.
func (a *app) problems(err error, migs []tide.Migration) []problem {
	pathOf := func(v tide.Version) string {
		for _, m := range migs {
			if m.Version == v {
				return a.displayPath(m.Path)
			}
		}
		return ""
	}
	var out []problem
	for _, e := range splitJoined(err) {
		var pe *migration.ParseError
		var de *tide.DriftError
		var pa *tide.PartialError
		switch {
		case errors.As(e, &pe):
			out = append(out, problem{File: a.displayPath(pe.Path), Line: pe.Line, Message: a.scrub(pe.Msg)})
		case errors.As(e, &de):
			for _, m := range de.Changed {
				out = append(out, problem{File: a.displayPath(m.Path),
					Message: fmt.Sprintf("migration %s %s changed since it was applied: restore the applied content, or revert it before editing", m.Version, m.Name)})
			}
			for _, v := range de.Missing {
				out = append(out, problem{Message: fmt.Sprintf("migration %s was applied but no file has its version: restore its file", v)})
			}
		case errors.As(e, &pa):
			out = append(out, problem{File: pathOf(pa.Version), Message: a.errorText(e)})
		default:
			out = append(out, problem{Message: a.errorText(e)})
		}
	}
	return out
}
