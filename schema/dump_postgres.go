package schema

import (
	"fmt"
	"strings"
)

// pgTableOptions writes what follows the columns of a PostgreSQL CREATE
// TABLE, from the options its inspector records.
func (d *dumper) pgTableOptions(t *Table) string {
	var b strings.Builder
	if inh := t.Options[OptInherits]; inh != "" {
		b.WriteString(" INHERITS (" + d.idents(strings.Split(inh, ", ")) + ")")
	}
	if by := t.Options[OptPartitionBy]; by != "" {
		b.WriteString(" PARTITION BY " + by)
	}
	if with := t.Options[OptWith]; with != "" {
		b.WriteString(" WITH (" + with + ")")
	}
	return b.String()
}

// partition writes a PostgreSQL partition as CREATE TABLE ... PARTITION
// OF, which takes the partitioned table's columns, keys, checks, indexes,
// foreign keys and triggers, then what the partition has of its own: its
// column defaults and NOT NULLs where they differ from parent's (nil when
// it is in another schema), its keys and checks, comments and indexes.
func (d *dumper) partition(t, parent *Table) {
	kw := "TABLE"
	if t.Options[OptUnlogged] == "true" {
		kw = "UNLOGGED TABLE"
	}
	fmt.Fprintf(d.w, "\nCREATE %s %s PARTITION OF %s %s%s;\n", kw, d.q.QuoteIdent(t.Name),
		d.q.QuoteIdent(t.Options[OptPartitionOf]), t.Options[OptPartitionBound], d.pgTableOptions(t))
	name := d.q.QuoteIdent(t.Name)
	for _, c := range t.Columns {
		var pc *Column
		if parent != nil {
			pc = parent.Column(c.Name)
		}
		col := name + " ALTER COLUMN " + d.q.QuoteIdent(c.Name)
		switch {
		case pc != nil && pc.Default == c.Default, c.Generated != "":
		case c.Default != "":
			d.stmt("ALTER TABLE %s SET DEFAULT %s", col, c.Default)
		default:
			d.stmt("ALTER TABLE %s DROP DEFAULT", col)
		}
		if !c.Nullable && (pc == nil || pc.Nullable) {
			d.stmt("ALTER TABLE %s SET NOT NULL", col)
		}
	}
	if t.PrimaryKey != nil {
		d.stmt("ALTER TABLE %s ADD %sPRIMARY KEY (%s)%s", name, d.constraint(t.PrimaryKey.Name), d.idents(t.PrimaryKey.Columns), deferrable(t.PrimaryKey.Deferrable))
	}
	for _, u := range t.Uniques {
		d.stmt("ALTER TABLE %s ADD %sUNIQUE (%s)%s", name, d.constraint(u.Name), d.idents(u.Columns), deferrable(u.Deferrable))
	}
	for _, c := range t.Checks {
		d.stmt("ALTER TABLE %s ADD %sCHECK (%s)", name, d.constraint(c.Name), c.Expr)
	}
	d.comments(t)
	for _, ix := range t.Indexes {
		d.index(t.Name, ix)
	}
}
