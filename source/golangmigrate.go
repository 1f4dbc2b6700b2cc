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
// (the migration is then irreversible); a down file without its up file is
// an error. Each file is one section, split later by the dialect.
//
// Path is the up file and Down.Path the down file; the checksum covers both
// (see [Migration.Checksum]), so a changed down file is noticed too.
//
// golang-migrate does not wrap migrations in transactions of its own; tide
// runs each one in a transaction, as for every format, and has no way to
// mark one otherwise in these files, so converting a no-transaction
// migration to this format is an error.
var GolangMigrate Format = golangMigrateFormat{}

var _ Writer = golangMigrateFormat{}

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
		name             string
		version          migration.Version
	}
	pairs := map[migration.Version]*pair{}
	var order []migration.Version
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
		content, err := fs.ReadFile(fsys, name)
		if err != nil {
			errs = append(errs, &migration.ParseError{Path: name, Msg: fmt.Sprintf("read: %v", err)})
			continue
		}
		p := pairs[v]
		if p == nil {
			p = &pair{version: v}
			pairs[v] = p
			order = append(order, v)
		}
		if match[3] == "up" {
			if p.up != "" {
				errs = append(errs, &migration.ParseError{Path: name, Msg: fmt.Sprintf("version %s is also used by %s: versions must be unique", v, p.up)})
				continue
			}
			p.up, p.upData, p.name = name, content, match[2]
		} else {
			if p.down != "" {
				errs = append(errs, &migration.ParseError{Path: name, Msg: fmt.Sprintf("version %s is also used by %s: versions must be unique", v, p.down)})
				continue
			}
			p.down, p.downData = name, content
		}
	}
	var migs []migration.File
	for _, v := range order {
		p := pairs[v]
		if p.up == "" {
			errs = append(errs, &migration.ParseError{Path: p.down, Msg: "down migration without its up file " + strings.TrimSuffix(p.down, ".down.sql") + ".up.sql"})
			continue
		}
		m := migration.File{
			Version: v,
			Name:    p.name,
			Path:    p.up,
			Up:      migration.Section{Path: p.up, Line: 1, SQL: Normalize(string(p.upData))},
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

// Files writes migs as <version>_<name>.up.sql files, and .down.sql files
// for the migrations with a down section.
func (f golangMigrateFormat) Files(migs []migration.File) (map[string][]byte, error) {
	files := make(map[string][]byte, 2*len(migs))
	var errs []error
	for _, m := range migs {
		v, err := integerVersion(m, "golang-migrate", maxUint64)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if m.NoTransaction {
			errs = append(errs, writeErrorf(m, "golang-migrate", "golang-migrate files cannot mark a migration to run outside a transaction"))
			continue
		}
		base := v + "_" + m.Name
		files[base+".up.sql"] = []byte(sectionText(m.Up.SQL))
		if m.Down != nil {
			files[base+".down.sql"] = []byte(sectionText(m.Down.SQL))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if err := checkWritten(f, files, migs); err != nil {
		return nil, err
	}
	return files, nil
}

// DetectsNoTransaction reports that golang-migrate never opens a
// transaction: a migration whose statement cannot run in one works there,
// and tide runs it outside a transaction too.
func (golangMigrateFormat) DetectsNoTransaction() bool { return true }
