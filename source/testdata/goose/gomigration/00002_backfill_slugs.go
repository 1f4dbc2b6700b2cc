package migrations

import (
	"context"
	"database/sql"

	"github.com/pressly/goose/v3"
)

func init() {
	goose.AddMigrationContext(upBackfillSlugs, nil)
}

func upBackfillSlugs(ctx context.Context, tx *sql.Tx) error {
	_, err := tx.ExecContext(ctx, `UPDATE posts SET slug = lower(replace(title, ' ', '-'))`)
	return err
}
