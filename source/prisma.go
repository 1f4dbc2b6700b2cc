package source

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"strings"

	"github.com/tidemigrate/tide/migration"
)

// Prisma is the format of Prisma Migrate: one folder per migration,
// <timestamp>_<name>/migration.sql, in the migrations folder. The version
// is the leading digits of the folder name and Name the rest after "_";
// Path is "<folder>/migration.sql". Prisma migrations have no down section
// (Down is nil) and no way to run outside a transaction, so converting a
// migration with either to this format is an error. Files at the root
// (migration_lock.toml) are ignored; a folder without migration.sql is an
// error.
//
// Prisma orders folders by name; tide orders versions numerically, which
// is the same for versions of one width, such as Prisma's timestamps.
var Prisma Format = prismaFormat{}

var _ Writer = prismaFormat{}

type prismaFormat struct{}

// prismaDir matches "<version>_<name>" migration folders.
var prismaDir = regexp.MustCompile(`^([0-9]+)(?:_(.*))?$`)

// prismaFile is the file of each Prisma migration folder.
const prismaFile = "migration.sql"

// Name returns "prisma".
func (prismaFormat) Name() string { return "prisma" }

// Read reads every <version>_<name>/migration.sql in fsys. All problems are
// reported together, each a *ParseError.
func (prismaFormat) Read(fsys fs.FS) ([]migration.File, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, fmt.Errorf("read migrations directory: %w", err)
	}
	var migs []migration.File
	var errs []error
	for _, e := range entries {
		dir := e.Name()
		if !e.IsDir() || strings.HasPrefix(dir, ".") {
			continue
		}
		match := prismaDir.FindStringSubmatch(dir)
		if match == nil {
			errs = append(errs, &migration.ParseError{Path: dir, Msg: "Prisma migration folder name must be <timestamp>_<name>, for example 20260101120000_init"})
			continue
		}
		v, err := migration.ParseVersion(match[1])
		if err != nil {
			errs = append(errs, &migration.ParseError{Path: dir, Msg: err.Error()})
			continue
		}
		p := path.Join(dir, prismaFile)
		content, err := fs.ReadFile(fsys, p)
		if err != nil {
			msg := fmt.Sprintf("read: %v", err)
			if errors.Is(err, fs.ErrNotExist) {
				msg = "no " + prismaFile + " in the migration folder"
			}
			errs = append(errs, &migration.ParseError{Path: p, Msg: msg})
			continue
		}
		migs = append(migs, migration.File{
			Version: v, Name: match[2], Path: p,
			Up: migration.Section{Path: p, Line: 1, SQL: Normalize(string(content))},
		})
	}
	errs = append(errs, prismaOrder(migs))
	migs, err = sortMigrations(migs)
	errs = append(errs, err)
	return migs, errors.Join(errs...)
}

// prismaOrder reports folders that Prisma, which orders them by name, would
// run in another order than tide, which orders them by number ("2_a" and
// "10_b"). migs are in ReadDir order, which is by name.
func prismaOrder(migs []migration.File) error {
	for i := 1; i < len(migs); i++ {
		if a, b := migs[i-1], migs[i]; b.Version.Compare(a.Version) < 0 {
			return &migration.ParseError{Path: b.Path, Msg: fmt.Sprintf("Prisma runs it after %s (folders by name), tide before it (by number): "+
				"give every version the same number of digits", a.Path)}
		}
	}
	return nil
}

// Files writes each migration as <version>_<name>/migration.sql, padding
// the versions with zeros to one width because Prisma orders folders by
// name. It does not write migration_lock.toml, which names the database
// provider: Prisma writes it on its next migrate dev.
func (f prismaFormat) Files(migs []migration.File) (map[string][]byte, error) {
	versions := make([]string, len(migs))
	var errs []error
	for i, m := range migs {
		v, err := integerVersion(m, "prisma", "")
		switch {
		case err != nil:
			errs = append(errs, err)
		case m.Down != nil:
			errs = append(errs, writeErrorf(m, "prisma", "Prisma migrations have no down section: delete the down section from the file first if you can do without it"))
		case m.NoTransaction:
			errs = append(errs, writeErrorf(m, "prisma", "Prisma migrations cannot be marked to run outside a transaction"))
		}
		versions[i] = v
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	padVersions(versions)
	files := make(map[string][]byte, len(migs))
	for i, m := range migs {
		dir := versions[i]
		if m.Name != "" {
			dir += "_" + m.Name
		}
		files[dir+"/"+prismaFile] = []byte(sectionText(sectionSQL(m.Up)))
	}
	if err := checkWritten(f, files, migs, nil); err != nil {
		return nil, err
	}
	return files, nil
}

// NoTransactionMarker says what to do with a statement that cannot run in
// a transaction in a Prisma folder, which has no way to say so.
func (prismaFormat) NoTransactionMarker() string {
	return `Prisma folders cannot say so: move the statement into a tide native migration with "-- +tide no-transaction"`
}
