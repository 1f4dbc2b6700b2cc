package bench

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/tidemigrate/tide/internal/testdb"
	"github.com/tidemigrate/tide/schema"
)

// BenchmarkInspect500 reads a schema of 500 tables, each with 5 columns, 2
// indexes and 1 foreign key, built once per database; one op is one
// schema.Inspect of the whole schema (the issue asks for under 1 s).
// Dialects without an inspector are skipped.
//
//	go test -run '^$' -bench Inspect500 -benchtime 10x ./bench
func BenchmarkInspect500(b *testing.B) {
	eachKind(b, func(b *testing.B, db *testdb.DB) {
		ctx := context.Background()
		if _, err := schema.Inspect(ctx, db.Dialect, db.DB, schema.Options{}); errors.As(err, new(*schema.UnsupportedError)) {
			b.Skip(err)
		}
		tx, err := db.DB.BeginTx(ctx, nil)
		if err != nil {
			b.Fatal(err)
		}
		const tables = 500
		for i := range tables {
			parent := max(i-1, 0)
			for _, s := range []string{
				fmt.Sprintf(`CREATE TABLE t%03d (
  id INTEGER NOT NULL PRIMARY KEY,
  parent_id INTEGER,
  name VARCHAR(40) NOT NULL,
  score INTEGER DEFAULT 0,
  created_at TIMESTAMP NULL,
  FOREIGN KEY (parent_id) REFERENCES t%03d (id) ON DELETE CASCADE
)`, i, parent),
				fmt.Sprintf(`CREATE INDEX t%03d_name ON t%03d (name)`, i, i),
				fmt.Sprintf(`CREATE INDEX t%03d_score ON t%03d (score, created_at)`, i, i),
			} {
				if _, err := tx.ExecContext(ctx, s); err != nil {
					b.Fatal(err)
				}
			}
		}
		if err := tx.Commit(); err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			s, err := schema.Inspect(ctx, db.Dialect, db.DB, schema.Options{})
			if err != nil {
				b.Fatal(err)
			}
			if len(s.Tables) != tables {
				b.Fatalf("inspected %d tables, want %d", len(s.Tables), tables)
			}
		}
	})
}
