package migration

import (
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strconv"
	"strings"

	"github.com/tidemigrate/tide/dialect"
	"github.com/tidemigrate/tide/internal/parallel"
	"github.com/tidemigrate/tide/internal/sqlsplit"
)

// Splitter splits SQL into statements by one database's rules. Every
// dialect value (postgres.New(), ...) is one.
type Splitter interface {
	Name() string
	Split(script string) ([]Statement, error)
}

// Reader reads the migration files of a folder. Every format of package
// source is one.
type Reader interface {
	Read(fsys fs.FS) ([]File, error)
}

// NoTransactionMarker is implemented by formats whose files can ask to run
// outside a transaction; the answer goes into the message that asks for
// it.
type NoTransactionMarker interface {
	// NoTransactionMarker says how a file of the format asks to run
	// outside a transaction, e.g. `add the line "-- +tide no-transaction"
	// before "-- +tide up"`.
	NoTransactionMarker() string
}

// NoTransactionDetector is implemented by formats whose tool runs a
// migration outside a transaction by itself when a statement cannot run in
// one (Flyway; golang-migrate, which never opens one).
type NoTransactionDetector interface {
	DetectsNoTransaction() bool
}

// Set is the migrations of one folder (and any Go migrations), checked,
// split and checksummed once; it needs no database. A Set is immutable and
// safe for concurrent use: share it between migrators, linters and
// tenants.
type Set struct {
	dialect    string
	versioned  []Migration // sorted by version
	repeatable []Migration // sorted by name
}

// Load reads the migrations of fsys with format r and splits them with
// s. Every file is read before anything can run: if any is bad, Load
// returns every problem, joined, each a *[ParseError] naming the file and
// line.
func Load(fsys fs.FS, s Splitter, r Reader) (*Set, error) {
	files, err := r.Read(fsys)
	// A reader reports duplicate versions itself: then only the splitting
	// of the files it returned can add problems.
	set, cerr := compileSet(files, s, r, err == nil)
	if err := errors.Join(err, cerr); err != nil {
		return nil, err
	}
	return set, nil
}

// Compile splits the sections of files into statements with s and
// returns their set. It returns every problem, joined.
func Compile(files []File, s Splitter) (*Set, error) {
	return compileSet(files, s, nil, true)
}

func compileSet(files []File, s Splitter, r Reader, unique bool) (*Set, error) {
	set := &Set{dialect: s.Name()}
	// Splitting and checksumming thousands of files: spread it over the
	// processors, keeping the files' order.
	migs := make([]Migration, len(files))
	cerrs := make([]error, len(files))
	parallel.For(len(files), func(i int) { migs[i], cerrs[i] = compile(files[i], s, r) })
	var errs []error
	set.versioned = migs[:0] // in place: each is read before its slot is written
	for i, m := range migs {
		switch {
		case cerrs[i] != nil:
			errs = append(errs, cerrs[i])
		case m.Repeatable:
			set.repeatable = append(set.repeatable, m)
		default:
			set.versioned = append(set.versioned, m)
		}
	}
	set.sort()
	if unique {
		errs = append(errs, set.checkUnique())
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return set, nil
}

// With returns a new set with migs added (migrations written in Go, say).
// A version used twice is an error.
func (s *Set) With(migs ...Migration) (*Set, error) {
	n := &Set{dialect: s.dialect, versioned: slices.Clone(s.versioned), repeatable: slices.Clone(s.repeatable)}
	for _, m := range migs {
		if m.Repeatable {
			n.repeatable = append(n.repeatable, m)
		} else {
			n.versioned = append(n.versioned, m)
		}
	}
	n.sort()
	if err := n.checkUnique(); err != nil {
		return nil, err
	}
	return n, nil
}

// Empty returns a set without migrations, for the dialect of s, to which
// [Set.With] adds Go migrations.
func Empty(s Splitter) *Set { return &Set{dialect: s.Name()} }

func (s *Set) sort() {
	byVersion := func(a, b Migration) int { return a.Version.Compare(b.Version) }
	if !slices.IsSortedFunc(s.versioned, byVersion) { // as every format returns them
		slices.SortStableFunc(s.versioned, byVersion)
	}
	slices.SortStableFunc(s.repeatable, func(a, b Migration) int { return strings.Compare(a.Name, b.Name) })
}

// checkUnique reports versions (and repeatable names) used twice.
func (s *Set) checkUnique() error {
	var errs []error
	for i := 1; i < len(s.versioned); i++ {
		if a, b := s.versioned[i-1], s.versioned[i]; a.Version == b.Version {
			errs = append(errs, &ParseError{Path: b.Source(), Msg: fmt.Sprintf("version %s is also used by %s: versions must be unique", b.Version, a.Source())})
		}
	}
	for i := 1; i < len(s.repeatable); i++ {
		if a, b := s.repeatable[i-1], s.repeatable[i]; a.Name == b.Name {
			errs = append(errs, &ParseError{Path: b.Source(), Msg: fmt.Sprintf("repeatable migration %s is also defined by %s: names must be unique", b.Name, a.Source())})
		}
	}
	return errors.Join(errs...)
}

// Dialect names the database whose rules split the statements.
func (s *Set) Dialect() string { return s.dialect }

// Len returns the number of migrations.
func (s *Set) Len() int { return len(s.versioned) + len(s.repeatable) }

// Versioned returns the versioned migrations, sorted by version. The slice
// is the set's own: do not modify it.
func (s *Set) Versioned() []Migration { return s.versioned }

// Repeatable returns the repeatable migrations, sorted by name. The slice
// is the set's own: do not modify it.
func (s *Set) Repeatable() []Migration { return s.repeatable }

// All returns every migration: the versioned ones by version, then the
// repeatable ones by name, in a new slice.
func (s *Set) All() []Migration { return slices.Concat(s.versioned, s.repeatable) }

// Find returns the versioned migration with version v.
func (s *Set) Find(v Version) (*Migration, bool) {
	i, ok := slices.BinarySearchFunc(s.versioned, v, func(m Migration, v Version) int { return m.Version.Compare(v) })
	if !ok {
		return nil, false
	}
	return &s.versioned[i], true
}

// Lookup returns the migration whose version-table key is key: a version,
// or R__<name> for a repeatable migration.
func (s *Set) Lookup(key string) (*Migration, bool) {
	if name, ok := strings.CutPrefix(key, RepeatablePrefix); ok {
		i, found := slices.BinarySearchFunc(s.repeatable, name, func(m Migration, n string) int { return strings.Compare(m.Name, n) })
		if !found {
			return nil, false
		}
		return &s.repeatable[i], true
	}
	v, err := ParseVersion(key)
	if err != nil {
		return nil, false
	}
	return s.Find(v)
}

// compile splits the sections of one file and checks that its statements
// can run as the migration is marked (in a transaction or not).
func compile(f File, s Splitter, r Reader) (Migration, error) {
	m := Migration{
		Version: f.Version, Name: f.Name, Path: f.Path,
		NoTransaction: f.NoTransaction, Reversible: f.Down != nil, Repeatable: f.Repeatable,
		Backup: f.Backup,
	}
	var err error
	if m.Up, err = split(f.Up, s); err != nil {
		return Migration{}, err
	}
	if f.Down != nil {
		if m.Down, err = split(*f.Down, s); err != nil {
			return Migration{}, err
		}
	}
	if err := checkTransaction(&m, s, r); err != nil {
		return Migration{}, err
	}
	if m.Checks, err = compileChecks(f, s); err != nil {
		return Migration{}, err
	}
	m.Checksum = Checksum(m)
	return m, nil
}

// checkTransaction refuses, in a migration that runs in a transaction,
// statements that control the transaction (tide commits each migration
// with its record) and statements the database cannot run in one, unless
// the format's tool runs such a migration outside a transaction by itself:
// then so does tide.
func checkTransaction(m *Migration, s Splitter, r Reader) error {
	if m.NoTransaction {
		return nil
	}
	marker := `mark the migration to run outside a transaction`
	if nm, ok := r.(NoTransactionMarker); ok {
		marker = nm.NoTransactionMarker()
	}
	detector, _ := s.(dialect.NoTransactionDetector)
	auto := false
	if d, ok := r.(NoTransactionDetector); ok {
		auto = d.DetectsNoTransaction()
	}
	for _, stmts := range [][]Statement{m.Up, m.Down} {
		for _, st := range stmts {
			switch {
			case dialect.IsTransactionControl(st.SQL):
				return &ParseError{Path: m.Path, Line: st.Line, Msg: fmt.Sprintf(
					"%s controls the transaction that tide runs this migration in (tide commits each migration with its record): remove it, or, to manage transactions yourself, %s",
					firstWords(st.SQL), marker)}
			case detector != nil && detector.NeedsNoTransaction(st.SQL):
				if auto {
					m.NoTransaction = true
					continue
				}
				return &ParseError{Path: m.Path, Line: st.Line, Msg: fmt.Sprintf(
					"%s cannot run inside a transaction: %s (it then runs statement by statement, each recorded)",
					firstWords(st.SQL), marker)}
			}
		}
	}
	return nil
}

// firstWords quotes the start of a statement for a message: its first
// line, cut at 60 characters.
func firstWords(sql string) string {
	line, _, _ := strings.Cut(sql, "\n")
	if r := []rune(line); len(r) > 60 {
		line = string(r[:57]) + "..."
	}
	return strconv.Quote(line)
}

// split splits a section, unless its format fixed the statements, and
// gives each statement its line in the file.
func split(sec Section, s Splitter) ([]Statement, error) {
	if i := strings.IndexByte(sec.SQL, 0); i >= 0 {
		return nil, &ParseError{Path: sec.Path, Line: sec.Line + strings.Count(sec.SQL[:i], "\n"),
			Msg: "NUL byte in the SQL: the file is binary or damaged (no database reads past it safely); remove it"}
	}
	if sec.Statements != nil {
		return slices.Clone(sec.Statements), nil
	}
	stmts, err := s.Split(sec.SQL)
	if err != nil {
		if serr, ok := errors.AsType[*sqlsplit.Error](err); ok {
			return nil, &ParseError{Path: sec.Path, Line: sec.Line + serr.Line - 1, Msg: serr.Msg}
		}
		return nil, &ParseError{Path: sec.Path, Line: sec.Line, Msg: err.Error()}
	}
	for i := range stmts {
		stmts[i].Line = sec.Line + stmts[i].Line - 1
	}
	return stmts, nil
}

var _ Splitter = dialect.Dialect(nil)
