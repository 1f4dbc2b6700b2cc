package migration

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/tidemigrate/tide/dialect"
)

// Check is one data check of a migration: a query that must return no
// rows, or one row whose single value is true. Checks run after the up
// statements, inside the migration's transaction where the database
// allows it, so that a failing check rolls the migration back; tide check
// runs those of applied migrations again. A plain check is a query
// written below a "-- +tide check" marker line; a helper is named on the
// marker line ("-- +tide check not-null users.email") and tide writes its
// query for the database.
//
// Checks belong to the up direction only: they verify the state a
// migration establishes, which is also what tide check verifies after a
// deploy.
type Check struct {
	Path string // the file that holds the check
	// Line is the line of Path on which a plain check's query starts, or
	// a helper's marker line.
	Line   int
	SQL    string // a plain check's query; "" for a helper
	Helper Helper // nil for a plain check
}

// String describes the check for people: its helper as written
// canonically ("rows-equal old_users users"), or the start of a plain
// check's query on one line ("SELECT id FROM users WHERE email IS NULL").
func (c Check) String() string {
	if c.Helper != nil {
		return c.Helper.String()
	}
	s := strings.Join(strings.Fields(skipComments(c.SQL)), " ")
	if r := []rune(s); len(r) > 60 {
		s = string(r[:57]) + "..."
	}
	return s
}

// canonical is the check's text in the migration's checksum.
func (c Check) canonical() string {
	if c.Helper != nil {
		return "helper " + c.Helper.String()
	}
	return "query " + c.SQL
}

// CheckSection is one "-- +tide check" section of a file: the helper named
// on its marker line, or the queries below it.
type CheckSection struct {
	// Section is the SQL below the marker (its Line, the line after the
	// marker): each statement is one check; none for a helper.
	Section
	Marker int    // the line of the marker
	Helper Helper // nil for a plain section
}

// compileChecks splits the check sections of f into checks: one per query
// of a plain section, one per helper. A plain section must hold queries
// only; a helper's section, none.
func compileChecks(f File, s Splitter) ([]Check, error) {
	var checks []Check
	for _, cs := range f.Checks {
		stmts, err := split(cs.Section, s)
		if err != nil {
			return nil, err
		}
		path := cs.Path
		if path == "" {
			path = f.Path
		}
		if cs.Helper != nil {
			if len(stmts) > 0 {
				return nil, &ParseError{Path: path, Line: stmts[0].Line, Msg: fmt.Sprintf(
					"SQL below the check %q of line %d, which writes its own query: put this query in a plain \"-- +tide check\" section of its own",
					cs.Helper.String(), cs.Marker)}
			}
			checks = append(checks, Check{Path: path, Line: cs.Marker, Helper: cs.Helper})
			continue
		}
		if len(stmts) == 0 {
			return nil, &ParseError{Path: path, Line: cs.Marker, Msg: "empty check section: write below \"-- +tide check\" a query that returns the offending rows (none when all is well), or name a helper on the marker line, such as \"-- +tide check not-null users.email\""}
		}
		for _, st := range stmts {
			if !isQuery(st.SQL) {
				return nil, &ParseError{Path: path, Line: st.Line, Msg: fmt.Sprintf(
					"%s in a check section is not a query: a check is a SELECT (or WITH, VALUES, TABLE) that returns the offending rows; statements that change data belong in the up section",
					firstWords(st.SQL))}
			}
			checks = append(checks, Check{Path: path, Line: st.Line, SQL: st.SQL})
		}
	}
	return checks, nil
}

// isQuery reports whether stmt reads: it starts with SELECT, WITH, VALUES
// or TABLE, or with a parenthesis ((SELECT ...) UNION ...).
func isQuery(stmt string) bool {
	kw := dialect.FirstKeywords(stmt, 1)
	if len(kw) == 0 {
		return strings.HasPrefix(skipComments(stmt), "(")
	}
	switch kw[0] {
	case "SELECT", "WITH", "VALUES", "TABLE":
		return true
	}
	return false
}

// skipComments drops leading white space and "--" and "/* */" comments.
func skipComments(s string) string {
	for {
		s = strings.TrimLeft(s, " \t\r\n\f\v")
		switch {
		case strings.HasPrefix(s, "--"):
			_, rest, ok := strings.Cut(s, "\n")
			if !ok {
				return ""
			}
			s = rest
		case strings.HasPrefix(s, "/*"):
			_, rest, ok := strings.Cut(s[2:], "*/")
			if !ok {
				return ""
			}
			s = rest
		default:
			return s
		}
	}
}

// Helper is a check that tide writes for the database from a line such as
// "rows-equal old_users users": one of [RowsEqual], [NoOrphans], [NotNull]
// and [Exists]. Names in helpers are matched exactly as the database
// stores them (PostgreSQL stores unquoted names in lower case).
type Helper interface {
	// Kind is the helper's name on the marker line: "rows-equal".
	Kind() string
	// String is the helper's line, canonical: the same helper always
	// reads the same (it is part of the migration's checksum).
	String() string
}

// The helpers' names, as written on the marker line.
const (
	RowsEqualName = "rows-equal"
	NoOrphansName = "no-orphans"
	NotNullName   = "not-null"
	ExistsName    = "exists"
)

// Name is a possibly qualified identifier, as its parts: ["app", "users"]
// for app.users. A part holds no dot.
type Name []string

// String writes the name as a helper takes it, each part double-quoted
// where it is not a plain word.
func (n Name) String() string {
	parts := make([]string, len(n))
	for i, p := range n {
		parts[i] = quotePart(p)
	}
	return strings.Join(parts, ".")
}

// Dotted joins the parts with dots, as dialects take a qualified name
// ([dialect.Syntax.QuoteIdent] quotes each part).
func (n Name) Dotted() string { return strings.Join(n, ".") }

// Last returns the last part: the object's own name.
func (n Name) Last() string { return n[len(n)-1] }

// Columns names columns of one table: users.email, or users(a, b).
type Columns struct {
	Table   Name
	Columns []string
}

// String writes t.c for one column and t(a, b) for several.
func (c Columns) String() string {
	if len(c.Columns) == 1 {
		return c.Table.String() + "." + quotePart(c.Columns[0])
	}
	cols := make([]string, len(c.Columns))
	for i, col := range c.Columns {
		cols[i] = quotePart(col)
	}
	return c.Table.String() + "(" + strings.Join(cols, ", ") + ")"
}

// Tolerance is how far two row counts may differ: Rows rows, or PPM parts
// per million of the larger count (tolerance=0.5% is PPM 5000). At most
// one is set; both zero: the counts must be equal.
type Tolerance struct {
	Rows int64
	PPM  int64
}

// String writes the tolerance as a helper takes it ("" for none).
func (t Tolerance) String() string {
	switch {
	case t.PPM > 0:
		pct := strconv.FormatInt(t.PPM/10000, 10)
		if frac := t.PPM % 10000; frac != 0 {
			pct += "." + strings.TrimRight(fmt.Sprintf("%04d", frac), "0")
		}
		return "tolerance=" + pct + "%"
	case t.Rows > 0:
		return "tolerance=" + strconv.FormatInt(t.Rows, 10)
	}
	return ""
}

// RowsEqual checks that two tables hold as many rows, within a tolerance:
// "rows-equal old_users users", "rows-equal a b tolerance=10",
// "rows-equal a b tolerance=0.5%".
type RowsEqual struct {
	Left, Right Name
	Tolerance   Tolerance
}

// Kind returns "rows-equal".
func (RowsEqual) Kind() string { return RowsEqualName }

// String returns the helper's canonical line.
func (h RowsEqual) String() string {
	s := RowsEqualName + " " + h.Left.String() + " " + h.Right.String()
	if t := h.Tolerance.String(); t != "" {
		s += " " + t
	}
	return s
}

// NoOrphans checks a foreign key that the database does not enforce: every
// row of the child whose columns are all non-NULL has a parent row with
// equal values: "no-orphans orders.user_id -> users.id",
// "no-orphans items(tenant, order_id) -> orders(tenant, id)".
type NoOrphans struct {
	Child, Parent Columns
}

// Kind returns "no-orphans".
func (NoOrphans) Kind() string { return NoOrphansName }

// String returns the helper's canonical line.
func (h NoOrphans) String() string {
	return NoOrphansName + " " + h.Child.String() + " -> " + h.Parent.String()
}

// NotNull checks that no row holds NULL in the columns: "not-null
// users.email", "not-null users(email, name)".
type NotNull struct {
	Columns Columns
}

// Kind returns "not-null".
func (NotNull) Kind() string { return NotNullName }

// String returns the helper's canonical line.
func (h NotNull) String() string { return NotNullName + " " + h.Columns.String() }

// ObjectKind is what an [Exists] check looks up in the catalog.
type ObjectKind string

// The kinds of object an [Exists] check looks up.
const (
	ObjectTable      ObjectKind = "table"
	ObjectColumn     ObjectKind = "column"
	ObjectIndex      ObjectKind = "index"
	ObjectConstraint ObjectKind = "constraint"
)

// Exists checks, in the database's catalog, that an object exists:
// "exists table users", "exists column users.email", "exists index
// users_email_idx [on users]", "exists constraint orders_user_fk [on
// orders]".
type Exists struct {
	Object ObjectKind
	// Name is the object's name: the table, the column's table and column,
	// the index or the constraint (schema-qualified where the database
	// qualifies it so).
	Name Name
	// Table is the table an index or a constraint must belong to; nil for
	// any.
	Table Name
}

// Kind returns "exists".
func (Exists) Kind() string { return ExistsName }

// String returns the helper's canonical line.
func (h Exists) String() string {
	s := ExistsName + " " + string(h.Object) + " " + h.Name.String()
	if h.Table != nil {
		s += " on " + h.Table.String()
	}
	return s
}

// quotePart double-quotes an identifier part unless it is a plain word
// (letters, digits, _ and $, not starting with a digit or $).
func quotePart(p string) string {
	if isPlainWord(p) {
		return p
	}
	return `"` + strings.ReplaceAll(p, `"`, `""`) + `"`
}

func isPlainWord(p string) bool {
	if p == "" || p[0] >= '0' && p[0] <= '9' || p[0] == '$' {
		return false
	}
	for _, r := range p {
		if !isWordRune(r) {
			return false
		}
	}
	return true
}
