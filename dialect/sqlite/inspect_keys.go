package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/tidemigrate/tide/schema"
)

// indexRead is an index as the pragmas list it.
type indexRead struct {
	table   *tableInfo
	name    string
	unique  bool
	origin  string // "c" CREATE INDEX, "u" UNIQUE constraint, "pk" PRIMARY KEY
	partial bool
	keys    []keyRead
}

// keyRead is a key column of an index.
type keyRead struct {
	seqno, cid int // cid -2: an expression, -1: the rowid
	name, coll string
	desc       bool
}

// indexes reads every index of every table: those of UNIQUE constraints
// become the tables' Uniques, those of CREATE INDEX their Indexes. Primary
// key indexes are the primary keys already read.
func (in *inspection) indexes(ctx context.Context) error {
	rows, err := in.q.QueryContext(ctx, `SELECT m.name, il.name, il."unique", il.origin, il.partial, ix.seqno, ix.cid, coalesce(ix.name, ''), ix."desc", coalesce(ix.coll, '')
FROM `+in.master+` AS m, pragma_index_list(m.name, ?1) AS il, pragma_index_xinfo(il.name, ?1) AS ix
WHERE `+ordinaryTables+` AND ix.key = 1
ORDER BY m.name, il.name, ix.seqno`, in.db)
	if err != nil {
		return err
	}
	defer rows.Close()
	var list []*indexRead
	for rows.Next() {
		var table, index, origin string
		var unique, partial bool
		var k keyRead
		if err := rows.Scan(&table, &index, &unique, &origin, &partial, &k.seqno, &k.cid, &k.name, &k.desc, &k.coll); err != nil {
			return err
		}
		ti := in.table(table)
		if ti == nil {
			continue
		}
		if n := len(list); n == 0 || list[n-1].table != ti || list[n-1].name != index {
			list = append(list, &indexRead{table: ti, name: index, unique: unique, origin: origin, partial: partial})
		}
		last := list[len(list)-1]
		last.keys = append(last.keys, k)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	used := map[*keyDDL]bool{}
	for _, ix := range list {
		t := ix.table.t
		switch ix.origin {
		case "u":
			u := &schema.Unique{}
			for _, k := range ix.keys {
				u.Columns = append(u.Columns, k.column())
			}
			if def := ix.table.ddl.unique(u.Columns, used); def != nil {
				u.Name = def.name
			}
			t.Uniques = append(t.Uniques, u)
		case "c":
			idx, err := in.index(ix)
			if err != nil {
				return fmt.Errorf("index %s of table %s: %w", ix.name, t.Name, err)
			}
			t.Indexes = append(t.Indexes, idx)
		}
	}
	return nil
}

// column returns the name of the column the key is on.
func (k keyRead) column() string {
	if k.cid == -1 {
		return "rowid"
	}
	return k.name
}

// index builds a CREATE INDEX index, reading its expressions and predicate
// from its statement.
func (in *inspection) index(ix *indexRead) (*schema.Index, error) {
	text, ok := in.indexSQL[ix.name]
	if !ok {
		return nil, fmt.Errorf("no CREATE INDEX statement in sqlite_schema")
	}
	ddl, err := parseIndex(text)
	if err != nil {
		return nil, fmt.Errorf("read its CREATE INDEX statement: %w", err)
	}
	idx := &schema.Index{Name: ix.name, Unique: ix.unique}
	for _, k := range ix.keys {
		p := &schema.IndexPart{Desc: k.desc}
		if k.cid == -2 {
			if k.seqno >= len(ddl.keys) {
				return nil, fmt.Errorf("its CREATE INDEX statement has no key %d", k.seqno+1)
			}
			p.Expr = ddl.keys[k.seqno]
		} else {
			p.Column = k.column()
			want := "BINARY"
			if c := ix.table.t.Column(p.Column); c != nil && c.Collation != "" {
				want = c.Collation
			}
			if got := strings.ToUpper(k.coll); got != "" && got != want {
				p.Collation = got
			}
		}
		idx.Parts = append(idx.Parts, p)
	}
	if ix.partial {
		if ddl.where == "" {
			return nil, fmt.Errorf("it is partial, but its CREATE INDEX statement has no WHERE")
		}
		idx.Where = ddl.where
	}
	return idx, nil
}

// unique returns the first UNIQUE clause, not yet used, on cols.
func (t *tableDDL) unique(cols []string, used map[*keyDDL]bool) *keyDDL {
	for i := range t.uniques {
		u := &t.uniques[i]
		if !used[u] && equalFold(u.cols, cols) {
			used[u] = true
			return u
		}
	}
	return nil
}

func equalFold(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !strings.EqualFold(a[i], b[i]) {
			return false
		}
	}
	return true
}

// foreignKeys reads every foreign key of every table.
func (in *inspection) foreignKeys(ctx context.Context) error {
	rows, err := in.q.QueryContext(ctx, `SELECT m.name, f.id, f."table", f."from", f."to", f.on_update, f.on_delete
FROM `+in.master+` AS m, pragma_foreign_key_list(m.name, ?) AS f
WHERE `+ordinaryTables+`
ORDER BY m.name, f.id, f.seq`, in.db)
	if err != nil {
		return err
	}
	defer rows.Close()
	type fkRead struct {
		table *tableInfo
		id    int
		fk    *schema.ForeignKey
		toPK  bool // a column of the reference names no column: the primary key
	}
	var list []*fkRead
	for rows.Next() {
		var table, ref, from, onUpdate, onDelete string
		var to sql.NullString
		var id int
		if err := rows.Scan(&table, &id, &ref, &from, &to, &onUpdate, &onDelete); err != nil {
			return err
		}
		ti := in.table(table)
		if ti == nil {
			continue
		}
		if n := len(list); n == 0 || list[n-1].table != ti || list[n-1].id != id {
			list = append(list, &fkRead{table: ti, id: id, fk: &schema.ForeignKey{
				RefTable: ref, OnDelete: action(onDelete), OnUpdate: action(onUpdate),
			}})
		}
		last := list[len(list)-1]
		last.fk.Columns = append(last.fk.Columns, from)
		last.fk.RefColumns = append(last.fk.RefColumns, to.String)
		last.toPK = last.toPK || !to.Valid
	}
	if err := rows.Err(); err != nil {
		return err
	}
	used := map[*fkDDL]bool{}
	for _, r := range list {
		fk := r.fk
		if def := r.table.ddl.foreignKey(fk.Columns, fk.RefTable, used); def != nil {
			fk.Name = def.name
		}
		if parent := in.table(fk.RefTable); parent != nil {
			fk.RefTable = parent.t.Name
			if r.toPK {
				fk.RefColumns = nil
				if len(parent.pk) == len(fk.Columns) {
					fk.RefColumns = append([]string(nil), parent.pk...)
				}
			}
			for i, c := range fk.RefColumns {
				if pc := columnFold(parent.t, c); pc != nil {
					fk.RefColumns[i] = pc.Name
				}
			}
		} else if r.toPK {
			fk.RefColumns = nil
		}
		r.table.t.ForeignKeys = append(r.table.t.ForeignKeys, fk)
	}
	return nil
}

// action renders a referential action: "" for NO ACTION.
func action(s string) string {
	s = strings.ToUpper(strings.Join(strings.Fields(s), " "))
	if s == "NO ACTION" {
		return ""
	}
	return s
}

// columnFold returns t's column named name in any case, or nil.
func columnFold(t *schema.Table, name string) *schema.Column {
	for _, c := range t.Columns {
		if strings.EqualFold(c.Name, name) {
			return c
		}
	}
	return nil
}

// foreignKey returns the first REFERENCES clause, not yet used, from cols
// to ref.
func (t *tableDDL) foreignKey(cols []string, ref string, used map[*fkDDL]bool) *fkDDL {
	for i := range t.fks {
		f := &t.fks[i]
		if !used[f] && strings.EqualFold(f.refTable, ref) && equalFold(f.cols, cols) {
			used[f] = true
			return f
		}
	}
	return nil
}
