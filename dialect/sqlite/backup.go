package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/tidemigrate/tide/backup"
	"github.com/tidemigrate/tide/dialect"
	"github.com/tidemigrate/tide/schema"
)

var (
	_ backup.Copier         = Dialect{}
	_ backup.Restorer       = Dialect{}
	_ backup.SpaceCompactor = Dialect{}
)

// BackupFileSuffix ends the name of the file beside the database that
// holds its backups: app.db keeps them in app.db.tide-backup.
const BackupFileSuffix = ".tide-backup"

// OpenSpace attaches the file beside the database as space, unless it is
// attached already; release detaches it. Without create, a file that does
// not exist is not created.
func (d Dialect) OpenSpace(ctx context.Context, conn *sql.Conn, space string, create bool) (func(context.Context) error, bool, error) {
	noop := func(context.Context) error { return nil }
	files, err := databaseFiles(ctx, conn)
	if err != nil {
		return nil, false, err
	}
	if _, ok := files[space]; ok {
		return noop, true, nil
	}
	main := files["main"]
	if main == "" {
		return nil, false, errors.New("backups need a database file: this SQLite database is in memory (or temporary), and a copy there would vanish with it")
	}
	file := main + BackupFileSuffix
	if !create {
		if _, err := os.Stat(file); errors.Is(err, fs.ErrNotExist) {
			return noop, false, nil
		}
	}
	if _, err := conn.ExecContext(ctx, "ATTACH DATABASE ? AS "+d.QuoteIdent(space), file); err != nil {
		return nil, false, fmt.Errorf("attach the backup file %s: %w", file, err)
	}
	return func(ctx context.Context) error {
		if _, err := conn.ExecContext(ctx, "DETACH DATABASE "+d.QuoteIdent(space)); err != nil {
			return fmt.Errorf("detach the backup file: %w", err)
		}
		return nil
	}, true, nil
}

// databaseFiles maps the schemas attached to conn to their files ("" for
// one in memory).
func databaseFiles(ctx context.Context, q dialect.Querier) (map[string]string, error) {
	rows, err := q.QueryContext(ctx, `SELECT name, file FROM pragma_database_list`)
	if err != nil {
		return nil, fmt.Errorf("list the attached databases: %w", err)
	}
	defer rows.Close()
	files := map[string]string{}
	for rows.Next() {
		var name, file string
		if err := rows.Scan(&name, &file); err != nil {
			return nil, fmt.Errorf("list the attached databases: %w", err)
		}
		files[name] = file
	}
	return files, rows.Err()
}

// Scope returns "main" twice.
func (Dialect) Scope(context.Context, dialect.Querier) (string, string, error) {
	return "main", "main", nil
}

// ResolveTable finds a table in main (or the attached database that
// qualifies it), matching its name without regard to case, as SQLite
// does.
func (d Dialect) ResolveTable(ctx context.Context, q dialect.Querier, ref backup.TableRef) (string, string, bool, error) {
	schema := ref.Schema
	if schema == "" {
		schema = "main"
	}
	files, err := databaseFiles(ctx, q)
	if err != nil {
		return "", "", false, err
	}
	for name := range files {
		if strings.EqualFold(name, schema) {
			schema = name
		}
	}
	if _, ok := files[schema]; !ok {
		return "", "", false, nil
	}
	var name string
	err = q.QueryRowContext(ctx, "SELECT name FROM "+d.QuoteIdent(schema)+".sqlite_master WHERE type = 'table' AND name = ? COLLATE NOCASE", ref.Name).Scan(&name)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return "", "", false, nil
	case err != nil:
		return "", "", false, fmt.Errorf("look up table %s: %w", ref, err)
	}
	return schema, name, true, nil
}

// Copy copies the table into the attached backup file while job.Check
// checksums it in rowid ranges: a table whose rowids span at most
// job.BatchRows with one CREATE TABLE ... AS SELECT, a bigger one with an
// INSERT ... SELECT per range, each committed on its own, with progress
// after each. Between ranges, other connections may write to the
// database: the migration lock's lease, which a reader holding the
// database for the whole copy would keep from being renewed. Two
// connections cannot share a snapshot in SQLite: if another connection
// committed to the source's database in between (PRAGMA data_version
// tells), the checksum is computed again over the copy, after it. The
// size of the copy is what the backup file grew by, in pages.
func (d Dialect) Copy(ctx context.Context, job *backup.CopyJob) (backup.Copied, error) {
	schema, _ := dialect.SplitQualified(job.Source)
	space, _ := dialect.SplitQualified(job.Target)
	before, err := dataVersion(ctx, job.Copy, schema)
	if err != nil {
		return backup.Copied{}, err
	}
	used, err := usedBytes(ctx, job.Copy, space)
	if err != nil {
		return backup.Copied{}, err
	}
	check := *job
	check.Key, check.Progress = "", nil
	if d.hasRowid(ctx, job.Check, job.Source) {
		check.Key = "rowid"
	}
	ranges, err := backup.KeyRanges(ctx, job.Copy, d, job.Source, check.Key, job.BatchRows)
	if err != nil {
		return backup.Copied{}, err
	}
	src, dst := d.QuoteIdent(job.Source), d.QuoteIdent(job.Target)
	var sum backup.Sum
	err = backup.Both(ctx, func(ctx context.Context) error {
		if len(ranges) == 0 {
			_, err := job.Copy.ExecContext(ctx, "CREATE TABLE "+dst+" AS SELECT * FROM "+src)
			return err
		}
		if _, err := job.Copy.ExecContext(ctx, "CREATE TABLE "+dst+" AS SELECT * FROM "+src+" WHERE 0"); err != nil {
			return err
		}
		total := ranges[len(ranges)-1].Hi - ranges[0].Lo + 1
		var done int64
		for _, r := range ranges {
			where, args := r.Where(d, "rowid")
			res, err := job.Copy.ExecContext(ctx, "INSERT INTO "+dst+" SELECT * FROM "+src+" WHERE "+where, args...)
			if err != nil {
				return err
			}
			n, _ := res.RowsAffected()
			done += n
			if job.Progress != nil {
				job.Progress(done, max(total, done))
			}
		}
		return nil
	}, func(ctx context.Context) error {
		var err error
		sum, err = backup.ChecksumRanges(ctx, d, job.Check, &check)
		return err
	})
	if err != nil {
		return backup.Copied{}, err
	}
	after, err := dataVersion(ctx, job.Copy, schema)
	if err != nil {
		return backup.Copied{}, err
	}
	if after != before {
		if sum, err = d.Checksum(ctx, job.Copy, job.Target, ""); err != nil {
			return backup.Copied{}, err
		}
	}
	grown, err := usedBytes(ctx, job.Copy, space)
	if err != nil {
		return backup.Copied{}, err
	}
	return backup.Copied{Sum: sum, Size: grown - used}, nil
}

// usedBytes returns the bytes of the pages of the database schema that
// are in use (not on its free list).
func usedBytes(ctx context.Context, q dialect.Querier, schema string) (int64, error) {
	var pages, free, size int64
	s := Dialect{}.QuoteIdent(schema)
	for _, p := range []struct {
		pragma string
		dst    *int64
	}{{"page_count", &pages}, {"freelist_count", &free}, {"page_size", &size}} {
		if err := q.QueryRowContext(ctx, "PRAGMA "+s+"."+p.pragma).Scan(p.dst); err != nil {
			return 0, fmt.Errorf("read the size of %s: %w", schema, err)
		}
	}
	return (pages - free) * size, nil
}

// hasRowid reports whether table has a rowid (it is not WITHOUT ROWID).
func (d Dialect) hasRowid(ctx context.Context, q dialect.Querier, table string) bool {
	rows, err := q.QueryContext(ctx, "SELECT rowid FROM "+d.QuoteIdent(table)+" LIMIT 0")
	if err != nil {
		return false
	}
	return rows.Close() == nil
}

// dataVersion reads PRAGMA data_version of schema on conn: it changes
// when another connection commits to that database.
func dataVersion(ctx context.Context, q dialect.Querier, schema string) (int64, error) {
	if schema == "" {
		schema = "main"
	}
	var v int64
	if err := q.QueryRowContext(ctx, "PRAGMA "+Dialect{}.QuoteIdent(schema)+".data_version").Scan(&v); err != nil {
		return 0, fmt.Errorf("read the data version of %s: %w", schema, err)
	}
	return v, nil
}

// Checksum aggregates the table's rows with [ChecksumFunction], which
// the program must have registered with its driver.
func (d Dialect) Checksum(ctx context.Context, q dialect.Querier, table, where string, args ...any) (backup.Sum, error) {
	schema, name := dialect.SplitQualified(table)
	if schema == "" {
		schema = "main"
	}
	// The columns SELECT * returns: generated ones too, hidden ones of
	// virtual tables not.
	cols, err := dialect.QueryStrings(ctx, q, `SELECT name FROM pragma_table_xinfo(?, ?) WHERE hidden <> 1 ORDER BY cid`, name, schema)
	if err != nil {
		return backup.Sum{}, fmt.Errorf("read the columns of %s: %w", table, err)
	}
	if len(cols) == 0 {
		return backup.Sum{}, fmt.Errorf("checksum %s: no such table", table)
	}
	for i, c := range cols {
		cols[i] = d.QuoteIdent(c)
	}
	query := "SELECT count(*), COALESCE(" + ChecksumFunction + "(" + strings.Join(cols, ", ") + "), '0') FROM " + d.QuoteIdent(table)
	if where != "" {
		query += " WHERE " + where
	}
	var rows int64
	var sum string
	if err := q.QueryRowContext(ctx, query, args...).Scan(&rows, &sum); err != nil {
		if strings.Contains(err.Error(), "no such function: "+ChecksumFunction) {
			return backup.Sum{}, fmt.Errorf("checksum %s: %w (backups on SQLite need tide's checksum function: with modernc.org/sqlite, call modernc.Register() of package github.com/tidemigrate/tide/dialect/sqlite/modernc before opening the database)", table, err)
		}
		return backup.Sum{}, fmt.Errorf("checksum %s: %w", table, err)
	}
	return backup.MakeSum(rows, checksumMethod, sum), nil
}

// BeginRestore turns foreign key enforcement off for conn (SQLite cannot
// while a transaction is open, and dropping a table others point at
// would otherwise delete or refuse their rows), and begins a transaction:
// SQLite's DDL is transactional, so a restore takes effect whole or not
// at all. Before committing, end checks every foreign key of the
// database (PRAGMA foreign_key_check) and rolls back on a violation; it
// turns enforcement back on as it was.
func (Dialect) BeginRestore(ctx context.Context, conn *sql.Conn) (dialect.Querier, bool, func(bool) error, error) {
	var enforced bool
	if err := conn.QueryRowContext(ctx, `PRAGMA foreign_keys`).Scan(&enforced); err != nil {
		return nil, false, nil, fmt.Errorf("read foreign key enforcement: %w", err)
	}
	if _, err := conn.ExecContext(ctx, `PRAGMA foreign_keys = OFF`); err != nil {
		return nil, false, nil, fmt.Errorf("turn foreign key enforcement off: %w", err)
	}
	restore := func() error {
		if !enforced {
			return nil
		}
		_, err := conn.ExecContext(context.WithoutCancel(ctx), `PRAGMA foreign_keys = ON`)
		return err
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return nil, false, nil, errors.Join(fmt.Errorf("begin the restore: %w", err), restore())
	}
	return tx, true, func(commit bool) error {
		if !commit {
			return errors.Join(tx.Rollback(), restore())
		}
		if err := foreignKeyViolations(ctx, tx); err != nil {
			return errors.Join(err, tx.Rollback(), restore())
		}
		return errors.Join(tx.Commit(), restore())
	}, nil
}

// foreignKeyViolations returns an error naming the first rows that break
// a foreign key, or nil.
func foreignKeyViolations(ctx context.Context, q dialect.Querier) error {
	rows, err := q.QueryContext(ctx, `SELECT "table", rowid, parent FROM pragma_foreign_key_check LIMIT 5`)
	if err != nil {
		return fmt.Errorf("check the foreign keys: %w", err)
	}
	defer rows.Close()
	var bad []string
	for rows.Next() {
		var table, parent string
		var rowid sql.NullInt64
		if err := rows.Scan(&table, &rowid, &parent); err != nil {
			return fmt.Errorf("check the foreign keys: %w", err)
		}
		bad = append(bad, fmt.Sprintf("%s row %d points at a missing row of %s", table, rowid.Int64, parent))
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("check the foreign keys: %w", err)
	}
	if len(bad) > 0 {
		return fmt.Errorf("the restore would break foreign keys: %s", strings.Join(bad, "; "))
	}
	return nil
}

// DropTable drops table; [Dialect.BeginRestore] turned foreign key
// enforcement off, so the tables that point at it keep their rows and
// their foreign keys, which hold again once it is created.
func (d Dialect) DropTable(ctx context.Context, q dialect.Querier, table string) ([]backup.Dependent, error) {
	_, err := q.ExecContext(ctx, "DROP TABLE "+d.QuoteIdent(table))
	return nil, err
}

// AfterRestore does nothing: SQLite moves an AUTOINCREMENT counter past
// the values inserted by itself.
func (Dialect) AfterRestore(context.Context, dialect.Querier, string, *schema.Table) ([]string, error) {
	return nil, nil
}

// CompactSpace runs VACUUM on the backup file.
func (d Dialect) CompactSpace(ctx context.Context, conn *sql.Conn, space string) error {
	if _, err := conn.ExecContext(ctx, "VACUUM "+d.QuoteIdent(space)); err != nil {
		return fmt.Errorf("compact the backup file: %w", err)
	}
	return nil
}
