package source

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"path"
	"regexp"
	"strings"

	"github.com/tidemigrate/tide/internal/parallel"
)

// Formats returns every format of this package, native first, in the order
// FormatByName lists their names.
func Formats() []Format {
	return []Format{Native, Goose, GolangMigrate, Dbmate, Flyway, Prisma}
}

// FormatByName returns the format named name ("native", "goose",
// "golang-migrate", "dbmate", "flyway" or "prisma"; case-insensitive), with
// its default settings.
func FormatByName(name string) (Format, error) {
	var names []string
	for _, f := range Formats() {
		if strings.EqualFold(f.Name(), name) {
			return f, nil
		}
		names = append(names, f.Name())
	}
	return nil, fmt.Errorf("unknown migration format %q (valid: %s)", name, strings.Join(names, ", "))
}

// detectLines is how many lines of each file Detect reads for markers.
const detectLines = 200

// goGooseName matches the file names of goose Go migrations.
var goGooseName = regexp.MustCompile(`^[0-9]+_.*\.go$`)

// Detect returns the format of the migrations folder fsys, from the file
// names and the markers in the first lines of the files:
//
//   - native: "-- +tide" markers (also in R__<name>.sql files)
//   - goose: "-- +goose" annotations, or Go migrations importing goose
//   - golang-migrate: <version>_<name>.up.sql or .down.sql files
//   - dbmate: "-- migrate:up" or "-- migrate:down" markers
//   - flyway: V<version>__, U<version>__, B<version>__ or R__ files, in any
//     subfolder (an R__ file with "-- +tide" markers is native)
//   - prisma: migration_lock.toml, or <version>_<name>/migration.sql folders
//
// It returns [Native] when nothing matches (an empty folder, or files
// without markers, which Native then reports). When the files match several
// formats, it returns an error that names them, each with a file that
// matched, and asks for --format.
func Detect(fsys fs.FS) (Format, error) {
	evidence := map[string]string{} // format name -> first file that matched
	note := func(format, file string) {
		if _, ok := evidence[format]; !ok {
			evidence[format] = file
		}
	}
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, fmt.Errorf("read migrations directory: %w", err)
	}
	// The markers of thousands of files: read them at once, look for
	// markers on every processor.
	var sqlNames []string
	sqlAt := map[string]int{}
	for _, e := range entries {
		if name := e.Name(); !e.IsDir() && strings.EqualFold(path.Ext(name), ".sql") {
			sqlAt[name] = len(sqlNames)
			sqlNames = append(sqlNames, name)
		}
	}
	sqlHeads, headErrs := heads(fsys, sqlNames)
	sqlFormats := make([][]string, len(sqlNames))
	parallel.For(len(sqlNames), func(i int) { sqlFormats[i] = detectSQLFile(sqlNames[i], sqlHeads[i], headErrs[i]) })
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() {
			if detectPrismaDir(fsys, name) {
				note("prisma", path.Join(name, prismaFile))
				continue
			}
			if f := findFlywayFile(fsys, name); f != "" {
				note("flyway", f)
			}
			continue
		}
		switch {
		case name == "migration_lock.toml":
			note("prisma", name)
		case goGooseName.MatchString(name) && !strings.HasSuffix(name, "_test.go"):
			if head, err := readHead(fsys, name); err == nil && bytes.Contains(head, []byte("github.com/pressly/goose")) {
				note("goose", name)
			}
		case strings.EqualFold(path.Ext(name), ".sql"):
			for _, format := range sqlFormats[sqlAt[name]] {
				note(format, name)
			}
		}
	}
	var candidates []string
	for _, f := range Formats() {
		if file, ok := evidence[f.Name()]; ok {
			candidates = append(candidates, fmt.Sprintf("%s (%s)", f.Name(), file))
		}
	}
	switch len(candidates) {
	case 0:
		return Native, nil
	case 1:
		for _, f := range Formats() {
			if _, ok := evidence[f.Name()]; ok {
				return f, nil
			}
		}
	}
	return nil, fmt.Errorf("the migrations folder matches several formats: %s; pass --format to choose one", strings.Join(candidates, ", "))
}

// detectSQLFile returns the formats that a .sql file at the root matches,
// by its name and the markers in its first lines, head (or err, when it
// could not be read).
func detectSQLFile(name string, head []byte, err error) []string {
	var formats []string
	if golangMigrateName.MatchString(name) {
		formats = append(formats, "golang-migrate")
	}
	if err != nil {
		return formats
	}
	var native, goose, dbmate bool
	for rest := head; len(rest) > 0; {
		line := rest
		if i := bytes.IndexByte(rest, '\n'); i >= 0 {
			line, rest = rest[:i], rest[i+1:]
		} else {
			rest = nil
		}
		if !bytes.Contains(line, []byte("--")) {
			continue // no marker: most lines
		}
		text := string(line)
		if _, ok := ParseMarker(text, NativePrefix); ok {
			native = true
		}
		if _, ok := ParseMarker(text, GoosePrefix); ok {
			goose = true
		}
		if m, ok := ParseMarker(text, DbmatePrefix); ok && (m.Name == "up" || m.Name == "down") {
			dbmate = true
		}
	}
	if f, ok, _ := parseFlywayName(name); ok && !(f.kind == 'R' && native) {
		formats = append(formats, "flyway")
	}
	for _, m := range []struct {
		format string
		found  bool
	}{{"native", native}, {"goose", goose}, {"dbmate", dbmate}} {
		if m.found {
			formats = append(formats, m.format)
		}
	}
	return formats
}

// heads returns the first detectLines lines (at most 64 KiB) of each of
// the files names, or the error of each.
func heads(fsys fs.FS, names []string) ([][]byte, []error) {
	if _, ok := fsys.(ReadFilesFS); ok {
		// A Cached folder: the whole file now is no read later.
		contents, errs := readMany(fsys, names)
		for i := range contents {
			contents[i] = firstLines(contents[i])
		}
		return contents, errs
	}
	out := make([][]byte, len(names))
	errs := make([]error, len(names))
	parallel.For(len(names), func(i int) { out[i], errs[i] = readHead(fsys, names[i]) })
	return out, errs
}

// readHead returns the first detectLines lines of a file (at most 64 KiB).
func readHead(fsys fs.FS, name string) ([]byte, error) {
	var head []byte
	if rf, ok := fsys.(fs.ReadFileFS); ok {
		// A Cached folder: the whole file now is no read later.
		b, err := rf.ReadFile(name)
		if err != nil {
			return nil, err
		}
		head = b
	} else {
		f, err := fsys.Open(name)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		if head, err = io.ReadAll(io.LimitReader(f, 64<<10)); err != nil {
			return nil, err
		}
	}
	return firstLines(head), nil
}

// firstLines returns the first detectLines lines of b, and at most 64 KiB.
func firstLines(b []byte) []byte {
	b = b[:min(len(b), 64<<10)]
	if i := nthIndex(b, '\n', detectLines); i >= 0 {
		b = b[:i]
	}
	return b
}

// nthIndex returns the index of the n-th c in b, or -1.
func nthIndex(b []byte, c byte, n int) int {
	off := 0
	for ; n > 0; n-- {
		i := bytes.IndexByte(b[off:], c)
		if i < 0 {
			return -1
		}
		off += i + 1
	}
	return off - 1
}

// detectPrismaDir reports whether dir is a Prisma migration folder.
func detectPrismaDir(fsys fs.FS, dir string) bool {
	if !prismaDir.MatchString(dir) {
		return false
	}
	_, err := fs.Stat(fsys, path.Join(dir, prismaFile))
	return err == nil
}

// findFlywayFile returns the first Flyway migration file under dir, or "".
func findFlywayFile(fsys fs.FS, dir string) string {
	var found string
	_ = fs.WalkDir(fsys, dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil // unreadable folders are skipped
		}
		if _, ok, _ := parseFlywayName(d.Name()); ok {
			found = p
			return fs.SkipAll
		}
		return nil
	})
	return found
}
