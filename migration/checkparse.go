package migration

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// HelperSyntax lists the helpers and how to write them, for messages and
// documentation.
const HelperSyntax = `rows-equal TABLE TABLE [tolerance=N | tolerance=P%]; ` +
	`no-orphans TABLE.COLUMN -> TABLE.COLUMN (or TABLE(COL, ...) -> TABLE(COL, ...)); ` +
	`not-null TABLE.COLUMN (or TABLE(COL, ...)); ` +
	`exists table TABLE | exists column TABLE.COLUMN | exists index NAME [on TABLE] | exists constraint NAME [on TABLE]`

// ParseHelper reads the text after "-- +tide check" on a marker line: a
// helper and its arguments, such as "no-orphans orders.user_id ->
// users.id". It returns nil for "" (a plain check, whose queries follow
// the marker). Names are words of letters, digits, _ and $, or quoted with
// double quotes or backquotes (a doubled quote stands for itself); a
// qualified name joins its parts with dots, which a quoted part cannot
// hold.
func ParseHelper(text string) (Helper, error) {
	toks, err := lexHelper(text)
	if err != nil {
		return nil, err
	}
	if len(toks) == 0 {
		return nil, nil
	}
	p := &helperParser{toks: toks}
	name := p.next()
	if name.kind != tokWord {
		return nil, fmt.Errorf("a check's marker line names a helper (%s), or nothing for a plain check whose query follows", helperNames)
	}
	var h Helper
	switch strings.ToLower(name.text) {
	case RowsEqualName:
		h, err = p.rowsEqual()
	case NoOrphansName:
		h, err = p.noOrphans()
	case NotNullName:
		h, err = p.notNull()
	case ExistsName:
		h, err = p.exists()
	default:
		return nil, fmt.Errorf("unknown check helper %q (known: %s); a plain check has nothing after \"check\", and its query on the lines below", name.text, helperNames)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", strings.ToLower(name.text), err)
	}
	if t := p.peek(); t.kind != tokEnd {
		return nil, fmt.Errorf("%s: unexpected %s after %q", strings.ToLower(name.text), t, h.String())
	}
	return h, nil
}

const helperNames = "rows-equal, no-orphans, not-null, exists"

// The helpers' usage, in their errors.
const (
	rowsEqualUsage = `write two tables and an optional tolerance, as in "rows-equal old_users users tolerance=0" or "tolerance=0.5%"`
	noOrphansUsage = `write the child's column, "->" and the parent's, as in "no-orphans orders.user_id -> users.id" or "no-orphans items(tenant, order_id) -> orders(tenant, id)"`
	notNullUsage   = `write a table's column, as in "not-null users.email", or several, as in "not-null users(email, name)"`
	existsUsage    = `write "exists table TABLE", "exists column TABLE.COLUMN", "exists index NAME [on TABLE]" or "exists constraint NAME [on TABLE]"`
)

type helperParser struct {
	toks []token
	pos  int
}

func (p *helperParser) peek() token {
	if p.pos < len(p.toks) {
		return p.toks[p.pos]
	}
	return token{kind: tokEnd}
}

func (p *helperParser) next() token {
	t := p.peek()
	if p.pos < len(p.toks) {
		p.pos++
	}
	return t
}

// accept consumes the next token if it is the punctuation s.
func (p *helperParser) accept(s string) bool {
	if t := p.peek(); t.kind == tokPunct && t.text == s {
		p.pos++
		return true
	}
	return false
}

// name reads a dotted name of 1 to max parts.
func (p *helperParser) name(what string, max int) (Name, error) {
	var n Name
	for {
		t := p.next()
		if t.kind != tokWord && t.kind != tokQuoted {
			return nil, fmt.Errorf("expected %s, found %s", what, t)
		}
		n = append(n, t.text)
		if !p.accept(".") {
			break
		}
	}
	if len(n) > max {
		return nil, fmt.Errorf("%s %s has %d parts: at most %d", what, n, len(n), max)
	}
	return n, nil
}

// columns reads TABLE.COLUMN (schema.table.column) or TABLE(COL, ...).
func (p *helperParser) columns(what string) (Columns, error) {
	n, err := p.name(what, 3)
	if err != nil {
		return Columns{}, err
	}
	if !p.accept("(") {
		if len(n) < 2 {
			return Columns{}, fmt.Errorf("%s %s names no column: write TABLE.COLUMN or TABLE(COLUMN, ...)", what, n)
		}
		return Columns{Table: n[:len(n)-1], Columns: []string{n.Last()}}, nil
	}
	if len(n) > 2 {
		return Columns{}, fmt.Errorf("table %s has %d parts: at most 2", n, len(n))
	}
	c := Columns{Table: n}
	for {
		t := p.next()
		if t.kind != tokWord && t.kind != tokQuoted {
			return Columns{}, fmt.Errorf("expected a column of %s, found %s", n, t)
		}
		c.Columns = append(c.Columns, t.text)
		if p.accept(")") {
			return c, nil
		}
		if !p.accept(",") {
			return Columns{}, fmt.Errorf("expected \",\" or \")\" in the columns of %s, found %s", n, p.peek())
		}
	}
}

func (p *helperParser) rowsEqual() (Helper, error) {
	var h RowsEqual
	var err error
	if h.Left, err = p.name("a table", 2); err != nil {
		return nil, fmt.Errorf("%w: %s", err, rowsEqualUsage)
	}
	if h.Right, err = p.name("a second table", 2); err != nil {
		return nil, fmt.Errorf("%w: %s", err, rowsEqualUsage)
	}
	if t := p.peek(); t.kind == tokEnd {
		return h, nil
	}
	if t := p.next(); t.kind != tokWord || !strings.EqualFold(t.text, "tolerance") || !p.accept("=") {
		return nil, fmt.Errorf("unexpected %s after the tables: %s", t, rowsEqualUsage)
	}
	t := p.next()
	if t.kind != tokNumber {
		return nil, fmt.Errorf("tolerance: expected a number of rows or a percentage, found %s", t)
	}
	if p.accept("%") {
		ppm, err := parsePercent(t.text)
		if err != nil {
			return nil, fmt.Errorf("tolerance=%s%%: %w", t.text, err)
		}
		h.Tolerance.PPM = ppm
		return h, nil
	}
	n, err := strconv.ParseInt(t.text, 10, 64)
	if err != nil || n < 0 {
		return nil, fmt.Errorf("tolerance=%s: a number of rows is a whole number (or write a percentage: tolerance=0.5%%)", t.text)
	}
	h.Tolerance.Rows = n
	return h, nil
}

// parsePercent reads a percentage with at most 4 decimals, from 0 to 100,
// in parts per million.
func parsePercent(s string) (int64, error) {
	whole, frac, _ := strings.Cut(s, ".")
	if len(frac) > 4 {
		return 0, errors.New("at most 4 decimals")
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || w > 100 {
		return 0, errors.New("a percentage is from 0 to 100")
	}
	f := int64(0)
	if frac != "" {
		if f, err = strconv.ParseInt(frac+strings.Repeat("0", 4-len(frac)), 10, 64); err != nil {
			return 0, errors.New("not a number")
		}
	}
	ppm := w*10000 + f
	if ppm > 1000000 {
		return 0, errors.New("a percentage is from 0 to 100")
	}
	return ppm, nil
}

func (p *helperParser) noOrphans() (Helper, error) {
	var h NoOrphans
	var err error
	if h.Child, err = p.columns("the child's column"); err != nil {
		return nil, fmt.Errorf("%w: %s", err, noOrphansUsage)
	}
	if !p.accept("->") {
		return nil, fmt.Errorf("expected \"->\" after %s, found %s: %s", h.Child, p.peek(), noOrphansUsage)
	}
	if h.Parent, err = p.columns("the parent's column"); err != nil {
		return nil, fmt.Errorf("%w: %s", err, noOrphansUsage)
	}
	if len(h.Child.Columns) != len(h.Parent.Columns) {
		return nil, fmt.Errorf("%s has %d columns and %s %d: they pair up one to one", h.Child, len(h.Child.Columns), h.Parent, len(h.Parent.Columns))
	}
	return h, nil
}

func (p *helperParser) notNull() (Helper, error) {
	c, err := p.columns("a column")
	if err != nil {
		return nil, fmt.Errorf("%w: %s", err, notNullUsage)
	}
	return NotNull{Columns: c}, nil
}

func (p *helperParser) exists() (Helper, error) {
	t := p.next()
	if t.kind != tokWord {
		return nil, fmt.Errorf("expected table, column, index or constraint, found %s: %s", t, existsUsage)
	}
	h := Exists{Object: ObjectKind(strings.ToLower(t.text))}
	var err error
	switch h.Object {
	case ObjectTable:
		h.Name, err = p.name("a table", 2)
	case ObjectColumn:
		var c Columns
		if c, err = p.columns("a column"); err == nil {
			if len(c.Columns) != 1 {
				return nil, fmt.Errorf("exists column names one column: %s", existsUsage)
			}
			h.Name = append(append(Name{}, c.Table...), c.Columns[0])
		}
	case ObjectIndex, ObjectConstraint:
		if h.Name, err = p.name("a name", 2); err != nil {
			break
		}
		if t := p.peek(); t.kind == tokWord && strings.EqualFold(t.text, "on") {
			p.next()
			h.Table, err = p.name("a table", 2)
		}
	default:
		return nil, fmt.Errorf("unknown kind %s: %s", t, existsUsage)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w: %s", h.Object, err, existsUsage)
	}
	return h, nil
}

// tokenKind is the kind of a token of a helper's line.
type tokenKind int

const (
	tokEnd    tokenKind = iota
	tokWord             // letters, digits, _, $, and - inside (a helper's name)
	tokQuoted           // a quoted identifier, unquoted
	tokNumber           // digits with at most one dot
	tokPunct            // . ( ) , = % ->
)

type token struct {
	kind tokenKind
	text string
}

// String describes the token in an error.
func (t token) String() string {
	switch t.kind {
	case tokEnd:
		return "the end of the line"
	case tokQuoted:
		return "the quoted name " + quotePart(t.text)
	}
	return strconv.Quote(t.text)
}

// lexHelper splits a helper's line into tokens.
func lexHelper(s string) ([]token, error) {
	var toks []token
	for {
		s = strings.TrimLeftFunc(s, unicode.IsSpace)
		if s == "" {
			return toks, nil
		}
		r, size := utf8.DecodeRuneInString(s)
		switch {
		case r == utf8.RuneError && size <= 1:
			return nil, errors.New("the line is not valid UTF-8")
		case r == '"' || r == '`':
			name, rest, err := unquote(s, byte(r))
			if err != nil {
				return nil, err
			}
			toks = append(toks, token{tokQuoted, name})
			s = rest
		case strings.HasPrefix(s, "->"):
			toks = append(toks, token{tokPunct, "->"})
			s = s[2:]
		case strings.ContainsRune(".(),=%", r):
			toks = append(toks, token{tokPunct, string(r)})
			s = s[size:]
		case r >= '0' && r <= '9':
			i := 0
			dot := false
			for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '.' && !dot && i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '9') {
				dot = dot || s[i] == '.'
				i++
			}
			if i < len(s) && isWordStart(s[i:]) {
				return nil, fmt.Errorf("%q: a name cannot start with a digit unless quoted", wordAt(s))
			}
			toks = append(toks, token{tokNumber, s[:i]})
			s = s[i:]
		case isWordRune(r):
			w := wordAt(s)
			toks = append(toks, token{tokWord, w})
			s = s[len(w):]
		default:
			return nil, fmt.Errorf("unexpected %q: quote names that hold it (\"my-table\")", r)
		}
	}
}

// wordAt returns the word at the start of s: word runes, with single
// hyphens between them (helper names such as rows-equal).
func wordAt(s string) string {
	i := 0
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case isWordRune(r):
			i += size
		case r == '-' && i > 0 && i+1 < len(s) && s[i+1] != '>' && s[i+1] != '-' && isWordStart(s[i+1:]):
			i += size
		default:
			return s[:i]
		}
	}
	return s[:i]
}

func isWordStart(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return isWordRune(r)
}

// isWordRune reports a rune of an unquoted name: a letter, a digit, _ or $.
func isWordRune(r rune) bool {
	return r == '_' || r == '$' || unicode.IsLetter(r) || unicode.IsDigit(r)
}

// unquote reads the quoted name at the start of s, quoted with q.
func unquote(s string, q byte) (name, rest string, err error) {
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		if s[i] != q {
			b.WriteByte(s[i])
			continue
		}
		if i+1 < len(s) && s[i+1] == q {
			b.WriteByte(q)
			i++
			continue
		}
		name = b.String()
		switch {
		case name == "":
			return "", "", errors.New("empty quoted name")
		case strings.Contains(name, "."):
			return "", "", fmt.Errorf("quoted name %s holds a dot, which a helper cannot tell from a qualified name: write this check as a query", s[:i+1])
		}
		return name, s[i+1:], nil
	}
	return "", "", fmt.Errorf("unterminated quoted name %s", s)
}
