package sqlite_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/tidemigrate/tide/dialect/sqlite"
	"github.com/tidemigrate/tide/internal/testdb"
	"github.com/tidemigrate/tide/schema"
)

// richSchema creates every kind of object SQLite has, written the way
// people write them: comments, odd spacing, quoted names, constraints with
// and without names and commas, and tide's own table, which Exclude hides.
const richSchema = `
CREATE TABLE accounts (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  email VARCHAR ( 255 ) NOT NULL COLLATE nocase UNIQUE,
  handle TEXT COLLATE BINARY,
  balance DECIMAL(10, 2) NOT NULL DEFAULT 0 CHECK (balance >= 0),
  ratio double   precision DEFAULT -1.5,
  created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  note TEXT DEFAULT 'it''s' /* a comment */,
  blank TEXT DEFAULT NULL,
  expires REAL DEFAULT (julianday('now') + 30),
  avatar BLOB DEFAULT x'00ff',
  shout TEXT GENERATED ALWAYS AS (upper(handle)) VIRTUAL,
  email_len INT AS (length(email)) STORED,
  CONSTRAINT handle_shape CHECK (handle IS NULL OR length(handle) BETWEEN 3 AND 30),
  UNIQUE (handle)
);
CREATE TABLE "order items" (
  "order id" INTEGER NOT NULL,
  line INT NOT NULL, -- the position
  "qty ""x""" INTEGER DEFAULT 1,
  sku TEXT,
  CONSTRAINT "order items pk" PRIMARY KEY ("order id", line)
  UNIQUE (sku, line)
  CHECK ("qty ""x""" > 0)
);
CREATE TABLE tags (name TEXT PRIMARY KEY, label ANY) WITHOUT ROWID, STRICT;
CREATE TABLE counters (id INTEGER, hits INT, PRIMARY KEY (id AUTOINCREMENT));
CREATE TABLE posts (
  id INTEGER PRIMARY KEY,
  account_id INTEGER NOT NULL REFERENCES Accounts ON DELETE CASCADE,
  tag TEXT CONSTRAINT post_tag REFERENCES tags (NAME) ON UPDATE SET NULL ON DELETE SET DEFAULT DEFERRABLE INITIALLY DEFERRED,
  order_id INTEGER,
  order_line INTEGER,
  title TEXT NOT NULL,
  FOREIGN KEY (order_id, order_line) REFERENCES "order items" ("order id", line) ON DELETE RESTRICT
);
CREATE INDEX posts_title ON posts (title COLLATE NOCASE DESC, account_id);
CREATE INDEX posts_lower ON posts (lower(title) COLLATE nocase, ( account_id + 1 ) DESC) WHERE title <> '' AND tag IS NOT NULL;
CREATE UNIQUE INDEX posts_order ON posts (order_id, order_line);
CREATE VIEW recent_posts (post_id, title) AS
  SELECT id, title -- newest first
  FROM posts
  ORDER BY id DESC LIMIT 10;
CREATE VIEW account_emails AS SELECT email FROM accounts;
CREATE TRIGGER posts_count AFTER INSERT ON posts BEGIN
  UPDATE counters SET hits = hits + 1 WHERE id = 1;
END;
CREATE TRIGGER recent_insert INSTEAD OF INSERT ON recent_posts BEGIN
  INSERT INTO posts (account_id, title) VALUES (1, NEW.title);
END;
CREATE VIRTUAL TABLE docs USING fts5(title, body, tokenize = 'porter');
CREATE TABLE tide_migrations (version INTEGER PRIMARY KEY, name TEXT);
CREATE INDEX tide_migrations_name ON tide_migrations (name);
CREATE TRIGGER tide_migrations_guard BEFORE DELETE ON tide_migrations BEGIN SELECT RAISE(ABORT, 'no'); END;
INSERT INTO accounts (email) VALUES ('a@example.com');
ANALYZE;
`

// richModel is what inspecting richSchema must give, tide_migrations
// excluded.
func richModel() *schema.Schema {
	return &schema.Schema{
		Dialect: "sqlite",
		Name:    "main",
		Tables: []*schema.Table{{
			Name: "accounts",
			Columns: []*schema.Column{
				{Name: "id", Type: "integer", Identity: schema.AutoIncrement},
				{Name: "email", Type: "varchar(255)", Collation: "NOCASE"},
				{Name: "handle", Type: "text", Nullable: true},
				{Name: "balance", Type: "decimal(10,2)", Default: "0"},
				{Name: "ratio", Type: "double precision", Nullable: true, Default: "-1.5"},
				{Name: "created_at", Type: "timestamp", Default: "CURRENT_TIMESTAMP"},
				{Name: "note", Type: "text", Nullable: true, Default: "'it''s'"},
				{Name: "blank", Type: "text", Nullable: true},
				{Name: "expires", Type: "real", Nullable: true, Default: "(julianday('now') + 30)"},
				{Name: "avatar", Type: "blob", Nullable: true, Default: "x'00ff'"},
				{Name: "shout", Type: "text", Nullable: true, Generated: "upper(handle)"},
				{Name: "email_len", Type: "int", Nullable: true, Generated: "length(email)", Stored: true},
			},
			PrimaryKey: &schema.PrimaryKey{Columns: []string{"id"}},
			Uniques:    []*schema.Unique{{Columns: []string{"email"}}, {Columns: []string{"handle"}}},
			Checks: []*schema.Check{
				{Expr: "balance >= 0"},
				{Name: "handle_shape", Expr: "handle IS NULL OR length(handle) BETWEEN 3 AND 30"},
			},
		}, {
			Name: "counters",
			Columns: []*schema.Column{
				{Name: "id", Type: "integer", Identity: schema.AutoIncrement},
				{Name: "hits", Type: "int", Nullable: true},
			},
			PrimaryKey: &schema.PrimaryKey{Columns: []string{"id"}},
		}, {
			Name:    "docs",
			Columns: []*schema.Column{},
			Options: map[string]string{"using": "fts5(title, body, tokenize = 'porter')"},
		}, {
			Name: "order items",
			Columns: []*schema.Column{
				{Name: "order id", Type: "integer"},
				{Name: "line", Type: "int"},
				{Name: `qty "x"`, Type: "integer", Nullable: true, Default: "1"},
				{Name: "sku", Type: "text", Nullable: true},
			},
			PrimaryKey: &schema.PrimaryKey{Name: "order items pk", Columns: []string{"order id", "line"}},
			Uniques:    []*schema.Unique{{Columns: []string{"sku", "line"}}},
			Checks:     []*schema.Check{{Expr: `"qty ""x""" > 0`}},
		}, {
			Name: "posts",
			Columns: []*schema.Column{
				{Name: "id", Type: "integer"},
				{Name: "account_id", Type: "integer"},
				{Name: "tag", Type: "text", Nullable: true},
				{Name: "order_id", Type: "integer", Nullable: true},
				{Name: "order_line", Type: "integer", Nullable: true},
				{Name: "title", Type: "text"},
			},
			PrimaryKey: &schema.PrimaryKey{Columns: []string{"id"}},
			ForeignKeys: []*schema.ForeignKey{
				{Columns: []string{"account_id"}, RefTable: "accounts", RefColumns: []string{"id"}, OnDelete: "CASCADE"},
				{Columns: []string{"order_id", "order_line"}, RefTable: "order items", RefColumns: []string{"order id", "line"}, OnDelete: "RESTRICT"},
				{Name: "post_tag", Columns: []string{"tag"}, RefTable: "tags", RefColumns: []string{"name"}, OnDelete: "SET DEFAULT", OnUpdate: "SET NULL"},
			},
			Indexes: []*schema.Index{{
				Name:  "posts_lower",
				Parts: []*schema.IndexPart{{Expr: "lower(title) COLLATE nocase"}, {Expr: "account_id + 1", Desc: true}},
				Where: "title <> '' AND tag IS NOT NULL",
			}, {
				Name:   "posts_order",
				Unique: true,
				Parts:  []*schema.IndexPart{{Column: "order_id"}, {Column: "order_line"}},
			}, {
				Name:  "posts_title",
				Parts: []*schema.IndexPart{{Column: "title", Desc: true, Collation: "NOCASE"}, {Column: "account_id"}},
			}},
		}, {
			Name: "tags",
			Columns: []*schema.Column{
				{Name: "name", Type: "text"},
				{Name: "label", Type: "any", Nullable: true},
			},
			PrimaryKey: &schema.PrimaryKey{Columns: []string{"name"}},
			Options:    map[string]string{"strict": "true", "without_rowid": "true"},
		}},
		Views: []*schema.View{
			{Name: "account_emails", Definition: "SELECT email FROM accounts"},
			{Name: "recent_posts", Columns: []string{"post_id", "title"}, Definition: "SELECT id, title FROM posts ORDER BY id DESC LIMIT 10"},
		},
		Triggers: []*schema.Trigger{{
			Name:       "posts_count",
			Table:      "posts",
			Definition: "CREATE TRIGGER posts_count AFTER INSERT ON posts BEGIN UPDATE counters SET hits = hits + 1 WHERE id = 1; END",
		}, {
			Name:       "recent_insert",
			Table:      "recent_posts",
			Definition: "CREATE TRIGGER recent_insert INSTEAD OF INSERT ON recent_posts BEGIN INSERT INTO posts (account_id, title) VALUES (1, NEW.title); END",
		}},
	}
}

var excludeTide = schema.Options{Exclude: []string{"tide_migrations"}}

// build runs script on a fresh database.
func build(t *testing.T, script string) *sql.DB {
	t.Helper()
	db := testdb.New(t, testdb.SQLite).DB
	run(t, db, script)
	return db
}

// run runs each statement of script.
func run(t testing.TB, db *sql.DB, script string) {
	t.Helper()
	stmts, err := sqlite.New().Split(script)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range stmts {
		if _, err := db.Exec(s.SQL); err != nil {
			t.Fatalf("line %d: %v\n%s", s.Line, err, s.SQL)
		}
	}
}

func inspect(t testing.TB, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
	ExecContext(context.Context, string, ...any) (sql.Result, error)
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, opts schema.Options) *schema.Schema {
	t.Helper()
	s, err := schema.Inspect(context.Background(), sqlite.New(), q, opts)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestInspectEveryKind(t *testing.T) {
	t.Parallel()
	got := inspect(t, build(t, richSchema), excludeTide)
	want := richModel()
	want.Sort()
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("inspected schema (-want +got):\n%s", d)
	}
}

func TestInspectTwoBuildsEqual(t *testing.T) {
	t.Parallel()
	a := inspect(t, build(t, richSchema), excludeTide)
	b := inspect(t, build(t, richSchema), excludeTide)
	if d := schema.Diff(a, b); len(d) != 0 {
		t.Errorf("two builds of one schema differ: %v", d)
	}
}

// TestInspectDumpRoundTrip replays the dump of the inspected schema into a
// fresh database: it must inspect the same, and dump to the same bytes.
func TestInspectDumpRoundTrip(t *testing.T) {
	t.Parallel()
	for name, script := range map[string]string{"rich": richSchema, "edge": edgeSchema} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			roundTrip(t, script)
		})
	}
}

// edgeSchema holds valid SQLite that is easy to misread.
const edgeSchema = `
CREATE TABLE Foo (
  key, "primary" INT, [unique] INT UNIQUE,
  a INT CHECK (a > 0) CHECK (a < 10),
  b TEXT DEFAULT 'CHECK (x)' COLLATE "nocase" REFERENCES nowhere ON DELETE CASCADE NOT NULL,
  q1 "My Type", q2 'it''s', q3 """", q4 "x"(10) NOT NULL, q5 "primary", q6 x "Y" z
);
CREATE TRIGGER tr AFTER INSERT ON foo WHEN NEW.a > 1 BEGIN SELECT 1; END;
ALTER TABLE Foo ADD COLUMN c INT DEFAULT 3 CHECK (c <> 4);
ALTER TABLE Foo RENAME COLUMN a TO "A b";
CREATE TABLE ctas AS SELECT 1 AS x, 'a' AS y;
CREATE INDEX i ON foo (substr(b, 1, 2), "A b" DESC);
CREATE VIEW v AS WITH x AS (SELECT 1 AS one) SELECT * FROM x;
CREATE VIRTUAL TABLE r USING rtree(id, minX, maxX);
CREATE TABLE d (a DEFAULT -0x10, b DEFAULT TRUE, c DEFAULT 1_000, e DEFAULT 'multi
line', f DEFAULT (- 1), g DEFAULT ((1 + 2)) NOT NULL);
CREATE TABLE w (k INTEGER PRIMARY KEY, v) WITHOUT ROWID;
CREATE TABLE p (a, b, PRIMARY KEY (b, a));
CREATE TABLE c (x, y, z, FOREIGN KEY (y, x) REFERENCES P, FOREIGN KEY (z) REFERENCES p);
`

func TestInspectEdgeCases(t *testing.T) {
	t.Parallel()
	s := inspect(t, build(t, edgeSchema), schema.Options{})
	foo := s.Table("Foo")
	if foo == nil {
		t.Fatal("no table Foo")
	}
	types := map[string]string{}
	for _, c := range foo.Columns {
		types[c.Name] = c.Type
	}
	want := map[string]string{
		"key": "", "primary": "int", "unique": "int", "A b": "int", "b": "text", "c": "int",
		"q1": `"my type"`, "q2": `"it's"`, "q3": `""""`, "q4": `"x"`, "q5": `"primary"`, "q6": `x "y" z`,
	}
	if d := cmp.Diff(want, types); d != "" {
		t.Errorf("types (-want +got):\n%s", d)
	}
	if b := foo.Column("b"); b.Default != "'CHECK (x)'" || b.Collation != "NOCASE" || b.Nullable {
		t.Errorf("column b: %+v", b)
	}
	wantChecks := []*schema.Check{{Expr: `"A b" < 10`}, {Expr: `"A b" > 0`}, {Expr: "c <> 4"}}
	if d := cmp.Diff(wantChecks, foo.Checks); d != "" {
		t.Errorf("checks (-want +got):\n%s", d)
	}
	wantFK := []*schema.ForeignKey{{Columns: []string{"b"}, RefTable: "nowhere", OnDelete: "CASCADE"}}
	if d := cmp.Diff(wantFK, foo.ForeignKeys); d != "" {
		t.Errorf("foreign keys (-want +got):\n%s", d)
	}
	if len(s.Triggers) != 1 || s.Triggers[0].Table != "Foo" {
		t.Errorf("trigger on foo: %+v", s.Triggers)
	}
	d := s.Table("d")
	var defaults []string
	for _, c := range d.Columns {
		defaults = append(defaults, c.Default)
	}
	if got, want := strings.Join(defaults, " | "), "-0x10 | TRUE | 1_000 | 'multi\nline' | -1 | (1 + 2)"; got != want {
		t.Errorf("defaults %q, want %q", got, want)
	}
	if k := s.Table("w").Column("k"); k.Nullable {
		t.Error("WITHOUT ROWID key column nullable")
	}
	wantFKs := []*schema.ForeignKey{
		{Columns: []string{"y", "x"}, RefTable: "p", RefColumns: []string{"b", "a"}},
		{Columns: []string{"z"}, RefTable: "p"},
	}
	if d := cmp.Diff(wantFKs, s.Table("c").ForeignKeys); d != "" {
		t.Errorf("foreign keys to a primary key (-want +got):\n%s", d)
	}
	if r := s.Table("r"); r == nil || r.Options["using"] != "rtree(id, minX, maxX)" {
		t.Errorf("virtual table r: %+v", r)
	}
	if len(s.Tables) != 7 {
		t.Errorf("%d tables, want 7 (rtree's shadow tables left out)", len(s.Tables))
	}
}

// TestInspectUnknownModule reads a virtual table whose module this
// connection lacks (as when a database made with an extension is read
// without it): its statement is all there is to read.
func TestInspectUnknownModule(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tdb := testdb.New(t, testdb.SQLite)
	conn, err := tdb.DB.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{
		`CREATE TABLE a (x)`,
		`PRAGMA writable_schema = ON`,
		`INSERT INTO sqlite_master VALUES ('table', 'vt', 'vt', 0, 'CREATE VIRTUAL TABLE vt USING nosuchmodule(a, b)')`,
		`PRAGMA writable_schema = RESET`,
	} {
		if _, err := conn.ExecContext(ctx, s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	conn.Close()
	s := inspect(t, tdb.Open(t), schema.Options{})
	if vt := s.Table("vt"); vt == nil || vt.Options["using"] != "nosuchmodule(a, b)" {
		t.Errorf("virtual table: %+v", vt)
	}
}

// roundTrip builds script, dumps what it inspects, replays the dump into a
// fresh database and checks that it inspects the same and dumps to the
// same bytes.
func roundTrip(t *testing.T, script string) {
	t.Helper()
	first := inspect(t, build(t, script), schema.Options{})
	var dump strings.Builder
	if err := schema.Dump(&dump, first, sqlite.New()); err != nil {
		t.Fatal(err)
	}
	second := inspect(t, build(t, dump.String()), schema.Options{})
	if d := schema.Diff(first, second); len(d) != 0 {
		t.Errorf("the replayed dump differs: %v\n%s", d, dump.String())
	}
	if d := cmp.Diff(first, second); d != "" {
		t.Errorf("the replayed dump inspects differently (-first +second):\n%s", d)
	}
	var again strings.Builder
	if err := schema.Dump(&again, second, sqlite.New()); err != nil {
		t.Fatal(err)
	}
	if again.String() != dump.String() {
		t.Errorf("dump of the replayed dump differs:\n%s\n----\n%s", dump.String(), again.String())
	}
}

func TestInspectExclude(t *testing.T) {
	t.Parallel()
	db := build(t, richSchema)
	all := inspect(t, db, schema.Options{})
	if all.Table("tide_migrations") == nil || len(all.Triggers) != 3 {
		t.Fatalf("without Exclude: tide_migrations %v, %d triggers", all.Table("tide_migrations"), len(all.Triggers))
	}
	some := inspect(t, db, excludeTide)
	if some.Table("tide_migrations") != nil {
		t.Error("excluded table inspected")
	}
	for _, tr := range some.Triggers {
		if tr.Table == "tide_migrations" {
			t.Errorf("trigger %s of an excluded table inspected", tr.Name)
		}
	}
	for _, tb := range all.Tables {
		if strings.HasPrefix(tb.Name, "sqlite_") || strings.HasPrefix(tb.Name, "docs_") {
			t.Errorf("internal or shadow table %s inspected", tb.Name)
		}
	}
}

// TestInspectAttached reads an attached database by its name.
func TestInspectAttached(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := testdb.New(t, testdb.SQLite).DB
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	other := filepath.Join(t.TempDir(), "other.db")
	for _, s := range []string{
		`CREATE TABLE main_only (a INT)`,
		`ATTACH DATABASE '` + other + `' AS "my.db"`,
		`CREATE TABLE "my.db".t (id INTEGER PRIMARY KEY, p INT REFERENCES t, note TEXT CHECK (note <> ''))`,
		`CREATE INDEX "my.db".t_note ON t (note) WHERE note IS NOT NULL`,
	} {
		if _, err := conn.ExecContext(ctx, s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	got := inspect(t, conn, schema.Options{Schema: "my.db"})
	want := &schema.Schema{Dialect: "sqlite", Name: "my.db", Tables: []*schema.Table{{
		Name: "t",
		Columns: []*schema.Column{
			{Name: "id", Type: "integer"},
			{Name: "p", Type: "int", Nullable: true},
			{Name: "note", Type: "text", Nullable: true},
		},
		PrimaryKey:  &schema.PrimaryKey{Columns: []string{"id"}},
		Checks:      []*schema.Check{{Expr: "note <> ''"}},
		ForeignKeys: []*schema.ForeignKey{{Columns: []string{"p"}, RefTable: "t", RefColumns: []string{"id"}}},
		Indexes:     []*schema.Index{{Name: "t_note", Parts: []*schema.IndexPart{{Column: "note"}}, Where: "note IS NOT NULL"}},
	}}}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("attached schema (-want +got):\n%s", d)
	}
	_, err = schema.Inspect(ctx, sqlite.New(), conn, schema.Options{Schema: "nope"})
	if err == nil || !strings.Contains(err.Error(), "no database of that name is attached to the connection (it has main, my.db)") {
		t.Errorf("unknown schema: %v", err)
	}
}

func TestInspectTables(t *testing.T) {
	t.Parallel()
	db := testdb.New(t, testdb.SQLite)
	ctx := context.Background()
	for _, stmt := range []string{
		"CREATE TABLE a (id INTEGER PRIMARY KEY, n TEXT)",
		"CREATE INDEX a_n ON a (n)",
		"CREATE TABLE b (id INTEGER PRIMARY KEY, a_id INTEGER REFERENCES a (id))",
		"CREATE TRIGGER b_touch AFTER INSERT ON b BEGIN SELECT 1; END",
		"CREATE TRIGGER a_touch AFTER INSERT ON a BEGIN SELECT 1; END",
		"CREATE VIEW v AS SELECT id FROM a",
	} {
		if _, err := db.DB.ExecContext(ctx, stmt); err != nil {
			t.Fatal(err)
		}
	}
	full, err := schema.Inspect(ctx, db.Dialect, db.DB, schema.Options{})
	if err != nil {
		t.Fatal(err)
	}
	part, err := schema.Inspect(ctx, db.Dialect, db.DB, schema.Options{Tables: []string{"b", "nope"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(part.Tables) != 1 || !cmp.Equal(part.Tables[0], full.Table("b")) {
		t.Errorf("tables %+v", part.Tables)
	}
	if len(part.Triggers) != 1 || part.Triggers[0].Name != "b_touch" {
		t.Errorf("triggers %+v", part.Triggers)
	}
	if !cmp.Equal(part.Views, full.Views) {
		t.Errorf("views %+v", part.Views)
	}
}
