package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/tidemigrate/tide/backup"
	"github.com/tidemigrate/tide/dialect"
	"github.com/tidemigrate/tide/schema"
)

var (
	_ backup.Copier   = Dialect{}
	_ backup.Restorer = Dialect{}
)

// OpenSpace creates the schema space if it does not exist and create is
// set.
func (d Dialect) OpenSpace(ctx context.Context, conn *sql.Conn, space string, create bool) (func(context.Context) error, bool, error) {
	noop := func(context.Context) error { return nil }
	exists := func() (bool, error) {
		var ok bool
		err := conn.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1)`, space).Scan(&ok)
		return ok, err
	}
	if !create {
		ok, err := exists()
		if err != nil {
			return nil, false, fmt.Errorf("look up the backup schema %s: %w", space, err)
		}
		return noop, ok, nil
	}
	if _, err := conn.ExecContext(ctx, "CREATE SCHEMA IF NOT EXISTS "+d.QuoteIdent(space)); err != nil {
		// Two sessions creating it at once: the second fails on the
		// catalog's unique index, and the schema is there.
		if ok, qerr := exists(); qerr != nil || !ok {
			return nil, false, fmt.Errorf("create the backup schema %s: %w", space, err)
		}
	}
	return noop, true, nil
}

// Scope returns current_database() and current_schema().
func (Dialect) Scope(ctx context.Context, q dialect.Querier) (string, string, error) {
	var db string
	var schema sql.NullString
	if err := q.QueryRowContext(ctx, `SELECT current_database(), current_schema()`).Scan(&db, &schema); err != nil {
		return "", "", fmt.Errorf("read the current schema: %w", err)
	}
	if !schema.Valid {
		return "", "", errors.New("no current schema: search_path names no schema that exists")
	}
	return db, schema.String, nil
}

// ResolveTable finds a base or partitioned table as PostgreSQL resolves
// its name: unquoted parts folded to lower case, an unqualified name
// through search_path.
func (d Dialect) ResolveTable(ctx context.Context, q dialect.Querier, ref backup.TableRef) (string, string, bool, error) {
	name := foldIdent(ref.Name, ref.NameQuoted)
	if ref.Schema != "" {
		name = d.QuoteIdent(foldIdent(ref.Schema, ref.SchemaQuoted)) + "." + d.QuoteIdent(name)
	} else {
		name = d.QuoteIdent(name)
	}
	var schema, table string
	err := q.QueryRowContext(ctx, `SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE c.oid = to_regclass($1) AND c.relkind IN ('r', 'p')`, name).Scan(&schema, &table)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return "", "", false, nil
	case err != nil:
		return "", "", false, fmt.Errorf("look up table %s: %w", ref, err)
	}
	return schema, table, true, nil
}

// foldIdent folds an unquoted identifier to lower case, as PostgreSQL
// does (ASCII letters only).
func foldIdent(s string, quoted bool) string {
	if quoted {
		return s
	}
	return strings.Map(func(r rune) rune {
		if 'A' <= r && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}, s)
}

// snapshotID is what pg_export_snapshot returns.
var snapshotID = regexp.MustCompile(`^[0-9A-Fa-f-]+$`)

// Copy copies the table with one CREATE TABLE ... AS SELECT (PostgreSQL's
// fastest path: a bulk insert, faster than INSERT ... SELECT in ranges)
// in a repeatable-read transaction whose snapshot it exports to job.Check,
// which computes the checksum of the same rows at the same time, in key
// ranges with progress.
func (d Dialect) Copy(ctx context.Context, job *backup.CopyJob) (backup.Copied, error) {
	copyTx, err := job.Copy.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead})
	if err != nil {
		return backup.Copied{}, fmt.Errorf("begin the copy: %w", err)
	}
	defer func() { _ = copyTx.Rollback() }()
	var snap string
	if err := copyTx.QueryRowContext(ctx, `SELECT pg_export_snapshot()`).Scan(&snap); err != nil {
		return backup.Copied{}, fmt.Errorf("export the copy's snapshot: %w", err)
	}
	if !snapshotID.MatchString(snap) {
		return backup.Copied{}, fmt.Errorf("unexpected snapshot id %q", snap)
	}
	checkTx, err := job.Check.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if err != nil {
		return backup.Copied{}, fmt.Errorf("begin the checksum: %w", err)
	}
	defer func() { _ = checkTx.Rollback() }()
	if _, err := checkTx.ExecContext(ctx, `SET TRANSACTION SNAPSHOT '`+snap+`'`); err != nil {
		return backup.Copied{}, fmt.Errorf("share the copy's snapshot: %w", err)
	}
	var sum backup.Sum
	err = backup.Both(ctx, func(ctx context.Context) error {
		_, err := copyTx.ExecContext(ctx, "CREATE TABLE "+d.QuoteIdent(job.Target)+" AS SELECT * FROM "+d.QuoteIdent(job.Source))
		return err
	}, func(ctx context.Context) error {
		var err error
		sum, err = d.checksumRanges(ctx, checkTx, job)
		return err
	})
	if err != nil {
		return backup.Copied{}, err
	}
	if err := checkTx.Commit(); err != nil {
		return backup.Copied{}, fmt.Errorf("end the checksum: %w", err)
	}
	if err := copyTx.Commit(); err != nil {
		return backup.Copied{}, fmt.Errorf("commit the copy: %w", err)
	}
	out := backup.Copied{Sum: sum, Size: -1}
	if err := job.Copy.QueryRowContext(ctx, `SELECT pg_total_relation_size(to_regclass($1))`, d.QuoteIdent(job.Target)).Scan(&out.Size); err != nil {
		return backup.Copied{}, fmt.Errorf("read the size of %s: %w", job.Target, err)
	}
	return out, nil
}

// Checksum sums hash_record_extended of each row (PostgreSQL 14 and
// later; a hash of the row's text before), with the columns of types
// without an extended hash function (json, xml, point...) read as text,
// under fixed settings for the text forms (UTC, ISO dates). q must be a
// transaction: the settings are local to it.
func (d Dialect) Checksum(ctx context.Context, q dialect.Querier, table, where string, args ...any) (backup.Sum, error) {
	sum, err := d.summer(ctx, q, table)
	if err != nil {
		return backup.Sum{}, err
	}
	return sum(where, args...)
}

// summer prepares q for checksums of table (its row hash, read from the
// catalog once, and the settings of the text forms) and returns the
// function that sums the rows a condition selects.
func (d Dialect) summer(ctx context.Context, q dialect.Querier, table string) (func(where string, args ...any) (backup.Sum, error), error) {
	method, hash, err := d.rowHash(ctx, q, table)
	if err != nil {
		return nil, err
	}
	if _, err := q.ExecContext(ctx, `SELECT set_config('TimeZone', 'UTC', true), set_config('DateStyle', 'ISO, YMD', true),
		set_config('IntervalStyle', 'postgres', true), set_config('extra_float_digits', '1', true), set_config('bytea_output', 'hex', true)`); err != nil {
		return nil, fmt.Errorf("checksum %s: %w", table, err)
	}
	query := "SELECT count(*), COALESCE(sum(" + hash + "), 0)::text FROM " + d.QuoteIdent(table) + " AS tide_row"
	return func(where string, args ...any) (backup.Sum, error) {
		query := query
		if where != "" {
			query += " WHERE " + where
		}
		var rows int64
		var sum string
		if err := q.QueryRowContext(ctx, query, args...).Scan(&rows, &sum); err != nil {
			return backup.Sum{}, fmt.Errorf("checksum %s: %w", table, err)
		}
		return backup.MakeSum(rows, method, sum), nil
	}, nil
}

// checksumRanges checksums job.Source through q in the key ranges of
// job.Key, telling job.Progress after each, or in one statement.
func (d Dialect) checksumRanges(ctx context.Context, q dialect.Querier, job *backup.CopyJob) (backup.Sum, error) {
	sum, err := d.summer(ctx, q, job.Source)
	if err != nil {
		return backup.Sum{}, err
	}
	ranges, err := backup.KeyRanges(ctx, q, d, job.Source, job.Key, job.BatchRows)
	if err != nil || len(ranges) == 0 {
		if err != nil {
			return backup.Sum{}, err
		}
		return sum("")
	}
	total := ranges[len(ranges)-1].Hi - ranges[0].Lo + 1
	var all backup.Sum
	for _, r := range ranges {
		where, args := r.Where(d, job.Key)
		s, err := sum(where, args...)
		if err != nil {
			return backup.Sum{}, err
		}
		if all, err = all.Add(s); err != nil {
			return backup.Sum{}, err
		}
		if job.Progress != nil {
			job.Progress(all.Rows, max(total, all.Rows))
		}
	}
	return all, nil
}

// rowHash returns the method and the expression hashing a row of table,
// aliased tide_row: "pg14", hash_record_extended of the whole row when
// every column's type has an extended hash function, else of a ROW of the
// columns with the others cast to text; "pgtext", a hash of the row's
// text, before PostgreSQL 14.
func (d Dialect) rowHash(ctx context.Context, q dialect.Querier, table string) (method, expr string, err error) {
	var version int
	if err := q.QueryRowContext(ctx, `SELECT current_setting('server_version_num')::int`).Scan(&version); err != nil {
		return "", "", fmt.Errorf("read the server version: %w", err)
	}
	if version < 140000 { // no hash_record_extended
		return "pgtext", "hashtextextended(tide_row::text, 0)", nil
	}
	rows, err := q.QueryContext(ctx, `SELECT a.attname, EXISTS (
			SELECT 1 FROM pg_opclass oc
			JOIN pg_am am ON am.oid = oc.opcmethod
			JOIN pg_amproc p ON p.amprocfamily = oc.opcfamily AND p.amprocnum = 2
				AND p.amproclefttype = oc.opcintype AND p.amprocrighttype = oc.opcintype
			WHERE am.amname = 'hash' AND oc.opcdefault
				AND oc.opcintype = CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE a.atttypid END)
		FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
		WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped
		ORDER BY a.attnum`, d.QuoteIdent(table))
	if err != nil {
		return "", "", fmt.Errorf("read the columns of %s: %w", table, err)
	}
	defer rows.Close()
	var cols []string
	all := true
	for rows.Next() {
		var name string
		var hashable bool
		if err := rows.Scan(&name, &hashable); err != nil {
			return "", "", fmt.Errorf("read the columns of %s: %w", table, err)
		}
		col := "tide_row." + d.QuoteIdent(name)
		if !hashable {
			col += "::text"
		}
		cols = append(cols, col)
		all = all && hashable
	}
	if err := rows.Err(); err != nil {
		return "", "", fmt.Errorf("read the columns of %s: %w", table, err)
	}
	if all {
		return "pg14", "hash_record_extended(tide_row, 0)", nil
	}
	return "pg14", "hash_record_extended(ROW(" + strings.Join(cols, ", ") + "), 0)", nil
}

// BeginRestore begins a transaction: PostgreSQL's DDL is transactional,
// so a restore takes effect whole or not at all.
func (Dialect) BeginRestore(ctx context.Context, conn *sql.Conn) (dialect.Querier, bool, func(bool) error, error) {
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return nil, false, nil, fmt.Errorf("begin the restore: %w", err)
	}
	return tx, true, func(commit bool) error {
		if !commit {
			return tx.Rollback()
		}
		return tx.Commit()
	}, nil
}

// AfterRestore moves the sequence of each identity or serial column of
// the table past the largest value restored.
func (d Dialect) AfterRestore(ctx context.Context, q dialect.Querier, table string, t *schema.Table) ([]string, error) {
	var actions []string
	for _, c := range t.Columns {
		if c.Identity == "" && !strings.HasPrefix(c.Default, "nextval(") {
			continue
		}
		var seq sql.NullString
		var top sql.NullInt64
		err := q.QueryRowContext(ctx, "SELECT pg_get_serial_sequence($1, $2), (SELECT max("+d.QuoteIdent(c.Name)+") FROM "+d.QuoteIdent(table)+")::bigint",
			d.QuoteIdent(table), c.Name).Scan(&seq, &top)
		if err != nil {
			return nil, fmt.Errorf("read the sequence of column %s: %w", c.Name, err)
		}
		if !seq.Valid || !top.Valid {
			continue
		}
		if _, err := q.ExecContext(ctx, `SELECT setval($1::regclass, $2)`, seq.String, top.Int64); err != nil {
			return nil, fmt.Errorf("move sequence %s: %w", seq.String, err)
		}
		actions = append(actions, fmt.Sprintf("set sequence %s to %d, the largest %s restored", seq.String, top.Int64, c.Name))
	}
	return actions, nil
}
