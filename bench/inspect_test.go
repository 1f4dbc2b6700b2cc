package bench

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/tidemigrate/tide/dialect"
	"github.com/tidemigrate/tide/internal/dburl"
	"github.com/tidemigrate/tide/internal/testdb"
	"github.com/tidemigrate/tide/schema"
)

// inspectTables is the size of the schema BenchmarkInspect500 reads.
const inspectTables = 500

// buildInspectSchema creates n tables of 5 columns, 2 indexes and 1
// foreign key each (to the previous table), in SQL every database takes,
// in one transaction.
func buildInspectSchema(b *testing.B, db *testdb.DB, n int) {
	b.Helper()
	ctx := context.Background()
	tx, err := db.DB.BeginTx(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer tx.Rollback() //nolint:errcheck // committed below
	for i := range n {
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
// whole inspection, through the pool's warm connection ("warm") or through
// a new connection, as one CLI run does ("cold": connecting and the new
// session's catalog caches included), or one inspection limited to one
// or three of the tables ("only1", "only3": Options.Tables). The schema is built once per
// database, outside the timing. Dialects without an inspector are skipped.
//
//	go test -run '^$' -bench Inspect500 -benchtime 10x ./bench
func BenchmarkInspect500(b *testing.B) {
	eachKind(b, func(b *testing.B, db *testdb.DB) {
		ctx := context.Background()
		if _, err := schema.Inspect(ctx, db.Dialect, db.DB, schema.Options{}); err != nil {
			if unsup := (*schema.UnsupportedError)(nil); errors.As(err, &unsup) {
				b.Skip(err)
			}
			b.Fatal(err)
		}
		buildInspectSchema(b, db, inspectTables)
		inspect := func(b *testing.B, q dialect.Querier) {
			s, err := schema.Inspect(ctx, db.Dialect, q, schema.Options{})
			if err != nil {
				b.Fatal(err)
			}
			if len(s.Tables) != inspectTables {
				b.Fatalf("inspected %d tables, want %d", len(s.Tables), inspectTables)
			}
		}
		b.Run("warm", func(b *testing.B) {
			for b.Loop() {
				inspect(b, db.DB)
			}
		})
		// One to three tables of the 500 (Options.Tables), as
		// verify-rollback re-reads what a migration touched.
		for _, names := range [][]string{{"t250"}, {"t100", "t250", "t400"}} {
			b.Run(fmt.Sprintf("only%d", len(names)), func(b *testing.B) {
				for b.Loop() {
					s, err := schema.Inspect(ctx, db.Dialect, db.DB, schema.Options{Tables: names})
					if err != nil {
						b.Fatal(err)
					}
					if len(s.Tables) != len(names) {
						b.Fatalf("inspected %d tables, want %d", len(s.Tables), len(names))
					}
				}
			})
		}
		b.Run("cold", func(b *testing.B) {
			for b.Loop() {
				pool, _, err := dburl.Open(ctx, db.URL)
				if err != nil {
					b.Fatal(err)
				}
				inspect(b, pool)
				pool.Close()
			}
		})
	})
}

// BenchmarkInspectSmall measures the fixed cost of one inspection: a
// schema of 0, 10 and 50 tables shaped as BenchmarkInspect500's, read
// through the pool's warm connection, as verify-rollback reads its scratch
// database after each up and down.
//
//	go test -run '^$' -bench InspectSmall -benchtime 50x ./bench
func BenchmarkInspectSmall(b *testing.B) {
	for _, kind := range testdb.Kinds() {
		b.Run(kind, func(b *testing.B) {
			if kind != testdb.SQLite {
				testdb.URL(b, kind)
			}
			for _, n := range []int{0, 10, 50} {
				b.Run(fmt.Sprintf("tables=%d", n), func(b *testing.B) {
					ctx := context.Background()
					db := testdb.New(b, kind)
					if _, err := schema.Inspect(ctx, db.Dialect, db.DB, schema.Options{}); err != nil {
						if unsup := (*schema.UnsupportedError)(nil); errors.As(err, &unsup) {
							b.Skip(err)
						}
						b.Fatal(err)
					}
					buildInspectSchema(b, db, n)
					for b.Loop() {
						s, err := schema.Inspect(ctx, db.Dialect, db.DB, schema.Options{})
						if err != nil {
							b.Fatal(err)
						}
						if len(s.Tables) != n {
							b.Fatalf("inspected %d tables, want %d", len(s.Tables), n)
						}
					}
				})
			}
		})
	}
}
