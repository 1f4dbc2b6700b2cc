// Command floor runs the statements of bench/compare.sh's migrations with
// no migration tool and no history at all: through database/sql, with the
// drivers and connection settings tide uses (internal/dburl), on one
// connection, one transaction per migration (BEGIN; CREATE TABLE; INSERT;
// COMMIT, or BEGIN; DROP TABLE; COMMIT newest first with -down). It is the
// floor that a tool's time is read against: what is left above it is the
// tool's own work (history reads and writes, locks, parsing).
//
//	go build -o floor ./bench/floor
//	floor -url postgres://postgres@127.0.0.1:5432/db -n 1000 [-down]
//
// The statements are the ones the generated migration files hold, written
// here directly, so that no file is read or split either.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"

	"github.com/tidemigrate/tide/internal/dburl"
)

func main() {
	log.SetFlags(0)
	log.SetPrefix("floor: ")
	url := flag.String("url", "", "database URL, as tide takes it")
	n := flag.Int("n", 1000, "number of migrations")
	down := flag.Bool("down", false, "drop the tables, newest first, instead of creating them")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, *url, *n, *down); err != nil {
		log.Fatal(err)
	}
}

func run(ctx context.Context, url string, n int, down bool) error {
	db, _, err := dburl.Open(ctx, url)
	if err != nil {
		return err
	}
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	migration := func(i int) []string {
		if down {
			return []string{fmt.Sprintf("DROP TABLE t%d", i)}
		}
		return []string{
			fmt.Sprintf("CREATE TABLE t%d (id INTEGER PRIMARY KEY, note VARCHAR(40))", i),
			fmt.Sprintf("INSERT INTO t%d (id, note) VALUES (1, 'a; b')", i),
		}
	}
	for k := 1; k <= n; k++ {
		i := k
		if down {
			i = n + 1 - k
		}
		tx, err := conn.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		for _, q := range migration(i) {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				_ = tx.Rollback()
				return fmt.Errorf("migration %d: %s: %w", i, q, err)
			}
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("migration %d: commit: %w", i, err)
		}
	}
	return nil
}
