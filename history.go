package tide

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/tidemigrate/tide/dialect"
	"github.com/tidemigrate/tide/migration"
)

// Record kinds and states of the version table.
const (
	kindMigration  = "migration"
	kindBaseline   = "baseline"
	kindRepeatable = "repeatable"
	kindAdopted    = "adopted"

	stateApplied = "applied"
	statePartial = "partial"
)

// record is one row of the version table.
type record struct {
	Key              string  // the version column: Version, or R__<name>
	Version          Version // zero for a repeatable migration
	Name             string
	Kind             string
	Checksum         string
	State            string
	Direction        Direction
	Done             int
	ProgressChecksum string
	Error            string
	Cause            Cause // why a partial run stopped
	AppliedAt        time.Time
	ExecutionMS      int64
	AppliedBy        string
	AppliedHost      string
}

// repeatable reports a record of a repeatable migration, whose key is
// R__<name> (a version never starts with a letter).
func (r record) repeatable() bool { return strings.HasPrefix(r.Key, migration.RepeatablePrefix) }

// history reads and writes the version table. It is safe for concurrent
// use.
type history struct {
	d      dialect.Dialect
	table  string // as configured, unquoted
	quoted string
}

func newHistory(d dialect.Dialect, table string) *history {
	return &history{d: d, table: table, quoted: d.QuoteIdent(table)}
}

func (h *history) exists(ctx context.Context, q dialect.Querier) (bool, error) {
	return h.d.TableExists(ctx, q, h.table)
}

// create makes the version table if it is missing. Concurrent creation by
// migrators not yet under one lock can fail on some databases (PostgreSQL
// reports a duplicate type); that failure is harmless once the table
// exists.
func (h *history) create(ctx context.Context, q dialect.Querier) error {
	return createTable(ctx, h.d, q, h.table, h.d.CreateHistoryTable(h.quoted))
}

func createTable(ctx context.Context, d dialect.Dialect, q dialect.Querier, table, ddl string) error {
	_, err := q.ExecContext(ctx, ddl)
	if err == nil {
		return nil
	}
	if ok, xerr := d.TableExists(ctx, q, table); xerr == nil && ok {
		return nil
	}
	return fmt.Errorf("create table %s: %w", table, err)
}

// list returns every record, sorted by version.
func (h *history) list(ctx context.Context, q dialect.Querier) ([]record, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+strings.Join(dialect.HistoryColumns, ", ")+` FROM `+h.quoted)
	if err != nil {
		return nil, fmt.Errorf("read version table %s: %w", h.table, err)
	}
	defer rows.Close()
	var recs []record
	for rows.Next() {
		var (
			r       record
			version string
			dir     string
			applied any
		)
		if err := rows.Scan(&version, &r.Name, &r.Kind, &r.Checksum, &r.State, &dir,
			&r.Done, &r.ProgressChecksum, &r.Error, &applied, &r.ExecutionMS, &r.AppliedBy, &r.AppliedHost); err != nil {
			return nil, fmt.Errorf("read version table %s: %w", h.table, err)
		}
		r.Key = version
		if !r.repeatable() {
			if r.Version, err = ParseVersion(version); err != nil {
				return nil, fmt.Errorf("read version table %s: bad version %q: %w", h.table, version, err)
			}
		}
		r.Direction = Direction(dir)
		if r.AppliedAt, err = scanTime(applied); err != nil {
			return nil, fmt.Errorf("read version table %s: version %s: %w", h.table, version, err)
		}
		recs = append(recs, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read version table %s: %w", h.table, err)
	}
	slices.SortFunc(recs, func(a, b record) int {
		if c := a.Version.Compare(b.Version); c != 0 {
			return c
		}
		return strings.Compare(a.Key, b.Key)
	})
	return recs, nil
}

// insert adds r.
func (h *history) insert(ctx context.Context, q dialect.Querier, r record) error {
	ph := make([]string, len(dialect.HistoryColumns))
	for i := range ph {
		ph[i] = h.d.Placeholder(i + 1)
	}
	_, err := q.ExecContext(ctx, `INSERT INTO `+h.quoted+` (`+strings.Join(dialect.HistoryColumns, ", ")+
		`) VALUES (`+strings.Join(ph, ", ")+`)`,
		r.Key, r.Name, r.Kind, r.Checksum, r.State, string(r.Direction),
		r.Done, r.ProgressChecksum, r.Error, r.AppliedAt.UTC(), r.ExecutionMS, r.AppliedBy, r.AppliedHost)
	if err != nil {
		return fmt.Errorf("record %s in %s: %w", r.Key, h.table, err)
	}
	return nil
}

// update rewrites every column of the record with r's version.
func (h *history) update(ctx context.Context, q dialect.Querier, r record) error {
	cols := dialect.HistoryColumns[1:]
	set := make([]string, len(cols))
	for i, c := range cols {
		set[i] = c + " = " + h.d.Placeholder(i+1)
	}
	res, err := q.ExecContext(ctx, `UPDATE `+h.quoted+` SET `+strings.Join(set, ", ")+
		` WHERE version = `+h.d.Placeholder(len(cols)+1),
		r.Name, r.Kind, r.Checksum, r.State, string(r.Direction),
		r.Done, r.ProgressChecksum, r.Error, r.AppliedAt.UTC(), r.ExecutionMS, r.AppliedBy, r.AppliedHost,
		r.Key)
	if err != nil {
		return fmt.Errorf("update %s in %s: %w", r.Key, h.table, err)
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		// MySQL counts changed rows, not matched ones: make sure it exists.
		var one int
		err := q.QueryRowContext(ctx, `SELECT 1 FROM `+h.quoted+` WHERE version = `+h.d.Placeholder(1), r.Key).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("update %s in %s: the record is gone", r.Key, h.table)
		}
	}
	return nil
}

// remove deletes the record with key.
func (h *history) remove(ctx context.Context, q dialect.Querier, key string) error {
	_, err := q.ExecContext(ctx, `DELETE FROM `+h.quoted+` WHERE version = `+h.d.Placeholder(1), key)
	if err != nil {
		return fmt.Errorf("delete %s from %s: %w", key, h.table, err)
	}
	return nil
}

// scanTime converts a timestamp as drivers return it: time.Time, or text
// (MySQL without parseTime, SQLite).
func scanTime(v any) (time.Time, error) {
	switch t := v.(type) {
	case time.Time:
		return t.UTC(), nil
	case []byte:
		return parseTime(string(t))
	case string:
		return parseTime(t)
	case nil:
		return time.Time{}, nil
	}
	return time.Time{}, fmt.Errorf("unexpected timestamp type %T", v)
}

var timeLayouts = []string{
	"2006-01-02 15:04:05.999999999-07:00",
	"2006-01-02 15:04:05.999999999Z07:00",
	time.RFC3339Nano,
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04:05.999999999",
}

func parseTime(s string) (time.Time, error) {
	for _, l := range timeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("cannot read timestamp %q", s)
}
