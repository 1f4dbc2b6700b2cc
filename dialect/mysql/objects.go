package mysql

import (
	"context"
	"fmt"
	"strings"

	"github.com/tidemigrate/tide/dialect"
)

var _ dialect.ObjectFinder = Dialect{}

// IndexExists reports whether the index exists (PRIMARY for a primary
// key), in the database that qualifies table or name, else the current
// one; on table, when table is not "".
func (Dialect) IndexExists(ctx context.Context, q dialect.Querier, name, table string) (bool, error) {
	return objectExists(ctx, q, "index", `SELECT COUNT(*) FROM information_schema.STATISTICS
		WHERE TABLE_SCHEMA = COALESCE(NULLIF(?, ''), DATABASE()) AND INDEX_NAME = ? AND (? = '' OR TABLE_NAME = ?)`, name, table)
}

// ConstraintExists reports whether the constraint exists (PRIMARY for a
// primary key), in the database that qualifies table or name, else the
// current one; on table, when table is not "".
func (Dialect) ConstraintExists(ctx context.Context, q dialect.Querier, name, table string) (bool, error) {
	return objectExists(ctx, q, "constraint", `SELECT COUNT(*) FROM information_schema.TABLE_CONSTRAINTS
		WHERE CONSTRAINT_SCHEMA = COALESCE(NULLIF(?, ''), DATABASE()) AND CONSTRAINT_NAME = ? AND (? = '' OR TABLE_NAME = ?)`, name, table)
}

// objectExists runs query, which counts the objects named name in a
// schema, on a table (all when "").
func objectExists(ctx context.Context, q dialect.Querier, kind, query, name, table string) (bool, error) {
	schema, obj := dialect.SplitQualified(name)
	tschema, tname := dialect.SplitQualified(table)
	if tschema != "" {
		schema = tschema
	}
	var n int
	if err := q.QueryRowContext(ctx, query, schema, obj, tname, tname).Scan(&n); err != nil {
		return false, fmt.Errorf("look up %s %s: %w", kind, name, err)
	}
	return n > 0, nil
}

var _ dialect.TruthReader = Dialect{}

// IsTrue reports whether v is true: 1 in an integer column (MySQL's TRUE
// and comparisons are integers; BOOLEAN is TINYINT(1)).
func (Dialect) IsTrue(v any, dbType string) bool {
	switch x := v.(type) {
	case int64:
		return x == 1
	case []byte:
		return string(x) == "1" && strings.Contains(strings.ToUpper(dbType), "INT")
	}
	return false
}
