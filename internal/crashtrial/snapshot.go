package crashtrial

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"fmt"
	"slices"
	"strings"
)

// Snapshot is what a database holds outside tide's own tables: its schema
// as lines read from the catalog, and the rows of each table and view.
type Snapshot struct {
	// Schema has one line per table or view, column, index, constraint,
	// view definition and trigger, sorted.
	Schema []string
	// Tables maps each table and view to its rows.
	Tables map[string]*Table
}

// Table is a checksum of the rows of one table or view.
type Table struct {
	Rows int
	Sum  [sha256.Size]byte // of every row, in the order of all columns
	// keys maps the text of each row's first column (with "#n" for the
	// n-th repeat) to a hash of the row, to name rows that differ.
	keys map[string]uint64
}

// catalogQueries are, per dialect, the queries whose rows (tab-separated)
// make up Snapshot.Schema. Each names its kind in its first column and a
// table or object in its second, which must not begin with "tide_".
var catalogQueries = map[string][]string{
	"postgres": {
		`SELECT 'table', table_name, table_type FROM information_schema.tables WHERE table_schema = current_schema()`,
		`SELECT 'column', table_name, column_name, ordinal_position::text, data_type, is_nullable, coalesce(column_default, '') FROM information_schema.columns WHERE table_schema = current_schema()`,
		`SELECT 'index', c.relname, i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid), CASE WHEN i.indisvalid THEN 'valid' ELSE 'INVALID' END
		   FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid WHERE c.relnamespace = current_schema()::regnamespace`,
		`SELECT 'constraint', conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE connamespace = current_schema()::regnamespace`,
		`SELECT 'view', viewname, definition FROM pg_views WHERE schemaname = current_schema()`,
		`SELECT 'function', p.proname, pg_get_function_identity_arguments(p.oid) FROM pg_proc p WHERE p.pronamespace = current_schema()::regnamespace`,
	},
	"mysql": {
		`SELECT 'table', table_name, table_type FROM information_schema.tables WHERE table_schema = DATABASE()`,
		`SELECT 'column', table_name, column_name, CAST(ordinal_position AS CHAR), column_type, is_nullable, COALESCE(column_default, ''), extra FROM information_schema.columns WHERE table_schema = DATABASE()`,
		`SELECT 'index', table_name, index_name, CAST(seq_in_index AS CHAR), column_name, CAST(non_unique AS CHAR) FROM information_schema.statistics WHERE table_schema = DATABASE()`,
		`SELECT 'constraint', table_name, constraint_name, constraint_type FROM information_schema.table_constraints WHERE constraint_schema = DATABASE()`,
		`SELECT 'check', table_name, constraint_name, check_clause FROM information_schema.check_constraints WHERE constraint_schema = DATABASE()`,
		`SELECT 'view', table_name, view_definition FROM information_schema.views WHERE table_schema = DATABASE()`,
		`SELECT 'trigger', event_object_table, trigger_name, action_statement FROM information_schema.triggers WHERE trigger_schema = DATABASE()`,
	},
	"sqlite": {
		`SELECT type, tbl_name, name, coalesce(sql, '') FROM sqlite_master`,
	},
}

// relationQueries list, per dialect, the tables and views whose rows the
// snapshot sums.
var relationQueries = map[string]string{
	"postgres": `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()`,
	"mysql":    `SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE()`,
	"sqlite":   `SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite%'`,
}

// Take reads the snapshot of the database db, of the dialect named name
// ("postgres", "mysql" or "sqlite").
func Take(ctx context.Context, db *sql.DB, name string) (*Snapshot, error) {
	queries, ok := catalogQueries[name]
	if !ok {
		return nil, fmt.Errorf("crashtrial: no catalog queries for dialect %q", name)
	}
	// MySQL writes the database's name into view definitions: take it out,
	// so that two databases compare equal.
	dbName := ""
	if name == "mysql" {
		if err := db.QueryRowContext(ctx, `SELECT DATABASE()`).Scan(&dbName); err != nil {
			return nil, fmt.Errorf("read the database name: %w", err)
		}
	}
	s := &Snapshot{Tables: map[string]*Table{}}
	for _, q := range queries {
		rows, err := queryText(ctx, db, q)
		if err != nil {
			return nil, fmt.Errorf("read the catalog: %w", err)
		}
		for _, r := range rows {
			if len(r) > 1 && isTide(r[1]) {
				continue
			}
			line := strings.Join(r, "\t")
			if dbName != "" {
				line = strings.ReplaceAll(line, "`"+dbName+"`.", "")
			}
			s.Schema = append(s.Schema, line)
		}
	}
	slices.Sort(s.Schema)
	names, err := queryText(ctx, db, relationQueries[name])
	if err != nil {
		return nil, fmt.Errorf("list the tables: %w", err)
	}
	quote := func(id string) string { return `"` + id + `"` }
	if name == "mysql" {
		quote = func(id string) string { return "`" + id + "`" }
	}
	for _, n := range names {
		if isTide(n[0]) {
			continue
		}
		t, err := sumTable(ctx, db, n[0], quote(n[0]))
		if err != nil {
			return nil, err
		}
		s.Tables[n[0]] = t
	}
	return s, nil
}

func isTide(name string) bool { return strings.HasPrefix(strings.ToLower(name), "tide_") }

// sumTable reads every row of the table or view, ordered by all of its
// columns.
func sumTable(ctx context.Context, db *sql.DB, name, quoted string) (*Table, error) {
	// One row first, to learn the number of columns.
	probe, err := db.QueryContext(ctx, `SELECT * FROM `+quoted+` WHERE 1 = 0`)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	cols, err := probe.Columns()
	probe.Close()
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	order := make([]string, len(cols))
	for i := range cols {
		order[i] = fmt.Sprint(i + 1)
	}
	rows, err := queryText(ctx, db, `SELECT * FROM `+quoted+` ORDER BY `+strings.Join(order, ", "))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	t := &Table{Rows: len(rows), keys: map[string]uint64{}}
	all := sha256.New()
	for _, r := range rows {
		h := sha256.New()
		for _, v := range r {
			var n [8]byte
			binary.BigEndian.PutUint64(n[:], uint64(len(v)))
			h.Write(n[:])
			h.Write([]byte(v))
		}
		sum := h.Sum(nil)
		all.Write(sum)
		key := r[0]
		for i := 2; ; i++ {
			if _, dup := t.keys[key]; !dup {
				break
			}
			key = fmt.Sprintf("%s#%d", r[0], i)
		}
		t.keys[key] = binary.BigEndian.Uint64(sum)
	}
	copy(t.Sum[:], all.Sum(nil))
	return t, nil
}

// queryText returns the rows of q as text, NULL as "NULL".
func queryText(ctx context.Context, db *sql.DB, q string) ([][]string, error) {
	rows, err := db.QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	vals := make([]sql.NullString, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	var out [][]string
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		r := make([]string, len(cols))
		for i, v := range vals {
			r[i] = "NULL"
			if v.Valid {
				r[i] = v.String
			}
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Diff describes how got differs from want, in a few lines; "" when they
// are equal.
func Diff(want, got *Snapshot) string {
	var b strings.Builder
	for _, l := range missing(want.Schema, got.Schema, 5) {
		fmt.Fprintf(&b, "schema: missing %s\n", l)
	}
	for _, l := range missing(got.Schema, want.Schema, 5) {
		fmt.Fprintf(&b, "schema: unexpected %s\n", l)
	}
	names := make([]string, 0, len(want.Tables))
	for n := range want.Tables {
		names = append(names, n)
	}
	for n := range got.Tables {
		if _, ok := want.Tables[n]; !ok {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	for _, n := range names {
		w, g := want.Tables[n], got.Tables[n]
		switch {
		case g == nil:
			fmt.Fprintf(&b, "rows: table %s missing\n", n)
		case w == nil:
			fmt.Fprintf(&b, "rows: unexpected table %s (%d rows)\n", n, g.Rows)
		case w.Sum != g.Sum:
			fmt.Fprintf(&b, "rows: %s has %d rows, want %d; %s\n", n, g.Rows, w.Rows, keyDiff(w.keys, g.keys))
		}
	}
	return b.String()
}

// missing returns up to max lines of a that are not in b (both sorted),
// and a count of the rest.
func missing(a, b []string, max int) []string {
	var out []string
	n := 0
	for _, l := range a {
		if _, found := slices.BinarySearch(b, l); found {
			continue
		}
		n++
		if len(out) < max {
			out = append(out, l)
		}
	}
	if n > max {
		out = append(out, fmt.Sprintf("(and %d more)", n-max))
	}
	return out
}

// keyDiff names the rows, by their first column, that differ.
func keyDiff(want, got map[string]uint64) string {
	var changed, gone, extra []string
	for k, w := range want {
		g, ok := got[k]
		switch {
		case !ok:
			gone = append(gone, k)
		case g != w:
			changed = append(changed, k)
		}
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			extra = append(extra, k)
		}
	}
	some := func(ks []string) string {
		slices.Sort(ks)
		if len(ks) > 3 {
			return strings.Join(ks[:3], ", ") + ", ..."
		}
		return strings.Join(ks, ", ")
	}
	var parts []string
	if len(changed) > 0 {
		parts = append(parts, fmt.Sprintf("%d rows changed (first column %s)", len(changed), some(changed)))
	}
	if len(gone) > 0 {
		parts = append(parts, fmt.Sprintf("%d rows missing (%s)", len(gone), some(gone)))
	}
	if len(extra) > 0 {
		parts = append(parts, fmt.Sprintf("%d rows unexpected (%s)", len(extra), some(extra)))
	}
	if len(parts) == 0 {
		return "same rows in another order"
	}
	return strings.Join(parts, "; ")
}
