package mysql

import (
	"context"

	"github.com/tidemigrate/tide/dialect"
)

var _ dialect.DatabaseCreator = Dialect{}

// CreateDatabase creates the database (schema) name.
func (d Dialect) CreateDatabase(ctx context.Context, q dialect.Querier, name string) error {
	_, err := q.ExecContext(ctx, "CREATE DATABASE "+d.QuoteIdent(name))
	return err
}

// DropDatabase drops the database name if it exists.
func (d Dialect) DropDatabase(ctx context.Context, q dialect.Querier, name string) error {
	_, err := q.ExecContext(ctx, "DROP DATABASE IF EXISTS "+d.QuoteIdent(name))
	return err
}
