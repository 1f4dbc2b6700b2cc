package dialecttest

import (
	"context"
	"database/sql"
	"testing"
	"testing/fstest"

	"github.com/tidemigrate/tide"
)

// files builds an fs.FS of migration files from name → content pairs.
func files(kv ...string) fstest.MapFS {
	fsys := fstest.MapFS{}
	for i := 0; i+1 < len(kv); i += 2 {
		fsys[kv[i]] = &fstest.MapFile{Data: []byte(kv[i+1])}
	}
	return fsys
}

// migration writes a native migration file's content.
func migration(up, down string) string {
	s := "-- +tide up\n" + up + "\n"
	if down != "" {
		s += "-- +tide down\n" + down + "\n"
	}
	return s
}

// basic is three migrations that log each run into the table runs.
func basic() fstest.MapFS {
	return files(
		"1_runs.sql", migration(
			"CREATE TABLE runs (v VARCHAR(20));\nINSERT INTO runs (v) VALUES ('1');",
			"DROP TABLE runs;"),
		"2_users.sql", migration(
			"CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(50));\nINSERT INTO runs (v) VALUES ('2');",
			"DROP TABLE users;\nINSERT INTO runs (v) VALUES ('-2');"),
		"3_posts.sql", migration(
			"CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER);\nINSERT INTO runs (v) VALUES ('3');",
			"DROP TABLE posts;\nINSERT INTO runs (v) VALUES ('-3');"),
	)
}

func newMigrator(t testing.TB, db Database, conn *sql.DB, fsys fstest.MapFS, opts ...tide.Option) *tide.Migrator {
	t.Helper()
	if conn == nil {
		conn = db.DB
	}
	m, err := tide.New(db.Dialect, conn, fsys, opts...)
	if err != nil {
		t.Fatalf("tide.New: %v", err)
	}
	return m
}

func count(t testing.TB, q *sql.DB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := q.QueryRowContext(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

func tableExists(t testing.TB, db Database, name string) bool {
	t.Helper()
	ok, err := db.Dialect.TableExists(context.Background(), db.DB, name)
	if err != nil {
		t.Fatalf("table exists %s: %v", name, err)
	}
	return ok
}

func versions(rs []tide.Result) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = string(r.Direction) + " " + r.Migration.Version.String()
	}
	return out
}

func states(t testing.TB, m *tide.Migrator) map[string]tide.State {
	t.Helper()
	st, err := m.Status(context.Background())
	if err != nil {
		t.Fatalf("Status: %v", err)
	}
	out := map[string]tide.State{}
	for _, s := range st {
		out[s.Migration.Version.String()] = s.State
	}
	return out
}

func mustUp(t testing.TB, m *tide.Migrator) []tide.Result {
	t.Helper()
	rs, err := m.Up(context.Background())
	if err != nil {
		t.Fatalf("Up: %v", err)
	}
	return rs
}
