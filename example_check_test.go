package tide_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"testing/fstest"

	"github.com/tidemigrate/tide"
	"github.com/tidemigrate/tide/dialect/sqlite"
)

// A migration's data checks run after its statements; a failing one rolls
// the migration back. Check runs them again later.
func ExampleMigrator_Check() {
	db, cleanup := openSQLite()
	defer cleanup()
	fsys := fstest.MapFS{
		"1_users.sql": {Data: []byte(`-- +tide up
CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT);
INSERT INTO users (id, email) VALUES (1, 'ada@example.com');

-- +tide check not-null users.email
-- +tide check
SELECT id, email FROM users WHERE email NOT LIKE '%@%';
`)},
		"2_more.sql": {Data: []byte(`-- +tide up
INSERT INTO users (id) VALUES (2);

-- +tide check not-null users.email
`)},
	}
	m, err := tide.New(sqlite.New(), db, fsys)
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	_, err = m.Up(ctx)
	var ce *tide.CheckError
	if errors.As(err, &ce) {
		fmt.Println(ce.Outcome.Reason)
		fmt.Println(err)
	}

	// Later, after someone changed the data by hand.
	if _, err := db.Exec(`UPDATE users SET email = 'nobody' WHERE id = 1`); err != nil {
		log.Fatal(err)
	}
	report, err := m.Check(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d checks, %d failed\n", report.Checks(), len(report.Failed()))
	fmt.Println(report.Err())
	// Output:
	// 1 row of users has NULL in email
	// 2_more.sql:4: up 2 more: check 1/1 (not-null users.email) failed: 1 row of users has NULL in email: (id=2, email=NULL) (rolled back: nothing of this migration was applied)
	// 2 checks, 1 failed
	// 1_users.sql:7: check 2/2 (SELECT id, email FROM users WHERE email NOT LIKE '%@%') of 1 users failed: the query returned 1 row: (id=1, email="nobody")
}
