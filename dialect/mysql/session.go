package mysql

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"

	"github.com/tidemigrate/tide/dialect"
)

var _ dialect.Canceler = Dialect{}

// SessionID returns the connection id of conn.
func (Dialect) SessionID(ctx context.Context, conn *sql.Conn) (string, error) {
	var id uint64
	if err := conn.QueryRowContext(ctx, `SELECT CONNECTION_ID()`).Scan(&id); err != nil {
		return "", fmt.Errorf("read connection id: %w", err)
	}
	return strconv.FormatUint(id, 10), nil
}

// CancelSession stops the running statement of connection id with KILL
// QUERY; the connection itself stays.
func (Dialect) CancelSession(ctx context.Context, q dialect.Querier, id string) error {
	n, err := strconv.ParseUint(id, 10, 64)
	if err != nil {
		return fmt.Errorf("cancel connection %q: not a connection id", id)
	}
	// KILL takes no bind parameters; n is a validated integer.
	if _, err := q.ExecContext(ctx, `KILL QUERY `+strconv.FormatUint(n, 10)); err != nil {
		return fmt.Errorf("cancel connection %d: %w", n, err)
	}
	return nil
}
