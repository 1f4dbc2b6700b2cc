package dialecttest

import (
	"context"
	"slices"
	"testing"

	"github.com/tidemigrate/tide/dialect"
)

// testColumns checks [dialect.ColumnLister]: the columns in order, also
// after ALTER TABLE, and none for a missing table.
func testColumns(t *testing.T, db Database) {
	l, ok := db.Dialect.(dialect.ColumnLister)
	if !ok {
		t.Skip("the dialect does not list columns")
	}
	ctx := context.Background()
	table := `odd "cols"`
	q := db.Dialect.QuoteIdent
	cols := []dialect.Column{{Name: "id", Type: dialect.KeyText}, {Name: "Mixed Case", Type: dialect.Integer}}
	for _, stmt := range []string{
		dialect.CreateTable(db.Dialect, q(table), cols, 1),
		dialect.AddColumn(db.Dialect, q(table), dialect.Column{Name: "added", Type: dialect.LongText, Null: true}),
	} {
		if _, err := db.DB.ExecContext(ctx, stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	got, err := l.Columns(ctx, db.DB, table)
	if want := []string{"id", "Mixed Case", "added"}; err != nil || !slices.Equal(got, want) {
		t.Errorf("Columns = %q, %v; want %q", got, err, want)
	}
	if got, err := l.Columns(ctx, db.DB, "missing"); err != nil || len(got) != 0 {
		t.Errorf("Columns of a missing table = %q, %v; want none", got, err)
	}
}
