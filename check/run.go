package check

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/tidemigrate/tide/dialect"
	"github.com/tidemigrate/tide/migration"
)

// MaxRows is the number of offending rows an [Outcome] keeps.
const MaxRows = 10

// CountLimit is the number of offending rows counted: past it, an
// [Outcome] says "more than CountLimit".
const CountLimit = 1000

// Outcome is what running one check found.
type Outcome struct {
	Passed bool
	// SQL is the query that ran; "" for an exists helper, answered from
	// the catalog.
	SQL string
	// Reason says why the check failed, in words: "3 rows of users have
	// NULL in email", "index users_email_idx does not exist"; "" when it
	// passed.
	Reason string
	// Columns names the columns of the rows; Rows are the first
	// [MaxRows] offending rows.
	Columns []string
	Rows    []Row
	// Count is the number of offending rows read, at most [CountLimit];
	// More reports that there were more.
	Count int
	More  bool
}

// Run runs c through q, a database of dialect d (a transaction, a
// connection or a pool), and says whether it passed. The error reports a
// check that could not run: a query the database refused, a lookup the
// dialect cannot make.
func Run(ctx context.Context, d dialect.Dialect, q dialect.Querier, c migration.Check) (Outcome, error) {
	if h, ok := c.Helper.(migration.Exists); ok {
		return exists(ctx, d, q, h)
	}
	out := Outcome{SQL: Query(d, c)}
	first, firstType, err := out.read(ctx, q)
	if err != nil {
		return out, err
	}
	single := c.Helper == nil && out.Count == 1 && len(out.Columns) == 1
	out.Passed = out.Count == 0 || single && isTrue(d, first[0], firstType)
	if !out.Passed {
		out.Reason = reason(c, out, first, single)
	}
	return out, nil
}

// read runs the query and keeps the first rows, counting up to
// CountLimit; it returns the first row's values as the driver gave them,
// and the type of the first column.
func (o *Outcome) read(ctx context.Context, q dialect.Querier) ([]any, string, error) {
	rows, err := q.QueryContext(ctx, o.SQL)
	if err != nil {
		return nil, "", err
	}
	defer rows.Close()
	if o.Columns, err = rows.Columns(); err != nil {
		return nil, "", err
	}
	types := make([]string, len(o.Columns))
	if cts, err := rows.ColumnTypes(); err == nil && len(cts) == len(types) {
		for i, ct := range cts {
			types[i] = ct.DatabaseTypeName()
		}
	}
	var first []any
	vals := make([]any, len(o.Columns))
	ptrs := make([]any, len(vals))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if o.Count == CountLimit {
			o.More = true
			break
		}
		o.Count++
		if o.Count > MaxRows {
			continue
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, "", err
		}
		if first == nil {
			first = slices.Clone(vals)
		}
		row := make(Row, len(vals))
		for i, v := range vals {
			row[i] = render(v, types[i])
		}
		o.Rows = append(o.Rows, row)
	}
	if err := rows.Err(); err != nil {
		return nil, "", err
	}
	firstType := ""
	if len(types) > 0 {
		firstType = types[0]
	}
	// Closing reads what the server still sends; its error is a failure
	// of the query too (an error raised by a later row).
	return first, firstType, rows.Close()
}

// isTrue reports whether a single value of type dbType reads as true: a
// boolean true, or what the dialect reads as true (1 on MySQL).
func isTrue(d dialect.Dialect, v any, dbType string) bool {
	if b, ok := v.(bool); ok {
		return b
	}
	if tr, ok := d.(dialect.TruthReader); ok {
		return tr.IsTrue(v, dbType)
	}
	return false
}

// reason says in words why check c failed with out.
func reason(c migration.Check, out Outcome, first []any, single bool) string {
	n := rowCount(out)
	switch h := c.Helper.(type) {
	case migration.RowsEqual:
		left, right := "?", "?"
		if len(out.Rows) > 0 && len(out.Rows[0]) == 2 {
			left, right = out.Rows[0][0].Text, out.Rows[0][1].Text
		}
		tol := "they must be equal"
		if t := h.Tolerance.String(); t != "" {
			tol = strings.Replace(t, "=", " ", 1)
		}
		return fmt.Sprintf("%s has %s rows and %s has %s (%s)", h.Left, left, h.Right, right, tol)
	case migration.NoOrphans:
		return fmt.Sprintf("%s of %s %s %s that no row of %s has", n, h.Child.Table, have(out), columnList(h.Child.Columns), h.Parent.Table)
	case migration.NotNull:
		return fmt.Sprintf("%s of %s %s NULL in %s", n, h.Columns.Table, have(out), strings.Join(quoteAll(h.Columns.Columns), " or "))
	}
	if single {
		v := "NULL"
		if first[0] != nil {
			v = out.Rows[0][0].String()
		}
		return fmt.Sprintf("the query returned one value, %s, which is not true", v)
	}
	return "the query returned " + n
}

// rowCount says how many rows the outcome holds: "1 row", "3 rows",
// "more than 1000 rows".
func rowCount(out Outcome) string {
	switch {
	case out.More:
		return "more than " + strconv.Itoa(out.Count) + " rows"
	case out.Count == 1:
		return "1 row"
	}
	return strconv.Itoa(out.Count) + " rows"
}

func have(out Outcome) string {
	if out.Count == 1 && !out.More {
		return "has"
	}
	return "have"
}

func columnList(cols []string) string {
	if len(cols) == 1 {
		return "a " + quoteAll(cols)[0]
	}
	return "a (" + strings.Join(quoteAll(cols), ", ") + ")"
}

func quoteAll(cols []string) []string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = migration.Name{c}.String()
	}
	return out
}

// exists answers an exists helper from the catalog.
func exists(ctx context.Context, d dialect.Dialect, q dialect.Querier, h migration.Exists) (Outcome, error) {
	var ok bool
	var err error
	table := ""
	if h.Table != nil {
		table = h.Table.Dotted()
	}
	switch h.Object {
	case migration.ObjectTable:
		ok, err = d.TableExists(ctx, q, h.Name.Dotted())
	case migration.ObjectColumn:
		ok, err = columnExists(ctx, d, q, h.Name)
	case migration.ObjectIndex, migration.ObjectConstraint:
		f, found := d.(dialect.ObjectFinder)
		if !found {
			return Outcome{}, fmt.Errorf("tide cannot look up %ss on %s", h.Object, d.Title())
		}
		if h.Object == migration.ObjectIndex {
			ok, err = f.IndexExists(ctx, q, h.Name.Dotted(), table)
		} else {
			ok, err = f.ConstraintExists(ctx, q, h.Name.Dotted(), table)
		}
	default:
		return Outcome{}, fmt.Errorf("unknown kind of object %q", h.Object)
	}
	if err != nil {
		return Outcome{}, err
	}
	out := Outcome{Passed: ok}
	if !ok {
		what := h.Name.String()
		if h.Object == migration.ObjectColumn {
			what = migration.Columns{Table: h.Name[:len(h.Name)-1], Columns: []string{h.Name.Last()}}.String()
		}
		out.Reason = fmt.Sprintf("%s %s does not exist", h.Object, what)
		if h.Table != nil {
			out.Reason += " on " + h.Table.String()
		}
	}
	return out, nil
}

// columnExists reports whether name's last part is a column of the table
// its other parts name.
func columnExists(ctx context.Context, d dialect.Dialect, q dialect.Querier, name migration.Name) (bool, error) {
	l, ok := d.(dialect.ColumnLister)
	if !ok {
		return false, errors.New("tide cannot list columns on " + d.Title())
	}
	cols, err := l.Columns(ctx, q, name[:len(name)-1].Dotted())
	if err != nil {
		return false, err
	}
	return slices.Contains(cols, name.Last()), nil
}
