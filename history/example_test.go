package history_test

import (
	"context"
	"database/sql"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	_ "modernc.org/sqlite"

	"github.com/tidemigrate/tide/dialect/sqlite"
	"github.com/tidemigrate/tide/history"
	"github.com/tidemigrate/tide/migration"
)

func Example() {
	dir, err := os.MkdirTemp("", "history")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	db, err := sql.Open("sqlite", filepath.Join(dir, "app.db"))
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()

	ctx := context.Background()
	store := history.New(sqlite.New(), "tide_migrations")
	// Under the migration lock: create the tables, or upgrade them.
	if err := store.Ensure(ctx, db); err != nil {
		log.Fatal(err)
	}
	at := time.Date(2026, 11, 22, 9, 30, 0, 0, time.UTC)
	for _, r := range []history.Record{
		{Key: "2", Name: "add email", Kind: history.KindMigration, State: history.StateApplied, Direction: migration.Up, AppliedAt: at},
		{Key: "1", Name: "create users", Kind: history.KindAdopted, AdoptedFrom: "goose", State: history.StateApplied, Direction: migration.Up, AppliedAt: at},
	} {
		if err := store.Insert(ctx, db, r); err != nil {
			log.Fatal(err)
		}
	}
	if err := store.SetStatements(ctx, db, "2", history.Statements{
		Up:   []string{"ALTER TABLE users ADD COLUMN email text"},
		Down: []string{"ALTER TABLE users DROP COLUMN email"},
	}); err != nil {
		log.Fatal(err)
	}

	recs, err := store.List(ctx, db)
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range recs {
		line := fmt.Sprintf("%s %-12s %-9s seq %d", r.Version, r.Name, r.Kind, r.Seq)
		if r.Kind == history.KindAdopted {
			line += " from " + r.AdoptedFrom
		}
		fmt.Println(line)
	}
	st, _, err := store.Statements(ctx, db, "2")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(st.Up[0])
	// Output:
	// 1 create users adopted   seq 2 from goose
	// 2 add email    migration seq 1
	// ALTER TABLE users ADD COLUMN email text
}
