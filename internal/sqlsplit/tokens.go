package sqlsplit

import "fmt"

// TokenKind classifies a [Token].
type TokenKind uint8

// Kinds of [Token].
const (
	// Comment is a line or block comment.
	Comment TokenKind = iota + 1
	// Word is an unquoted identifier, keyword or number (or a piece of a
	// number: 1.5 is the words "1" and "5" around the punctuation ".").
	Word
	// Quoted is a string, a quoted identifier, a dollar-quoted string or a
	// MySQL executable comment.
	Quoted
	// Punct is any other single byte, such as '(' or ';'.
	Punct
	// Param is a PostgreSQL $1 parameter.
	Param
)

// Token is one lexical token of a text given to [Tokens]: its bytes are
// src[Offset:End].
type Token struct {
	Kind        TokenKind
	Offset, End int
}

// Tokens returns the tokens of src by the lexical rules of d, comments
// included, whitespace left out. It reads src as one statement: a MySQL
// DELIMITER line is a word like any other. It returns an [*Error] for an
// unterminated string, quoted identifier or comment, and never panics.
func Tokens(d Dialect, src string) ([]Token, error) {
	switch d {
	case Postgres, MySQL, SQLite:
	default:
		return nil, fmt.Errorf("%w: %v", ErrUnknownDialect, d)
	}
	s := &splitter{d: d, src: src, start: -1, lineNo: 1}
	var toks []Token
	for {
		t, err := s.next()
		if err != nil {
			return nil, err
		}
		var k TokenKind
		switch t.kind {
		case tkEOF:
			return toks, nil
		case tkComment:
			k = Comment
		case tkWord:
			k = Word
		case tkQuoted:
			k = Quoted
		case tkParam:
			k = Param
		default:
			k = Punct
		}
		toks = append(toks, Token{Kind: k, Offset: t.start, End: t.end})
	}
}
