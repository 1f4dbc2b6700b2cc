package sqlite

import (
	"strings"

	"github.com/tidemigrate/tide/dialect"
)

var _ dialect.NoTransactionDetector = Dialect{}

// NeedsNoTransaction reports VACUUM, which SQLite refuses inside a
// transaction.
func (Dialect) NeedsNoTransaction(stmt string) bool {
	return strings.EqualFold(dialect.FirstKeyword(stmt), "VACUUM")
}
