package tide_test

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"log"
	"os"
	"path/filepath"

	_ "modernc.org/sqlite"

	"github.com/tidemigrate/tide"
	"github.com/tidemigrate/tide/dialect"
	"github.com/tidemigrate/tide/dialect/sqlite"
	"github.com/tidemigrate/tide/migration"
	"github.com/tidemigrate/tide/source"
)

//go:embed testdata/migrations/*.sql
var embedded embed.FS

// openSQLite opens a throwaway SQLite database as tide's CLI does.
func openSQLite() (*sql.DB, func()) {
	dir, err := os.MkdirTemp("", "tide-example")
	if err != nil {
		log.Fatal(err)
	}
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "app.db")+"?_txlock=immediate&_pragma=busy_timeout(10000)")
	if err != nil {
		log.Fatal(err)
	}
	return db, func() { db.Close(); os.RemoveAll(dir) }
}

// Apply the migrations embedded in the program, then look at their state.
func Example() {
	db, cleanup := openSQLite()
	defer cleanup()
	migrations, _ := fs.Sub(embedded, "testdata/migrations")

	m, err := tide.New(sqlite.New(), db, migrations)
	if err != nil {
		log.Fatal(err) // a bad file: every problem, with file and line
	}
	ctx := context.Background()
	results, err := m.Up(ctx)
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range results {
		fmt.Println("applied", r.Migration.Version, r.Migration.Name)
	}
	status, _ := m.Status(ctx)
	for _, s := range status {
		fmt.Println(s.Migration.Version, s.State)
	}
	// Output:
	// applied 1 create_users
	// applied 2 add_name
	// 1 applied
	// 2 applied
}

// Go migrations run in version order among the SQL files, in the same
// transaction as their version record.
func ExampleWithGoMigrations() {
	db, cleanup := openSQLite()
	defer cleanup()
	migrations, _ := fs.Sub(embedded, "testdata/migrations")

	backfill := tide.GoMigration{
		Version: tide.MustParseVersion("3"),
		Name:    "backfill_names",
		Up: func(ctx context.Context, tx dialect.Querier) error {
			_, err := tx.ExecContext(ctx, `UPDATE users SET name = email WHERE name IS NULL`)
			return err
		},
		Down: func(context.Context, dialect.Querier) error { return nil },
	}
	m, err := tide.New(sqlite.New(), db, migrations, tide.WithGoMigrations(backfill))
	if err != nil {
		log.Fatal(err)
	}
	results, err := m.Up(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(results), "migrations applied; the last is", results[2].Migration.Name)
	// Output:
	// 3 migrations applied; the last is backfill_names
}

// Observe progress with typed events, as the CLI does to draw its output.
func ExampleWithObserver() {
	db, cleanup := openSQLite()
	defer cleanup()
	migrations, _ := fs.Sub(embedded, "testdata/migrations")

	m, err := tide.New(sqlite.New(), db, migrations, tide.WithObserver(func(e tide.Event) {
		switch e := e.(type) {
		case tide.StatementDone:
			fmt.Printf("%s: statement %d/%d (line %d)\n", e.Migration.Path, e.Index, e.Total, e.Line)
		case tide.MigrationFailed:
			fmt.Println("failed:", e.Err)
		}
	}))
	if err != nil {
		log.Fatal(err)
	}
	if _, err := m.Up(context.Background()); err != nil {
		log.Fatal(err)
	}
	// Output:
	// 1_create_users.sql: statement 1/1 (line 2)
	// 2_add_name.sql: statement 1/1 (line 2)
}

// Plan shows what Up would run without touching the database.
func ExampleMigrator_Plan() {
	db, cleanup := openSQLite()
	defer cleanup()
	migrations, _ := fs.Sub(embedded, "testdata/migrations")

	m, err := tide.New(sqlite.New(), db, migrations)
	if err != nil {
		log.Fatal(err)
	}
	plan, err := m.Plan(context.Background(), tide.Version{})
	if err != nil {
		log.Fatal(err)
	}
	for _, p := range plan {
		for _, s := range p.Statements() {
			fmt.Printf("-- %s line %d\n%s;\n", p.Migration.Path, s.Line, s.SQL)
		}
	}
	// Output:
	// -- 1_create_users.sql line 2
	// CREATE TABLE users (id INTEGER PRIMARY KEY, email VARCHAR(255) NOT NULL);
	// -- 2_add_name.sql line 2
	// ALTER TABLE users ADD COLUMN name VARCHAR(100);
}

// Load the migrations once, without a database, and run the same set on
// several databases (tenants, say): files are read, split and checksummed
// only once.
func ExampleWithMigrations() {
	migrations, _ := fs.Sub(embedded, "testdata/migrations")
	set, err := migration.Load(migrations, sqlite.New(), source.Native)
	if err != nil {
		log.Fatal(err) // every bad file, with file and line
	}
	for _, tenant := range []string{"acme", "globex"} {
		db, cleanup := openSQLite()
		m, err := tide.New(sqlite.New(), db, nil, tide.WithMigrations(set))
		if err != nil {
			log.Fatal(err)
		}
		results, err := m.Up(context.Background())
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%s: applied %d migrations\n", tenant, len(results))
		cleanup()
	}
	// Output:
	// acme: applied 2 migrations
	// globex: applied 2 migrations
}
