package cli

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/tidemigrate/tide"
	"github.com/tidemigrate/tide/adopt"
	"github.com/tidemigrate/tide/dialect"
	"github.com/tidemigrate/tide/source"
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
records tide's migrations up to VERSION as applied.

The other tool's table is left as it is, unless --drop-source. Adopting
again records nothing new.`,
		Example: `  tide adopt --dry-run
  tide adopt
  tide adopt --format flyway --source-table app.flyway_history
  tide adopt --baseline 20240301000000        # after knex, sequelize, typeorm or alembic`,
		Args: cobra.NoArgs,
		RunE: a.runE(func(cmd *cobra.Command, _ []string) error { return a.adopt(cmd.Context(), o) }),
	}
	f := cmd.Flags()
	f.BoolVar(&o.dryRun, "dry-run", false, "print what would be recorded, and change nothing")
	f.StringVar(&o.baseline, "baseline", "", "for code migrations (knex, sequelize, typeorm, alembic): record tide's migrations up to `VERSION` as applied")
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
	r := a.newRenderer("adopt")
	results, msg, err := a.runAdopt(ctx, db, d, r, baseline, o)
	r.finish(results, err, msg)
	return err
}

// runAdopt reads the history, records it and returns the results and the
// final message; r gets the events and tide adopt's part of the summary.
func (a *app) runAdopt(ctx context.Context, db *sql.DB, d dialect.Dialect, r *renderer, baseline tide.Version, o adoptOptions) ([]tide.Result, string, error) {
	src, err := a.historySource(ctx, d, db, o.sourceTable)
	if err != nil {
		return nil, "", err
	}
	h, err := src.Read(ctx, d, db)
	if err != nil {
		return nil, "", err
	}
	r.adopt = &adoptJSON{Source: h.Source, Table: h.Table, DryRun: o.dryRun, Code: h.Code, Baseline: baseline.String(),
		Notes: append([]string{}, h.Notes...)}
	switch {
	case !baseline.IsZero() && !h.Code:
		return nil, "", usageErrorf("--baseline is for the histories of code migrations (knex, sequelize, typeorm, alembic): %s's is adopted migration by migration", h.Source)
	case o.alembicDir != "" && h.Source != "alembic":
		return nil, "", usageErrorf("--alembic-dir is for alembic's history, not %s's", h.Source)
	}
	for _, n := range h.Notes {
		a.note("%s: %s", h.Source, n)
	}
	if o.alembicDir != "" {
		if r.adopt.Revisions, err = alembicRevisions(h, o.alembicDir); err != nil {
			return nil, "", err
		}
	}
	m, err := a.migrator(db, d, r.observe)
	if err != nil {
		return nil, "", err
	}
	p := adoptPlanner{history: h, migrations: m.Migrations(), fsys: os.DirFS(a.dir), dir: a.dir, displayPath: a.displayPath}
	adoptions, notes, err := p.plan(baseline)
	if err != nil {
		return nil, "", err
	}
	for _, n := range notes {
		a.note("%s", n)
	}
	r.adopt.Notes = append(r.adopt.Notes, notes...)
	var results []tide.Result
	if len(adoptions) > 0 {
		if results, err = m.Adopt(ctx, h.Source, adoptions, o.dryRun); err != nil {
			return results, "", err
		}
	}
	if o.dropSource && !o.dryRun {
		tables := []string{h.Table}
		if h.Source == "knex" { // knex keeps its migration lock beside its history
			tables = append(tables, h.Table+"_lock")
		}
		for _, t := range tables {
			if _, err := db.ExecContext(ctx, "DROP TABLE IF EXISTS "+d.QuoteIdent(t)); err != nil {
				return results, "", fmt.Errorf("adopted, but could not drop %s: %w", t, err)
			}
		}
		r.adopt.Dropped = true
	}
	a.adoptedLines(results, adoptions, o.dryRun)
	return results, adoptMessage(h, results, baseline, r.adopt.Revisions, o, r.adopt.Dropped), nil
}

// historySource returns the source of the history to adopt: the one
// --format names, else the one whose table is in the database; when the
// tables of several tools are there, the one whose format the migrations
// folder has.
func (a *app) historySource(ctx context.Context, d dialect.Dialect, db *sql.DB, table string) (adopt.Source, error) {
	var src adopt.Source
	var err error
	if a.flags.format != "" {
		src, err = adopt.SourceByName(a.flags.format)
	} else {
		src, err = adopt.Detect(ctx, d, db)
		if ae := (*adopt.AmbiguousError)(nil); errors.As(err, &ae) {
			if s := a.folderTool(ae.Sources); s != nil {
				src, err = s, nil
			}
		}
		if errors.Is(err, adopt.ErrNoHistory) {
			var tables []string
			for _, s := range adopt.Sources() {
				if !slices.Contains(tables, s.Table()) {
					tables = append(tables, s.Table())
				}
			}
			return nil, fmt.Errorf("no other tool's history table in the database (looked for %s): if its table was renamed, pass --format and --source-table",
				strings.Join(tables, ", "))
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

// folderTool returns the source among found whose format the migrations
// folder has (a goose folder among goose's and Flyway's tables), or nil,
// noting the other tables it leaves aside.
func (a *app) folderTool(found []adopt.Source) adopt.Source {
	dir := a.migrationsDir()
	f, err := source.Detect(os.DirFS(dir))
	if err != nil {
		return nil
	}
	var match adopt.Source
	var others []string
	for _, s := range found {
		if s.Name() == f.Name() {
			match = s
		} else {
			others = append(others, fmt.Sprintf("%s (%s)", s.Name(), s.Table()))
		}
	}
	if match != nil {
		a.note("also found the history tables of %s: reading %s's, the format of %s (--format chooses another)",
			strings.Join(others, ", "), match.Name(), dir)
	}
	return match
}

// alembicRevisions lists every revision applied at alembic's heads, read
// from the versions folder dir.
func alembicRevisions(h *adopt.History, dir string) ([]string, error) {
	chain, err := adopt.AlembicChain(os.DirFS(dir))
	if err != nil {
		return nil, err
	}
	heads := make([]string, len(h.Applied))
	for i, ap := range h.Applied {
		heads[i] = ap.ID
	}
	return adopt.AlembicApplied(heads, chain)
}

// adoptPlanner maps another tool's history to the tide migrations to
// record as applied.
type adoptPlanner struct {
	history     *adopt.History
	migrations  []tide.Migration // of the migrations directory, as Migrator.Migrations returns them
	fsys        fs.FS            // the migrations directory, for checksums
	dir         string           // its name, for messages
	displayPath func(string) string
}

// plan returns the migrations to record, in order, and notes for the user.
//
//   - An applied migration with a version is the migration of that version;
//     Flyway and Prisma checksums must match the file's.
//   - History.UpTo stands for every migration up to it, and must name a
//     file unless it is a Flyway baseline.
//   - A Flyway repeatable is the R__ file of its description (Name with "_"
//     for " "); if the file changed since, it is left to run again.
//   - Code migrations map to tide's migrations up to baseline.
func (p adoptPlanner) plan(baseline tide.Version) ([]tide.Adoption, []string, error) {
	h := p.history
	if h.Code {
		as, err := p.codeBaseline(baseline)
		return as, nil, err
	}
	versioned := map[tide.Version]tide.Migration{}
	var repeatables []tide.Migration
	for _, m := range p.migrations {
		if m.Repeatable {
			repeatables = append(repeatables, m)
		} else {
			versioned[m.Version] = m
		}
	}
	var out []tide.Adoption
	var notes, missing, noVersion []string
	var errs []error
	isBaseline := false // UpTo is a Flyway baseline, which needs no file
	for _, ap := range h.Applied {
		switch {
		case ap.Repeatable:
			m, ok := matchRepeatable(ap, repeatables)
			if !ok {
				missing = append(missing, ap.ID)
				continue
			}
			if changed, err := p.checksumDiffers(ap, m); err != nil {
				errs = append(errs, err)
				continue
			} else if changed {
				notes = append(notes, fmt.Sprintf("%s: repeatable %s changed since %s last ran it: left pending, so that tide up applies it again",
					p.displayPath(m.Path), m.Name, h.Source))
				continue
			}
			out = append(out, tide.Adoption{Repeatable: true, Name: m.Name, AppliedAt: ap.AppliedAt})
		case ap.Baseline:
			isBaseline = isBaseline || ap.Version == h.UpTo
			if _, ok := versioned[ap.Version]; ok {
				out = append(out, tide.Adoption{Version: ap.Version, AppliedAt: ap.AppliedAt})
			}
		case ap.Version.IsZero():
			noVersion = append(noVersion, ap.ID)
		default:
			m, ok := versioned[ap.Version]
			if !ok {
				missing = append(missing, ap.ID)
				continue
			}
			if changed, err := p.checksumDiffers(ap, m); err != nil {
				errs = append(errs, err)
				continue
			} else if changed {
				errs = append(errs, p.checksumError(ap, m))
				continue
			}
			out = append(out, tide.Adoption{Version: ap.Version, AppliedAt: ap.AppliedAt})
		}
	}
	if !h.UpTo.IsZero() {
		if _, ok := versioned[h.UpTo]; !ok && !isBaseline {
			errs = append(errs, fmt.Errorf("%s is at version %s, but no migration in %s has this version: point --dir at the folder %s ran",
				h.Source, h.UpTo, p.dir, h.Source))
		}
		for _, m := range p.migrations {
			if !m.Repeatable && m.Version.Compare(h.UpTo) <= 0 && !slices.ContainsFunc(out, func(a tide.Adoption) bool { return a.Version == m.Version }) {
				out = append(out, tide.Adoption{Version: m.Version})
			}
		}
	}
	if len(noVersion) > 0 {
		errs = append(errs, fmt.Errorf("%s's history lists %s without a version tide can match to a file: %s",
			h.Source, plural(len(noVersion), "migration"), strings.Join(noVersion, ", ")))
	}
	if len(missing) > 0 {
		errs = append(errs, fmt.Errorf("%s's history lists %s with no file in %s: %s; point --dir at the folder %s ran, or pass the right --format",
			h.Source, plural(len(missing), "applied migration"), p.dir, strings.Join(missing, ", "), h.Source))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, nil, err
	}
	slices.SortStableFunc(out, func(x, y tide.Adoption) int {
		switch {
		case x.Repeatable != y.Repeatable && x.Repeatable:
			return 1
		case x.Repeatable != y.Repeatable:
			return -1
		case x.Repeatable:
			return strings.Compare(x.Name, y.Name)
		}
		return x.Version.Compare(y.Version)
	})
	return out, notes, nil
}

// codeBaseline returns every versioned migration up to baseline, for the
// history of code migrations, which cannot be matched to files.
func (p adoptPlanner) codeBaseline(baseline tide.Version) ([]tide.Adoption, error) {
	h := p.history
	if baseline.IsZero() {
		return nil, fmt.Errorf("%s's %s code tide cannot run: write tide migrations that build the same schema "+
			"(or one migration from a schema dump), then run tide adopt --baseline VERSION to record them as applied "+
			"up to VERSION; the next tide migrations follow on", h.Source, codeCount(h, nil))
	}
	var out []tide.Adoption
	found := false
	for _, m := range p.migrations {
		if !m.Repeatable && m.Version.Compare(baseline) <= 0 {
			out = append(out, tide.Adoption{Version: m.Version})
			found = found || m.Version == baseline
		}
	}
	if !found {
		return nil, fmt.Errorf("--baseline %s: no migration in %s has this version", baseline, p.dir)
	}
	return out, nil
}

// matchRepeatable finds the repeatable migration of a Flyway history row:
// by description, as Flyway identifies repeatables, else by script.
func matchRepeatable(ap adopt.Applied, reps []tide.Migration) (tide.Migration, bool) {
	for _, m := range reps {
		if ap.Name != "" && strings.ReplaceAll(m.Name, "_", " ") == ap.Name {
			return m, true
		}
	}
	for _, m := range reps {
		if m.Path != "" && (m.Path == ap.ID || path.Base(m.Path) == path.Base(ap.ID)) {
			return m, true
		}
	}
	return tide.Migration{}, false
}

// checksumDiffers compares the checksum the other tool recorded with the
// file's, for the tools that keep one (Flyway's CRC-32, Prisma's SHA-256).
func (p adoptPlanner) checksumDiffers(ap adopt.Applied, m tide.Migration) (bool, error) {
	if ap.Checksum == "" || m.Path == "" {
		return false, nil
	}
	switch p.history.Source {
	case "flyway", "prisma":
	default:
		return false, nil
	}
	content, err := fs.ReadFile(p.fsys, m.Path)
	if err != nil {
		return false, fmt.Errorf("read %s: %w", p.displayPath(m.Path), err)
	}
	if p.history.Source == "flyway" {
		return strconv.Itoa(int(source.FlywayChecksum(content))) != strings.TrimSpace(ap.Checksum), nil
	}
	// Prisma hashes migration.sql as it is; it also accepts the file with
	// its line endings changed (a checkout with autocrlf).
	want := strings.ToLower(strings.TrimSpace(ap.Checksum))
	s := string(content)
	for _, variant := range []string{s, strings.ReplaceAll(s, "\r\n", "\n"), strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\n", "\r\n")} {
		sum := sha256.Sum256([]byte(variant))
		if hex.EncodeToString(sum[:]) == want {
			return false, nil
		}
	}
	return true, nil
}

// checksumError reports a file changed since the other tool applied it.
func (p adoptPlanner) checksumError(ap adopt.Applied, m tide.Migration) error {
	file := p.displayPath(m.Path)
	if p.history.Source == "flyway" {
		content, _ := fs.ReadFile(p.fsys, m.Path)
		return fmt.Errorf("%s: migration checksum mismatch for version %s: %s records %s, the file's is %d: "+
			"the file changed since flyway applied it; restore it, or run `flyway repair` if the change is intended, then adopt again",
			file, ap.ID, p.history.Table, ap.Checksum, source.FlywayChecksum(content))
	}
	return fmt.Errorf("%s: migration %s was modified after %s applied it (%s records checksum %s): restore the file, then adopt again",
		file, ap.ID, p.history.Source, p.history.Table, ap.Checksum)
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
func (a *app) adoptedLines(results []tide.Result, adoptions []tide.Adoption, dryRun bool) {
	verb := "adopted"
	if dryRun {
		verb = "would adopt"
	}
	for _, res := range results {
		line := fmt.Sprintf("%s %s", verb, migrationLabel(res.Migration))
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
func adoptMessage(h *adopt.History, results []tide.Result, baseline tide.Version, revisions []string, o adoptOptions, dropped bool) string {
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

// adoptJSON describes tide adopt in its --json summary.
type adoptJSON struct {
	Source    string   `json:"source"`
	Table     string   `json:"table"`
	DryRun    bool     `json:"dry_run"`
	Code      bool     `json:"code"`
	Baseline  string   `json:"baseline,omitempty"`
	Revisions []string `json:"revisions,omitempty"`
	Notes     []string `json:"notes"`
	Dropped   bool     `json:"dropped"`
}
