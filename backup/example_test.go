package backup_test

import (
	"context"
	"database/sql"
	"fmt"
	"log"
	"os"
	"path/filepath"

	_ "modernc.org/sqlite"

	"github.com/tidemigrate/tide/backup"
	"github.com/tidemigrate/tide/dialect/sqlite"
	"github.com/tidemigrate/tide/dialect/sqlite/modernc"
)

// A table backed up by hand, dropped, and put back as it was.
func ExampleRestore() {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "tide-example-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	// SQLite has no hash function: give the driver tide's, before the
	// first connection opens.
	if err := modernc.Register(); err != nil {
		log.Fatal(err)
	}
	db, err := sql.Open("sqlite", filepath.Join(dir, "app.db"))
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	d := sqlite.New()
	for _, s := range []string{
		"CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE)",
		"INSERT INTO users VALUES (1, 'ada@example.com'), (2, 'bob@example.com')",
	} {
		if _, err := db.ExecContext(ctx, s); err != nil {
			log.Fatal(err)
		}
	}

	opts := backup.DefaultOptions()
	opts.Targets = []backup.Target{{Name: "users"}}
	opts.Version = "20261122093000"
	taken, err := backup.Take(ctx, d, db, opts)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("backup %d of %s: %d rows in %s\n", taken[0].ID, taken[0].Source(), taken[0].Rows, taken[0].Copy())

	if _, err := db.ExecContext(ctx, "DROP TABLE users"); err != nil {
		log.Fatal(err)
	}

	ropts := backup.DefaultRestoreOptions()
	ropts.Version = "20261122093000"
	restored, err := backup.Restore(ctx, d, db, ropts)
	if err != nil {
		log.Fatal(err)
	}
	for _, t := range restored {
		fmt.Printf("restored %s: %d rows\n", t.Table, t.Rows)
		for _, a := range t.Actions {
			fmt.Println(" ", a)
		}
	}
	// Output:
	// backup 1 of main.users: 2 rows in tide_backup.users_1
	// restored main.users: 2 rows
	//   created the table (2 columns)
	//   copied 2 rows back from tide_backup.users_1
	//   verified 2 rows against the backup (count and checksum)
}
