package dialect

import "strings"

// ColumnType is a portable type of a column of tide's own tables (the
// version table, lease locks). Each dialect names it with [Tables.ColumnType].
type ColumnType int

// The column types of tide's tables.
const (
	// KeyText is text that can be part of a primary key: at most 255
	// characters.
	KeyText ColumnType = iota
	// ShortText is text of at most 255 characters.
	ShortText
	// LongText is text of any length.
	LongText
	// Integer is a 32-bit integer.
	Integer
	// BigInt is a 64-bit integer.
	BigInt
	// Timestamp is an instant in UTC, with microseconds.
	Timestamp
)

// Column describes one column of a tide table. Columns are NOT NULL unless
// Null is set.
type Column struct {
	Name string
	Type ColumnType
	// Default is an SQL literal for rows that exist when the column is
	// added to a table (such as an empty string or 0); "" for none. MySQL
	// refuses a literal default on a LongText column: make such a column
	// Null instead.
	Default string
	// Null allows NULL in the column, for a value that stays unknown until
	// it is first set: rows that exist when the column is added hold NULL.
	Null bool
}

// Tables is implemented by every dialect: how tide's own tables are
// spelled in its SQL. Packages describe their tables once, as Columns, and
// build their DDL with [CreateTable] and [AddColumn].
type Tables interface {
	// ColumnType returns the SQL type of t.
	ColumnType(t ColumnType) string
	// TableOptions returns what follows the column list of CREATE TABLE
	// (MySQL's engine and character set), or "".
	TableOptions() string
}

// CreateTable returns "CREATE TABLE IF NOT EXISTS" for table (already
// quoted) with cols, whose first key columns form the primary key.
func CreateTable(d Dialect, table string, cols []Column, key int) string {
	var b strings.Builder
	b.WriteString("CREATE TABLE IF NOT EXISTS " + table + " (\n")
	names := make([]string, key)
	for i, c := range cols {
		b.WriteString("\t" + columnDef(d, c) + ",\n")
		if i < key {
			names[i] = d.QuoteIdent(c.Name)
		}
	}
	b.WriteString("\tPRIMARY KEY (" + strings.Join(names, ", ") + ")\n)")
	if opts := d.TableOptions(); opts != "" {
		b.WriteString(" " + opts)
	}
	return b.String()
}

// AddColumn returns the ALTER TABLE statement that adds col to table
// (already quoted), with its default for the rows already there.
func AddColumn(d Dialect, table string, col Column) string {
	return "ALTER TABLE " + table + " ADD COLUMN " + columnDef(d, col)
}

// columnDef spells col as in CREATE TABLE: name, type, nullability and
// default.
func columnDef(d Dialect, col Column) string {
	s := d.QuoteIdent(col.Name) + " " + d.ColumnType(col.Type)
	if col.Null {
		s += " NULL"
	} else {
		s += " NOT NULL"
	}
	if col.Default != "" {
		s += " DEFAULT " + col.Default
	}
	return s
}
