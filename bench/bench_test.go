// Package bench measures tide end to end against real databases. Run:
//
//	go test -run '^$' -bench 'Apply100|UpToDate|Load500' -benchtime 5x ./bench
//
// with TIDE_TEST_POSTGRES_URL and TIDE_TEST_MYSQL_URL set to include
// PostgreSQL and MySQL (they are skipped otherwise).
//
// The larger benchmarks are for profiles, one at a time with -benchtime
// 1x (Up1000, Down1000) or 20x (Noop10000, whose 10,000-record setup takes
// a minute or two): see bench/README.md. RoundTrips lists every statement
// tide sends per migration (-v). compare.sh times whole processes against
// goose and golang-migrate; none of this runs in the test suite.
package bench

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
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
	eachKindNamed(b, func(b *testing.B, _ string, db *testdb.DB) { fn(b, db) })
}

func eachKindNamed(b *testing.B, fn func(b *testing.B, kind string, db *testdb.DB)) {
	for _, kind := range testdb.Kinds() {
		b.Run(kind, func(b *testing.B) {
			if kind != testdb.SQLite {
				testdb.URL(b, kind)
			}
			fn(b, kind, testdb.New(b, kind))
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

// writeFolder writes n native migrations into a new folder and returns it:
// real files, so that reading them costs what it costs the CLI. With noop,
// each inserts a row into one table (the first creates it), as in
// compare.sh's no-op folder; else each creates a table and inserts a row.
func writeFolder(b *testing.B, n int, noop bool) fs.FS {
	b.Helper()
	dir := b.TempDir()
	for i := 1; i <= n; i++ {
		var up, down string
		switch {
		case noop && i == 1:
			up, down = "CREATE TABLE noop (id INTEGER PRIMARY KEY, note VARCHAR(40));\nINSERT INTO noop (id, note) VALUES (1, 'a; b');", "DROP TABLE noop;"
		case noop:
			up, down = fmt.Sprintf("INSERT INTO noop (id, note) VALUES (%d, 'a; b');", i), fmt.Sprintf("DELETE FROM noop WHERE id = %d;", i)
		default:
			up = fmt.Sprintf("CREATE TABLE t%d (id INTEGER PRIMARY KEY, note VARCHAR(40));\nINSERT INTO t%d (id, note) VALUES (1, 'a; b');", i, i)
			down = fmt.Sprintf("DROP TABLE t%d;", i)
		}
		text := fmt.Sprintf("-- +tide up\n%s\n\n-- +tide down\n%s\n", up, down)
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%05d_t%d.sql", i, i)), []byte(text), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	return os.DirFS(dir)
}

// BenchmarkUp1000 is `tide up` of 1,000 migrations on an empty database,
// as compare.sh times it but inside one process: tide.New on the files,
// then Up (the revert between runs is not timed, and with -benchtime 1x
// not run). For CPU profiles (the profile covers the whole process: use
// -benchtime 1x, or pprof -focus):
//
//	go test -run '^$' -bench 'Up1000/POSTGRES' -benchtime 1x -cpuprofile up.pprof ./bench
func BenchmarkUp1000(b *testing.B) {
	eachKind(b, func(b *testing.B, db *testdb.DB) {
		ctx := context.Background()
		fsys := writeFolder(b, 1000, false)
		applied := false
		for b.Loop() {
			if applied { // reverted before the run, so that -benchtime 1x profiles nothing but the Up
				b.StopTimer()
				m, err := tide.New(db.Dialect, db.DB, fsys)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := m.DownAll(ctx); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
			}
			m, err := tide.New(db.Dialect, db.DB, fsys)
			if err != nil {
				b.Fatal(err)
			}
			if rs, err := m.Up(ctx); err != nil || len(rs) != 1000 {
				b.Fatalf("Up: %d, %v", len(rs), err)
			}
			applied = true
		}
	})
}

// BenchmarkUpSingle1000 is `tide up --single-transaction` of 1,000
// migrations (PostgreSQL and SQLite: MySQL refuses it), each run on a
// fresh database so that -benchtime 1x profiles nothing but the Up.
func BenchmarkUpSingle1000(b *testing.B) {
	eachKindNamed(b, func(b *testing.B, kind string, _ *testdb.DB) {
		if kind == testdb.MySQL {
			b.Skip("MySQL commits DDL implicitly: no single transaction")
		}
		ctx := context.Background()
		fsys := writeFolder(b, 1000, false)
		for b.Loop() {
			b.StopTimer()
			db := testdb.New(b, kind)
			b.StartTimer()
			m, err := tide.New(db.Dialect, db.DB, fsys, tide.WithSingleTransaction(true))
			if err != nil {
				b.Fatal(err)
			}
			if rs, err := m.Up(ctx); err != nil || len(rs) != 1000 {
				b.Fatalf("Up: %d, %v", len(rs), err)
			}
		}
	})
}

// BenchmarkDown1000 is `tide down --all` of 1,000 migrations (the Up
// before each run is not timed; profile with pprof -focus DownAll).
func BenchmarkDown1000(b *testing.B) {
	eachKind(b, func(b *testing.B, db *testdb.DB) {
		ctx := context.Background()
		fsys := writeFolder(b, 1000, false)
		for b.Loop() {
			b.StopTimer()
			m, err := tide.New(db.Dialect, db.DB, fsys)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := m.Up(ctx); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			if m, err = tide.New(db.Dialect, db.DB, fsys); err != nil {
				b.Fatal(err)
			}
			if rs, err := m.DownAll(ctx); err != nil || len(rs) != 1000 {
				b.Fatalf("DownAll: %d, %v", len(rs), err)
			}
		}
	})
}

// BenchmarkNoop10000 is a no-op `tide up` over 10,000 applied migrations:
// tide.New reading, checksumming and splitting the files, then Up finding
// nothing to do (drift checked against every record). The history is
// written by Baseline, which records the same rows as Up would (of kind
// baseline) in a fraction of the time; profile with
// pprof -focus 'UpTo|tide.New$' to leave it out.
func BenchmarkNoop10000(b *testing.B) {
	eachKind(b, func(b *testing.B, db *testdb.DB) {
		ctx := context.Background()
		fsys := writeFolder(b, 10000, true)
		m, err := tide.New(db.Dialect, db.DB, fsys)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := m.Baseline(ctx, tide.MustParseVersion("10000")); err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			m, err := tide.New(db.Dialect, db.DB, fsys)
			if err != nil {
				b.Fatal(err)
			}
			if rs, err := m.Up(ctx); err != nil || len(rs) != 0 {
				b.Fatalf("Up: %d, %v", len(rs), err)
			}
		}
	})
}

// BenchmarkRoundTrips counts what tide sends to the database, through a
// connection wrapper (count_test.go): every statement, prepare, BEGIN,
// COMMIT and ROLLBACK of an Up of 50 migrations from empty, a DownAll of
// them, and a no-op Up over them, each listed by statement shape with
// -v. One op is the three of them; the timing means little.
//
//	go test -run '^$' -bench RoundTrips -benchtime 1x -v ./bench
func BenchmarkRoundTrips(b *testing.B) {
	const n = 50
	eachKindNamed(b, func(b *testing.B, kind string, db *testdb.DB) {
		ctx := context.Background()
		var c counter
		sdb := countedDB(b, kind, db, &c)
		fsys := writeFolder(b, n, false)
		for b.Loop() {
			m, err := tide.New(db.Dialect, sdb, fsys)
			if err != nil {
				b.Fatal(err)
			}
			c.take()
			if _, err := m.Up(ctx); err != nil {
				b.Fatal(err)
			}
			up := report(b, fmt.Sprintf("%s up of %d migrations", kind, n), c.take(), n)
			if _, err := m.Up(ctx); err != nil {
				b.Fatal(err)
			}
			noop := report(b, fmt.Sprintf("%s no-op up over %d applied", kind, n), c.take(), 1)
			if _, err := m.DownAll(ctx); err != nil {
				b.Fatal(err)
			}
			down := report(b, fmt.Sprintf("%s down of %d migrations", kind, n), c.take(), n)
			b.ReportMetric(up, "up-trips/migration")
			b.ReportMetric(down, "down-trips/migration")
			b.ReportMetric(noop, "noop-trips")
		}
	})
}
