package mysql

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/tidemigrate/tide/dialect"
)

var (
	_ dialect.LockTimeoutDetector = Dialect{}
	_ dialect.BlockerFinder       = Dialect{}
	_ dialect.LockWaitWatcher     = Dialect{}
)

// IsLockTimeout reports error 1205, "Lock wait timeout exceeded", which
// both lock_wait_timeout (metadata locks, DDL) and innodb_lock_wait_timeout
// (rows) raise.
func (Dialect) IsLockTimeout(err error) bool {
	return strings.Contains(err.Error(), "Error 1205") || strings.Contains(err.Error(), "Lock wait timeout exceeded")
}

// Blockers lists the oldest open InnoDB transactions of other connections
// of this database (or of none: a query can name tables of any database),
// with what their connection is doing: a DDL statement waits for their
// metadata locks. A connection with more than one transaction (DDL has an
// internal one) is listed once, by its oldest.
func (Dialect) Blockers(ctx context.Context, q dialect.Querier, id string) (string, error) {
	return dialect.DescribeSessions(ctx, q, `SELECT CONCAT('connection ', p.ID), MIN(p.USER), CONCAT('host ', MIN(p.HOST)), COALESCE(MIN(p.COMMAND), ''),
		TIMESTAMPDIFF(MICROSECOND, MIN(t.trx_started), SYSDATE(6)) DIV 1000, LEFT(COALESCE(MIN(t.trx_query), MIN(p.INFO), ''), 120)
		FROM information_schema.INNODB_TRX t JOIN information_schema.PROCESSLIST p ON p.ID = t.trx_mysql_thread_id
		WHERE p.ID <> ? AND (p.DB = DATABASE() OR p.DB IS NULL)
		GROUP BY p.ID ORDER BY MIN(t.trx_started) LIMIT 3`, id)
}

// WaitingForLock reports whether connection id is in one of the server's
// lock-wait states ("Waiting for table metadata lock", "Waiting for
// global read lock", "Waiting for table level lock", ...); a connection
// that is gone waits for nothing. InnoDB row-lock waits are not among
// them: innodb_lock_wait_timeout bounds those, and they do not make other
// readers queue.
func (Dialect) WaitingForLock(ctx context.Context, q dialect.Querier, id string) (bool, error) {
	var state sql.NullString
	err := q.QueryRowContext(ctx, `SELECT STATE FROM information_schema.PROCESSLIST WHERE ID = ?`, id).Scan(&state)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("read the state of connection %s: %w", id, err)
	}
	return isLockWait(state.String), nil
}

func isLockWait(state string) bool {
	return strings.HasPrefix(state, "Waiting for ") && strings.HasSuffix(state, " lock")
}
