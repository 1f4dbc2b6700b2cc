package dialect

import "context"

// DatabaseCreator is implemented by servers that hold many databases
// (PostgreSQL, MySQL): tide creates a scratch database beside the live one
// to apply migrations to, and drops it afterwards.
type DatabaseCreator interface {
	// CreateDatabase creates the database name (unquoted) through q, a
	// connection to any database of the server.
	CreateDatabase(ctx context.Context, q Querier, name string) error
	// DropDatabase drops the database name if it exists, ending the
	// sessions still connected to it where the server allows.
	DropDatabase(ctx context.Context, q Querier, name string) error
}
