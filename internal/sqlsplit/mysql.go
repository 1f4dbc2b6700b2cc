package sqlsplit

import "strings"

// maxDelimiter is the longest DELIMITER the mysql client keeps (it silently
// truncates longer ones to 15 bytes; Split rejects them instead).
const maxDelimiter = 15

// mysqlRules ends MySQL and MariaDB statements. With a DELIMITER other than
// ";" in force, only that delimiter ends a statement. Otherwise a semicolon
// does, unless it is inside the body of a compound statement: CREATE
// PROCEDURE, FUNCTION, TRIGGER or EVENT (or ALTER EVENT), or MariaDB's
// BEGIN NOT ATOMIC. Inside those, BEGIN and CASE open a block and END closes
// one, except END IF, END LOOP, END WHILE, END REPEAT and END FOR, whose
// openers are not counted either (IF and REPEAT are also functions); END
// FOR UPDATE and END FOR SHARE close a CASE expression.
type mysqlRules struct {
	src    string
	custom bool // a DELIMITER other than ";" is in force

	head     myHead // where the statement's header stands
	alter    bool   // the header started with ALTER: only EVENT has a body
	compound bool   // the statement has a body in which blocks are counted

	depth    int    // open blocks
	depthOff int    // offset of the outermost open block
	depthKw  string // keyword that opened it

	pendingBegin bool // BEGIN seen; counted unless followed by WORK or ';'
	beginOff     int  // offset of that BEGIN
	pendingEnd   bool // END seen; what follows tells what it closes
	pendingFor   bool // END FOR seen: a loop end, unless UPDATE or SHARE follows

	prev      token // previous token of the statement
	qualified bool  // the previous token was a '.' after a name
}

// myHead is a state of the small automaton that reads the header of a
// statement: CREATE [OR REPLACE] [ALGORITHM = x] [DEFINER = user]
// [SQL SECURITY x] [AGGREGATE] PROCEDURE|FUNCTION|TRIGGER|EVENT, or
// [label:] BEGIN NOT ATOMIC.
type myHead uint8

const (
	hStart      myHead = iota // before the first token
	hNone                     // not a compound statement
	hDone                     // a compound statement
	hMods                     // after CREATE: modifiers or the object kind
	hOr                       // after OR: REPLACE
	hDefinerEq                // after DEFINER: '='
	hUser                     // after DEFINER =: the user
	hUserNext                 // after the user: '(', '@' or what follows it
	hUserParen                // after CURRENT_USER(: ')'
	hHost                     // after user@: the host
	hAlgEq                    // after ALGORITHM: '='
	hAlgValue                 // after ALGORITHM =: its value
	hSQL                      // after SQL: SECURITY
	hSecurity                 // after SQL SECURITY: DEFINER or INVOKER
	hLabel                    // after a first word: ':' makes it a label
	hLabelBegin               // after "label:": BEGIN
	hBegin                    // after BEGIN: NOT
	hBeginNot                 // after BEGIN NOT: ATOMIC
)

func (r *mysqlRules) reset() {
	*r = mysqlRules{src: r.src, custom: r.custom, prev: token{kind: tkEOF, start: -1, end: -1}}
}

func (r *mysqlRules) token(t token) bool {
	if r.custom {
		return t.kind == tkDelim
	}
	kw := r.keyword(t)
	r.qualified = t.kind == tkPunct && r.src[t.start] == '.' && r.isName(r.prev)
	r.prev = t
	semi := t.kind == tkPunct && r.src[t.start] == ';'

	if !r.compound {
		if r.head != hNone && r.head != hDone {
			r.header(t, kw)
		}
		return semi && !r.compound
	}

	if r.pendingFor {
		r.pendingFor = false
		if isOneOf(kw, "update", "share") {
			r.close() // CASE ... END FOR UPDATE
			return false
		}
	}
	if r.pendingEnd {
		r.pendingEnd = false
		switch {
		case isOneOf(kw, "if", "loop", "while", "repeat"):
			// END IF and friends: their openers are not counted.
			return false
		case strings.EqualFold(kw, "for"):
			// MariaDB's END FOR, or a CASE expression before FOR UPDATE.
			r.pendingFor = true
			return false
		case strings.EqualFold(kw, "case"):
			r.close() // END CASE
			return false
		}
		r.close() // END, END label, END;
	}
	if r.pendingBegin {
		r.pendingBegin = false
		if !semi && !strings.EqualFold(kw, "work") {
			r.openBlock(r.beginOff, "BEGIN")
		}
	}
	switch {
	case strings.EqualFold(kw, "begin"):
		r.pendingBegin, r.beginOff = true, t.start
	case strings.EqualFold(kw, "case"):
		r.openBlock(t.start, "CASE")
	case strings.EqualFold(kw, "end"):
		r.pendingEnd = true
	}
	return semi && r.depth == 0
}

func (r *mysqlRules) openBlock(off int, kw string) {
	if r.depth == 0 {
		r.depthOff, r.depthKw = off, kw
	}
	r.depth++
}

func (r *mysqlRules) close() {
	if r.depth > 0 {
		r.depth--
	}
}

// keyword returns the text of t if t is a word that can be a keyword: not
// a number, not a @variable and not the second part of a qualified name
// like t.end; otherwise "".
func (r *mysqlRules) keyword(t token) string {
	if t.kind != tkWord || isDigit(r.src[t.start]) || r.qualified {
		return ""
	}
	if p := r.prev; p.kind == tkPunct && p.end == t.start && r.src[p.start] == '@' {
		return ""
	}
	return r.src[t.start:t.end]
}

// isName reports whether t can be the first part of a qualified name.
func (r *mysqlRules) isName(t token) bool {
	switch t.kind {
	case tkWord:
		return strings.Trim(r.src[t.start:t.end], "0123456789") != ""
	case tkQuoted:
		return r.src[t.start] == '`'
	}
	return false
}

// header advances the header automaton with t, whose keyword text is kw.
func (r *mysqlRules) header(t token, kw string) {
	if t.kind == tkQuoted && r.src[t.start] == '/' {
		return // an executable comment: /*!50017 DEFINER=... */
	}
	punct := func(c byte) bool { return t.kind == tkPunct && r.src[t.start] == c }
	value := t.kind == tkWord || t.kind == tkQuoted
	is := func(w string) bool { return strings.EqualFold(kw, w) }
	next := hNone
	switch r.head {
	case hStart:
		switch {
		case is("create"):
			next = hMods
		case is("alter"):
			next, r.alter = hMods, true
		case is("begin"):
			next, r.beginOff = hBegin, t.start
		case kw != "":
			next = hLabel
		}
	case hLabel:
		if punct(':') {
			next = hLabelBegin
		}
	case hLabelBegin:
		if is("begin") {
			next, r.beginOff = hBegin, t.start
		}
	case hBegin:
		if is("not") {
			next = hBeginNot
		}
	case hBeginNot:
		if is("atomic") {
			next, r.compound = hDone, true
			r.openBlock(r.beginOff, "BEGIN")
		}
	case hMods:
		switch {
		case is("or"):
			next = hOr
		case is("definer"):
			next = hDefinerEq
		case is("algorithm"):
			next = hAlgEq
		case is("sql"):
			next = hSQL
		case is("aggregate"):
			next = hMods
		case is("event"), !r.alter && isOneOf(kw, "procedure", "function", "trigger"):
			next, r.compound = hDone, true
		}
	case hOr:
		if is("replace") {
			next = hMods
		}
	case hDefinerEq:
		if punct('=') {
			next = hUser
		}
	case hUser:
		if value {
			next = hUserNext
		}
	case hUserNext:
		switch {
		case punct('('):
			next = hUserParen
		case punct('@'):
			next = hHost
		default:
			r.head = hMods
			r.header(t, kw)
			return
		}
	case hUserParen:
		if punct(')') {
			next = hMods
		}
	case hHost:
		if value {
			next = hMods
		}
	case hAlgEq:
		if punct('=') {
			next = hAlgValue
		}
	case hAlgValue:
		if value {
			next = hMods
		}
	case hSQL:
		if is("security") {
			next = hSecurity
		}
	case hSecurity:
		if value {
			next = hMods
		}
	}
	r.head = next
}

func (r *mysqlRules) open(int) (int, string, bool) {
	if r.custom {
		return 0, "", false
	}
	if r.pendingEnd {
		r.pendingEnd = false
		r.close()
	}
	if r.depth > 0 {
		return r.depthOff, unterminated(r.depthKw + " ... END block"), true
	}
	return 0, "", false
}

// isOneOf reports whether w is one of the words, ignoring case.
func isOneOf(w string, words ...string) bool {
	for _, k := range words {
		if strings.EqualFold(w, k) {
			return true
		}
	}
	return false
}

// delimiterLine handles a MySQL DELIMITER command whose first word is t: it
// sets the delimiter from the rest of the line, as the mysql client does,
// and skips the line.
func (s *splitter) delimiterLine(t token) error {
	src := s.src
	for k := t.start - 1; k >= 0 && src[k] != '\n'; k-- {
		if !isSpace(src[k]) {
			return s.errorf(t.start, "DELIMITER must be the first word on its line")
		}
	}
	lineEnd := len(src)
	if k := strings.IndexByte(src[t.end:], '\n'); k >= 0 {
		lineEnd = t.end + k
	}
	rest := src[t.end:lineEnd]
	if rest != "" && !isSpace(rest[0]) {
		return s.errorf(t.start, "DELIMITER must be followed by a space and the new delimiter")
	}
	arg := strings.TrimLeft(rest, " \t\r\f\v")
	var delim string
	if arg != "" && (arg[0] == '\'' || arg[0] == '"' || arg[0] == '`') {
		delim = arg[1:]
		if k := strings.IndexByte(delim, arg[0]); k >= 0 {
			delim = delim[:k]
		} else {
			delim = strings.TrimRight(delim, "\r")
		}
	} else if k := strings.IndexAny(arg, " \t\r\f\v"); k >= 0 {
		delim = arg[:k]
	} else {
		delim = arg
	}
	switch {
	case delim == "":
		return s.errorf(t.start, "DELIMITER must be followed by a delimiter string")
	case strings.Contains(delim, `\`):
		return s.errorf(t.start, "DELIMITER cannot contain a backslash")
	case len(delim) > maxDelimiter:
		return s.errorf(t.start, "DELIMITER longer than 15 bytes")
	}
	if delim == ";" {
		delim = ""
	}
	s.delim = delim
	s.my.custom = delim != ""
	s.pos = min(lineEnd+1, len(src))
	return nil
}
