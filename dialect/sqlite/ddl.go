package sqlite

import (
	"errors"
	"regexp"
	"strings"

	"github.com/tidemigrate/tide/internal/sqlsplit"
)

// This file reads what SQLite keeps only in the CREATE statements of
// sqlite_schema, not in its pragmas: check constraints, column collations,
// AUTOINCREMENT, generated column expressions, the names of constraints,
// the expressions and predicates of indexes, and the text of views,
// triggers and virtual tables.
//
// The statements were accepted by SQLite, so the reader is not a validator:
// it walks the tokens (internal/sqlsplit's SQLite lexer), matches
// parentheses and looks for the keywords that start each clause, skipping
// what it does not need. It never panics; a statement it cannot follow is
// an error naming what was expected.
//
// Expression text is normalised the same way everywhere (see [joinTokens]):
// comments are dropped, any run of whitespace and comments between two
// tokens becomes one space, tokens that touch stay touching, except around
// parentheses and commas ("f( a ,b )" is "f(a, b)"), and parentheses that
// enclose the whole expression are removed. So the same
// SQL always gives the same text, and the text survives a round trip
// through schema.Dump.

// tok is a token of a statement, comments left out.
type tok struct {
	kind  sqlsplit.TokenKind
	text  string
	space bool // whitespace or a comment separated it from the previous token
}

// errSyntax reports a statement the reader cannot follow.
var errSyntax = errors.New("unexpected statement text")

// lex returns the tokens of sql without its comments.
func lex(sql string) ([]tok, error) {
	raw, err := sqlsplit.Tokens(sqlsplit.SQLite, sql)
	if err != nil {
		return nil, err
	}
	toks := make([]tok, 0, len(raw))
	prevEnd, comment := 0, false
	for _, r := range raw {
		if r.Kind == sqlsplit.Comment {
			comment = true
			prevEnd = r.End
			continue
		}
		toks = append(toks, tok{kind: r.Kind, text: sql[r.Offset:r.End], space: comment || r.Offset > prevEnd})
		prevEnd, comment = r.End, false
	}
	return toks, nil
}

// is reports whether t is the keyword (or unquoted word) w.
func (t tok) is(w string) bool {
	return t.kind == sqlsplit.Word && strings.EqualFold(t.text, w)
}

// punct reports whether t is the punctuation c.
func (t tok) punct(c string) bool {
	return t.kind == sqlsplit.Punct && t.text == c
}

// at reports whether toks[i] exists and is the keyword w.
func at(toks []tok, i int, w string) bool {
	return i >= 0 && i < len(toks) && toks[i].is(w)
}

// atPunct reports whether toks[i] exists and is the punctuation c.
func atPunct(toks []tok, i int, c string) bool {
	return i >= 0 && i < len(toks) && toks[i].punct(c)
}

// closing returns the index of the ')' that closes the '(' at toks[i], or
// -1 when there is none.
func closing(toks []tok, i int) int {
	depth := 0
	for j := i; j < len(toks); j++ {
		switch {
		case toks[j].punct("("):
			depth++
		case toks[j].punct(")"):
			depth--
			if depth == 0 {
				return j
			}
		}
	}
	return -1
}

// group returns the tokens inside the parentheses that open at toks[i] and
// the index just after them.
func group(toks []tok, i int) ([]tok, int, error) {
	if !atPunct(toks, i, "(") {
		return nil, 0, errSyntax
	}
	j := closing(toks, i)
	if j < 0 {
		return nil, 0, errSyntax
	}
	return toks[i+1 : j], j + 1, nil
}

// splitTop splits toks at the commas outside parentheses.
func splitTop(toks []tok) [][]tok {
	var out [][]tok
	depth, start := 0, 0
	for i, t := range toks {
		switch {
		case t.punct("("):
			depth++
		case t.punct(")"):
			depth--
		case t.punct(",") && depth == 0:
			out = append(out, toks[start:i])
			start = i + 1
		}
	}
	return append(out, toks[start:])
}

// stripParens removes parentheses that enclose all of toks.
func stripParens(toks []tok) []tok {
	for len(toks) >= 2 && toks[0].punct("(") && closing(toks, 0) == len(toks)-1 {
		toks = toks[1 : len(toks)-1]
	}
	return toks
}

// joinTokens renders toks as normalised text: one space after a comma,
// none after "(" or before ")" and ",", and elsewhere one space where the
// source had whitespace or comments between two tokens and none where
// they touched. Parentheses and commas never combine with a neighbour
// into another token, so this changes no meaning; other tokens keep their
// spacing, since "- -1", "1.5", "x'00'" or ":name" depend on it.
func joinTokens(toks []tok) string {
	var b strings.Builder
	for i, t := range toks {
		if i > 0 {
			space := t.space
			switch prev := toks[i-1]; {
			case prev.punct(","):
				space = true
			case prev.punct("("), t.punct(")"), t.punct(","):
				space = false
			}
			if space {
				b.WriteByte(' ')
			}
		}
		b.WriteString(t.text)
	}
	return b.String()
}

// expr renders the expression toks: enclosing parentheses removed, then
// normalised by joinTokens.
func expr(toks []tok) string { return joinTokens(stripParens(toks)) }

// normalize renders a whole statement or fragment as joinTokens does; text
// the lexer cannot read is returned with its whitespace runs collapsed.
func normalize(sql string) string {
	toks, err := lex(sql)
	if err != nil {
		return strings.Join(strings.Fields(sql), " ")
	}
	return joinTokens(toks)
}

// name returns the identifier that t spells: quotes removed ("", [], “
// and ” quoting; a doubled quote stands for itself).
func name(t tok) string {
	s := t.text
	if t.kind != sqlsplit.Quoted || len(s) < 2 {
		return s
	}
	switch q := s[0]; q {
	case '[':
		return s[1 : len(s)-1]
	case '"', '`', '\'':
		return strings.ReplaceAll(s[1:len(s)-1], string(q)+string(q), string(q))
	}
	return s
}

// tableDDL is what a CREATE TABLE statement says beyond the pragmas.
type tableDDL struct {
	cols    []columnDDL
	pk      *keyDDL // nil without a PRIMARY KEY clause
	uniques []keyDDL
	checks  []checkDDL
	fks     []fkDDL
}

// columnDDL is one column definition.
type columnDDL struct {
	name      string
	collation string // as written, unquoted; "" without COLLATE
	generated string // the expression of a generated column
	autoinc   bool   // PRIMARY KEY ... AUTOINCREMENT
	pkDesc    bool   // a column PRIMARY KEY DESC: never a rowid alias
	// quotedType: the declared type starts with a quoted token, of which
	// SQLite keeps only the content ("x"(10) is the type x).
	quotedType bool
}

// keyDDL is a PRIMARY KEY or UNIQUE clause.
type keyDDL struct {
	name    string // the CONSTRAINT name, unquoted; "" without one
	cols    []string
	autoinc bool // table-level PRIMARY KEY (col AUTOINCREMENT)
}

// checkDDL is a CHECK clause.
type checkDDL struct {
	name, expr string
}

// fkDDL is a REFERENCES clause, of a column or of a FOREIGN KEY.
type fkDDL struct {
	name     string
	cols     []string
	refTable string
}

// parseTable reads a CREATE TABLE statement (as SQLite stores it:
// "CREATE TABLE name(...) options").
func parseTable(sql string) (*tableDDL, error) {
	toks, err := lex(sql)
	if err != nil {
		return nil, err
	}
	open := 0
	for open < len(toks) && !toks[open].punct("(") {
		open++
	}
	body, _, err := group(toks, open)
	if err != nil {
		return nil, errors.New("no column list in parentheses")
	}
	t := &tableDDL{}
	for _, item := range splitTop(body) {
		if len(item) == 0 {
			return nil, errors.New("empty column definition")
		}
		if first := item[0]; first.kind == sqlsplit.Word && isTableConstraint(first.text) {
			if err := t.constraints(item, nil); err != nil {
				return nil, err
			}
			continue
		}
		c := columnDDL{name: name(item[0]), quotedType: len(item) > 1 && item[1].kind == sqlsplit.Quoted}
		if err := t.constraints(item[1:], &c); err != nil {
			return nil, err
		}
		t.cols = append(t.cols, c)
	}
	return t, nil
}

// isTableConstraint reports whether w starts a table constraint: these
// words are reserved, so a column of that name is quoted.
func isTableConstraint(w string) bool {
	for _, k := range []string{"CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "FOREIGN"} {
		if strings.EqualFold(w, k) {
			return true
		}
	}
	return false
}

// constraints reads the constraints in toks: those of column c (its type
// and constraints, after its name), or table constraints when c is nil.
// SQLite lets table constraints follow each other without commas.
func (t *tableDDL) constraints(toks []tok, c *columnDDL) error {
	var own []string // the column's name, for column constraints
	if c != nil {
		own = []string{c.name}
	}
	pending := "" // the name of a CONSTRAINT clause, for what follows
	for i := 0; i < len(toks); {
		tk := toks[i]
		switch {
		case tk.punct("("): // a type's size, (10, 2)
			_, next, err := group(toks, i)
			if err != nil {
				return err
			}
			i = next
			continue
		case tk.is("CONSTRAINT"):
			if i+1 >= len(toks) {
				return errors.New("CONSTRAINT without a name")
			}
			pending = name(toks[i+1])
			i += 2
			continue
		case tk.is("PRIMARY") && at(toks, i+1, "KEY"):
			k := keyDDL{name: pending, cols: own}
			i += 2
			if c == nil {
				cols, next, err := keyColumns(toks, i)
				if err != nil {
					return err
				}
				k.cols, i = cols, next
				k.autoinc = autoincInKey(toks[:next])
			}
			t.pk = &k
		case tk.is("UNIQUE"):
			k := keyDDL{name: pending, cols: own}
			i++
			if c == nil {
				cols, next, err := keyColumns(toks, i)
				if err != nil {
					return err
				}
				k.cols, i = cols, next
			}
			t.uniques = append(t.uniques, k)
		case tk.is("CHECK"):
			body, next, err := group(toks, i+1)
			if err != nil {
				return err
			}
			t.checks = append(t.checks, checkDDL{name: pending, expr: expr(body)})
			i = next
		case tk.is("FOREIGN") && at(toks, i+1, "KEY") && c == nil:
			cols, next, err := keyColumns(toks, i+2)
			if err != nil {
				return err
			}
			if !at(toks, next, "REFERENCES") {
				return errors.New("FOREIGN KEY without REFERENCES")
			}
			ref, n := references(toks[next:])
			t.fks = append(t.fks, fkDDL{name: pending, cols: cols, refTable: ref})
			i = next + n
		case tk.is("REFERENCES") && c != nil:
			ref, n := references(toks[i:])
			t.fks = append(t.fks, fkDDL{name: pending, cols: own, refTable: ref})
			i += n
		case tk.is("NOT") && at(toks, i+1, "NULL"):
			i += 2
		case tk.is("NULL"):
			i++
		case tk.is("DEFAULT") && c != nil:
			i = skipTerm(toks, i+1)
		case tk.is("COLLATE") && c != nil && i+1 < len(toks):
			c.collation = name(toks[i+1])
			i += 2
		case tk.is("AUTOINCREMENT") && c != nil:
			c.autoinc = true
			i++
		case tk.is("DESC") && c != nil: // only after PRIMARY KEY
			c.pkDesc = true
			i++
		case c != nil && (tk.is("AS") || tk.is("GENERATED") && at(toks, i+1, "ALWAYS") && at(toks, i+2, "AS")):
			if tk.is("GENERATED") {
				i += 2
			}
			body, next, err := group(toks, i+1)
			if err != nil {
				return err
			}
			c.generated = expr(body)
			i = next
		default: // a type name, NOT NULL, ON CONFLICT ..., STORED: nothing kept
			i++
			continue
		}
		pending = ""
	}
	return nil
}

// keyColumns reads the column list "(a, b COLLATE x DESC)" at toks[i]: the
// columns' names, and the index after the list.
func keyColumns(toks []tok, i int) ([]string, int, error) {
	body, next, err := group(toks, i)
	if err != nil {
		return nil, 0, err
	}
	var cols []string
	for _, item := range splitTop(body) {
		item = stripParens(item)
		if len(item) == 0 {
			return nil, 0, errors.New("empty key column")
		}
		cols = append(cols, name(item[0]))
	}
	return cols, next, nil
}

// autoincInKey reports whether the PRIMARY KEY clause toks has
// AUTOINCREMENT inside its column list: PRIMARY KEY (id AUTOINCREMENT).
func autoincInKey(toks []tok) bool {
	for _, t := range toks {
		if t.is("AUTOINCREMENT") {
			return true
		}
	}
	return false
}

// references reads the REFERENCES clause that starts toks: the referenced
// table, and the number of tokens the clause spans (actions, MATCH and
// DEFERRABLE included).
func references(toks []tok) (string, int) {
	if len(toks) < 2 {
		return "", len(toks)
	}
	ref := name(toks[1])
	i := 2
	if atPunct(toks, i, "(") {
		if j := closing(toks, i); j > 0 {
			i = j + 1
		}
	}
	for i < len(toks) {
		switch {
		case toks[i].is("ON") && (at(toks, i+1, "DELETE") || at(toks, i+1, "UPDATE")):
			if at(toks, i+2, "SET") || at(toks, i+2, "NO") {
				i += 4 // SET NULL, SET DEFAULT, NO ACTION
			} else {
				i += 3 // CASCADE, RESTRICT
			}
		case toks[i].is("MATCH"):
			i += 2
		case toks[i].is("NOT") && at(toks, i+1, "DEFERRABLE"):
			i++
		case toks[i].is("DEFERRABLE"):
			i++
			if at(toks, i, "INITIALLY") {
				i += 2
			}
		default:
			return ref, i
		}
	}
	return ref, len(toks)
}

// skipTerm returns the index after the DEFAULT value that starts at
// toks[i]: a signed number, a literal, a word or a parenthesised
// expression. A number's other pieces ("1" "." "5") are left for the
// caller, which skips words it does not know.
func skipTerm(toks []tok, i int) int {
	if atPunct(toks, i, "+") || atPunct(toks, i, "-") {
		i++
	}
	if atPunct(toks, i, "(") {
		if j := closing(toks, i); j > 0 {
			return j + 1
		}
		return len(toks)
	}
	return min(i+1, len(toks))
}

// indexDDL is what a CREATE INDEX statement says beyond the pragmas.
type indexDDL struct {
	keys  []string // each key's text, ASC/DESC removed
	where string   // the predicate of a partial index
}

// parseIndex reads a CREATE [UNIQUE] INDEX statement.
func parseIndex(sql string) (*indexDDL, error) {
	toks, err := lex(sql)
	if err != nil {
		return nil, err
	}
	on := 0
	for on < len(toks) && !toks[on].is("ON") {
		on++
	}
	open := on + 1
	for open < len(toks) && !toks[open].punct("(") {
		open++
	}
	body, next, err := group(toks, open)
	if err != nil {
		return nil, errors.New("no key list after ON table")
	}
	ix := &indexDDL{}
	for _, item := range splitTop(body) {
		if n := len(item); n > 1 && (item[n-1].is("ASC") || item[n-1].is("DESC")) {
			item = item[:n-1]
		}
		ix.keys = append(ix.keys, expr(item))
	}
	if at(toks, next, "WHERE") {
		ix.where = expr(toks[next+1:])
	}
	return ix, nil
}

// parseView reads a CREATE VIEW statement: its column list, if any, and
// its query.
func parseView(sql string) (cols []string, query string, err error) {
	toks, err := lex(sql)
	if err != nil {
		return nil, "", err
	}
	for i := 0; i < len(toks); i++ {
		switch {
		case toks[i].punct("("):
			body, next, err := group(toks, i)
			if err != nil {
				return nil, "", err
			}
			for _, item := range splitTop(body) {
				if len(item) > 0 {
					cols = append(cols, name(item[0]))
				}
			}
			i = next - 1
		case toks[i].is("AS"):
			return cols, joinTokens(toks[i+1:]), nil
		}
	}
	return nil, "", errors.New("no AS before the view's query")
}

// parseVirtual reads a CREATE VIRTUAL TABLE statement: what follows USING,
// the module and its arguments.
func parseVirtual(sql string) (string, error) {
	toks, err := lex(sql)
	if err != nil {
		return "", err
	}
	for i, t := range toks {
		if t.is("USING") {
			return joinTokens(toks[i+1:]), nil
		}
	}
	return "", errors.New("no USING module")
}

// normType renders a declared type: lower case, words separated by one
// space, no space around punctuation ("VARCHAR ( 40 )" is
// "varchar(40)", "DECIMAL(10, 2)" is "decimal(10,2)").
func normType(s string) string {
	toks, err := lex(s)
	if err != nil {
		return strings.ToLower(strings.Join(strings.Fields(s), " "))
	}
	var b strings.Builder
	for i, t := range toks {
		if i > 0 && t.kind != sqlsplit.Punct && toks[i-1].kind != sqlsplit.Punct {
			b.WriteByte(' ')
		}
		b.WriteString(t.text)
	}
	return strings.ToLower(b.String())
}

// quoteType renders the type SQLite kept from a declared type that starts
// with a quoted token: that token's content, which may be a keyword or
// hold any character, so it is quoted again, in lower case.
func quoteType(s string) string {
	return `"` + strings.ReplaceAll(strings.ToLower(s), `"`, `""`) + `"`
}

var number = regexp.MustCompile(`^[+-]?(0[xX][0-9a-fA-F_]+|[0-9][0-9_]*(\.[0-9_]*)?([eE][+-]?[0-9_]+)?|\.[0-9][0-9_]*([eE][+-]?[0-9_]+)?)$`)

// normDefault renders a column's default as pragma_table_xinfo reports it
// (the text of the DEFAULT clause, its outer parentheses removed): empty
// for none and for NULL; a literal (number, string, blob, word such as
// CURRENT_TIMESTAMP or TRUE) as written, a number without spaces after
// its sign; any other expression normalised and in parentheses, as
// SQLite needs it in a DEFAULT clause.
func normDefault(s string) string {
	toks, err := lex(s)
	if err != nil {
		return strings.TrimSpace(s)
	}
	toks = stripParens(toks)
	text := joinTokens(toks)
	switch {
	case len(toks) == 0, len(toks) == 1 && toks[0].is("NULL"):
		return ""
	case len(toks) == 1 && toks[0].kind != sqlsplit.Punct:
		return text
	case len(toks) == 2 && (toks[0].is("x") || toks[0].is("X")) && toks[1].kind == sqlsplit.Quoted && !toks[1].space:
		return text // a blob, x'00'
	}
	if n := strings.ReplaceAll(text, " ", ""); number.MatchString(n) {
		return n
	}
	return "(" + text + ")"
}

// normCollation renders a collation name: upper case, "" for BINARY, the
// default.
func normCollation(s string) string {
	s = strings.ToUpper(s)
	if s == "BINARY" {
		return ""
	}
	return s
}
