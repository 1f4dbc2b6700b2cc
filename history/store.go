package history

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/tidemigrate/tide/dialect"
)

// Store reads and writes tide's version table and its companion meta
// table. It holds no state beyond the names and the SQL it builds once in
// [New], so it is safe for concurrent use; the database serialises the
// writes, and the caller's migration lock serialises migrators.
//
// Every method takes a [dialect.Querier]: a *sql.DB, a *sql.Conn or a
// *sql.Tx, so that the caller decides about transactions.
type Store struct {
	d                 dialect.Dialect
	table, meta       string // as configured, unquoted
	qTable, qMeta     string // quoted
	listCurrent       string // the meta table's schema version and every row, in one statement
	listAt            [SchemaVersion + 1]string
	readSchema        string // the recorded schema version; fails unless both tables exist
	readSchemaMeta    string // the recorded schema version, from the meta table alone
	insert            string
	updateApplied     string // an update to state applied: a new seq unless it was applied
	update            string // any other update: seq unchanged
	exists            string // one row when the key exists
	remove            string
	setStatements     string
	readStatements    string
	listCurrentCols   []column
	insertCols        []column // the columns Insert writes, in order, before seq
	updateCols        []column // the columns Update writes, in order, before the key
	createTable       string
	createMeta        string
	writeSchemaUpdate string
	writeSchemaInsert string
}

// New returns the store of the version table named table, such as
// "tide_migrations" or "tenant_1.tide_migrations" (unquoted; a dotted name
// is schema-qualified, in the current schema otherwise). Its meta table is
// table + "_meta", in the same schema.
func New(d dialect.Dialect, table string) *Store {
	s := &Store{d: d, table: table, meta: table + "_meta"}
	s.qTable, s.qMeta = d.QuoteIdent(s.table), d.QuoteIdent(s.meta)
	q := d.QuoteIdent
	ph := d.Placeholder
	lit := func(v string) string { return "'" + v + "'" } // constants of this package only

	for _, c := range columns {
		if c.set != nil {
			s.listCurrentCols = append(s.listCurrentCols, c)
		}
		if c.get != nil {
			s.insertCols = append(s.insertCols, c)
			if c.Name != colVersion {
				s.updateCols = append(s.updateCols, c)
			}
		}
	}

	// The meta table's row joins every row of the version table; LEFT JOIN
	// keeps it when the version table is empty.
	m, h := q("m"), q("h")
	sel := make([]string, len(s.listCurrentCols))
	for i, c := range s.listCurrentCols {
		sel[i] = h + "." + q(c.Name)
	}
	s.listCurrent = "SELECT " + m + "." + q("value") + ", " + strings.Join(sel, ", ") +
		" FROM " + s.qMeta + " AS " + m + " LEFT JOIN " + s.qTable + " AS " + h + " ON 1 = 1" +
		" WHERE " + m + "." + q("name") + " = " + lit(metaSchemaVersion)
	// Column references are qualified: SQLite takes an unknown
	// double-quoted name for a string literal.
	for v := 1; v <= SchemaVersion; v++ {
		cols := listed(columnsAt(v))
		sel := make([]string, len(cols))
		for i, c := range cols {
			sel[i] = h + "." + q(c.Name)
		}
		s.listAt[v] = "SELECT " + strings.Join(sel, ", ") + " FROM " + s.qTable + " AS " + h
	}
	s.readSchemaMeta = "SELECT " + q("value") + " FROM " + s.qMeta + " WHERE " + q("name") + " = " + lit(metaSchemaVersion)
	// The NOT EXISTS clause is always true: it makes the statement fail
	// when the version table is missing.
	s.readSchema = s.readSchemaMeta + " AND NOT EXISTS (SELECT 1 FROM " + s.qTable + " WHERE 1 = 0)"

	next := "(SELECT " + q("n") + " FROM (SELECT COALESCE(MAX(" + q(colSeq) + "), 0) + 1 AS " + q("n") +
		" FROM " + s.qTable + ") AS " + q("next_seq") + ")" // a derived table: MySQL refuses the target table in a plain subquery
	vals := make([]string, len(s.insertCols))
	for i := range vals {
		vals[i] = ph(i + 1)
	}
	s.insert = "INSERT INTO " + s.qTable + " (" + strings.Join(names(d, s.insertCols), ", ") + ", " + q(colSeq) +
		") VALUES (" + strings.Join(vals, ", ") + ", " + next + ")"

	set := make([]string, len(s.updateCols))
	for i, c := range s.updateCols {
		set[i] = q(c.Name) + " = " + ph(i+1)
	}
	where := " WHERE " + q(colVersion) + " = " + ph(len(s.updateCols)+1)
	s.update = "UPDATE " + s.qTable + " SET " + strings.Join(set, ", ") + where
	// seq comes first: MySQL assigns left to right, so state must still
	// hold the old value when seq is computed.
	s.updateApplied = "UPDATE " + s.qTable + " SET " + q(colSeq) + " = CASE WHEN " + q(colState) + " = " + lit(string(StateApplied)) +
		" THEN " + q(colSeq) + " ELSE " + next + " END, " + strings.Join(set, ", ") + where
	s.exists = "SELECT 1 FROM " + s.qTable + " WHERE " + q(colVersion) + " = " + ph(1)
	s.remove = "DELETE FROM " + s.qTable + " WHERE " + q(colVersion) + " = " + ph(1)
	s.setStatements = "UPDATE " + s.qTable + " SET " + q(colStatements) + " = " + ph(1) + " WHERE " + q(colVersion) + " = " + ph(2)
	s.readStatements = "SELECT " + h + "." + q(colStatements) + " FROM " + s.qTable + " AS " + h + " WHERE " + h + "." + q(colVersion) + " = " + ph(1)

	cols := make([]dialect.Column, len(columns))
	for i, c := range columns {
		cols[i] = c.Column
	}
	s.createTable = dialect.CreateTable(d, s.qTable, cols, 1)
	s.createMeta = dialect.CreateTable(d, s.qMeta, metaColumns, 1)
	s.writeSchemaUpdate = "UPDATE " + s.qMeta + " SET " + q("value") + " = " + ph(1) + " WHERE " + q("name") + " = " + ph(2)
	s.writeSchemaInsert = "INSERT INTO " + s.qMeta + " (" + q("name") + ", " + q("value") + ") VALUES (" + ph(1) + ", " + ph(2) + ")"
	return s
}

// names returns the quoted names of cols.
func names(d dialect.Dialect, cols []column) []string {
	n := make([]string, len(cols))
	for i, c := range cols {
		n[i] = d.QuoteIdent(c.Name)
	}
	return n
}

// listed returns the columns of cols that List reads.
func listed(cols []column) []column {
	return slices.DeleteFunc(slices.Clone(cols), func(c column) bool { return c.set == nil })
}

// Table returns the name of the version table, as given to [New].
func (s *Store) Table() string { return s.table }

// MetaTable returns the name of the companion table that records the
// schema version: [Store.Table] + "_meta".
func (s *Store) MetaTable() string { return s.meta }

// Exists reports whether the version table exists.
func (s *Store) Exists(ctx context.Context, q dialect.Querier) (bool, error) {
	ok, err := s.d.TableExists(ctx, q, s.table)
	if err != nil {
		return false, fmt.Errorf("read version table %s: %w", s.table, err)
	}
	return ok, nil
}

// List returns every record, sorted by version, then key (repeatable
// migrations first, by name); nil when the version table does not exist.
//
// List reads a table of any older schema as it is, without upgrading it,
// so that status and plan change nothing: the fields of later schemas are
// zero, except [Record.AdoptedFrom], decoded from the schema-1 form of
// applied_by. On a table of a newer schema, it returns a
// [*NewerSchemaError]. It never reads the applied statements
// ([Store.Statements]).
//
// On a *sql.DB or *sql.Conn, reading tables at the current schema costs
// one statement. Otherwise, and on older tables, List first looks the
// tables up in the catalog (two more statements), since it must not run a
// statement that fails in a transaction: PostgreSQL would abort it.
func (s *Store) List(ctx context.Context, q dialect.Querier) ([]Record, error) {
	if direct(q) {
		recs, v, err := s.readCurrent(ctx, q)
		if err == nil && v >= SchemaVersion {
			return s.sorted(recs, v)
		}
	}
	ok, err := s.Exists(ctx, q)
	if err != nil || !ok {
		return nil, err
	}
	v := 1
	if ok, err := s.d.TableExists(ctx, q, s.meta); err != nil {
		return nil, fmt.Errorf("read version table %s: %w", s.table, err)
	} else if ok {
		recs, rv, err := s.readCurrent(ctx, q)
		if err != nil {
			return nil, err
		}
		if rv >= SchemaVersion {
			return s.sorted(recs, rv)
		}
		v = max(rv, 1) // no recorded version: the meta table is being created
	}
	recs, err := s.read(ctx, q, s.listAt[v], columnsAt(v))
	if err != nil {
		return nil, err
	}
	return s.sorted(recs, v)
}

// readCurrent reads the recorded schema version and the rows of the
// version table at the current schema, in one statement. v is 0 when the
// meta table holds no schema version (and then recs is empty).
func (s *Store) readCurrent(ctx context.Context, q dialect.Querier) (recs []Record, v int, err error) {
	rows, err := q.QueryContext(ctx, s.listCurrent)
	if err != nil {
		return nil, 0, fmt.Errorf("read version table %s: %w", s.table, err)
	}
	recs, v, err = scanRecords(rows, s.listCurrentCols, true)
	if err != nil {
		return nil, 0, fmt.Errorf("read version table %s: %w", s.table, err)
	}
	return recs, v, nil
}

// sorted checks the schema version v that recs were read at and sorts them.
func (s *Store) sorted(recs []Record, v int) ([]Record, error) {
	if v > SchemaVersion {
		return nil, &NewerSchemaError{Table: s.table, Schema: v, Known: SchemaVersion}
	}
	slices.SortFunc(recs, func(a, b Record) int {
		if c := a.Version.Compare(b.Version); c != 0 {
			return c
		}
		return strings.Compare(a.Key, b.Key)
	})
	return recs, nil
}

// read runs query, which selects cols of the version table.
func (s *Store) read(ctx context.Context, q dialect.Querier, query string, cols []column) ([]Record, error) {
	rows, err := q.QueryContext(ctx, query)
	if err != nil {
		return nil, fmt.Errorf("read version table %s: %w", s.table, err)
	}
	recs, _, err := scanRecords(rows, listed(cols), false)
	if err != nil {
		return nil, fmt.Errorf("read version table %s: %w", s.table, err)
	}
	return recs, nil
}

// scanRecords reads rows of cols, preceded by the schema version when
// withSchema. A row whose columns are all NULL (the meta row joined to an
// empty table) is no record. It closes rows.
func scanRecords(rows *sql.Rows, cols []column, withSchema bool) ([]Record, int, error) {
	defer rows.Close()
	var (
		recs    []Record
		version int
		schema  sql.NullString
		texts   = make([]sql.NullString, len(cols))
		ints    = make([]sql.NullInt64, len(cols))
		times   = make([]any, len(cols))
		dest    []any
	)
	if withSchema {
		dest = append(dest, &schema)
	}
	for i, c := range cols {
		switch c.Type {
		case dialect.Integer, dialect.BigInt:
			dest = append(dest, &ints[i])
		case dialect.Timestamp:
			dest = append(dest, &times[i])
		default:
			dest = append(dest, &texts[i])
		}
	}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return nil, 0, err
		}
		if withSchema {
			v, err := parseSchema(schema.String)
			if err != nil {
				return nil, 0, err
			}
			version = v
		}
		if !texts[0].Valid { // the key is NOT NULL: no row of the version table
			continue
		}
		var r Record
		for i, c := range cols {
			var v value
			switch c.Type {
			case dialect.Integer, dialect.BigInt:
				v.n = ints[i].Int64
			case dialect.Timestamp:
				t, err := scanTime(times[i])
				if err != nil {
					return nil, 0, fmt.Errorf("%s %s: %w", texts[0].String, c.Name, err)
				}
				v.t = t
			default:
				v.s = texts[i].String
			}
			if err := c.set(&r, v); err != nil {
				return nil, 0, fmt.Errorf("bad %s %q: %w", c.Name, v.s, err)
			}
		}
		if r.Kind == KindAdopted && r.AdoptedFrom == "" {
			if tool, user, ok := decodeAdopted(r.AppliedBy); ok {
				r.AdoptedFrom, r.AppliedBy = tool, user
			}
		}
		recs = append(recs, r)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	return recs, version, nil
}

// direct reports whether q runs each statement on its own, outside a
// transaction, so that a failed statement costs nothing but its error.
// (A *sql.Conn on which the caller ran BEGIN by hand is not.)
func direct(q dialect.Querier) bool {
	switch q.(type) {
	case *sql.DB, *sql.Conn:
		return true
	}
	return false
}

// Insert adds r, with the next [Record.Seq]. The tables must be at the
// current schema ([Store.Ensure]).
func (s *Store) Insert(ctx context.Context, q dialect.Querier, r Record) error {
	if _, err := q.ExecContext(ctx, s.insert, args(s.insertCols, &r)...); err != nil {
		return fmt.Errorf("record %s in %s: %w", r.Key, s.table, err)
	}
	return nil
}

// Update rewrites every column of the record with key r.Key from r,
// except the applied statements and [Record.Seq]: Seq stays, unless r
// turns the record applied from another state (a resumed or repaired
// migration), which then gets the next Seq. It returns [ErrNotFound] when
// there is no such record. The tables must be at the current schema.
func (s *Store) Update(ctx context.Context, q dialect.Querier, r Record) error {
	query := s.update
	if r.State == StateApplied {
		query = s.updateApplied
	}
	res, err := q.ExecContext(ctx, query, append(args(s.updateCols, &r), r.Key)...)
	if err != nil {
		return fmt.Errorf("update %s in %s: %w", r.Key, s.table, err)
	}
	if err := s.found(ctx, q, res, r.Key); err != nil {
		return fmt.Errorf("update %s in %s: %w", r.Key, s.table, err)
	}
	return nil
}

// found checks that an UPDATE with result res found the record key.
func (s *Store) found(ctx context.Context, q dialect.Querier, res sql.Result, key string) error {
	if n, err := res.RowsAffected(); err != nil || n > 0 {
		return nil
	}
	// MySQL counts changed rows, not matched ones: make sure it exists.
	var one int
	switch err := q.QueryRowContext(ctx, s.exists, key).Scan(&one); {
	case errors.Is(err, sql.ErrNoRows):
		return ErrNotFound
	case err != nil:
		return err
	}
	return nil
}

// args returns the values of cols for r.
func args(cols []column, r *Record) []any {
	a := make([]any, len(cols))
	for i, c := range cols {
		a[i] = c.get(r)
	}
	return a
}

// Remove deletes the record with key, if there is one.
func (s *Store) Remove(ctx context.Context, q dialect.Querier, key string) error {
	if _, err := q.ExecContext(ctx, s.remove, key); err != nil {
		return fmt.Errorf("delete %s from %s: %w", key, s.table, err)
	}
	return nil
}

// SetStatements keeps the text of the statements of the record key as
// they were applied, replacing any kept before. They are stored as JSON
// in the statements column, which List does not read, so that a large
// history stays cheap to list. It returns [ErrNotFound] when there is no
// such record. The tables must be at the current schema.
func (s *Store) SetStatements(ctx context.Context, q dialect.Querier, key string, st Statements) error {
	b, err := json.Marshal(st)
	if err != nil {
		return fmt.Errorf("keep statements of %s in %s: %w", key, s.table, err)
	}
	res, err := q.ExecContext(ctx, s.setStatements, string(b), key)
	if err == nil {
		err = s.found(ctx, q, res, key)
	}
	if err != nil {
		return fmt.Errorf("keep statements of %s in %s: %w", key, s.table, err)
	}
	return nil
}

// Statements returns the statements kept for the record key by
// [Store.SetStatements]; ok is false when there is no such record, or
// none were kept (also on tables older than schema 2, which have no room
// for them). It does not check for a newer schema: [Store.List] does.
func (s *Store) Statements(ctx context.Context, q dialect.Querier, key string) (st Statements, ok bool, err error) {
	if !direct(q) {
		// A statement that fails would abort the transaction: check first.
		if v, err := s.Schema(ctx, q); err != nil || v < 2 {
			return Statements{}, false, err
		}
	}
	var text sql.NullString
	err = q.QueryRowContext(ctx, s.readStatements, key).Scan(&text)
	if errors.Is(err, sql.ErrNoRows) {
		return Statements{}, false, nil
	}
	if err != nil && direct(q) {
		if v, serr := s.Schema(ctx, q); serr == nil && v < 2 {
			return Statements{}, false, nil
		}
	}
	if err != nil {
		return Statements{}, false, fmt.Errorf("read statements of %s in %s: %w", key, s.table, err)
	}
	if !text.Valid {
		return Statements{}, false, nil
	}
	if err := json.Unmarshal([]byte(text.String), &st); err != nil {
		return Statements{}, false, fmt.Errorf("read statements of %s in %s: %w", key, s.table, err)
	}
	return st, true, nil
}
