package dialect

import "github.com/tidemigrate/tide/internal/sqlsplit"

// Token is one lexical token of a statement: its kind, its text as
// written and its byte offset in the statement.
type Token = sqlsplit.Token

// The kinds of a [Token].
const (
	// TokenWord is an unquoted identifier, keyword or number.
	TokenWord = sqlsplit.Word
	// TokenQuoted is a quoted identifier or string (its text starts with
	// its quote).
	TokenQuoted = sqlsplit.Quoted
	// TokenPunct is any other single byte: ( ) , . ; = and so on.
	TokenPunct = sqlsplit.Punct
	// TokenOther is anything else: a PostgreSQL dollar-quoted string or
	// parameter, an optimizer hint.
	TokenOther = sqlsplit.Other
)

// Tokenizer is implemented by dialects that lex a statement by their own
// rules, so that other packages can read what a statement does (which
// table it drops, say) without being fooled by comments or strings.
type Tokenizer interface {
	// Tokens returns the tokens of stmt, one statement as [Syntax.Split]
	// returns it, without its comments. The content of a MySQL executable
	// comment is lexed as statement text. It fails on an unterminated
	// string, quoted name or comment.
	Tokens(stmt string) ([]Token, error)
}

// UnquoteIdent returns the name a quoted identifier token stands for
// (a doubled quote inside stands for one: "x""y" is x"y; [c] is c), and
// false for other text.
func UnquoteIdent(text string) (string, bool) { return sqlsplit.Unquote(text) }
