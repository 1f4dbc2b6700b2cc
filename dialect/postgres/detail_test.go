package postgres_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/tidemigrate/tide"
	"github.com/tidemigrate/tide/internal/testdb"
	"github.com/tidemigrate/tide/source"
)

// A failing statement of several lines is reported at the line where
// PostgreSQL found the error, with its DETAIL and HINT.
func TestErrorDetailAndPosition(t *testing.T) {
	t.Parallel()
	db := testdb.New(t, testdb.Postgres)
	fsys := fstest.MapFS{
		"1_t.sql":   {Data: []byte("-- +tide up\nCREATE TABLE t (id int PRIMARY KEY);\nINSERT INTO t VALUES (1);\n-- +tide down\nDROP TABLE t;\n")},
		"2_bad.sql": {Data: []byte("-- +tide up\nSELECT id,\n       nosuchcolumn\nFROM t;\n")},
		"3_dup.sql": {Data: []byte("-- +tide up\nINSERT INTO t VALUES (1);\n")},
	}
	m, err := tide.New(db.Dialect, db.DB, fsys)
	if err != nil {
		t.Fatal(err)
	}
	_, err = m.Up(context.Background())
	var me *tide.MigrationError
	if !errors.As(err, &me) {
		t.Fatalf("Up = %v, want a MigrationError", err)
	}
	if me.Line != 2 || me.ErrorLine != 3 || !strings.HasPrefix(err.Error(), "2_bad.sql:3: ") {
		t.Errorf("error at statement line %d, error line %d (%v); want 2 and 3", me.Line, me.ErrorLine, err)
	}
	fsys["2_bad.sql"] = &fstest.MapFile{Data: []byte("-- +tide up\nSELECT 1;\n")}
	m, err = tide.New(db.Dialect, db.DB, fsys)
	if err != nil {
		t.Fatal(err)
	}
	_, err = m.Up(context.Background())
	if !errors.As(err, &me) || !strings.Contains(me.Detail, "Key (id)=(1) already exists") || !strings.Contains(err.Error(), "DETAIL: Key (id)=(1)") {
		t.Errorf("duplicate key error = %v (detail %q), want its DETAIL", err, me.Detail)
	}
}

// A Flyway script whose lone statement cannot run in a transaction runs
// outside one, as Flyway runs it.
func TestFlywayConcurrentIndex(t *testing.T) {
	t.Parallel()
	db := testdb.New(t, testdb.Postgres)
	fsys := fstest.MapFS{
		"V1__t.sql": {Data: []byte("CREATE TABLE t (c int);\n")},
		"V2__i.sql": {Data: []byte("CREATE INDEX CONCURRENTLY t_c ON t (c);\n")},
	}
	m, err := tide.New(db.Dialect, db.DB, fsys, tide.WithFormat(source.Flyway))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Up(context.Background()); err != nil {
		t.Fatalf("Up: %v", err)
	}
	var valid bool
	if err := db.DB.QueryRow(`SELECT indisvalid FROM pg_index WHERE indexrelid = 't_c'::regclass`).Scan(&valid); err != nil || !valid {
		t.Fatalf("index t_c valid = %v, %v", valid, err)
	}
}
