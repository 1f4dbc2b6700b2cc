package sqlite_test

import (
	"strings"
	"testing"

	"github.com/tidemigrate/tide/schema"
)

// diffBase is the schema each change of TestInspectDiffNamesChanges starts
// from.
const diffBase = `
CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  email TEXT NOT NULL,
  name TEXT DEFAULT 'x',
  CHECK (length(email) > 3)
);
CREATE TABLE posts (
  id INTEGER PRIMARY KEY,
  user_id INTEGER REFERENCES users (id) ON DELETE CASCADE,
  title TEXT,
  UNIQUE (title)
);
CREATE INDEX posts_user ON posts (user_id);
CREATE VIEW titles AS SELECT title FROM posts;
CREATE TRIGGER users_gone AFTER DELETE ON users BEGIN DELETE FROM posts WHERE user_id = OLD.id; END;
`

// TestInspectDiffNamesChanges makes each kind of change to a live schema
// (statements run after diffBase, or diffBase itself edited where SQLite
// cannot ALTER) and checks the changes the diff names, one a line.
func TestInspectDiffNamesChanges(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		alter string    // run after diffBase
		edit  [2]string // or: build diffBase with edit[0] replaced by edit[1]
		want  string
	}{
		{name: "table added", alter: `CREATE TABLE extra (x)`, want: "table extra added"},
		{name: "table removed", alter: `DROP TABLE posts`, want: "table posts removed"},
		{name: "column added", alter: `ALTER TABLE users ADD COLUMN age INT`, want: "column users.age added"},
		{name: "column removed", alter: `ALTER TABLE users DROP COLUMN name`, want: "column users.name removed"},
		{name: "column type", edit: [2]string{"name TEXT DEFAULT", "name VARCHAR(20) DEFAULT"},
			want: "column users.name changed: type: text → varchar(20)"},
		{name: "nullability", edit: [2]string{"name TEXT DEFAULT", "name TEXT NOT NULL DEFAULT"},
			want: "column users.name changed: nullable: NULL → NOT NULL"},
		{name: "default lost", edit: [2]string{"name TEXT DEFAULT 'x'", "name TEXT"},
			want: "column users.name changed: default: 'x' → (none)"},
		{name: "default expression", edit: [2]string{"DEFAULT 'x'", "DEFAULT (lower('X'))"},
			want: "column users.name changed: default: 'x' → (lower('X'))"},
		{name: "collation", edit: [2]string{"email TEXT NOT NULL", "email TEXT NOT NULL COLLATE NOCASE"},
			want: "column users.email changed: collation: (none) → NOCASE"},
		{name: "generated", edit: [2]string{"name TEXT DEFAULT 'x'", "name TEXT AS (upper(email))"},
			want: "column users.name changed: default: 'x' → (none); generated: (none) → upper(email)"},
		{name: "autoincrement", edit: [2]string{"id INTEGER PRIMARY KEY,\n  email", "id INTEGER PRIMARY KEY AUTOINCREMENT,\n  email"},
			want: "column users.id changed: identity: (none) → auto_increment"},
		{name: "check changed", edit: [2]string{"length(email) > 3", "length(email) > 5"},
			want: "check constraint users CHECK (length(email) > 3) removed\ncheck constraint users CHECK (length(email) > 5) added"},
		{name: "check named", edit: [2]string{"CHECK (length", "CONSTRAINT email_len CHECK (length"},
			want: "check constraint users CHECK (length(email) > 3) removed\ncheck constraint users email_len added"},
		{name: "unique removed", edit: [2]string{",\n  UNIQUE (title)", ""},
			want: "unique constraint posts UNIQUE (title) removed"},
		{name: "primary key", edit: [2]string{"CREATE TABLE posts (\n  id INTEGER PRIMARY KEY,", "CREATE TABLE posts (\n  id INTEGER NOT NULL,"},
			want: "primary key posts (id) removed"},
		{name: "foreign key action", edit: [2]string{"ON DELETE CASCADE", "ON DELETE SET NULL"},
			want: "foreign key posts (user_id) → users(id) changed: on delete: CASCADE → SET NULL"},
		{name: "index removed", alter: `DROP INDEX posts_user`, want: "index posts.posts_user removed"},
		{name: "index desc", alter: `DROP INDEX posts_user; CREATE INDEX posts_user ON posts (user_id DESC)`,
			want: "index posts.posts_user changed: keys: user_id → user_id DESC"},
		{name: "index collation", alter: `DROP INDEX posts_user; CREATE INDEX posts_user ON posts (user_id COLLATE NOCASE)`,
			want: "index posts.posts_user changed: keys: user_id → user_id COLLATE NOCASE"},
		{name: "index predicate", alter: `DROP INDEX posts_user; CREATE INDEX posts_user ON posts (user_id) WHERE user_id > 0`,
			want: "index posts.posts_user changed: where: (none) → user_id > 0"},
		{name: "index unique", alter: `DROP INDEX posts_user; CREATE UNIQUE INDEX posts_user ON posts (user_id)`,
			want: "index posts.posts_user changed: unique: false → true"},
		{name: "index expression", alter: `DROP INDEX posts_user; CREATE INDEX posts_user ON posts (abs(user_id))`,
			want: "index posts.posts_user changed: keys: user_id → (abs(user_id))"},
		{name: "strict", edit: [2]string{"  CHECK (length(email) > 3)\n)", "  CHECK (length(email) > 3)\n) STRICT"},
			want: "table option users changed: strict: (none) → true"},
		{name: "view changed", alter: `DROP VIEW titles; CREATE VIEW titles AS SELECT title FROM posts WHERE id > 0`,
			want: "view titles changed: definition: SELECT title FROM posts → SELECT title FROM posts WHERE id > 0"},
		{name: "view reformatted: no change", alter: "DROP VIEW titles; CREATE VIEW titles AS\n  SELECT title -- the title\n  FROM posts",
			want: ""},
		{name: "index reformatted: no change", alter: `DROP INDEX posts_user; CREATE INDEX posts_user ON posts ( ( user_id ) )`,
			want: ""},
		{name: "view columns", alter: `DROP VIEW titles; CREATE VIEW titles (t) AS SELECT title FROM posts`,
			want: "view titles changed: columns: (none) → t"},
		{name: "trigger removed", alter: `DROP TRIGGER users_gone`, want: "trigger users.users_gone removed"},
		{name: "trigger changed", alter: `DROP TRIGGER users_gone; CREATE TRIGGER users_gone BEFORE DELETE ON users BEGIN DELETE FROM posts WHERE user_id = OLD.id; END`,
			want: "trigger users.users_gone changed: definition: CREATE TRIGGER users_gone AFTER DELETE ON users BEGIN DELETE FROM posts WHERE user_id = OLD.id; END → CREATE TRIGGER users_gone BEFORE DELETE ON users BEGIN DELETE FROM posts WHERE user_id = OLD.id; END"},
		{name: "column order", edit: [2]string{"email TEXT NOT NULL,\n  name TEXT DEFAULT 'x',", "name TEXT DEFAULT 'x',\n  email TEXT NOT NULL,"},
			want: "table users changed: column order: id, email, name → id, name, email"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			before := inspect(t, build(t, diffBase), schema.Options{})
			var after *schema.Schema
			if old, new := tc.edit[0], tc.edit[1]; old != "" {
				if !strings.Contains(diffBase, old) {
					t.Fatalf("diffBase has no %q", old)
				}
				after = inspect(t, build(t, strings.Replace(diffBase, old, new, 1)), schema.Options{})
			} else {
				db := build(t, diffBase)
				run(t, db, tc.alter)
				after = inspect(t, db, schema.Options{})
			}
			changes := schema.Diff(before, after)
			var got []string
			for _, c := range changes {
				got = append(got, c.String())
			}
			if strings.Join(got, "\n") != tc.want {
				t.Errorf("changes:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), tc.want)
			}
		})
	}
}
