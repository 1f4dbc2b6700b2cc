package dialect

import (
	"strings"

	"github.com/tidemigrate/tide/internal/sqlsplit"
)

// TokenKind classifies a [Token].
type TokenKind uint8

// The kinds of a [Token].
const (
	// TokenWord is an unquoted identifier, keyword or number.
	TokenWord TokenKind = iota + 1
	// TokenQuoted is a quoted identifier or string: its text starts with
	// its quote (', ", `, [, or E' in PostgreSQL).
	TokenQuoted
	// TokenPunct is any other single byte: ( ) , . ; = and so on.
	TokenPunct
	// TokenOther is anything else a statement holds: a PostgreSQL
	// dollar-quoted string or $1 parameter, an optimizer hint.
	TokenOther
)

// Token is one lexical token of a statement.
type Token struct {
	Kind   TokenKind
	Text   string // as written
	Offset int    // byte offset in the statement
}

// Tokenizer is implemented by dialects that lex a statement by their own
// rules, so that other packages can read what a statement does (which
// table it drops, say) without being fooled by comments or strings.
type Tokenizer interface {
	// Tokens returns the tokens of stmt, one statement as [Syntax.Split]
	// returns it, without its comments. The content of a MySQL executable
	// comment (/*! ... */) is lexed as statement text, as the server reads
	// it. It fails on an unterminated string, quoted name or comment.
	Tokens(stmt string) ([]Token, error)
}

// LexStatement returns the tokens of stmt by the lexical rules of d, for
// the dialects' [Tokenizer] implementations.
func LexStatement(d sqlsplit.Dialect, stmt string) ([]Token, error) {
	return lex(d, stmt, 0)
}

func lex(d sqlsplit.Dialect, src string, base int) ([]Token, error) {
	toks, err := sqlsplit.Tokens(d, src)
	if err != nil {
		return nil, err
	}
	out := make([]Token, 0, len(toks))
	for _, t := range toks {
		text := src[t.Offset:t.End]
		kind := TokenOther
		switch t.Kind {
		case sqlsplit.Comment:
			continue
		case sqlsplit.Word:
			kind = TokenWord
		case sqlsplit.Punct:
			kind = TokenPunct
		case sqlsplit.Quoted:
			switch {
			case d == sqlsplit.MySQL && (strings.HasPrefix(text, "/*!") || strings.HasPrefix(text, "/*M!")):
				inner, off := executableContent(text)
				sub, err := lex(d, inner, base+t.Offset+off)
				if err != nil {
					return nil, err
				}
				out = append(out, sub...)
				continue
			case strings.HasPrefix(text, "/*"), strings.HasPrefix(text, "$"):
			default:
				kind = TokenQuoted
			}
		}
		out = append(out, Token{Kind: kind, Text: text, Offset: base + t.Offset})
	}
	return out, nil
}

// executableContent returns the SQL inside a MySQL executable comment
// (/*!50001 ... */, /*M!100100 ... */) and its offset in the comment.
func executableContent(c string) (string, int) {
	i := len("/*!")
	if strings.HasPrefix(c, "/*M!") {
		i = len("/*M!")
	}
	for i < len(c)-2 && '0' <= c[i] && c[i] <= '9' {
		i++
	}
	return c[i : len(c)-2], i
}

// UnquoteIdent returns the name a quoted identifier token stands for (a
// doubled quote inside stands for one: "x""y" is x"y; [c] is c), and
// false for other text, such as a '...' string. A MySQL "..." token, a
// string to the lexer, is read as a name too: MySQL reads it so under
// ANSI_QUOTES, and where a name is expected it can be nothing else.
func UnquoteIdent(text string) (string, bool) {
	if len(text) < 2 {
		return "", false
	}
	q, last := text[0], text[len(text)-1]
	switch {
	case q == '[' && last == ']':
		return text[1 : len(text)-1], true
	case (q == '"' || q == '`') && last == q:
		return strings.ReplaceAll(text[1:len(text)-1], string([]byte{q, q}), string(q)), true
	}
	return "", false
}
