package check

import (
	"strconv"
	"strings"

	"github.com/tidemigrate/tide/dialect"
	"github.com/tidemigrate/tide/migration"
)

// Query returns the SQL that c runs on a database of syntax d: a plain
// check's query, or the query a helper writes, with every identifier
// quoted; "" for an exists helper, which asks the catalog. A helper's
// query reads at most [CountLimit]+1 offending rows.
func Query(d dialect.Syntax, c migration.Check) string {
	switch h := c.Helper.(type) {
	case nil:
		return c.SQL
	case migration.RowsEqual:
		return rowsEqualQuery(d, h)
	case migration.NoOrphans:
		return noOrphansQuery(d, h)
	case migration.NotNull:
		return notNullQuery(d, h)
	}
	return ""
}

// rowsEqualQuery returns one row, the two counts, when they differ by more
// than the tolerance.
func rowsEqualQuery(d dialect.Syntax, h migration.RowsEqual) string {
	var cond string
	switch t := h.Tolerance; {
	case t.PPM > 0:
		diff := "(CASE WHEN l.n > r.n THEN l.n - r.n ELSE r.n - l.n END)"
		larger := "(CASE WHEN l.n > r.n THEN l.n ELSE r.n END)"
		cond = diff + " * 1000000 > " + strconv.FormatInt(t.PPM, 10) + " * " + larger
	case t.Rows > 0:
		n := strconv.FormatInt(t.Rows, 10)
		cond = "l.n - r.n > " + n + " OR r.n - l.n > " + n
	default:
		cond = "l.n <> r.n"
	}
	return "SELECT l.n AS left_rows, r.n AS right_rows FROM (SELECT COUNT(*) AS n FROM " + d.QuoteIdent(h.Left.Dotted()) +
		") AS l CROSS JOIN (SELECT COUNT(*) AS n FROM " + d.QuoteIdent(h.Right.Dotted()) + ") AS r WHERE " + cond
}

// noOrphansQuery returns the child rows whose columns are all set and
// match no parent row.
func noOrphansQuery(d dialect.Syntax, h migration.NoOrphans) string {
	var set, match []string
	for i, col := range h.Child.Columns {
		c := "c." + d.QuoteIdent(col)
		set = append(set, c+" IS NOT NULL")
		match = append(match, "p."+d.QuoteIdent(h.Parent.Columns[i])+" = "+c)
	}
	return "SELECT c.* FROM " + d.QuoteIdent(h.Child.Table.Dotted()) + " AS c WHERE " + strings.Join(set, " AND ") +
		" AND NOT EXISTS (SELECT 1 FROM " + d.QuoteIdent(h.Parent.Table.Dotted()) + " AS p WHERE " + strings.Join(match, " AND ") + ")" +
		limit()
}

// notNullQuery returns the rows with NULL in any of the columns.
func notNullQuery(d dialect.Syntax, h migration.NotNull) string {
	var null []string
	for _, col := range h.Columns.Columns {
		null = append(null, d.QuoteIdent(col)+" IS NULL")
	}
	return "SELECT * FROM " + d.QuoteIdent(h.Columns.Table.Dotted()) + " WHERE " + strings.Join(null, " OR ") + limit()
}

func limit() string { return " LIMIT " + strconv.Itoa(CountLimit+1) }
