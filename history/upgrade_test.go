package history_test

import (
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tidemigrate/tide/dialect"
	"github.com/tidemigrate/tide/history"
	"github.com/tidemigrate/tide/internal/testdb"
	"github.com/tidemigrate/tide/migration"
)

// The rows of a schema-1 table, one of each kind, and what they become.
var (
	t0 = time.Date(2020, 1, 1, 10, 0, 0, 123456000, time.UTC)
	t1 = t0.Add(time.Hour)
	t2 = t0.Add(2 * time.Hour)
	t3 = t0.Add(3 * time.Hour)
	t4 = t0.Add(4 * time.Hour)

	schema1Rows = []v1Row{
		{"1", "first", "migration", "c1", "applied", "up", 2, "p1", "", t1, 150, "alice", "h1"},
		{"2", "second", "baseline", "c2", "applied", "up", 0, "p2", "", t0, 0, "alice", "h1"},
		{"9", "nine", "adopted", "c9", "applied", "up", 1, "p9", "", t2, 0, "goose (adopted by alice)", "h1"},
		{"10", "ten", "adopted", "c10", "applied", "up", 1, "p10", "", t2, 0, "goose (adopted by alice)", "h1"},
		{"1.5", "flyway", "adopted", "c15", "applied", "up", 1, "p15", "", t2, 0, "flyway (adopted by bob)", "h2"},
		{"R__views", "views", "repeatable", "cv", "applied", "up", 1, "pv", "", t3, 12, "alice", "h1"},
		{"12", "twelve", "migration", "c12", "partial", "up", 1, "p12", "ERROR: boom", t4, 30, "carol", "h3"},
		{"13", "odd adoption", "adopted", "c13", "applied", "up", 1, "p13", "", t4, 0, "mallory", "h3"},
	}
)

// schema1Records returns the records of schema1Rows: at schema 2 with seq
// numbered by applied_at then version, or as read from schema 1 (seq 0).
func schema1Records(upgraded bool) []history.Record {
	seq := map[string]int64{"2": 1, "1": 2, "1.5": 3, "9": 4, "10": 5, "R__views": 6, "12": 7, "13": 8}
	from := map[string]string{"9": "goose", "10": "goose", "1.5": "flyway"}
	by := map[string]string{"9": "alice", "10": "alice", "1.5": "bob"}
	var recs []history.Record
	for _, key := range []string{"R__views", "1", "1.5", "2", "9", "10", "12", "13"} {
		for _, r := range schema1Rows {
			if r.version != key {
				continue
			}
			rec := history.Record{Key: r.version, Name: r.name, Kind: history.Kind(r.kind), Checksum: r.checksum,
				State: history.State(r.state), Direction: migration.Direction(r.direction), Done: r.done,
				ProgressChecksum: r.progress, Error: r.errText, AppliedAt: r.at, Duration: time.Duration(r.ms) * time.Millisecond,
				AppliedBy: r.by, AppliedHost: r.host, AdoptedFrom: from[key]}
			if b, ok := by[key]; ok {
				rec.AppliedBy = b
			}
			if !strings.HasPrefix(key, "R__") {
				rec.Version = v(key)
			}
			if upgraded {
				rec.Seq = seq[key]
			}
			recs = append(recs, rec)
		}
	}
	return recs
}

func TestUpgradeFromSchema1(t *testing.T) {
	t.Parallel()
	// Where an upgrade can stop on MySQL, whose DDL commits as it goes;
	// the next Ensure must complete it all the same.
	interruptions := []struct {
		name string
		at   func(t *testing.T, db *testdb.DB, s *history.Store)
	}{
		{"none", nil},
		{"after two columns", func(t *testing.T, db *testdb.DB, s *history.Store) {
			exec(t, db, dialect.AddColumn(db.Dialect, db.Dialect.QuoteIdent(s.Table()), dialect.Column{Name: "adopted_from", Type: dialect.ShortText, Default: "''"}))
			exec(t, db, dialect.AddColumn(db.Dialect, db.Dialect.QuoteIdent(s.Table()), dialect.Column{Name: "seq", Type: dialect.BigInt, Default: "0"}))
		}},
		{"amid the conversion", func(t *testing.T, db *testdb.DB, s *history.Store) {
			if err := s.Ensure(t.Context(), db.DB); err != nil {
				t.Fatal(err)
			}
			q := db.Dialect.QuoteIdent(s.Table())
			exec(t, db, "DROP TABLE "+db.Dialect.QuoteIdent(s.MetaTable()))
			exec(t, db, "UPDATE "+q+" SET applied_by = 'goose (adopted by alice)', adopted_from = '' WHERE version = '9'")
			exec(t, db, "UPDATE "+q+" SET seq = 0 WHERE version IN ('10', 'R__views', '12', '13')")
		}},
		{"before the schema version", func(t *testing.T, db *testdb.DB, s *history.Store) {
			if err := s.Ensure(t.Context(), db.DB); err != nil {
				t.Fatal(err)
			}
			exec(t, db, "DELETE FROM "+db.Dialect.QuoteIdent(s.MetaTable()))
		}},
	}
	for _, c := range interruptions {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			onEachDatabase(t, func(t *testing.T, db *testdb.DB) {
				testUpgrade(t, db, "tide_migrations", c.at)
			})
		})
	}
}

// TestSchemaQualified upgrades and uses a version table in another schema
// (PostgreSQL) or database (MySQL) than the connection's.
func TestSchemaQualified(t *testing.T) {
	t.Parallel()
	for _, kind := range []string{testdb.Postgres, testdb.MySQL} {
		t.Run(strings.ToLower(kind), func(t *testing.T) {
			t.Parallel()
			db := testdb.New(t, kind)
			schema := db.Name
			if kind == testdb.Postgres {
				schema = "tenant_x"
				exec(t, db, "CREATE SCHEMA "+schema)
			}
			table := schema + ".tide_migrations"
			testUpgrade(t, db, table, nil)
			if !tableExists(t, db, table+"_meta") {
				t.Errorf("no %s_meta", table)
			}
			if kind == testdb.Postgres && (tableExists(t, db, "tide_migrations") || tableExists(t, db, "tide_migrations_meta")) {
				t.Error("tables created in the public schema")
			}
		})
	}
}

func testUpgrade(t *testing.T, db *testdb.DB, table string, interrupt func(*testing.T, *testdb.DB, *history.Store)) {
	ctx := t.Context()
	s := history.New(db.Dialect, table)
	createSchema1(t, db, table)
	insertV1(t, db, table, schema1Rows...)
	if interrupt != nil {
		interrupt(t, db, s)
	}
	before := dump(t, db.DB, db, table)
	hadMeta := tableExists(t, db, s.MetaTable())

	// Reading changes nothing, on the pool and in a transaction (which it
	// must not abort: PostgreSQL would, after a failed statement).
	got, err := s.List(ctx, db.DB)
	if err != nil {
		t.Fatalf("List before the upgrade: %v", err)
	}
	if interrupt == nil {
		if d := diffRecords(schema1Records(false), got); d != "" {
			t.Errorf("List of schema 1 (-want +got):\n%s", d)
		}
		if n, err := s.Schema(ctx, db.DB); err != nil || n != 1 {
			t.Errorf("Schema = %d, %v; want 1", n, err)
		}
	}
	tx, err := db.DB.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	inTx, err := s.List(ctx, tx)
	if err != nil {
		t.Fatalf("List before the upgrade, in a transaction: %v", err)
	}
	if d := diffRecords(got, inTx); d != "" {
		t.Errorf("List in a transaction differs (-pool +tx):\n%s", d)
	}
	if _, ok, err := s.Statements(ctx, tx, "1"); err != nil || ok {
		t.Errorf("Statements before the upgrade, in a transaction = %v, %v; want none", ok, err)
	}
	var one int
	if err := tx.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
		t.Errorf("the transaction is unusable after List: %v", err)
	}
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	if _, ok, err := s.Statements(ctx, db.DB, "1"); err != nil || ok {
		t.Errorf("Statements before the upgrade = %v, %v; want none", ok, err)
	}
	if after := dump(t, db.DB, db, table); after != before {
		t.Errorf("reading changed the table:\n%s\nbecame\n%s", before, after)
	}
	if tableExists(t, db, s.MetaTable()) != hadMeta {
		t.Errorf("reading created or dropped %s", s.MetaTable())
	}

	if err := s.Ensure(ctx, db.DB); err != nil {
		t.Fatal(err)
	}
	if n, err := s.Schema(ctx, db.DB); err != nil || n != history.SchemaVersion {
		t.Fatalf("Schema after Ensure = %d, %v; want %d", n, err, history.SchemaVersion)
	}
	got, err = s.List(ctx, db.DB)
	if err != nil {
		t.Fatal(err)
	}
	if d := diffRecords(schema1Records(true), got); d != "" {
		t.Errorf("List after the upgrade (-want +got):\n%s", d)
	}
	// The conversion is in the table, not only in what List returns.
	var from, by string
	err = db.DB.QueryRowContext(ctx, "SELECT adopted_from, applied_by FROM "+db.Dialect.QuoteIdent(table)+" WHERE version = '9'").Scan(&from, &by)
	if err != nil || from != "goose" || by != "alice" {
		t.Errorf("row 9: adopted_from %q, applied_by %q, %v; want goose, alice", from, by, err)
	}
	var nulls int
	err = db.DB.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+db.Dialect.QuoteIdent(table)+
		" WHERE repaired_at IS NULL AND repaired_by IS NULL AND repair IS NULL AND statements IS NULL").Scan(&nulls)
	if err != nil || nulls != len(schema1Rows) {
		t.Errorf("%d rows (%v) without repair nor statements, want %d", nulls, err, len(schema1Rows))
	}

	// A second Ensure changes nothing.
	tables, meta := dump(t, db.DB, db, table), dump(t, db.DB, db, s.MetaTable())
	if err := s.Ensure(ctx, db.DB); err != nil {
		t.Fatal(err)
	}
	if got := dump(t, db.DB, db, table); got != tables {
		t.Errorf("a second Ensure changed the table:\n%s\nbecame\n%s", tables, got)
	}
	if got := dump(t, db.DB, db, s.MetaTable()); got != meta {
		t.Errorf("a second Ensure changed the meta table:\n%s\nbecame\n%s", meta, got)
	}

	// New records go after the old ones.
	if err := s.Insert(ctx, db.DB, history.Record{Key: "14", Version: v("14"), Kind: history.KindMigration,
		State: history.StateApplied, Direction: migration.Up, AppliedAt: t4}); err != nil {
		t.Fatal(err)
	}
	got, err = s.List(ctx, db.DB)
	if err != nil {
		t.Fatal(err)
	}
	if last := got[len(got)-1]; last.Key != "14" || last.Seq != int64(len(schema1Rows)+1) {
		t.Errorf("new record %s has seq %d, want %d", last.Key, last.Seq, len(schema1Rows)+1)
	}
}

func TestNewerSchema(t *testing.T) {
	t.Parallel()
	onEachDatabase(t, func(t *testing.T, db *testdb.DB) {
		ctx := t.Context()
		s := history.New(db.Dialect, "tide_migrations")
		if err := s.Ensure(ctx, db.DB); err != nil {
			t.Fatal(err)
		}
		if err := s.Insert(ctx, db.DB, history.Record{Key: "1", Version: v("1"), State: history.StateApplied, AppliedAt: t0}); err != nil {
			t.Fatal(err)
		}
		exec(t, db, "UPDATE "+db.Dialect.QuoteIdent(s.MetaTable())+" SET value = '3' WHERE name = 'schema_version'")
		before := dump(t, db.DB, db, s.Table())

		wantMsg := "history: the version table tide_migrations was upgraded by a newer tide (schema 3); this tide knows schema 2: upgrade tide"
		check := func(what string, err error) {
			t.Helper()
			var newer *history.NewerSchemaError
			if !errors.As(err, &newer) || *newer != (history.NewerSchemaError{Table: "tide_migrations", Schema: 3, Known: 2}) {
				t.Errorf("%s = %v, want a NewerSchemaError", what, err)
			} else if err.Error() != wantMsg {
				t.Errorf("%s: %q, want %q", what, err, wantMsg)
			}
		}
		check("Ensure", s.Ensure(ctx, db.DB))
		_, err := s.List(ctx, db.DB)
		check("List", err)
		tx, err := db.DB.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback()
		check("Ensure in a transaction", s.Ensure(ctx, tx))
		_, err = s.List(ctx, tx)
		check("List in a transaction", err)
		if n, err := s.Schema(ctx, db.DB); err != nil || n != 3 {
			t.Errorf("Schema = %d, %v; want 3", n, err)
		}
		if got := dump(t, tx, db, s.Table()); got != before {
			t.Errorf("the table changed:\n%s\nbecame\n%s", before, got)
		}
	})
}

// TestEnsureRace creates the tables from several migrators at once, each
// with its own pool and no lock, as happens before any lock exists.
func TestEnsureRace(t *testing.T) {
	t.Parallel()
	onEachDatabase(t, func(t *testing.T, db *testdb.DB) {
		ctx := t.Context()
		const racers = 4
		pools := make([]*sql.DB, racers)
		for i := range pools {
			pools[i] = db.Open(t)
			if err := pools[i].PingContext(ctx); err != nil {
				t.Fatal(err)
			}
		}
		for round := range 3 {
			table := fmt.Sprintf("race_%d", round)
			start := make(chan struct{})
			errs := make([]error, racers)
			var wg sync.WaitGroup
			for i, p := range pools {
				wg.Go(func() {
					<-start
					errs[i] = history.New(db.Dialect, table).Ensure(ctx, p)
				})
			}
			close(start)
			wg.Wait()
			for i, err := range errs {
				if err != nil {
					t.Errorf("round %d, migrator %d: %v", round, i, err)
				}
			}
			s := history.New(db.Dialect, table)
			if n, err := s.Schema(ctx, db.DB); err != nil || n != history.SchemaVersion {
				t.Errorf("round %d: Schema = %d, %v", round, n, err)
			}
			if got, want := dump(t, db.DB, db, s.MetaTable()), "name | value\nschema_version | 2\n"; got != want {
				t.Errorf("round %d: meta table\n%s\nwant\n%s", round, got, want)
			}
		}
	})
}

func exec(t *testing.T, db *testdb.DB, stmt string) {
	t.Helper()
	if _, err := db.DB.ExecContext(t.Context(), stmt); err != nil {
		t.Fatalf("%s: %v", stmt, err)
	}
}
