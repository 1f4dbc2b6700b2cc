package sqlite

import (
	"context"
	"fmt"
	"strings"

	"github.com/tidemigrate/tide/dialect"
)

var _ dialect.ObjectFinder = Dialect{}

// IndexExists reports whether the index exists, in the main database or
// the attached one that qualifies name or table; on table, when table is
// not "". Names match without regard to ASCII case, as SQLite's do.
func (d Dialect) IndexExists(ctx context.Context, q dialect.Querier, name, table string) (bool, error) {
	master, obj, tname := d.master(name, table)
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+master+
		` WHERE type = 'index' AND name = ? COLLATE NOCASE AND (? = '' OR tbl_name = ? COLLATE NOCASE)`, obj, tname, tname).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("look up index %s: %w", name, err)
	}
	return n > 0, nil
}

// ConstraintExists reports whether a table's definition names the
// constraint (CONSTRAINT name ...), in the main database or the attached
// one that qualifies name or table; on table, when table is not "". SQLite
// keeps constraint names only in the CREATE TABLE text, which is read.
func (d Dialect) ConstraintExists(ctx context.Context, q dialect.Querier, name, table string) (bool, error) {
	master, con, tname := d.master(name, table)
	defs, err := dialect.QueryStrings(ctx, q, `SELECT sql FROM `+master+
		` WHERE type = 'table' AND sql IS NOT NULL AND (? = '' OR name = ? COLLATE NOCASE)`, tname, tname)
	if err != nil {
		return false, fmt.Errorf("look up constraint %s: %w", name, err)
	}
	for _, def := range defs {
		if namesConstraint(def, con) {
			return true, nil
		}
	}
	return false, nil
}

// master returns the schema table to read (of the database that qualifies
// table, else name), the object's own name and the table's.
func (d Dialect) master(name, table string) (master, obj, tname string) {
	schema, obj := dialect.SplitQualified(name)
	tschema, tname := dialect.SplitQualified(table)
	if tschema != "" {
		schema = tschema
	}
	if schema == "" {
		return "sqlite_master", obj, tname
	}
	return d.QuoteIdent(schema) + ".sqlite_master", obj, tname
}

// namesConstraint reports whether the CREATE TABLE text def holds
// "CONSTRAINT name", outside strings and comments.
func namesConstraint(def, name string) bool {
	afterConstraint := false
	for s := def; s != ""; {
		tok, word, rest := sqliteToken(s)
		s = rest
		if tok == "" {
			continue
		}
		if afterConstraint && strings.EqualFold(tok, name) {
			return true
		}
		afterConstraint = word && strings.EqualFold(tok, "CONSTRAINT")
	}
	return false
}

// sqliteToken returns the next token of s: a word (word set), a name or
// string unquoted, or one other byte; "" for white space and comments.
func sqliteToken(s string) (tok string, word bool, rest string) {
	c := s[0]
	switch {
	case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
		return "", false, s[1:]
	case strings.HasPrefix(s, "--"):
		if i := strings.IndexByte(s, '\n'); i >= 0 {
			return "", false, s[i+1:]
		}
		return "", false, ""
	case strings.HasPrefix(s, "/*"):
		if i := strings.Index(s[2:], "*/"); i >= 0 {
			return "", false, s[i+4:]
		}
		return "", false, ""
	case c == '"' || c == '`' || c == '\'' || c == '[':
		closing := c
		if c == '[' {
			closing = ']'
		}
		var b strings.Builder
		for i := 1; i < len(s); i++ {
			if s[i] != closing {
				b.WriteByte(s[i])
				continue
			}
			if closing != ']' && i+1 < len(s) && s[i+1] == closing {
				b.WriteByte(closing)
				i++
				continue
			}
			return b.String(), false, s[i+1:]
		}
		return b.String(), false, ""
	case c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= 0x80 || c == '$':
		i := 1
		for i < len(s) && (s[i] == '_' || s[i] >= 'a' && s[i] <= 'z' || s[i] >= 'A' && s[i] <= 'Z' || s[i] >= '0' && s[i] <= '9' || s[i] >= 0x80 || s[i] == '$') {
			i++
		}
		return s[:i], true, s[i:]
	}
	return s[:1], false, s[1:]
}

var _ dialect.TruthReader = Dialect{}

// IsTrue reports whether v is true: 1 from an expression (a comparison,
// EXISTS), or from a column declared BOOLEAN; not 1 from a column of
// another type, such as an INTEGER key, which is not a truth value.
func (Dialect) IsTrue(v any, dbType string) bool {
	n, ok := v.(int64)
	t := strings.ToUpper(dbType)
	return ok && n == 1 && (t == "" || strings.HasPrefix(t, "BOOL"))
}
