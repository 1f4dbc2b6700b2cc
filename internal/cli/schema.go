package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/tidemigrate/tide"
	"github.com/tidemigrate/tide/internal/scratch"
	"github.com/tidemigrate/tide/schema"
	"github.com/tidemigrate/tide/shadow"
)

func (a *app) schemaCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "schema",
		Short: "Read the live database's schema",
		Args:  cobra.NoArgs,
	}
	cmd.AddCommand(a.schemaDumpCommand())
	return cmd
}

func (a *app) schemaDumpCommand() *cobra.Command {
	var out string
	cmd := &cobra.Command{
		Use:   "dump",
		Short: "Write the live schema as SQL (or JSON), the same bytes for the same schema",
		Long: `Read the live schema from the database's catalogs (tables, columns, keys,
constraints, indexes, views, functions and procedures, triggers, sequences,
enum types) and write it as SQL in the database's dialect, objects sorted
by name: the same schema always dumps to the same bytes, for committing to
git and reviewing in pull requests. tide's own tables are left out.

With --json, the schema model is printed in the JSON document (or written
to --out alone). It changes nothing.`,
		Example: `  tide schema dump > schema.sql
  tide schema dump --out db/schema.sql
  tide schema dump --json --out db/schema.json`,
		Args: cobra.NoArgs,
		RunE: a.runE(func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			db, d, _, err := a.openToRead(ctx)
			if err != nil {
				return err
			}
			defer db.Close()
			s, err := schema.Inspect(ctx, d, db, schema.Options{Exclude: tide.OwnTables(a.flags.table)})
			if err != nil {
				return err
			}
			var buf bytes.Buffer
			if a.flags.json {
				err = schema.DumpJSON(&buf, s)
			} else {
				err = schema.Dump(&buf, s, d)
			}
			if err != nil {
				return err
			}
			res := dumpResult{Tables: len(s.Tables), Out: out}
			if out != "" {
				if err := writeFileAtomic(out, buf.Bytes()); err != nil {
					return err
				}
				a.info("wrote %s: %s", out, plural(len(s.Tables), "table"))
			} else if a.flags.json {
				res.Schema = s
			} else {
				_, err = a.stdout.Write(buf.Bytes())
			}
			a.result = res
			return err
		}),
	}
	cmd.Flags().StringVar(&out, "out", "", "write the dump to `FILE` instead of standard output")
	return cmd
}

// dumpResult is the result of tide schema dump.
type dumpResult struct {
	Tables int            `json:"tables"`
	Out    string         `json:"out,omitempty"`
	Schema *schema.Schema `json:"schema,omitempty"`
}

// writeFileAtomic replaces path with data, never leaving it half written.
func writeFileAtomic(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(data); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// openScratch makes the scratch database of drift and verify-rollback,
// and says where.
func (a *app) openScratch(ctx context.Context, serverURL string) (*scratch.DB, error) {
	liveURL, _ := a.databaseURL()
	a.addPasswords(serverURL)
	s, err := scratch.New(ctx, liveURL, serverURL)
	if err != nil {
		return nil, err
	}
	a.log.Debug("scratch database made", "name", s.Name)
	return s, nil
}

func (a *app) closeScratch(ctx context.Context, s *scratch.DB) {
	if err := s.Close(ctx); err != nil {
		a.note("could not drop the scratch database %s: %v (drop it by hand)", s.Name, err)
	}
}

func (a *app) driftCommand() *cobra.Command {
	var scratchURL string
	cmd := &cobra.Command{
		Use:   "drift",
		Short: "Compare the live schema with the schema its migrations build",
		Long: `Apply the migrations that the live database has applied to a scratch
database that tide creates and drops (a new database on the same server
for PostgreSQL and MySQL, a temporary file for SQLite; --scratch-url names
another server, or the SQLite file to use), then compare the two schemas
and list every difference by object: what exists only in the live
database (changed by hand), what is missing from it, and what differs.

Exit status 1 when the schemas differ, 0 when not. The live database is
only read.`,
		Example: `  tide drift
  tide drift --scratch-url postgres://ci@scratch-db/postgres
  tide drift --json`,
		Args: cobra.NoArgs,
		RunE: a.runE(func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			db, d, err := a.open(ctx)
			if err != nil {
				return err
			}
			defer db.Close()
			m, err := a.migrator(db, d, nil)
			if err != nil {
				return err
			}
			sts, err := m.Status(ctx)
			if err != nil {
				return err
			}
			var target tide.Version
			applied := 0
			for _, st := range sts {
				if st.State == tide.StateApplied && !st.Migration.Repeatable {
					applied++
					if target.Compare(st.Migration.Version) < 0 {
						target = st.Migration.Version
					}
				}
			}
			if applied == 0 {
				a.note("the database has no migration applied: comparing with the schema of all %s", plural(len(m.Migrations()), "migration"))
			}
			live, err := schema.Inspect(ctx, d, db, schema.Options{Exclude: m.OwnTables()})
			if err != nil {
				return err
			}
			sc, err := a.openScratch(ctx, scratchURL)
			if err != nil {
				return err
			}
			defer a.closeScratch(ctx, sc)
			want, err := shadow.Build(ctx, sc.Dialect, sc.DB, m.Set(), target, a.tideOptions(nil)...)
			if err != nil {
				return err
			}
			changes := schema.Diff(want, live)
			a.result = driftResult{Differences: nonNil(changes), Scratch: sc.Name}
			if !a.flags.json {
				for _, c := range changes {
					fmt.Fprintln(a.stdout, driftLine(c))
				}
			}
			if len(changes) > 0 {
				return &exitError{code: ExitFailure, err: fmt.Errorf("drift: the live schema differs from the migrations' in %s", plural(len(changes), "place"))}
			}
			a.info("no drift: the live schema is the one its %s build", plural(applied, "applied migration"))
			return nil
		}),
	}
	cmd.Flags().StringVar(&scratchURL, "scratch-url", "", "create the scratch database on the server of `URL` (SQLite: the file to use)")
	return cmd
}

// driftResult is the result of tide drift.
type driftResult struct {
	Differences []schema.Change `json:"differences"`
	Scratch     string          `json:"scratch"`
}

func nonNil[T any](xs []T) []T {
	if xs == nil {
		return []T{}
	}
	return xs
}

// driftLine renders a difference between the migrations' schema and the
// live one.
func driftLine(c schema.Change) string {
	switch c.Action {
	case schema.Added:
		return fmt.Sprintf("%s %s: only in the live database", c.Kind, c.Object)
	case schema.Removed:
		return fmt.Sprintf("%s %s: missing from the live database", c.Kind, c.Object)
	}
	return fmt.Sprintf("%s %s differs (migrations → live): %s", c.Kind, c.Object, strings.Join(c.Details, "; "))
}

// rollbackLine renders a difference between the schema before up and
// after down.
func rollbackLine(c schema.Change) string {
	switch c.Action {
	case schema.Added:
		return fmt.Sprintf("%s %s: left behind by down", c.Kind, c.Object)
	case schema.Removed:
		return fmt.Sprintf("%s %s: gone after down", c.Kind, c.Object)
	}
	return fmt.Sprintf("%s %s not restored (before up → after down): %s", c.Kind, c.Object, strings.Join(c.Details, "; "))
}
