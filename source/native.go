package source

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/tidemigrate/tide/migration"
)

// NativePrefix is the marker prefix of tide's own format: "-- +tide up".
const NativePrefix = "+tide"

// nativeName matches "<version>_<name>.sql", where the version is one or
// more dot-separated runs of digits.
var nativeName = regexp.MustCompile(`^([0-9]+(?:\.[0-9]+)*)_(.+)\.[sS][qQ][lL]$`)

// Native is tide's own format: one file per migration named
// <version>_<name>.sql, with sections that begin at the marker lines
// "-- +tide up" and "-- +tide down", and optional header lines before the
// up section: "-- +tide no-transaction", and "-- +tide backup TABLE..."
// (tables to copy before the up section runs) or "-- +tide backup none"
// (no automatic backup). "-- +tide check" sections between the up and
// down sections hold data checks (see [migration.Check]). The version is an
// integer (20261122093000) or dotted (1.2.10, ordered segment by segment,
// as Flyway orders its versions); it must not be 0.
var Native Format = nativeFormat{}

type nativeFormat struct{}

func (nativeFormat) Name() string { return "native" }

// Read reads every *.sql file at the root of fsys. Other files and
// subdirectories are ignored. All problems are reported together, joined,
// each a *ParseError.
func (nativeFormat) Read(fsys fs.FS) ([]migration.File, error) {
	return readFiles(fsys, func(name string) (bool, error) {
		return strings.EqualFold(path.Ext(name), ".sql"), nil
	}, ParseNative)
}

// ParseNative parses the content of one native migration file. The file
// name supplies the version and name; a file named R__<name>.sql is a
// repeatable migration: zero Version, Repeatable set.
func ParseNative(name string, content []byte) (migration.File, error) {
	if isNativeRepeatable(name) {
		return parseNativeRepeatable(name, content)
	}
	match := nativeName.FindStringSubmatch(path.Base(name))
	if match == nil {
		return migration.File{}, &migration.ParseError{Path: name, Msg: "file name must be <version>_<name>.sql, for example 20261122093000_add_users.sql or 1.2.10_add_users.sql"}
	}
	v, err := positiveVersion(match[1])
	if err != nil {
		return migration.File{}, &migration.ParseError{Path: name, Msg: err.Error()}
	}
	m := migration.File{Version: v, Name: match[2], Path: name}
	if err := parseNativeBody(&m, Normalize(string(content))); err != nil {
		return migration.File{}, err
	}
	return m, nil
}

// parseNativeBody splits the file into its sections at the marker lines.
func parseNativeBody(m *migration.File, text string) error {
	var (
		up, down   *migration.Section
		checks     []*migration.CheckSection
		current    *migration.Section
		body       strings.Builder
		noTxMarker int
	)
	flush := func() {
		if current != nil {
			current.SQL = body.String()
		}
		body.Reset()
	}
	lines := strings.SplitAfter(text, "\n")
	for i, line := range lines {
		n := i + 1
		mk, ok := ParseMarker(line, NativePrefix)
		if !ok {
			if current == nil {
				if t := strings.TrimSpace(line); t != "" && !strings.HasPrefix(t, "--") {
					return &migration.ParseError{Path: m.Path, Line: n, Msg: "SQL before the first \"-- +tide up\" marker: put statements in an up or down section"}
				}
				continue
			}
			body.WriteString(line)
			continue
		}
		switch mk.Name {
		case "up", "down":
			if len(mk.Args) > 0 {
				return &migration.ParseError{Path: m.Path, Line: n, Msg: fmt.Sprintf("unexpected words %q after -- +tide %s", strings.Join(mk.Args, " "), mk.Name)}
			}
			target := &up
			if mk.Name == "down" {
				target = &down
			}
			if *target != nil {
				return &migration.ParseError{Path: m.Path, Line: n, Msg: fmt.Sprintf("second \"-- +tide %s\" section (the first is at line %d)", mk.Name, (*target).Line-1)}
			}
			flush()
			current = &migration.Section{Path: m.Path, Line: n + 1}
			*target = current
		case "check":
			cs, err := nativeCheck(m, line, n, up, down)
			if err != nil {
				return err
			}
			flush()
			checks = append(checks, cs)
			current = &cs.Section
		case "no-transaction":
			if up != nil || down != nil {
				return &migration.ParseError{Path: m.Path, Line: n, Msg: "\"-- +tide no-transaction\" must come before the up section"}
			}
			noTxMarker = n
		case "backup":
			if err := parseBackupMarker(m, line, n, up != nil || down != nil); err != nil {
				return err
			}
		default:
			return &migration.ParseError{Path: m.Path, Line: n, Msg: fmt.Sprintf("unknown marker \"-- +tide %s\" (known: up, check, down, no-transaction, backup)", mk.Name)}
		}
	}
	flush()
	if up == nil {
		return &migration.ParseError{Path: m.Path, Msg: "no \"-- +tide up\" section: every migration needs one"}
	}
	m.Up = *up
	m.Down = down
	m.Checks = checkSections(checks)
	m.NoTransaction = noTxMarker > 0
	return nil
}

// sortUnique sorts migrations by version and reports duplicate versions.
func sortUnique(migs []migration.File) ([]migration.File, error) {
	slices.SortStableFunc(migs, func(a, b migration.File) int { return a.Version.Compare(b.Version) })
	var errs []error
	for i := 1; i < len(migs); i++ {
		if migs[i].Version == migs[i-1].Version {
			errs = append(errs, &migration.ParseError{Path: migs[i].Path, Msg: fmt.Sprintf("version %s is also used by %s: versions must be unique", migs[i].Version, migs[i-1].Path)})
		}
	}
	return migs, errors.Join(errs...)
}

// NoTransactionMarker says how a native file asks to run outside a
// transaction.
func (nativeFormat) NoTransactionMarker() string {
	return `add the line "-- +tide no-transaction" before "-- +tide up"`
}
