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
// table. It holds nothing but the names and the SQL it builds once in
// [New], so it is safe for concurrent use; the database serialises the
// writes, and the caller's migration lock serialises migrators.
//
// Every method takes a [dialect.Querier]: a *sql.DB, a *sql.Conn or a
// *sql.Tx, so that the caller decides about transactions.
type Store struct {
	d           dialect.Dialect
	table, meta string // as configured, unquoted
	sql         queries
}

// New returns the store of the version table named table, such as
// "tide_migrations" or "tenant_1.tide_migrations" (unquoted; a dotted name
// is schema-qualified, in the current schema otherwise). Its meta table is
// table + "_meta", in the same schema.
func New(d dialect.Dialect, table string) *Store {
	meta := table + "_meta"
	return &Store{d: d, table: table, meta: meta, sql: newQueries(d, table, meta)}
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
		v = max(rv, 1) // no recorded version: an upgrade stopped before recording it
	}
	recs, err := s.read(ctx, q, s.sql.listAt[v], columnsAt(v))
	if err != nil {
		return nil, err
	}
	return s.sorted(recs, v)
}

// readCurrent reads the recorded schema version and the rows of the
// version table at the current schema, in one statement. v is 0 when the
// meta table holds no schema version (and then recs is empty).
func (s *Store) readCurrent(ctx context.Context, q dialect.Querier) (recs []Record, v int, err error) {
	rows, err := q.QueryContext(ctx, s.sql.listCurrent)
	if err != nil {
		return nil, 0, fmt.Errorf("read version table %s: %w", s.table, err)
	}
	recs, v, err = scanRecords(rows, s.sql.listCols, true)
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

// Insert adds r. Its [Record.Seq] is the next one (1 + the highest in
// the table) when r.Seq is zero, else r.Seq. The tables must be at the
// current schema ([Store.Ensure]).
func (s *Store) Insert(ctx context.Context, q dialect.Querier, r Record) error {
	w, args, err := s.write(&r)
	if err != nil {
		return fmt.Errorf("record %s in %s: %w", r.Key, s.table, err)
	}
	query := w.insert
	if r.Seq != 0 {
		query, args = w.insertSeq, append(args, r.Seq)
	}
	if _, err := q.ExecContext(ctx, query, args...); err != nil {
		return fmt.Errorf("record %s in %s: %w", r.Key, s.table, err)
	}
	return nil
}

// maxParams bounds the bind parameters of one statement that InsertMany
// sends: SQLite before 3.32 allowed no more than 999.
const maxParams = 999

// InsertMany adds recs, as Insert would each with its Seq as given (every
// Seq must be set), in as few multi-row INSERT statements as the
// databases' limits on bind parameters allow (about 45 records each). The
// tables must be at the current schema ([Store.Ensure]).
func (s *Store) InsertMany(ctx context.Context, q dialect.Querier, recs []Record) error {
	per := maxParams / (len(s.sql.insertCols) + 2) // the statements and seq too
	for len(recs) > 0 {
		n := min(len(recs), per)
		args := make([]any, 0, n*(len(s.sql.insertCols)+2))
		for i := range recs[:n] {
			r := &recs[i]
			if r.Seq == 0 {
				return fmt.Errorf("record %s in %s: no seq", r.Key, s.table)
			}
			var stmts any
			if r.Statements != nil {
				b, err := json.Marshal(r.Statements)
				if err != nil {
					return fmt.Errorf("record %s in %s: %w", r.Key, s.table, err)
				}
				stmts = string(b)
			}
			args = append(args, values(s.sql.insertCols, r)...)
			args = append(args, stmts, r.Seq)
		}
		if _, err := q.ExecContext(ctx, s.sql.insertRows(s.d, n), args...); err != nil {
			return fmt.Errorf("record %s to %s in %s: %w", recs[0].Key, recs[n-1].Key, s.table, err)
		}
		recs = recs[n:]
	}
	return nil
}

// write returns the statements that write r and its values, with its
// statements when it carries them.
func (s *Store) write(r *Record) (writeQueries, []any, error) {
	args := values(s.sql.insertCols, r)
	if r.Statements == nil {
		return s.sql.writes[0], args, nil
	}
	b, err := json.Marshal(r.Statements)
	if err != nil {
		return writeQueries{}, nil, err
	}
	return s.sql.writes[1], append(args, string(b)), nil
}

// Update rewrites every column of the record with r's key from r; the
// statements too when r carries them. It returns an error wrapping
// [ErrNotFound] when there is no such record.
func (s *Store) Update(ctx context.Context, q dialect.Querier, r Record) error {
	w, args, err := s.write(&r)
	if err != nil {
		return fmt.Errorf("update %s in %s: %w", r.Key, s.table, err)
	}
	args = args[1:] // all but the key
	query := w.update
	switch {
	case r.Seq != 0:
		query, args = w.updateSeq, append(args, r.Seq)
	case r.State == StateApplied:
		query = w.updateApplied
	}
	res, err := q.ExecContext(ctx, query, append(args, r.Key)...)
	if err == nil {
		err = s.found(ctx, q, res, r.Key)
	}
	if err != nil {
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
	switch err := q.QueryRowContext(ctx, s.sql.exists, key).Scan(&one); {
	case errors.Is(err, sql.ErrNoRows):
		return ErrNotFound
	case err != nil:
		return err
	}
	return nil
}

// values returns the values of cols for r.
func values(cols []column, r *Record) []any {
	a := make([]any, len(cols))
	for i, c := range cols {
		a[i] = c.get(r)
	}
	return a
}

// Remove deletes the record with key, if there is one.
func (s *Store) Remove(ctx context.Context, q dialect.Querier, key string) error {
	if _, err := q.ExecContext(ctx, s.sql.remove, key); err != nil {
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
	res, err := q.ExecContext(ctx, s.sql.setStatements, string(b), key)
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
	err = q.QueryRowContext(ctx, s.sql.readStatements, key).Scan(&text)
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
