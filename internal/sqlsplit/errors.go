package sqlsplit

import (
	"errors"
	"strconv"
)

// ErrUnknownDialect is returned, wrapped, by [Split] when its Dialect is not
// one of [Postgres], [MySQL] or [SQLite].
var ErrUnknownDialect = errors.New("sqlsplit: unknown dialect")

// Error reports input that cannot be split: an unterminated string, quoted
// identifier, block comment, dollar-quoted string, parenthesis (PostgreSQL)
// or BEGIN ... END block, or a bad DELIMITER line (MySQL).
//
// For an unterminated construct, Line is the line where it starts.
type Error struct {
	Line int    // 1-based line in the input
	Msg  string // what is wrong, such as "unterminated quoted string (started here)"
}

// Error returns the message prefixed with its line, for example
// "line 12: unterminated dollar-quoted string $fn$ (started here)".
func (e *Error) Error() string {
	return "line " + strconv.Itoa(e.Line) + ": " + e.Msg
}

// unterminated returns the message for a construct that is never closed.
func unterminated(what string) string {
	return "unterminated " + what + " (started here)"
}
