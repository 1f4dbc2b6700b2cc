package backup_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/tidemigrate/tide"
	"github.com/tidemigrate/tide/backup"
	"github.com/tidemigrate/tide/dialect"
	"github.com/tidemigrate/tide/internal/testdb"
	"github.com/tidemigrate/tide/migration"
	"github.com/tidemigrate/tide/schema"
)

// needsInspector skips a test of backups on a dialect without a schema
// inspector, which backups need to record tables' definitions.
func needsInspector(t *testing.T, d dialect.Dialect) {
	t.Helper()
	if _, ok := d.(schema.Inspector); !ok {
		t.Skipf("%s has no schema inspector yet", d.Title())
	}
}

// TestPolicyTargets checks what a migration asks to back up: its
// markers' tables, then those its statements lose, none with "backup
// none", only the markers' with NoAuto.
func TestPolicyTargets(t *testing.T) {
	d := testdb.New(t, testdb.SQLite).Dialect
	mig := func(marker string, up string) *migration.Migration {
		stmts, err := d.Split(up)
		if err != nil {
			t.Fatal(err)
		}
		for i := range stmts {
			stmts[i].Line += 2
		}
		m := &migration.Migration{Version: migration.MustParseVersion("7"), Name: "x", Path: "7_x.sql", Up: stmts}
		if marker != "" {
			m.Backup = migration.Backup{Tables: strings.Fields(marker), None: marker == "none", Line: 1}
			if marker == "none" {
				m.Backup.Tables = nil
			}
		}
		return m
	}
	describe := func(ts []backup.Target) string {
		var out []string
		for _, t := range ts {
			out = append(out, t.Name+" "+string(t.Reason)+" ("+t.Detail+")")
		}
		return strings.Join(out, "; ")
	}
	up := "UPDATE a SET x = 1;\nDROP TABLE \"B\";\nDELETE FROM c WHERE id = 1;"
	tests := []struct {
		policy backup.Policy
		marker string
		want   string
	}{
		{backup.Policy{}, "", `"B" auto (DROP TABLE at 7_x.sql:4)`},
		{backup.Policy{}, "a c", `a marker (-- +tide backup at 7_x.sql:1); c marker (-- +tide backup at 7_x.sql:1); "B" auto (DROP TABLE at 7_x.sql:4)`},
		{backup.Policy{NoAuto: true}, "a", `a marker (-- +tide backup at 7_x.sql:1)`},
		{backup.Policy{NoAuto: true}, "", ``},
		{backup.Policy{}, "none", ``},
	}
	for _, tt := range tests {
		if got := describe(tt.policy.Targets(d, mig(tt.marker, up))); got != tt.want {
			t.Errorf("policy %+v, marker %q: targets\n%s\nwant\n%s", tt.policy, tt.marker, got, tt.want)
		}
	}
}

// folder is a migrations folder: a shop, then a migration that drops a
// column and empties a table, one that drops both tables, one that
// creates a table, one whose marker asks for a backup of that table, which
// it only updates, and one that asks for none.
func folder(kind string) fstest.MapFS {
	dropColumn := "DROP INDEX users_name;\nALTER TABLE users DROP COLUMN name;"
	if kind == testdb.MySQL {
		dropColumn = "ALTER TABLE users DROP INDEX users_name, DROP COLUMN name;"
	}
	dropUsers := "DROP TABLE users;"
	if kind == testdb.Postgres {
		dropUsers = "DROP TABLE users CASCADE; -- and its views"
	}
	return fstest.MapFS{
		"1_shop.sql":        {Data: []byte("-- +tide up\n" + shop[kind].schema + "\n")},
		"2_slim.sql":        {Data: []byte("-- +tide up\n" + dropColumn + "\nDELETE FROM orders;\n")},
		"3_drop.sql":        {Data: []byte("-- +tide up\nDROP TABLE orders;\n" + dropUsers + "\n")},
		"4_kept.sql":        {Data: []byte("-- +tide up\nCREATE TABLE kept (id INT PRIMARY KEY, n INT);\nINSERT INTO kept VALUES (1, 1), (2, 2);\n")},
		"5_marked_only.sql": {Data: []byte("-- +tide backup kept\n-- +tide up\nUPDATE kept SET n = n + 1;\n")},
		"6_none.sql":        {Data: []byte("-- +tide backup none\n-- +tide up\nDELETE FROM kept;\n")},
	}
}

// TestPolicyUp runs a folder with automatic backups on every database:
// each destructive migration's tables are copied before it runs, and a
// dropped table comes back with tide restore's library call.
func TestPolicyUp(t *testing.T) {
	for _, kind := range testdb.Kinds() {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := testdb.New(t, kind)
			needsInspector(t, db.Dialect)
			cleanupBackups(t, db)
			var events []string
			m, err := tide.New(db.Dialect, db.DB, folder(kind), tide.WithBackups(backup.Policy{BatchRows: 100}),
				tide.WithObserver(func(e tide.Event) {
					if strings.HasPrefix(e.Kind(), "backup_") && e.Kind() != "backup_progress" {
						events = append(events, e.Kind())
					}
				}))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := m.UpTo(ctx, tide.MustParseVersion("1")); err != nil {
				t.Fatal(err)
			}
			conn, _ := conns(t, db.DB)
			c := db.Dialect.(backup.Copier)
			_, schema, err := c.Scope(ctx, conn)
			if err != nil {
				t.Fatal(err)
			}
			before := checksum(t, c, conn, schema+".orders")
			if _, err := m.Up(ctx); err != nil {
				t.Fatal(err)
			}
			list, err := backup.List(ctx, db.Dialect, db.DB)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, e := range list {
				got = append(got, e.Version+":"+e.Table+":"+string(e.Reason))
			}
			want := []string{"2:users:auto", "2:orders:auto", "3:orders:auto", "3:users:auto", "5:kept:marker"}
			if !slices.Equal(got, want) {
				t.Errorf("backups %v, want %v", got, want)
			}
			if strings.Count(strings.Join(events, " "), "backup_done") != len(want) {
				t.Errorf("events %v", events)
			}
			// orders was emptied by 2 and dropped by 3: 2's copy has its rows.
			ropts := backup.DefaultRestoreOptions()
			ropts.Version, ropts.Tables = "2", []string{"orders", "users"}
			done, err := backup.Restore(ctx, db.Dialect, db.DB, ropts)
			if err != nil {
				t.Fatal(err)
			}
			if len(done) != 2 || done[0].Table[strings.LastIndexByte(done[0].Table, '.')+1:] != "users" {
				t.Fatalf("restored %+v, want users, then orders whose foreign key points at it", done)
			}
			if got := checksum(t, c, conn, schema+".orders"); got != before {
				t.Errorf("orders sums %+v after the restore, want %+v", got, before)
			}
		})
	}
}

// TestPolicyHint makes a MySQL migration fail after its DDL took effect:
// the error names the backup taken before it ran and how to restore it.
func TestPolicyHint(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := testdb.New(t, testdb.MySQL)
	needsInspector(t, db.Dialect)
	cleanupBackups(t, db)
	fsys := fstest.MapFS{
		"1_t.sql":   {Data: []byte("-- +tide up\nCREATE TABLE t (id INT PRIMARY KEY, x INT);\nINSERT INTO t VALUES (1, 1), (2, 2);\n")},
		"2_bad.sql": {Data: []byte("-- +tide up\nALTER TABLE t DROP COLUMN x;\nINSERT INTO nope VALUES (1);\n")},
	}
	m, err := tide.New(db.Dialect, db.DB, fsys, tide.WithBackups(backup.Policy{}))
	if err != nil {
		t.Fatal(err)
	}
	_, err = m.Up(ctx)
	me, ok := errors.AsType[*tide.MigrationError](err)
	if !ok || me.Applied != 1 {
		t.Fatalf("error %v, want a *MigrationError after 1 statement", err)
	}
	for _, want := range []string{".t (backup ", "tide restore 2"} {
		if !strings.Contains(me.Hint, want) || !strings.Contains(err.Error(), want) {
			t.Errorf("error %q, hint %q: want %q in both", err, me.Hint, want)
		}
	}
}

// TestPolicyFailures checks that a migration whose backup cannot be taken
// does not run: a marker naming a table that does not exist, named with
// file and line.
func TestPolicyFailures(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := testdb.New(t, testdb.SQLite)
	needsInspector(t, db.Dialect)
	fsys := fstest.MapFS{
		"1_t.sql":   {Data: []byte("-- +tide up\nCREATE TABLE t (id INT PRIMARY KEY);\n")},
		"2_bad.sql": {Data: []byte("-- +tide backup t typo\n-- +tide up\nDROP TABLE t;\n")},
	}
	m, err := tide.New(db.Dialect, db.DB, fsys, tide.WithBackups(backup.Policy{}))
	if err != nil {
		t.Fatal(err)
	}
	_, err = m.Up(ctx)
	me, ok := errors.AsType[*tide.MigrationError](err)
	if !ok || me.Path != "2_bad.sql" || !strings.Contains(err.Error(), "table typo does not exist (-- +tide backup at 2_bad.sql:1)") ||
		!strings.Contains(err.Error(), "nothing of the migration ran") {
		t.Fatalf("error %v", err)
	}
	if n := count(t, db.DB, "SELECT COUNT(*) FROM sqlite_master WHERE name = 't'"); n != 1 {
		t.Error("the migration ran: t was dropped")
	}
}

// TestPolicySingleTransaction backs up before a deploy in one
// transaction: every migration's tables, before it begins.
func TestPolicySingleTransaction(t *testing.T) {
	for _, kind := range []string{testdb.SQLite, testdb.Postgres} {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := testdb.New(t, kind)
			needsInspector(t, db.Dialect)
			cleanupBackups(t, db)
			execAll(t, db.DB, db.Dialect, "CREATE TABLE a (id INT PRIMARY KEY); INSERT INTO a VALUES (1), (2)")
			fsys := fstest.MapFS{
				"1_empty.sql": {Data: []byte("-- +tide up\nDELETE FROM a;\n")},
				"2_drop.sql":  {Data: []byte("-- +tide up\nDROP TABLE a;\n")},
			}
			m, err := tide.New(db.Dialect, db.DB, fsys, tide.WithBackups(backup.Policy{}), tide.WithSingleTransaction(true))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := m.Up(ctx); err != nil {
				t.Fatal(err)
			}
			list, err := backup.List(ctx, db.Dialect, db.DB)
			if err != nil || len(list) != 2 || list[0].Rows != 2 || list[1].Rows != 2 || list[0].Version != "1" || list[1].Version != "2" {
				t.Fatalf("backups %+v, %v: want a's 2 rows, for 1 and for 2, both taken before the transaction", list, err)
			}
		})
	}
}
