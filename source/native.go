package source

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/tidemigrate/tide/migration"
)

// NativePrefix is the marker prefix of tide's own format: "-- +tide up".
const NativePrefix = "+tide"

// splitNativeName splits "<version>_<name>.sql" (".sql" in any case),
// where the version is one or more dot-separated runs of digits and the
// name is not empty and holds no newline. It reads every file name of a
// folder, so it is written out rather than a regular expression (the
// tests hold it to `^([0-9]+(?:\.[0-9]+)*)_(.+)\.[sS][qQ][lL]$`).
func splitNativeName(base string) (version, name string, ok bool) {
	if len(base) < 4 || !strings.EqualFold(base[len(base)-4:], ".sql") {
		return "", "", false
	}
	stem := base[:len(base)-4]
	i := 0
	for i < len(stem) && (stem[i] >= '0' && stem[i] <= '9' || stem[i] == '.') {
		i++
	}
	version, name = stem[:i], stem[min(i+1, len(stem)):]
	if i == len(stem) || stem[i] != '_' || name == "" || strings.IndexByte(name, '\n') >= 0 ||
		version == "" || version[0] == '.' || version[len(version)-1] == '.' || strings.Contains(version, "..") {
		return "", "", false
	}
	return version, name, true
}

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
	version, base, ok := splitNativeName(path.Base(name))
	if !ok {
		return migration.File{}, &migration.ParseError{Path: name, Msg: "file name must be <version>_<name>.sql, for example 20261122093000_add_users.sql or 1.2.10_add_users.sql"}
	}
	v, err := positiveVersion(version)
	if err != nil {
		return migration.File{}, &migration.ParseError{Path: name, Msg: err.Error()}
	}
	m := migration.File{Version: v, Name: base, Path: name}
	if err := parseNativeBody(&m, Normalize(string(content))); err != nil {
		return migration.File{}, err
	}
	return m, nil
}

// parseNativeBody splits the file into its sections at the marker lines.
// A section's SQL is the text between its marker line and the next one.
func parseNativeBody(m *migration.File, text string) error {
	var (
		up         migration.Section
		down       *migration.Section
		hasUp      bool
		checks     []*migration.CheckSection
		current    *migration.Section
		start      int // where the SQL of current begins in text
		noTxMarker int
	)
	flush := func(end int) {
		if current != nil {
			current.SQL = text[start:end]
		}
	}
	for off, n := 0, 1; off < len(text); n++ {
		next := len(text)
		if i := strings.IndexByte(text[off:], '\n'); i >= 0 {
			next = off + i + 1
		}
		line := text[off:next]
		lineStart := off
		off = next
		mk, ok := ParseMarker(line, NativePrefix)
		if !ok {
			if current == nil {
				if t := strings.TrimSpace(line); t != "" && !strings.HasPrefix(t, "--") {
					return &migration.ParseError{Path: m.Path, Line: n, Msg: "SQL before the first \"-- +tide up\" marker: put statements in an up or down section"}
				}
			}
			continue
		}
		switch mk.Name {
		case "up", "down":
			if len(mk.Args) > 0 {
				return &migration.ParseError{Path: m.Path, Line: n, Msg: fmt.Sprintf("unexpected words %q after -- +tide %s", strings.Join(mk.Args, " "), mk.Name)}
			}
			var first *migration.Section // the section of this name found before
			if mk.Name == "up" && hasUp {
				first = &up
			} else if mk.Name == "down" {
				first = down
			}
			if first != nil {
				return &migration.ParseError{Path: m.Path, Line: n, Msg: fmt.Sprintf("second \"-- +tide %s\" section (the first is at line %d)", mk.Name, first.Line-1)}
			}
			flush(lineStart)
			if mk.Name == "up" {
				current, hasUp = &up, true
			} else {
				down = &migration.Section{}
				current = down
			}
			*current = migration.Section{Path: m.Path, Line: n + 1}
			start = off
		case "check":
			var upSec *migration.Section
			if hasUp {
				upSec = &up
			}
			cs, err := nativeCheck(m, line, n, upSec, down)
			if err != nil {
				return err
			}
			flush(lineStart)
			checks = append(checks, cs)
			current = &cs.Section
			start = off
		case "no-transaction":
			if hasUp || down != nil {
				return &migration.ParseError{Path: m.Path, Line: n, Msg: "\"-- +tide no-transaction\" must come before the up section"}
			}
			noTxMarker = n
		case "backup":
			if err := parseBackupMarker(m, line, n, hasUp || down != nil); err != nil {
				return err
			}
		default:
			return &migration.ParseError{Path: m.Path, Line: n, Msg: fmt.Sprintf("unknown marker \"-- +tide %s\" (known: up, check, down, no-transaction, backup)", mk.Name)}
		}
	}
	flush(len(text))
	if !hasUp {
		return &migration.ParseError{Path: m.Path, Msg: "no \"-- +tide up\" section: every migration needs one"}
	}
	m.Up = up
	m.Down = down
	m.Checks = checkSections(checks)
	m.NoTransaction = noTxMarker > 0
	return nil
}

// sortUnique sorts migrations by version and reports duplicate versions.
func sortUnique(migs []migration.File) ([]migration.File, error) {
	byVersion := func(a, b migration.File) int { return a.Version.Compare(b.Version) }
	if !slices.IsSortedFunc(migs, byVersion) { // files named with versions of one width are
		slices.SortStableFunc(migs, byVersion)
	}
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
