package source

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"strconv"
	"strings"

	"github.com/tidemigrate/tide/migration"
)

// GolangMigrate is the format of golang-migrate/migrate: each migration is
// a pair of files at the root of the folder, <version>_<name>.up.sql and
// <version>_<name>.down.sql, with no markers. The down file is optional
// (the migration is then irreversible). A down file without its up file is
// a migration whose up section is empty, as golang-migrate runs it: it
// records the version and runs nothing. Each file is one section, split
// later by the dialect.
//
// Path is the up file (the down file when there is none) and Down.Path the
// down file; the checksum covers both (see [Migration.Checksum]), so a
// changed down file is noticed too.
//
// golang-migrate does not wrap migrations in transactions of its own, and
// runs each file as one exec (so the files it is given hold no DELIMITER
// commands, which only the mysql client reads: the writer writes such a
// section as its statements, each ending with ";"). tide runs each
// migration in a transaction, as for every format, unless a statement
// cannot run in one (then the migration runs outside a transaction, as it
// does in golang-migrate).
//
// # Writing no-transaction migrations
//
// These files cannot mark a migration to run outside a transaction, and
// golang-migrate runs a file of several statements as one exec, which
// PostgreSQL runs as one implicit transaction (CREATE INDEX CONCURRENTLY
// then fails). So its writer (FilesFor of [DialectWriter]) writes a
// no-transaction migration as files whose sections hold one statement
// each:
//
//   - with at most one statement in each section, as one migration, its
//     version kept;
//   - otherwise as n migrations, n the larger of its statement counts, of
//     versions V, V+1, ... V+n-1 (V its version, zero padding kept; the
//     first keeps its name, the others are named <name>_part2, ...): part
//     k runs the k-th up statement, and the down statements are laid out
//     from the last part back, so that golang-migrate, reverting the parts
//     from the last, runs them in their order. A part with no up statement
//     has no up file, a part with no down statement no down file
//     (golang-migrate records such a version and runs nothing). The
//     versions must stay below the next migration's, or the migration is
//     refused, naming both: renumber, or split it in the folder first.
//
// A database that tide migrated past such a migration is, for
// golang-migrate, at the version of its last part (migrate force it). tide
// reads the parts back as separate migrations: the converted folder is for
// golang-migrate, not for a database tide goes on migrating.
var GolangMigrate Format = golangMigrateFormat{}

var _ DialectWriter = golangMigrateFormat{}

type golangMigrateFormat struct{}

// golangMigrateName matches "<version>_<name>.up.sql" and ".down.sql".
var golangMigrateName = regexp.MustCompile(`^([0-9]+)_(.*)\.(up|down)\.sql$`)

// Name returns "golang-migrate".
func (golangMigrateFormat) Name() string { return "golang-migrate" }

// Read reads the *.sql files at the root of fsys and pairs them by version.
// All problems are reported together, each a *ParseError.
func (golangMigrateFormat) Read(fsys fs.FS) ([]migration.File, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, fmt.Errorf("read migrations directory: %w", err)
	}
	type pair struct {
		up, down         string // file names
		upData, downData []byte
		name, downName   string
		version          migration.Version
	}
	type file struct {
		name, base, direction string
		version               migration.Version
	}
	var files []file
	var errs []error
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.EqualFold(path.Ext(name), ".sql") {
			continue
		}
		match := golangMigrateName.FindStringSubmatch(name)
		if match == nil {
			errs = append(errs, &migration.ParseError{Path: name, Msg: "golang-migrate file name must be <version>_<name>.up.sql or <version>_<name>.down.sql"})
			continue
		}
		if _, err := strconv.ParseUint(match[1], 10, 64); err != nil {
			errs = append(errs, &migration.ParseError{Path: name, Msg: fmt.Sprintf("golang-migrate version %s does not fit a 64-bit unsigned integer", match[1])})
			continue
		}
		v, err := migration.ParseVersion(match[1])
		if err != nil {
			errs = append(errs, &migration.ParseError{Path: name, Msg: err.Error()})
			continue
		}
		files = append(files, file{name: name, base: match[2], direction: match[3], version: v})
	}
	names := make([]string, len(files))
	for i, f := range files {
		names[i] = f.name
	}
	contents, readErrs := readMany(fsys, names)
	pairs := map[migration.Version]*pair{}
	var order []migration.Version
	for i, f := range files {
		name, v, content := f.name, f.version, contents[i]
		if err := readErrs[i]; err != nil {
			errs = append(errs, &migration.ParseError{Path: name, Msg: fmt.Sprintf("read: %v", err)})
			continue
		}
		p := pairs[v]
		if p == nil {
			p = &pair{version: v}
			pairs[v] = p
			order = append(order, v)
		}
		if f.direction == "up" {
			if p.up != "" {
				errs = append(errs, &migration.ParseError{Path: name, Msg: fmt.Sprintf("version %s is also used by %s: versions must be unique", v, p.up)})
				continue
			}
			p.up, p.upData, p.name = name, content, f.base
		} else {
			if p.down != "" {
				errs = append(errs, &migration.ParseError{Path: name, Msg: fmt.Sprintf("version %s is also used by %s: versions must be unique", v, p.down)})
				continue
			}
			p.down, p.downData, p.downName = name, content, f.base
		}
	}
	var migs []migration.File
	for _, v := range order {
		p := pairs[v]
		m := migration.File{
			Version: v,
			Name:    p.name,
			Path:    p.up,
			Up:      migration.Section{Path: p.up, Line: 1, SQL: Normalize(string(p.upData))},
		}
		if p.up == "" {
			// golang-migrate records the version and runs nothing.
			m.Name, m.Path, m.Up = p.downName, p.down, migration.Section{Path: p.down, Line: 1}
		}
		if p.down != "" {
			m.Down = &migration.Section{Path: p.down, Line: 1, SQL: Normalize(string(p.downData))}
		}
		migs = append(migs, m)
	}
	migs, err = sortMigrations(migs)
	errs = append(errs, err)
	return migs, errors.Join(errs...)
}

// DetectsNoTransaction reports that golang-migrate never opens a
// transaction: a migration whose statement cannot run in one works there,
// and tide runs it outside a transaction too.
func (golangMigrateFormat) DetectsNoTransaction() bool { return true }
