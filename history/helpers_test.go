package history_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/tidemigrate/tide/dialect"
	"github.com/tidemigrate/tide/history"
	"github.com/tidemigrate/tide/internal/testdb"
	"github.com/tidemigrate/tide/migration"
)

// onEachDatabase runs test in parallel on a fresh database of each kind:
// SQLite always, PostgreSQL and MySQL when their URLs are set.
func onEachDatabase(t *testing.T, test func(t *testing.T, db *testdb.DB)) {
	t.Helper()
	for _, kind := range testdb.Kinds() {
		t.Run(strings.ToLower(kind), func(t *testing.T) {
			t.Parallel()
			test(t, testdb.New(t, kind))
		})
	}
}

// createSchema1 creates table as tide did before schema versions, from
// testdata/schema1/<dialect>.sql.
func createSchema1(t *testing.T, db *testdb.DB, table string) {
	t.Helper()
	ddl, err := os.ReadFile(filepath.Join("testdata", "schema1", db.Dialect.Name()+".sql"))
	if err != nil {
		t.Fatal(err)
	}
	stmt := strings.ReplaceAll(string(ddl), "{{table}}", db.Dialect.QuoteIdent(table))
	if _, err := db.DB.ExecContext(t.Context(), stmt); err != nil {
		t.Fatalf("create schema-1 table: %v", err)
	}
}

// v1Row is a row of a schema-1 version table.
type v1Row struct {
	version, name, kind, checksum, state, direction string
	done                                            int
	progress, errText                               string
	at                                              time.Time
	ms                                              int64
	by, host                                        string
}

// insertV1 writes rows as tide did at schema 1.
func insertV1(t *testing.T, db *testdb.DB, table string, rows ...v1Row) {
	t.Helper()
	d := db.Dialect
	ph := make([]string, 13)
	for i := range ph {
		ph[i] = d.Placeholder(i + 1)
	}
	stmt := `INSERT INTO ` + d.QuoteIdent(table) + ` (version, name, kind, checksum, state, direction,
		statements_done, progress_checksum, error, applied_at, execution_ms, applied_by, applied_host)
		VALUES (` + strings.Join(ph, ", ") + `)`
	for _, r := range rows {
		if _, err := db.DB.ExecContext(t.Context(), stmt, r.version, r.name, r.kind, r.checksum, r.state, r.direction,
			r.done, r.progress, r.errText, r.at.UTC(), r.ms, r.by, r.host); err != nil {
			t.Fatalf("insert schema-1 row %s: %v", r.version, err)
		}
	}
}

// dump returns the whole content of table, ordered by its first column,
// and its column names: a snapshot to show that nothing changed.
func dump(t *testing.T, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}, db *testdb.DB, table string) string {
	t.Helper()
	// Not SELECT *: pgx caches the statement, and fails on it once the
	// table has changed.
	names, err := db.Dialect.(dialect.ColumnLister).Columns(t.Context(), db.DB, table)
	if err != nil {
		t.Fatal(err)
	}
	for i, n := range names {
		names[i] = db.Dialect.QuoteIdent(n)
	}
	rows, err := q.QueryContext(t.Context(), `SELECT `+strings.Join(names, ", ")+` FROM `+db.Dialect.QuoteIdent(table)+` ORDER BY 1`)
	if err != nil {
		t.Fatalf("dump %s: %v", table, err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	fmt.Fprintln(&b, strings.Join(cols, " | "))
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		for i, v := range vals {
			if i > 0 {
				b.WriteString(" | ")
			}
			switch v := v.(type) {
			case []byte:
				b.WriteString(string(v))
			case time.Time:
				b.WriteString(v.UTC().Format(time.RFC3339Nano))
			default:
				fmt.Fprint(&b, v)
			}
		}
		b.WriteString("\n")
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// tableExists reports whether table exists.
func tableExists(t *testing.T, db *testdb.DB, table string) bool {
	t.Helper()
	ok, err := db.Dialect.TableExists(t.Context(), db.DB, table)
	if err != nil {
		t.Fatal(err)
	}
	return ok
}

// diffRecords compares records, Versions by value.
func diffRecords(want, got []history.Record) string {
	return cmp.Diff(want, got, cmp.Comparer(func(a, b migration.Version) bool { return a == b }), cmpopts.EquateEmpty())
}

func v(s string) migration.Version { return migration.MustParseVersion(s) }

// us is t as the store returns it: UTC, microseconds.
func us(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }
