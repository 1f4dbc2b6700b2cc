package source

import (
	"testing"

	"github.com/tidemigrate/tide/dialect/mysql"
	"github.com/tidemigrate/tide/dialect/postgres"
	"github.com/tidemigrate/tide/internal/sqlsplit"
	"github.com/tidemigrate/tide/migration"
)

func TestMarkNoTransaction(t *testing.T) {
	concurrently := migration.File{Version: migration.MustParseVersion("1"), Name: "idx",
		Up: migration.Section{SQL: "CREATE TABLE t (c int);\nCREATE INDEX CONCURRENTLY i ON t (c);\n"}}
	inDown := concurrently
	inDown.Up = migration.Section{SQL: "SELECT 1;\n"}
	inDown.Down = &migration.Section{SQL: "DROP INDEX CONCURRENTLY i;\n"}
	plain := migration.File{Version: migration.MustParseVersion("2"), Name: "plain", Up: migration.Section{SQL: "SELECT 1;\n"}}
	tests := []struct {
		name string
		r    migration.Reader
		s    migration.Splitter
		m    migration.File
		want bool
	}{
		{"golang-migrate runs it outside a transaction on PostgreSQL", GolangMigrate, postgres.New(), concurrently, true},
		{"Flyway too", Flyway, postgres.New(), concurrently, true},
		{"a down statement counts", Flyway, postgres.New(), inDown, true},
		{"a statement that runs in a transaction", GolangMigrate, postgres.New(), plain, false},
		{"MySQL has no such statement", GolangMigrate, mysql.New(), concurrently, false},
		{"native files must say it themselves", Native, postgres.New(), concurrently, false},
		{"a splitter that is not a dialect knows nothing", GolangMigrate, ruleSplitter{sqlsplit.Postgres}, concurrently, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			migs := []migration.File{tc.m}
			MarkNoTransaction(migs, tc.r, tc.s)
			if migs[0].NoTransaction != tc.want {
				t.Errorf("NoTransaction = %v, want %v", migs[0].NoTransaction, tc.want)
			}
		})
	}
}
