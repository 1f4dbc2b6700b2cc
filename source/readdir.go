package source

import (
	"errors"
	"fmt"
	"io/fs"

	"github.com/tidemigrate/tide/migration"
)

// readFiles reads the files at the root of fsys one by one, as the flat
// formats (native, goose, dbmate) lay them out. For each file, want
// decides: parse it (true), skip it (false, nil), or report it (false,
// err). Every problem is collected; the migrations come back sorted.
func readFiles(fsys fs.FS, want func(name string) (bool, error), parse func(name string, content []byte) (migration.File, error)) ([]migration.File, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, fmt.Errorf("read migrations directory: %w", err)
	}
	var migs []migration.File
	var errs []error
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() {
			// A folder named like a migration is a mistake that would
			// otherwise leave the migration out without a word.
			if ok, _ := want(name); ok {
				errs = append(errs, &migration.ParseError{Path: name, Msg: "a directory named like a migration file: rename or remove it"})
			}
			continue
		}
		ok, err := want(name)
		if !ok {
			errs = append(errs, err)
			continue
		}
		content, err := fs.ReadFile(fsys, name)
		if err != nil {
			errs = append(errs, &migration.ParseError{Path: name, Msg: fmt.Sprintf("read: %v", err)})
			continue
		}
		m, err := parse(name, content)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		migs = append(migs, m)
	}
	migs, err = sortMigrations(migs)
	errs = append(errs, err)
	return migs, errors.Join(errs...)
}
