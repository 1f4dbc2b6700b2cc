package source

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing/fstest"

	"github.com/tidemigrate/tide/migration"
)

// Files writes migs as golang-migrate files for any database tide
// supports: FilesFor without a Splitter, and without its notes.
func (f golangMigrateFormat) Files(migs []migration.File) (map[string][]byte, error) {
	files, _, err := f.FilesFor(nil, migs)
	return files, err
}

// gmPart is one golang-migrate migration written for a migration: the
// whole of it, or one part of a no-transaction migration (see
// [GolangMigrate]).
type gmPart struct {
	version migration.Version
	up      []string // the statements expected back: nil when compared as text
	down    []string
	hasDown bool
}

// gmWritten is what the files hold for one migration.
type gmWritten struct {
	m     migration.File
	parts []gmPart // nil: one migration, compared as it is
	// byStatements compares a migration written whole by its statements
	// rather than its text.
	byStatements bool
}

// gmSectionText returns the text of a golang-migrate file for sec: sec as
// it is, unless the mysql client's DELIMITER commands come between its
// statements (golang-migrate sends a file to the server as one exec, and
// only the mysql client reads them): then its statements, split by ss
// (which must agree), each ending with ";". stmts reports the second case.
func gmSectionText(sec migration.Section, ss []migration.Splitter) (text string, stmts bool, err error) {
	text = sectionText(sectionSQL(sec))
	if sec.Statements != nil {
		return text, false, nil
	}
	splits, err := splitEach(sec.SQL, ss)
	if err != nil {
		return text, false, nil // tide reports it when it loads the folder
	}
	client := false
	for _, sp := range splits {
		client = client || clientDelimiter(sec.SQL, sp.stmts)
	}
	if !client {
		return text, false, nil
	}
	all, err := agreed(splits)
	if err != nil {
		return "", false, fmt.Errorf("it holds the mysql client's DELIMITER commands, which golang-migrate would send to the server, so its statements must be written apart, but %w", err)
	}
	var b strings.Builder
	for i, st := range all {
		if i > 0 {
			b.WriteString("\n")
		}
		b.WriteString(statementText(st.SQL) + ";\n")
	}
	return b.String(), true, nil
}

// clientDelimiter reports whether a DELIMITER command comes between the
// statements split from text.
func clientDelimiter(text string, stmts []migration.Statement) bool {
	prev := 0
	for _, st := range stmts {
		if strings.Contains(strings.ToLower(text[prev:st.Offset]), "delimiter") {
			return true
		}
		prev = st.Offset + len(st.SQL)
	}
	return strings.Contains(strings.ToLower(text[prev:]), "delimiter")
}

// FilesFor writes migs as <version>_<name>.up.sql files, and .down.sql
// files for the migrations with a down section. A section with the mysql
// client's DELIMITER commands is written as its statements, each ending
// with ";": golang-migrate sends a file to the server, which does not read
// them. A no-transaction
// migration is written with one statement per section, split by s (nil:
// every database tide supports, which must agree), into several
// migrations if needed; see [GolangMigrate]. The notes name each migration
// written as several.
func (f golangMigrateFormat) FilesFor(s migration.Splitter, migs []migration.File) (map[string][]byte, []string, error) {
	ss := splitters(s)
	sorted := slices.Clone(migs)
	slices.SortStableFunc(sorted, func(a, b migration.File) int { return a.Version.Compare(b.Version) })
	files := make(map[string][]byte, 2*len(migs))
	var written []gmWritten
	var notes []string
	var errs []error
	for i, m := range sorted {
		v, err := integerVersion(m, "golang-migrate", maxUint64)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		base := v + "_" + m.Name
		whole := func() {
			up, upStmts, err := gmSectionText(m.Up, ss)
			if err != nil {
				errs = append(errs, writeErrorf(m, "golang-migrate", "up section: %v", err))
				return
			}
			files[base+".up.sql"] = []byte(up)
			rewritten := upStmts
			if m.Down != nil {
				down, downStmts, err := gmSectionText(*m.Down, ss)
				if err != nil {
					delete(files, base+".up.sql")
					errs = append(errs, writeErrorf(m, "golang-migrate", "down section: %v", err))
					return
				}
				files[base+".down.sql"] = []byte(down)
				rewritten = rewritten || downStmts
			}
			written = append(written, gmWritten{m: m, byStatements: rewritten || m.NoTransaction})
		}
		if !m.NoTransaction {
			whole()
			continue
		}
		up, err := sectionStatements(m.Up, ss)
		if err != nil {
			errs = append(errs, writeErrorf(m, "golang-migrate", "it runs outside a transaction, so each of its statements needs a file of its own, but in its up section %v", err))
			continue
		}
		var down []migration.Statement
		if m.Down != nil {
			if down, err = sectionStatements(*m.Down, ss); err != nil {
				errs = append(errs, writeErrorf(m, "golang-migrate", "it runs outside a transaction, so each of its statements needs a file of its own, but in its down section %v", err))
				continue
			}
		}
		if len(up) <= 1 && len(down) <= 1 {
			whole() // golang-migrate runs a single statement as tide does
			continue
		}
		n := max(len(up), len(down))
		var next *migration.File
		if i+1 < len(sorted) {
			next = &sorted[i+1]
		}
		versions, err := partVersions(m, v, n, next)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		w := gmWritten{m: m}
		for k := range n {
			name := m.Name
			if k > 0 {
				name = fmt.Sprintf("%s_part%d", m.Name, k+1)
			}
			part := gmPart{version: migration.MustParseVersion(versions[k]), hasDown: m.Down != nil}
			pbase := versions[k] + "_" + name
			if k < len(up) {
				sql := statementText(up[k].SQL)
				files[pbase+".up.sql"] = []byte(sql + ";\n")
				part.up = []string{sql}
			}
			if j := n - 1 - k; m.Down != nil && j < len(down) {
				sql := statementText(down[j].SQL)
				files[pbase+".down.sql"] = []byte(sql + ";\n")
				part.down = []string{sql}
			}
			w.parts = append(w.parts, part)
		}
		written = append(written, w)
		notes = append(notes, fmt.Sprintf("%s runs outside a transaction and has %d up and %d down statements: written as %d golang-migrate migrations, %s to %s, "+
			"one statement per file, since golang-migrate runs a file as one exec; for golang-migrate, a database that tide migrated past %s is at version %s",
			migrationLabel(m), len(up), len(down), n, versions[0], versions[n-1], v, versions[n-1]))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, nil, err
	}
	if err := checkGolangMigrate(files, written, ss); err != nil {
		return nil, nil, err
	}
	return files, notes, nil
}

// partVersions returns the n versions of the parts of m, whose version is
// written v: v, v+1, ... with v's zero padding. They must stay below the
// next migration's version.
func partVersions(m migration.File, v string, n int, next *migration.File) ([]string, error) {
	first, err := strconv.ParseUint(v, 10, 64)
	if err != nil || uint64(n-1) > math.MaxUint64-first {
		return nil, writeErrorf(m, "golang-migrate", "it runs outside a transaction and needs %d versions from %s, one per statement, beyond golang-migrate's largest version", n, v)
	}
	versions := make([]string, n)
	for k := range n {
		text := strconv.FormatUint(first+uint64(k), 10)
		if len(text) < len(v) {
			text = strings.Repeat("0", len(v)-len(text)) + text
		}
		versions[k] = text
	}
	if next != nil && migration.MustParseVersion(versions[n-1]).Compare(next.Version) >= 0 {
		return nil, writeErrorf(m, "golang-migrate",
			"it runs outside a transaction and has several statements, and golang-migrate runs a file as one exec, so it needs one migration per statement, versions %s to %s, "+
				"but the next migration is %s: renumber the migrations to make room (a database that applied them then needs its history edited), "+
				"or split this one into one-statement migrations in the folder first", versions[0], versions[n-1], next.Version)
	}
	return versions, nil
}

// checkGolangMigrate reads files back and reports every migration that
// would not come back as written: the migrations written whole as
// [checkWritten] checks them (a no-transaction one may come back without
// its flag, as these files cannot mark it), the parts of the others with
// the statements they were given, in order.
func checkGolangMigrate(files map[string][]byte, written []gmWritten, ss []migration.Splitter) error {
	fsys := make(fstest.MapFS, len(files))
	for name, content := range files {
		fsys[name] = &fstest.MapFile{Data: content, Mode: 0o644}
	}
	back, err := GolangMigrate.Read(fsys)
	if err != nil {
		return fmt.Errorf("the golang-migrate files would not read back: %w", err)
	}
	byVersion := make(map[migration.Version]migration.File, len(back))
	for _, m := range back {
		byVersion[m.Version] = m
	}
	var errs []error
	count := 0
	for _, w := range written {
		m := w.m
		if w.parts == nil {
			count++
			got, ok := byVersion[m.Version]
			if !ok {
				errs = append(errs, writeErrorf(m, "golang-migrate", "it does not read back"))
				continue
			}
			var splitBy []migration.Splitter
			if w.byStatements {
				splitBy = ss
			}
			if m.NoTransaction {
				got.NoTransaction = true // golang-migrate cannot mark it; a single statement runs the same
			}
			if diff := migrationDiff(m, got, splitBy); diff != "" {
				errs = append(errs, writeErrorf(m, "golang-migrate", "it would read back changed: %s", diff))
			}
			continue
		}
		var ups, downs []string
		for k, p := range w.parts {
			count++
			got, ok := byVersion[p.version]
			if !ok {
				errs = append(errs, writeErrorf(m, "golang-migrate", "its part %d, version %s, does not read back", k+1, p.version))
				continue
			}
			up, err := sectionStatements(got.Up, ss)
			if err != nil || !slices.Equal(statementTexts(up), p.up) {
				errs = append(errs, writeErrorf(m, "golang-migrate", "its part %d, version %s, would read back changed", k+1, p.version))
				continue
			}
			ups = append(ups, p.up...)
			if got.Down == nil {
				continue
			}
			down, err := sectionStatements(*got.Down, ss)
			if err != nil || !slices.Equal(statementTexts(down), p.down) {
				errs = append(errs, writeErrorf(m, "golang-migrate", "its part %d, version %s, would read back changed", k+1, p.version))
				continue
			}
			downs = append(p.down, downs...) // reverted from the last part
		}
		wantUp, _ := sectionStatements(m.Up, ss)
		var wantDown []migration.Statement
		if m.Down != nil {
			wantDown, _ = sectionStatements(*m.Down, ss)
		}
		if !slices.Equal(ups, statementTexts(wantUp)) || !slices.Equal(downs, statementTexts(wantDown)) {
			errs = append(errs, writeErrorf(m, "golang-migrate", "its parts would not run its statements in order"))
		}
	}
	if len(back) != count && len(errs) == 0 {
		errs = append(errs, fmt.Errorf("the golang-migrate files hold %d migrations instead of %d", len(back), count))
	}
	return errors.Join(errs...)
}

// statementTexts returns the SQL of each statement, without a final ";".
func statementTexts(stmts []migration.Statement) []string {
	out := make([]string, len(stmts))
	for i, st := range stmts {
		out[i] = statementText(st.SQL)
	}
	return out
}

// statementText returns sql trimmed, without the final ";" that a
// statement fixed by a goose block keeps, to be written with one.
func statementText(sql string) string {
	return strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(sql), ";"))
}
