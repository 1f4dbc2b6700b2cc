package mysql

import (
	"github.com/tidemigrate/tide/dialect"
	"github.com/tidemigrate/tide/internal/sqlsplit"
)

var _ dialect.Tokenizer = Dialect{}

// Tokens lexes one statement by MySQL's (and MariaDB's) rules, without its comments.
func (Dialect) Tokens(stmt string) ([]dialect.Token, error) {
	return dialect.LexStatement(sqlsplit.MySQL, stmt)
}
