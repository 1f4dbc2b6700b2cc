package postgres_test

import (
	"bytes"
	"context"
	_ "embed"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/tidemigrate/tide/dialect"
	"github.com/tidemigrate/tide/dialect/postgres"
	"github.com/tidemigrate/tide/internal/testdb"
	"github.com/tidemigrate/tide/schema"
)

//go:embed testdata/inspect_fixture.sql
var fixture string

// tideTables are the tables the tests exclude, as tide excludes its own.
var tideTables = schema.Options{Exclude: []string{"tide_migrations"}}

// run splits script by PostgreSQL's rules and runs each statement.
func run(t *testing.T, q dialect.Querier, script string) {
	t.Helper()
	stmts, err := postgres.New().Split(script)
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range stmts {
		if _, err := q.ExecContext(context.Background(), st.SQL); err != nil {
			t.Fatalf("line %d: %s: %v", st.Line, st.SQL, err)
		}
	}
}

// prepared returns a new database with what the fixture expects beside
// it: pg_trgm in extSchema and a table other.accounts.
func prepared(t *testing.T, extSchema string) *testdb.DB {
	t.Helper()
	db := testdb.New(t, testdb.Postgres)
	run(t, db.DB, `CREATE SCHEMA IF NOT EXISTS `+extSchema+`;
		CREATE EXTENSION pg_trgm SCHEMA `+extSchema+`;
		CREATE SCHEMA other;
		CREATE TABLE other.accounts (id int PRIMARY KEY);`)
	return db
}

func inspect(t *testing.T, q dialect.Querier, opts schema.Options) *schema.Schema {
	t.Helper()
	s, err := schema.Inspect(context.Background(), postgres.New(), q, opts)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func dump(t *testing.T, s *schema.Schema) string {
	t.Helper()
	var b bytes.Buffer
	if err := schema.Dump(&b, s, postgres.New()); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestInspectReadsEveryKind(t *testing.T) {
	t.Parallel()
	db := prepared(t, "public")
	run(t, db.DB, fixture)
	got := inspect(t, db.DB, tideTables)
	if diff := cmp.Diff(fixtureModel(), got); diff != "" {
		t.Errorf("inspected schema differs from the fixture (-want +got):\n%s", diff)
	}
}

// TestInspectSameSchemaTwice builds the fixture in two databases, the
// second time in a schema that is not on the connection's search_path,
// and finds no difference.
func TestInspectSameSchemaTwice(t *testing.T) {
	t.Parallel()
	a := prepared(t, "public")
	run(t, a.DB, fixture)
	b := prepared(t, "app")
	conn, err := b.DB.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	run(t, conn, "SET search_path = app")
	run(t, conn, fixture)
	run(t, conn, "RESET search_path")
	sa := inspect(t, a.DB, tideTables)
	sb := inspect(t, b.DB, schema.Options{Schema: "app", Exclude: tideTables.Exclude})
	if sb.Name != "app" || sa.Name != "public" {
		t.Errorf("schema names %q and %q, want public and app", sa.Name, sb.Name)
	}
	if d := schema.Diff(sa, sb); len(d) != 0 {
		t.Errorf("the same schema built twice differs:\n%s", changes(d))
	}
	if da, db := dump(t, sa), dump(t, sb); da != db {
		t.Errorf("dumps differ:\n%s", cmp.Diff(da, db))
	}
}

// TestInspectDumpRoundTrip replays the dump of the fixture into a new
// database: it inspects equal and dumps to the same bytes.
func TestInspectDumpRoundTrip(t *testing.T) {
	t.Parallel()
	a := prepared(t, "public")
	run(t, a.DB, fixture)
	sa := inspect(t, a.DB, tideTables)
	first := dump(t, sa)

	b := prepared(t, "public")
	run(t, b.DB, first)
	sb := inspect(t, b.DB, tideTables)
	if d := schema.Diff(sa, sb); len(d) != 0 {
		t.Errorf("the replayed dump inspects differently:\n%s", changes(d))
	}
	if second := dump(t, sb); second != first {
		t.Errorf("the dump of the replayed dump differs:\n%s", cmp.Diff(first, second))
	}
}

func TestInspectExclude(t *testing.T) {
	t.Parallel()
	db := prepared(t, "public")
	run(t, db.DB, fixture)
	all := inspect(t, db.DB, schema.Options{})
	if all.Table("tide_migrations") == nil {
		t.Fatal("tide_migrations not read without Exclude")
	}
	s := inspect(t, db.DB, tideTables)
	if s.Table("tide_migrations") != nil {
		t.Error("excluded table read")
	}
	for _, tr := range s.Triggers {
		if tr.Table == "tide_migrations" {
			t.Errorf("trigger %s of an excluded table read", tr.Name)
		}
	}
	for _, sq := range s.Sequences {
		if strings.HasPrefix(sq.OwnedBy, "tide_migrations.") {
			t.Errorf("sequence %s of an excluded table read", sq.Name)
		}
	}
	want := map[string]bool{
		"table tide_migrations removed":              true,
		"trigger tide_migrations.tide_touch removed": true,
		"sequence tide_migrations_id_seq removed":    true,
	}
	d := schema.Diff(all, s)
	if len(d) != len(want) {
		t.Fatalf("Exclude changed more than tide_migrations:\n%s", changes(d))
	}
	for _, c := range d {
		if !want[c.String()] {
			t.Errorf("unexpected change %s", c)
		}
	}
}

// TestInspectInTransaction inspects through the caller's transaction: it
// sees what the transaction did and leaves its search_path as it was.
func TestInspectInTransaction(t *testing.T) {
	t.Parallel()
	db := testdb.New(t, testdb.Postgres)
	ctx := context.Background()
	run(t, db.DB, "CREATE SCHEMA app")
	tx, err := db.DB.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	run(t, tx, `SET LOCAL search_path = public, app; CREATE TABLE app.t (a int)`)
	s := inspect(t, tx, schema.Options{Schema: "app"})
	if s.Table("t") == nil {
		t.Error("the transaction's own table not read")
	}
	var path string
	if err := tx.QueryRowContext(ctx, "SHOW search_path").Scan(&path); err != nil {
		t.Fatal(err)
	}
	if path != "public, app" {
		t.Errorf("search_path after inspection = %q, want it restored to public, app", path)
	}
}

func TestInspectErrors(t *testing.T) {
	t.Parallel()
	db := testdb.New(t, testdb.Postgres)
	ctx := context.Background()
	for _, tc := range []struct {
		opts schema.Options
		want string
	}{
		{schema.Options{Schema: "nope"}, `schema "nope" does not exist`},
		{schema.Options{Schema: "pg_catalog"}, `"pg_catalog" is a system schema`},
	} {
		_, err := schema.Inspect(ctx, postgres.New(), db.DB, tc.opts)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Inspect(%+v) = %v, want an error saying %s", tc.opts, err, tc.want)
		}
	}
	conn, err := db.DB.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	run(t, conn, "SET search_path = nowhere")
	_, err = schema.Inspect(ctx, postgres.New(), conn, schema.Options{})
	if err == nil || !strings.Contains(err.Error(), "no current schema") {
		t.Errorf("Inspect with no current schema = %v", err)
	}
	var unsup *schema.UnsupportedError
	if errors.As(err, &unsup) {
		t.Errorf("a missing schema reported as unsupported: %v", err)
	}
}

func changes(d []schema.Change) string {
	var b strings.Builder
	for _, c := range d {
		b.WriteString("  " + c.String() + "\n")
	}
	return b.String()
}

// diffBase is the schema TestInspectDiffNamesChanges changes.
const diffBase = `
CREATE TYPE mood AS ENUM ('ok', 'sad');
CREATE SEQUENCE counter;
CREATE TABLE users (
	id int PRIMARY KEY,
	email text NOT NULL,
	name text DEFAULT 'x',
	CONSTRAINT users_email_key UNIQUE (email),
	CHECK (length(name) < 50)
);
CREATE TABLE orders (id int PRIMARY KEY, user_id int REFERENCES users ON DELETE CASCADE, note text);
CREATE INDEX orders_user ON orders (user_id);
CREATE TABLE logs (line text);
CREATE VIEW names AS SELECT name FROM users;
CREATE FUNCTION f(a int) RETURNS int LANGUAGE sql RETURN a + 1;
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;
CREATE TRIGGER users_touch BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION touch();
`

// TestInspectDiffNamesChanges makes each kind of change by SQL, as a
// migration (or a broken down) would, and checks that the diff of the
// inspections names it. A want ending in "definition:" matches a prefix.
func TestInspectDiffNamesChanges(t *testing.T) {
	t.Parallel()
	db := testdb.New(t, testdb.Postgres)
	for i, tc := range []struct {
		name, change string
		want         []string
	}{
		{"column type", `ALTER TABLE orders ALTER note TYPE varchar(10)`,
			[]string{"column orders.note changed: type: text → character varying(10)"}},
		{"nullability", `ALTER TABLE users ALTER email DROP NOT NULL`,
			[]string{"column users.email changed: nullable: NOT NULL → NULL"}},
		{"default lost", `ALTER TABLE users ALTER name DROP DEFAULT`,
			[]string{"column users.name changed: default: 'x'::text → (none)"}},
		{"column added", `ALTER TABLE users ADD COLUMN age int`, []string{"column users.age added"}},
		{"column dropped", `ALTER TABLE orders DROP COLUMN note`, []string{"column orders.note removed"}},
		{"column order", `ALTER TABLE users DROP COLUMN email; ALTER TABLE users ADD COLUMN email text NOT NULL;
			ALTER TABLE users ADD UNIQUE (email)`,
			[]string{"table users changed: column order: id, email, name → id, name, email"}},
		{"collation", `ALTER TABLE orders ALTER note TYPE text COLLATE "C"`,
			[]string{`column orders.note changed: collation: (none) → "C"`}},
		{"identity", `ALTER TABLE orders ALTER id ADD GENERATED ALWAYS AS IDENTITY`,
			[]string{"column orders.id changed: identity: (none) → always"}},
		{"column comment", `COMMENT ON COLUMN users.name IS 'shown'`,
			[]string{"column users.name changed: comment: (none) → shown"}},
		{"table comment", `COMMENT ON TABLE users IS 'people'`,
			[]string{"table users changed: comment: (none) → people"}},
		{"table added", `CREATE TABLE t2 (a int)`, []string{"table t2 added"}},
		{"table removed", `DROP TABLE logs`, []string{"table logs removed"}},
		{"primary key removed", `ALTER TABLE orders DROP CONSTRAINT orders_pkey`,
			[]string{"primary key orders (id) removed"}},
		{"primary key renamed", `ALTER TABLE orders RENAME CONSTRAINT orders_pkey TO orders_pk`,
			[]string{"primary key orders changed: name: (none) → orders_pk"}},
		{"unique removed", `ALTER TABLE users DROP CONSTRAINT users_email_key`,
			[]string{"unique constraint users UNIQUE (email) removed"}},
		{"check changed", `ALTER TABLE users DROP CONSTRAINT users_name_check; ALTER TABLE users ADD CHECK (length(name) < 60)`,
			[]string{"check constraint users CHECK ((length(name) < 50)) removed", "check constraint users CHECK ((length(name) < 60)) added"}},
		{"foreign key action", `ALTER TABLE orders DROP CONSTRAINT orders_user_id_fkey;
			ALTER TABLE orders ADD FOREIGN KEY (user_id) REFERENCES users ON DELETE SET NULL`,
			[]string{"foreign key orders (user_id) → users(id) changed: on delete: CASCADE → SET NULL"}},
		{"deferrable", `ALTER TABLE orders ALTER CONSTRAINT orders_user_id_fkey DEFERRABLE`,
			[]string{"foreign key orders (user_id) → users(id) changed: deferrable: (none) → DEFERRABLE"}},
		{"index removed", `DROP INDEX orders_user`, []string{"index orders.orders_user removed"}},
		{"index changed", `DROP INDEX orders_user; CREATE INDEX orders_user ON orders (user_id DESC) WHERE note IS NOT NULL`,
			[]string{"index orders.orders_user changed: keys: user_id → user_id DESC; where: (none) → (note IS NOT NULL)"}},
		{"index method", `DROP INDEX orders_user; CREATE INDEX orders_user ON orders USING hash (user_id)`,
			[]string{"index orders.orders_user changed: method: (none) → hash"}},
		{"index include", `DROP INDEX orders_user; CREATE INDEX orders_user ON orders (user_id) INCLUDE (note)`,
			[]string{"index orders.orders_user changed: include: (none) → note"}},
		{"storage parameter", `ALTER TABLE orders SET (fillfactor = 70)`,
			[]string{"table option orders changed: with: (none) → fillfactor=70"}},
		{"unlogged", `ALTER TABLE logs SET UNLOGGED`,
			[]string{"table option logs changed: unlogged: (none) → true"}},
		{"view", `CREATE OR REPLACE VIEW names AS SELECT name, email FROM users`,
			[]string{"view names changed: definition:"}},
		{"materialized", `DROP VIEW names; CREATE MATERIALIZED VIEW names AS SELECT name FROM users`,
			[]string{"view names changed: materialized: false → true"}},
		{"materialized view index", `DROP VIEW names; CREATE MATERIALIZED VIEW names AS SELECT name FROM users;
			CREATE INDEX names_name ON names (name)`,
			[]string{"view names changed: materialized: false → true", "index names.names_name added"}},
		{"function body", `CREATE OR REPLACE FUNCTION f(a int) RETURNS int LANGUAGE sql RETURN a + 2`,
			[]string{"function f(a integer) changed: definition:"}},
		{"function overload", `CREATE FUNCTION f(a text) RETURNS text LANGUAGE sql RETURN a`,
			[]string{"function f(a text) added"}},
		{"procedure", `CREATE PROCEDURE p() LANGUAGE sql BEGIN ATOMIC SELECT 1; END`,
			[]string{"procedure p() added"}},
		{"trigger removed", `DROP TRIGGER users_touch ON users`, []string{"trigger users.users_touch removed"}},
		{"trigger changed", `DROP TRIGGER users_touch ON users;
			CREATE TRIGGER users_touch AFTER UPDATE ON users FOR EACH ROW EXECUTE FUNCTION touch()`,
			[]string{"trigger users.users_touch changed: definition:"}},
		{"sequence", `ALTER SEQUENCE counter INCREMENT 2`, []string{"sequence counter changed: increment: 1 → 2"}},
		{"sequence owner", `ALTER SEQUENCE counter OWNED BY orders.id`,
			[]string{"sequence counter changed: owned by: (none) → orders.id"}},
		{"enum value", `ALTER TYPE mood ADD VALUE 'meh'`, []string{"type mood changed: values: ok, sad → ok, sad, meh"}},
		{"enum added", `CREATE TYPE size AS ENUM ()`, []string{"type size added"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			conn, err := db.DB.Conn(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			nsp := fmt.Sprintf("case%d", i)
			run(t, conn, "CREATE SCHEMA "+nsp+"; SET search_path = "+nsp)
			run(t, conn, diffBase)
			before := inspect(t, conn, schema.Options{})
			run(t, conn, tc.change)
			after := inspect(t, conn, schema.Options{})
			d := schema.Diff(before, after)
			ok := len(d) == len(tc.want)
			for j := 0; ok && j < len(d); j++ {
				got, want := d[j].String(), tc.want[j]
				ok = got == want || strings.HasSuffix(want, "definition:") && strings.HasPrefix(got, want)
			}
			if !ok {
				t.Errorf("diff:\n%swant:\n  %s", changes(d), strings.Join(tc.want, "\n  "))
			}
		})
	}
}
