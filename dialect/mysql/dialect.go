// Package mysql is tide's MySQL and MariaDB dialect.
//
// MySQL DDL commits implicitly, so a migration that holds DDL cannot be
// atomic. tide runs such a migration statement by statement and records
// after each one how many took effect, so a failed migration can be resumed
// exactly once its file is fixed. A migration of DML only runs in one
// transaction with its version record. Locks are GET_LOCK named after the
// database and version table; lock_wait_timeout bounds DDL lock waits.
package mysql

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/tidemigrate/tide/dialect"
	"github.com/tidemigrate/tide/internal/sqlsplit"
)

// Dialect is the MySQL/MariaDB dialect. The zero value is ready to use and
// safe for concurrent use.
type Dialect struct{}

var (
	_ dialect.Dialect           = Dialect{}
	_ dialect.LockTimeoutSetter = Dialect{}
	_ dialect.ImplicitCommitter = Dialect{}
	_ dialect.ClientScripter    = Dialect{}
	_ dialect.InstantReader     = Dialect{}
	_ dialect.ColumnLister      = Dialect{}
)

// New returns the MySQL/MariaDB dialect.
func New() Dialect { return Dialect{} }

// Name returns "mysql".
func (Dialect) Name() string { return "mysql" }

// Title returns "MySQL".
func (Dialect) Title() string { return "MySQL" }

// Split splits a script as the mysql client does: backslash escapes, #
// comments, BEGIN...END bodies of stored programs and DELIMITER lines.
func (Dialect) Split(script string) ([]dialect.Statement, error) {
	return sqlsplit.Split(sqlsplit.MySQL, script)
}

// QuoteIdent quotes name with backticks.
func (Dialect) QuoteIdent(name string) string { return dialect.QuoteParts(name, '`') }

// Placeholder returns "?".
func (Dialect) Placeholder(int) string { return "?" }

// TableExists reports whether table exists in its schema, or in the
// current database when unqualified.
func (Dialect) TableExists(ctx context.Context, q dialect.Querier, table string) (bool, error) {
	schema, name := dialect.SplitQualified(table)
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM information_schema.tables
		WHERE table_schema = COALESCE(NULLIF(?, ''), DATABASE()) AND table_name = ?`, schema, name).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("look up table %s: %w", table, err)
	}
	return n > 0, nil
}

// NowMillis reads the server clock in milliseconds.
func (Dialect) NowMillis() string {
	return `CAST(UNIX_TIMESTAMP(CURRENT_TIMESTAMP(3)) * 1000 AS SIGNED)`
}

// InstantExpr reads col with UNIX_TIMESTAMP: TIMESTAMP and DATETIME values
// are shown in the session's zone, in which now() wrote them, and
// UNIX_TIMESTAMP turns them back into seconds since the epoch (with a
// fraction when the column has one).
func (Dialect) InstantExpr(col string) string { return "UNIX_TIMESTAMP(" + col + ")" }

// SetLockTimeout sets lock_wait_timeout (metadata locks, which DDL takes)
// and innodb_lock_wait_timeout (row locks) for the session. Both count
// whole seconds: d is rounded up (0 stays 0: lock_wait_timeout 0 gives up
// at once). A finer timeout, as tide's default 200ms, is kept by tide
// itself, which watches a statement waiting for a metadata lock
// ([Dialect.WaitingForLock]) and cancels it: the server's whole seconds
// are the bound should the watch fail. (lock_wait_timeout 0, no wait at
// all, would spare the application even those milliseconds, but starves
// the DDL on a busy table: any query running at that instant makes it
// fail, try after try.)
func (Dialect) SetLockTimeout(ctx context.Context, conn *sql.Conn, d time.Duration) (func(context.Context) error, error) {
	secs := int64((d + time.Second - 1) / time.Second)
	meta := strconv.FormatInt(secs, 10)
	row := strconv.FormatInt(max(secs, 1), 10)
	var prevMeta, prevRow string
	if err := conn.QueryRowContext(ctx, `SELECT @@SESSION.lock_wait_timeout, @@SESSION.innodb_lock_wait_timeout`).Scan(&prevMeta, &prevRow); err != nil {
		return nil, fmt.Errorf("read lock_wait_timeout: %w", err)
	}
	set := func(ctx context.Context, meta, row string) error {
		_, err := conn.ExecContext(ctx, `SET SESSION lock_wait_timeout = `+meta+`, SESSION innodb_lock_wait_timeout = `+row)
		return err
	}
	if _, err := strconv.ParseFloat(prevMeta, 64); err != nil {
		return nil, fmt.Errorf("read lock_wait_timeout: unexpected value %q", prevMeta)
	}
	if _, err := strconv.ParseFloat(prevRow, 64); err != nil {
		return nil, fmt.Errorf("read innodb_lock_wait_timeout: unexpected value %q", prevRow)
	}
	if err := set(ctx, meta, row); err != nil {
		return nil, fmt.Errorf("set lock_wait_timeout: %w", err)
	}
	return func(ctx context.Context) error {
		if err := set(ctx, prevMeta, prevRow); err != nil {
			return fmt.Errorf("restore lock_wait_timeout: %w", err)
		}
		return nil
	}, nil
}

// ColumnType returns the SQL type of a column of tide's tables.
func (Dialect) ColumnType(t dialect.ColumnType) string {
	switch t {
	case dialect.KeyText, dialect.ShortText:
		return "VARCHAR(255)"
	case dialect.LongText:
		return "LONGTEXT"
	case dialect.Integer:
		return "INT"
	case dialect.BigInt:
		return "BIGINT"
	case dialect.Timestamp:
		return "DATETIME(6)"
	}
	return "LONGTEXT"
}

// TableOptions returns what follows the columns of CREATE TABLE.
func (Dialect) TableOptions() string { return "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4" }

// ClientStatement terminates stmt for the mysql client: with ";", or, for a
// statement with semicolons inside (a routine or trigger body), between
// DELIMITER lines.
func (Dialect) ClientStatement(stmt string) string {
	if !strings.Contains(stmt, ";") {
		return stmt + ";"
	}
	delim := "//"
	for _, c := range []string{"//", "$$", ";;", "@@"} {
		if !strings.Contains(stmt, c) {
			delim = c
			break
		}
	}
	return "DELIMITER " + delim + "\n" + stmt + "\n" + delim + "\nDELIMITER ;"
}

// Columns lists the columns of table in its schema, or in the current
// database when unqualified.
func (Dialect) Columns(ctx context.Context, q dialect.Querier, table string) ([]string, error) {
	schema, name := dialect.SplitQualified(table)
	cols, err := dialect.QueryStrings(ctx, q, `SELECT column_name FROM information_schema.columns
		WHERE table_schema = COALESCE(NULLIF(?, ''), DATABASE()) AND table_name = ? ORDER BY ordinal_position`, schema, name)
	if err != nil {
		return nil, fmt.Errorf("list columns of %s: %w", table, err)
	}
	return cols, nil
}
