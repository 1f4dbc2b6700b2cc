package adopt

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/tidemigrate/tide/dialect"
	"github.com/tidemigrate/tide/internal/timestamp"
	"github.com/tidemigrate/tide/migration"
)

// columns returns the lower-cased column names of table, read from an
// empty result so that it works the same on every database.
func columns(ctx context.Context, d dialect.Dialect, q dialect.Querier, table string) (map[string]bool, error) {
	rows, err := q.QueryContext(ctx, "SELECT * FROM "+d.QuoteIdent(table)+" WHERE 1 = 0")
	if err != nil {
		return nil, fmt.Errorf("read columns of %s: %w", table, err)
	}
	defer rows.Close()
	names, err := rows.Columns()
	if err != nil {
		return nil, fmt.Errorf("read columns of %s: %w", table, err)
	}
	cols := make(map[string]bool, len(names))
	for _, n := range names {
		cols[strings.ToLower(n)] = true
	}
	return cols, rows.Err()
}

// selectFrom builds "SELECT <exprs> FROM <table> <tail>", quoting plain
// column names; a column written as "time:<name>" is read through
// [timeExpr].
func selectFrom(d dialect.Dialect, table string, cols []string, tail string) string {
	exprs := make([]string, len(cols))
	for i, c := range cols {
		if name, ok := strings.CutPrefix(c, "time:"); ok {
			exprs[i] = timeExpr(d, d.QuoteIdent(name))
		} else {
			exprs[i] = d.QuoteIdent(c)
		}
	}
	q := "SELECT " + strings.Join(exprs, ", ") + " FROM " + d.QuoteIdent(table)
	if tail != "" {
		q += " " + tail
	}
	return q
}

// timeExpr returns an expression that reads the time column col as an
// instant the scanning helpers understand, whatever its type: the
// dialect's [dialect.InstantReader] expression, or the column as it is
// (SQLite keeps times as text in UTC or as numbers).
func timeExpr(d dialect.Dialect, col string) string {
	if r, ok := d.(dialect.InstantReader); ok {
		return r.InstantExpr(col)
	}
	return col
}

// eachRow runs query and calls fn with each row's values, as the driver
// returns them (int64, float64, bool, []byte, string, time.Time or nil).
// The values are valid only during the call.
func eachRow(ctx context.Context, q dialect.Querier, query string, fn func(row []any) error) error {
	rows, err := q.QueryContext(ctx, query)
	if err != nil {
		return err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return err
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		if err := fn(vals); err != nil {
			return err
		}
	}
	return rows.Err()
}

// asString returns v as text; ok is false for NULL.
func asString(v any) (s string, ok bool) {
	switch x := v.(type) {
	case nil:
		return "", false
	case string:
		return x, true
	case []byte:
		return string(x), true
	case time.Time:
		return x.UTC().Format(time.RFC3339Nano), true
	}
	return fmt.Sprint(v), true
}

// asInt returns v as an integer; ok is false for NULL.
func asInt(v any) (n int64, ok bool, err error) {
	switch x := v.(type) {
	case nil:
		return 0, false, nil
	case int64:
		return x, true, nil
	case int32:
		return int64(x), true, nil
	case int:
		return int64(x), true, nil
	case uint64:
		if x > math.MaxInt64 {
			return 0, false, fmt.Errorf("integer %d out of range", x)
		}
		return int64(x), true, nil
	case float64:
		if x != math.Trunc(x) || math.Abs(x) > 1<<53 {
			return 0, false, fmt.Errorf("%v is not an integer", x)
		}
		return int64(x), true, nil
	case bool:
		if x {
			return 1, true, nil
		}
		return 0, true, nil
	}
	s, _ := asString(v)
	n, err = strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil {
		return 0, false, fmt.Errorf("%q is not an integer", s)
	}
	return n, true, nil
}

// asBool returns v as a boolean: bool, a number (0 is false) or text
// ("t", "true", "1", "f", "false", "0"); NULL is false.
func asBool(v any) (bool, error) {
	switch x := v.(type) {
	case nil:
		return false, nil
	case bool:
		return x, nil
	case int64, int32, int, uint64, float64:
		n, _, err := asInt(x)
		return n != 0, err
	}
	s, _ := asString(v)
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "t", "true", "1", "y", "yes", "on":
		return true, nil
	case "f", "false", "0", "n", "no", "off", "":
		return false, nil
	}
	return false, fmt.Errorf("%q is not a boolean", s)
}

// asTime returns v as an instant in UTC; ok is false for NULL. It accepts
// time.Time, text in the forms the tools leave in SQLite (RFC 3339, or
// "2006-01-02 15:04:05.000" in UTC), and numbers of seconds (with a
// fraction, as MySQL's UNIX_TIMESTAMP returns them), milliseconds or
// microseconds since the Unix epoch (told apart by magnitude: knex stores
// JavaScript milliseconds in SQLite). Zero (MySQL's zero date) is NULL.
func asTime(v any) (t time.Time, ok bool, err error) {
	switch x := v.(type) {
	case nil:
		return time.Time{}, false, nil
	case time.Time:
		if x.IsZero() {
			return time.Time{}, false, nil
		}
		return x.UTC(), true, nil
	case int64, int32, int, uint64:
		n, _, err := asInt(x)
		if err != nil {
			return time.Time{}, false, err
		}
		return epoch(float64(n), n)
	case float64:
		return epoch(x, int64(x))
	}
	s, _ := asString(v)
	s = strings.TrimSpace(s)
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return epoch(float64(n), n)
	}
	if t, ok := decimalSeconds(s); ok {
		return t, !t.IsZero(), nil
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		return epoch(f, int64(f))
	}
	parsed, perr := timestamp.Parse(s)
	if perr != nil {
		return time.Time{}, false, fmt.Errorf("%q is not a time", s)
	}
	return parsed, true, nil
}

// epoch turns a number since the Unix epoch into a time: seconds below
// 1e11 (the year 5138), milliseconds below 1e14, microseconds above. n is
// f truncated, for exact integer arithmetic.
func epoch(f float64, n int64) (time.Time, bool, error) {
	switch a := math.Abs(f); {
	case a == 0:
		return time.Time{}, false, nil
	case a < 1e11:
		sec, frac := math.Modf(f)
		return time.Unix(int64(sec), int64(math.Round(frac*1e6))*1e3).UTC(), true, nil
	case a < 1e14:
		return time.UnixMilli(n).UTC(), true, nil
	}
	return time.UnixMicro(n).UTC(), true, nil
}

// decimalSeconds parses seconds since the epoch written as a decimal
// ("1704164645.250000", as MySQL's UNIX_TIMESTAMP returns them) exactly.
func decimalSeconds(s string) (time.Time, bool) {
	whole, frac, found := strings.Cut(s, ".")
	if !found || whole == "" || len(whole) > 11 || frac == "" || len(frac) > 9 {
		return time.Time{}, false
	}
	sec, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || sec < 0 {
		return time.Time{}, false
	}
	nsec, err := strconv.ParseInt(frac+strings.Repeat("0", 9-len(frac)), 10, 64)
	if err != nil || strings.ContainsAny(frac, "+-") {
		return time.Time{}, false
	}
	if sec == 0 && nsec == 0 {
		return time.Time{}, true
	}
	return time.Unix(sec, nsec).UTC(), true
}

// leadingVersion returns the version made of the leading digits of id
// ("20240101120000_init" gives 20240101120000), or the zero Version when
// id does not start with a digit.
func leadingVersion(id string) migration.Version {
	i := 0
	for i < len(id) && id[i] >= '0' && id[i] <= '9' {
		i++
	}
	if i == 0 {
		return migration.Version{}
	}
	v, err := migration.ParseVersion(id[:i])
	if err != nil || v == migration.MustParseVersion("0") {
		return migration.Version{} // 0 is no version for the ORMs' names
	}
	return v
}

// rowError wraps a value that could not be read with its row and column.
func rowError(row, column string, err error) error {
	return fmt.Errorf("row %s: column %s: %w", row, column, err)
}

// orNull returns err, or an error saying the value is NULL when err is nil.
func orNull(err error) error {
	if err != nil {
		return err
	}
	return fmt.Errorf("value is NULL")
}
