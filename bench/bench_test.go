// Package bench measures tide end to end against real databases. Run:
//
//	go test -run '^$' -bench . -benchtime 5x ./bench
//
// with TIDE_TEST_POSTGRES_URL and TIDE_TEST_MYSQL_URL set to include
// PostgreSQL and MySQL (they are skipped otherwise).
package bench

import (
	"context"
	"fmt"
	"testing"
	"testing/fstest"

	"github.com/tidemigrate/tide"
	"github.com/tidemigrate/tide/internal/testdb"
)

// folder returns n migrations that each create a table and insert a row.
func folder(n int) fstest.MapFS {
	fsys := fstest.MapFS{}
	for i := 1; i <= n; i++ {
		fsys[fmt.Sprintf("%d_t%d.sql", i, i)] = &fstest.MapFile{Data: []byte(fmt.Sprintf(
			"-- +tide up\nCREATE TABLE t%d (id INTEGER PRIMARY KEY, note VARCHAR(40));\nINSERT INTO t%d (id, note) VALUES (1, 'a; b');\n-- +tide down\nDROP TABLE t%d;\n", i, i, i))}
	}
	return fsys
}

func eachKind(b *testing.B, fn func(b *testing.B, db *testdb.DB)) {
	for _, kind := range testdb.Kinds() {
		b.Run(kind, func(b *testing.B) {
			if kind != testdb.SQLite {
				testdb.URL(b, kind)
			}
			fn(b, testdb.New(b, kind))
		})
	}
}

// BenchmarkApply100 applies 100 migrations (200 statements) and reverts
// them again; one op is one Up of the whole folder.
func BenchmarkApply100(b *testing.B) {
	eachKind(b, func(b *testing.B, db *testdb.DB) {
		ctx := context.Background()
		m, err := tide.New(db.Dialect, db.DB, folder(100))
		if err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			if rs, err := m.Up(ctx); err != nil || len(rs) != 100 {
				b.Fatalf("Up: %d, %v", len(rs), err)
			}
			b.StopTimer()
			if _, err := m.DownAll(ctx); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
		}
		b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N)/100, "ms/migration")
	})
}

// BenchmarkUpToDate is the cost of `tide up` on a database that has every
// migration of a 500-file folder: the common case in a deploy pipeline.
func BenchmarkUpToDate(b *testing.B) {
	eachKind(b, func(b *testing.B, db *testdb.DB) {
		ctx := context.Background()
		fsys := folder(500)
		m, err := tide.New(db.Dialect, db.DB, fsys)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := m.Up(ctx); err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			if rs, err := m.Up(ctx); err != nil || len(rs) != 0 {
				b.Fatalf("Up: %d, %v", len(rs), err)
			}
		}
	})
}

// BenchmarkLoad500 is the cost of reading, checksumming and splitting a
// 500-file folder (tide.New), which every command pays before it starts.
func BenchmarkLoad500(b *testing.B) {
	db := testdb.New(b, testdb.SQLite)
	fsys := folder(500)
	for b.Loop() {
		if _, err := tide.New(db.Dialect, db.DB, fsys); err != nil {
			b.Fatal(err)
		}
	}
}
