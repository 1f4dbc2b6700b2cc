package source

import (
	"fmt"
	"slices"
	"strings"

	"github.com/tidemigrate/tide/internal/sqlsplit"
	"github.com/tidemigrate/tide/migration"
)

// Writers whose files must say where statements end (goose, and
// golang-migrate for no-transaction migrations) split each section with
// the rules of the database the files are for. When the caller does not
// say which (a nil Splitter), they split with the rules of every database
// tide supports, and use the result only where those agree.

// ruleSplitter splits with one database's rules, as the dialect of that
// database does.
type ruleSplitter struct{ d sqlsplit.Dialect }

func (r ruleSplitter) Name() string { return r.d.String() }

func (r ruleSplitter) Split(script string) ([]migration.Statement, error) {
	return sqlsplit.Split(r.d, script)
}

// splitters returns s, or, when s is nil, the rules of every database tide
// supports.
func splitters(s migration.Splitter) []migration.Splitter {
	if s != nil {
		return []migration.Splitter{s}
	}
	return []migration.Splitter{
		ruleSplitter{sqlsplit.Postgres}, ruleSplitter{sqlsplit.MySQL}, ruleSplitter{sqlsplit.SQLite},
	}
}

// databaseName names a splitter's database for people.
func databaseName(s migration.Splitter) string {
	switch s.Name() {
	case "postgres":
		return "PostgreSQL"
	case "mysql":
		return "MySQL"
	case "sqlite":
		return "SQLite"
	}
	return s.Name()
}

// splitting is how one splitter splits a section.
type splitting struct {
	by    migration.Splitter
	stmts []migration.Statement
}

// splitEach splits text with each of ss. A splitter that cannot split the
// text is left out (its database could not run the migration, so the files
// need not suit it); when none can, the error is the first splitter's.
func splitEach(text string, ss []migration.Splitter) ([]splitting, error) {
	var out []splitting
	var first error
	for _, s := range ss {
		stmts, err := s.Split(text)
		if err != nil {
			if first == nil {
				first = fmt.Errorf("%s cannot split it: %w", databaseName(s), err)
			}
			continue
		}
		out = append(out, splitting{by: s, stmts: stmts})
	}
	if len(out) == 0 {
		return nil, first
	}
	return out, nil
}

// agreed returns the statements on which every splitting agrees, or an
// error that says where they differ and what to do.
func agreed(splits []splitting) ([]migration.Statement, error) {
	same := func(a, b migration.Statement) bool { return a.SQL == b.SQL }
	for _, sp := range splits[1:] {
		if !slices.EqualFunc(sp.stmts, splits[0].stmts, same) {
			var counts []string
			for _, sp := range splits {
				counts = append(counts, fmt.Sprintf("%s %s", databaseName(sp.by), counted(len(sp.stmts), "statement")))
			}
			return nil, fmt.Errorf("the databases tide supports end its statements at different places (%s): "+
				"say which database the files are for (tide convert --database-url URL, which it does not open; "+
				"in a program, source.WithSplitter)", strings.Join(counts, ", "))
		}
	}
	return splits[0].stmts, nil
}

// sectionStatements returns the statements of a section as a writer must
// keep them: its fixed statements, or its SQL split by ss, which must
// agree.
func sectionStatements(sec migration.Section, ss []migration.Splitter) ([]migration.Statement, error) {
	if sec.Statements != nil {
		return sec.Statements, nil
	}
	splits, err := splitEach(sec.SQL, ss)
	if err != nil {
		return nil, err
	}
	return agreed(splits)
}

// counted returns "1 statement" or "n statements".
func counted(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
