package mysql

import (
	"context"
	"strings"

	"github.com/tidemigrate/tide/dialect"
)

var (
	_ dialect.LockTimeoutDetector = Dialect{}
	_ dialect.BlockerFinder       = Dialect{}
)

// IsLockTimeout reports error 1205, "Lock wait timeout exceeded", which
// both lock_wait_timeout (metadata locks, DDL) and innodb_lock_wait_timeout
// (rows) raise.
func (Dialect) IsLockTimeout(err error) bool {
	return strings.Contains(err.Error(), "Error 1205") || strings.Contains(err.Error(), "Lock wait timeout exceeded")
}

// Blockers lists the oldest open InnoDB transactions of other connections,
// with what their connection is doing: a DDL statement waits for their
// metadata locks.
func (Dialect) Blockers(ctx context.Context, q dialect.Querier, id string) (string, error) {
	return dialect.DescribeSessions(ctx, q, `SELECT CONCAT('connection ', p.ID), p.USER, CONCAT('host ', p.HOST), COALESCE(p.COMMAND, ''),
		TIMESTAMPDIFF(MICROSECOND, t.trx_started, NOW(6)) DIV 1000, LEFT(COALESCE(t.trx_query, p.INFO, ''), 120)
		FROM information_schema.INNODB_TRX t JOIN information_schema.PROCESSLIST p ON p.ID = t.trx_mysql_thread_id
		WHERE p.ID <> ? ORDER BY t.trx_started LIMIT 3`, id)
}
