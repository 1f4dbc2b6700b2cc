package cli

import (
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/tidemigrate/tide/dialect"
	"github.com/tidemigrate/tide/dialect/mysql"
	"github.com/tidemigrate/tide/dialect/postgres"
	"github.com/tidemigrate/tide/dialect/sqlite"
	"github.com/tidemigrate/tide/internal/dburl"
	"github.com/tidemigrate/tide/source"
)

func (a *app) convertCommand() *cobra.Command {
	var from, to, out string
	cmd := &cobra.Command{
		Use:   "convert --to FORMAT --out DIR",
		Short: "Write the migrations in another tool's format",
		Long: `Read the migrations directory (in the format --from names, else the one
detected) and write the same migrations into the new folder --out in the
format --to: native, goose, golang-migrate, dbmate, flyway or prisma. The
statements stay exactly what they were: every file written is read back
and compared, and a migration the target format cannot express (a down
section for Prisma, a dotted version for goose, a repeatable migration for
dbmate) is an error that names it. Nothing is written then, and nothing is
ever overwritten. No database is needed.

Versions and names are kept, so a database adopted from one tool, or
migrated by tide, stays in step with the converted folder.

goose and golang-migrate run statements their own way, so the files are
written for the database the database URL names (it is not opened): goose
gets StatementBegin/StatementEnd around the statements its line rule would
split differently (function bodies, DO blocks), and golang-migrate, which
runs each file as one exec outside a transaction, gets a no-transaction
migration as one statement per file, in several migrations if needed.
Without a URL, the rules of every database tide supports must agree where
it matters.`,
		Example: `  tide convert --dir db/migrations --to native --out migrations
  tide convert --to goose --out ../goose-migrations   # to leave tide`,
		Args: cobra.NoArgs,
		RunE: a.runE(func(cmd *cobra.Command, _ []string) error {
			if from == "" {
				from = a.flags.format
			} else {
				a.formatPin = nil // --from reads this folder once, to write another
			}
			toFormat, err := source.FormatByName(to)
			if err != nil {
				return usageErrorf("--to: %v", err)
			}
			if from != "" {
				if _, err := source.FormatByName(from); err != nil {
					return usageErrorf("--from: %v", err)
				}
			}
			a.dirFormat = from
			fsys, err := a.migrationsFS()
			if err != nil {
				return err
			}
			if sameDir(out, a.dir) {
				return usageErrorf("--out must be a new folder, not the migrations directory %s", a.dir)
			}
			fromFormat, err := a.readFormat(fsys)
			if err != nil {
				return err
			}
			migs, err := fromFormat.Read(fsys)
			if err != nil {
				return err
			}
			opts := []source.WriteOption{source.WithNotes(func(n string) { a.note("%s", n) })}
			dialects, err := a.convertDialects(toFormat)
			if err != nil {
				return err
			}
			if len(dialects) == 1 {
				opts = append(opts, source.WithSplitter(dialects[0]))
			}
			for _, d := range dialects {
				source.MarkNoTransaction(migs, fromFormat, d)
			}
			written, err := source.Write(out, toFormat, migs, opts...)
			if err != nil {
				return err
			}
			names := make([]string, len(written))
			for i, name := range written {
				names[i] = filepath.Join(out, filepath.FromSlash(name))
			}
			a.result = convertResult{From: fromFormat.Name(), To: toFormat.Name(), Out: out, Migrations: len(migs), Files: names}
			for _, n := range names {
				a.info("%s", n)
			}
			a.note("converted %s from %s to %s in %s", plural(len(migs), "migration"), fromFormat.Name(), toFormat.Name(), out)
			return nil
		}),
	}
	f := cmd.Flags()
	f.StringVar(&from, "from", "", "format of the migrations directory: "+formatNames()+" (default: --format, else detected)")
	f.StringVar(&to, "to", "", "format to write: "+formatNames())
	f.StringVar(&out, "out", "", "the new folder to write into (created; existing files are never overwritten)")
	_ = cmd.MarkFlagRequired("to")
	_ = cmd.MarkFlagRequired("out")
	return cmd
}

// sameDir reports whether the folder names x and y name the same folder.
func sameDir(x, y string) bool {
	ax, err := filepath.Abs(x)
	if err != nil {
		return false
	}
	ay, err := filepath.Abs(y)
	return err == nil && ax == ay
}

// convertDialects returns the database the converted files are for: the
// one the database URL names (not opened), else every database tide
// supports, for the statement rules of goose and golang-migrate and for
// the migrations that Flyway and golang-migrate run outside a transaction
// by themselves.
func (a *app) convertDialects(to source.Format) ([]dialect.Dialect, error) {
	rawURL, isDefault := a.databaseURL()
	if isDefault {
		return []dialect.Dialect{postgres.New(), mysql.New(), sqlite.New()}, nil
	}
	d, err := dburl.Dialect(rawURL)
	if err != nil {
		return nil, err
	}
	if _, ok := to.(source.DialectWriter); ok {
		a.note("writing %s files for %s, as the database URL names (it is not opened)", to.Name(), d.Title())
	}
	return []dialect.Dialect{d}, nil
}

// convertResult is the result of tide convert.
type convertResult struct {
	From       string   `json:"from"`
	To         string   `json:"to"`
	Out        string   `json:"out"`
	Migrations int      `json:"migrations"`
	Files      []string `json:"files"` // written, in --out
}
