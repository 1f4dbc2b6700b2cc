package check_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/tidemigrate/tide/check"
	"github.com/tidemigrate/tide/dialect/mysql"
	"github.com/tidemigrate/tide/dialect/postgres"
	"github.com/tidemigrate/tide/internal/testdb"
	"github.com/tidemigrate/tide/migration"
)

var schema = []string{
	"CREATE TABLE users (id INTEGER PRIMARY KEY, email VARCHAR(100), name VARCHAR(100), CONSTRAINT users_name_uq UNIQUE (name))",
	"CREATE TABLE old_users (id INTEGER PRIMARY KEY, email VARCHAR(100))",
	"CREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INTEGER, tenant INTEGER, note VARCHAR(200), CONSTRAINT orders_note_chk CHECK (note <> ''))",
	"CREATE INDEX users_email_idx ON users (email)",
	"INSERT INTO users (id, email, name) VALUES (1, 'a@x', 'a'), (2, 'b@x', 'b'), (3, NULL, 'c')",
	"INSERT INTO old_users (id, email) VALUES (1, 'a@x'), (2, 'b@x'), (3, NULL), (4, 'd@x')",
	"INSERT INTO orders (id, user_id, tenant, note) VALUES (10, 1, 1, 'x'), (11, 2, 1, 'y'), (12, 9, 1, 'z'), (13, NULL, 1, 'n')",
}

func helper(t *testing.T, line string) migration.Check {
	t.Helper()
	h, err := migration.ParseHelper(line)
	if err != nil {
		t.Fatal(err)
	}
	return migration.Check{Path: "1_x.sql", Line: 3, Helper: h}
}

// TestRun runs every helper, and plain checks, passing and failing, on
// every database.
func TestRun(t *testing.T) {
	t.Parallel()
	type want struct {
		check  string // a helper's line, or "sql: " and a query
		passed bool
		reason string // the start of the reason
		rows   string // the rows, "col=val ..." per row, "; "-separated
	}
	tests := []want{
		{"rows-equal users old_users", false, "users has 3 rows and old_users has 4 (they must be equal)", ""},
		{"rows-equal users users", true, "", ""},
		{"rows-equal users old_users tolerance=1", true, "", ""},
		{"rows-equal users old_users tolerance=25%", true, "", ""},
		{"rows-equal users old_users tolerance=24.99%", false, "users has 3 rows and old_users has 4 (tolerance 24.99%)", ""},
		{"no-orphans orders.user_id -> users.id", false, "1 row of orders has a user_id that no row of users has", "id=12 user_id=9 tenant=1 note=\"z\""},
		{"no-orphans orders.user_id -> old_users.id", false, "1 row of orders has", ""},
		{"no-orphans orders(user_id, tenant) -> users(id, id)", false, "2 rows of orders have a (user_id, tenant) that no row of users has", "id=11 user_id=2 tenant=1 note=\"y\"; id=12 user_id=9 tenant=1 note=\"z\""},
		{"no-orphans users.id -> old_users.id", true, "", ""},
		{"not-null users.email", false, "1 row of users has NULL in email", "id=3 email=NULL name=\"c\""},
		{"not-null users(name, email)", false, "1 row of users has NULL in name or email", ""},
		{"not-null users.name", true, "", ""},
		{"exists table users", true, "", ""},
		{"exists table nope", false, "table nope does not exist", ""},
		{"exists column users.email", true, "", ""},
		{"exists column users.nope", false, "column users.nope does not exist", ""},
		{"exists index users_email_idx", true, "", ""},
		{"exists index users_email_idx on users", true, "", ""},
		{"exists index users_email_idx on orders", false, "index users_email_idx does not exist on orders", ""},
		{"exists index nope_idx", false, "index nope_idx does not exist", ""},
		{"exists constraint users_name_uq", true, "", ""},
		{"exists constraint users_name_uq on users", true, "", ""},
		{"exists constraint users_name_uq on orders", false, "constraint users_name_uq does not exist on orders", ""},
		{"exists constraint orders_note_chk on orders", true, "", ""},
		{"exists constraint nope", false, "constraint nope does not exist", ""},
		{"sql: SELECT id, email FROM users WHERE email IS NULL", false, "the query returned 1 row", "id=3 email=NULL"},
		{"sql: SELECT id FROM users WHERE id > 100", true, "", ""},
		{"sql: SELECT COUNT(*) = 0 FROM users WHERE id > 100", true, "", ""},
		{"sql: SELECT COUNT(*) = 0 FROM users", false, "the query returned one value, ", ""},
		{"sql: SELECT NULL", false, "the query returned one value, NULL, which is not true", ""},
		{"sql: SELECT 2", false, "the query returned one value, 2, which is not true", ""},
		{"sql: SELECT NOT EXISTS (SELECT 1 FROM users WHERE email = 'nobody')", true, "", ""},
		{"sql: SELECT id, email FROM users WHERE id = 1", false, "the query returned 1 row", "id=1 email=\"a@x\""},
	}
	for _, kind := range testdb.Kinds() {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := testdb.New(t, kind)
			for _, s := range schema {
				if _, err := db.DB.ExecContext(ctx, s); err != nil {
					t.Fatalf("%s: %v", s, err)
				}
			}
			for _, tt := range tests {
				c := migration.Check{Path: "1_x.sql", Line: 3}
				if q, ok := strings.CutPrefix(tt.check, "sql: "); ok {
					c.SQL = q
				} else {
					c = helper(t, tt.check)
				}
				out, err := check.Run(ctx, db.Dialect, db.DB, c)
				if err != nil {
					t.Errorf("%s: %v", tt.check, err)
					continue
				}
				if out.Passed != tt.passed || !strings.HasPrefix(out.Reason, tt.reason) || tt.passed && out.Reason != "" {
					t.Errorf("%s: passed %v, reason %q; want %v, %q", tt.check, out.Passed, out.Reason, tt.passed, tt.reason)
				}
				if tt.rows != "" {
					if got := rowsText(out); got != tt.rows {
						t.Errorf("%s: rows %q, want %q", tt.check, got, tt.rows)
					}
				}
			}
			// One row of one value 1 is true where true is 1 (MySQL), and
			// not from a key column on SQLite and PostgreSQL, where it is
			// the offending row's id.
			out, err := check.Run(ctx, db.Dialect, db.DB, migration.Check{SQL: "SELECT id FROM users WHERE id = 1"})
			if err != nil || out.Passed != (kind == testdb.MySQL) {
				t.Errorf("one row, id 1: passed %v (%v), want %v", out.Passed, err, kind == testdb.MySQL)
			}
			if _, err := check.Run(ctx, db.Dialect, db.DB, migration.Check{SQL: "SELECT id FROM nope"}); err == nil {
				t.Error("a query on a missing table ran")
			}
			if _, err := check.Run(ctx, db.Dialect, db.DB, helper(t, "not-null nope.c")); err == nil {
				t.Error("a helper on a missing table ran")
			}
		})
	}
}

// TestRunManyRows checks that a check reads at most CountLimit+1 rows and
// keeps MaxRows.
func TestRunManyRows(t *testing.T) {
	t.Parallel()
	for _, kind := range testdb.Kinds() {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := testdb.New(t, kind)
			var values []string
			for i := range 1100 {
				values = append(values, fmt.Sprintf("(%d, NULL)", i))
			}
			for _, s := range []string{"CREATE TABLE many (id INTEGER PRIMARY KEY, v VARCHAR(10))", "INSERT INTO many (id, v) VALUES " + strings.Join(values, ", ")} {
				if _, err := db.DB.ExecContext(ctx, s); err != nil {
					t.Fatal(err)
				}
			}
			for _, c := range []migration.Check{helper(t, "not-null many.v"), {SQL: "SELECT id FROM many ORDER BY id"}} {
				out, err := check.Run(ctx, db.Dialect, db.DB, c)
				if err != nil {
					t.Fatal(err)
				}
				if out.Passed || out.Count != check.CountLimit || !out.More || len(out.Rows) != check.MaxRows {
					t.Errorf("%s: passed %v, count %d, more %v, %d rows", c, out.Passed, out.Count, out.More, len(out.Rows))
				}
				if !strings.HasPrefix(out.Reason, "more than 1000 rows") && !strings.HasSuffix(out.Reason, "more than 1000 rows") {
					t.Errorf("%s: reason %q", c, out.Reason)
				}
			}
		})
	}
}

func rowsText(out check.Outcome) string {
	var rows []string
	for _, r := range out.Rows {
		var cells []string
		for i, v := range r {
			cells = append(cells, out.Columns[i]+"="+v.String())
		}
		rows = append(rows, strings.Join(cells, " "))
	}
	return strings.Join(rows, "; ")
}

// TestQuery checks the SQL of the helpers, every identifier quoted.
func TestQuery(t *testing.T) {
	tests := []struct{ line, pg, my string }{
		{"rows-equal app.old users",
			`SELECT l.n AS left_rows, r.n AS right_rows FROM (SELECT COUNT(*) AS n FROM "app"."old") AS l CROSS JOIN (SELECT COUNT(*) AS n FROM "users") AS r WHERE l.n <> r.n`,
			"SELECT l.n AS left_rows, r.n AS right_rows FROM (SELECT COUNT(*) AS n FROM `app`.`old`) AS l CROSS JOIN (SELECT COUNT(*) AS n FROM `users`) AS r WHERE l.n <> r.n"},
		{"rows-equal a b tolerance=3",
			`SELECT l.n AS left_rows, r.n AS right_rows FROM (SELECT COUNT(*) AS n FROM "a") AS l CROSS JOIN (SELECT COUNT(*) AS n FROM "b") AS r WHERE l.n - r.n > 3 OR r.n - l.n > 3`, ""},
		{"rows-equal a b tolerance=1.5%",
			`SELECT l.n AS left_rows, r.n AS right_rows FROM (SELECT COUNT(*) AS n FROM "a") AS l CROSS JOIN (SELECT COUNT(*) AS n FROM "b") AS r WHERE (CASE WHEN l.n > r.n THEN l.n - r.n ELSE r.n - l.n END) * 1000000 > 15000 * (CASE WHEN l.n > r.n THEN l.n ELSE r.n END)`, ""},
		{`no-orphans "order items"(tenant, "order") -> orders(tenant, id)`,
			`SELECT c.* FROM "order items" AS c WHERE c."tenant" IS NOT NULL AND c."order" IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "orders" AS p WHERE p."tenant" = c."tenant" AND p."id" = c."order") LIMIT 1001`,
			"SELECT c.* FROM `order items` AS c WHERE c.`tenant` IS NOT NULL AND c.`order` IS NOT NULL AND NOT EXISTS (SELECT 1 FROM `orders` AS p WHERE p.`tenant` = c.`tenant` AND p.`id` = c.`order`) LIMIT 1001"},
		{`not-null "we""ird"(a, b)`,
			`SELECT * FROM "we""ird" WHERE "a" IS NULL OR "b" IS NULL LIMIT 1001`,
			"SELECT * FROM `we\"ird` WHERE `a` IS NULL OR `b` IS NULL LIMIT 1001"},
		{"exists index i", "", ""},
	}
	for _, tt := range tests {
		c := helper(t, tt.line)
		if got := check.Query(postgres.New(), c); got != tt.pg {
			t.Errorf("%s on PostgreSQL:\n got %s\nwant %s", tt.line, got, tt.pg)
		}
		if got := check.Query(mysql.New(), c); tt.my != "" && got != tt.my {
			t.Errorf("%s on MySQL:\n got %s\nwant %s", tt.line, got, tt.my)
		}
	}
	if got := check.Query(postgres.New(), migration.Check{SQL: "SELECT 1"}); got != "SELECT 1" {
		t.Errorf("a plain check's query is %q", got)
	}
}
