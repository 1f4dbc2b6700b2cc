package bench

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tidemigrate/tide/internal/dburl"
	"github.com/tidemigrate/tide/internal/testdb"
	"github.com/tidemigrate/tide/schema"
)

// inspectTables is the size of the schema BenchmarkInspect500 reads.
const inspectTables = 500

// buildInspectSchema creates inspectTables tables of 5 columns, 2 indexes
// and 1 foreign key each (to the previous table), in SQL every database
// takes, in one transaction.
func buildInspectSchema(b *testing.B, db *testdb.DB) {
	b.Helper()
	ctx := context.Background()
	tx, err := db.DB.BeginTx(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer tx.Rollback() //nolint:errcheck // committed below
	for i := range inspectTables {
		ref := max(i-1, 0)
		for _, stmt := range []string{
			fmt.Sprintf(`CREATE TABLE t%03d (
				id INTEGER NOT NULL PRIMARY KEY,
				ref_id INTEGER,
				name VARCHAR(40) NOT NULL,
				amount DECIMAL(10,2) DEFAULT 0,
				note VARCHAR(200),
				FOREIGN KEY (ref_id) REFERENCES t%03d (id))`, i, ref),
			fmt.Sprintf(`CREATE INDEX t%03d_name ON t%03d (name)`, i, i),
			fmt.Sprintf(`CREATE INDEX t%03d_ref ON t%03d (ref_id, amount)`, i, i),
		} {
			if _, err := tx.ExecContext(ctx, stmt); err != nil {
				b.Fatalf("%s: %v", stmt, err)
			}
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkInspect500 reads a schema of 500 tables (5 columns, 2 indexes,
// 1 foreign key each) with the dialect's schema inspector; one op is one
// whole inspection, through a warm connection ("warm") or through a new
// connection, as one CLI run does ("cold": connecting and the new
// session's catalog caches included). The schema is built once per
// database, outside the timing. Dialects without an inspector are skipped.
//
// On a PostgreSQL server on this machine it also reports the CPU time the
// server spent per inspection (server-cpu-ms/op, from /proc, 10 ms
// ticks): unlike wall time, other jobs on the machine barely change it.
//
//	go test -run '^$' -bench Inspect500 -benchtime 10x ./bench
func BenchmarkInspect500(b *testing.B) {
	eachKindNamed(b, func(b *testing.B, kind string, db *testdb.DB) {
		ctx := context.Background()
		if _, err := schema.Inspect(ctx, db.Dialect, db.DB, schema.Options{}); err != nil {
			if unsup := (*schema.UnsupportedError)(nil); errors.As(err, &unsup) {
				b.Skip(err)
			}
			b.Fatal(err)
		}
		buildInspectSchema(b, db)
		open := func(b *testing.B) *sql.DB {
			pool, _, err := dburl.Open(ctx, db.URL)
			if err != nil {
				b.Fatal(err)
			}
			pool.SetMaxOpenConns(1) // one session, whose CPU time is read
			return pool
		}
		var cpu time.Duration
		cpuKnown := kind == testdb.Postgres
		inspect := func(b *testing.B, pool *sql.DB) {
			before, ok := backendCPU(ctx, pool, kind)
			s, err := schema.Inspect(ctx, db.Dialect, pool, schema.Options{})
			if err != nil {
				b.Fatal(err)
			}
			if len(s.Tables) != inspectTables {
				b.Fatalf("inspected %d tables, want %d", len(s.Tables), inspectTables)
			}
			after, ok2 := backendCPU(ctx, pool, kind)
			cpu += after - before
			cpuKnown = cpuKnown && ok && ok2
		}
		report := func(b *testing.B) {
			if cpuKnown {
				b.ReportMetric(float64(cpu.Milliseconds())/float64(b.N), "server-cpu-ms/op")
			}
		}
		b.Run("warm", func(b *testing.B) {
			cpu = 0
			pool := open(b)
			defer pool.Close()
			inspect(b, pool)
			cpu = 0
			for b.Loop() {
				inspect(b, pool)
			}
			report(b)
		})
		b.Run("cold", func(b *testing.B) {
			cpu = 0
			for b.Loop() {
				pool := open(b)
				inspect(b, pool)
				pool.Close()
			}
			report(b)
		})
	})
}

// backendCPU returns the CPU time used so far by the PostgreSQL session
// of pool (one connection), read from /proc; false when the server does
// not run on this machine or kind is another database.
func backendCPU(ctx context.Context, pool *sql.DB, kind string) (time.Duration, bool) {
	if kind != testdb.Postgres {
		return 0, false
	}
	var pid int
	if err := pool.QueryRowContext(ctx, `SELECT pg_backend_pid()`).Scan(&pid); err != nil {
		return 0, false
	}
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, false
	}
	// Fields after the command's closing parenthesis: state is the 1st,
	// utime the 12th and stime the 13th, in clock ticks of 10 ms.
	i := bytes.LastIndexByte(stat, ')')
	if i < 0 {
		return 0, false
	}
	f := strings.Fields(string(stat[i+1:]))
	if len(f) < 13 {
		return 0, false
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, false
	}
	return time.Duration(utime+stime) * 10 * time.Millisecond, true
}
