package cli

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

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
			var res validateResult
			var problems []errorJSON
			var err error
			if offline {
				res, problems, err = a.validateFiles()
			} else {
				res, problems, err = a.validateDatabase(cmd.Context(), outOfOrder)
			}
			if err != nil {
				return err
			}
			a.result = res
			if !a.flags.json {
				for _, p := range problems {
					fmt.Fprintln(a.stdout, p)
					for _, l := range strings.SplitAfter(strings.TrimSuffix(p.Diff, "\n"), "\n") {
						if l != "" {
							fmt.Fprint(a.stdout, "    "+strings.TrimSuffix(l, "\n")+"\n")
						}
					}
				}
			}
			if len(problems) > 0 {
				return &problemsError{problems}
			}
			what := "files and database history"
			if offline {
				what = "files only: the database was not checked"
			}
			if !a.flags.json {
				fmt.Fprintf(a.stdout, "ok: %s valid (%s)\n", plural(res.Migrations, "migration"), what)
			}
			return nil
		}),
	}
	cmd.Flags().BoolVar(&outOfOrder, "allow-out-of-order", false, "do not report pending migrations older than the newest applied one")
	cmd.Flags().BoolVar(&offline, "offline", false, "check the files only, without a database")
	return cmd
}

// validateResult is the result of tide validate.
type validateResult struct {
	Migrations      int    `json:"migrations"`       // the migrations read
	DatabaseChecked bool   `json:"database_checked"` // false with --offline
	Dialect         string `json:"dialect"`          // whose rules split the statements: postgres, mysql or sqlite
}

// validateDatabase checks the files and the database's history against
// them. A database it cannot open is an error, which points at --offline.
func (a *app) validateDatabase(ctx context.Context, outOfOrder bool) (res validateResult, problems []errorJSON, err error) {
	db, d, empty, err := a.openToRead(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return res, nil, err
		}
		return res, nil, errors.Join(err, errors.New("to check the files only, without a database: tide validate --offline"))
	}
	defer db.Close()
	res = validateResult{DatabaseChecked: true, Dialect: d.Name()}
	if !empty {
		a.noteMissingTable(ctx, db, d)
	}
	m, err := a.migrator(db, d, nil, tide.WithAllowOutOfOrder(outOfOrder))
	if err != nil {
		return res, a.problems(err, nil), nil
	}
	res.Migrations = len(m.Migrations())
	if err := m.Validate(ctx); err != nil {
		problems := a.problems(err, m.Migrations())
		a.addDiffs(ctx, m, problems)
		return res, problems, nil
	}
	return res, nil, nil
}

// addDiffs gives each changed migration among problems the difference
// between the statements that ran and the file's.
func (a *app) addDiffs(ctx context.Context, m *tide.Migrator, problems []errorJSON) {
	for i, p := range problems {
		if p.Code != codeDriftChanged || p.Version == "" {
			continue
		}
		v, err := tide.ParseVersion(p.Version)
		if err != nil {
			continue
		}
		diff, ok, err := m.Diff(ctx, v)
		switch {
		case err != nil:
			a.log.Debug("diff", "version", p.Version, "error", err)
		case !ok:
			problems[i].Message += " (the statements that ran were not kept: applied by a tide before the version table kept them)"
		default:
			problems[i].Diff = a.scrub(diff)
		}
	}
}

// validateFiles checks the files alone, splitting statements by the rules
// of the database the URL names, or SQLite's without one.
func (a *app) validateFiles() (res validateResult, problems []errorJSON, err error) {
	rawURL, isDefault := a.databaseURL()
	var d dialect.Dialect = sqlite.New()
	if isDefault {
		a.note("--offline: checking the files only, with statements split as for SQLite (no database URL given: give one to split them as PostgreSQL or MySQL do)")
	} else {
		dd, err := dburl.Dialect(rawURL)
		if err != nil {
			return res, nil, err
		}
		d = dd
		a.note("--offline: checking the files only, with statements split as for %s; the database is not opened", dd.Title())
	}
	res.Dialect = d.Name()
	fsys, err := a.migrationsFS()
	if err != nil {
		return res, nil, err
	}
	format, err := a.readFormat(fsys)
	if err != nil {
		return res, nil, err
	}
	set, err := migration.Load(fsys, d, format)
	if err != nil {
		return res, a.problems(err, nil), nil
	}
	res.Migrations = set.Len()
	return res, nil, nil
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

// problems turns the errors of tide.New or Validate into problems: one
// per file where the error names files, each with its code, printed as
// path:line: message.
func (a *app) problems(err error, migs []tide.Migration) []errorJSON {
	var out []errorJSON
	for _, e := range splitJoined(err) {
		out = append(out, a.entries(e, migs)...)
	}
	return out
}
