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
// another schema names it "schema.table").
//
// An empty opts.Schema reads current_schema(). The catalog queries are
// set-based, about ten whatever the number of tables, and run in one
// read-only REPEATABLE READ transaction (inside q when q is a *sql.Tx) with
// search_path set to the schema alone, so that every expression and
// definition PostgreSQL prints names the schema's own objects unqualified
// and those of other schemas qualified: the same schema built in two
// databases, or in two schemas, inspects the same. JIT compilation is
// off for them: it costs the catalog queries far more than it saves.
// See inspect_names.go for which constraint names are left empty.
func (Dialect) InspectSchema(ctx context.Context, q dialect.Querier, opts schema.Options) (*schema.Schema, error) {
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
	q      dialect.Querier
	opts   schema.Options
	nsp    string // the schema's name, bound as $1 of every query
	out    *schema.Schema
	tables map[string]*schema.Table
	views  map[string]*schema.View
}

func inspect(ctx context.Context, q dialect.Querier, opts schema.Options) (*schema.Schema, error) {
	var (
		nsp     sql.NullString
		version int
	)
	err := q.QueryRowContext(ctx, `SELECT (SELECT nspname FROM pg_catalog.pg_namespace
			WHERE nspname = COALESCE(NULLIF($1, ''), current_schema())),
		current_setting('server_version_num')::int`, opts.Schema).Scan(&nsp, &version)
	if err != nil {
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
	if _, err := q.ExecContext(ctx, `SELECT set_config('search_path', quote_ident($1), true), set_config('jit', 'off', true)`, nsp.String); err != nil {
		return nil, fmt.Errorf("inspect schema: set search_path and jit: %w", err)
	}
	in := &inspector{
		q:      q,
		opts:   opts,
		nsp:    nsp.String,
		out:    &schema.Schema{Dialect: "postgres", Name: nsp.String, Tables: []*schema.Table{}},
		tables: map[string]*schema.Table{},
		views:  map[string]*schema.View{},
	}
	for _, step := range []struct {
		what string
		read func(context.Context) error
	}{
		{"tables", in.readTables},
		{"columns", in.readColumns},
		{"constraints", in.readConstraints},
		{"views", in.readViews},
		{"indexes", in.readIndexes},
		{"routines", in.readRoutines},
		{"triggers", in.readTriggers},
		{"sequences", in.readSequences},
		{"enum types", in.readEnums},
	} {
		if err := step.read(ctx); err != nil {
			return nil, fmt.Errorf("inspect schema %s: read %s: %w", nsp.String, step.what, err)
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

// each runs query with the schema's name as $1 and calls scan for each
// row.
func (in *inspector) each(ctx context.Context, query string, scan func(*sql.Rows) error) error {
	rows, err := in.q.QueryContext(ctx, query, in.nsp)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
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
