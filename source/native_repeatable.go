package source

import (
	"errors"
	"fmt"
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/tidemigrate/tide/migration"
)

// nativeRepeatableName matches "R__<name>.sql", a native repeatable migration.
var nativeRepeatableName = regexp.MustCompile(`^R__(.+)\.[sS][qQ][lL]$`)

// isNativeRepeatable reports whether the base of name is R__<name>.sql.
func isNativeRepeatable(name string) bool {
	return nativeRepeatableName.MatchString(path.Base(name))
}

// parseNativeRepeatable parses a native repeatable migration, a file named
// R__<name>.sql with the same sections as a versioned one. Its Version is
// zero and Repeatable is set; Name is the part between "R__" and ".sql".
func parseNativeRepeatable(name string, content []byte) (migration.File, error) {
	match := nativeRepeatableName.FindStringSubmatch(path.Base(name))
	if match == nil {
		return migration.File{}, &migration.ParseError{Path: name, Msg: "repeatable migration file name must be R__<name>.sql, for example R__users_view.sql"}
	}
	m := migration.File{Name: match[1], Path: name, Repeatable: true}
	if err := parseNativeBody(&m, Normalize(string(content))); err != nil {
		return migration.File{}, err
	}
	return m, nil
}

// sortMigrations orders migrations as every Format returns them: the
// versioned ones by version, then the repeatable ones by name. It reports
// duplicate versions and duplicate repeatable names, naming both files.
func sortMigrations(migs []migration.File) ([]migration.File, error) {
	versioned := migs[:0] // in place: each is read before its slot is written
	var repeatable []migration.File
	for _, m := range migs {
		if m.Repeatable {
			repeatable = append(repeatable, m)
		} else {
			versioned = append(versioned, m)
		}
	}
	versioned, err := sortUnique(versioned)
	errs := []error{err}
	slices.SortStableFunc(repeatable, func(a, b migration.File) int { return strings.Compare(a.Name, b.Name) })
	for i := 1; i < len(repeatable); i++ {
		if repeatable[i].Name == repeatable[i-1].Name {
			errs = append(errs, &migration.ParseError{Path: repeatable[i].Path, Msg: fmt.Sprintf("repeatable migration %q is also defined by %s: names must be unique", repeatable[i].Name, repeatable[i-1].Path)})
		}
	}
	return append(versioned, repeatable...), errors.Join(errs...)
}
