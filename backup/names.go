package backup

import (
	"fmt"

	"github.com/tidemigrate/tide/dialect"
)

// ParseTable reads a table name as written in SQL, by the lexical rules
// of d: a name or schema.name, each part bare or quoted.
func ParseTable(d dialect.Dialect, s string) (TableRef, error) {
	tk, ok := d.(dialect.Tokenizer)
	if !ok {
		return TableRef{}, fmt.Errorf("%s cannot read table names", d.Title())
	}
	toks, err := tk.Tokens(s)
	if err != nil {
		return TableRef{}, fmt.Errorf("table name %q: %w", s, err)
	}
	ref, n, ok := readTableRef(toks)
	if !ok || n != len(toks) {
		return TableRef{}, fmt.Errorf("%q is not a table name: write a name, or schema.name, quoted where it needs it", s)
	}
	return ref, nil
}

// readTableRef reads a table name, "name" or "schema.name", at the start
// of toks, and returns how many tokens it took.
func readTableRef(toks []dialect.Token) (TableRef, int, bool) {
	first, q1, ok := ident(toks, 0)
	if !ok {
		return TableRef{}, 0, false
	}
	if len(toks) > 2 && toks[1].Kind == dialect.TokenPunct && toks[1].Text == "." {
		if second, q2, ok := ident(toks, 2); ok {
			return TableRef{Schema: first, SchemaQuoted: q1, Name: second, NameQuoted: q2}, 3, true
		}
		return TableRef{}, 0, false
	}
	return TableRef{Name: first, NameQuoted: q1}, 1, true
}

// ident reads the identifier toks[i]: a bare word, or a quoted name.
func ident(toks []dialect.Token, i int) (name string, quoted, ok bool) {
	if i >= len(toks) {
		return "", false, false
	}
	switch t := toks[i]; t.Kind {
	case dialect.TokenWord:
		if c := t.Text[0]; c >= '0' && c <= '9' {
			return "", false, false
		}
		return t.Text, false, true
	case dialect.TokenQuoted:
		if name, ok := dialect.UnquoteIdent(t.Text); ok && name != "" {
			return name, true, true
		}
	}
	return "", false, false
}
