package adopt

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/tidemigrate/tide/dialect/sqlite"
	"github.com/tidemigrate/tide/migration"
	"github.com/tidemigrate/tide/source"
)

// The files of the folder TestPlan adopts into: those whose checksums the
// tools keep (Flyway's, Prisma's).
const (
	v11       = "CREATE TABLE a (id INT);\n"
	view      = "CREATE VIEW v AS SELECT 1;\n"
	prismaSQL = "CREATE TABLE p (id INT);\r\n"
)

// planSet returns the migrations TestPlan maps histories to: versions 1,
// 1.1, 2, 3 and 20240101, and the repeatable my_view. Only the files the
// tools checksum are in planFS; 2_two.sql is missing from it.
func planSet(t *testing.T) *migration.Set {
	t.Helper()
	v := migration.MustParseVersion
	file := func(version, name, path string, repeatable bool) migration.File {
		return migration.File{Version: v(version), Name: name, Path: path, Repeatable: repeatable,
			Up: migration.Section{Path: path, Line: 1, SQL: "SELECT 1;"}}
	}
	set, err := migration.Compile([]migration.File{
		file("1", "one", "1_one.sql", false),
		file("1.1", "a", "V1_1__a.sql", false),
		file("2", "two", "2_two.sql", false),
		file("3", "three", "3_three.sql", false),
		file("20240101", "init", "20240101_init/migration.sql", false),
		file("0", "my_view", "sub/R__my_view.sql", true),
	}, sqlite.New())
	if err != nil {
		t.Fatal(err)
	}
	return set
}

var planFS = fstest.MapFS{
	"V1_1__a.sql":                 {Data: []byte(v11)},
	"sub/R__my_view.sql":          {Data: []byte(view)},
	"20240101_init/migration.sql": {Data: []byte(prismaSQL)},
}

func flywaySum(s string) string { return fmt.Sprint(source.FlywayChecksum([]byte(s))) }

func sha(s string) string { sum := sha256.Sum256([]byte(s)); return hex.EncodeToString(sum[:]) }

// TestPlan checks how a history maps to the migrations to record.
func TestPlan(t *testing.T) {
	t.Parallel()
	set := planSet(t)
	v := migration.MustParseVersion
	at := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		name    string
		history History
		opts    PlanOptions
		dir     string // Folder.Dir; "migrations" unless set
		want    []Adoption
		notes   []string
		err     string            // a substring of the error
		check   func(error) error // checks the error's type and fields
	}{{
		name:    "versions, sorted, with times",
		history: History{Source: "goose", Applied: []Applied{{Version: v("2"), ID: "2", AppliedAt: at}, {Version: v("1"), ID: "1"}}},
		want:    []Adoption{{Version: v("1")}, {Version: v("2"), AppliedAt: at}},
	}, {
		name:    "nothing applied",
		history: History{Source: "dbmate"},
	}, {
		name:    "UpTo covers every version up to it",
		history: History{Source: "golang-migrate", UpTo: v("2")},
		want:    []Adoption{{Version: v("1")}, {Version: v("1.1")}, {Version: v("2")}},
	}, {
		name:    "UpTo must name a file",
		history: History{Source: "golang-migrate", UpTo: v("2.5")},
		err:     "golang-migrate is at version 2.5, but no migration in migrations has this version: point --dir at the folder golang-migrate ran",
	}, {
		name:    "without a Dir, the folder is .",
		history: History{Source: "golang-migrate", UpTo: v("2.5")},
		dir:     ".",
		err:     "no migration in . has this version",
	}, {
		name: "a Flyway baseline needs no file",
		history: History{Source: "flyway", UpTo: v("1.05"), Applied: []Applied{
			{Version: v("1.05"), ID: "1.05", Baseline: true},
			{Version: v("1.1"), ID: "V1_1__a.sql", Checksum: flywaySum(v11), AppliedAt: at},
			{ID: "R__my_view.sql", Name: "my view", Repeatable: true, Checksum: flywaySum(view), AppliedAt: at},
		}},
		want: []Adoption{{Version: v("1")}, {Version: v("1.1"), AppliedAt: at}, {Repeatable: true, Name: "my_view", AppliedAt: at}},
	}, {
		name: "a Flyway baseline on a file keeps its time",
		history: History{Source: "flyway", UpTo: v("1"), Applied: []Applied{
			{Version: v("1"), ID: "1", Baseline: true, AppliedAt: at},
		}},
		want: []Adoption{{Version: v("1"), AppliedAt: at}},
	}, {
		name: "Flyway checksum mismatch",
		history: History{Source: "flyway", Table: "flyway_schema_history", Applied: []Applied{
			{Version: v("1.1"), ID: "1.1", Checksum: "42"},
		}},
		err: fmt.Sprintf("migrations/V1_1__a.sql: migration checksum mismatch for version 1.1: flyway_schema_history records 42, the file's is %s: "+
			"the file changed since flyway applied it; restore it, or run `flyway repair` if the change is intended, then adopt again", flywaySum(v11)),
		check: func(err error) error {
			want := &ChecksumError{Source: "flyway", Table: "flyway_schema_history", ID: "1.1", Path: "migrations/V1_1__a.sql", Recorded: "42", Actual: flywaySum(v11)}
			if ce, ok := errors.AsType[*ChecksumError](err); !ok || *ce != *want {
				return fmt.Errorf("got %#v, want %#v", ce, want)
			}
			return nil
		},
	}, {
		name: "an unchanged repeatable, matched by its script",
		history: History{Source: "flyway", Applied: []Applied{
			{ID: "db/sub/R__my_view.sql", Repeatable: true, Checksum: flywaySum(view), AppliedAt: at},
		}},
		want: []Adoption{{Repeatable: true, Name: "my_view", AppliedAt: at}},
	}, {
		name: "a changed repeatable is left to run again",
		history: History{Source: "flyway", Applied: []Applied{
			{ID: "sub/R__my_view.sql", Name: "renamed", Repeatable: true, Checksum: "7"},
		}},
		notes: []string{"migrations/sub/R__my_view.sql: repeatable my_view changed since flyway last ran it: left pending, so that tide up applies it again"},
	}, {
		name:    "an unknown repeatable",
		history: History{Source: "flyway", Applied: []Applied{{ID: "R__gone.sql", Name: "gone", Repeatable: true}}},
		err:     "flyway's history lists 1 applied migration with no file in migrations: R__gone.sql; point --dir at the folder flyway ran, or pass the right --format",
	}, {
		name: "a file to checksum is missing from the folder",
		history: History{Source: "flyway", Applied: []Applied{
			{Version: v("2"), ID: "2", Checksum: "5"},
		}},
		err: "read migrations/2_two.sql: open 2_two.sql: file does not exist",
		check: func(err error) error {
			if !errors.Is(err, os.ErrNotExist) {
				return fmt.Errorf("%v is not fs.ErrNotExist", err)
			}
			return nil
		},
	}, {
		name:    "other tools' checksums are not compared",
		history: History{Source: "goose", Applied: []Applied{{Version: v("2"), ID: "2", Checksum: "5"}}},
		want:    []Adoption{{Version: v("2")}},
	}, {
		name: "Prisma checksums, line endings aside",
		history: History{Source: "prisma", Applied: []Applied{
			{Version: v("20240101"), ID: "20240101_init", Checksum: strings.ToUpper(sha(strings.ReplaceAll(prismaSQL, "\r\n", "\n")))},
		}},
		want: []Adoption{{Version: v("20240101")}},
	}, {
		name: "Prisma checksum mismatch",
		history: History{Source: "prisma", Table: "_prisma_migrations", Applied: []Applied{
			{Version: v("20240101"), ID: "20240101_init", Checksum: sha("other")},
		}},
		err: "migrations/20240101_init/migration.sql: migration 20240101_init was modified after prisma applied it (_prisma_migrations records checksum " +
			sha("other") + "): restore the file, then adopt again",
		check: func(err error) error {
			if ce, ok := errors.AsType[*ChecksumError](err); !ok || ce.Source != "prisma" || ce.Path != "migrations/20240101_init/migration.sql" {
				return fmt.Errorf("got %#v", ce)
			}
			return nil
		},
	}, {
		name: "unknown versions and entries without one, together",
		history: History{Source: "dbmate", Applied: []Applied{
			{Version: v("9"), ID: "9"}, {ID: "init"},
		}},
		err: "dbmate's history lists 1 migration without a version tide can match to a file: init\n" +
			"dbmate's history lists 1 applied migration with no file in migrations: 9",
	}, {
		name: "SQL history with a baseline: tide's migrations up to it, unmatched",
		history: History{Source: "goose", Applied: []Applied{
			{Version: v("7"), ID: "7"}, {Version: v("8"), ID: "8"},
		}},
		opts: PlanOptions{Baseline: v("2")},
		want: []Adoption{{Version: v("1")}, {Version: v("1.1")}, {Version: v("2")}},
		notes: []string{"goose's history lists 2 applied migrations (the last 8): with --baseline it is not matched to the files of migrations; " +
			"tide's migrations up to 2 are recorded as applied instead"},
	}, {
		name: "SQL history with a baseline below versions it applied",
		history: History{Source: "dbmate", Applied: []Applied{
			{Version: v("1"), ID: "1"}, {Version: v("2"), ID: "2"}, {Version: v("3"), ID: "3"},
		}},
		opts: PlanOptions{Baseline: v("1.1")},
		want: []Adoption{{Version: v("1")}, {Version: v("1.1")}},
		notes: []string{
			"dbmate's history lists 3 applied migrations (the last 3): with --baseline it is not matched to the files of migrations; " +
				"tide's migrations up to 1.1 are recorded as applied instead",
			"dbmate applied 2, 3 above the baseline, and migrations has migrations of the same versions: tide up will run them; " +
				"if they are the migrations dbmate applied, adopt with a --baseline at or above 3 instead",
		},
	}, {
		name:    "golang-migrate's version with a baseline",
		history: History{Source: "golang-migrate", UpTo: v("2")},
		opts:    PlanOptions{Baseline: v("1")},
		want:    []Adoption{{Version: v("1")}},
		notes: []string{
			"golang-migrate's history is at version 2: with --baseline it is not matched to the files of migrations; " +
				"tide's migrations up to 1 are recorded as applied instead",
			"golang-migrate applied 1.1, 2 above the baseline, and migrations has migrations of the same versions: tide up will run them; " +
				"if they are the migrations golang-migrate applied, adopt with a --baseline at or above 2 instead",
		},
	}, {
		name:    "an empty SQL history with a baseline",
		history: History{Source: "prisma"},
		opts:    PlanOptions{Baseline: v("1")},
		want:    []Adoption{{Version: v("1")}},
		notes: []string{"prisma's history lists no applied migration: with --baseline it is not matched to the files of migrations; " +
			"tide's migrations up to 1 are recorded as applied instead"},
	}, {
		name:    "SQL history: the baseline must be a migration",
		history: History{Source: "flyway", Applied: []Applied{{Version: v("1"), ID: "1"}}},
		opts:    PlanOptions{Baseline: v("4")},
		err:     "--baseline 4: no migration in migrations has this version",
	}, {
		name:    "code needs a baseline",
		history: History{Source: "knex", Code: true, Applied: []Applied{{ID: "x.js"}}},
		err: "knex's 1 migration is code tide cannot run: write tide migrations that build the same schema (or one migration from a schema dump), " +
			"then run tide adopt --baseline VERSION to record them as applied up to VERSION; the next tide migrations follow on",
		check: func(err error) error {
			if ce, ok := errors.AsType[*CodeHistoryError](err); !ok || ce.Source != "knex" || len(ce.IDs) != 1 {
				return fmt.Errorf("got %#v", ce)
			}
			return nil
		},
	}, {
		name:    "code: alembic names its heads",
		history: History{Source: "alembic", Code: true, Applied: []Applied{{ID: "c3"}}},
		err:     "alembic's revisions (at head c3; --alembic-dir lists them all) are code tide cannot run",
	}, {
		name:    "code: every version up to the baseline",
		history: History{Source: "typeorm", Code: true, Applied: []Applied{{ID: "X1"}}},
		opts:    PlanOptions{Baseline: v("2")},
		want:    []Adoption{{Version: v("1")}, {Version: v("1.1")}, {Version: v("2")}},
	}, {
		name:    "code: the baseline must be a migration",
		history: History{Source: "alembic", Code: true},
		opts:    PlanOptions{Baseline: v("2.5")},
		err:     "--baseline 2.5: no migration in migrations has this version",
	}, {
		name:    "Alembic's versions folder is for alembic",
		history: History{Source: "knex", Code: true},
		opts:    PlanOptions{Baseline: v("1"), AlembicVersions: os.DirFS("testdata/alembic/versions")},
		err:     "adopt: Alembic's versions folder is for alembic's history, not knex's",
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := tt.dir
			if dir == "" {
				dir = "migrations"
			}
			p, err := tt.history.Plan(set, Folder{FS: planFS, Dir: dir}, tt.opts)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error %v, want one containing %q", err, tt.err)
				}
				if tt.check != nil {
					if cerr := tt.check(err); cerr != nil {
						t.Error(cerr)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if p.Source != tt.history.Source || p.Code != tt.history.Code || p.Baseline != tt.opts.Baseline {
				t.Errorf("plan of %s: Source %q, Code %v, Baseline %s", tt.history.Source, p.Source, p.Code, p.Baseline)
			}
			if diff := cmp.Diff(tt.want, p.Adoptions, cmp.Comparer(func(a, b migration.Version) bool { return a == b })); diff != "" {
				t.Errorf("adoptions (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.notes, p.Notes); diff != "" {
				t.Errorf("notes (-want +got):\n%s", diff)
			}
		})
	}
}

// TestPlanAlembicRevisions checks that Alembic's versions folder lists
// every applied revision, in the plan and in the error without baseline.
func TestPlanAlembicRevisions(t *testing.T) {
	t.Parallel()
	set := planSet(t)
	h := &History{Source: "alembic", Table: "alembic_version", Code: true, Applied: []Applied{{ID: "ae1027a6acf"}}}
	versions := os.DirFS("testdata/alembic/versions")
	p, err := h.Plan(set, Folder{Dir: "migrations"}, PlanOptions{Baseline: migration.MustParseVersion("1"), AlembicVersions: versions})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"1975ea83b712", "ae1027a6acf"}; !cmp.Equal(p.Revisions, want) || len(p.Adoptions) != 1 {
		t.Errorf("plan = %+v; want revisions %v and 1 adoption", p, want)
	}
	_, err = h.Plan(set, Folder{Dir: "migrations"}, PlanOptions{AlembicVersions: versions})
	if want := "alembic's 2 applied revisions (1975ea83b712, ae1027a6acf) are code tide cannot run"; err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("error %v, want one starting %q", err, want)
	}
	if _, err := h.Plan(nil, Folder{}, PlanOptions{}); err == nil {
		t.Error("Plan accepted a nil set")
	}
}

// TestPlanFromFolder adopts a Flyway folder read as tide reads it, paths
// and checksums included, with no Dir.
func TestPlanFromFolder(t *testing.T) {
	t.Parallel()
	fsys := fstest.MapFS{
		"V1__init.sql":      {Data: []byte("CREATE TABLE a (id INT);\n")},
		"V2__more.sql":      {Data: []byte("CREATE TABLE b (id INT);\n")},
		"R__names_view.sql": {Data: []byte("CREATE VIEW n AS SELECT 1;\n")},
	}
	set, err := migration.Load(fsys, sqlite.New(), source.Flyway)
	if err != nil {
		t.Fatal(err)
	}
	sum := func(name string) string { return flywaySum(string(fsys[name].Data)) }
	h := &History{Source: "flyway", Table: "flyway_schema_history", Applied: []Applied{
		{Version: migration.MustParseVersion("1"), ID: "1", Checksum: sum("V1__init.sql")},
		{Version: migration.MustParseVersion("2"), ID: "2", Checksum: "1"},
		{ID: "R__names_view.sql", Name: "names view", Repeatable: true, Checksum: sum("R__names_view.sql")},
	}}
	_, err = h.Plan(set, Folder{FS: fsys}, PlanOptions{})
	if want := "V2__more.sql: migration checksum mismatch for version 2"; err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Fatalf("error %v, want one starting %q", err, want)
	}
	h.Applied[1].Checksum = sum("V2__more.sql")
	p, err := h.Plan(set, Folder{FS: fsys}, PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Adoptions) != 3 || p.Adoptions[2].Name != "names_view" || p.Table != "flyway_schema_history" {
		t.Errorf("plan = %+v", p)
	}
}
