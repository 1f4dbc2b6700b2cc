package backup

import (
	"strings"

	"github.com/tidemigrate/tide/dialect"
)

// Finding is a statement that loses rows or columns of a table that
// exists before the migration runs: the table an automatic backup copies.
type Finding struct {
	// Table is the table as the migration names it; when the migration
	// renamed it earlier, the name it had before.
	Table TableRef
	// What the statement does: "DROP TABLE", "TRUNCATE", "DROP COLUMN",
	// "DROP PARTITION", "DELETE without WHERE".
	What string
	// Statement is the 0-based index of the statement, Line its line.
	Statement, Line int
}

// Detect reads statements (one migration's up section, as the dialect
// split it) and returns, in order, every table whose rows or columns they
// lose: DROP TABLE, TRUNCATE, ALTER TABLE ... DROP [COLUMN] or DROP or
// TRUNCATE PARTITION, DELETE without a WHERE clause (also under WITH). A
// table renamed earlier in the statements is reported by its former name.
// It reads each statement's tokens by the dialect's lexical rules
// ([dialect.Tokenizer]), so comments and strings never fool it; a
// statement it cannot lex, or does not recognise, loses nothing as far as
// it can tell. A table found twice is reported once, at its first
// finding.
func Detect(d dialect.Dialect, stmts []dialect.Statement) []Finding {
	tk, ok := d.(dialect.Tokenizer)
	if !ok {
		return nil
	}
	det := detector{renamed: map[string]TableRef{}, seen: map[string]bool{}}
	for i, st := range stmts {
		toks, err := tk.Tokens(st.SQL)
		if err != nil {
			continue
		}
		det.statement(toks, i, st.Line)
	}
	return det.found
}

// detector holds what earlier statements of the migration did.
type detector struct {
	renamed map[string]TableRef // by the key of its new name: the table's former name
	seen    map[string]bool     // keys of the tables found
	found   []Finding
	stmt    int
	line    int
}

// key identifies a table reference: unquoted names without regard to
// case, as PostgreSQL, SQLite and MySQL on most systems read them.
func key(r TableRef) string {
	fold := func(s string, quoted bool) string {
		if quoted {
			return s
		}
		return strings.ToLower(s)
	}
	return fold(r.Schema, r.SchemaQuoted) + "\x00" + fold(r.Name, r.NameQuoted)
}

// add reports a finding for table, by its name before any rename.
func (det *detector) add(table TableRef, what string) {
	if old, ok := det.renamed[key(table)]; ok {
		table = old
	}
	k := key(table)
	if det.seen[k] {
		return
	}
	det.seen[k] = true
	det.found = append(det.found, Finding{Table: table, What: what, Statement: det.stmt, Line: det.line})
}

// rename records that from is called to from now on.
func (det *detector) rename(from, to TableRef) {
	if old, ok := det.renamed[key(from)]; ok {
		from = old
	}
	det.renamed[key(to)] = from
}

// statement reads one statement's tokens.
func (det *detector) statement(toks []dialect.Token, stmt, line int) {
	det.stmt, det.line = stmt, line
	c := &cursor{toks: toks}
	switch {
	case c.word("WITH"):
		// Data-modifying common table expressions (PostgreSQL's WITH moved
		// AS (DELETE FROM t RETURNING *) INSERT ...) lose rows too.
		for _, body := range c.skipWith() {
			if body.word("DELETE") {
				det.delete(body)
			}
		}
		if c.word("DELETE") {
			det.delete(c)
		}
	case c.word("DROP"):
		// MySQL's DROP TEMPORARY TABLE: a temporary table holds no one's
		// data past the session.
		if c.word("TEMPORARY") || !c.word("TABLE") {
			return
		}
		c.words("IF", "EXISTS")
		for {
			ref, ok := c.table()
			if !ok {
				return
			}
			det.add(ref, "DROP TABLE")
			if !c.punct(",") {
				return
			}
		}
	case c.word("TRUNCATE"):
		c.word("TABLE")
		c.word("ONLY")
		for {
			ref, ok := c.table()
			if !ok {
				return
			}
			det.add(ref, "TRUNCATE")
			c.punct("*")
			if !c.punct(",") {
				return
			}
		}
	case c.word("ALTER"):
		c.word("ONLINE") // MariaDB
		c.word("IGNORE") // MySQL
		if !c.word("TABLE") {
			return
		}
		c.words("IF", "EXISTS")
		c.word("ONLY")
		ref, ok := c.table()
		if !ok {
			return
		}
		c.punct("*")
		det.alter(c, ref)
	case c.word("RENAME"): // MySQL: RENAME TABLE a TO b, c TO d
		if !c.word("TABLE") && !c.word("TABLES") {
			return
		}
		for {
			from, ok := c.table()
			if !ok || !c.word("TO") {
				return
			}
			to, ok := c.table()
			if !ok {
				return
			}
			det.rename(from, to)
			if !c.punct(",") {
				return
			}
		}
	case c.word("DELETE"):
		det.delete(c)
	}
}

// alter reads the actions of ALTER TABLE ref, comma-separated at depth 0.
func (det *detector) alter(c *cursor, ref TableRef) {
	for !c.done() {
		switch {
		case c.word("DROP"):
			switch {
			case c.word("PARTITION"):
				det.add(ref, "DROP PARTITION")
			case c.word("COLUMN"), c.isIdent() && !c.atAny("CONSTRAINT", "INDEX", "KEY", "PRIMARY", "FOREIGN", "CHECK", "SYSTEM", "PERIOD", "UNIQUE", "FULLTEXT", "SPATIAL", "DEFAULT", "IDENTITY", "EXPRESSION", "NOT", "TRIGGER"):
				det.add(ref, "DROP COLUMN")
			}
		case c.word("TRUNCATE"):
			if c.word("PARTITION") {
				det.add(ref, "TRUNCATE PARTITION")
			}
		case c.word("RENAME"):
			// RENAME [TO | AS] new: the table. RENAME [COLUMN] a TO b, RENAME
			// CONSTRAINT, INDEX or KEY: something else.
			explicit := c.word("TO") || c.word("AS")
			if !explicit && c.atAny("COLUMN", "CONSTRAINT", "INDEX", "KEY") {
				break
			}
			save := c.i
			to, ok := c.table()
			if ok && (explicit || c.done() || c.punct(",")) {
				det.rename(ref, to)
				ref = to
			}
			c.i = save
		}
		c.skipAction()
	}
}

// delete reads DELETE, after its first word: the tables it empties when
// it has no WHERE clause.
func (det *detector) delete(c *cursor) {
	c.skipWords("LOW_PRIORITY", "QUICK", "IGNORE")
	var tables []TableRef
	if c.word("FROM") {
		c.word("ONLY")
		for {
			ref, ok := c.table()
			if !ok {
				return
			}
			tables = append(tables, ref)
			c.punct("*")
			if !c.punct(",") {
				break
			}
		}
	} else {
		// MySQL's multiple-table DELETE t1, t2 FROM ...: the names before
		// FROM are the tables emptied (or their aliases, which the backup
		// does not find and skips).
		for {
			ref, ok := c.table()
			if !ok {
				return
			}
			tables = append(tables, ref)
			c.punct(".")
			c.punct("*")
			if !c.punct(",") {
				break
			}
		}
		if !c.word("FROM") {
			return
		}
	}
	if c.find("WHERE") {
		return
	}
	for _, t := range tables {
		det.add(t, "DELETE without WHERE")
	}
}

// cursor walks the tokens of one statement.
type cursor struct {
	toks []dialect.Token
	i    int
}

func (c *cursor) done() bool { return c.i >= len(c.toks) }

// at reports whether the next token is the keyword w (upper case).
func (c *cursor) at(w string) bool {
	return !c.done() && c.toks[c.i].Kind == dialect.TokenWord && strings.EqualFold(c.toks[c.i].Text, w)
}

func (c *cursor) atAny(ws ...string) bool {
	for _, w := range ws {
		if c.at(w) {
			return true
		}
	}
	return false
}

// word consumes the keyword w if it is next.
func (c *cursor) word(w string) bool {
	if c.at(w) {
		c.i++
		return true
	}
	return false
}

// skipWords consumes any of the keywords ws, in any order.
func (c *cursor) skipWords(ws ...string) {
	for c.atAny(ws...) {
		c.i++
	}
}

// words consumes the keywords ws if they are all next.
func (c *cursor) words(ws ...string) bool {
	for j, w := range ws {
		t := c.i + j
		if t >= len(c.toks) || c.toks[t].Kind != dialect.TokenWord || !strings.EqualFold(c.toks[t].Text, w) {
			return false
		}
	}
	c.i += len(ws)
	return true
}

// punct consumes the punctuation p if it is next.
func (c *cursor) punct(p string) bool {
	if !c.done() && c.toks[c.i].Kind == dialect.TokenPunct && c.toks[c.i].Text == p {
		c.i++
		return true
	}
	return false
}

// isIdent reports whether the next token can be a name.
func (c *cursor) isIdent() bool {
	_, _, ok := ident(c.toks, c.i)
	return ok
}

// table consumes a table name.
func (c *cursor) table() (TableRef, bool) {
	ref, n, ok := readTableRef(c.toks[c.i:])
	if ok {
		c.i += n
	}
	return ref, ok
}

// skipAction moves past the rest of one ALTER TABLE action: to the token
// after the next comma at depth 0, or to the end.
func (c *cursor) skipAction() {
	depth := 0
	for ; !c.done(); c.i++ {
		t := c.toks[c.i]
		if t.Kind != dialect.TokenPunct {
			continue
		}
		switch t.Text {
		case "(":
			depth++
		case ")":
			depth--
		case ",":
			if depth <= 0 {
				c.i++
				return
			}
		}
	}
}

// skipWith moves past the common table expressions of a WITH clause, to
// the first word at depth 0 after them (the statement's own verb), and
// returns a cursor over the body of each.
func (c *cursor) skipWith() []*cursor {
	var bodies []*cursor
	depth, open := 0, 0
	for ; !c.done(); c.i++ {
		t := c.toks[c.i]
		switch {
		case t.Kind == dialect.TokenPunct && t.Text == "(":
			if depth == 0 {
				open = c.i + 1
			}
			depth++
		case t.Kind == dialect.TokenPunct && t.Text == ")":
			if depth--; depth == 0 {
				bodies = append(bodies, &cursor{toks: c.toks[open:c.i]})
			}
		case depth == 0 && c.atAny("DELETE", "INSERT", "UPDATE", "SELECT", "MERGE", "VALUES", "TABLE"):
			return bodies
		}
	}
	return bodies
}

// find reports whether the keyword w comes later at depth 0.
func (c *cursor) find(w string) bool {
	depth := 0
	for j := c.i; j < len(c.toks); j++ {
		t := c.toks[j]
		switch {
		case t.Kind == dialect.TokenPunct && t.Text == "(":
			depth++
		case t.Kind == dialect.TokenPunct && t.Text == ")":
			depth--
		case depth == 0 && t.Kind == dialect.TokenWord && strings.EqualFold(t.Text, w):
			return true
		}
	}
	return false
}
