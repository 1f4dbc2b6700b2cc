package postgres_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/tidemigrate/tide"
	"github.com/tidemigrate/tide/dialect/postgres"
	"github.com/tidemigrate/tide/internal/testdb"
)

func TestConcurrentIndexName(t *testing.T) {
	tests := map[string]string{
		"CREATE INDEX CONCURRENTLY t_c ON t (c)":                         "t_c",
		"create unique index concurrently if not exists \"T c\" on t(c)": `"T c"`,
		"CREATE INDEX CONCURRENTLY app.t_c ON app.t (c)":                 "app.t_c",
		"CREATE INDEX CONCURRENTLY ON t (c)":                             "",
		"CREATE INDEX t_c ON t (c)":                                      "",
		"DROP INDEX CONCURRENTLY t_c":                                    "",
	}
	for stmt, want := range tests {
		got, ok := postgres.New().ConcurrentIndex(stmt)
		if got != want || ok != (want != "") {
			t.Errorf("ConcurrentIndex(%q) = %q, %v; want %q", stmt, got, ok, want)
		}
	}
}

// A concurrent index build that fails leaves no invalid index behind, and
// an invalid index left by an earlier build is dropped and built again.
func TestConcurrentIndexRecovers(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := testdb.New(t, testdb.Postgres)
	exec := func(q string) {
		t.Helper()
		if _, err := db.DB.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	valid := func(name string) (exists, ok bool) {
		t.Helper()
		exists, ok, err := postgres.New().IndexValid(ctx, db.DB, name)
		if err != nil {
			t.Fatal(err)
		}
		return exists, ok
	}
	exec("CREATE TABLE t (c int)")
	exec("INSERT INTO t VALUES (1), (1)")
	fsys := fstest.MapFS{"1_u.sql": {Data: []byte("-- +tide no-transaction\n-- +tide up\nCREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS t_u ON t (c);\n")}}
	var dropped []string
	m, err := tide.New(db.Dialect, db.DB, fsys, tide.WithObserver(func(e tide.Event) {
		if d, ok := e.(tide.InvalidIndexDropped); ok {
			dropped = append(dropped, d.Index)
		}
	}))
	if err != nil {
		t.Fatal(err)
	}
	_, err = m.Up(ctx)
	var me *tide.MigrationError
	if !errors.As(err, &me) || !strings.Contains(err.Error(), "the invalid index t_u it left was dropped") {
		t.Fatalf("Up over duplicates = %v", err)
	}
	if exists, _ := valid("t_u"); exists {
		t.Fatal("the failed build left its invalid index")
	}
	// An invalid index left by a build that tide did not see end (a
	// killed run): made here by a failing build outside tide.
	if _, err := db.DB.ExecContext(ctx, "CREATE UNIQUE INDEX CONCURRENTLY t_u ON t (c)"); err == nil {
		t.Fatal("the build over duplicates succeeded")
	}
	if exists, ok := valid("t_u"); !exists || ok {
		t.Fatalf("setup: t_u exists=%v valid=%v, want an invalid index", exists, ok)
	}
	exec("DELETE FROM t")
	dropped = nil
	if _, err := m.Up(ctx); err != nil {
		t.Fatalf("Up after the fix: %v", err)
	}
	if exists, ok := valid("t_u"); !exists || !ok {
		t.Fatalf("t_u exists=%v valid=%v after Up, want a valid index", exists, ok)
	}
	if len(dropped) != 1 || dropped[0] != "t_u" {
		t.Errorf("InvalidIndexDropped events = %v, want [t_u]", dropped)
	}
}
