package postgres

import (
	"context"
	"fmt"
	"strconv"

	"github.com/tidemigrate/tide/dialect"
)

var _ dialect.EffectChecker = Dialect{}

// SessionAlive reports whether backend id is still connected.
func (Dialect) SessionAlive(ctx context.Context, q dialect.Querier, id string) (bool, error) {
	pid, err := strconv.ParseInt(id, 10, 64)
	if err != nil {
		return false, fmt.Errorf("look up backend %q: not a pid", id)
	}
	var alive bool
	if err := q.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE pid = $1)`, pid).Scan(&alive); err != nil {
		return false, fmt.Errorf("look up backend %d: %w", pid, err)
	}
	return alive, nil
}

// TookEffect tells whether a statement that runs outside a transaction
// took effect: a concurrent index build did when its index exists and is
// valid; maintenance that is harmless to run again (VACUUM, ANALYZE,
// REINDEX, CLUSTER, CHECKPOINT, ALTER SYSTEM) counts as not done, so that
// it runs again. Other statements are unknown.
func (d Dialect) TookEffect(ctx context.Context, q dialect.Querier, stmt string) (took, known bool, err error) {
	if name, ok := d.ConcurrentIndex(stmt); ok {
		exists, valid, err := d.IndexValid(ctx, q, name)
		if err != nil {
			return false, false, err
		}
		return exists && valid, true, nil
	}
	w := words(stmt, 2)
	if len(w) == 0 {
		return false, false, nil
	}
	switch w[0] {
	case "VACUUM", "ANALYZE", "REINDEX", "CLUSTER", "CHECKPOINT":
		return false, true, nil
	case "ALTER":
		return false, len(w) > 1 && w[1] == "SYSTEM", nil
	}
	return false, false, nil
}

// Knows reports concurrent index builds and the maintenance statements
// that TookEffect answers for.
func (d Dialect) Knows(stmt string) bool {
	if _, ok := d.ConcurrentIndex(stmt); ok {
		return true
	}
	w := words(stmt, 2)
	if len(w) == 0 {
		return false
	}
	switch w[0] {
	case "VACUUM", "ANALYZE", "REINDEX", "CLUSTER", "CHECKPOINT":
		return true
	}
	return len(w) > 1 && w[0] == "ALTER" && w[1] == "SYSTEM"
}
