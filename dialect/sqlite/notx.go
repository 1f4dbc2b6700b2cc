package sqlite

import "github.com/tidemigrate/tide/dialect"

var _ dialect.NoTransactionDetector = Dialect{}

// NeedsNoTransaction reports VACUUM, which SQLite refuses inside a
// transaction.
func (Dialect) NeedsNoTransaction(stmt string) bool {
	kw := dialect.FirstKeywords(stmt, 1)
	return len(kw) == 1 && kw[0] == "VACUUM"
}
