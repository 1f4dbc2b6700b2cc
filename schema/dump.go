package schema

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// Quoter quotes identifiers; every dialect is one.
type Quoter interface {
	QuoteIdent(name string) string
}

// Dump writes s as SQL in its dialect: enum types and free sequences, then
// tables (columns, primary key, unique and check constraints), indexes,
// foreign keys (last, so that every table they reference exists), views,
// routines and triggers. The output depends only on s: the same schema
// always dumps to the same bytes, for committing to git and reviewing.
// Names the database invented (empty in the model) are left for it to
// invent again. On PostgreSQL, routines that name no table come before
// the tables, and views and the other routines follow the objects they
// name (see planDump).
func Dump(w io.Writer, s *Schema, q Quoter) error {
	d := &dumper{w: bufio.NewWriter(w), q: q, dialect: s.Dialect}
	d.line("-- Schema dumped by tide (%s). Objects are sorted by name.", s.Dialect)
	for _, e := range s.Enums {
		vals := make([]string, len(e.Values))
		for i, v := range e.Values {
			vals[i] = d.lit(v)
		}
		d.stmt("CREATE TYPE %s AS ENUM (%s)", d.q.QuoteIdent(e.Name), strings.Join(vals, ", "))
	}
	for _, sq := range s.Sequences {
		d.sequence(sq)
	}
	plan := planDump(s)
	for _, r := range plan.early {
		d.stmt("%s", strings.TrimRight(r.Definition, "; \n"))
	}
	for _, t := range plan.tables {
		if parent := t.Options[OptPartitionOf]; parent != "" && d.dialect == "postgres" {
			d.partition(t, s.Table(parent))
			continue
		}
		d.table(t)
	}
	for _, sq := range s.Sequences {
		if sq.OwnedBy != "" {
			tbl, col, _ := strings.Cut(sq.OwnedBy, ".")
			d.stmt("ALTER SEQUENCE %s OWNED BY %s.%s", q.QuoteIdent(sq.Name), q.QuoteIdent(tbl), q.QuoteIdent(col))
		}
	}
	if s.Dialect != "sqlite" {
		for _, t := range s.Tables {
			for _, fk := range t.ForeignKeys {
				d.stmt("ALTER TABLE %s ADD %s", q.QuoteIdent(t.Name), d.foreignKey(fk))
			}
		}
	}
	for _, o := range plan.late {
		switch o := o.(type) {
		case *View:
			kw := "VIEW"
			if o.Materialized {
				kw = "MATERIALIZED VIEW"
			}
			name := q.QuoteIdent(o.Name)
			if len(o.Columns) > 0 {
				name += " (" + d.idents(o.Columns) + ")"
			}
			d.stmt("CREATE %s %s AS\n%s", kw, name, strings.TrimRight(o.Definition, "; \n"))
			for _, ix := range o.Indexes {
				d.index(o.Name, ix)
			}
		case *Routine:
			d.stmt("%s", strings.TrimRight(o.Definition, "; \n"))
		}
	}
	for _, tr := range s.Triggers {
		d.stmt("%s", strings.TrimRight(tr.Definition, "; \n"))
	}
	return d.w.Flush()
}

// DumpJSON writes s as indented JSON, deterministic like [Dump].
func DumpJSON(w io.Writer, s *Schema) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(s)
}

type dumper struct {
	w       *bufio.Writer
	q       Quoter
	dialect string
	out     *[]string // when set, statements go here, one each, instead of to w
}

func (d *dumper) line(format string, args ...any) {
	fmt.Fprintf(d.w, format+"\n", args...)
}

func (d *dumper) stmt(format string, args ...any) {
	if d.out != nil {
		*d.out = append(*d.out, fmt.Sprintf(format, args...))
		return
	}
	fmt.Fprintf(d.w, "\n"+format+";\n", args...)
}

// lit quotes a string literal for the dialect.
func (d *dumper) lit(s string) string {
	s = strings.ReplaceAll(s, "'", "''")
	if d.dialect == "mysql" {
		s = strings.ReplaceAll(s, `\`, `\\`)
	}
	return "'" + s + "'"
}

func (d *dumper) idents(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = d.q.QuoteIdent(n)
	}
	return strings.Join(q, ", ")
}

func (d *dumper) sequence(s *Sequence) {
	var b strings.Builder
	fmt.Fprintf(&b, "CREATE SEQUENCE %s", d.q.QuoteIdent(s.Name))
	if s.Type != "" {
		fmt.Fprintf(&b, " AS %s", s.Type)
	}
	fmt.Fprintf(&b, " START WITH %d INCREMENT BY %d MINVALUE %d MAXVALUE %d CACHE %d", s.Start, s.Increment, s.Min, s.Max, s.Cache)
	if s.Cycle {
		b.WriteString(" CYCLE")
	}
	d.stmt("%s", b.String())
}

func (d *dumper) table(t *Table) {
	if using := t.Options["using"]; d.dialect == "sqlite" && using != "" {
		// A SQLite virtual table: its module makes its columns (and its
		// shadow tables, which are not in the model).
		d.stmt("CREATE VIRTUAL TABLE %s USING %s", d.q.QuoteIdent(t.Name), using)
		return
	}
	var defs []string
	inlinePK := d.dialect == "sqlite" && t.PrimaryKey != nil && len(t.PrimaryKey.Columns) == 1 &&
		t.Column(t.PrimaryKey.Columns[0]) != nil && t.Column(t.PrimaryKey.Columns[0]).Identity == AutoIncrement
	for _, c := range t.Columns {
		def := d.column(c)
		if inlinePK && c.Name == t.PrimaryKey.Columns[0] {
			// SQLite takes AUTOINCREMENT only in the column's PRIMARY KEY.
			def += " " + d.constraint(t.PrimaryKey.Name) + "PRIMARY KEY AUTOINCREMENT"
		}
		defs = append(defs, def)
	}
	if t.PrimaryKey != nil && !inlinePK {
		defs = append(defs, d.constraint(t.PrimaryKey.Name)+"PRIMARY KEY ("+d.idents(t.PrimaryKey.Columns)+")"+deferrable(t.PrimaryKey.Deferrable))
	}
	for _, u := range t.Uniques {
		defs = append(defs, d.constraint(u.Name)+"UNIQUE ("+d.idents(u.Columns)+")"+deferrable(u.Deferrable))
	}
	for _, c := range t.Checks {
		defs = append(defs, d.constraint(c.Name)+"CHECK ("+c.Expr+")")
	}
	if d.dialect == "sqlite" {
		for _, fk := range t.ForeignKeys {
			defs = append(defs, d.foreignKey(fk))
		}
	}
	kw := "TABLE"
	if d.dialect == "postgres" && t.Options[OptUnlogged] == "true" {
		kw = "UNLOGGED TABLE"
	}
	d.stmt("CREATE %s %s (\n  %s\n)%s", kw, d.q.QuoteIdent(t.Name), strings.Join(defs, ",\n  "), d.tableOptions(t))
	d.comments(t)
	for _, ix := range t.Indexes {
		d.index(t.Name, ix)
	}
}

// comments writes PostgreSQL's COMMENT statements for t and its columns.
func (d *dumper) comments(t *Table) {
	if t.Comment != "" && d.dialect == "postgres" {
		d.stmt("COMMENT ON TABLE %s IS %s", d.q.QuoteIdent(t.Name), d.lit(t.Comment))
	}
	if d.dialect == "postgres" {
		for _, c := range t.Columns {
			if c.Comment != "" {
				d.stmt("COMMENT ON COLUMN %s.%s IS %s", d.q.QuoteIdent(t.Name), d.q.QuoteIdent(c.Name), d.lit(c.Comment))
			}
		}
	}
}

func (d *dumper) tableOptions(t *Table) string {
	var opts []string
	switch d.dialect {
	case "mysql":
		for _, k := range slices.Sorted(maps.Keys(t.Options)) {
			opts = append(opts, strings.ToUpper(k)+"="+t.Options[k])
		}
		if t.Comment != "" {
			opts = append(opts, "COMMENT="+d.lit(t.Comment))
		}
		if len(opts) == 0 {
			return ""
		}
		return " " + strings.Join(opts, " ")
	case "sqlite":
		for _, k := range slices.Sorted(maps.Keys(t.Options)) {
			if t.Options[k] == "true" {
				opts = append(opts, strings.ToUpper(strings.ReplaceAll(k, "_", " ")))
			}
		}
		if len(opts) == 0 {
			return ""
		}
		return " " + strings.Join(opts, ", ")
	case "postgres":
		return d.pgTableOptions(t)
	}
	return ""
}

func (d *dumper) constraint(name string) string {
	if name == "" {
		return ""
	}
	return "CONSTRAINT " + d.q.QuoteIdent(name) + " "
}

func (d *dumper) column(c *Column) string {
	var b strings.Builder
	b.WriteString(d.q.QuoteIdent(c.Name))
	if c.Type != "" { // SQLite: a column without a declared type
		b.WriteString(" " + c.Type)
	}
	if c.Collation != "" {
		if d.dialect == "postgres" {
			// PostgreSQL's inspector spells collations as DDL does ("C"
			// quoted, "en_US.utf8" too).
			b.WriteString(" COLLATE " + c.Collation)
		} else {
			b.WriteString(" COLLATE " + d.collation(c.Collation))
		}
	}
	if c.Generated != "" {
		kind := "VIRTUAL"
		if c.Stored {
			kind = "STORED"
		}
		fmt.Fprintf(&b, " GENERATED ALWAYS AS (%s) %s", c.Generated, kind)
	}
	switch {
	case !c.Nullable:
		b.WriteString(" NOT NULL")
	case d.dialect == "mysql" && strings.HasPrefix(c.Type, "timestamp"):
		// Without explicit_defaults_for_timestamp (MySQL 5.7, MariaDB
		// before 10.10) a TIMESTAMP is NOT NULL unless it says NULL.
		b.WriteString(" NULL")
	}
	if c.Default != "" {
		b.WriteString(" DEFAULT " + c.Default)
	}
	if c.OnUpdate != "" && d.dialect == "mysql" {
		b.WriteString(" ON UPDATE " + c.OnUpdate)
	}
	switch c.Identity {
	case IdentityAlways:
		b.WriteString(" GENERATED ALWAYS AS IDENTITY")
	case IdentityByDefault:
		b.WriteString(" GENERATED BY DEFAULT AS IDENTITY")
	case AutoIncrement:
		if d.dialect == "mysql" {
			b.WriteString(" AUTO_INCREMENT")
		}
	}
	if c.Comment != "" && d.dialect == "mysql" {
		b.WriteString(" COMMENT " + d.lit(c.Comment))
	}
	return b.String()
}

// collation names a collation: quoted on PostgreSQL, and elsewhere when it
// is not a plain word.
func (d *dumper) collation(name string) string {
	if d.dialect == "postgres" || name == "" || '0' <= name[0] && name[0] <= '9' || strings.ContainsFunc(name, func(r rune) bool {
		return !(r == '_' || '0' <= r && r <= '9' || 'a' <= r|0x20 && r|0x20 <= 'z')
	}) {
		return d.q.QuoteIdent(name)
	}
	return name
}

func (d *dumper) foreignKey(fk *ForeignKey) string {
	s := d.constraint(fk.Name) + "FOREIGN KEY (" + d.idents(fk.Columns) + ") REFERENCES " + d.q.QuoteIdent(fk.RefTable)
	if len(fk.RefColumns) > 0 { // none: SQLite's reference to a primary key it cannot name
		s += " (" + d.idents(fk.RefColumns) + ")"
	}
	if fk.OnDelete != "" {
		s += " ON DELETE " + fk.OnDelete
	}
	if fk.OnUpdate != "" {
		s += " ON UPDATE " + fk.OnUpdate
	}
	return s + deferrable(fk.Deferrable)
}

// deferrable is the clause that makes a PostgreSQL constraint deferrable.
func deferrable(d string) string {
	if d == "" {
		return ""
	}
	return " " + d
}

// index writes CREATE INDEX for ix on the table or materialized view
// named on.
func (d *dumper) index(on string, ix *Index) {
	var b strings.Builder
	b.WriteString("CREATE ")
	if ix.Unique {
		b.WriteString("UNIQUE ")
	}
	if d.dialect == "mysql" && (ix.Method == "fulltext" || ix.Method == "spatial") {
		b.WriteString(strings.ToUpper(ix.Method) + " ")
	}
	fmt.Fprintf(&b, "INDEX %s ON %s", d.q.QuoteIdent(ix.Name), d.q.QuoteIdent(on))
	if ix.Method != "" && d.dialect == "postgres" {
		b.WriteString(" USING " + ix.Method)
	}
	parts := make([]string, len(ix.Parts))
	for i, p := range ix.Parts {
		parts[i] = d.q.QuoteIdent(p.Column)
		if p.Expr != "" {
			parts[i] = "(" + p.Expr + ")"
		}
		if p.Prefix > 0 {
			parts[i] += "(" + strconv.Itoa(p.Prefix) + ")"
		}
		if p.Collation != "" {
			parts[i] += " COLLATE " + d.collation(p.Collation)
		}
		if p.Opclass != "" {
			parts[i] += " " + p.Opclass
		}
		if p.Desc {
			parts[i] += " DESC"
		}
		if p.Nulls != "" {
			parts[i] += " NULLS " + strings.ToUpper(p.Nulls)
		}
	}
	b.WriteString(" (" + strings.Join(parts, ", ") + ")")
	if len(ix.Include) > 0 {
		b.WriteString(" INCLUDE (" + d.idents(ix.Include) + ")")
	}
	if d.dialect == "mysql" && (ix.Method == "hash" || ix.Method == "btree") {
		b.WriteString(" USING " + strings.ToUpper(ix.Method))
	}
	if ix.Where != "" {
		b.WriteString(" WHERE " + ix.Where)
	}
	d.stmt("%s", b.String())
}
