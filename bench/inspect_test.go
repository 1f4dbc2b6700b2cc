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
// whole inspection, through the pool's warm connection ("warm") or through
// a new connection, as one CLI run does ("cold": connecting and the new
// session's catalog caches included). The schema is built once per
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
		buildInspectSchema(b, db)
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
