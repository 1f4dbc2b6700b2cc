package history

import (
	"slices"
	"strconv"
	"strings"

	"github.com/tidemigrate/tide/dialect"
)

// writeQueries are the statements that write a record.
type writeQueries struct {
	insert        string // with the next seq
	insertSeq     string // with seq as given, the last argument
	update        string // seq unchanged; the key last
	updateApplied string // seq unchanged if the record was applied, else the next one
	updateSeq     string // seq as given, the argument before the key
}

// queries is the SQL of a Store, built once from the column description.
// Column references are qualified where a column may be missing: SQLite
// takes an unknown double-quoted name for a string literal.
type queries struct {
	qTable, qMeta string // the quoted table names

	listCols    []column // the columns List reads, at the current schema
	insertCols  []column // the columns Insert and Update take from a Record, key first
	listCurrent string   // the schema version, then listCols of every row
	listAt      [SchemaVersion + 1]string
	listBriefs  string // key and, if applied, checksum of every row, at the current schema

	readSchema     string // the schema version; fails unless both tables exist
	readSchemaMeta string // the schema version, from the meta table alone

	// writes are the INSERT and UPDATE statements; writes[1] also write
	// the statements column (its value after the record's columns).
	writes [2]writeQueries

	exists string // one row when the key exists
	remove string

	setStatements  string
	readStatements string

	createTable, createMeta string
	writeSchema, addSchema  string // update, insert the schema version in the meta table
}

func newQueries(d dialect.Dialect, table, meta string) queries {
	q, ph := d.QuoteIdent, d.Placeholder
	lit := func(v string) string { return "'" + v + "'" } // for this package's constants only
	s := queries{qTable: q(table), qMeta: q(meta)}
	m, h := q("m"), q("h") // aliases of the meta and version tables
	selectList := func(cols []column) string {
		sel := make([]string, len(cols))
		for i, c := range cols {
			sel[i] = h + "." + q(c.Name)
		}
		return strings.Join(sel, ", ")
	}
	key := " WHERE " + q(colVersion) + " = "

	s.listCols = listed(columns)
	s.insertCols = slices.DeleteFunc(slices.Clone(columns), func(c column) bool { return c.get == nil })

	// The meta table's row joins every row of the version table; LEFT JOIN
	// keeps it when the version table is empty.
	s.listCurrent = "SELECT " + m + "." + q("value") + ", " + selectList(s.listCols) +
		" FROM " + s.qMeta + " AS " + m + " LEFT JOIN " + s.qTable + " AS " + h + " ON 1 = 1" +
		" WHERE " + m + "." + q("name") + " = " + lit(metaSchemaVersion)
	// The rows of the version table, when the meta table records the
	// current schema; the checksum is NULL unless the record is applied.
	s.listBriefs = "SELECT " + h + "." + q(colVersion) + ", CASE WHEN " + h + "." + q(colState) + " = " + lit(string(StateApplied)) +
		" THEN " + h + "." + q(colChecksum) + " END FROM " + s.qTable + " AS " + h +
		" WHERE (SELECT " + m + "." + q("value") + " FROM " + s.qMeta + " AS " + m + " WHERE " + m + "." + q("name") + " = " + lit(metaSchemaVersion) +
		") = " + lit(strconv.Itoa(SchemaVersion))
	for v := 1; v <= SchemaVersion; v++ {
		s.listAt[v] = "SELECT " + selectList(listed(columnsAt(v))) + " FROM " + s.qTable + " AS " + h
	}
	s.readSchemaMeta = "SELECT " + q("value") + " FROM " + s.qMeta + " WHERE " + q("name") + " = " + lit(metaSchemaVersion)
	// NOT EXISTS (... WHERE 1 = 0) is true: it makes the statement fail
	// when the version table is missing.
	s.readSchema = s.readSchemaMeta + " AND NOT EXISTS (SELECT 1 FROM " + s.qTable + " WHERE 1 = 0)"

	// A derived table: MySQL refuses the target table in a plain subquery.
	next := "(SELECT " + q("n") + " FROM (SELECT COALESCE(MAX(" + q(colSeq) + "), 0) + 1 AS " + q("n") +
		" FROM " + s.qTable + ") AS " + q("next_seq") + ")"
	for i := range s.writes {
		s.writes[i] = writes(d, s.qTable, s.insertCols, next, i == 1)
	}
	s.exists = "SELECT 1 FROM " + s.qTable + key + ph(1)
	s.remove = "DELETE FROM " + s.qTable + key + ph(1)
	s.setStatements = "UPDATE " + s.qTable + " SET " + q(colStatements) + " = " + ph(1) + key + ph(2)
	s.readStatements = "SELECT " + h + "." + q(colStatements) + " FROM " + s.qTable + " AS " + h +
		" WHERE " + h + "." + q(colVersion) + " = " + ph(1)

	cols := make([]dialect.Column, len(columns))
	for i, c := range columns {
		cols[i] = c.Column
	}
	s.createTable = dialect.CreateTable(d, s.qTable, cols, 1)
	s.createMeta = dialect.CreateTable(d, s.qMeta, metaColumns, 1)
	s.writeSchema = "UPDATE " + s.qMeta + " SET " + q("value") + " = " + ph(1) + " WHERE " + q("name") + " = " + ph(2)
	s.addSchema = "INSERT INTO " + s.qMeta + " (" + q("name") + ", " + q("value") + ") VALUES (" + ph(1) + ", " + ph(2) + ")"
	return s
}

// insertRows returns the INSERT of n records with their statements and
// seq: the columns of insertCols, statements, seq, for each record.
func (s *queries) insertRows(d dialect.Dialect, n int) string {
	q, ph := d.QuoteIdent, d.Placeholder
	var b strings.Builder
	b.WriteString("INSERT INTO " + s.qTable + " (")
	for _, c := range s.insertCols {
		b.WriteString(q(c.Name) + ", ")
	}
	b.WriteString(q(colStatements) + ", " + q(colSeq) + ") VALUES ")
	k := 0
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('(')
		for j := range len(s.insertCols) + 2 {
			if j > 0 {
				b.WriteString(", ")
			}
			k++
			b.WriteString(ph(k))
		}
		b.WriteByte(')')
	}
	return b.String()
}

// listed returns the columns of cols that List reads.
func listed(cols []column) []column {
	return slices.DeleteFunc(slices.Clone(cols), func(c column) bool { return c.set == nil })
}

// writes builds the INSERT and UPDATE statements of a record: cols from
// the Record, then, with stmts, the statements column; next is the
// expression of the next seq.
func writes(d dialect.Dialect, table string, cols []column, next string, stmts bool) writeQueries {
	q, ph, lit := d.QuoteIdent, d.Placeholder, func(v string) string { return "'" + v + "'" }
	key := " WHERE " + q(colVersion) + " = "
	var names, vals, set []string
	n := 0
	for _, c := range cols {
		names = append(names, q(c.Name))
		vals = append(vals, ph(len(vals)+1))
		if c.Name != colVersion {
			n++
			set = append(set, q(c.Name)+" = "+ph(n))
		}
	}
	if stmts {
		names = append(names, q(colStatements))
		vals = append(vals, ph(len(vals)+1))
		n++
		set = append(set, q(colStatements)+" = "+ph(n))
	}
	var w writeQueries
	insert := "INSERT INTO " + table + " (" + strings.Join(names, ", ") + ", " + q(colSeq) + ") VALUES (" + strings.Join(vals, ", ") + ", "
	w.insert = insert + next + ")"
	w.insertSeq = insert + ph(len(vals)+1) + ")"
	w.update = "UPDATE " + table + " SET " + strings.Join(set, ", ") + key + ph(n+1)
	w.updateSeq = "UPDATE " + table + " SET " + strings.Join(set, ", ") + ", " + q(colSeq) + " = " + ph(n+1) + key + ph(n+2)
	// seq comes first: MySQL assigns left to right, and state must still
	// hold its old value here.
	w.updateApplied = "UPDATE " + table + " SET " + q(colSeq) + " = CASE WHEN " + q(colState) + " = " + lit(string(StateApplied)) +
		" THEN " + q(colSeq) + " ELSE " + next + " END, " + strings.Join(set, ", ") + key + ph(n+1)
	return w
}
