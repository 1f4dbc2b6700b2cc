package postgres

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/tidemigrate/tide/dialect"
	"github.com/tidemigrate/tide/schema"
)

var _ schema.Inspector = Dialect{}

// minInspectVersion is the oldest server the inspector reads: pg_trigger
// gained tgparentid in PostgreSQL 13.
const minInspectVersion = 130000

// InspectSchema reads one schema from pg_catalog: tables (also
// partitioned tables and partitions) with their columns, keys, checks,
// foreign keys and indexes, views and materialized views, functions and
// procedures, triggers, sequences and enum types. Objects that belong to
// an extension, and the tables that opts.Exclude names, are left out;
// objects of other schemas are not read (a foreign key to a table of
// another schema names it "schema.table"). When opts.Tables is not nil,
// the queries of tables, columns, constraints, indexes and triggers read
// only the tables it lists (and the indexes of materialized views and the
// triggers on views, which are not tables); the other objects are read in
// full.
//
// An empty opts.Schema reads current_schema(). The catalog queries are
// set-based, about ten whatever the number of tables, and run in one
// read-only REPEATABLE READ transaction (inside q when q is a *sql.Tx) with
// search_path set to the schema alone, so that every expression and
// definition PostgreSQL prints names the schema's own objects unqualified
// and those of other schemas qualified: the same schema built in two
// databases, or in two schemas, inspects the same. JIT compilation is
// off for them: it costs the catalog queries far more than it saves.
// Through pgx's database/sql driver (q a *sql.DB or *sql.Conn), they are
// pipelined: an inspection takes two round trips, not a dozen. See
// inspect_names.go for which constraint names are left empty.
func (Dialect) InspectSchema(ctx context.Context, q dialect.Querier, opts schema.Options) (*schema.Schema, error) {
	if s, ok, err := inspectPipelined(ctx, q, opts); ok {
		return s, err
	}
	type txBeginner interface {
		BeginTx(ctx context.Context, opts *sql.TxOptions) (*sql.Tx, error)
	}
	if b, ok := q.(txBeginner); ok {
		tx, err := b.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
		if err != nil {
			return nil, fmt.Errorf("inspect schema: begin: %w", err)
		}
		defer tx.Rollback() //nolint:errcheck // read-only: nothing to keep
		return inspect(ctx, tx, opts)
	}
	// q is the caller's transaction: change its settings for the
	// inspection only.
	var path, jit string
	if err := q.QueryRowContext(ctx, `SELECT current_setting('search_path'), current_setting('jit')`).Scan(&path, &jit); err != nil {
		return nil, fmt.Errorf("inspect schema: read settings: %w", err)
	}
	s, err := inspect(ctx, q, opts)
	if _, rerr := q.ExecContext(context.WithoutCancel(ctx), `SELECT set_config('search_path', $1, true), set_config('jit', $2, true)`, path, jit); rerr != nil && err == nil {
		err = fmt.Errorf("inspect schema: restore search_path and jit: %w", rerr)
	}
	if err != nil {
		return nil, err
	}
	return s, nil
}

// inspector holds what the queries of one inspection share.
type inspector struct {
	opts   schema.Options
	nsp    string // the schema's name, bound as $1 of every query
	out    *schema.Schema
	tables map[string]*schema.Table
	views  map[string]*schema.View
}

// setupQuery ($1: Options.Schema) finds the schema to read and the
// server's version, and sets search_path to the schema alone and JIT off
// for the rest of the transaction.
const setupQuery = `SELECT n.nspname, current_setting('server_version_num')::int,
		CASE WHEN n.nspname IS NOT NULL THEN pg_catalog.set_config('search_path', quote_ident(n.nspname), true) END,
		pg_catalog.set_config('jit', 'off', true)
	FROM (SELECT COALESCE(NULLIF($1, ''), current_schema()) AS name) w
	LEFT JOIN pg_catalog.pg_namespace n ON n.nspname = w.name`

// setup reads the row of setupQuery and returns the inspector of the
// schema it found, or why there is none to read.
func setup(row rowScanner, opts schema.Options) (*inspector, error) {
	var (
		nsp, path, jit sql.NullString
		version        int
	)
	if err := row.Scan(&nsp, &version, &path, &jit); err != nil {
		return nil, fmt.Errorf("inspect schema: %w", err)
	}
	switch {
	case version < minInspectVersion:
		return nil, &schema.UnsupportedError{Dialect: fmt.Sprintf("PostgreSQL %d.%d (13 or later is needed)", version/10000, version%10000), What: "schema inspection"}
	case !nsp.Valid && opts.Schema == "":
		return nil, errors.New("inspect schema: no current schema: search_path names no schema that exists; name the schema to inspect")
	case !nsp.Valid:
		return nil, fmt.Errorf("inspect schema: schema %q does not exist", opts.Schema)
	case isSystemSchema(nsp.String):
		return nil, fmt.Errorf("inspect schema: %q is a system schema: name one of the database's own schemas", nsp.String)
	}
	return &inspector{
		opts:   opts,
		nsp:    nsp.String,
		out:    &schema.Schema{Dialect: "postgres", Name: nsp.String, Tables: []*schema.Table{}},
		tables: map[string]*schema.Table{},
		views:  map[string]*schema.View{},
	}, nil
}

// step is one catalog query of an inspection, named for errors.
type step struct {
	what  string
	query catalogQuery
}

// steps returns the catalog queries of the inspection, in the order they
// must be read: views before indexes (a materialized view's), tables
// before what belongs to them.
func (in *inspector) steps() []step {
	return []step{
		{"tables", in.readTables()},
		{"columns", in.readColumns()},
		{"constraints", in.readConstraints()},
		{"views", in.readViews()},
		{"indexes", in.readIndexes()},
		{"routines", in.readRoutines()},
		{"triggers", in.readTriggers()},
		{"sequences", in.readSequences()},
		{"enum types", in.readEnums()},
	}
}

// inspect reads the schema through q, one query at a time, inside the
// transaction q is (or runs in).
func inspect(ctx context.Context, q dialect.Querier, opts schema.Options) (*schema.Schema, error) {
	in, err := setup(q.QueryRowContext(ctx, setupQuery, opts.Schema), opts)
	if err != nil {
		return nil, err
	}
	for _, st := range in.steps() {
		if err := st.query.run(ctx, q); err != nil {
			return nil, fmt.Errorf("inspect schema %s: read %s: %w", in.nsp, st.what, err)
		}
	}
	in.out.Sort()
	return in.out, nil
}

func isSystemSchema(name string) bool {
	switch name {
	case "pg_catalog", "information_schema", "pg_toast":
		return true
	}
	return strings.HasPrefix(name, "pg_temp_") || strings.HasPrefix(name, "pg_toast_temp_")
}

// rowScanner is a row of a catalog query: *sql.Row, *sql.Rows and
// pgx's rows alike.
type rowScanner interface {
	Scan(dest ...any) error
}

// catalogQuery is one catalog query with its arguments, and what reads
// each of its rows.
type catalogQuery struct {
	sql  string
	args []any
	scan func(rowScanner) error
}

// each is the catalog query with the schema's name as $1.
func (in *inspector) each(query string, scan func(rowScanner) error) catalogQuery {
	return catalogQuery{sql: query, args: []any{in.nsp}, scan: scan}
}

// eachTable is each for a query that reads tables and writes its
// condition on their names with [inspector.listed]: with opts.Tables set,
// it is bound as $2.
func (in *inspector) eachTable(query string, scan func(rowScanner) error) catalogQuery {
	cq := in.each(query, scan)
	if in.opts.Tables != nil {
		cq.args = append(cq.args, in.opts.Tables)
	}
	return cq
}

// listed returns an SQL condition that holds for the relations named by
// expr (a name column) that opts.Tables lists, bound as $2; TRUE when it
// is nil. It is written in the catalog query so that PostgreSQL reads
// only those rows (through pg_class's index on relname), whatever the
// size of the schema.
func (in *inspector) listed(expr string) string {
	if in.opts.Tables == nil {
		return "TRUE"
	}
	return expr + " = ANY($2::pg_catalog.name[])"
}

// run runs the query through q and scans its rows.
func (cq catalogQuery) run(ctx context.Context, q dialect.Querier) error {
	rows, err := q.QueryContext(ctx, cq.sql, cq.args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := cq.scan(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// notExtension is a condition that leaves out the objects of catalog
// class (a regclass literal such as 'pg_catalog.pg_class') whose oid is
// expr and that belong to an extension.
func notExtension(class, expr string) string {
	return `NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend ext
		WHERE ext.classid = '` + class + `'::regclass AND ext.objid = ` + expr + ` AND ext.deptype = 'e')`
}

// jsonStrings decodes a JSON array of strings from the catalog (names
// are aggregated with json_agg, which survives any character in them).
func jsonStrings(s sql.NullString) ([]string, error) {
	if !s.Valid || s.String == "" {
		return nil, nil
	}
	var out []string
	if err := json.Unmarshal([]byte(s.String), &out); err != nil {
		return nil, fmt.Errorf("decode name list %s: %w", s.String, err)
	}
	return out, nil
}
