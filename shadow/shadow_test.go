package shadow_test

import (
	"context"
	"database/sql"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/tidemigrate/tide"
	"github.com/tidemigrate/tide/internal/testdb"
	"github.com/tidemigrate/tide/migration"
	"github.com/tidemigrate/tide/schema"
	"github.com/tidemigrate/tide/shadow"
	"github.com/tidemigrate/tide/source"
)

// file is a native migration file.
func file(up, down string) *fstest.MapFile {
	s := "-- +tide up\n" + up + "\n"
	if down != "" {
		s += "-- +tide down\n" + down + "\n"
	}
	return &fstest.MapFile{Data: []byte(s)}
}

// byKind picks the statement for a kind of database.
func byKind(kind, sqlite, postgres, mysql string) string {
	switch kind {
	case testdb.Postgres:
		return postgres
	case testdb.MySQL:
		return mysql
	}
	return sqlite
}

func load(t *testing.T, db *testdb.DB, fsys fstest.MapFS) *migration.Set {
	t.Helper()
	set, err := migration.Load(fsys, db.Dialect, source.Native)
	if err != nil {
		t.Fatal(err)
	}
	return set
}

func TestVerifyRollback(t *testing.T) {
	t.Parallel()
	for _, kind := range testdb.Kinds() {
		t.Run(strings.ToLower(kind), func(t *testing.T) {
			t.Parallel()
			db := testdb.New(t, kind)
			trigger := byKind(kind,
				"CREATE TRIGGER users_touch AFTER INSERT ON users BEGIN UPDATE users SET name = name WHERE id = NEW.id; END;",
				"CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;\nCREATE TRIGGER users_touch BEFORE INSERT ON users FOR EACH ROW EXECUTE FUNCTION touch();",
				"CREATE TRIGGER users_touch BEFORE INSERT ON users FOR EACH ROW SET NEW.name = NEW.name;")
			// A type change whose down forgets it (SQLite cannot change a
			// type: a column left behind instead).
			retype := byKind(kind, "ALTER TABLE users ADD COLUMN age INTEGER DEFAULT 3;",
				"ALTER TABLE users ALTER COLUMN name TYPE VARCHAR(80);",
				"ALTER TABLE users MODIFY name VARCHAR(80) NOT NULL DEFAULT 'x';")
			retyped := byKind(kind, "column users.age added",
				"column users.name changed: type: character varying(40) → character varying(80)",
				"column users.name changed: type: varchar(40) → varchar(80)")
			fsys := fstest.MapFS{
				"1_users.sql":         file("CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(40) NOT NULL DEFAULT 'x');", "DROP TABLE users;"),
				"2_index.sql":         file("CREATE INDEX users_name ON users (name);", "SELECT 1;"),
				"3_orders.sql":        file("CREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users (id));", "DROP TABLE orders;"),
				"4_irreversible.sql":  file("CREATE TABLE audit (id INTEGER PRIMARY KEY);", ""),
				"5_trigger.sql":       file(trigger, "SELECT 1;"),
				"6_good_column.sql":   file("ALTER TABLE orders ADD COLUMN note VARCHAR(10);", "ALTER TABLE orders DROP COLUMN note;"),
				"7_retype.sql":        file(retype, "SELECT 1;"),
				"8_fails_down.sql":    file("CREATE TABLE dup (id INTEGER);", "DROP TABLE nowhere;"),
				"9_never_checked.sql": file("CREATE TABLE later (id INTEGER);", "DROP TABLE later;"),
			}
			set := load(t, db, fsys)
			var seen []string
			rep, err := shadow.VerifyRollback(context.Background(), db.Dialect, db.DB, set, shadow.Options{
				OnStep: func(s shadow.Step) { seen = append(seen, s.Version.String()) },
				Fresh:  func(context.Context) (*sql.DB, error) { return testdb.New(t, kind).DB, nil },
			})
			if err != nil {
				t.Fatal(err)
			}
			want := []struct {
				verdict string
				change  string // a change that must be named, "" for none
			}{
				{shadow.Restored, ""},
				{shadow.NotRestored, "index users.users_name added"},
				{shadow.Restored, ""},
				{shadow.Irreversible, ""},
				{shadow.NotRestored, "trigger users.users_touch added"},
				{shadow.Restored, ""},
				{shadow.NotRestored, retyped},
				{shadow.Failed, ""},
			}
			if len(rep.Steps) != len(want) {
				t.Fatalf("got %d steps, want %d: %+v", len(rep.Steps), len(want), rep.Steps)
			}
			for i, w := range want {
				s := rep.Steps[i]
				if s.Verdict != w.verdict {
					t.Errorf("migration %s: verdict %q, want %q (changes %v, err %v)", s.Version, s.Verdict, w.verdict, s.Changes, s.Err)
				}
				if w.change != "" && !hasChange(s.Changes, w.change) {
					t.Errorf("migration %s: changes %v do not name %q", s.Version, s.Changes, w.change)
				}
				if w.change == "" && len(s.Changes) > 0 && s.Verdict != shadow.NotRestored {
					t.Errorf("migration %s: unexpected changes %v", s.Version, s.Changes)
				}
			}
			if s := rep.Steps[7]; s.Phase != "down" {
				t.Errorf("migration 8 failed in %q, want down: %v", s.Phase, s.Err)
			}
			if rep.Unchecked != 1 || rep.OK(false) {
				t.Errorf("unchecked %d ok %v; want 1, false", rep.Unchecked, rep.OK(false))
			}
			if len(seen) != len(want) {
				t.Errorf("OnStep saw %v", seen)
			}
		})
	}
}

func hasChange(changes []schema.Change, want string) bool {
	for _, c := range changes {
		if strings.Contains(c.String(), want) {
			return true
		}
	}
	return false
}

func TestVerifyRollbackData(t *testing.T) {
	t.Parallel()
	for _, kind := range testdb.Kinds() {
		t.Run(strings.ToLower(kind), func(t *testing.T) {
			t.Parallel()
			db := testdb.New(t, kind)
			fsys := fstest.MapFS{
				"1_users.sql": file("CREATE TABLE users (id INTEGER PRIMARY KEY, email VARCHAR(40) NOT NULL, flag BOOLEAN);", "DROP TABLE users;"),
				"2_kids.sql":  file("CREATE TABLE kids (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users (id));", "DROP TABLE kids;"),
				// Overwriting values: down cannot bring them back.
				"3_overwrite.sql": file("UPDATE users SET email = 'lost';", "SELECT 1;"),
				// Deleting rows: down cannot bring them back.
				"4_delete.sql": file("DELETE FROM kids;", "SELECT 1;"),
			}
			rep, err := shadow.VerifyRollback(context.Background(), db.Dialect, db.DB, load(t, db, fsys), shadow.Options{
				Data:  true,
				Fresh: func(context.Context) (*sql.DB, error) { return testdb.New(t, kind).DB, nil },
			})
			if err != nil {
				t.Fatal(err)
			}
			if len(rep.Steps) != 4 {
				t.Fatalf("steps: %+v", rep.Steps)
			}
			if s := rep.Steps[1]; s.Verdict != shadow.Restored || len(s.Seeded) != 1 || s.Seeded[0] != "users" {
				t.Errorf("kids: verdict %s, seeded %v, skipped %v", s.Verdict, s.Seeded, s.SeedSkipped)
			}
			if s := rep.Steps[2]; s.Verdict != shadow.NotRestored || !hasText(s.DataChanges, "table users: same 3 rows, different values") {
				t.Errorf("drop column: verdict %s, data %v, changes %v", s.Verdict, s.DataChanges, s.Changes)
			}
			if s := rep.Steps[3]; s.Verdict != shadow.NotRestored || !hasText(s.DataChanges, "table kids: 3 rows before up, 0 after down") {
				t.Errorf("delete: verdict %s, data %v, skipped %v", s.Verdict, s.DataChanges, s.SeedSkipped)
			}
		})
	}
}

func hasText(xs []string, want string) bool {
	for _, x := range xs {
		if strings.Contains(x, want) {
			return true
		}
	}
	return false
}

func TestBuildAndDrift(t *testing.T) {
	t.Parallel()
	for _, kind := range testdb.Kinds() {
		t.Run(strings.ToLower(kind), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			scratch, live := testdb.New(t, kind), testdb.New(t, kind)
			fsys := fstest.MapFS{
				"1_users.sql": file("CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(40));", "DROP TABLE users;"),
				"2_later.sql": file("CREATE TABLE later (id INTEGER);", "DROP TABLE later;"),
			}
			set := load(t, live, fsys)
			v1, _ := migration.ParseVersion("1")
			m, err := tide.New(live.Dialect, live.DB, nil, tide.WithMigrations(set))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := m.UpTo(ctx, v1); err != nil {
				t.Fatal(err)
			}
			if _, err := live.DB.ExecContext(ctx, "CREATE INDEX by_hand ON users (name)"); err != nil {
				t.Fatal(err)
			}
			want, err := shadow.Build(ctx, scratch.Dialect, scratch.DB, set, v1)
			if err != nil {
				t.Fatal(err)
			}
			got, err := schema.Inspect(ctx, live.Dialect, live.DB, schema.Options{Exclude: m.OwnTables()})
			if err != nil {
				t.Fatal(err)
			}
			d := schema.Diff(want, got)
			if len(d) != 1 || d[0].String() != "index users.by_hand added" {
				t.Errorf("drift: %v", d)
			}
			if _, err := shadow.Build(ctx, scratch.Dialect, scratch.DB, set, tide.Version{}); err == nil || !strings.Contains(err.Error(), "not empty") {
				t.Errorf("a scratch database that is not empty: %v", err)
			}
		})
	}
}
