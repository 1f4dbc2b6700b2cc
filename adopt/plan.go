package adopt

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tidemigrate/tide/migration"
	"github.com/tidemigrate/tide/source"
)

// Adoption is one migration that another tool applied, to be recorded as
// applied in tide's version table. It is plain data.
type Adoption struct {
	Version    migration.Version // the versioned migration; zero for a repeatable one
	Name       string            // the repeatable migration's name (ignored otherwise)
	Repeatable bool              // a repeatable migration, identified by Name
	AppliedAt  time.Time         // when the other tool applied it; zero: unknown (now is recorded)
}

// Folder is the migrations folder a history is adopted into: the folder
// that the other tool ran, which tide reads in that tool's format. It is
// plain data.
type Folder struct {
	// FS is the folder. [History.Plan] reads the files of Flyway and
	// Prisma migrations from it to compare the tools' own checksums;
	// [Choose] detects its format when Format is "". It may be nil where
	// neither is needed.
	FS fs.FS
	// Dir names the folder in messages as the user knows it, such as
	// "db/migrations": advice names it, and the paths of files (relative
	// to FS) are shown joined to it. "" stands for ".".
	Dir string
	// Format is the folder's format as package source names it ("goose",
	// "flyway", ...), when the caller knows it; "" detects it from FS.
	Format string
}

// name names the folder in messages.
func (f Folder) name() string {
	if f.Dir == "" {
		return "."
	}
	return f.Dir
}

// path shows the file p (relative to FS) as the user finds it.
func (f Folder) path(p string) string {
	if p == "" || f.Dir == "" || f.Dir == "." {
		return p
	}
	return filepath.Join(f.Dir, filepath.FromSlash(p))
}

// PlanOptions tune [History.Plan]. The zero value is what the histories
// of SQL migrations need.
type PlanOptions struct {
	// Baseline is the version of the tide migration up to which tide's
	// versioned migrations are recorded as applied, instead of matching
	// the history to files: the tide migrations that build the schema the
	// other tool built. A history of code migrations (History.Code: knex,
	// sequelize, typeorm, alembic) needs it. For a history of SQL
	// migrations (goose, golang-migrate, dbmate, Flyway, Prisma) it is
	// for a team that leaves the tool's folder for a new native one
	// (a schema dump, or tide convert's output renumbered): the history is
	// then not matched to the files, only described in [Plan.Notes].
	Baseline migration.Version
	// AlembicVersions is Alembic's versions folder (alembic/versions), for
	// an Alembic history only: [Plan.Revisions] then lists every applied
	// revision, where alembic_version keeps only the heads.
	AlembicVersions fs.FS
}

// Plan is what adopting another tool's history records in tide's version
// table: built by [History.Plan], recorded by tide's Migrator.Adopt. It is
// plain data, owned by the caller.
type Plan struct {
	// Source is the tool whose history it is, e.g. "goose" ([History.Source]);
	// tide records it as the migrations' origin.
	Source string
	// Table is the history table that was read.
	Table string
	// Code reports a history of code migrations ([History.Code]).
	Code bool
	// Baseline is [PlanOptions.Baseline]. When it is not zero, the
	// Adoptions are tide's versioned migrations up to it, whatever the
	// history lists.
	Baseline migration.Version
	// Revisions lists every revision Alembic applied, oldest first, when
	// [PlanOptions.AlembicVersions] was given; else nil.
	Revisions []string
	// Adoptions are the migrations to record, versioned ones by version,
	// then repeatable ones by name. Migrations that tide recorded already
	// are among them: recording skips them.
	Adoptions []Adoption
	// Notes are what the user must know about the plan, one sentence each,
	// such as a Flyway repeatable left to run again. The history's own
	// [History.Notes] are not repeated.
	Notes []string
}

// Plan maps the history to the migrations of set, read from folder, that
// tide must record as applied to go on from the same state:
//
//   - An applied migration with a version is the migration of that
//     version. Flyway's CRC-32 and Prisma's SHA-256 checksums must match
//     the file's (a [*ChecksumError] otherwise), as those tools require.
//   - [History.UpTo] stands for every versioned migration up to it, and
//     must name one, unless it is a Flyway baseline.
//   - A Flyway repeatable is the repeatable migration of its description
//     (with "_" for " "), else of its script's file name. When the file
//     changed since Flyway last ran it, it is left out, with a note, so
//     that tide applies it again, as flyway migrate would.
//   - A history of code migrations maps to tide's versioned migrations up
//     to [PlanOptions.Baseline]; without one, Plan returns a
//     [*CodeHistoryError] saying what to do.
//   - With [PlanOptions.Baseline], a history of SQL migrations maps to
//     tide's versioned migrations up to it too, unmatched: the notes say
//     what the history listed, and which of its versions above the
//     baseline are also migrations of set, which tide up would then run.
//
// Plan reads nothing but folder's files. Every problem of the history is
// reported at once, joined: applied migrations with no file, entries
// without a version, changed files. Errors name the file (joined to
// [Folder.Dir]) and what to do.
func (h *History) Plan(set *migration.Set, folder Folder, opts PlanOptions) (*Plan, error) {
	switch {
	case set == nil:
		return nil, errors.New("adopt: Plan needs the migration set")
	case opts.AlembicVersions != nil && h.Source != "alembic":
		return nil, fmt.Errorf("adopt: Alembic's versions folder is for alembic's history, not %s's", h.Source)
	}
	p := &Plan{Source: h.Source, Table: h.Table, Code: h.Code, Baseline: opts.Baseline}
	if opts.AlembicVersions != nil {
		var err error
		if p.Revisions, err = h.alembicRevisions(opts.AlembicVersions); err != nil {
			return nil, err
		}
	}
	pl := planner{history: h, set: set, folder: folder}
	var err error
	switch {
	case h.Code:
		p.Adoptions, err = pl.codeBaseline(opts.Baseline, p.Revisions)
	case !opts.Baseline.IsZero():
		if p.Adoptions, err = pl.baseline(opts.Baseline); err == nil {
			p.Notes = pl.baselineNotes(opts.Baseline)
		}
	default:
		p.Adoptions, p.Notes, err = pl.plan()
	}
	if err != nil {
		return nil, err
	}
	return p, nil
}

// alembicRevisions lists every revision applied at the history's heads,
// read from Alembic's versions folder.
func (h *History) alembicRevisions(versions fs.FS) ([]string, error) {
	chain, err := AlembicChain(versions)
	if err != nil {
		return nil, err
	}
	return AlembicApplied(h.ids(), chain)
}

// ids returns the tool's identifiers of the applied migrations.
func (h *History) ids() []string {
	ids := make([]string, len(h.Applied))
	for i, ap := range h.Applied {
		ids[i] = ap.ID
	}
	return ids
}

// planner maps one history to the migrations of one set.
type planner struct {
	history *History
	set     *migration.Set
	folder  Folder
}

// plan maps a history of SQL migrations; see [History.Plan].
func (p planner) plan() ([]Adoption, []string, error) {
	h := p.history
	var out []Adoption
	var notes, missing, noVersion []string
	var errs []error
	isBaseline := false // UpTo is a Flyway baseline, which needs no file
	for _, ap := range h.Applied {
		switch {
		case ap.Repeatable:
			m, ok := matchRepeatable(ap, p.set.Repeatable())
			if !ok {
				missing = append(missing, ap.ID)
				continue
			}
			if changed, err := p.checksumDiffers(ap, m); err != nil {
				errs = append(errs, err)
				continue
			} else if changed {
				notes = append(notes, fmt.Sprintf("%s: repeatable %s changed since %s last ran it: left pending, so that tide up applies it again",
					p.folder.path(m.Path), m.Name, h.Source))
				continue
			}
			out = append(out, Adoption{Repeatable: true, Name: m.Name, AppliedAt: ap.AppliedAt})
		case ap.Baseline:
			isBaseline = isBaseline || ap.Version == h.UpTo
			if _, ok := p.set.Find(ap.Version); ok {
				out = append(out, Adoption{Version: ap.Version, AppliedAt: ap.AppliedAt})
			}
		case ap.Version.IsZero():
			noVersion = append(noVersion, ap.ID)
		default:
			m, ok := p.set.Find(ap.Version)
			if !ok {
				missing = append(missing, ap.ID)
				continue
			}
			if changed, err := p.checksumDiffers(ap, *m); err != nil {
				errs = append(errs, err)
				continue
			} else if changed {
				errs = append(errs, p.checksumError(ap, *m))
				continue
			}
			out = append(out, Adoption{Version: ap.Version, AppliedAt: ap.AppliedAt})
		}
	}
	if !h.UpTo.IsZero() {
		if _, ok := p.set.Find(h.UpTo); !ok && !isBaseline {
			errs = append(errs, fmt.Errorf("%s is at version %s, but no migration in %s has this version: point --dir at the folder %s ran",
				h.Source, h.UpTo, p.folder.name(), h.Source))
		}
		for _, m := range p.set.Versioned() {
			if m.Version.Compare(h.UpTo) <= 0 && !slices.ContainsFunc(out, func(a Adoption) bool { return a.Version == m.Version }) {
				out = append(out, Adoption{Version: m.Version})
			}
		}
	}
	if len(noVersion) > 0 {
		errs = append(errs, fmt.Errorf("%s's history lists %s without a version tide can match to a file: %s",
			h.Source, counted(len(noVersion), "migration"), strings.Join(noVersion, ", ")))
	}
	if len(missing) > 0 {
		errs = append(errs, fmt.Errorf("%s's history lists %s with no file in %s: %s; point --dir at the folder %s ran, or pass the right --format",
			h.Source, counted(len(missing), "applied migration"), p.folder.name(), strings.Join(missing, ", "), h.Source))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, nil, err
	}
	slices.SortStableFunc(out, func(x, y Adoption) int {
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
func (p planner) codeBaseline(baseline migration.Version, revisions []string) ([]Adoption, error) {
	h := p.history
	if baseline.IsZero() {
		return nil, &CodeHistoryError{Source: h.Source, IDs: h.ids(), Revisions: revisions}
	}
	return p.baseline(baseline)
}

// baselineNotes describes, for a history of SQL migrations adopted with a
// baseline, what the history listed, and warns about the versions it
// applied above the baseline that are also migrations of the set: tide up
// runs them, which is right only if they are other migrations.
func (p planner) baselineNotes(baseline migration.Version) []string {
	h := p.history
	var listed string
	switch {
	case len(h.Applied) > 0:
		last := h.Applied[len(h.Applied)-1]
		listed = fmt.Sprintf("lists %s (the last %s)", counted(len(h.Applied), "applied migration"), last.ID)
	case !h.UpTo.IsZero():
		listed = fmt.Sprintf("is at version %s", h.UpTo)
	default:
		listed = "lists no applied migration"
	}
	notes := []string{fmt.Sprintf("%s's history %s: with --baseline it is not matched to the files of %s; tide's migrations up to %s are recorded as applied instead",
		h.Source, listed, p.folder.name(), baseline)}
	var above []string
	for _, m := range p.set.Versioned() {
		if m.Version.Compare(baseline) <= 0 {
			continue
		}
		listed := !h.UpTo.IsZero() && m.Version.Compare(h.UpTo) <= 0 ||
			slices.ContainsFunc(h.Applied, func(ap Applied) bool { return ap.Version == m.Version })
		if listed {
			above = append(above, m.Version.String())
		}
	}
	if len(above) > 0 {
		notes = append(notes, fmt.Sprintf("%s applied %s above the baseline, and %s has migrations of the same versions: tide up will run them; "+
			"if they are the migrations %s applied, adopt with a --baseline at or above %s instead",
			h.Source, strings.Join(above, ", "), p.folder.name(), h.Source, above[len(above)-1]))
	}
	return notes
}

// baseline returns every versioned migration up to baseline, which must
// be one of them.
func (p planner) baseline(baseline migration.Version) ([]Adoption, error) {
	var out []Adoption
	found := false
	for _, m := range p.set.Versioned() {
		if m.Version.Compare(baseline) <= 0 {
			out = append(out, Adoption{Version: m.Version})
			found = found || m.Version == baseline
		}
	}
	if !found {
		return nil, fmt.Errorf("--baseline %s: no migration in %s has this version", baseline, p.folder.name())
	}
	return out, nil
}

// matchRepeatable finds the repeatable migration of a Flyway history row:
// by description, as Flyway identifies repeatables, else by script.
func matchRepeatable(ap Applied, reps []migration.Migration) (migration.Migration, bool) {
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
	return migration.Migration{}, false
}

// checksumDiffers compares the checksum the other tool recorded with the
// file's, for the tools that keep one (Flyway's CRC-32, Prisma's SHA-256).
func (p planner) checksumDiffers(ap Applied, m migration.Migration) (bool, error) {
	if ap.Checksum == "" || m.Path == "" {
		return false, nil
	}
	switch p.history.Source {
	case "flyway", "prisma":
	default:
		return false, nil
	}
	content, err := p.read(m.Path)
	if err != nil {
		return false, err
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

// read reads the file name of the folder.
func (p planner) read(name string) ([]byte, error) {
	if p.folder.FS == nil {
		return nil, fmt.Errorf("read %s: adopt: Folder.FS is nil: the file is needed to compare %s's checksum", p.folder.path(name), p.history.Source)
	}
	content, err := fs.ReadFile(p.folder.FS, name)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", p.folder.path(name), err)
	}
	return content, nil
}

// checksumError reports a file changed since the other tool applied it.
func (p planner) checksumError(ap Applied, m migration.Migration) error {
	e := &ChecksumError{Source: p.history.Source, Table: p.history.Table, ID: ap.ID, Path: p.folder.path(m.Path), Recorded: ap.Checksum}
	if p.history.Source == "flyway" {
		content, _ := fs.ReadFile(p.folder.FS, m.Path) // read by checksumDiffers already
		e.Actual = strconv.Itoa(int(source.FlywayChecksum(content)))
	}
	return e
}

// codeCount says how many code migrations a history lists: "3
// migrations are", or for alembic the revisions.
func codeCount(source string, ids, revisions []string) string {
	if source == "alembic" {
		if len(revisions) > 0 {
			return fmt.Sprintf("%s (%s) are", counted(len(revisions), "applied revision"), strings.Join(revisions, ", "))
		}
		return fmt.Sprintf("revisions (at head %s; --alembic-dir lists them all) are", strings.Join(ids, ", "))
	}
	if len(ids) == 1 {
		return "1 migration is"
	}
	return fmt.Sprintf("%d migrations are", len(ids))
}

// counted returns "1 migration" or "n migrations".
func counted(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
