package cli

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/tidemigrate/tide"
	"github.com/tidemigrate/tide/adopt"
	"github.com/tidemigrate/tide/source"
)

// TestAdoptPlan checks how a history maps to the migrations to record.
func TestAdoptPlan(t *testing.T) {
	t.Parallel()
	v := tide.MustParseVersion
	at := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	v11 := "CREATE TABLE a (id INT);\n"
	view := "CREATE VIEW v AS SELECT 1;\n"
	prismaSQL := "CREATE TABLE p (id INT);\r\n"
	fsys := fstest.MapFS{
		"V1_1__a.sql":                 {Data: []byte(v11)},
		"sub/R__my_view.sql":          {Data: []byte(view)},
		"20240101_init/migration.sql": {Data: []byte(prismaSQL)},
	}
	migs := []tide.Migration{
		{Version: v("1"), Name: "one", Path: "1_one.sql"},
		{Version: v("1.1"), Name: "a", Path: "V1_1__a.sql"},
		{Version: v("2"), Name: "two", Path: "2_two.sql"},
		{Version: v("3"), Name: "three", Path: "3_three.sql"},
		{Version: v("20240101"), Name: "init", Path: "20240101_init/migration.sql"},
		{Name: "my_view", Path: "sub/R__my_view.sql", Repeatable: true},
	}
	flywaySum := func(s string) string { return fmt.Sprint(source.FlywayChecksum([]byte(s))) }
	sha := func(s string) string { sum := sha256.Sum256([]byte(s)); return hex.EncodeToString(sum[:]) }
	tests := []struct {
		name     string
		history  adopt.History
		baseline string
		want     []tide.Adoption
		notes    []string
		err      string
	}{{
		name:    "versions, sorted, with times",
		history: adopt.History{Source: "goose", Applied: []adopt.Applied{{Version: v("2"), ID: "2", AppliedAt: at}, {Version: v("1"), ID: "1"}}},
		want:    []tide.Adoption{{Version: v("1")}, {Version: v("2"), AppliedAt: at}},
	}, {
		name:    "UpTo covers every version up to it",
		history: adopt.History{Source: "golang-migrate", UpTo: v("2")},
		want:    []tide.Adoption{{Version: v("1")}, {Version: v("1.1")}, {Version: v("2")}},
	}, {
		name:    "UpTo must name a file",
		history: adopt.History{Source: "golang-migrate", UpTo: v("2.5")},
		err:     "golang-migrate is at version 2.5, but no migration in migrations has this version",
	}, {
		name: "a Flyway baseline needs no file",
		history: adopt.History{Source: "flyway", UpTo: v("1.05"), Applied: []adopt.Applied{
			{Version: v("1.05"), ID: "1.05", Baseline: true},
			{Version: v("1.1"), ID: "V1_1__a.sql", Checksum: flywaySum(v11), AppliedAt: at},
			{ID: "R__my_view.sql", Name: "my view", Repeatable: true, Checksum: flywaySum(view), AppliedAt: at},
		}},
		want: []tide.Adoption{{Version: v("1")}, {Version: v("1.1"), AppliedAt: at}, {Repeatable: true, Name: "my_view", AppliedAt: at}},
	}, {
		name: "Flyway checksum mismatch",
		history: adopt.History{Source: "flyway", Table: "flyway_schema_history", Applied: []adopt.Applied{
			{Version: v("1.1"), ID: "1.1", Checksum: "42"},
		}},
		err: fmt.Sprintf("migrations/V1_1__a.sql: migration checksum mismatch for version 1.1: flyway_schema_history records 42, the file's is %s", flywaySum(v11)),
	}, {
		name: "a changed repeatable is left to run again",
		history: adopt.History{Source: "flyway", Applied: []adopt.Applied{
			{ID: "sub/R__my_view.sql", Name: "renamed", Repeatable: true, Checksum: "7"},
		}},
		notes: []string{"migrations/sub/R__my_view.sql: repeatable my_view changed since flyway last ran it: left pending, so that tide up applies it again"},
	}, {
		name:    "an unknown repeatable",
		history: adopt.History{Source: "flyway", Applied: []adopt.Applied{{ID: "R__gone.sql", Name: "gone", Repeatable: true}}},
		err:     "flyway's history lists 1 applied migration with no file in migrations: R__gone.sql",
	}, {
		name: "Prisma checksums, line endings aside",
		history: adopt.History{Source: "prisma", Applied: []adopt.Applied{
			{Version: v("20240101"), ID: "20240101_init", Checksum: strings.ToUpper(sha(strings.ReplaceAll(prismaSQL, "\r\n", "\n")))},
		}},
		want: []tide.Adoption{{Version: v("20240101")}},
	}, {
		name: "Prisma checksum mismatch",
		history: adopt.History{Source: "prisma", Table: "_prisma_migrations", Applied: []adopt.Applied{
			{Version: v("20240101"), ID: "20240101_init", Checksum: sha("other")},
		}},
		err: "migrations/20240101_init/migration.sql: migration 20240101_init was modified after prisma applied it",
	}, {
		name: "unknown versions and entries without one, together",
		history: adopt.History{Source: "dbmate", Applied: []adopt.Applied{
			{Version: v("9"), ID: "9"}, {ID: "init"},
		}},
		err: "dbmate's history lists 1 migration without a version tide can match to a file: init\n" +
			"dbmate's history lists 1 applied migration with no file in migrations: 9",
	}, {
		name:    "code needs --baseline",
		history: adopt.History{Source: "knex", Code: true, Applied: []adopt.Applied{{ID: "x.js"}}},
		err:     "knex's 1 migration is code tide cannot run: write tide migrations",
	}, {
		name:     "code: every version up to the baseline",
		history:  adopt.History{Source: "typeorm", Code: true, Applied: []adopt.Applied{{ID: "X1"}}},
		baseline: "2",
		want:     []tide.Adoption{{Version: v("1")}, {Version: v("1.1")}, {Version: v("2")}},
	}, {
		name:     "code: the baseline must be a migration",
		history:  adopt.History{Source: "alembic", Code: true},
		baseline: "2.5",
		err:      "--baseline 2.5: no migration in migrations has this version",
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := adoptPlanner{history: &tt.history, migrations: migs, fsys: fsys, dir: "migrations",
				displayPath: func(p string) string { return "migrations/" + p }}
			baseline, _ := parseTarget("--baseline", tt.baseline)
			got, notes, err := p.plan(baseline)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error %v, want one containing %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got, cmp.Comparer(func(a, b tide.Version) bool { return a == b })); diff != "" {
				t.Errorf("adoptions (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.notes, notes); diff != "" {
				t.Errorf("notes (-want +got):\n%s", diff)
			}
		})
	}
}

func TestAdoptedFrom(t *testing.T) {
	t.Parallel()
	tests := []struct {
		st   tide.MigrationStatus
		want string
	}{
		{tide.MigrationStatus{State: tide.StateApplied, Adopted: true, AdoptedFrom: "goose"}, "adopted (goose)"},
		{tide.MigrationStatus{State: tide.StateApplied, Adopted: true, AdoptedFrom: "flyway", Migration: tide.Migration{Repeatable: true}}, "adopted (flyway)"},
		{tide.MigrationStatus{State: tide.StateOutdated, AppliedBy: "flyway (adopted by ada)"}, "outdated"},
		{tide.MigrationStatus{State: tide.StateApplied, AppliedBy: "ada"}, "applied"},
		{tide.MigrationStatus{State: tide.StateApplied, Baselined: true}, "applied (baseline)"},
	}
	for _, tt := range tests {
		if got := stateText(tt.st); got != tt.want {
			t.Errorf("stateText(%+v) = %q, want %q", tt.st, got, tt.want)
		}
	}
}
