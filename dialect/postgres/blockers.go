package postgres

import (
	"context"
	"fmt"
	"strings"
	"time"

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
// database: the locks a statement waits for are theirs.
func (Dialect) Blockers(ctx context.Context, q dialect.Querier, id string) (string, error) {
	rows, err := q.QueryContext(ctx, `SELECT pid, coalesce(usename, ''), coalesce(application_name, ''), state,
		extract(epoch from now() - xact_start)::float8, left(regexp_replace(coalesce(query, ''), '\s+', ' ', 'g'), 120)
		FROM pg_stat_activity
		WHERE datname = current_database() AND pid <> $1::int AND xact_start IS NOT NULL
		ORDER BY xact_start LIMIT 3`, id)
	if err != nil {
		return "", fmt.Errorf("list blocking sessions: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var pid int64
		var user, app, state, query string
		var age float64
		if err := rows.Scan(&pid, &user, &app, &state, &age, &query); err != nil {
			return "", fmt.Errorf("list blocking sessions: %w", err)
		}
		out = append(out, fmt.Sprintf("pid %d (user %s, application %q, %s, transaction open %s: %s)",
			pid, user, app, state, time.Duration(age*float64(time.Second)).Round(time.Millisecond), query))
	}
	return strings.Join(out, "; "), rows.Err()
}
