package dialecttest

import (
	"context"
	"testing"
	"testing/fstest"

	"github.com/tidemigrate/tide"
	"github.com/tidemigrate/tide/source"
)

// foreignFolders are the same two migrations in each foreign format.
func foreignFolders() map[string]fstest.MapFS {
	const (
		create = "CREATE TABLE notes (id INTEGER PRIMARY KEY, body VARCHAR(100));"
		insert = "INSERT INTO notes (id, body) VALUES (1, 'a; b');\nINSERT INTO notes (id, body) VALUES (2, 'c');"
		drop   = "DROP TABLE notes;"
		clear  = "DELETE FROM notes;"
	)
	return map[string]fstest.MapFS{
		"goose": files(
			"00001_notes.sql", "-- +goose Up\n"+create+"\n\n-- +goose Down\n"+drop+"\n",
			"00002_rows.sql", "-- +goose Up\n-- +goose StatementBegin\nINSERT INTO notes (id, body)\nVALUES (1, 'a; b');\n-- +goose StatementEnd\nINSERT INTO notes (id, body) VALUES (2, 'c');\n-- +goose Down\n"+clear+"\n",
		),
		"golang-migrate": files(
			"1_notes.up.sql", create, "1_notes.down.sql", drop,
			"2_rows.up.sql", insert, "2_rows.down.sql", clear,
		),
		"dbmate": files(
			"20240101000000_notes.sql", "-- migrate:up\n"+create+"\n\n-- migrate:down\n"+drop+"\n",
			"20240102000000_rows.sql", "-- migrate:up\n"+insert+"\n\n-- migrate:down\n"+clear+"\n",
		),
		"flyway": files(
			"V1__notes.sql", create, "U1__notes.sql", drop,
			"V1_1__rows.sql", insert, "U1_1__rows.sql", clear,
		),
		"prisma": files(
			"20240101000000_notes/migration.sql", create,
			"20240102000000_rows/migration.sql", insert,
		),
	}
}

func testForeignFormats(t *testing.T, db Database) {
	ctx := context.Background()
	for name, fsys := range foreignFolders() {
		format, err := source.FormatByName(name)
		if err != nil {
			t.Fatal(err)
		}
		if detected, err := source.Detect(fsys); err != nil || detected.Name() != name {
			t.Errorf("%s: Detect = %v, %v", name, detected, err)
		}
		m := newMigrator(t, db, nil, fsys, tide.WithFormat(format), tide.WithTable("hist_"+name[:4]))
		if rs := mustUp(t, m); len(rs) != 2 {
			t.Fatalf("%s: Up applied %v", name, versions(rs))
		}
		if n := count(t, db.DB, "SELECT COUNT(*) FROM notes WHERE body = 'a; b'"); n != 1 {
			t.Fatalf("%s: %d rows", name, n)
		}
		if name == "prisma" { // up only
			_, err := m.DownAll(ctx)
			if err == nil {
				t.Fatalf("prisma: DownAll without down sections succeeded")
			}
			if _, err := db.DB.ExecContext(ctx, "DROP TABLE notes"); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if rs, err := m.DownAll(ctx); err != nil || len(rs) != 2 {
			t.Fatalf("%s: DownAll = %v, %v", name, versions(rs), err)
		}
	}
}
