package postgres

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"

	"github.com/tidemigrate/tide/dialect"
)

var (
	_ dialect.Canceler          = Dialect{}
	_ dialect.SessionConfigurer = Dialect{}
)

// SessionID returns the backend process id of conn.
func (Dialect) SessionID(ctx context.Context, conn *sql.Conn) (string, error) {
	var pid int64
	if err := conn.QueryRowContext(ctx, `SELECT pg_backend_pid()`).Scan(&pid); err != nil {
		return "", fmt.Errorf("read backend pid: %w", err)
	}
	return strconv.FormatInt(pid, 10), nil
}

// CancelSession cancels the running statement of backend id.
func (Dialect) CancelSession(ctx context.Context, q dialect.Querier, id string) error {
	pid, err := strconv.ParseInt(id, 10, 64)
	if err != nil {
		return fmt.Errorf("cancel backend %q: not a pid", id)
	}
	if _, err := q.ExecContext(ctx, `SELECT pg_cancel_backend($1)`, pid); err != nil {
		return fmt.Errorf("cancel backend %d: %w", pid, err)
	}
	return nil
}

// ConfigureSession makes the server check every second, during long
// statements, that the client is still there (PostgreSQL 14 and later), so
// that a migrator killed mid-statement releases its locks within seconds
// instead of when the statement ends. One round trip: CASE evaluates
// set_config (volatile, so never folded ahead) only on a server that has
// the setting.
func (Dialect) ConfigureSession(ctx context.Context, conn *sql.Conn) error {
	if _, err := conn.ExecContext(ctx, `SELECT CASE WHEN current_setting('server_version_num')::int >= 140000
		THEN set_config('client_connection_check_interval', '1000', false) END`); err != nil {
		return fmt.Errorf("set client_connection_check_interval: %w", err)
	}
	return nil
}
