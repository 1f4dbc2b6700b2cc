package backup

import (
	"context"
	"regexp"
	"strings"

	"github.com/tidemigrate/tide/dialect"
	"github.com/tidemigrate/tide/schema"
)

// Definition is a table as it was when it was backed up: enough to create
// it again as it was, and what pointed at it. It is recorded, as JSON, in
// the manifest.
type Definition struct {
	Dialect string `json:"dialect"`
	// Schema is the table's schema (database on MySQL, "main" on SQLite).
	Schema string        `json:"schema"`
	Table  *schema.Table `json:"table"`
	// References are the foreign keys of other tables of the schema that
	// point at the table.
	References []Reference `json:"references,omitempty"`
	// Triggers are the triggers on the table.
	Triggers []*schema.Trigger `json:"triggers,omitempty"`
	// Sequences are the sequences its columns own (PostgreSQL serial).
	Sequences []*schema.Sequence `json:"sequences,omitempty"`
	// Privileges are the statements that give the table its owner and
	// privileges again, where dropping the table loses them
	// ([PrivilegeReader]).
	Privileges []string `json:"privileges,omitempty"`
}

// PrivilegeReader is implemented by dialects whose tables lose their
// privileges when they are dropped (PostgreSQL; MySQL keeps them by
// name), so that a restore gives them back.
type PrivilegeReader interface {
	// TablePrivileges returns the statements that give table (qualified,
	// unquoted) its owner and privileges as they are now: ALTER TABLE ...
	// OWNER TO, GRANT.
	TablePrivileges(ctx context.Context, q dialect.Querier, table string) ([]string, error)
}

// Reference is a foreign key of another table that points at a backed-up
// table.
type Reference struct {
	Table      string             `json:"table"`
	ForeignKey *schema.ForeignKey `json:"foreign_key"`
}

// definitionOf picks the table named table out of s, with what points at
// it; nil when s has no such table.
func definitionOf(s *schema.Schema, table string) *Definition {
	t := s.Table(table)
	if t == nil {
		return nil
	}
	def := &Definition{Dialect: s.Dialect, Schema: s.Name, Table: t}
	for _, other := range s.Tables {
		for _, fk := range other.ForeignKeys {
			if fk.RefTable == table && other.Name != table {
				def.References = append(def.References, Reference{Table: other.Name, ForeignKey: fk})
			}
		}
	}
	for _, tr := range s.Triggers {
		if tr.Table == table {
			def.Triggers = append(def.Triggers, tr)
		}
	}
	for _, sq := range s.Sequences {
		if owner, _, ok := cutOwner(sq.OwnedBy); ok && owner == table {
			def.Sequences = append(def.Sequences, sq)
		}
	}
	return def
}

// cutOwner splits a sequence's OwnedBy, "table.column".
func cutOwner(ownedBy string) (table, column string, ok bool) {
	for i := len(ownedBy) - 1; i >= 0; i-- {
		if ownedBy[i] == '.' {
			return ownedBy[:i], ownedBy[i+1:], true
		}
	}
	return "", "", false
}

// integerKey returns t's one-column primary key when its type is an
// integer, the key by which a big table is copied in ranges; else "".
func integerKey(t *schema.Table) string {
	if t == nil || t.PrimaryKey == nil || len(t.PrimaryKey.Columns) != 1 {
		return ""
	}
	c := t.Column(t.PrimaryKey.Columns[0])
	if c == nil || !integerType.MatchString(strings.ToLower(c.Type)) {
		return ""
	}
	return c.Name
}

// integerType matches the integer types as inspectors spell them.
var integerType = regexp.MustCompile(`^(tiny|small|medium|big)?int(eger)?[0-9]*(\([0-9]+\))?( unsigned)?( zerofill)?$`)
