package tide_test

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/tidemigrate/tide"
	"github.com/tidemigrate/tide/dialect/sqlite"
	"github.com/tidemigrate/tide/migration"
	"github.com/tidemigrate/tide/source"
)

func sqliteDB(t *testing.T) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(t.TempDir(), "t.db")+"?_txlock=immediate&_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestNewReportsEveryBadFile(t *testing.T) {
	fsys := fstest.MapFS{
		"1_ok.sql":       {Data: []byte("-- +tide up\nCREATE TABLE a (id INTEGER);\n")},
		"2_unclosed.sql": {Data: []byte("-- +tide up\nCREATE TABLE b (id INTEGER);\n\nINSERT INTO b VALUES ('oops);\n")},
		"3_noup.sql":     {Data: []byte("CREATE TABLE c (id INTEGER);\n")},
	}
	_, err := tide.New(sqlite.New(), sqliteDB(t), fsys)
	if err == nil {
		t.Fatal("New accepted bad files")
	}
	var pe *migration.ParseError
	if !errors.As(err, &pe) {
		t.Fatalf("error %v holds no *migration.ParseError", err)
	}
	for _, want := range []string{"2_unclosed.sql:4: unterminated", "3_noup.sql:1:"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %q", err, want)
		}
	}
}

func TestNewOptions(t *testing.T) {
	db := sqliteDB(t)
	fsys := fstest.MapFS{"1_a.sql": {Data: []byte("-- +tide up\nSELECT 1;\n")}}
	bad := map[string]tide.Option{
		"empty table":   tide.WithTable(""),
		"short lease":   tide.WithLeaseTTL(time.Millisecond),
		"negative wait": tide.WithLockWait(-time.Second),
		"lock mode":     tide.WithLockMode(tide.LockMode(9)),
		"go no version": tide.WithGoMigrations(tide.GoMigration{Name: "x"}),
		"go no up":      tide.WithGoMigrations(tide.GoMigration{Version: tide.MustParseVersion("2")}),
		"session lock":  tide.WithLockMode(tide.LockSession), // SQLite has none
	}
	for name, opt := range bad {
		if _, err := tide.New(sqlite.New(), db, fsys, opt); err == nil {
			t.Errorf("%s: New accepted it", name)
		}
	}
	if _, err := tide.New(sqlite.New(), db, nil); err == nil {
		t.Error("New accepted no migrations at all")
	}
}

func TestMigrationErrorText(t *testing.T) {
	base := tide.MigrationError{Version: tide.MustParseVersion("20261122093000"), Name: "add_users", Path: "migrations/20261122093000_add_users.sql",
		Direction: tide.Up, Statement: 3, Line: 14, Err: errors.New(`relation "users" already exists`)}
	tx := base
	tx.Transactional = true
	partial := base
	partial.Applied = 2
	tests := []struct {
		err  tide.MigrationError
		want string
	}{
		{tx, `migrations/20261122093000_add_users.sql:14: up 20261122093000 add_users: statement 3: relation "users" already exists (rolled back: nothing of this migration was applied)`},
		{partial, `migrations/20261122093000_add_users.sql:14: up 20261122093000 add_users: statement 3: relation "users" already exists (statements 1-2 took effect and are recorded; fix statement 3 and run tide up again to continue from it)`},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("got  %s\nwant %s", got, tt.want)
		}
	}
	if !errors.Is(&partial, partial.Err) {
		t.Error("MigrationError does not unwrap")
	}
}

func TestLoggerAndObserver(t *testing.T) {
	var events []string
	fsys := fstest.MapFS{"1_a.sql": {Data: []byte("-- +tide up\nCREATE TABLE a (id INTEGER);\nCREATE TABLE b (id INTEGER);\n-- +tide down\nDROP TABLE b;\nDROP TABLE a;\n")}}
	m, err := tide.New(sqlite.New(), sqliteDB(t), fsys, tide.WithObserver(func(e tide.Event) {
		switch e := e.(type) {
		case tide.LockAcquired:
			events = append(events, "lock")
		case tide.MigrationStarted:
			events = append(events, "start "+string(e.Direction))
		case tide.StatementDone:
			events = append(events, "stmt")
		case tide.MigrationDone:
			events = append(events, "done "+string(e.Direction))
		}
	}))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := m.Up(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Down(ctx); err != nil {
		t.Fatal(err)
	}
	want := "lock,start up,stmt,stmt,done up,lock,start down,stmt,stmt,done down"
	if got := strings.Join(events, ","); got != want {
		t.Fatalf("events %s\nwant   %s", got, want)
	}
}

func TestDownUnknownTarget(t *testing.T) {
	fsys := fstest.MapFS{"1_a.sql": {Data: []byte("-- +tide up\nSELECT 1;\n")}}
	m, err := tide.New(sqlite.New(), sqliteDB(t), fsys)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.DownTo(context.Background(), tide.MustParseVersion("7")); !errors.Is(err, tide.ErrUnknownVersion) {
		t.Fatalf("DownTo(7) = %v, want ErrUnknownVersion", err)
	}
}

// golang-migrate numbers from 0: a version-0 migration runs first and is
// recorded like any other.
func TestVersionZero(t *testing.T) {
	fsys := fstest.MapFS{
		"0_init.up.sql":   {Data: []byte("CREATE TABLE a (id INTEGER);")},
		"0_init.down.sql": {Data: []byte("DROP TABLE a;")},
		"1_b.up.sql":      {Data: []byte("CREATE TABLE b (id INTEGER);")},
		"1_b.down.sql":    {Data: []byte("DROP TABLE b;")},
	}
	m, err := tide.New(sqlite.New(), sqliteDB(t), fsys, tide.WithFormat(source.GolangMigrate))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	rs, err := m.UpTo(ctx, tide.MustParseVersion("0"))
	if err != nil || len(rs) != 1 || rs[0].Migration.Version.String() != "0" {
		t.Fatalf("UpTo(0) = %+v, %v", rs, err)
	}
	if rs, err := m.Up(ctx); err != nil || len(rs) != 1 {
		t.Fatalf("Up = %+v, %v", rs, err)
	}
	if rs, err := m.DownTo(ctx, tide.MustParseVersion("0")); err != nil || len(rs) != 1 {
		t.Fatalf("DownTo(0) = %+v, %v", rs, err)
	}
	st, err := m.Status(ctx)
	if err != nil || st[0].State != tide.StateApplied || st[1].State != tide.StatePending {
		t.Fatalf("status = %+v, %v", st, err)
	}
	if _, err := source.ParseNative("0_x.sql", []byte("-- +tide up\n")); err == nil {
		t.Fatal("the native format accepted version 0")
	}
}

func TestNoDownErrorText(t *testing.T) {
	err := &tide.MigrationError{Version: tide.MustParseVersion("3"), Name: "x", Path: "3_x.sql", Direction: tide.Down, Err: tide.ErrNoDown}
	if got, want := err.Error(), "3_x.sql: down 3 x: migration has no down section and cannot be reverted"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}
