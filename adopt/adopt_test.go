package adopt

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tidemigrate/tide/internal/testdb"
)

// The instants the fixtures under testdata/tables use, written in each
// database's own way.
var (
	t1 = time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	t2 = time.Date(2024, 1, 3, 3, 4, 5, 0, time.UTC)
	t3 = time.Date(2024, 1, 4, 3, 4, 5, 0, time.UTC)
	t4 = time.Date(2024, 1, 5, 3, 4, 5, 0, time.UTC)
	t5 = time.Date(2024, 1, 6, 3, 4, 5, 0, time.UTC)
	ms = 250 * time.Millisecond
)

// readCase is one scenario: a fixture (testdata/tables/<fixture>/<dialect>.sql),
// optional dialect-neutral statements run after it, and what Read returns.
type readCase struct {
	name    string
	fixture string
	extra   []string
	source  string
	want    []string // describe() of each Applied
	upTo    string
	code    bool
	notes   []string
	// incomplete, when set, is the ID of the IncompleteError Read returns.
	incomplete string
	errText    string // a substring of another error Read returns
}

var readCases = []readCase{{
	name: "goose", fixture: "goose", source: "goose",
	want: []string{
		"1 id=1 at=2024-01-02T03:04:05Z",
		"2 id=2 at=2024-01-03T03:04:05Z",
		"3 id=3 at=2024-01-06T03:04:05Z",
		"20240105120000 id=20240105120000 at=2024-01-05T03:04:05Z",
	},
}, {
	name: "golang-migrate", fixture: "golang-migrate", source: "golang-migrate",
	upTo:  "20240103120000",
	notes: []string{"golang-migrate records only its current version: every migration up to 20240103120000 counts as applied"},
}, {
	name: "golang-migrate-dirty", fixture: "golang-migrate", source: "golang-migrate",
	extra:      []string{"UPDATE schema_migrations SET dirty = true"},
	incomplete: "20240103120000",
	errText:    "migrate force 20240103120000",
}, {
	name: "golang-migrate-empty", fixture: "golang-migrate", source: "golang-migrate",
	extra: []string{"DELETE FROM schema_migrations"},
}, {
	name: "golang-migrate-on-dbmate-table", fixture: "dbmate", source: "golang-migrate",
	errText: "is not golang-migrate's",
}, {
	name: "dbmate", fixture: "dbmate", source: "dbmate",
	want: []string{
		"20240101120000 id=20240101120000",
		"20240102120000 id=20240102120000",
		"20240103120000 id=20240103120000",
	},
}, {
	name: "dbmate-on-golang-migrate-table", fixture: "golang-migrate", source: "dbmate",
	errText: "is not dbmate's",
}, {
	name: "flyway", fixture: "flyway", source: "flyway",
	want: []string{
		"- id=R__views.sql name=views at=2024-01-05T03:04:05Z sum=112 repeatable",
		"1 id=1 name=<< Flyway Baseline >> at=2024-01-02T03:04:05Z baseline",
		"1.1 id=1.1 name=add users at=2024-01-03T03:04:05Z sum=1234567890",
		"1.2 id=1.2 name=add orders at=2024-01-04T03:04:05Z sum=-98765",
		"1.10 id=1.10 name=seed at=2024-01-04T03:04:05Z",
	},
	upTo: "1",
	notes: []string{
		"1 failed row followed by a successful run ignored",
		"1 applied migration is not SQL (Java or script migrations tide cannot run): db.migration.V1_10__seed",
	},
}, {
	name: "flyway-failed", fixture: "flyway", source: "flyway",
	extra: []string{`INSERT INTO flyway_schema_history (installed_rank, version, description, type, script, checksum, installed_by, execution_time, success)
		VALUES (13, '3', 'broken', 'SQL', 'V3__broken.sql', 555, 'flyway', 2, false)`},
	incomplete: "version 3",
	errText:    "flyway repair",
}, {
	name: "flyway-failed-repeatable", fixture: "flyway", source: "flyway",
	extra: []string{`INSERT INTO flyway_schema_history (installed_rank, version, description, type, script, checksum, installed_by, execution_time, success)
		VALUES (13, NULL, 'views', 'SQL', 'R__views.sql', 113, 'flyway', 2, false)`},
	incomplete: "repeatable R__views.sql",
}, {
	name: "knex", fixture: "knex", source: "knex", code: true,
	want: []string{
		"20240101120000 id=20240101120000_create_users.js at=2024-01-02T03:04:05Z",
		"20240102120000 id=20240102120000_add_email.js at=2024-01-03T03:04:05Z",
		"20240103120000 id=20240103120000_orders.ts at=2024-01-04T03:04:05Z",
	},
}, {
	name: "sequelize", fixture: "sequelize", source: "sequelize", code: true,
	want: []string{
		"- id=initial-seed.js",
		"20240101120000 id=20240101120000-create-user.js",
		"20240102120000 id=20240102120000-add-email.js",
	},
}, {
	name: "typeorm", fixture: "typeorm", source: "typeorm", code: true,
	want: []string{
		"1704164645000 id=CreateUsers1704164645000",
		"1704251045000 id=AddEmail1704251045000",
	},
}, {
	name: "typeorm-on-laravel-table", fixture: "laravel", source: "typeorm",
	errText: "is not typeorm's",
}, {
	name: "prisma", fixture: "prisma", source: "prisma",
	want: []string{
		"20240101120000 id=20240101120000_init name=init at=2024-01-02T03:04:05.25Z sum=3b4e1b1f5a0c8a4f2e64c8d7b1b52f0e4c7e9a1d2b3c4d5e6f708192a3b4c5d6",
		"20240102120000 id=20240102120000_add_email name=add_email at=2024-01-04T03:04:05.25Z sum=9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
	},
	notes: []string{"1 rolled-back row ignored"},
}, {
	name: "prisma-failed", fixture: "prisma", source: "prisma",
	extra: []string{`INSERT INTO _prisma_migrations (id, checksum, migration_name, logs, applied_steps_count)
		VALUES ('7d8e9f0a-4d5e-4f60-9b1c-3d4e5f607182', 'aa', '20240105120000_broken', 'Database error', 0)`},
	incomplete: "20240105120000_broken",
	errText:    "prisma migrate resolve --rolled-back 20240105120000_broken",
}, {
	name: "alembic", fixture: "alembic", source: "alembic", code: true,
	want:  []string{"- id=4fd4f8a7bb11", "- id=d1e2f3a4b5c6"},
	notes: []string{"alembic_version lists only the current head revisions: every revision they descend from is applied too (see AlembicChain)"},
}, {
	name: "missing-table", fixture: "goose", source: "flyway",
	errText: "table flyway_schema_history does not exist",
}}

func TestRead(t *testing.T) {
	t.Parallel()
	for _, kind := range testdb.Kinds() {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			for _, tc := range readCases {
				t.Run(tc.name, func(t *testing.T) {
					t.Parallel()
					testRead(t, kind, tc)
				})
			}
		})
	}
}

func testRead(t *testing.T, kind string, tc readCase) {
	ctx := context.Background()
	db := testdb.New(t, kind)
	conn := session(t, db)
	load(t, db, conn, tc.fixture)
	for _, stmt := range tc.extra {
		if _, err := conn.ExecContext(ctx, stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	src, err := SourceByName(tc.source)
	if err != nil {
		t.Fatal(err)
	}
	h, err := src.Read(ctx, db.Dialect, conn)
	if tc.incomplete != "" || tc.errText != "" {
		if err == nil {
			t.Fatalf("Read returned no error, want one; history:\n%s", strings.Join(describeAll(h), "\n"))
		}
		if tc.incomplete != "" {
			var ie *IncompleteError
			if !errors.As(err, &ie) {
				t.Fatalf("Read: %v; want an IncompleteError", err)
			}
			if ie.ID != tc.incomplete || ie.Source != tc.source {
				t.Errorf("IncompleteError names %s %s, want %s %s", ie.Source, ie.ID, tc.source, tc.incomplete)
			}
		}
		if !strings.Contains(err.Error(), tc.errText) {
			t.Errorf("Read: %v; want it to contain %q", err, tc.errText)
		}
		return
	}
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	if h.Source != tc.source || h.Table != src.Table() {
		t.Errorf("History names %s %s, want %s %s", h.Source, h.Table, tc.source, src.Table())
	}
	if got := describeAll(h); !slices.Equal(got, tc.want) {
		t.Errorf("Applied:\n\t%s\nwant:\n\t%s", strings.Join(got, "\n\t"), strings.Join(tc.want, "\n\t"))
	}
	for _, a := range h.Applied {
		if !a.AppliedAt.IsZero() && a.AppliedAt.Location() != time.UTC {
			t.Errorf("%s: AppliedAt %v is not in UTC", a.ID, a.AppliedAt)
		}
	}
	if h.UpTo.String() != tc.upTo {
		t.Errorf("UpTo = %q, want %q", h.UpTo, tc.upTo)
	}
	if h.Code != tc.code {
		t.Errorf("Code = %v, want %v", h.Code, tc.code)
	}
	if !slices.Equal(h.Notes, tc.notes) {
		t.Errorf("Notes:\n\t%s\nwant:\n\t%s", strings.Join(h.Notes, "\n\t"), strings.Join(tc.notes, "\n\t"))
	}
}

// describe renders an Applied on one line, leaving out empty fields.
func describe(a Applied) string {
	v := a.Version.String()
	if v == "" {
		v = "-"
	}
	s := v + " id=" + a.ID
	if a.Name != "" {
		s += " name=" + a.Name
	}
	if !a.AppliedAt.IsZero() {
		s += " at=" + a.AppliedAt.Format(time.RFC3339Nano)
	}
	if a.Checksum != "" {
		s += " sum=" + a.Checksum
	}
	if a.Repeatable {
		s += " repeatable"
	}
	if a.Baseline {
		s += " baseline"
	}
	return s
}

func describeAll(h *History) []string {
	if h == nil {
		return nil
	}
	var out []string
	for _, a := range h.Applied {
		out = append(out, describe(a))
	}
	return out
}

// session returns a connection to db whose time zone is not UTC on
// PostgreSQL and MySQL, so that the tests show times stored without a zone
// are read in the zone that wrote them. The fixtures load and Read runs on
// it.
func session(t testing.TB, db *testdb.DB) *sql.Conn {
	t.Helper()
	ctx := context.Background()
	conn, err := db.DB.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	var set string
	switch db.Dialect.Name() {
	case "postgres":
		set = "SET TIME ZONE 'Asia/Kolkata'"
	case "mysql":
		set = "SET time_zone = '+05:30'"
	}
	if set != "" {
		if _, err := conn.ExecContext(ctx, set); err != nil {
			t.Fatalf("%s: %v", set, err)
		}
	}
	return conn
}

// load runs testdata/tables/<fixture>/<dialect>.sql on conn.
func load(t testing.TB, db *testdb.DB, conn *sql.Conn, fixture string) {
	t.Helper()
	path := filepath.Join("testdata", "tables", fixture, db.Dialect.Name()+".sql")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	stmts, err := db.Dialect.Split(string(b))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	for _, s := range stmts {
		if _, err := conn.ExecContext(context.Background(), s.SQL); err != nil {
			t.Fatalf("%s:%d: %v", path, s.Line, err)
		}
	}
}

func TestDetect(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		fixtures []string
		want     string   // the detected source
		several  []string // the sources of an AmbiguousError
		none     bool     // ErrNoHistory
	}{
		{name: "none", none: true},
		{name: "goose", fixtures: []string{"goose"}, want: "goose"},
		{name: "golang-migrate", fixtures: []string{"golang-migrate"}, want: "golang-migrate"},
		{name: "dbmate", fixtures: []string{"dbmate"}, want: "dbmate"},
		{name: "flyway", fixtures: []string{"flyway"}, want: "flyway"},
		{name: "knex", fixtures: []string{"knex"}, want: "knex"},
		{name: "sequelize", fixtures: []string{"sequelize"}, want: "sequelize"},
		{name: "typeorm", fixtures: []string{"typeorm"}, want: "typeorm"},
		{name: "laravel-is-not-typeorm", fixtures: []string{"laravel"}, none: true},
		{name: "prisma", fixtures: []string{"prisma"}, want: "prisma"},
		{name: "alembic", fixtures: []string{"alembic"}, want: "alembic"},
		{name: "two", fixtures: []string{"goose", "flyway"}, several: []string{"goose", "flyway"}},
		{name: "three", fixtures: []string{"prisma", "dbmate", "knex"}, several: []string{"dbmate", "knex", "prisma"}},
	}
	for _, kind := range testdb.Kinds() {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					t.Parallel()
					db := testdb.New(t, kind)
					conn := session(t, db)
					for _, f := range tc.fixtures {
						load(t, db, conn, f)
					}
					src, err := Detect(context.Background(), db.Dialect, conn)
					switch {
					case tc.none:
						if !errors.Is(err, ErrNoHistory) {
							t.Fatalf("Detect = %v, %v; want ErrNoHistory", src, err)
						}
					case tc.several != nil:
						var ae *AmbiguousError
						if !errors.As(err, &ae) {
							t.Fatalf("Detect = %v, %v; want an AmbiguousError", src, err)
						}
						var got []string
						for _, s := range ae.Sources {
							got = append(got, s.Name())
						}
						if !slices.Equal(got, tc.several) {
							t.Errorf("AmbiguousError names %v, want %v", got, tc.several)
						}
						if !strings.Contains(err.Error(), "--format") {
							t.Errorf("error %q does not mention --format", err)
						}
					default:
						if err != nil {
							t.Fatalf("Detect: %v", err)
						}
						if src.Name() != tc.want {
							t.Errorf("Detect = %s, want %s", src.Name(), tc.want)
						}
					}
				})
			}
		})
	}
}

func TestDetectApplied(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		fixtures []string
		extra    []string // run after the fixtures
		want     string   // the source found; "" for ErrNoHistory
		several  []string // the sources of an AmbiguousError
	}{
		{name: "goose with rows", fixtures: []string{"goose"}, want: "goose"},
		{name: "goose with only its version 0 row", fixtures: []string{"goose"},
			extra: []string{"DELETE FROM goose_db_version WHERE version_id <> 0"}},
		{name: "goose emptied", fixtures: []string{"goose"}, extra: []string{"DELETE FROM goose_db_version"}},
		{name: "golang-migrate empty", fixtures: []string{"golang-migrate"}, extra: []string{"DELETE FROM schema_migrations"}},
		{name: "golang-migrate dirty", fixtures: []string{"golang-migrate"},
			extra: []string{"UPDATE schema_migrations SET dirty = true"}, want: "golang-migrate"},
		{name: "dbmate empty", fixtures: []string{"dbmate"}, extra: []string{"DELETE FROM schema_migrations"}},
		{name: "knex empty", fixtures: []string{"knex"}, extra: []string{"DELETE FROM knex_migrations"}},
		{name: "an empty table beside one with rows", fixtures: []string{"goose", "flyway"},
			extra: []string{"DELETE FROM goose_db_version"}, want: "flyway"},
		{name: "two with rows", fixtures: []string{"goose", "flyway"}, several: []string{"goose", "flyway"}},
		{name: "a table Read cannot make sense of counts", fixtures: []string{"golang-migrate"},
			extra: []string{"INSERT INTO schema_migrations (version, dirty) VALUES (7, false)"}, want: "golang-migrate"},
	}
	for _, kind := range testdb.Kinds() {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					t.Parallel()
					ctx := context.Background()
					db := testdb.New(t, kind)
					conn := session(t, db)
					for _, f := range tc.fixtures {
						load(t, db, conn, f)
					}
					for _, x := range tc.extra {
						if _, err := conn.ExecContext(ctx, x); err != nil {
							t.Fatalf("%s: %v", x, err)
						}
					}
					// Detect finds every table, empty or not.
					if _, err := Detect(ctx, db.Dialect, conn); errors.Is(err, ErrNoHistory) {
						t.Fatalf("Detect = %v, want the fixtures' tables found", err)
					}
					src, err := DetectApplied(ctx, db.Dialect, conn)
					var ae *AmbiguousError
					switch {
					case tc.several != nil:
						if !errors.As(err, &ae) {
							t.Fatalf("DetectApplied = %v, %v; want an AmbiguousError", src, err)
						}
						var got []string
						for _, s := range ae.Sources {
							got = append(got, s.Name())
						}
						if !slices.Equal(got, tc.several) {
							t.Errorf("AmbiguousError names %v, want %v", got, tc.several)
						}
					case tc.want == "":
						if !errors.Is(err, ErrNoHistory) {
							t.Fatalf("DetectApplied = %v, %v; want ErrNoHistory", src, err)
						}
					case err != nil:
						t.Fatalf("DetectApplied: %v", err)
					case src.Name() != tc.want:
						t.Errorf("DetectApplied = %s, want %s", src.Name(), tc.want)
					}
				})
			}
		})
	}
}

func TestSourceByName(t *testing.T) {
	t.Parallel()
	for _, s := range Sources() {
		got, err := SourceByName(strings.ToUpper(s.Name()))
		if err != nil || got.Name() != s.Name() || got.Table() != s.Table() {
			t.Errorf("SourceByName(%q) = %v, %v", strings.ToUpper(s.Name()), got, err)
		}
	}
	_, err := SourceByName("liquibase")
	if err == nil {
		t.Fatal("SourceByName(liquibase) returned no error")
	}
	want := "goose, golang-migrate, dbmate, flyway, knex, sequelize, typeorm, prisma, alembic"
	if !strings.Contains(err.Error(), `"liquibase"`) || !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not name the format and list %s", err, want)
	}
}

func TestWithTable(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := testdb.New(t, testdb.SQLite)
	conn := session(t, db)
	load(t, db, conn, "dbmate")
	if _, err := conn.ExecContext(ctx, `ALTER TABLE schema_migrations RENAME TO "my history"`); err != nil {
		t.Fatal(err)
	}
	src, _ := SourceByName("dbmate")
	renamed, err := WithTable(src, "my history")
	if err != nil {
		t.Fatal(err)
	}
	if src.Table() != "schema_migrations" || renamed.Table() != "my history" {
		t.Fatalf("tables %q and %q", src.Table(), renamed.Table())
	}
	h, err := renamed.Read(ctx, db.Dialect, conn)
	if err != nil {
		t.Fatal(err)
	}
	if h.Table != "my history" || len(h.Applied) != 3 {
		t.Errorf("read %s: %v", h.Table, describeAll(h))
	}
	if _, err := WithTable(fakeSource{}, "x"); err == nil {
		t.Error("WithTable accepted a foreign Source")
	}
	if _, err := WithTable(src, ""); err == nil {
		t.Error("WithTable accepted an empty name")
	}
}

type fakeSource struct{ Source }

// TestErrorText pins the messages users see.
func TestErrorText(t *testing.T) {
	t.Parallel()
	goose, _ := SourceByName("goose")
	flyway, _ := SourceByName("flyway")
	err := &AmbiguousError{Sources: []Source{goose, flyway}}
	want := "adopt: found the history tables of goose (goose_db_version), flyway (flyway_schema_history): pass --format goose|flyway to choose one"
	if err.Error() != want {
		t.Errorf("AmbiguousError:\n got %s\nwant %s", err, want)
	}
	ie := &IncompleteError{Source: "flyway", ID: "version 3", State: "failed", Fix: "run `flyway repair`"}
	want = "adopt: flyway records migration version 3 as failed: run `flyway repair`, then adopt again"
	if ie.Error() != want {
		t.Errorf("IncompleteError:\n got %s\nwant %s", ie, want)
	}
}
