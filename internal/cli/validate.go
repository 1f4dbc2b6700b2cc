package cli

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/tidemigrate/tide"
	"github.com/tidemigrate/tide/dialect"
	"github.com/tidemigrate/tide/dialect/sqlite"
	"github.com/tidemigrate/tide/internal/dburl"
	"github.com/tidemigrate/tide/migration"
)

func (a *app) validateCommand() *cobra.Command {
	var outOfOrder, offline bool
	cmd := &cobra.Command{
		Use:   "validate",
		Short: "Check the migration files, and the database's history against them",
		Long: `Check that every migration file reads and splits into statements, then
compare the files with the database's version table: applied files changed
or missing (drift), migrations left partially applied, pending migrations
older than the newest applied one. Each problem is printed as
path:line: message. It changes nothing.

Exit status 1 when there is any problem, or when the database cannot be
reached. With --offline, only the files are checked, and no database is
opened: statements are split by the rules of the database that the URL
names (SQLite when no URL is given), and a note says so.`,
		Example: `  tide validate
  tide validate --offline                     # the files only: before the database exists, in CI
  TIDE_DATABASE_URL=postgres://db/app tide validate --offline   # split as PostgreSQL does`,
		Args: cobra.NoArgs,
		RunE: a.runE(func(cmd *cobra.Command, _ []string) error {
			var count int
			var problems []problem
			var err error
			if offline {
				count, problems, err = a.validateFiles()
			} else {
				count, problems, err = a.validateDatabase(cmd.Context(), outOfOrder)
			}
			if err != nil {
				return err
			}
			if a.flags.json {
				out := struct {
					OK              bool      `json:"ok"`
					Migrations      int       `json:"migrations"`
					DatabaseChecked bool      `json:"database_checked"`
					Problems        []problem `json:"problems"`
				}{len(problems) == 0, count, !offline, append([]problem{}, problems...)}
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
			if offline {
				what = "files only: the database was not checked"
			}
			if !a.flags.json {
				fmt.Fprintf(a.stdout, "ok: %s valid (%s)\n", plural(count, "migration"), what)
			}
			return nil
		}),
	}
	cmd.Flags().BoolVar(&outOfOrder, "allow-out-of-order", false, "do not report pending migrations older than the newest applied one")
	cmd.Flags().BoolVar(&offline, "offline", false, "check the files only, without a database")
	return cmd
}

// validateDatabase checks the files and the database's history against
// them. A database it cannot open is an error, which points at --offline.
func (a *app) validateDatabase(ctx context.Context, outOfOrder bool) (count int, problems []problem, err error) {
	db, d, empty, err := a.openToRead(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return 0, nil, err
		}
		return 0, nil, errors.Join(err, errors.New("to check the files only, without a database: tide validate --offline"))
	}
	defer db.Close()
	if !empty {
		a.noteMissingTable(ctx, db, d)
	}
	m, err := a.migrator(db, d, nil, tide.WithAllowOutOfOrder(outOfOrder))
	if err != nil {
		return 0, a.problems(err, nil), nil
	}
	if err := m.Validate(ctx); err != nil {
		return len(m.Migrations()), a.problems(err, m.Migrations()), nil
	}
	return len(m.Migrations()), nil, nil
}

// validateFiles checks the files alone, splitting statements by the rules
// of the database the URL names, or SQLite's without one.
func (a *app) validateFiles() (count int, problems []problem, err error) {
	rawURL, isDefault := a.databaseURL()
	var d migration.Splitter = sqlite.New()
	if isDefault {
		a.note("--offline: checking the files only, with statements split as for SQLite (no database URL given: give one to split them as PostgreSQL or MySQL do)")
	} else {
		dd, err := dburl.Dialect(rawURL)
		if err != nil {
			return 0, nil, err
		}
		d = dd
		a.note("--offline: checking the files only, with statements split as for %s; the database is not opened", dialectName(dd))
	}
	fsys, err := a.migrationsFS()
	if err != nil {
		return 0, nil, err
	}
	format, err := a.readFormat(fsys)
	if err != nil {
		return 0, nil, err
	}
	set, err := migration.Load(fsys, d, format)
	if err != nil {
		return 0, a.problems(err, nil), nil
	}
	return set.Len(), nil, nil
}

// dialectName is a dialect's name for people.
func dialectName(d dialect.Dialect) string {
	switch d.Name() {
	case "postgres":
		return "PostgreSQL"
	case "mysql":
		return "MySQL"
	case "sqlite":
		return "SQLite"
	}
	return d.Name()
}

// noteMissingTable says when the version table does not exist, so that a
// database migrated with another --table does not silently read as
// "nothing applied".
func (a *app) noteMissingTable(ctx context.Context, db *sql.DB, d dialect.Dialect) {
	ok, err := d.TableExists(ctx, db, a.flags.table)
	if err != nil || ok {
		return
	}
	hint := "set table in " + a.configName() + " if it was migrated with another --table"
	if o := a.origins["table"]; o.kind == fromFile {
		hint = "the table comes from " + o.String()
	}
	a.note("the version table %s does not exist in this database: nothing is applied (%s)", a.flags.table, hint)
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
