package backup

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/tidemigrate/tide/dialect"
	"github.com/tidemigrate/tide/schema"
)

// restore is one run of [Restore]: its statements go through q.
type restore struct {
	s    *session
	r    Restorer
	q    dialect.Querier
	held map[string]HeldTable
	sums map[int64]Sum // what each backup's copy sums to now
	out  []RestoredTable
}

// exec runs stmt, saying what it did in the actions of table i.
func (rs *restore) exec(ctx context.Context, i int, stmt, action string) error {
	if _, err := rs.q.ExecContext(ctx, stmt); err != nil {
		return fmt.Errorf("%s: %s: %w", rs.out[i].Table, firstLine(stmt), err)
	}
	if action != "" {
		rs.out[i].Actions = append(rs.out[i].Actions, action)
	}
	return nil
}

// run restores entries: drops the tables that exist, creates them all
// again with their rows, then adds the foreign keys, theirs and those
// that point at them.
func (rs *restore) run(ctx context.Context, entries []Entry) error {
	s := rs.s
	var readd []Dependent
	restored := map[string]bool{}
	for _, e := range entries {
		restored[e.Source()] = true
	}
	for i := len(entries) - 1; i >= 0; i-- { // children first
		e := entries[i]
		h, ok := rs.held[e.Source()]
		if !ok {
			continue
		}
		fks, err := rs.r.DropTable(ctx, rs.q, e.Source())
		if err != nil {
			return fmt.Errorf("%s: drop it: %w", e.Source(), err)
		}
		readd = append(readd, fks...)
		action := fmt.Sprintf("dropped the table as it was (%s)", plural(h.Rows, "row"))
		if r := rs.out[i].Replaced; r != nil {
			action = fmt.Sprintf("dropped the table as it was (%s, kept as backup %d)", plural(h.Rows, "row"), r.ID)
		}
		rs.out[i].Actions = append(rs.out[i].Actions, action)
	}
	tables := make([]*schema.Table, len(entries))
	for i, e := range entries {
		tables[i] = rs.tableModel(e)
		if err := rs.create(ctx, i, e, tables[i]); err != nil {
			return err
		}
	}
	for i, e := range entries {
		ddl := schema.TableStatements(e.Definition.Dialect, s.d, tables[i])
		for _, fk := range ddl.ForeignKeys {
			if err := rs.exec(ctx, i, fk, ""); err != nil {
				return err
			}
		}
		if n := len(ddl.ForeignKeys); n > 0 {
			rs.out[i].Actions = append(rs.out[i].Actions, "added "+plural(int64(n), "foreign key"))
		}
	}
	for _, dep := range readd {
		if dep.Kind == DependentForeignKey && restored[dep.Table] {
			continue // it came back with its table
		}
		i := rs.entryOf(entries, dep)
		for _, stmt := range dep.SQL {
			if err := rs.exec(ctx, i, stmt, ""); err != nil {
				return err
			}
		}
		what := fmt.Sprintf("added back foreign key %s of %s", dep.Name, dep.Table)
		if dep.Kind == DependentView {
			what = fmt.Sprintf("created view %s again (it depends on the table)", dep.Table)
		}
		rs.out[i].Actions = append(rs.out[i].Actions, what)
	}
	return rs.references(ctx, entries, restored)
}

// entryOf returns the index of the entry whose table dep depends on.
func (rs *restore) entryOf(entries []Entry, dep Dependent) int {
	return max(0, slices.IndexFunc(entries, func(e Entry) bool { return e.Source() == dep.RefTable }))
}

// tableModel returns the table of e's definition, named so that it is
// created where it was: qualified when its schema is not the current one.
func (rs *restore) tableModel(e Entry) *schema.Table {
	t := *e.Definition.Table
	if e.Schema == rs.s.schema {
		return &t
	}
	t.Name = e.Schema + "." + t.Name
	t.ForeignKeys = make([]*schema.ForeignKey, len(e.Definition.Table.ForeignKeys))
	for i, fk := range e.Definition.Table.ForeignKeys {
		c := *fk
		if !strings.Contains(c.RefTable, ".") {
			c.RefTable = e.Schema + "." + c.RefTable
		}
		t.ForeignKeys[i] = &c
	}
	return &t
}

// create creates table i again from its definition and copies its rows
// back, then its indexes and triggers, and verifies its rows.
func (rs *restore) create(ctx context.Context, i int, e Entry, t *schema.Table) error {
	s, def := rs.s, e.Definition
	var owned []string
	for _, sq := range def.Sequences {
		create, ownedBy := schema.SequenceStatements(s.d, sq)
		create = strings.Replace(create, "CREATE SEQUENCE ", "CREATE SEQUENCE IF NOT EXISTS ", 1)
		if err := rs.exec(ctx, i, create, ""); err != nil {
			return err
		}
		if ownedBy != "" {
			owned = append(owned, ownedBy)
		}
	}
	ddl := schema.TableStatements(def.Dialect, s.d, t)
	for j, stmt := range ddl.Create {
		action := ""
		if j == 0 {
			action = fmt.Sprintf("created the table (%s)", plural(int64(len(t.Columns)), "column"))
		}
		if err := rs.exec(ctx, i, stmt, action); err != nil {
			return err
		}
	}
	for _, stmt := range owned {
		if err := rs.exec(ctx, i, stmt, ""); err != nil {
			return err
		}
	}
	var cols []string
	override := ""
	for _, c := range t.Columns {
		if c.Generated != "" {
			continue // computed again by the database
		}
		if c.Identity == schema.IdentityAlways {
			override = " OVERRIDING SYSTEM VALUE"
		}
		cols = append(cols, s.d.QuoteIdent(c.Name))
	}
	list := strings.Join(cols, ", ")
	res, err := rs.q.ExecContext(ctx, "INSERT INTO "+s.d.QuoteIdent(e.Source())+" ("+list+")"+override+" SELECT "+list+" FROM "+s.d.QuoteIdent(e.Copy()))
	if err != nil {
		return fmt.Errorf("%s: copy the rows back from %s: %w", e.Source(), e.Copy(), err)
	}
	n, _ := res.RowsAffected()
	rs.out[i].Actions = append(rs.out[i].Actions, fmt.Sprintf("copied %s back from %s", plural(n, "row"), e.Copy()))
	for _, stmt := range ddl.Indexes {
		if err := rs.exec(ctx, i, stmt, ""); err != nil {
			return err
		}
	}
	if n := len(ddl.Indexes); n > 0 {
		rs.out[i].Actions = append(rs.out[i].Actions, "created "+plural(int64(n), "index"))
	}
	for _, stmt := range def.Privileges {
		if err := rs.exec(ctx, i, stmt, ""); err != nil {
			return err
		}
	}
	if n := len(def.Privileges); n > 0 {
		rs.out[i].Actions = append(rs.out[i].Actions, fmt.Sprintf("granted its privileges again (%s)", plural(int64(n), "statement")))
	}
	for _, tr := range def.Triggers {
		if err := rs.exec(ctx, i, strings.TrimRight(tr.Definition, "; \n"), "created trigger "+tr.Name); err != nil {
			return err
		}
	}
	actions, err := rs.r.AfterRestore(ctx, rs.q, e.Source(), t)
	if err != nil {
		return fmt.Errorf("%s: %w", e.Source(), err)
	}
	rs.out[i].Actions = append(rs.out[i].Actions, actions...)
	sum, err := s.c.Checksum(ctx, rs.q, e.Source(), "")
	if err != nil {
		return fmt.Errorf("%s: verify the rows restored: %w", e.Source(), err)
	}
	if want := rs.sums[e.ID]; sum != want {
		return fmt.Errorf("%s: the rows restored (%d, checksum %s) are not those of backup %d (%d, checksum %s)", e.Source(), sum.Rows, sum.Checksum, e.ID, want.Rows, want.Checksum)
	}
	rs.out[i].Rows, rs.out[i].Checksum = sum.Rows, sum.Checksum
	rs.out[i].Actions = append(rs.out[i].Actions, fmt.Sprintf("verified %s against the backup (count and checksum)", plural(sum.Rows, "row")))
	return nil
}

// references adds back the foreign keys of other tables that pointed at
// the restored tables when they were backed up, and that are missing now
// (the migration dropped them with the table).
func (rs *restore) references(ctx context.Context, entries []Entry, restored map[string]bool) error {
	s := rs.s
	schemas := map[string]*schema.Schema{}
	for i, e := range entries {
		for _, ref := range e.Definition.References {
			if restored[e.Schema+"."+ref.Table] {
				continue
			}
			sc, ok := schemas[e.Schema]
			if !ok {
				var err error
				if sc, err = schema.Inspect(ctx, s.d, rs.q, schema.Options{Schema: e.Schema, Exclude: []string{ManifestTable}}); err != nil {
					return fmt.Errorf("%s: read the tables that point at it: %w", e.Source(), err)
				}
				schemas[e.Schema] = sc
			}
			child := sc.Table(ref.Table)
			if child == nil {
				rs.out[i].Actions = append(rs.out[i].Actions, fmt.Sprintf("did not add back the foreign key of %s that pointed at it: %s does not exist", ref.Table, ref.Table))
				continue
			}
			if slices.ContainsFunc(child.ForeignKeys, func(fk *schema.ForeignKey) bool { return sameForeignKey(fk, ref.ForeignKey) }) {
				continue
			}
			fk := *ref.ForeignKey
			name := ref.Table
			if e.Schema != s.schema {
				name = e.Schema + "." + ref.Table
				if !strings.Contains(fk.RefTable, ".") {
					fk.RefTable = e.Schema + "." + fk.RefTable
				}
			}
			if err := rs.exec(ctx, i, schema.AddForeignKey(e.Definition.Dialect, s.d, name, &fk),
				fmt.Sprintf("added back the foreign key of %s (%s) that pointed at it", ref.Table, strings.Join(fk.Columns, ", "))); err != nil {
				return err
			}
		}
	}
	return nil
}

// sameForeignKey reports whether a and b are the same constraint: the
// same columns pointing at the same columns of the same table.
func sameForeignKey(a, b *schema.ForeignKey) bool {
	return a.RefTable == b.RefTable && slices.Equal(a.Columns, b.Columns) && slices.Equal(a.RefColumns, b.RefColumns)
}

// plural writes n and the noun, with an s unless n is 1 ("index" takes
// "es").
func plural(n int64, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	if strings.HasSuffix(noun, "x") {
		return fmt.Sprintf("%d %ses", n, noun)
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// firstLine returns the first line of stmt, for an error.
func firstLine(stmt string) string {
	line, _, _ := strings.Cut(stmt, "\n")
	if len(line) > 80 {
		line = line[:77] + "..."
	}
	return line
}
