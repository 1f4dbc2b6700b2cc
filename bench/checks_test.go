package bench

import (
	"context"
	"fmt"
	"testing"
	"testing/fstest"
	"time"

	"github.com/tidemigrate/tide"
	"github.com/tidemigrate/tide/internal/testdb"
)

// checkedFolder is folder(n) with other table names (c1...) and two data checks per migration: a helper
// that reads the table (not-null) and one that asks the catalog (exists).
func checkedFolder(n int) fstest.MapFS {
	fsys := folder(n)
	for i := 1; i <= n; i++ {
		f := fsys[fmt.Sprintf("%d_t%d.sql", i, i)]
		f.Data = fmt.Appendf(nil, "-- +tide up\nCREATE TABLE c%d (id INTEGER PRIMARY KEY, note VARCHAR(40));\nINSERT INTO c%d (id, note) VALUES (1, 'a; b');\n"+
			"-- +tide check not-null c%d.note\n-- +tide check exists table c%d\n-- +tide down\nDROP TABLE c%d;\n", i, i, i, i, i)
	}
	return fsys
}

// BenchmarkApply100Checks applies 100 migrations without checks, then the
// same 100 with two data checks each (other tables, another version
// table), in turns within each op, so that a noisy machine slows both
// alike: it reports each one's ms/migration and their ratio.
func BenchmarkApply100Checks(b *testing.B) {
	eachKind(b, func(b *testing.B, db *testdb.DB) {
		ctx := context.Background()
		plain, err := tide.New(db.Dialect, db.DB, folder(100), tide.WithTable("plain_migrations"))
		if err != nil {
			b.Fatal(err)
		}
		checked, err := tide.New(db.Dialect, db.DB, checkedFolder(100), tide.WithTable("checked_migrations"))
		if err != nil {
			b.Fatal(err)
		}
		var took [2]time.Duration
		for b.Loop() {
			for i, m := range []*tide.Migrator{plain, checked} {
				start := time.Now()
				if rs, err := m.Up(ctx); err != nil || len(rs) != 100 {
					b.Fatalf("Up: %d, %v", len(rs), err)
				}
				took[i] += time.Since(start)
				if _, err := m.DownAll(ctx); err != nil {
					b.Fatal(err)
				}
			}
		}
		per := func(d time.Duration) float64 { return float64(d.Microseconds()) / float64(b.N) / 100 / 1000 }
		b.ReportMetric(per(took[0]), "ms/migration")
		b.ReportMetric(per(took[1]), "ms/checked-migration")
		b.ReportMetric(float64(took[1])/float64(took[0]), "ratio")
	})
}

// BenchmarkCheck200 is tide check over 100 applied migrations of two
// checks each: one op runs the 200 checks.
func BenchmarkCheck200(b *testing.B) {
	eachKind(b, func(b *testing.B, db *testdb.DB) {
		ctx := context.Background()
		m, err := tide.New(db.Dialect, db.DB, checkedFolder(100))
		if err != nil {
			b.Fatal(err)
		}
		if _, err := m.Up(ctx); err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			r, err := m.Check(ctx)
			if err != nil || r.Checks() != 200 || r.Err() != nil {
				b.Fatalf("Check: %v, %v", err, r.Err())
			}
		}
		b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/200/1000, "ms/check")
	})
}
