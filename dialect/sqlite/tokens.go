package sqlite

import (
	"github.com/tidemigrate/tide/dialect"
	"github.com/tidemigrate/tide/internal/sqlsplit"
)

var _ dialect.Tokenizer = Dialect{}

// Tokens lexes one statement by SQLite's rules, without its comments.
func (Dialect) Tokens(stmt string) ([]dialect.Token, error) {
	return dialect.LexStatement(sqlsplit.SQLite, stmt)
}
