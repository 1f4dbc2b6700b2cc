package bench

import (
	"context"
	"sort"
	"testing"
	"time"

	"github.com/tidemigrate/tide"
	"github.com/tidemigrate/tide/internal/testdb"
	"github.com/tidemigrate/tide/migration"
	"github.com/tidemigrate/tide/source"
	"github.com/tidemigrate/tide/shadow"
)

// BenchmarkVerifyRollback100 measures verify-rollback of a 100-migration
// folder against what it must be compared with: tide running up, down and
// up again over the same folder on a fresh database. Each op does both, on
// new databases; the metric ratio is the median of verify / (up+down+up).
//
//	go test -run '^$' -bench VerifyRollback100 -benchtime 5x ./bench
func BenchmarkVerifyRollback100(b *testing.B) {
	for _, kind := range testdb.Kinds() {
		b.Run(kind, func(b *testing.B) {
			if kind != testdb.SQLite {
				testdb.URL(b, kind)
			}
			ctx := context.Background()
			fsys := folder(100)
			var ratios []float64
			var verifyTotal, plainTotal time.Duration
			for b.Loop() {
				b.StopTimer()
				plainDB, verifyDB := testdb.New(b, kind), testdb.New(b, kind)
				set, err := migration.Load(fsys, plainDB.Dialect, source.Native)
				if err != nil {
					b.Fatal(err)
				}
				m, err := tide.New(plainDB.Dialect, plainDB.DB, nil, tide.WithMigrations(set))
				if err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				start := time.Now()
				for _, op := range []func(context.Context) ([]tide.Result, error){m.Up, m.DownAll, m.Up} {
					if _, err := op(ctx); err != nil {
						b.Fatal(err)
					}
				}
				plain := time.Since(start)
				start = time.Now()
				rep, err := shadow.VerifyRollback(ctx, verifyDB.Dialect, verifyDB.DB, set, shadow.Options{})
				if err != nil || !rep.OK(true) {
					b.Fatalf("verify-rollback: %v %+v", err, rep)
				}
				verify := time.Since(start)
				verifyTotal += verify
				plainTotal += plain
				ratios = append(ratios, float64(verify)/float64(plain))
			}
			sort.Float64s(ratios)
			b.ReportMetric(ratios[len(ratios)/2], "ratio")
			b.ReportMetric(float64(plainTotal.Milliseconds())/float64(len(ratios)), "up-down-up-ms")
			b.ReportMetric(float64(verifyTotal.Milliseconds())/float64(len(ratios)), "verify-ms")
		})
	}
}
