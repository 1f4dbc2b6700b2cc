package cli

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/tidemigrate/tide"
	"github.com/tidemigrate/tide/adopt"
	"github.com/tidemigrate/tide/dialect"
)

// adoptOptions are the flags of tide adopt.
type adoptOptions struct {
	dryRun      bool
	baseline    string
	dropSource  bool
	sourceTable string
	alembicDir  string
}

func (a *app) adoptCommand() *cobra.Command {
	var o adoptOptions
	cmd := &cobra.Command{
		Use:   "adopt",
		Short: "Take over from another migration tool: record the migrations it applied",
		Long: `Read the history table of another migration tool in the same database and
record the migrations it applied as applied in tide's version table, so that
tide goes on from there: nothing re-run, nothing skipped. The migrations
directory is read in that tool's format (or the one detected), so tide runs
the same files from now on.

The tool is found from the tables present (goose_db_version,
schema_migrations, flyway_schema_history, _prisma_migrations,
knex_migrations, SequelizeMeta, migrations, alembic_version); when several
are present, or the table was renamed (--source-table), --format names it:
goose, golang-migrate, dbmate, flyway, prisma, knex, sequelize, typeorm or
alembic.

Flyway and Prisma checksums are compared with the files: a file changed
since the tool applied it is refused, as the tool itself would. A Flyway
repeatable migration whose file changed is left pending, so that tide up
applies it again, as flyway migrate would.

Knex, Sequelize, TypeORM and Alembic migrations are code tide cannot run:
write tide migrations for the schema they built, and --baseline VERSION
records tide's migrations up to VERSION as applied. --baseline also takes
over from goose, golang-migrate, dbmate, Flyway or Prisma when the team
leaves that tool's folder for a new native one: the tool's history is then
not matched to files, and --format names the tool while the folder is read
as the files it holds.

The other tool's table is left as it is, unless --drop-source. Adopting
again records nothing new.`,
		Example: `  tide adopt --dry-run
  tide adopt
  tide adopt --format flyway --source-table app.flyway_history
  tide adopt --baseline 20240301000000        # after knex, sequelize, typeorm or alembic
  tide adopt --format goose --baseline 1      # from goose to a new native folder`,
		Args: cobra.NoArgs,
		RunE: a.runE(func(cmd *cobra.Command, _ []string) error { return a.adopt(cmd.Context(), o) }),
	}
	f := cmd.Flags()
	f.BoolVar(&o.dryRun, "dry-run", false, "print what would be recorded, and change nothing")
	f.StringVar(&o.baseline, "baseline", "", "record tide's migrations up to `VERSION` as applied instead of matching the history to files (code migrations: knex, sequelize, typeorm, alembic; or a SQL tool's folder left for a new native one)")
	f.BoolVar(&o.dropSource, "drop-source", false, "drop the other tool's history table after adopting it")
	f.StringVar(&o.sourceTable, "source-table", "", "the other tool's history `TABLE`, when it is not the tool's default (needs --format)")
	f.StringVar(&o.alembicDir, "alembic-dir", "", "Alembic's versions `DIR`, to list every applied revision")
	return cmd
}

// adopt runs tide adopt.
func (a *app) adopt(ctx context.Context, o adoptOptions) error {
	baseline, err := parseTarget("--baseline", o.baseline)
	if err != nil {
		return err
	}
	if o.sourceTable != "" && a.flags.format == "" {
		return usageErrorf("--source-table needs --format to say whose table it is")
	}
	db, d, err := a.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	r := a.newRenderer()
	r.adopt = &adoptResult{DryRun: o.dryRun, Baseline: baseline.String(), Revisions: []string{}, Notes: []string{}}
	results, msg, err := a.runAdopt(ctx, db, d, r, baseline, o)
	r.finish(results, err, msg)
	return err
}

// runAdopt reads the history, records it and returns the results and the
// final message; r gets the events, and r.adopt what it learns of the
// history.
func (a *app) runAdopt(ctx context.Context, db *sql.DB, d dialect.Dialect, r *renderer, baseline tide.Version, o adoptOptions) ([]tide.Result, string, error) {
	dir := a.migrationsDir()
	if !baseline.IsZero() && a.dirFormat != "" && a.dirFormat == a.flags.format {
		// With a baseline, --format names the tool whose history it is;
		// the folder is tide's new one, read as the files it holds.
		a.dirFormat, a.formatPin = "", nil
	}
	folder := adopt.Folder{FS: os.DirFS(dir), Dir: dir}
	src, err := a.historySource(ctx, d, db, folder, o.sourceTable)
	if err != nil {
		return nil, "", err
	}
	h, err := src.Read(ctx, d, db)
	if err != nil {
		return nil, "", err
	}
	r.adopt.Source, r.adopt.SourceTable, r.adopt.Code = h.Source, h.Table, h.Code
	r.adopt.Notes = append(r.adopt.Notes, h.Notes...)
	if o.alembicDir != "" && h.Source != "alembic" {
		return nil, "", usageErrorf("--alembic-dir is for alembic's history, not %s's", h.Source)
	}
	for _, n := range h.Notes {
		a.note("%s: %s", h.Source, n)
	}
	m, err := a.migrator(db, d, r.observe)
	if err != nil {
		return nil, "", err
	}
	opts := adopt.PlanOptions{Baseline: baseline}
	if o.alembicDir != "" {
		opts.AlembicVersions = os.DirFS(o.alembicDir)
	}
	p, err := h.Plan(m.Set(), folder, opts)
	if err != nil {
		return nil, "", err
	}
	r.adopt.Revisions = append(r.adopt.Revisions, p.Revisions...)
	for _, n := range p.Notes {
		a.note("%s", n)
	}
	r.adopt.Notes = append(r.adopt.Notes, p.Notes...)
	var results []tide.Result
	if len(p.Adoptions) > 0 {
		if results, err = m.Adopt(ctx, p, o.dryRun); err != nil {
			return results, "", err
		}
	}
	if o.dropSource && !o.dryRun {
		if err := adopt.Drop(ctx, d, db, h); err != nil {
			return results, "", fmt.Errorf("adopted, but %w", err)
		}
		r.adopt.Dropped = true
	}
	a.adoptedLines(results, p.Adoptions, o.dryRun)
	return results, adoptMessage(h, results, p, o, r.adopt.Dropped), nil
}

// historySource returns the source of the history to adopt: the one
// --format names (reading --source-table when given), else the one
// [adopt.Choose] finds in the database.
func (a *app) historySource(ctx context.Context, d dialect.Dialect, db *sql.DB, folder adopt.Folder, table string) (adopt.Source, error) {
	var src adopt.Source
	var err error
	if a.flags.format != "" {
		src, err = adopt.SourceByName(a.flags.format)
	} else {
		var notes []string
		src, notes, err = adopt.Choose(ctx, d, db, folder)
		for _, n := range notes {
			a.note("%s", n)
		}
	}
	if err != nil {
		return nil, err
	}
	if table != "" {
		if src, err = adopt.WithTable(src, table); err != nil {
			return nil, err
		}
	}
	a.note("reading %s's history from %s", src.Name(), src.Table())
	return src, nil
}

// codeCount says how many code migrations the history lists: "3
// migrations are", or for alembic the revisions.
func codeCount(h *adopt.History, revisions []string) string {
	if h.Source == "alembic" {
		if len(revisions) > 0 {
			return fmt.Sprintf("%s (%s) are", plural(len(revisions), "applied revision"), strings.Join(revisions, ", "))
		}
		heads := make([]string, len(h.Applied))
		for i, ap := range h.Applied {
			heads[i] = ap.ID
		}
		return fmt.Sprintf("revisions (at head %s; --alembic-dir lists them all) are", strings.Join(heads, ", "))
	}
	if len(h.Applied) == 1 {
		return "1 migration is"
	}
	return fmt.Sprintf("%d migrations are", len(h.Applied))
}

// adoptedLines prints one line per migration recorded (or that would be).
func (a *app) adoptedLines(results []tide.Result, adoptions []adopt.Adoption, dryRun bool) {
	verb := "adopted"
	if dryRun {
		verb = "would adopt"
	}
	for _, res := range results {
		line := fmt.Sprintf("%s %s", verb, res.Migration.Label())
		for _, ad := range adoptions {
			if ad.Repeatable == res.Migration.Repeatable && ad.Version == res.Migration.Version &&
				(!ad.Repeatable || ad.Name == res.Migration.Name) && !ad.AppliedAt.IsZero() {
				line += " (applied " + ad.AppliedAt.UTC().Format(time.RFC3339) + ")"
			}
		}
		a.info("%s", line)
	}
}

// adoptMessage is the last line of tide adopt.
func adoptMessage(h *adopt.History, results []tide.Result, p *adopt.Plan, o adoptOptions, dropped bool) string {
	baseline, revisions := p.Baseline, p.Revisions
	var b strings.Builder
	if o.dryRun {
		b.WriteString("dry run: ")
	}
	n := plural(len(results), "migration")
	switch {
	case h.Code && len(results) == 0:
		fmt.Fprintf(&b, "%s's %s code tide cannot run: tide migrations up to %s were already recorded as the baseline", h.Source, codeCount(h, revisions), baseline)
	case h.Code && o.dryRun:
		fmt.Fprintf(&b, "%s's %s code tide cannot run: would record tide migrations up to %s (%s) as the baseline; the next tide migrations follow on", h.Source, codeCount(h, revisions), baseline, n)
	case h.Code:
		fmt.Fprintf(&b, "%s's %s code tide cannot run: recorded tide migrations up to %s (%s) as the baseline; the next tide migrations follow on", h.Source, codeCount(h, revisions), baseline, n)
	case !baseline.IsZero() && len(results) == 0:
		fmt.Fprintf(&b, "%s's history was not matched to files (--baseline): tide migrations up to %s were already recorded as the baseline", h.Source, baseline)
	case !baseline.IsZero() && o.dryRun:
		fmt.Fprintf(&b, "%s's history was not matched to files (--baseline): would record tide migrations up to %s (%s) as the baseline; the next tide migrations follow on", h.Source, baseline, n)
	case !baseline.IsZero():
		fmt.Fprintf(&b, "%s's history was not matched to files (--baseline): recorded tide migrations up to %s (%s) as the baseline; the next tide migrations follow on", h.Source, baseline, n)
	case len(h.Applied) == 0 && h.UpTo.IsZero():
		fmt.Fprintf(&b, "nothing to adopt: %s's history lists no applied migration", h.Source)
	case len(results) == 0:
		fmt.Fprintf(&b, "nothing to adopt: tide has already recorded every migration %s applied", h.Source)
	case o.dryRun:
		fmt.Fprintf(&b, "would adopt %s from %s", n, h.Source)
	default:
		fmt.Fprintf(&b, "adopted %s from %s", n, h.Source)
	}
	switch {
	case dropped:
		fmt.Fprintf(&b, "; dropped %s", h.Table)
	case o.dryRun && o.dropSource:
		fmt.Fprintf(&b, "; would drop %s; nothing was changed", h.Table)
	case o.dryRun:
		b.WriteString("; nothing was changed")
	default:
		fmt.Fprintf(&b, "; %s is left as it was (--drop-source drops it)", h.Table)
	}
	return b.String()
}

// adoptResult is tide adopt's result: what up's is, and the history
// adopted.
type adoptResult struct {
	migrateResult
	Source      string   `json:"source"`       // the other tool
	SourceTable string   `json:"source_table"` // its history table
	DryRun      bool     `json:"dry_run"`
	Code        bool     `json:"code"`     // its migrations are code tide cannot run
	Baseline    string   `json:"baseline"` // --baseline, or ""
	Revisions   []string `json:"revisions"`
	Notes       []string `json:"notes"`
	Dropped     bool     `json:"dropped"`
}
