package postgres

import (
	"context"

	"github.com/tidemigrate/tide/dialect"
)

var (
	_ dialect.LockTimeoutDetector = Dialect{}
	_ dialect.BlockerFinder       = Dialect{}
)

// IsLockTimeout reports lock_not_available (55P03), which lock_timeout
// raises.
func (Dialect) IsLockTimeout(err error) bool { return sqlState(err) == "55P03" }

// Blockers lists the oldest open transactions of other sessions of this
// database: the locks a statement waits for are theirs. Neither the
// waiting session (id) nor the one that asks is listed.
func (Dialect) Blockers(ctx context.Context, q dialect.Querier, id string) (string, error) {
	return dialect.DescribeSessions(ctx, q, `SELECT 'pid ' || pid, coalesce(usename, ''), 'application "' || coalesce(application_name, '') || '"',
		coalesce(state, ''), (extract(epoch from clock_timestamp() - xact_start) * 1000)::bigint, left(coalesce(query, ''), 120)
		FROM pg_stat_activity
		WHERE datname = current_database() AND pid <> $1::int AND pid <> pg_backend_pid() AND xact_start IS NOT NULL
		ORDER BY xact_start LIMIT 3`, id)
}
