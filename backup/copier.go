package backup

import (
	"context"
	"database/sql"
	"fmt"
	"math/big"
	"strings"
	"sync"

	"github.com/tidemigrate/tide/dialect"
)

// Copier is the capability a dialect needs for backups (dialect/<db>/backup.go),
// found by type assertion: where the backup space is, how a table is
// copied into it, and how rows are checksummed. Its methods are called by
// this package, never concurrently on one connection.
type Copier interface {
	// OpenSpace makes the backup space named space usable on conn:
	// PostgreSQL's schema, MySQL's database, the file beside the SQLite
	// database, attached (SQLite fails for a database without a file).
	// With create, it creates the space if it does not exist; without,
	// it reports ok false for a space that does not exist. release undoes
	// what lasts only for the session (SQLite detaches the file); call it
	// on a context that is not cancelled.
	OpenSpace(ctx context.Context, conn *sql.Conn, space string, create bool) (release func(context.Context) error, ok bool, err error)
	// Scope returns the database that q works on and the schema that
	// unqualified table names resolve to: PostgreSQL current_database()
	// and current_schema(), MySQL DATABASE() twice, SQLite "main" twice.
	Scope(ctx context.Context, q dialect.Querier) (database, schema string, err error)
	// ResolveTable finds the table that ref names, as the database would
	// resolve it in SQL: unquoted names folded as the database folds them,
	// an unqualified name in the schema of [Copier.Scope]. It returns the
	// table's schema and name as the catalog spells them, and ok false
	// when no such base table exists.
	ResolveTable(ctx context.Context, q dialect.Querier, ref TableRef) (schema, name string, ok bool, err error)
	// Copy copies the rows of job.Source into the new table job.Target,
	// with the columns of the same types, by the database's fastest path
	// (CREATE TABLE ... AS SELECT, INSERT ... SELECT in key ranges), never
	// row by row through the client. It returns the count and checksum of
	// the rows it copied, and the size of the copy. It may compute the
	// checksum on job.Check while it copies, from the same rows, or over
	// the copy afterwards, whichever costs the database less.
	Copy(ctx context.Context, job *CopyJob) (Copied, error)
	// Checksum returns the count and checksum of the rows of table (a
	// qualified, unquoted name) that where (SQL, with args; "" for all)
	// selects. q is a *sql.Conn or *sql.Tx: the checksum may set session
	// settings that shape how values read (time zone, formats), and puts
	// them back. It uses the best method the database has (see [Sum]).
	Checksum(ctx context.Context, q dialect.Querier, table, where string, args ...any) (Sum, error)
}

// Copied is what [Copier.Copy] returns: the count and checksum of the rows
// copied, and the bytes the copy takes on disk (-1 when unknown).
type Copied struct {
	Sum
	Size int64
}

// TableRef is a table name as written in SQL: each part unquoted, and
// whether it was quoted (a quoted name keeps its case).
type TableRef struct {
	Schema, Name             string
	SchemaQuoted, NameQuoted bool
}

// String writes the reference as it names the table in messages:
// "schema.name".
func (r TableRef) String() string {
	if r.Schema == "" {
		return r.Name
	}
	return r.Schema + "." + r.Name
}

// CopyJob is one table for [Copier.Copy] to copy.
type CopyJob struct {
	// Copy and Check are two connections of the same database: the rows
	// are copied on Copy, which has the backup space open; Check is there
	// for a checksum computed at the same time.
	Copy, Check *sql.Conn
	// Source is the table to copy and Target the table to create in the
	// backup space, both qualified and unquoted.
	Source, Target string
	// Key is an integer column that identifies the rows of Source (its
	// one-column primary key), by which a big table is read in ranges
	// with progress between them; "" when it has none.
	Key string
	// BatchRows is the number of keys in a range.
	BatchRows int64
	// Progress, when not nil, is told after each range how many rows are
	// done, out of about total.
	Progress func(done, total int64)
}

// Sum is what a checksum says about a set of rows: how many there are,
// and the sum of a 64-bit hash of each, so that the order of the rows
// does not matter and the sums of two sets add up. Checksum is
// "method:decimal", the method naming how the database hashed the rows
// ("pg1", "crc", "md5", "x64"...): only sums of one method compare.
type Sum struct {
	Rows     int64
	Checksum string
}

// Method returns the method of the checksum, "" when it has none.
func (s Sum) Method() string {
	m, _, _ := strings.Cut(s.Checksum, ":")
	return m
}

// Add returns the sum of s and o, the sum of the rows of both. The zero
// Sum adds to any.
func (s Sum) Add(o Sum) (Sum, error) {
	if s.Checksum == "" {
		return Sum{Rows: s.Rows + o.Rows, Checksum: o.Checksum}, nil
	}
	m1, v1, ok1 := strings.Cut(s.Checksum, ":")
	m2, v2, ok2 := strings.Cut(o.Checksum, ":")
	a, okA := new(big.Int).SetString(v1, 10)
	b, okB := new(big.Int).SetString(v2, 10)
	if !ok1 || !ok2 || !okA || !okB || m1 != m2 {
		return Sum{}, fmt.Errorf("checksums %q and %q do not add up: not of one method", s.Checksum, o.Checksum)
	}
	return Sum{Rows: s.Rows + o.Rows, Checksum: m1 + ":" + a.Add(a, b).String()}, nil
}

// MakeSum returns the Sum of rows whose hashes add up to the decimal
// integer sum by method, for the dialects' checksums.
func MakeSum(rows int64, method, sum string) Sum {
	return Sum{Rows: rows, Checksum: method + ":" + sum}
}

// KeyRange is a range of integer keys, both ends included.
type KeyRange struct{ Lo, Hi int64 }

// KeyRanges splits the keys of table (qualified, unquoted) between the
// smallest and the largest value of its integer column key into ranges
// of batch keys, for a [Copier] that copies a big table in parts. It
// returns nil for a table whose keys span at most batch values (copy it
// in one statement), and for key "".
func KeyRanges(ctx context.Context, q dialect.Querier, d dialect.Syntax, table, key string, batch int64) ([]KeyRange, error) {
	if key == "" || batch <= 0 {
		return nil, nil
	}
	var lo, hi sql.NullInt64
	k := d.QuoteIdent(key)
	if err := q.QueryRowContext(ctx, "SELECT MIN("+k+"), MAX("+k+") FROM "+d.QuoteIdent(table)).Scan(&lo, &hi); err != nil {
		return nil, fmt.Errorf("read the key range of %s: %w", table, err)
	}
	if !lo.Valid || hi.Int64-lo.Int64 < batch {
		return nil, nil
	}
	var out []KeyRange
	for from := lo.Int64; ; from += batch {
		to := from + batch - 1
		if to >= hi.Int64 || to < from { // the last range, or an overflow near the top
			out = append(out, KeyRange{from, hi.Int64})
			return out, nil
		}
		out = append(out, KeyRange{from, to})
	}
}

// Where returns the condition that selects the range on the column key,
// with the dialect's first two placeholders, and its arguments.
func (r KeyRange) Where(d dialect.Syntax, key string) (string, []any) {
	return d.QuoteIdent(key) + " BETWEEN " + d.Placeholder(1) + " AND " + d.Placeholder(2), []any{r.Lo, r.Hi}
}

// Both runs copy and check at the same time, each on its own goroutine,
// and returns when both have returned. When one fails, the context of the
// other is cancelled; the first failure is returned.
func Both(ctx context.Context, copy, check func(ctx context.Context) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		wg    sync.WaitGroup
		once  sync.Once
		first error
	)
	for _, fn := range []func(context.Context) error{copy, check} {
		wg.Go(func() {
			if err := fn(ctx); err != nil {
				once.Do(func() { first = err })
				cancel()
			}
		})
	}
	wg.Wait()
	return first
}

// ChecksumRanges returns the count and checksum of the rows of
// job.Source through d on q: in the key ranges of job.Key, telling
// job.Progress after each, or in one statement for a table without one.
// It is for a [Copier] whose copy runs in one statement, so that a big
// table's backup still reports progress.
func ChecksumRanges(ctx context.Context, d interface {
	dialect.Syntax
	Copier
}, q dialect.Querier, job *CopyJob) (Sum, error) {
	ranges, err := KeyRanges(ctx, q, d, job.Source, job.Key, job.BatchRows)
	if err != nil || len(ranges) == 0 {
		if err != nil {
			return Sum{}, err
		}
		return d.Checksum(ctx, q, job.Source, "")
	}
	total := ranges[len(ranges)-1].Hi - ranges[0].Lo + 1
	var sum Sum
	for _, r := range ranges {
		where, args := r.Where(d, job.Key)
		s, err := d.Checksum(ctx, q, job.Source, where, args...)
		if err != nil {
			return Sum{}, err
		}
		if sum, err = sum.Add(s); err != nil {
			return Sum{}, err
		}
		if job.Progress != nil {
			job.Progress(sum.Rows, max(total, sum.Rows))
		}
	}
	return sum, nil
}
