// Package postgres is tide's PostgreSQL dialect.
//
// It takes session advisory locks (pg_advisory_lock, keyed by schema and
// version table) and sets lock_timeout around each migration, so DDL that
// waits behind a long query fails fast instead of blocking every other
// query on the table. PostgreSQL DDL is transactional: every migration not
// marked no-transaction commits together with its version record.
package postgres

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"time"

	"github.com/tidemigrate/tide/dialect"
	"github.com/tidemigrate/tide/internal/sqlsplit"
)

// Dialect is the PostgreSQL dialect. The zero value is ready to use and safe
// for concurrent use.
type Dialect struct{}

var (
	_ dialect.Dialect                = Dialect{}
	_ dialect.LockTimeoutSetter      = Dialect{}
	_ dialect.LocalLockTimeoutSetter = Dialect{}
	_ dialect.InstantReader          = Dialect{}
	_ dialect.ColumnLister           = Dialect{}
)

// New returns the PostgreSQL dialect.
func New() Dialect { return Dialect{} }

// Name returns "postgres".
func (Dialect) Name() string { return "postgres" }

// Title returns "PostgreSQL".
func (Dialect) Title() string { return "PostgreSQL" }

// Split splits a script by PostgreSQL's rules: dollar quoting, E” strings,
// nested block comments and BEGIN ATOMIC bodies.
func (Dialect) Split(script string) ([]dialect.Statement, error) {
	return sqlsplit.Split(sqlsplit.Postgres, script)
}

// QuoteIdent quotes name with double quotes.
func (Dialect) QuoteIdent(name string) string { return dialect.QuoteParts(name, '"') }

// Placeholder returns "$n".
func (Dialect) Placeholder(n int) string { return "$" + strconv.Itoa(n) }

// TableExists reports whether table exists, resolved through search_path
// when unqualified.
func (d Dialect) TableExists(ctx context.Context, q dialect.Querier, table string) (bool, error) {
	var exists bool
	err := q.QueryRowContext(ctx, `SELECT to_regclass($1) IS NOT NULL`, d.QuoteIdent(table)).Scan(&exists)
	if err != nil {
		return false, fmt.Errorf("look up table %s: %w", table, err)
	}
	return exists, nil
}

// NowMillis reads the wall clock, not the transaction start time.
func (Dialect) NowMillis() string {
	return `(extract(epoch from clock_timestamp()) * 1000)::bigint`
}

// InstantExpr casts col to timestamptz: a timestamp without time zone
// (goose, Flyway) holds the wall clock of the session that wrote it with
// now() and is read in the session's zone; a timestamptz column (knex,
// Prisma) is left as it is.
func (Dialect) InstantExpr(col string) string { return "CAST(" + col + " AS timestamptz)" }

// SetLockTimeout sets lock_timeout for the session of conn.
func (Dialect) SetLockTimeout(ctx context.Context, conn *sql.Conn, d time.Duration) (func(context.Context) error, error) {
	return setSetting(ctx, conn, "lock_timeout", strconv.FormatInt(d.Milliseconds(), 10)+"ms")
}

// SetLocalLockTimeout sets lock_timeout until the end of the transaction.
func (Dialect) SetLocalLockTimeout(ctx context.Context, tx dialect.Querier, d time.Duration) error {
	if _, err := tx.ExecContext(ctx, `SELECT set_config('lock_timeout', $1, true)`, strconv.FormatInt(d.Milliseconds(), 10)+"ms"); err != nil {
		return fmt.Errorf("set lock_timeout: %w", err)
	}
	return nil
}

// setSetting sets a session setting and returns a function restoring it.
func setSetting(ctx context.Context, conn *sql.Conn, name, value string) (func(context.Context) error, error) {
	var prev string
	if err := conn.QueryRowContext(ctx, `SELECT current_setting($1)`, name).Scan(&prev); err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	if _, err := conn.ExecContext(ctx, `SELECT set_config($1, $2, false)`, name, value); err != nil {
		return nil, fmt.Errorf("set %s: %w", name, err)
	}
	return func(ctx context.Context) error {
		if _, err := conn.ExecContext(ctx, `SELECT set_config($1, $2, false)`, name, prev); err != nil {
			return fmt.Errorf("restore %s: %w", name, err)
		}
		return nil
	}, nil
}

// ColumnType returns the SQL type of a column of tide's tables.
func (Dialect) ColumnType(t dialect.ColumnType) string {
	switch t {
	case dialect.KeyText, dialect.ShortText, dialect.LongText:
		return "text"
	case dialect.Integer:
		return "integer"
	case dialect.BigInt:
		return "bigint"
	case dialect.Timestamp:
		return "timestamptz"
	}
	return "text"
}

// TableOptions returns what follows the columns of CREATE TABLE.
func (Dialect) TableOptions() string { return "" }

// Columns lists the columns of table, resolved through search_path when
// unqualified.
func (d Dialect) Columns(ctx context.Context, q dialect.Querier, table string) ([]string, error) {
	cols, err := dialect.QueryStrings(ctx, q, `SELECT attname FROM pg_catalog.pg_attribute
		WHERE attrelid = to_regclass($1) AND attnum > 0 AND NOT attisdropped ORDER BY attnum`, d.QuoteIdent(table))
	if err != nil {
		return nil, fmt.Errorf("list columns of %s: %w", table, err)
	}
	return cols, nil
}
