package mysql

import (
	"context"
	"fmt"
	"strings"

	"github.com/tidemigrate/tide/dialect"
)

var _ dialect.EffectChecker = Dialect{}

// SessionAlive reports whether connection id is in the process list.
func (Dialect) SessionAlive(ctx context.Context, q dialect.Querier, id string) (bool, error) {
	var n int
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID = ?`, id).Scan(&n); err != nil {
		return false, fmt.Errorf("look up connection %s: %w", id, err)
	}
	return n > 0, nil
}

// TookEffect tells, from information_schema, whether a DDL statement of
// these kinds took effect: CREATE/DROP TABLE, VIEW, TRIGGER, PROCEDURE,
// FUNCTION, EVENT and INDEX; RENAME TABLE; ALTER TABLE with ADD/DROP
// COLUMN, ADD/DROP INDEX (KEY, UNIQUE, CONSTRAINT ... UNIQUE) and RENAME
// TO as its first clause (MySQL applies an ALTER TABLE whole or not at
// all). Other statements are unknown.
func (Dialect) TookEffect(ctx context.Context, q dialect.Querier, stmt string) (took, known bool, err error) {
	c, ok := effectOf(stmt)
	if !ok {
		return false, false, nil
	}
	took, err = c(ctx, q)
	return took, err == nil, err
}

// Knows reports whether TookEffect can tell about stmt.
func (Dialect) Knows(stmt string) bool {
	_, ok := effectOf(stmt)
	return ok
}

// effectCheck asks the catalog whether a statement took effect.
type effectCheck func(ctx context.Context, q dialect.Querier) (bool, error)

// effectOf reads stmt and returns the catalog check of its effect, or
// false for a statement it cannot tell about.
func effectOf(stmt string) (effectCheck, bool) {
	t := newTokens(stmt)
	switch t.next() {
	case "CREATE":
		t.skipCreateOptions()
		kind := t.next()
		t.skip("IF", "NOT", "EXISTS")
		name := t.name()
		if kind == "INDEX" {
			t.skip("USING", "BTREE", "HASH")
			if t.next() != "ON" {
				return nil, false
			}
			return lookup("index", t.name(), name, false), true
		}
		return lookup(strings.ToLower(kind), name, "", false), true
	case "DROP":
		t.skip("TEMPORARY", "ONLINE", "OFFLINE")
		kind := t.next()
		t.skip("IF", "EXISTS")
		name := t.name()
		if kind == "INDEX" {
			if t.next() != "ON" {
				return nil, false
			}
			return lookup("index", t.name(), name, true), true
		}
		return lookup(strings.ToLower(kind), name, "", true), true
	case "RENAME":
		if t.next() != "TABLE" {
			return nil, false
		}
		from := t.name()
		if t.next() != "TO" {
			return nil, false
		}
		to := t.name()
		there, gone := lookup("table", to, "", false), lookup("table", from, "", true)
		return func(ctx context.Context, q dialect.Querier) (bool, error) {
			ok, err := there(ctx, q)
			if err != nil || !ok {
				return false, err
			}
			return gone(ctx, q)
		}, true
	case "ALTER":
		t.skip("ONLINE", "IGNORE")
		if t.next() != "TABLE" {
			return nil, false
		}
		table := t.name()
		t.skipWait()
		switch t.next() {
		case "ADD":
			switch w := t.peek(); w {
			case "INDEX", "KEY", "UNIQUE", "FULLTEXT", "SPATIAL", "CONSTRAINT":
				t.skip("CONSTRAINT")
				if w == "CONSTRAINT" {
					name := t.name()
					switch t.peek() {
					case "CHECK", "FOREIGN":
						// A named CHECK or FOREIGN KEY constraint.
						return lookup("constraint", table, name, false), name != ""
					}
				}
				t.skip("UNIQUE", "FULLTEXT", "SPATIAL", "INDEX", "KEY", "IF", "NOT", "EXISTS")
				if t.peek() == "(" || t.peek() == "" {
					return nil, false // a name the server invents
				}
				return lookup("index", table, t.name(), false), true
			case "PRIMARY", "FOREIGN", "CHECK", "PARTITION":
				return nil, false
			}
			t.skip("COLUMN", "IF", "NOT", "EXISTS")
			if col := t.name(); col != "" {
				return lookup("column", table, col, false), true
			}
			return nil, false // ADD (a INT, b INT)
		case "DROP":
			switch t.peek() {
			case "INDEX", "KEY":
				t.next()
				t.skip("IF", "EXISTS")
				return lookup("index", table, t.name(), true), true
			case "CONSTRAINT", "CHECK":
				t.next()
				t.skip("IF", "EXISTS")
				return lookup("constraint", table, t.name(), true), true
			case "FOREIGN":
				t.next()
				t.skip("KEY", "IF", "EXISTS")
				return lookup("constraint", table, t.name(), true), true
			case "PRIMARY", "PARTITION":
				return nil, false
			}
			t.skip("COLUMN", "IF", "EXISTS")
			if col := t.name(); col != "" {
				return lookup("column", table, col, true), true
			}
			return nil, false
		case "RENAME":
			t.skip("TO", "AS")
			if k := t.peek(); k == "COLUMN" || k == "INDEX" || k == "KEY" {
				return nil, false
			}
			return lookup("table", t.name(), "", false), true
		}
	}
	return nil, false
}

// lookup is the check that an object exists (or, with absent, that it
// does not); see exists.
func lookup(kind, name, sub string, absent bool) effectCheck {
	return func(ctx context.Context, q dialect.Querier) (bool, error) {
		ok, known, err := exists(ctx, q, kind, name, sub)
		if err != nil {
			return false, err
		}
		if !known {
			return false, fmt.Errorf("cannot look up %s %s", kind, name)
		}
		return ok != absent, nil
	}
}

// exists looks an object up in information_schema, in its schema or the
// current database. kind is table, view, trigger, procedure, function,
// event, column (name: table, sub: column) or index (name: table, sub:
// index).
func exists(ctx context.Context, q dialect.Querier, kind, name, sub string) (bool, bool, error) {
	schema, obj := dialect.SplitQualified(name)
	var query string
	args := []any{schema, obj}
	switch kind {
	case "table":
		query = `SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = COALESCE(NULLIF(?, ''), DATABASE()) AND TABLE_NAME = ?`
	case "view":
		query = `SELECT COUNT(*) FROM information_schema.VIEWS WHERE TABLE_SCHEMA = COALESCE(NULLIF(?, ''), DATABASE()) AND TABLE_NAME = ?`
	case "trigger":
		query = `SELECT COUNT(*) FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = COALESCE(NULLIF(?, ''), DATABASE()) AND TRIGGER_NAME = ?`
	case "procedure", "function":
		query = `SELECT COUNT(*) FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = COALESCE(NULLIF(?, ''), DATABASE()) AND ROUTINE_NAME = ? AND ROUTINE_TYPE = ?`
		args = append(args, strings.ToUpper(kind))
	case "event":
		query = `SELECT COUNT(*) FROM information_schema.EVENTS WHERE EVENT_SCHEMA = COALESCE(NULLIF(?, ''), DATABASE()) AND EVENT_NAME = ?`
	case "column":
		query = `SELECT COUNT(*) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = COALESCE(NULLIF(?, ''), DATABASE()) AND TABLE_NAME = ? AND COLUMN_NAME = ?`
		args = append(args, sub)
	case "constraint":
		query = `SELECT COUNT(*) FROM information_schema.TABLE_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = COALESCE(NULLIF(?, ''), DATABASE()) AND TABLE_NAME = ? AND CONSTRAINT_NAME = ?`
		args = append(args, sub)
	case "index":
		query = `SELECT COUNT(*) FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = COALESCE(NULLIF(?, ''), DATABASE()) AND TABLE_NAME = ? AND INDEX_NAME = ?`
		args = append(args, sub)
	default:
		return false, false, nil
	}
	if obj == "" || (kind == "column" || kind == "index" || kind == "constraint") && sub == "" {
		return false, false, nil
	}
	var n int
	if err := q.QueryRowContext(ctx, query, args...).Scan(&n); err != nil {
		return false, false, fmt.Errorf("look up %s %s: %w", kind, name, err)
	}
	return n > 0, true, nil
}

// tokens reads a statement a word at a time, as the server does: comments
// skipped, executable comments read, names unquoted.
type tokens struct {
	s string
}

func newTokens(stmt string) *tokens { return &tokens{s: stmt} }

// token returns the next token and the rest after it: a word, a quoted
// name (unquoted), or one other character; "" at the end.
func (t *tokens) token() (tok string, quoted bool, rest string) {
	s := skipToToken(t.s)
	switch {
	case s == "":
		return "", false, ""
	case s[0] == '`':
		var b strings.Builder
		i := 1
		for i < len(s) {
			if s[i] == '`' {
				if i+1 < len(s) && s[i+1] == '`' {
					b.WriteByte('`')
					i += 2
					continue
				}
				return b.String(), true, s[i+1:]
			}
			b.WriteByte(s[i])
			i++
		}
		return b.String(), true, ""
	case isWord(s[0]) || s[0] == '$' || s[0] >= 0x80:
		i := 0
		for i < len(s) && (isWord(s[i]) || s[i] == '$' || s[i] >= 0x80) {
			i++
		}
		return s[:i], false, s[i:]
	}
	return s[:1], false, s[1:]
}

// next consumes the next token, upper-cased unless quoted.
func (t *tokens) next() string {
	tok, quoted, rest := t.token()
	t.s = rest
	if quoted {
		return tok
	}
	return strings.ToUpper(tok)
}

// peek returns the next token without consuming it.
func (t *tokens) peek() string {
	tok, quoted, _ := t.token()
	if quoted {
		return tok
	}
	return strings.ToUpper(tok)
}

// skip consumes the next tokens while they are among words.
func (t *tokens) skip(words ...string) {
	for {
		tok, quoted, rest := t.token()
		if quoted || tok == "" {
			return
		}
		found := false
		for _, w := range words {
			if strings.EqualFold(tok, w) {
				found = true
				break
			}
		}
		if !found {
			return
		}
		t.s = rest
	}
}

// skipCreateOptions consumes what may stand between CREATE and the kind
// of object: OR REPLACE, TEMPORARY, UNIQUE..., ALGORITHM = x, DEFINER =
// user@host, SQL SECURITY x.
func (t *tokens) skipCreateOptions() {
	for {
		switch t.peek() {
		case "OR", "REPLACE", "TEMPORARY", "UNIQUE", "FULLTEXT", "SPATIAL", "ONLINE", "OFFLINE":
			t.next()
		case "ALGORITHM":
			t.next()
			t.skip("=")
			t.next()
		case "DEFINER":
			t.skipDefiner()
		case "SQL":
			t.next()
			t.next() // SECURITY
			t.next()
		default:
			return
		}
	}
}

// skipDefiner consumes DEFINER = user[@host].
func (t *tokens) skipDefiner() {
	if t.peek() != "DEFINER" {
		return
	}
	t.next()
	t.skip("=")
	t.next() // user
	if t.peek() == "@" {
		t.next()
		t.next() // host
	}
}

// skipWait consumes WAIT n or NOWAIT.
func (t *tokens) skipWait() {
	switch t.peek() {
	case "NOWAIT":
		t.next()
	case "WAIT":
		t.next()
		t.next()
	}
}

// name consumes a possibly qualified name and returns it unquoted as
// "schema.name"; "" when none comes next.
func (t *tokens) name() string {
	tok, quoted, rest := t.token()
	if tok == "" || !quoted && !(isWord(tok[0]) || tok[0] == '$' || tok[0] >= 0x80) {
		return ""
	}
	t.s = rest
	name := tok
	if strings.HasPrefix(skipToToken(t.s), ".") {
		t.s = skipToToken(t.s)[1:]
		if part, _, rest := t.token(); part != "" {
			t.s = rest
			name += "." + part
		}
	}
	return name
}
