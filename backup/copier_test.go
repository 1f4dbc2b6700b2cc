package backup_test

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"

	"github.com/tidemigrate/tide/backup"
	"github.com/tidemigrate/tide/dialect"
	"github.com/tidemigrate/tide/internal/testdb"
)

// richTable is, per kind, a table of many column types, its rows, and a
// statement that changes one value of one row slightly.
var richTable = map[string]struct{ create, rows, change string }{
	testdb.Postgres: {
		`CREATE TABLE rich (id bigint PRIMARY KEY, name text NOT NULL, amount numeric(12,2), at timestamptz, doc json, bin jsonb,
			raw bytea, ok boolean, score double precision, tags text[], spot point)`,
		`INSERT INTO rich SELECT g, 'name ' || g, g * 1.5, timestamptz '2026-01-01 00:00:00+00' + g * interval '1 minute',
			json_build_object('g', g), jsonb_build_object('g', g), decode(lpad(to_hex(g), 8, '0'), 'hex'), g % 2 = 0, g / 7.0,
			ARRAY['a', g::text], point(g, -g) FROM generate_series(1, 250) g;
		INSERT INTO rich (id, name) VALUES (1000, 'nulls')`,
		`UPDATE rich SET at = at + interval '1 microsecond' WHERE id = 77`,
	},
	testdb.MySQL: {
		`CREATE TABLE rich (id BIGINT PRIMARY KEY, name VARCHAR(100) NOT NULL, amount DECIMAL(12,2), at TIMESTAMP(6) NULL, doc JSON,
			raw VARBINARY(16), ok BOOLEAN, score DOUBLE, note TEXT)`,
		`INSERT INTO rich SELECT seq, CONCAT('name ', seq), seq * 1.5, TIMESTAMP '2026-01-01 00:00:00' + INTERVAL seq MINUTE,
			JSON_OBJECT('g', seq), UNHEX(LPAD(HEX(seq), 8, '0')), seq % 2 = 0, seq / 7.0, REPEAT('x', seq % 5) FROM seq_1_to_250;
		INSERT INTO rich (id, name) VALUES (1000, 'nulls')`,
		`UPDATE rich SET at = at + INTERVAL 1 MICROSECOND WHERE id = 77`,
	},
	testdb.SQLite: {
		`CREATE TABLE rich (id INTEGER PRIMARY KEY, name TEXT NOT NULL, amount NUMERIC, at TEXT, raw BLOB, ok BOOLEAN, score REAL)`,
		`WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < 250)
		INSERT INTO rich SELECT n, 'name ' || n, n * 1.5, datetime('2026-01-01', '+' || n || ' minutes'), randomblob(8), n % 2 = 0, n / 7.0 FROM g;
		INSERT INTO rich (id, name) VALUES (1000, 'nulls')`,
		`UPDATE rich SET score = score + 1e-9 WHERE id = 77`,
	},
}

// execAll runs the ;-separated statements of script.
func execAll(t *testing.T, db *sql.DB, d dialect.Dialect, script string) {
	t.Helper()
	stmts, err := d.Split(script)
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range stmts {
		if _, err := db.Exec(st.SQL); err != nil {
			t.Fatalf("%s: %v", st.SQL, err)
		}
	}
}

// conns returns two connections of db, closed when t ends.
func conns(t *testing.T, db *sql.DB) (*sql.Conn, *sql.Conn) {
	t.Helper()
	a, err := db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	b, err := db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close(); b.Close() })
	return a, b
}

// checksum checksums table in a transaction of its own.
func checksum(t *testing.T, c backup.Copier, conn *sql.Conn, table string) backup.Sum {
	t.Helper()
	ctx := context.Background()
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	s, err := c.Checksum(ctx, tx, table, "")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestCopy copies a table of many types on every database, in one
// statement and in key ranges, and checks that the sums agree: the copy's
// checksum equals the source's, rows in another order sum the same, and
// a change of one value changes the sum.
func TestCopy(t *testing.T) {
	for _, kind := range testdb.Kinds() {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := testdb.New(t, kind)
			d := db.Dialect
			c := d.(backup.Copier)
			fix := richTable[kind]
			execAll(t, db.DB, d, fix.create+";\n"+fix.rows)
			copyConn, checkConn := conns(t, db.DB)
			_, schema, err := c.Scope(ctx, copyConn)
			if err != nil {
				t.Fatal(err)
			}
			release, ok, err := c.OpenSpace(ctx, copyConn, backup.Space, true)
			if err != nil || !ok {
				t.Fatalf("open space: %v %v", ok, err)
			}
			defer release(ctx)
			if kind == testdb.MySQL {
				t.Cleanup(func() {
					db.DB.Exec("DROP TABLE IF EXISTS tide_backup." + db.Name + "_one, tide_backup." + db.Name + "_ranges")
				})
			}
			source := schema + ".rich"
			want := checksum(t, c, checkConn, source)
			if want.Rows != 251 {
				t.Fatalf("source sum %+v", want)
			}
			for _, batch := range []int64{0, 40} {
				name := map[int64]string{0: "_one", 40: "_ranges"}[batch]
				target := backup.Space + "." + db.Name + name
				if kind != testdb.MySQL {
					target = backup.Space + "." + strings.TrimPrefix(name, "_")
				}
				var progress []string
				job := &backup.CopyJob{Copy: copyConn, Check: checkConn, Source: source, Target: target, Key: "id", BatchRows: batch,
					Progress: func(done, total int64) { progress = append(progress, fmt.Sprintf("%d/%d", done, total)) }}
				if batch == 0 {
					job.Key = ""
				}
				got, err := c.Copy(ctx, job)
				if err != nil {
					t.Fatalf("copy in batches of %d: %v", batch, err)
				}
				if got.Sum != want {
					t.Errorf("copy in batches of %d: sum %+v, want %+v", batch, got.Sum, want)
				}
				if copied := checksum(t, c, copyConn, target); copied != want {
					t.Errorf("copy in batches of %d: the copy sums %+v, want %+v", batch, copied, want)
				}
				if batch > 0 && (len(progress) < 5 || !strings.HasPrefix(progress[len(progress)-1], "251/")) {
					t.Errorf("progress %v, want a report after each range of 40 keys, 251 rows in the end", progress)
				}
				if got.Size <= 0 {
					t.Errorf("size of the copy: %d", got.Size)
				}
			}
			// The same rows inserted in the reverse order sum the same.
			execAll(t, db.DB, d, strings.Replace(fix.create, "rich", "again", 1))
			if _, err := db.DB.Exec("INSERT INTO again SELECT * FROM rich ORDER BY id DESC"); err != nil {
				t.Fatal(err)
			}
			if got := checksum(t, c, checkConn, schema+".again"); got != want {
				t.Errorf("reversed rows sum %+v, want %+v", got, want)
			}
			execAll(t, db.DB, d, fix.change)
			if got := checksum(t, c, checkConn, source); got.Checksum == want.Checksum {
				t.Errorf("a changed value left the checksum as it was: %s", got.Checksum)
			}
		})
	}
}

func TestSumAdd(t *testing.T) {
	a := backup.MakeSum(2, "crc", "18446744073709551615")
	b := backup.MakeSum(3, "crc", "-5")
	got, err := a.Add(b)
	if err != nil || got.Rows != 5 || got.Checksum != "crc:18446744073709551610" || got.Method() != "crc" {
		t.Errorf("sum %+v, %v", got, err)
	}
	if got, err := (backup.Sum{}).Add(a); err != nil || got != a {
		t.Errorf("zero plus a: %+v, %v", got, err)
	}
	if _, err := a.Add(backup.MakeSum(1, "md5", "1")); err == nil {
		t.Error("sums of two methods added up")
	}
	if _, err := a.Add(backup.Sum{Rows: 1, Checksum: "crc:x"}); err == nil {
		t.Error("a checksum that is no number added up")
	}
}
