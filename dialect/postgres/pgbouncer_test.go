package postgres_test

import (
	"context"
	"net/url"
	"os"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/tidemigrate/tide"
	"github.com/tidemigrate/tide/internal/dburl"
	"github.com/tidemigrate/tide/internal/testdb"
)

// TestPgBouncerTransactionMode runs racing migrators through PgBouncer in
// transaction pooling mode, where session advisory locks do not hold:
// with the table lock each migration still runs exactly once, and the
// lock_timeout tide sets does not leak into the pooled server sessions.
// It needs TIDE_TEST_PGBOUNCER_URL, a PgBouncer in transaction mode in
// front of the TIDE_TEST_POSTGRES_URL server (.ci/run starts one when it
// can), and skips without it.
func TestPgBouncerTransactionMode(t *testing.T) {
	bouncer := os.Getenv("TIDE_TEST_PGBOUNCER_URL")
	if bouncer == "" {
		t.Skip("set TIDE_TEST_PGBOUNCER_URL to a PgBouncer in transaction mode in front of TIDE_TEST_POSTGRES_URL")
	}
	direct := testdb.New(t, testdb.Postgres)
	u, err := url.Parse(bouncer)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + direct.Name
	q := u.Query()
	q.Set("default_query_exec_mode", "simple_protocol") // no prepared statements across pooled sessions
	u.RawQuery = q.Encode()

	fsys := fstest.MapFS{}
	for i, m := range []string{
		"CREATE TABLE runs (v VARCHAR(20));\nINSERT INTO runs VALUES ('1');",
		"CREATE TABLE users (id INTEGER PRIMARY KEY);\nINSERT INTO runs VALUES ('2');",
		"ALTER TABLE users ADD COLUMN name TEXT;\nINSERT INTO runs VALUES ('3');",
	} {
		fsys[string(rune('1'+i))+"_m.sql"] = &fstest.MapFile{Data: []byte("-- +tide up\n" + m + "\n")}
	}
	const n = 6
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		db, d, err := dburl.Open(context.Background(), u.String())
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		m, err := tide.New(d, db, fsys, tide.WithLockMode(tide.LockTable), tide.WithLeaseTTL(5*time.Second))
		if err != nil {
			t.Fatal(err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = m.Up(context.Background())
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("migrator %d: %v", i, err)
		}
	}
	for _, v := range []string{"1", "2", "3"} {
		var runs int
		if err := direct.DB.QueryRow("SELECT count(*) FROM runs WHERE v = $1", v).Scan(&runs); err != nil || runs != 1 {
			t.Errorf("migration %s ran %d times (%v)", v, runs, err)
		}
	}
	db, _, err := dburl.Open(context.Background(), u.String())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for range 10 {
		var lt string
		if err := db.QueryRow("SHOW lock_timeout").Scan(&lt); err != nil || lt != "0" {
			t.Fatalf("a pooled session has lock_timeout %q (%v): tide's setting leaked", lt, err)
		}
	}
}
