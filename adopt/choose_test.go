package adopt

import (
	"context"
	"errors"
	"slices"
	"testing"
	"testing/fstest"

	"github.com/tidemigrate/tide/internal/testdb"
)

// TestChoose checks which history tide adopt reads when the user names no
// tool.
func TestChoose(t *testing.T) {
	t.Parallel()
	gooseFolder := fstest.MapFS{"00001_init.sql": {Data: []byte("-- +goose Up\nCREATE TABLE a (id INT);\n")}}
	tests := []struct {
		name     string
		fixtures []string
		folder   Folder
		want     string   // the source chosen
		notes    []string // what Choose says
		err      string   // the error's text
		isErr    error    // what the error is
	}{{
		name:     "the only table",
		fixtures: []string{"goose"},
		want:     "goose",
	}, {
		name:     "the folder's format among several",
		fixtures: []string{"goose", "flyway"},
		folder:   Folder{FS: gooseFolder, Dir: "db/migrations"},
		want:     "goose",
		notes:    []string{"also found the history tables of flyway (flyway_schema_history): reading goose's, the format of db/migrations (--format chooses another)"},
	}, {
		name:     "the format given rather than detected",
		fixtures: []string{"goose", "flyway"},
		folder:   Folder{FS: gooseFolder, Format: "flyway"},
		want:     "flyway",
		notes:    []string{"also found the history tables of goose (goose_db_version): reading flyway's, the format of . (--format chooses another)"},
	}, {
		name:     "several, and the folder does not decide",
		fixtures: []string{"knex", "alembic"},
		folder:   Folder{FS: gooseFolder},
		err:      "adopt: found the history tables of knex (knex_migrations), alembic (alembic_version): pass --format knex|alembic to choose one",
	}, {
		name: "none",
		err: "no other tool's history table in the database (looked for goose_db_version, schema_migrations, flyway_schema_history, " +
			"knex_migrations, SequelizeMeta, migrations, _prisma_migrations, alembic_version): if its table was renamed, pass --format and --source-table",
		isErr: ErrNoHistory,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			db := testdb.New(t, testdb.SQLite)
			conn := session(t, db)
			for _, f := range tt.fixtures {
				load(t, db, conn, f)
			}
			src, notes, err := Choose(context.Background(), db.Dialect, conn, tt.folder)
			if tt.err != "" {
				if err == nil || err.Error() != tt.err {
					t.Fatalf("Choose = %v, %v\nwant error %s", src, err, tt.err)
				}
				if tt.isErr != nil && !errors.Is(err, tt.isErr) {
					t.Errorf("error %v is not %v", err, tt.isErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if src.Name() != tt.want || !slices.Equal(notes, tt.notes) {
				t.Errorf("Choose = %s, %q; want %s, %q", src.Name(), notes, tt.want, tt.notes)
			}
		})
	}
}

// TestDrop checks that Drop removes the tool's table, and knex's lock
// table with knex's, on every database.
func TestDrop(t *testing.T) {
	t.Parallel()
	for _, kind := range testdb.Kinds() {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := testdb.New(t, kind)
			conn := session(t, db)
			load(t, db, conn, "knex")
			load(t, db, conn, "sequelize") // the knex fixture has knex_migrations_lock too
			if ok, err := db.Dialect.TableExists(ctx, conn, "knex_migrations_lock"); err != nil || !ok {
				t.Fatalf("the knex fixture has no knex_migrations_lock: %v, %v", ok, err)
			}
			for _, h := range []*History{{Source: "knex", Table: "knex_migrations"}, {Source: "sequelize", Table: "SequelizeMeta"}} {
				if err := Drop(ctx, db.Dialect, conn, h); err != nil {
					t.Fatalf("Drop %s: %v", h.Source, err)
				}
				if err := Drop(ctx, db.Dialect, conn, h); err != nil {
					t.Errorf("Drop %s again: %v", h.Source, err)
				}
			}
			for _, table := range []string{"knex_migrations", "knex_migrations_lock", "SequelizeMeta"} {
				if ok, err := db.Dialect.TableExists(ctx, conn, table); err != nil || ok {
					t.Errorf("%s exists after Drop: %v, %v", table, ok, err)
				}
			}
		})
	}
}
