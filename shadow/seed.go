package shadow

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/tidemigrate/tide/dialect"
	"github.com/tidemigrate/tide/schema"
)

// seedRows is how many rows seed puts into each empty table.
const seedRows = 3

// seed puts a few rows into every table of s that has none, parents
// before the tables whose foreign keys point at them. Values follow each
// column's type; foreign key columns take a value of the referenced
// table. A table that cannot be seeded (a check constraint that the
// values break, a type seed does not know) is named in skipped, with the
// reason; that is not a failure of the migration.
func seed(ctx context.Context, d dialect.Dialect, db *sql.DB, s *schema.Schema) (seeded, skipped []string) {
	enums := map[string][]string{}
	for _, e := range s.Enums {
		enums[e.Name] = e.Values
	}
	for _, t := range parentsFirst(s.Tables) {
		var n int
		if err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+d.QuoteIdent(t.Name)).Scan(&n); err != nil {
			skipped = append(skipped, fmt.Sprintf("%s: %v", t.Name, err))
			continue
		}
		if n > 0 {
			continue
		}
		if err := seedTable(ctx, d, db, s, t, enums); err != nil {
			skipped = append(skipped, fmt.Sprintf("%s: %v", t.Name, err))
			continue
		}
		seeded = append(seeded, t.Name)
	}
	return seeded, skipped
}

func seedTable(ctx context.Context, d dialect.Dialect, db *sql.DB, s *schema.Schema, t *schema.Table, enums map[string][]string) error {
	var cols []*schema.Column
	for _, c := range t.Columns {
		if c.Generated != "" || c.Identity == schema.IdentityAlways {
			continue
		}
		cols = append(cols, c)
	}
	refs := map[string][]any{} // column: values of the referenced column
	for _, fk := range t.ForeignKeys {
		if len(fk.Columns) != 1 || s.Table(fk.RefTable) == nil {
			continue
		}
		vals, err := columnValues(ctx, d, db, fk.RefTable, fk.RefColumns[0])
		if err != nil {
			return err
		}
		if len(vals) == 0 {
			return fmt.Errorf("referenced table %s has no rows", fk.RefTable)
		}
		refs[fk.Columns[0]] = vals
	}
	names := make([]string, len(cols))
	marks := make([]string, len(cols))
	for i, c := range cols {
		names[i], marks[i] = d.QuoteIdent(c.Name), d.Placeholder(i+1)
	}
	insert := "INSERT INTO " + d.QuoteIdent(t.Name) + " (" + strings.Join(names, ", ") + ") VALUES (" + strings.Join(marks, ", ") + ")"
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for row := 1; row <= seedRows; row++ {
		args := make([]any, len(cols))
		for i, c := range cols {
			if vals, ok := refs[c.Name]; ok {
				args[i] = vals[(row-1)%len(vals)]
				continue
			}
			v, err := seedValue(c, row, enums)
			if err != nil {
				return err
			}
			args[i] = v
		}
		if _, err := tx.ExecContext(ctx, insert, args...); err != nil {
			return err
		}
	}
	return tx.Commit()
}

func columnValues(ctx context.Context, d dialect.Dialect, db *sql.DB, table, column string) ([]any, error) {
	rows, err := db.QueryContext(ctx, "SELECT "+d.QuoteIdent(column)+" FROM "+d.QuoteIdent(table))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []any
	for rows.Next() {
		var v any
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

var lengthRE = regexp.MustCompile(`\((\d+)`)

// seedValue is the value of column c in seed row n (1-based), distinct
// per row so that unique keys hold.
func seedValue(c *schema.Column, n int, enums map[string][]string) (any, error) {
	t := strings.ToLower(c.Type)
	base := strings.TrimSpace(strings.SplitN(t, "(", 2)[0])
	switch {
	case enums[c.Type] != nil:
		vals := enums[c.Type]
		return vals[(n-1)%len(vals)], nil
	case strings.HasPrefix(t, "enum(") || strings.HasPrefix(t, "set("):
		vals := quotedValues(c.Type)
		if len(vals) == 0 {
			return nil, fmt.Errorf("column %s: no values in %s", c.Name, c.Type)
		}
		return vals[(n-1)%len(vals)], nil
	case t == "tinyint(1)" || base == "boolean" || base == "bool":
		return n%2 == 1, nil
	case strings.Contains(base, "int") || base == "serial" || base == "bigserial" || base == "smallserial":
		return n, nil
	case strings.Contains(base, "numeric") || strings.Contains(base, "decimal") || strings.Contains(base, "real") ||
		strings.Contains(base, "double") || strings.Contains(base, "float") || base == "money":
		return n, nil
	case base == "uuid":
		return fmt.Sprintf("00000000-0000-4000-8000-%012d", n), nil
	case strings.HasPrefix(base, "json"):
		return fmt.Sprintf(`{"seed": %d}`, n), nil
	case strings.Contains(base, "timestamp") || strings.Contains(base, "datetime"):
		return fmt.Sprintf("2024-01-%02d 12:00:00", n), nil
	case base == "date":
		return fmt.Sprintf("2024-01-%02d", n), nil
	case strings.HasPrefix(base, "time"):
		return fmt.Sprintf("12:00:%02d", n), nil
	case base == "year":
		return 2000 + n, nil
	case strings.Contains(base, "blob") || strings.Contains(base, "binary") || base == "bytea":
		return []byte{byte(n)}, nil
	case strings.Contains(base, "char") || strings.Contains(base, "text") || strings.Contains(base, "clob") ||
		base == "string" || base == "citext" || base == "":
		v := "seed-" + strconv.Itoa(n)
		if m := lengthRE.FindStringSubmatch(t); m != nil {
			if l, _ := strconv.Atoi(m[1]); l > 0 && l < len(v) {
				v = v[len(v)-l:]
			}
		}
		return v, nil
	}
	return nil, fmt.Errorf("column %s: no seed value for type %s", c.Name, c.Type)
}

// quotedValues returns the quoted values of enum('a','b').
func quotedValues(typ string) []string {
	var out []string
	for rest := typ; ; {
		i := strings.IndexByte(rest, '\'')
		if i < 0 {
			return out
		}
		rest = rest[i+1:]
		var b strings.Builder
		for len(rest) > 0 {
			if rest[0] == '\'' {
				if len(rest) > 1 && rest[1] == '\'' {
					b.WriteByte('\'')
					rest = rest[2:]
					continue
				}
				rest = rest[1:]
				break
			}
			b.WriteByte(rest[0])
			rest = rest[1:]
		}
		out = append(out, b.String())
	}
}

// parentsFirst orders tables so that a table comes after those its
// foreign keys reference (cycles are broken by name order).
func parentsFirst(tables []*schema.Table) []*schema.Table {
	byName := map[string]*schema.Table{}
	for _, t := range tables {
		byName[t.Name] = t
	}
	var out []*schema.Table
	state := map[string]int{} // 1: visiting, 2: done
	var visit func(t *schema.Table)
	visit = func(t *schema.Table) {
		if state[t.Name] != 0 {
			return
		}
		state[t.Name] = 1
		for _, fk := range t.ForeignKeys {
			if p := byName[fk.RefTable]; p != nil && p != t {
				visit(p)
			}
		}
		state[t.Name] = 2
		out = append(out, t)
	}
	for _, t := range tables {
		visit(t)
	}
	return out
}

// tableData is a table's row count and an order-independent checksum of
// its rows.
type tableData struct {
	rows int
	sum  string
}

// snapshot counts and checksums the rows of every table of s, over the
// columns s lists.
func snapshot(ctx context.Context, d dialect.Dialect, db *sql.DB, s *schema.Schema) (map[string]tableData, error) {
	out := map[string]tableData{}
	for _, t := range s.Tables {
		names := make([]string, len(t.Columns))
		for i, c := range t.Columns {
			names[i] = d.QuoteIdent(c.Name)
		}
		td, err := checksum(ctx, db, "SELECT "+strings.Join(names, ", ")+" FROM "+d.QuoteIdent(t.Name), len(names))
		if err != nil {
			return nil, fmt.Errorf("read the rows of %s: %w", t.Name, err)
		}
		out[t.Name] = td
	}
	return out, nil
}

func checksum(ctx context.Context, db *sql.DB, query string, n int) (tableData, error) {
	rows, err := db.QueryContext(ctx, query)
	if err != nil {
		return tableData{}, err
	}
	defer rows.Close()
	vals := make([]any, n)
	ptrs := make([]any, n)
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	var hashes []string
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return tableData{}, err
		}
		h := sha256.New()
		for _, v := range vals {
			fmt.Fprintf(h, "%T:%v\x00", v, v)
		}
		hashes = append(hashes, hex.EncodeToString(h.Sum(nil)))
	}
	if err := rows.Err(); err != nil {
		return tableData{}, err
	}
	slices.Sort(hashes)
	h := sha256.New()
	for _, x := range hashes {
		h.Write([]byte(x))
	}
	return tableData{rows: len(hashes), sum: hex.EncodeToString(h.Sum(nil))[:16]}, nil
}

// sameColumns returns the tables of before whose columns are the same in
// after: the tables whose rows can be compared (the schema changes name
// the others).
func sameColumns(before, after *schema.Schema) *schema.Schema {
	out := &schema.Schema{}
	for _, t := range before.Tables {
		u := after.Table(t.Name)
		if u != nil && slices.EqualFunc(t.Columns, u.Columns, func(a, b *schema.Column) bool { return a.Name == b.Name }) {
			out.Tables = append(out.Tables, t)
		}
	}
	return out
}

// compareData describes the tables whose rows differ between two
// snapshots; tables missing from after are not compared.
func compareData(before, after map[string]tableData) []string {
	var out []string
	for _, name := range slices.Sorted(maps.Keys(before)) {
		b := before[name]
		a, ok := after[name]
		switch {
		case !ok:
		case a.rows != b.rows:
			out = append(out, fmt.Sprintf("table %s: %d rows before up, %d after down", name, b.rows, a.rows))
		case a.sum != b.sum:
			out = append(out, fmt.Sprintf("table %s: same %d rows, different values after down (checksum %s → %s)", name, b.rows, b.sum, a.sum))
		}
	}
	return out
}
