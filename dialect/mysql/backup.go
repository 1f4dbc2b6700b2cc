package mysql

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/tidemigrate/tide/backup"
	"github.com/tidemigrate/tide/dialect"
	"github.com/tidemigrate/tide/schema"
)

var (
	_ backup.Copier   = Dialect{}
	_ backup.Restorer = Dialect{}
)

// OpenSpace creates the database space if it does not exist and create
// is set.
func (d Dialect) OpenSpace(ctx context.Context, conn *sql.Conn, space string, create bool) (func(context.Context) error, bool, error) {
	noop := func(context.Context) error { return nil }
	if !create {
		var n int
		if err := conn.QueryRowContext(ctx, `SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?`, space).Scan(&n); err != nil {
			return nil, false, fmt.Errorf("look up the backup database %s: %w", space, err)
		}
		return noop, n > 0, nil
	}
	if _, err := conn.ExecContext(ctx, "CREATE DATABASE IF NOT EXISTS "+d.QuoteIdent(space)); err != nil {
		return nil, false, fmt.Errorf("create the backup database %s: %w", space, err)
	}
	return noop, true, nil
}

// Scope returns DATABASE() as both the database and the schema.
func (Dialect) Scope(ctx context.Context, q dialect.Querier) (string, string, error) {
	var db sql.NullString
	if err := q.QueryRowContext(ctx, `SELECT DATABASE()`).Scan(&db); err != nil {
		return "", "", fmt.Errorf("read the current database: %w", err)
	}
	if !db.Valid {
		return "", "", errors.New("no database selected: name it in the database URL (mysql://user@host/DB)")
	}
	return db.String, db.String, nil
}

// ResolveTable finds a base table in its database (the current one when
// unqualified), matching its name exactly, or else as a server that
// folds names (lower_case_table_names) would.
func (d Dialect) ResolveTable(ctx context.Context, q dialect.Querier, ref backup.TableRef) (string, string, bool, error) {
	schema := ref.Schema
	if schema == "" {
		_, s, err := d.Scope(ctx, q)
		if err != nil {
			return "", "", false, err
		}
		schema = s
	}
	var gotSchema, gotName string
	err := q.QueryRowContext(ctx, `SELECT TABLE_SCHEMA, TABLE_NAME FROM information_schema.TABLES
		WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND TABLE_TYPE = 'BASE TABLE'
		ORDER BY BINARY TABLE_SCHEMA = ? AND BINARY TABLE_NAME = ? DESC LIMIT 1`, schema, ref.Name, schema, ref.Name).Scan(&gotSchema, &gotName)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return "", "", false, nil
	case err != nil:
		return "", "", false, fmt.Errorf("look up table %s: %w", ref, err)
	}
	return gotSchema, gotName, true, nil
}

// Copy creates the target with the source's column types (CREATE TABLE
// ... AS SELECT ... LIMIT 0, no indexes), then copies the rows with
// INSERT ... SELECT, in key ranges with progress for a big table, in one
// REPEATABLE READ transaction, whose reads lock the rows they copy (in
// share mode) until it commits: the copy is one consistent state of the
// table. Then it checksums the copy itself, which nothing else writes:
// measured on MariaDB, that costs less than a checksum of the source at
// the same time on job.Check, whose locking reads would contend with the
// copy's.
func (d Dialect) Copy(ctx context.Context, job *backup.CopyJob) (backup.Copied, error) {
	src, dst := d.QuoteIdent(job.Source), d.QuoteIdent(job.Target)
	if _, err := job.Copy.ExecContext(ctx, "CREATE TABLE "+dst+" AS SELECT * FROM "+src+" LIMIT 0"); err != nil {
		return backup.Copied{}, fmt.Errorf("create %s: %w", job.Target, err)
	}
	ranges, err := backup.KeyRanges(ctx, job.Copy, d, job.Source, job.Key, job.BatchRows)
	if err != nil {
		return backup.Copied{}, err
	}
	tx, err := job.Copy.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead})
	if err != nil {
		return backup.Copied{}, fmt.Errorf("begin the copy: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	insert := "INSERT INTO " + dst + " SELECT * FROM " + src
	if len(ranges) == 0 {
		if _, err := tx.ExecContext(ctx, insert); err != nil {
			return backup.Copied{}, err
		}
	} else {
		total := ranges[len(ranges)-1].Hi - ranges[0].Lo + 1
		var done int64
		for _, r := range ranges {
			where, args := r.Where(d, job.Key)
			res, err := tx.ExecContext(ctx, insert+" WHERE "+where, args...)
			if err != nil {
				return backup.Copied{}, err
			}
			n, _ := res.RowsAffected()
			done += n
			if job.Progress != nil {
				job.Progress(done, max(total, done))
			}
		}
	}
	if err := tx.Commit(); err != nil {
		return backup.Copied{}, fmt.Errorf("commit the copy: %w", err)
	}
	sum, err := d.Checksum(ctx, job.Copy, job.Target, "")
	if err != nil {
		return backup.Copied{}, err
	}
	size, err := d.tableSize(ctx, job.Copy, job.Target)
	if err != nil {
		return backup.Copied{}, err
	}
	return backup.Copied{Sum: sum, Size: size}, nil
}

// Checksum sums a 64-bit hash of each row's values, with which of them
// are NULL, read in UTC: "crc", CRC32 and CRC32C of the values side by
// side, where the server has CRC32C (MariaDB 10.8 and later); else
// "md5", the first 64 bits of their MD5, twice as slow. q must be a
// connection or a transaction: the session's time zone is set for the
// query and put back.
func (d Dialect) Checksum(ctx context.Context, q dialect.Querier, table, where string, args ...any) (backup.Sum, error) {
	cols, err := d.Columns(ctx, q, table)
	if err != nil {
		return backup.Sum{}, err
	}
	if len(cols) == 0 {
		return backup.Sum{}, fmt.Errorf("checksum %s: no such table", table)
	}
	nulls := make([]string, len(cols))
	vals := make([]string, len(cols))
	for i, c := range cols {
		vals[i] = d.QuoteIdent(c)
		nulls[i] = "ISNULL(" + vals[i] + ")"
	}
	row := "CONCAT_WS(0x1f, CONCAT(" + strings.Join(nulls, ", ") + "), " + strings.Join(vals, ", ") + ")"
	method, hash := "crc", "CRC32("+row+") | CRC32C("+row+") << 32"
	if _, err := q.ExecContext(ctx, `DO CRC32C('')`); err != nil {
		method, hash = "md5", "CAST(CONV(LEFT(MD5("+row+"), 16), 16, 10) AS UNSIGNED)"
	}
	query := "SELECT COUNT(*), CAST(COALESCE(SUM(" + hash + "), 0) AS CHAR) FROM " + d.QuoteIdent(table)
	if where != "" {
		query += " WHERE " + where
	}
	if _, err := q.ExecContext(ctx, `SET @tide_time_zone = @@session.time_zone, time_zone = '+00:00'`); err != nil {
		return backup.Sum{}, fmt.Errorf("checksum %s: %w", table, err)
	}
	var rows int64
	var sum string
	err = q.QueryRowContext(ctx, query, args...).Scan(&rows, &sum)
	if _, rerr := q.ExecContext(context.WithoutCancel(ctx), `SET time_zone = @tide_time_zone`); err == nil && rerr != nil {
		err = rerr
	}
	if err != nil {
		return backup.Sum{}, fmt.Errorf("checksum %s: %w", table, err)
	}
	return backup.MakeSum(rows, method, sum), nil
}

// tableSize returns the data and index length of the table, after
// ANALYZE TABLE brings InnoDB's figures up to date.
func (d Dialect) tableSize(ctx context.Context, q dialect.Querier, table string) (int64, error) {
	rows, err := q.QueryContext(ctx, "ANALYZE TABLE "+d.QuoteIdent(table))
	if err != nil {
		return 0, fmt.Errorf("read the size of %s: %w", table, err)
	}
	if err := rows.Close(); err != nil {
		return 0, fmt.Errorf("read the size of %s: %w", table, err)
	}
	schema, name := dialect.SplitQualified(table)
	var n int64
	err = q.QueryRowContext(ctx, `SELECT COALESCE(DATA_LENGTH, 0) + COALESCE(INDEX_LENGTH, 0) FROM information_schema.TABLES
		WHERE TABLE_SCHEMA = COALESCE(NULLIF(?, ''), DATABASE()) AND TABLE_NAME = ?`, schema, name).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("read the size of %s: %w", table, err)
	}
	return n, nil
}

// BeginRestore returns conn itself: MySQL commits DDL as it runs, so a
// restore takes effect step by step.
func (Dialect) BeginRestore(_ context.Context, conn *sql.Conn) (dialect.Querier, bool, func(bool) error, error) {
	return conn, false, func(bool) error { return nil }, nil
}

// DropTable drops table with foreign_key_checks off, which MySQL needs
// to drop a table that others point at: their foreign keys stay, and bind
// to the table again once it is created under its name.
func (d Dialect) DropTable(ctx context.Context, q dialect.Querier, table string) ([]backup.Dependent, error) {
	if _, err := q.ExecContext(ctx, `SET @tide_foreign_key_checks = @@session.foreign_key_checks, foreign_key_checks = 0`); err != nil {
		return nil, err
	}
	_, err := q.ExecContext(ctx, "DROP TABLE "+d.QuoteIdent(table))
	if _, rerr := q.ExecContext(context.WithoutCancel(ctx), `SET foreign_key_checks = @tide_foreign_key_checks`); err == nil {
		err = rerr
	}
	return nil, err
}

// AfterRestore does nothing: an AUTO_INCREMENT counter moves past the
// values inserted by itself.
func (Dialect) AfterRestore(context.Context, dialect.Querier, string, *schema.Table) ([]string, error) {
	return nil, nil
}
