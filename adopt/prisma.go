package adopt

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/tidemigrate/tide/dialect"
)

// readPrisma reads _prisma_migrations (id, checksum, finished_at,
// migration_name, logs, rolled_back_at, started_at, applied_steps_count).
// A migration is applied when one of its rows is finished and not rolled
// back; rows rolled back (`prisma migrate resolve --rolled-back`) are
// ignored and counted in the notes. A row neither finished nor rolled back
// is a failed (or running) migration, which Prisma itself refuses to go
// past, and so is refused.
//
// Prisma migrations are SQL folders (<timestamp>_<name>/migration.sql)
// that tide reads, so the history is not Code. ID is the folder name,
// Version its leading digits, Name the rest and Checksum Prisma's SHA-256
// of migration.sql.
func readPrisma(ctx context.Context, d dialect.Dialect, q dialect.Querier, table string) (*History, error) {
	applied := map[string]Applied{}
	var failed []string
	var rolledBack int
	cols := []string{"id", "migration_name", "checksum", "time:finished_at", "time:rolled_back_at"}
	query := selectFrom(d, table, cols, "ORDER BY "+d.QuoteIdent("started_at")+", "+d.QuoteIdent("id"))
	err := eachRow(ctx, q, query, func(row []any) error {
		id, _ := asString(row[0])
		id = "id " + id
		name, ok := asString(row[1])
		if !ok {
			return rowError(id, "migration_name", orNull(nil))
		}
		checksum, _ := asString(row[2])
		finished, isFinished, err := asTime(row[3])
		if err != nil {
			return rowError(id, "finished_at", err)
		}
		_, isRolledBack, err := asTime(row[4])
		if err != nil {
			return rowError(id, "rolled_back_at", err)
		}
		switch {
		case isRolledBack:
			rolledBack++
		case !isFinished:
			failed = append(failed, name)
		default:
			_, label, _ := strings.Cut(name, "_")
			applied[name] = Applied{Version: leadingVersion(name), ID: name, Name: label, AppliedAt: finished, Checksum: checksum}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("adopt: read %s: %w", table, err)
	}
	if len(failed) > 0 {
		slices.Sort(failed)
		fix := fmt.Sprintf("it failed (or is still running): undo what it did and run `prisma migrate resolve --rolled-back %s`, or complete it by hand and run `prisma migrate resolve --applied %s`", failed[0], failed[0])
		if len(failed) > 1 {
			fix += fmt.Sprintf(" (%d unfinished migrations in all: %s)", len(failed), strings.Join(failed, ", "))
		}
		return nil, &IncompleteError{Source: "prisma", ID: failed[0], State: "unfinished", Fix: fix}
	}
	h := &History{}
	for _, a := range applied {
		h.Applied = append(h.Applied, a)
	}
	if rolledBack > 0 {
		h.Notes = append(h.Notes, fmt.Sprintf("%d rolled-back %s ignored", rolledBack, plural(rolledBack, "row", "rows")))
	}
	return h, nil
}
