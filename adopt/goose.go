package adopt

import (
	"context"
	"fmt"
	"strconv"

	"github.com/tidemigrate/tide/dialect"
	"github.com/tidemigrate/tide/migration"
)

// readGoose reads goose_db_version (id, version_id, is_applied, tstamp).
//
// The table is an append log: goose v1 and v2 recorded a rollback as a new
// row with is_applied false, goose v3 deletes the version's rows instead.
// Either way a version's state is its newest row by id. Version 0 is the
// row goose writes when it creates the table, not a migration.
func readGoose(ctx context.Context, d dialect.Dialect, q dialect.Querier, table string) (*History, error) {
	type state struct {
		applied Applied
		on      bool
	}
	latest := map[int64]*state{}
	query := selectFrom(d, table, []string{"id", "version_id", "is_applied", "time:tstamp"}, "ORDER BY "+d.QuoteIdent("id"))
	err := eachRow(ctx, q, query, func(row []any) error {
		id, _ := asString(row[0])
		version, ok, err := asInt(row[1])
		if err != nil || !ok {
			return rowError("id "+id, "version_id", orNull(err))
		}
		if version == 0 {
			return nil
		}
		if version < 0 {
			return rowError("id "+id, "version_id", fmt.Errorf("negative version %d", version))
		}
		on, err := asBool(row[2])
		if err != nil {
			return rowError("id "+id, "is_applied", err)
		}
		at, _, err := asTime(row[3])
		if err != nil {
			return rowError("id "+id, "tstamp", err)
		}
		s := strconv.FormatInt(version, 10)
		latest[version] = &state{applied: Applied{Version: migration.MustParseVersion(s), ID: s, AppliedAt: at}, on: on}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("adopt: read %s: %w", table, err)
	}
	h := &History{}
	for _, s := range latest {
		if s.on {
			h.Applied = append(h.Applied, s.applied)
		}
	}
	return h, nil
}
