package sqlsplit

import "strings"

// pgRules ends PostgreSQL statements as psql does: at a semicolon outside
// parentheses and outside the BEGIN ATOMIC ... END body of a SQL-standard
// CREATE [OR REPLACE] FUNCTION or PROCEDURE (PostgreSQL 14 and later).
// Inside a body, BEGIN and CASE open a block and END closes one, as in psql;
// unlike psql, the body must start with BEGIN ATOMIC (a function may be
// named begin), and a qualified name such as t.end is not a keyword.
type pgRules struct {
	src string

	words  int     // unquoted words seen in the statement
	header [4]byte // first letters of the first words, if CREATE, OR, REPLACE, FUNCTION or PROCEDURE

	parens   int // open parentheses
	parenOff int // offset of the outermost open parenthesis

	blocks   int // open BEGIN (and CASE inside them) in a function body
	blockOff int // offset of the outermost open BEGIN

	pendingBegin bool // a BEGIN outside any body: a body if ATOMIC follows
	beginOff     int  // offset of that BEGIN

	name      bool // the previous token was a name (word or quoted)
	qualified bool // the previous token was a '.' after a name
}

func (r *pgRules) reset() { *r = pgRules{src: r.src} }

func (r *pgRules) token(t token) bool {
	qualified := r.qualified
	r.qualified = false
	name := r.name
	r.name = false
	if r.pendingBegin {
		r.pendingBegin = false
		if t.kind == tkWord && strings.EqualFold(r.src[t.start:t.end], "atomic") {
			r.blocks, r.blockOff = 1, r.beginOff
			r.name = true
			return false
		}
	}
	switch t.kind {
	case tkPunct:
		switch r.src[t.start] {
		case ';':
			return r.parens == 0 && r.blocks == 0
		case '(':
			if r.parens == 0 {
				r.parenOff = t.start
			}
			r.parens++
		case ')':
			if r.parens > 0 {
				r.parens--
			}
		case '.':
			r.qualified = name
		}
	case tkQuoted:
		r.name = true
	case tkWord:
		w := r.src[t.start:t.end]
		if isDigit(w[0]) {
			break
		}
		r.name = true
		if r.words < len(r.header) {
			r.header[r.words] = pgHeaderLetter(w)
		}
		r.words++
		if qualified || r.parens > 0 || !r.routine() {
			break
		}
		switch {
		case strings.EqualFold(w, "begin"):
			// The body starts at BEGIN ATOMIC: a function may be named
			// begin. Inside the body, psql counts every BEGIN.
			if r.blocks == 0 {
				r.pendingBegin, r.beginOff = true, t.start
			} else {
				r.blocks++
			}
		case strings.EqualFold(w, "case"):
			// CASE also ends with END; it matters only inside a body.
			if r.blocks > 0 {
				r.blocks++
			}
		case strings.EqualFold(w, "end"):
			if r.blocks > 0 {
				r.blocks--
			}
		}
	}
	return false
}

// routine reports whether the statement starts with CREATE [OR REPLACE]
// FUNCTION or PROCEDURE, the only statements with BEGIN ATOMIC bodies.
func (r *pgRules) routine() bool {
	h := r.header
	if h[0] != 'c' {
		return false
	}
	if h[1] == 'f' || h[1] == 'p' {
		return true
	}
	return h[1] == 'o' && h[2] == 'r' && (h[3] == 'f' || h[3] == 'p')
}

// pgHeaderLetter returns the first letter of w, lower-cased, if w is one of
// the words that can start CREATE [OR REPLACE] FUNCTION|PROCEDURE, else 0.
func pgHeaderLetter(w string) byte {
	for _, k := range [...]string{"create", "or", "replace", "function", "procedure"} {
		if strings.EqualFold(w, k) {
			return k[0]
		}
	}
	return 0
}

func (r *pgRules) open(int) (int, string, bool) {
	switch {
	case r.blocks > 0 && (r.parens == 0 || r.blockOff < r.parenOff):
		return r.blockOff, unterminated("BEGIN ... END block"), true
	case r.parens > 0:
		return r.parenOff, unterminated("parenthesis"), true
	}
	return 0, "", false
}
