package source

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing/fstest"

	"github.com/tidemigrate/tide/migration"
)

// Writer is a [Format] that can also write migrations: tide convert reads
// a folder with one format and writes it with another.
//
// Files returns the files that hold migs in the format, keyed by
// slash-separated path relative to the output folder. The statements must
// stay what they were: Files reads its output back with the same format and
// fails if any migration would change (its version, name, up and down SQL or
// fixed statements, whether it runs in a transaction). It also fails, naming
// the migration, for what the format cannot express: a repeatable migration,
// a dotted version, a down section or no-transaction in a format without
// them. All problems are reported together, joined.
//
// Only formats that fix statement boundaries in the file (goose, with
// StatementBegin and StatementEnd) keep [Section.Statements]; the others
// write [Section.SQL] and leave the split to the dialect, as when tide reads
// them.
//
// Every Format of this package implements Writer; Files is safe for
// concurrent use.
type Writer interface {
	Format
	Files(migs []migration.File) (map[string][]byte, error)
}

// DialectWriter is a [Writer] whose files depend on where the database
// ends statements, because the other tool runs them its own way: goose
// ends a statement at every line-ending ";" (see [GooseFormat.FilesFor]),
// golang-migrate runs each file as one exec, outside any transaction
// (see [GolangMigrate]).
//
// FilesFor is Files for the database whose statement rules s has (every
// dialect value is a [migration.Splitter]); with a nil s it splits with
// the rules of every database tide supports and uses the statements only
// where those agree, failing, with advice, where they do not. Files is
// FilesFor with a nil s. notes are what the user must know about the
// files written, one sentence each, such as a migration written as
// several. FilesFor is safe for concurrent use.
type DialectWriter interface {
	Writer
	FilesFor(s migration.Splitter, migs []migration.File) (files map[string][]byte, notes []string, err error)
}

var _ Writer = nativeFormat{}

// WriteOption is an option of [Write].
type WriteOption func(*writeOptions)

type writeOptions struct {
	splitter migration.Splitter
	notes    func(string)
}

// WithSplitter says which database the files are for, for a
// [DialectWriter]: s is that database's dialect (postgres.New(), ...).
// Without it, such a writer splits with the rules of every database tide
// supports, and fails where they disagree and it must know.
func WithSplitter(s migration.Splitter) WriteOption {
	return func(o *writeOptions) { o.splitter = s }
}

// WithNotes passes fn each note of a [DialectWriter] about the files it
// wrote (see [DialectWriter]), once they are written.
func WithNotes(fn func(note string)) WriteOption {
	return func(o *writeOptions) { o.notes = fn }
}

// Write writes migs into the folder dir in format f (which must be a
// [Writer]), creating dir if needed, and returns the names of the files
// written, slash-separated and relative to dir, sorted. It refuses to
// overwrite: if any file it would write exists, it writes nothing and says
// which.
func Write(dir string, f Format, migs []migration.File, opts ...WriteOption) ([]string, error) {
	var o writeOptions
	for _, opt := range opts {
		opt(&o)
	}
	w, ok := f.(Writer)
	if !ok {
		return nil, fmt.Errorf("format %s cannot write migrations", f.Name())
	}
	if err := refuseChecks(f, migs); err != nil {
		return nil, fmt.Errorf("convert to %s: %w", f.Name(), err)
	}
	var files map[string][]byte
	var notes []string
	var err error
	if dw, ok := w.(DialectWriter); ok {
		files, notes, err = dw.FilesFor(o.splitter, migs)
	} else {
		files, err = w.Files(migs)
	}
	if err != nil {
		return nil, fmt.Errorf("convert to %s: %w", f.Name(), err)
	}
	if err := WriteFiles(dir, files); err != nil {
		return nil, err
	}
	if o.notes != nil {
		for _, n := range notes {
			o.notes(n)
		}
	}
	names := slices.Sorted(maps.Keys(files))
	return names, nil
}

// WriteFiles writes files (slash-separated path relative to dir -> content)
// into dir, creating dir and subfolders as needed. It never overwrites: it
// first checks that none of the files exists and writes nothing if one does;
// each file is then created exclusively.
func WriteFiles(dir string, files map[string][]byte) error {
	names := make([]string, 0, len(files))
	for name := range files {
		if !fs.ValidPath(name) || name == "." {
			return fmt.Errorf("write %s: invalid file name", name)
		}
		names = append(names, name)
	}
	slices.Sort(names)
	var exist []string
	for _, name := range names {
		if _, err := os.Lstat(filepath.Join(dir, filepath.FromSlash(name))); err == nil {
			exist = append(exist, name)
		} else if !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("write %s: %w", name, err)
		}
	}
	if len(exist) > 0 {
		return fmt.Errorf("write %s: refusing to overwrite existing files: %s", dir, strings.Join(exist, ", "))
	}
	for _, name := range names {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return fmt.Errorf("write %s: %w", name, err)
		}
		f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if err != nil {
			return fmt.Errorf("write %s: %w", name, err)
		}
		_, err = f.Write(files[name])
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("write %s: %w", name, err)
		}
	}
	return nil
}

// Files writes migs as native files: <version>_<name>.sql, and
// R__<name>.sql for repeatable migrations. A dotted version keeps its
// segments (Flyway's V1_26__x.sql becomes 1.26_x.sql); version 0 is an
// error.
func (n nativeFormat) Files(migs []migration.File) (map[string][]byte, error) {
	files := make(map[string][]byte, len(migs))
	var errs []error
	for _, m := range migs {
		name := "R__" + m.Name + ".sql"
		if !m.Repeatable {
			v, err := nativeVersion(m)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			name = v + "_" + m.Name + ".sql"
		}
		var b strings.Builder
		if m.NoTransaction {
			b.WriteString("-- +tide no-transaction\n")
		}
		b.WriteString("-- +tide up\n")
		b.WriteString(sectionText(sectionSQL(m.Up)))
		writeNativeChecks(&b, m.Checks)
		if m.Down != nil {
			b.WriteString("\n-- +tide down\n")
			b.WriteString(sectionText(sectionSQL(*m.Down)))
		}
		files[name] = []byte(b.String())
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if err := checkWritten(n, files, migs, nil); err != nil {
		return nil, err
	}
	return files, nil
}

// sectionSQL returns the SQL text of a section for a format that leaves
// the split to the dialect: its text, unless its statements are fixed and
// one of them does not end with ";" (a goose block may leave it out), in
// which case the statements are joined, each ending with ";", so that the
// dialect ends them where they ended.
func sectionSQL(sec migration.Section) string {
	if sec.Statements == nil {
		return sec.SQL
	}
	for _, st := range sec.Statements {
		if !strings.HasSuffix(strings.TrimSpace(st.SQL), ";") {
			var b strings.Builder
			for i, st := range sec.Statements {
				if i > 0 {
					b.WriteString("\n")
				}
				sql := strings.TrimSpace(st.SQL)
				b.WriteString(sql)
				if !strings.HasSuffix(sql, ";") {
					b.WriteString(";")
				}
				b.WriteString("\n")
			}
			return b.String()
		}
	}
	return sec.SQL
}

// sectionText returns sql without its leading empty lines and trailing
// white space, ending with a newline ("" when nothing is left).
func sectionText(sql string) string {
	for {
		line, rest, ok := strings.Cut(sql, "\n")
		if !ok || strings.TrimSpace(line) != "" {
			break
		}
		sql = rest
	}
	sql = strings.TrimRight(sql, " \t\r\n")
	if sql == "" {
		return ""
	}
	return sql + "\n"
}

// writeErrorf returns an error naming the migration that cannot be written
// in format.
func writeErrorf(m migration.File, format, msg string, args ...any) error {
	return fmt.Errorf("%s: cannot write as %s: %s", migrationLabel(m), format, fmt.Sprintf(msg, args...))
}

// migrationLabel names a migration in errors: its version (or repeatable
// name) and the file it came from.
func migrationLabel(m migration.File) string {
	id := m.Version.String() + "_" + m.Name
	if m.Repeatable {
		id = "repeatable " + m.Name
	}
	if m.Path != "" {
		return fmt.Sprintf("migration %s (%s)", id, m.Path)
	}
	return "migration " + id
}

// Largest versions of the formats with fixed-size integer versions.
const (
	maxInt64  = "9223372036854775807"  // goose
	maxUint64 = "18446744073709551615" // golang-migrate
)

// integerVersion returns the version of m for a file name in a format with
// integer versions no larger than limit ("": any). It keeps the zero padding
// of the original file name (00001_x.sql) when it came from one.
func integerVersion(m migration.File, format string, limit string) (string, error) {
	if m.Repeatable {
		return "", writeErrorf(m, format, "%s has no repeatable migrations", format)
	}
	v := m.Version.String()
	if v == "" {
		return "", writeErrorf(m, format, "the migration has no version")
	}
	if strings.Contains(v, ".") {
		return "", writeErrorf(m, format, "version %s has several segments; %s versions are integers", v, format)
	}
	if limit != "" && m.Version.Compare(migration.MustParseVersion(limit)) > 0 {
		return "", writeErrorf(m, format, "version %s is larger than %s allows (%s)", v, format, limit)
	}
	base := strings.TrimLeft(path.Base(m.Path), "VUB")
	digits := base[:len(base)-len(strings.TrimLeft(base, "0123456789"))]
	if pv, err := migration.ParseVersion(digits); err == nil && pv == m.Version {
		return digits, nil
	}
	return v, nil
}

// nativeVersion returns the version of m for a native file name: dotted
// versions are allowed, 0 is not. It keeps the spelling of the original
// file name when it names the same version (00001_x.sql, V1_01__x.sql as
// 1.01), with "." between segments.
func nativeVersion(m migration.File) (string, error) {
	v := m.Version.String()
	switch {
	case v == "":
		return "", writeErrorf(m, "native", "the migration has no version")
	case v == "0":
		return "", writeErrorf(m, "native", "version 0: native versions start at 1; renumber the migration")
	}
	// Flyway writes V1_2__x.sql for version 1.2; native files use dots.
	text := strings.ReplaceAll(flywayVersionText(m), "_", ".")
	if pv, err := migration.ParseVersion(text); err == nil && pv == m.Version {
		return text, nil
	}
	return v, nil
}

// padVersions left-pads the integer versions in vs with zeros to one width,
// for formats that order their files by name (dbmate, Prisma).
func padVersions(vs []string) {
	width := 0
	for _, v := range vs {
		width = max(width, len(v))
	}
	for i, v := range vs {
		vs[i] = strings.Repeat("0", width-len(v)) + v
	}
}

// checkWritten reads files back with f and reports every migration of migs
// that would not come back unchanged. With splitters (ss not nil), a
// section of migs without fixed statements must read back as the same
// statements by the rules of each splitter that can split it, rather than
// as the same text.
func checkWritten(f Format, files map[string][]byte, migs []migration.File, ss []migration.Splitter) error {
	fsys := make(fstest.MapFS, len(files))
	for name, content := range files {
		fsys[name] = &fstest.MapFile{Data: content, Mode: 0o644}
	}
	back, err := f.Read(fsys)
	if err != nil {
		return fmt.Errorf("the %s files would not read back: %w", f.Name(), err)
	}
	type key struct {
		v    migration.Version
		name string
	}
	keyOf := func(m migration.File) key {
		if m.Repeatable {
			return key{name: m.Name}
		}
		return key{v: m.Version}
	}
	byKey := make(map[key]migration.File, len(back))
	for _, m := range back {
		byKey[keyOf(m)] = m
	}
	var errs []error
	for _, m := range migs {
		got, ok := byKey[keyOf(m)]
		if !ok {
			errs = append(errs, writeErrorf(m, f.Name(), "it does not read back"))
			continue
		}
		if diff := migrationDiff(m, got, ss); diff != "" {
			errs = append(errs, writeErrorf(m, f.Name(), "it would read back changed: %s", diff))
		}
	}
	if len(back) != len(migs) && len(errs) == 0 {
		errs = append(errs, fmt.Errorf("the %s files hold %d migrations instead of %d", f.Name(), len(back), len(migs)))
	}
	return errors.Join(errs...)
}

// migrationDiff describes how got differs from want in what runs ("" when
// it does not): name, transaction mode, down section presence, and each
// section's statements or SQL.
func migrationDiff(want, got migration.File, ss []migration.Splitter) string {
	switch {
	case want.Name != got.Name:
		return fmt.Sprintf("name %q instead of %q", got.Name, want.Name)
	case want.Repeatable != got.Repeatable:
		return "repeatable flag lost"
	case want.NoTransaction != got.NoTransaction:
		return "no-transaction flag lost"
	case (want.Down == nil) != (got.Down == nil):
		return "down section lost or added"
	}
	if d := checksDiff(want.Checks, got.Checks); d != "" {
		return d
	}
	if d := sectionDiff(want.Up, got.Up, ss); d != "" {
		return "up section: " + d
	}
	if want.Down != nil {
		if d := sectionDiff(*want.Down, *got.Down, ss); d != "" {
			return "down section: " + d
		}
	}
	return ""
}

// sectionDiff compares the fixed statements of two sections when got has
// them, and their SQL otherwise, ignoring surrounding white space. Leading
// comment lines of fixed statements are ignored: goose drops them. With
// splitters, a want without fixed statements is compared statement by
// statement (see [splitDiff]).
func sectionDiff(want, got migration.Section, ss []migration.Splitter) string {
	if want.Statements == nil && ss != nil {
		return splitDiff(want.SQL, got, ss)
	}
	if got.Statements == nil {
		if want.Statements != nil && len(want.Statements) == 0 && strings.TrimSpace(got.SQL) == "" {
			return ""
		}
		if strings.TrimSpace(sectionSQL(want)) != strings.TrimSpace(got.SQL) {
			return "SQL text changed (a line may read as a marker of the format)"
		}
		return ""
	}
	if want.Statements == nil {
		return "statement boundaries would be fixed by the format's markers"
	}
	if len(want.Statements) != len(got.Statements) {
		return fmt.Sprintf("%d statements instead of %d", len(got.Statements), len(want.Statements))
	}
	for i := range want.Statements {
		if stripLeadingComments(want.Statements[i].SQL) != stripLeadingComments(got.Statements[i].SQL) {
			return fmt.Sprintf("statement %d changed", i+1)
		}
	}
	return ""
}

// splitDiff compares, by the rules of each splitter of ss that can split
// want, its statements with got's: got's fixed statements, exactly (they
// make the checksum), or got's SQL split by the same rules.
func splitDiff(want string, got migration.Section, ss []migration.Splitter) string {
	for _, s := range ss {
		ws, err := s.Split(want)
		if err != nil {
			continue
		}
		gs := got.Statements
		if gs == nil {
			if gs, err = s.Split(got.SQL); err != nil {
				return fmt.Sprintf("%s cannot split it: %v", databaseName(s), err)
			}
		}
		if len(ws) != len(gs) {
			return fmt.Sprintf("%d statements instead of %d (by %s's rules)", len(gs), len(ws), databaseName(s))
		}
		for i := range ws {
			if ws[i].SQL != gs[i].SQL {
				return fmt.Sprintf("statement %d changed (by %s's rules)", i+1, databaseName(s))
			}
		}
	}
	return ""
}

// stripLeadingComments trims s and drops its leading "--" comment lines and
// empty lines.
func stripLeadingComments(s string) string {
	s = strings.TrimSpace(s)
	for strings.HasPrefix(s, "--") {
		_, rest, _ := strings.Cut(s, "\n")
		s = strings.TrimSpace(rest)
	}
	return s
}
