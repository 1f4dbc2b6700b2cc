package tide_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log"

	"github.com/tidemigrate/tide"
	"github.com/tidemigrate/tide/adopt"
	"github.com/tidemigrate/tide/dialect/sqlite"
)

// Take over a database that goose migrated: Up refuses to run every
// migration again; adopting goose's history records what goose applied,
// and Up goes on from there.
func ExampleMigrator_Adopt() {
	ctx := context.Background()
	db, cleanup := openSQLite()
	defer cleanup()
	for _, s := range []string{ // goose applied migration 1
		`CREATE TABLE goose_db_version (id INTEGER PRIMARY KEY, version_id BIGINT NOT NULL, is_applied BOOLEAN NOT NULL, tstamp TIMESTAMP NULL)`,
		`INSERT INTO goose_db_version (id, version_id, is_applied) VALUES (1, 0, TRUE), (2, 1, TRUE)`,
		`CREATE TABLE users (id INTEGER PRIMARY KEY, email VARCHAR(255) NOT NULL)`,
	} {
		if _, err := db.ExecContext(ctx, s); err != nil {
			log.Fatal(err)
		}
	}
	migrations, _ := fs.Sub(embedded, "testdata/migrations")
	d := sqlite.New()
	m, err := tide.New(d, db, migrations)
	if err != nil {
		log.Fatal(err)
	}
	if _, err := m.Up(ctx); errors.As(err, new(*tide.OtherHistoryError)) {
		fmt.Println("Up refused: goose's history is not adopted")
	}

	folder := adopt.Folder{FS: migrations, Dir: "testdata/migrations"}
	src, _, err := adopt.Choose(ctx, d, db, folder) // the tool whose table is there
	if err != nil {
		log.Fatal(err)
	}
	history, err := src.Read(ctx, d, db)
	if err != nil {
		log.Fatal(err)
	}
	plan, err := history.Plan(m.Set(), folder, adopt.PlanOptions{})
	if err != nil {
		log.Fatal(err) // names the files, and what to do
	}
	adopted, err := m.Adopt(ctx, plan, false)
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range adopted {
		fmt.Println("adopted from", plan.Source+":", r.Migration.Label())
	}
	applied, err := m.Up(ctx)
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range applied {
		fmt.Println("applied", r.Migration.Label())
	}
	// Output:
	// Up refused: goose's history is not adopted
	// adopted from goose: 1 create_users
	// applied 2 add_name
}
