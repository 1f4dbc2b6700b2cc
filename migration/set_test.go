package migration_test

import (
	"errors"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/tidemigrate/tide/dialect/mysql"
	"github.com/tidemigrate/tide/dialect/postgres"
	"github.com/tidemigrate/tide/dialect/sqlite"
	"github.com/tidemigrate/tide/migration"
	"github.com/tidemigrate/tide/source"
)

func TestLoadTransactionChecks(t *testing.T) {
	tests := []struct {
		name    string
		s       migration.Splitter
		format  migration.Reader
		files   map[string]string
		noTx    bool   // the loaded migration runs outside a transaction
		wantErr string // "" for none
	}{
		{name: "concurrently refused in native", s: postgres.New(), format: source.Native,
			files:   map[string]string{"1_i.sql": "-- +tide up\nCREATE TABLE t (c int);\nCREATE INDEX CONCURRENTLY i ON t (c);\n"},
			wantErr: `1_i.sql:3: "CREATE INDEX CONCURRENTLY i ON t (c)" cannot run inside a transaction: add the line "-- +tide no-transaction" before "-- +tide up"`},
		{name: "concurrently marked", s: postgres.New(), format: source.Native,
			files: map[string]string{"1_i.sql": "-- +tide no-transaction\n-- +tide up\nCREATE UNIQUE INDEX CONCURRENTLY i ON t (c);\n"}, noTx: true},
		{name: "concurrently in goose", s: postgres.New(), format: source.Goose,
			files:   map[string]string{"00001_i.sql": "-- +goose Up\nREINDEX (VERBOSE) INDEX CONCURRENTLY i;\n"},
			wantErr: `00001_i.sql:2: "REINDEX (VERBOSE) INDEX CONCURRENTLY i" cannot run inside a transaction: add the line "-- +goose NO TRANSACTION"`},
		{name: "concurrently in flyway runs outside a transaction", s: postgres.New(), format: source.Flyway,
			files: map[string]string{"V1__i.sql": "CREATE INDEX CONCURRENTLY i ON t (c);\n"}, noTx: true},
		{name: "concurrently in golang-migrate runs outside a transaction", s: postgres.New(), format: source.GolangMigrate,
			files: map[string]string{"1_i.up.sql": "DROP INDEX CONCURRENTLY i;\n"}, noTx: true},
		{name: "vacuum on sqlite", s: sqlite.New(), format: source.Native,
			files: map[string]string{"1_v.sql": "-- +tide up\nVACUUM;\n"}, wantErr: `1_v.sql:2: "VACUUM" cannot run inside a transaction`},
		{name: "plain index is fine", s: postgres.New(), format: source.Native,
			files: map[string]string{"1_i.sql": "-- +tide up\nCREATE INDEX i ON t (c);\n-- +tide down\nDROP INDEX i;\n"}},
		{name: "commit refused", s: postgres.New(), format: source.Native,
			files:   map[string]string{"1_c.sql": "-- +tide up\nBEGIN;\nCREATE TABLE t (c int);\nCOMMIT;\n"},
			wantErr: `1_c.sql:2: "BEGIN" controls the transaction`},
		{name: "rollback in down refused", s: mysql.New(), format: source.Native,
			files:   map[string]string{"1_c.sql": "-- +tide up\nCREATE TABLE t (c int);\n-- +tide down\nDROP TABLE t;\nROLLBACK;\n"},
			wantErr: `1_c.sql:5: "ROLLBACK" controls the transaction`},
		{name: "transaction control allowed without a transaction", s: postgres.New(), format: source.Native,
			files: map[string]string{"1_c.sql": "-- +tide no-transaction\n-- +tide up\nBEGIN;\nCREATE TABLE t (c int);\nCOMMIT;\n"}, noTx: true},
		{name: "MariaDB compound statement is no transaction", s: mysql.New(), format: source.Native,
			files: map[string]string{"1_c.sql": "-- +tide up\nBEGIN NOT ATOMIC\n  SELECT 1;\nEND;\n"}},
		{name: "savepoints are fine", s: postgres.New(), format: source.Native,
			files: map[string]string{"1_s.sql": "-- +tide up\nSAVEPOINT a;\nROLLBACK TO SAVEPOINT a;\n"}},
		{name: "NUL byte", s: postgres.New(), format: source.Native,
			files: map[string]string{"1_n.sql": "-- +tide up\nSELECT 1;\nSELECT '\x00';\n"}, wantErr: "1_n.sql:3: NUL byte"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fsys := fstest.MapFS{}
			for name, content := range tc.files {
				fsys[name] = &fstest.MapFile{Data: []byte(content)}
			}
			set, err := migration.Load(fsys, tc.s, tc.format)
			if tc.wantErr != "" {
				var pe *migration.ParseError
				if err == nil || !errors.As(err, &pe) || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("Load = %v, want a ParseError containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if m := set.All()[0]; m.NoTransaction != tc.noTx {
				t.Errorf("NoTransaction = %v, want %v", m.NoTransaction, tc.noTx)
			}
		})
	}
}
