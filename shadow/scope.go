package shadow

import (
	"context"
	"database/sql"
	"regexp"
	"slices"
	"strings"

	"github.com/tidemigrate/tide"
	"github.com/tidemigrate/tide/dialect"
	"github.com/tidemigrate/tide/migration"
	"github.com/tidemigrate/tide/schema"
)

// scopedVerbs are the statements whose effect on tables is limited to the
// tables they name: a migration made only of them is re-inspected table by
// table. Anything else (SELECT, CALL, DO, EXECUTE, SET...) may run code
// that changes any table, so the schema is then read in full.
var scopedVerbs = []string{"CREATE", "ALTER", "DROP", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "COMMENT", "RENAME", "REPLACE"}

// identRE matches identifiers, bare or quoted ("..." and `...`).
var identRE = regexp.MustCompile("[A-Za-z_][A-Za-z0-9_$]*|\"(?:[^\"]|\"\")+\"|`(?:[^`]|``)+`")

// scope returns every name the migration's statements mention, as
// candidates for the tables it changes, and false when its statements
// may change tables they do not name (or it is a Go migration).
func scope(mg migration.Migration) ([]string, bool) {
	if mg.UpFunc != nil || mg.DownFunc != nil {
		return nil, false
	}
	seen := map[string]bool{}
	for _, st := range slices.Concat(mg.Up, mg.Down) {
		verb, _, _ := strings.Cut(strings.TrimSpace(st.SQL), " ")
		if !slices.Contains(scopedVerbs, strings.ToUpper(strings.TrimRight(verb, "\n\t\r("))) {
			return nil, false
		}
		for _, tok := range identRE.FindAllString(st.SQL, -1) {
			if q := tok[0]; q == '"' || q == '`' {
				tok = strings.ReplaceAll(tok[1:len(tok)-1], string(q)+string(q), string(q))
				seen[tok] = true
				continue
			}
			seen[tok], seen[strings.ToLower(tok)] = true, true
		}
	}
	return slicesSorted(seen), true
}

func slicesSorted(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// rescan reads the schema after a migration ran (or was reverted): only
// the tables it may have changed when scoped, the rest taken from prev.
func rescan(ctx context.Context, d dialect.Dialect, db *sql.DB, m *tide.Migrator, prev *schema.Schema, tables []string, scoped bool) (*schema.Schema, error) {
	if !scoped {
		return inspect(ctx, d, db, m)
	}
	part, err := schema.Inspect(ctx, d, db, schema.Options{Exclude: m.OwnTables(), Tables: tables})
	if err != nil {
		return nil, err
	}
	return merge(prev, part, tables), nil
}

// merge is prev with the tables named in tables (and the triggers on
// them) replaced by those of part, and every other kind of object taken
// from part, which read them in full.
func merge(prev, part *schema.Schema, tables []string) *schema.Schema {
	out := *part
	out.Tables = slices.Clone(part.Tables)
	out.Triggers = slices.Clone(part.Triggers)
	for _, t := range prev.Tables {
		if !slices.Contains(tables, t.Name) && part.Table(t.Name) == nil {
			out.Tables = append(out.Tables, t)
		}
	}
	for _, tr := range prev.Triggers {
		if !slices.Contains(tables, tr.Table) && !slices.ContainsFunc(part.Triggers, func(x *schema.Trigger) bool {
			return x.Table == tr.Table && x.Name == tr.Name
		}) {
			out.Triggers = append(out.Triggers, tr)
		}
	}
	out.Sort()
	return &out
}
