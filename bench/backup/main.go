// Command backup measures what a backup costs against the plain copy it
// makes: on each database, a table of -rows rows (a bigint key, two short
// texts, a decimal, a timestamp and a boolean) is copied by a plain
// CREATE TABLE ... AS SELECT, and backed up by backup.Take (its
// definition read, the copy, the count and checksum of its rows, its
// size, the manifest), in -rounds rounds, the two taking turns to go
// first. It prints, per database, the median of each and the ratio of the
// medians (backup ÷ CREATE TABLE AS), with every round's times.
//
// From the repository's root:
//
//	TIDE_TEST_POSTGRES_URL='postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable' \
//	TIDE_TEST_MYSQL_URL='mysql://root@127.0.0.1:3306/test' \
//	go run ./bench/backup [-rows 1000000] [-rounds 5] [-db sqlite,postgres,mysql]
//
// PostgreSQL and MySQL need the URLs of servers where a database may be
// created and dropped (bench_backup_<random>); a database whose URL is
// unset is left out, with a note. SQLite works in a temporary directory.
package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"flag"
	"fmt"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/tidemigrate/tide/backup"
	"github.com/tidemigrate/tide/dialect"
	"github.com/tidemigrate/tide/internal/dburl"
)

func main() {
	rows := flag.Int("rows", 1_000_000, "rows of the table")
	rounds := flag.Int("rounds", 5, "rounds per database")
	dbs := flag.String("db", "sqlite,postgres,mysql", "the databases, comma-separated")
	flag.Parse()
	// Ctrl-C stops the measure, and the scratch databases are dropped.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	work, err := os.MkdirTemp("", "tide-bench-backup-")
	if err != nil {
		fatalf("%v", err)
	}
	defer os.RemoveAll(work)
	fmt.Printf("%d rows, %d rounds; medians, and each round's times (plain copy / backup)\n\n", *rows, *rounds)
	fmt.Println("| database | CREATE TABLE ... AS SELECT | backup.Take | backup ÷ copy | rounds |")
	fmt.Println("| --- | --: | --: | --: | --- |")
	for _, name := range strings.Split(*dbs, ",") {
		if err := measure(ctx, strings.TrimSpace(name), work, *rows, *rounds); err != nil {
			stop()
			os.RemoveAll(work)
			fatalf("%s: %v", name, err)
		}
	}
}

// measure runs the rounds on one database and prints its row.
func measure(ctx context.Context, name, work string, rows, rounds int) error {
	db, d, drop, err := scratch(ctx, name, work)
	if err != nil || db == nil {
		return err
	}
	defer drop()
	defer db.Close()
	if err := fill(ctx, db, name, rows); err != nil {
		return fmt.Errorf("fill the table: %w", err)
	}
	var plain, taken []time.Duration
	var detail []string
	for r := range rounds {
		var p, b time.Duration
		steps := []func() error{
			func() (err error) { p, err = plainCopy(ctx, db, d); return err },
			func() (err error) { b, err = takeBackup(ctx, db, d); return err },
		}
		if r%2 == 1 {
			slices.Reverse(steps)
		}
		for _, step := range steps {
			if err := step(); err != nil {
				return err
			}
		}
		plain, taken = append(plain, p), append(taken, b)
		detail = append(detail, fmt.Sprintf("%s / %s", p.Round(10*time.Millisecond), b.Round(10*time.Millisecond)))
	}
	mp, mb := median(plain), median(taken)
	fmt.Printf("| %s | %s | %s | **%.2f** | %s |\n", d.Title(), mp.Round(10*time.Millisecond), mb.Round(10*time.Millisecond),
		float64(mb)/float64(mp), strings.Join(detail, ", "))
	return nil
}

// plainCopy times CREATE TABLE ... AS SELECT of the table, then drops the
// copy.
func plainCopy(ctx context.Context, db *sql.DB, d dialect.Dialect) (time.Duration, error) {
	start := time.Now()
	if _, err := db.ExecContext(ctx, "CREATE TABLE plain_copy AS SELECT * FROM bench"); err != nil {
		return 0, fmt.Errorf("plain copy: %w", err)
	}
	took := time.Since(start)
	if _, err := db.ExecContext(ctx, "DROP TABLE plain_copy"); err != nil {
		return 0, err
	}
	return took, settle(ctx, db, d)
}

// takeBackup times backup.Take of the table, then removes the backup.
func takeBackup(ctx context.Context, db *sql.DB, d dialect.Dialect) (time.Duration, error) {
	opts := backup.DefaultOptions()
	opts.Targets = []backup.Target{{Name: "bench"}}
	start := time.Now()
	entries, err := backup.Take(ctx, d, db, opts)
	if err != nil {
		return 0, fmt.Errorf("backup: %w", err)
	}
	took := time.Since(start)
	if len(entries) != 1 || entries[0].Rows == 0 {
		return 0, fmt.Errorf("backup: %+v", entries)
	}
	if _, err := backup.Prune(ctx, d, db, backup.PruneOptions{OlderThan: time.Second, Now: time.Now().Add(time.Hour)}); err != nil {
		return 0, err
	}
	return took, settle(ctx, db, d)
}

// settle lets the database write out what the last copy left dirty, so
// that the next measure does not pay for it.
func settle(ctx context.Context, db *sql.DB, d dialect.Dialect) error {
	var err error
	switch d.Name() {
	case "postgres":
		_, err = db.ExecContext(ctx, "CHECKPOINT")
	case "sqlite":
		_, err = db.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)")
	}
	return err
}

// fill creates the table and its rows.
func fill(ctx context.Context, db *sql.DB, name string, rows int) error {
	var stmts []string
	switch name {
	case "postgres":
		stmts = []string{
			`CREATE TABLE bench (id bigint PRIMARY KEY, name text NOT NULL, email text, amount numeric(12,2), created_at timestamptz, flag boolean)`,
			fmt.Sprintf(`INSERT INTO bench SELECT g, 'name ' || g, 'user' || g || '@example.com', g * 1.5, timestamptz '2026-01-01' + g * interval '1 second', g %% 2 = 0 FROM generate_series(1, %d) g`, rows),
			`VACUUM ANALYZE bench`, `CHECKPOINT`,
		}
	case "mysql":
		stmts = []string{
			`CREATE TABLE bench (id BIGINT PRIMARY KEY, name VARCHAR(100) NOT NULL, email VARCHAR(200), amount DECIMAL(12,2), created_at TIMESTAMP NULL, flag BOOLEAN)`,
			fmt.Sprintf(`INSERT INTO bench SELECT seq, CONCAT('name ', seq), CONCAT('user', seq, '@example.com'), seq * 1.5, TIMESTAMP '2026-01-01 00:00:00' + INTERVAL seq SECOND, seq %% 2 = 0 FROM seq_1_to_%d`, rows),
			`ANALYZE TABLE bench`,
		}
	case "sqlite":
		stmts = []string{
			`CREATE TABLE bench (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT, amount NUMERIC, created_at TEXT, flag BOOLEAN)`,
			fmt.Sprintf(`WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < %d)
				INSERT INTO bench SELECT n, 'name ' || n, 'user' || n || '@example.com', n * 1.5, datetime('2026-01-01', '+' || n || ' seconds'), n %% 2 FROM g`, rows),
		}
	}
	for _, s := range stmts {
		if _, err := db.ExecContext(ctx, s); err != nil {
			return fmt.Errorf("%.60s: %w", s, err)
		}
	}
	return nil
}

// scratch creates a database for the measure and returns it with a
// function that drops it; a nil database for one whose URL is unset.
func scratch(ctx context.Context, name, work string) (*sql.DB, dialect.Dialect, func(), error) {
	if name == "sqlite" {
		db, d, err := dburl.Open(ctx, "sqlite:"+filepath.Join(work, "bench.db"))
		return db, d, func() {}, err
	}
	base := os.Getenv("TIDE_TEST_" + strings.ToUpper(name) + "_URL")
	if base == "" {
		fmt.Fprintf(os.Stderr, "backup: TIDE_TEST_%s_URL is unset: %s left out\n", strings.ToUpper(name), name)
		return nil, nil, nil, nil
	}
	admin, _, err := dburl.Open(ctx, base)
	if err != nil {
		return nil, nil, nil, err
	}
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	dbName := "bench_backup_" + hex.EncodeToString(b)
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+dbName); err != nil {
		admin.Close()
		return nil, nil, nil, err
	}
	drop := func() {
		stmt := "DROP DATABASE IF EXISTS " + dbName
		if name == "postgres" {
			stmt += " WITH (FORCE)"
		}
		if _, err := admin.ExecContext(context.Background(), stmt); err != nil {
			fmt.Fprintf(os.Stderr, "backup: drop %s: %v\n", dbName, err)
		}
		admin.Close()
	}
	u, err := url.Parse(base)
	if err != nil {
		drop()
		return nil, nil, nil, err
	}
	u.Path = "/" + dbName
	db, d, err := dburl.Open(ctx, u.String())
	if err != nil {
		drop()
		return nil, nil, nil, err
	}
	return db, d, drop, nil
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

func fatalf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "backup: "+format+"\n", args...)
	os.Exit(1)
}
