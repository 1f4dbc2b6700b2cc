package adopt

import (
	"context"
	"fmt"
	"strconv"

	"github.com/tidemigrate/tide/dialect"
	"github.com/tidemigrate/tide/migration"
)

// The JavaScript tools keep one row per applied migration and delete it on
// rollback, so every row is applied. Their migrations are code
// ([History.Code]); Version comes from the number the file name or class
// carries, where it has one.

// readKnex reads knex_migrations (id, name, batch, migration_time): ID is
// the file name ("20240101120000_create_users.js").
func readKnex(ctx context.Context, d dialect.Dialect, q dialect.Querier, table string) (*History, error) {
	h := &History{Code: true}
	query := selectFrom(d, table, []string{"id", "name", "time:migration_time"}, "ORDER BY "+d.QuoteIdent("id"))
	err := eachRow(ctx, q, query, func(row []any) error {
		id, _ := asString(row[0])
		name, ok := asString(row[1])
		if !ok {
			return rowError("id "+id, "name", orNull(nil))
		}
		at, _, err := asTime(row[2])
		if err != nil {
			return rowError("id "+id, "migration_time", err)
		}
		h.Applied = append(h.Applied, Applied{Version: leadingVersion(name), ID: name, AppliedAt: at})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("adopt: read %s: %w", table, err)
	}
	return h, nil
}

// readSequelize reads SequelizeMeta (name): ID is the file name
// ("20240101120000-create-user.js"). Sequelize keeps no times.
func readSequelize(ctx context.Context, d dialect.Dialect, q dialect.Querier, table string) (*History, error) {
	h := &History{Code: true}
	err := eachRow(ctx, q, selectFrom(d, table, []string{"name"}, ""), func(row []any) error {
		name, ok := asString(row[0])
		if !ok {
			return rowError(fmt.Sprint(len(h.Applied)+1), "name", orNull(nil))
		}
		h.Applied = append(h.Applied, Applied{Version: leadingVersion(name), ID: name})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("adopt: read %s: %w", table, err)
	}
	return h, nil
}

// readTypeORM reads TypeORM's migrations (id, timestamp, name): ID is the
// class name ("CreateUsers1704164645000") and Version its timestamp in
// milliseconds. TypeORM keeps no time of application.
func readTypeORM(ctx context.Context, d dialect.Dialect, q dialect.Querier, table string) (*History, error) {
	h := &History{Code: true}
	query := selectFrom(d, table, []string{"id", "timestamp", "name"}, "ORDER BY "+d.QuoteIdent("id"))
	err := eachRow(ctx, q, query, func(row []any) error {
		id, _ := asString(row[0])
		ts, ok, err := asInt(row[1])
		if err != nil || !ok {
			return rowError("id "+id, "timestamp", orNull(err))
		}
		name, ok := asString(row[2])
		if !ok {
			return rowError("id "+id, "name", orNull(nil))
		}
		v, err := migration.ParseVersion(strconv.FormatInt(ts, 10))
		if err != nil {
			return rowError("id "+id, "timestamp", err)
		}
		h.Applied = append(h.Applied, Applied{Version: v, ID: name})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("adopt: read %s: %w", table, err)
	}
	return h, nil
}
