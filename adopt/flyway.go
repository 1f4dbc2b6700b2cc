package adopt

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/tidemigrate/tide/dialect"
	"github.com/tidemigrate/tide/migration"
)

// readFlyway reads flyway_schema_history (installed_rank, version,
// description, type, script, checksum, installed_by, installed_on,
// execution_time, success) in installed_rank order. The state of a
// version is its latest row:
//
//   - type SCHEMA (Flyway's "<< Flyway Schema Creation >>") is skipped;
//   - a successful undo (UNDO_SQL, UNDO_JDBC, ...) or DELETE row (repair
//     marking a missing migration deleted) removes the version;
//   - any other successful row applies it; BASELINE and the baseline
//     migrations (SQL_BASELINE, JDBC_BASELINE) set [Applied.Baseline], and
//     [History.UpTo] to the highest baseline version, since Flyway never
//     applies the migrations at or below it;
//   - a row with success false marks it failed.
//
// Rows without a version are repeatable migrations, identified by their
// description as Flyway does; the latest row of each is kept, with the
// script as ID. A failed migration left as the latest state of a version
// or repeatable is refused (Flyway itself requires `flyway repair`);
// failed rows superseded by a later success are ignored and counted in
// the notes.
func readFlyway(ctx context.Context, d dialect.Dialect, q dialect.Querier, table string) (*History, error) {
	type state struct {
		applied Applied
		typ     string
		script  string
		failed  bool
	}
	versioned := map[string]*state{}  // by canonical version
	repeatable := map[string]*state{} // by description
	var superseded int                // failed rows followed by a later state
	cols := []string{"installed_rank", "version", "description", "type", "script", "checksum", "time:installed_on", "success"}
	query := selectFrom(d, table, cols, "ORDER BY "+d.QuoteIdent("installed_rank"))
	err := eachRow(ctx, q, query, func(row []any) error {
		rank, _ := asString(row[0])
		rank = "installed_rank " + rank
		versionText, hasVersion := asString(row[1])
		description, _ := asString(row[2])
		typ, _ := asString(row[3])
		typ = strings.ToUpper(strings.TrimSpace(typ))
		script, _ := asString(row[4])
		var checksum string
		if n, ok, err := asInt(row[5]); err != nil {
			return rowError(rank, "checksum", err)
		} else if ok {
			checksum = fmt.Sprint(n)
		}
		at, _, err := asTime(row[6])
		if err != nil {
			return rowError(rank, "installed_on", err)
		}
		success, err := asBool(row[7])
		if err != nil {
			return rowError(rank, "success", err)
		}
		if typ == "SCHEMA" {
			return nil
		}
		removes := strings.HasPrefix(typ, "UNDO_") || typ == "DELETE"
		a := Applied{ID: script, Name: description, AppliedAt: at, Checksum: checksum}
		states, key := repeatable, description
		versionText = strings.TrimSpace(versionText)
		if hasVersion && versionText != "" {
			v, err := migration.ParseVersion(versionText)
			if err != nil {
				return rowError(rank, "version", err)
			}
			a.Version, a.ID = v, versionText
			a.Baseline = typ == "BASELINE" || strings.HasSuffix(typ, "_BASELINE")
			states, key = versioned, v.String()
		} else {
			a.Repeatable = true
		}
		if prev := states[key]; prev != nil && prev.failed {
			superseded++
		}
		switch {
		case !success:
			states[key] = &state{applied: a, typ: typ, script: script, failed: true}
		case removes:
			delete(states, key)
		default:
			states[key] = &state{applied: a, typ: typ, script: script}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("adopt: read %s: %w", table, err)
	}

	h := &History{}
	var failed []*state
	var code []string
	for _, states := range []map[string]*state{versioned, repeatable} {
		for _, s := range states {
			if s.failed {
				failed = append(failed, s)
				continue
			}
			h.Applied = append(h.Applied, s.applied)
			if s.applied.Baseline && s.applied.Version.Compare(h.UpTo) > 0 {
				h.UpTo = s.applied.Version
			}
			if !slices.Contains([]string{"SQL", "BASELINE", "SQL_BASELINE"}, s.typ) {
				code = append(code, s.script)
			}
		}
	}
	if len(failed) > 0 {
		slices.SortFunc(failed, func(a, b *state) int { return a.applied.Version.Compare(b.applied.Version) })
		a := failed[0].applied
		id := "version " + a.ID
		if a.Repeatable {
			id = "repeatable " + a.ID
		}
		fix := "clean up what it left in the schema and run `flyway repair`"
		if strings.HasPrefix(failed[0].typ, "UNDO_") {
			fix = "its undo failed: clean up by hand and run `flyway repair`"
		}
		if len(failed) > 1 {
			fix += fmt.Sprintf(" (%d failed migrations in all)", len(failed))
		}
		return nil, &IncompleteError{Source: "flyway", ID: id, State: "failed", Fix: fix}
	}
	if superseded > 0 {
		h.Notes = append(h.Notes, fmt.Sprintf("%d failed %s followed by a successful run ignored", superseded, plural(superseded, "row", "rows")))
	}
	if len(code) > 0 {
		slices.Sort(code)
		h.Notes = append(h.Notes, fmt.Sprintf("%d applied %s not SQL (Java or script migrations tide cannot run): %s",
			len(code), plural(len(code), "migration is", "migrations are"), strings.Join(code, ", ")))
	}
	return h, nil
}

// plural returns one when n is 1, else many.
func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
