// Package shadow applies a migration set to a scratch ("shadow") database
// to learn what it builds: the schema the migrations produce, compared
// with a live database to find drift ([Build]), and whether every
// migration's down section restores exactly what its up section changed
// ([VerifyRollback]).
//
// The caller gives an empty database to work in and drops it afterwards;
// nothing here touches any other database.
package shadow

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/tidemigrate/tide"
	"github.com/tidemigrate/tide/dialect"
	"github.com/tidemigrate/tide/migration"
	"github.com/tidemigrate/tide/schema"
)

// Build applies the migrations of set up to and including target (all of
// them when target is zero) to the empty database db and returns the
// schema they build, without tide's own tables. opts are passed to
// [tide.New] (the version table's name, an observer...).
func Build(ctx context.Context, d dialect.Dialect, db *sql.DB, set *migration.Set, target tide.Version, opts ...tide.Option) (*schema.Schema, error) {
	m, err := newMigrator(ctx, d, db, set, opts)
	if err != nil {
		return nil, err
	}
	if _, err := m.UpTo(ctx, target); err != nil {
		return nil, fmt.Errorf("apply the migrations to the scratch database: %w", err)
	}
	return inspect(ctx, d, db, m)
}

func newMigrator(ctx context.Context, d dialect.Dialect, db *sql.DB, set *migration.Set, opts []tide.Option) (*tide.Migrator, error) {
	if err := checkEmpty(ctx, d, db); err != nil {
		return nil, err
	}
	opts = append([]tide.Option{tide.WithMigrations(set)}, opts...)
	return tide.New(d, db, nil, opts...)
}

// checkEmpty refuses a scratch database that holds tables already: tide
// would mix the migrations' objects with them.
func checkEmpty(ctx context.Context, d dialect.Dialect, db *sql.DB) error {
	s, err := schema.Inspect(ctx, d, db, schema.Options{})
	if err != nil {
		return fmt.Errorf("inspect the scratch database: %w", err)
	}
	if len(s.Tables) > 0 || len(s.Views) > 0 {
		return fmt.Errorf("the scratch database is not empty (it has %d tables and %d views): give an empty one", len(s.Tables), len(s.Views))
	}
	return nil
}

func inspect(ctx context.Context, d dialect.Dialect, db *sql.DB, m *tide.Migrator) (*schema.Schema, error) {
	s, err := schema.Inspect(ctx, d, db, schema.Options{Exclude: m.OwnTables()})
	if err != nil {
		return nil, fmt.Errorf("inspect the scratch database: %w", err)
	}
	return s, nil
}
