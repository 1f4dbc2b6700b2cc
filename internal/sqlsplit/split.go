package sqlsplit

import (
	"fmt"
	"strings"
)

// Statement is one statement of a script.
type Statement struct {
	// SQL is the statement text, from its first token to the end of its last
	// token: without the delimiter that ends it and without surrounding
	// (ASCII) whitespace. Comments between its tokens are kept; comments and
	// whitespace before its first token or after its last are dropped.
	SQL string
	// Line is the 1-based line of the statement's first token in the input.
	Line int
	// Offset is the byte offset of the statement's first token in the input,
	// so that src[Offset:Offset+len(SQL)] == SQL.
	Offset int
}

// Split splits src into statements according to the lexical rules of d.
//
// A script with only whitespace and comments gives no statements and no
// error, and so do empty statements (";;"). A final statement without a
// delimiter is still a statement. Line numbers count "\n", so CRLF input
// splits exactly like LF input.
//
// If src cannot be split, Split returns no statements and an [*Error]; if d
// is not a known Dialect it returns an error wrapping [ErrUnknownDialect].
// Split runs in time linear in len(src).
func Split(d Dialect, src string) ([]Statement, error) {
	s := &splitter{d: d, src: src, start: -1, lineNo: 1}
	switch d {
	case Postgres:
		s.rules = &pgRules{src: src}
	case MySQL:
		s.my = &mysqlRules{src: src}
		s.rules = s.my
	case SQLite:
		s.rules = &sqliteRules{src: src}
	default:
		return nil, fmt.Errorf("%w: %v", ErrUnknownDialect, d)
	}
	s.rules.reset()
	if err := s.run(); err != nil {
		return nil, err
	}
	return s.stmts, nil
}

// rules decides, token by token, where the statements of one dialect end.
type rules interface {
	// reset prepares for a new statement.
	reset()
	// token observes t, the next token of the current statement (never a
	// comment), and reports whether t ends the statement.
	token(t token) bool
	// open reports, at the end of the input, whether the current statement,
	// which starts at offset start, still has an open block, and if so
	// where it started and the message to report.
	open(start int) (off int, msg string, ok bool)
}

// splitter holds the state of one call to Split.
type splitter struct {
	d     Dialect
	src   string
	pos   int         // next byte to lex
	delim string      // MySQL: the DELIMITER in force, "" for ";"
	rules rules       // the dialect's statement rules
	my    *mysqlRules // rules, when d is MySQL

	start int // offset of the current statement's first token, or -1
	end   int // end offset of the current statement's last token

	lineOff, lineNo int // lineAt cursor: line lineNo starts at or before lineOff

	stmts []Statement
}

func (s *splitter) run() error {
	for {
		t, err := s.next()
		if err != nil {
			return err
		}
		switch t.kind {
		case tkEOF:
			if s.start >= 0 {
				if off, msg, open := s.rules.open(s.start); open {
					return s.errorf(off, msg)
				}
				s.emit()
			}
			return nil
		case tkComment:
			continue
		}
		if s.start < 0 && s.d == MySQL && t.kind == tkWord && strings.EqualFold(s.src[t.start:t.end], "delimiter") {
			if err := s.delimiterLine(t); err != nil {
				return err
			}
			continue
		}
		if s.rules.token(t) {
			s.emit()
			continue
		}
		if s.start < 0 {
			s.start = t.start
		}
		s.end = t.end
	}
}

// emit appends the current statement, if it has any token, and starts the
// next one.
func (s *splitter) emit() {
	if s.start >= 0 {
		s.stmts = append(s.stmts, Statement{
			SQL:    s.src[s.start:s.end],
			Line:   s.lineAt(s.start),
			Offset: s.start,
		})
	}
	s.start = -1
	s.rules.reset()
}

// lineAt returns the 1-based line of byte offset off. Calls with
// non-decreasing offsets cost, in total, one pass over the input.
func (s *splitter) lineAt(off int) int {
	if off < s.lineOff {
		s.lineOff, s.lineNo = 0, 1
	}
	s.lineNo += strings.Count(s.src[s.lineOff:off], "\n")
	s.lineOff = off
	return s.lineNo
}

// errorf returns an *Error located at byte offset off.
func (s *splitter) errorf(off int, msg string) *Error {
	return &Error{Line: s.lineAt(off), Msg: msg}
}
