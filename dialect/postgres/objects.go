package postgres

import (
	"context"
	"fmt"

	"github.com/tidemigrate/tide/dialect"
)

var _ dialect.ObjectFinder = Dialect{}

// IndexExists reports whether the index exists, resolved through
// search_path when unqualified; on table, when table is not "".
func (d Dialect) IndexExists(ctx context.Context, q dialect.Querier, name, table string) (bool, error) {
	query := `SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_index WHERE indexrelid = to_regclass($1))`
	args := []any{d.QuoteIdent(name)}
	if table != "" {
		query = `SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_index WHERE indexrelid = to_regclass($1) AND indrelid = to_regclass($2))`
		args = append(args, d.QuoteIdent(table))
	}
	var ok bool
	if err := q.QueryRowContext(ctx, query, args...).Scan(&ok); err != nil {
		return false, fmt.Errorf("look up index %s: %w", name, err)
	}
	return ok, nil
}

// ConstraintExists reports whether the constraint exists: on table, when
// table is not "" (resolved through search_path when unqualified); else in
// the schema that qualifies name, or in a schema of search_path.
func (d Dialect) ConstraintExists(ctx context.Context, q dialect.Querier, name, table string) (bool, error) {
	schema, con := dialect.SplitQualified(name)
	query := `SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint c JOIN pg_catalog.pg_namespace n ON n.oid = c.connamespace
		WHERE c.conname = $1 AND (n.nspname = $2 OR $2 = '' AND n.nspname = ANY (current_schemas(false))))`
	args := []any{con, schema}
	if table != "" {
		query = `SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint c JOIN pg_catalog.pg_namespace n ON n.oid = c.connamespace
			WHERE c.conname = $1 AND ($2 = '' OR n.nspname = $2) AND c.conrelid = to_regclass($3))`
		args = append(args, d.QuoteIdent(table))
	}
	var ok bool
	if err := q.QueryRowContext(ctx, query, args...).Scan(&ok); err != nil {
		return false, fmt.Errorf("look up constraint %s: %w", name, err)
	}
	return ok, nil
}
