package adopt

import (
	"context"
	"fmt"

	"github.com/tidemigrate/tide/dialect"
	"github.com/tidemigrate/tide/migration"
)

// readDbmate reads dbmate's schema_migrations (version varchar primary
// key): every row is an applied migration, and a rollback deletes its
// row. dbmate keeps no times.
func readDbmate(ctx context.Context, d dialect.Dialect, q dialect.Querier, table string) (*History, error) {
	h := &History{}
	err := eachRow(ctx, q, selectFrom(d, table, []string{"version"}, ""), func(row []any) error {
		id, ok := asString(row[0])
		if !ok {
			return rowError(fmt.Sprint(len(h.Applied)+1), "version", orNull(nil))
		}
		v, err := migration.ParseVersion(id)
		if err != nil {
			return rowError(id, "version", err)
		}
		h.Applied = append(h.Applied, Applied{Version: v, ID: id})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("adopt: read %s: %w", table, err)
	}
	return h, nil
}
