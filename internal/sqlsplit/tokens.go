package sqlsplit

import (
	"fmt"
	"strings"
)

// TokenKind classifies a [Token].
type TokenKind uint8

// The kinds of tokens [Tokens] returns.
const (
	// Word is an unquoted identifier, keyword or number.
	Word TokenKind = iota + 1
	// Quoted is a quoted identifier or string: its text starts with its
	// quote (', ", `, [, or E' in PostgreSQL).
	Quoted
	// Punct is any other single byte: ( ) , . ; = and so on.
	Punct
	// Other is anything else a statement holds: a PostgreSQL
	// dollar-quoted string or $1 parameter, a MySQL optimizer hint or
	// pg_hint_plan comment.
	Other
)

// Token is one lexical token of a statement, comments left out.
type Token struct {
	Kind   TokenKind
	Text   string // as written
	Offset int    // byte offset in the text given to [Tokens]
}

// Tokens lexes one statement, as [Split] returns it, by the rules of d:
// quotes, comments (left out), dollar quoting, escape strings. The
// content of a MySQL executable comment (/*! ... */, /*M! ... */) is
// lexed as statement text, as the server reads it. It returns an [*Error]
// for an unterminated construct.
func Tokens(d Dialect, stmt string) ([]Token, error) {
	switch d {
	case Postgres, MySQL, SQLite:
	default:
		return nil, fmt.Errorf("%w: %v", ErrUnknownDialect, d)
	}
	return tokens(d, stmt, 0)
}

func tokens(d Dialect, src string, base int) ([]Token, error) {
	s := &splitter{d: d, src: src, start: -1, lineNo: 1}
	var out []Token
	for {
		t, err := s.next()
		if err != nil {
			return nil, err
		}
		text := src[t.start:t.end]
		kind := Other
		switch t.kind {
		case tkEOF:
			return out, nil
		case tkComment:
			continue
		case tkWord:
			kind = Word
		case tkPunct:
			kind = Punct
		case tkQuoted:
			switch {
			case d == MySQL && strings.HasPrefix(text, "/*") && !strings.HasPrefix(text, "/*+"):
				inner, off := executableContent(text)
				sub, err := tokens(d, inner, base+t.start+off)
				if err != nil {
					return nil, err
				}
				out = append(out, sub...)
				continue
			case strings.HasPrefix(text, "/*"), strings.HasPrefix(text, "$"):
			default:
				kind = Quoted
			}
		}
		out = append(out, Token{Kind: kind, Text: text, Offset: base + t.start})
	}
}

// executableContent returns the SQL inside a MySQL executable comment
// (/*!50001 ... */, /*M!100100 ... */) and its offset in the comment.
func executableContent(c string) (string, int) {
	i := 3 // after "/*!"
	if strings.HasPrefix(c, "/*M!") {
		i = 4
	}
	for i < len(c)-2 && isDigit(c[i]) {
		i++
	}
	return c[i : len(c)-2], i
}

// Unquote returns the name a quoted identifier token stands for (a
// doubled quote inside stands for one: "x""y" is x"y; [c] is c), and
// false for text that is not one,
// such as a '...' string. A MySQL "..." token, a string to the lexer, is
// read as a name too: MySQL reads it so under ANSI_QUOTES, and where a
// name is expected it can be nothing else.
func Unquote(text string) (string, bool) {
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
