package bench

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/tidemigrate/tide"
	"github.com/tidemigrate/tide/internal/testdb"
	"github.com/tidemigrate/tide/migration"
	"github.com/tidemigrate/tide/shadow"
	"github.com/tidemigrate/tide/source"
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

// BenchmarkRoundTripsVerifyRollback counts the round trips of
// verify-rollback over a 20-migration folder, per migration, beside those
// of tide running up, down and up again over it, through a counting
// driver wrapper: where verify-rollback's extra time goes, independently
// of the machine's load.
//
//	go test -run '^$' -bench RoundTripsVerifyRollback -benchtime 1x -v ./bench
func BenchmarkRoundTripsVerifyRollback(b *testing.B) {
	const n = 20
	for _, kind := range []string{testdb.Postgres, testdb.MySQL} {
		b.Run(kind, func(b *testing.B) {
			testdb.URL(b, kind)
			ctx := context.Background()
			for b.Loop() {
				var c counter
				plainDB, verifyDB := testdb.New(b, kind), testdb.New(b, kind)
				set, err := migration.Load(folder(n), plainDB.Dialect, source.Native)
				if err != nil {
					b.Fatal(err)
				}
				m, err := tide.New(plainDB.Dialect, countedDB(b, kind, asTide(kind, plainDB), &c), nil, tide.WithMigrations(set))
				if err != nil {
					b.Fatal(err)
				}
				c.take()
				for _, op := range []func(context.Context) ([]tide.Result, error){m.Up, m.DownAll, m.Up} {
					if _, err := op(ctx); err != nil {
						b.Fatal(err)
					}
				}
				plain := report(b, fmt.Sprintf("%s up, down and up of %d migrations", kind, n), c.take(), n)
				vdb := countedDB(b, kind, asTide(kind, verifyDB), &c)
				c.take()
				rep, err := shadow.VerifyRollback(ctx, verifyDB.Dialect, vdb, set, shadow.Options{})
				if err != nil || !rep.OK(true) {
					b.Fatalf("verify-rollback: %v %+v", err, rep)
				}
				verify := report(b, fmt.Sprintf("%s verify-rollback of %d migrations", kind, n), c.take(), n)
				b.ReportMetric(plain, "up-down-up-trips/migration")
				b.ReportMetric(verify, "verify-trips/migration")
			}
		})
	}
}

// asTide returns db with the URL parameter by which tide's MySQL
// connections differ in what they send (internal/dburl interpolates
// parameters: one round trip per statement, not prepare and execute).
// PostgreSQL's inspection goes one query at a time through the counting
// wrapper, which hides pgx's connection: each of its queries is counted,
// where tide sends them in two pipelines.
func asTide(kind string, db *testdb.DB) *testdb.DB {
	if kind != testdb.MySQL {
		return db
	}
	c := *db
	sep := "?"
	if strings.Contains(c.URL, "?") {
		sep = "&"
	}
	c.URL += sep + "interpolateParams=true"
	return &c
}
