package postgres

import (
	"context"

	"github.com/tidemigrate/tide/dialect"
)

var _ dialect.DatabaseCreator = Dialect{}

// CreateDatabase creates the database name.
func (d Dialect) CreateDatabase(ctx context.Context, q dialect.Querier, name string) error {
	_, err := q.ExecContext(ctx, "CREATE DATABASE "+d.QuoteIdent(name))
	return err
}

// DropDatabase drops the database name, ending its sessions (WITH (FORCE),
// PostgreSQL 13 and later).
func (d Dialect) DropDatabase(ctx context.Context, q dialect.Querier, name string) error {
	_, err := q.ExecContext(ctx, "DROP DATABASE IF EXISTS "+d.QuoteIdent(name)+" WITH (FORCE)")
	return err
}
