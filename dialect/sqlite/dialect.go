// Package sqlite is tide's SQLite dialect, the embedded default.
//
// SQLite has no session locks: tide serialises migrators through its table
// lease lock, whose writes SQLite's own database lock makes atomic. Open
// the database with BEGIN IMMEDIATE transactions and a busy timeout (with
// modernc.org/sqlite: "_txlock=immediate&_pragma=busy_timeout(10000)") so
// that concurrent writers wait instead of failing. SQLite DDL is
// transactional: every migration commits together with its version record.
package sqlite

import (
	"context"
	"fmt"

	"github.com/tidemigrate/tide/dialect"
	"github.com/tidemigrate/tide/internal/sqlsplit"
)

// Dialect is the SQLite dialect. The zero value is ready to use and safe
// for concurrent use.
type Dialect struct{}

var (
	_ dialect.Dialect       = Dialect{}
	_ dialect.InstantReader = Dialect{}
	_ dialect.ColumnLister  = Dialect{}
)

// New returns the SQLite dialect.
func New() Dialect { return Dialect{} }

// Name returns "sqlite".
func (Dialect) Name() string { return "sqlite" }

// Title returns "SQLite".
func (Dialect) Title() string { return "SQLite" }

// Split splits a script by SQLite's rules, including CREATE TRIGGER bodies.
func (Dialect) Split(script string) ([]dialect.Statement, error) {
	return sqlsplit.Split(sqlsplit.SQLite, script)
}

// QuoteIdent quotes name with double quotes.
func (Dialect) QuoteIdent(name string) string { return dialect.QuoteParts(name, '"') }

// Placeholder returns "?".
func (Dialect) Placeholder(int) string { return "?" }

// TableExists reports whether table exists in the main database, or in the
// attached database that qualifies it.
func (d Dialect) TableExists(ctx context.Context, q dialect.Querier, table string) (bool, error) {
	schema, name := dialect.SplitQualified(table)
	master := "sqlite_master"
	if schema != "" {
		master = d.QuoteIdent(schema) + ".sqlite_master"
	}
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+master+` WHERE type = 'table' AND name = ?`, name).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("look up table %s: %w", table, err)
	}
	return n > 0, nil
}

// NowMillis reads the clock in milliseconds.
func (Dialect) NowMillis() string {
	return `CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)`
}

// InstantExpr returns col: SQLite keeps times as text in UTC
// (datetime('now')) or as numbers, which are read as they are.
func (Dialect) InstantExpr(col string) string { return col }

// ColumnType returns the SQL type of a column of tide's tables.
func (Dialect) ColumnType(t dialect.ColumnType) string {
	switch t {
	case dialect.Integer, dialect.BigInt:
		return "INTEGER"
	case dialect.Timestamp:
		return "TIMESTAMP"
	}
	return "TEXT"
}

// TableOptions returns what follows the columns of CREATE TABLE.
func (Dialect) TableOptions() string { return "" }

// Columns lists the columns of table in the main database, or in the
// attached database that qualifies it.
func (Dialect) Columns(ctx context.Context, q dialect.Querier, table string) ([]string, error) {
	schema, name := dialect.SplitQualified(table)
	if schema == "" {
		schema = "main"
	}
	cols, err := dialect.QueryStrings(ctx, q, `SELECT name FROM pragma_table_info(?, ?) ORDER BY cid`, name, schema)
	if err != nil {
		return nil, fmt.Errorf("list columns of %s: %w", table, err)
	}
	return cols, nil
}
