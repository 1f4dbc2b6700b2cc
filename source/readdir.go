package source

import (
	"errors"
	"fmt"
	"io/fs"

	"github.com/tidemigrate/tide/internal/parallel"
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
	names := make([]string, 0, len(entries))
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
		names = append(names, name)
	}
	// Reading and parsing thousands of files is most of the work of a
	// no-op run: read them at once, parse them on every processor.
	contents, perr := readMany(fsys, names)
	parsed := make([]migration.File, len(names))
	parallel.For(len(names), func(i int) {
		if perr[i] != nil {
			perr[i] = &migration.ParseError{Path: names[i], Msg: fmt.Sprintf("read: %v", perr[i])}
			return
		}
		parsed[i], perr[i] = parse(names[i], contents[i])
		contents[i] = nil
	})
	migs := parsed[:0]
	for i := range names {
		if perr[i] != nil {
			errs = append(errs, perr[i])
			continue
		}
		migs = append(migs, parsed[i])
	}
	migs, err = sortMigrations(migs)
	errs = append(errs, err)
	return migs, errors.Join(errs...)
}
