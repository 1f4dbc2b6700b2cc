package adopt

import (
	"context"
	"fmt"
	"strconv"

	"github.com/tidemigrate/tide/dialect"
	"github.com/tidemigrate/tide/migration"
)

// readGolangMigrate reads golang-migrate's schema_migrations (version,
// dirty): at most one row, the current version. golang-migrate applies
// versions in order and lists none of them, so the result is UpTo: every
// migration up to that version. An empty table (or version -1, its "no
// version") means nothing is applied. A dirty row is refused: the
// migration of that version failed part-way.
func readGolangMigrate(ctx context.Context, d dialect.Dialect, q dialect.Querier, table string) (*History, error) {
	type row struct {
		version int64
		dirty   bool
	}
	var rows []row
	err := eachRow(ctx, q, selectFrom(d, table, []string{"version", "dirty"}, ""), func(vals []any) error {
		version, ok, err := asInt(vals[0])
		if err != nil || !ok {
			return rowError(fmt.Sprint(len(rows)+1), "version", orNull(err))
		}
		dirty, err := asBool(vals[1])
		if err != nil {
			return rowError(strconv.FormatInt(version, 10), "dirty", err)
		}
		rows = append(rows, row{version, dirty})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("adopt: read %s: %w", table, err)
	}
	h := &History{}
	switch {
	case len(rows) == 0:
		return h, nil
	case len(rows) > 1:
		return nil, fmt.Errorf("adopt: read %s: golang-migrate keeps one row, found %d", table, len(rows))
	}
	r := rows[0]
	if r.dirty {
		id := strconv.FormatInt(r.version, 10)
		return nil, &IncompleteError{
			Source: "golang-migrate", ID: id, State: "dirty",
			Fix: fmt.Sprintf("migration %s failed part-way: repair the schema by hand, then run `migrate force %s` if it is now fully applied, or `migrate force <previous version>` if it is not", id, id),
		}
	}
	switch {
	case r.version < 0:
		return h, nil
	}
	v := migration.MustParseVersion(strconv.FormatInt(r.version, 10))
	h.UpTo = v
	h.Notes = append(h.Notes, fmt.Sprintf("golang-migrate records only its current version: every migration up to %s counts as applied", v))
	return h, nil
}
