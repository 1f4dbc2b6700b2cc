package schema

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// Action says what happened to an object between two schemas.
type Action string

// Actions of a [Change].
const (
	Added   Action = "added"   // only in the second schema
	Removed Action = "removed" // only in the first schema
	Changed Action = "changed" // in both, different
)

// Kinds of object a [Change] names.
const (
	KindTable      = "table"
	KindColumn     = "column"
	KindPrimaryKey = "primary key"
	KindUnique     = "unique constraint"
	KindCheck      = "check constraint"
	KindForeignKey = "foreign key"
	KindIndex      = "index"
	KindTableOpt   = "table option"
	KindView       = "view"
	KindFunction   = "function"
	KindProcedure  = "procedure"
	KindTrigger    = "trigger"
	KindSequence   = "sequence"
	KindType       = "type"
)

// Change is one difference between two schemas, named by object.
type Change struct {
	// Kind is the kind of object (KindTable, KindColumn, ...).
	Kind string `json:"kind"`
	// Object names it: "users", "users.email", "users.users_email_idx",
	// "users UNIQUE (email)".
	Object string `json:"object"`
	Action Action `json:"action"`
	// Details list what changed, one property each ("type: integer →
	// bigint"), for Changed.
	Details []string `json:"details,omitempty"`
}

// String renders the change in plain words: "column users.email: type:
// integer → bigint".
func (c Change) String() string {
	if c.Action == Changed {
		return fmt.Sprintf("%s %s changed: %s", c.Kind, c.Object, strings.Join(c.Details, "; "))
	}
	return fmt.Sprintf("%s %s %s", c.Kind, c.Object, c.Action)
}

// Diff lists the differences between a and b, objects only in b as
// [Added], only in a as [Removed], in a stable order: tables (with their
// parts) first, then views, routines, triggers, sequences and types. Two
// schemas are equal when Diff returns none. Schema names are not compared.
func Diff(a, b *Schema) []Change {
	d := &differ{}
	diffSet(d, KindTable, a.Tables, b.Tables, func(t *Table) string { return t.Name }, d.table)
	diffSet(d, KindView, a.Views, b.Views, func(v *View) string { return v.Name }, func(name string, x, y *View) {
		var det []string
		if x.Materialized != y.Materialized {
			det = append(det, fmt.Sprintf("materialized: %t → %t", x.Materialized, y.Materialized))
		}
		det = prop(det, "columns", strings.Join(x.Columns, ", "), strings.Join(y.Columns, ", "))
		det = prop(det, "definition", x.Definition, y.Definition)
		d.changed(KindView, name, det)
		d.indexes(name, x.Indexes, y.Indexes)
	})
	var af, ap, bf, bp []*Routine
	for _, r := range a.Routines {
		if r.Kind == "procedure" {
			ap = append(ap, r)
		} else {
			af = append(af, r)
		}
	}
	for _, r := range b.Routines {
		if r.Kind == "procedure" {
			bp = append(bp, r)
		} else {
			bf = append(bf, r)
		}
	}
	routineName := func(r *Routine) string { return r.Name + "(" + r.Args + ")" }
	for _, k := range []struct {
		kind string
		a, b []*Routine
	}{{KindFunction, af, bf}, {KindProcedure, ap, bp}} {
		diffSet(d, k.kind, k.a, k.b, routineName, func(name string, x, y *Routine) {
			d.changed(k.kind, name, prop(nil, "definition", x.Definition, y.Definition))
		})
	}
	diffSet(d, KindTrigger, a.Triggers, b.Triggers, func(t *Trigger) string { return t.Table + "." + t.Name },
		func(name string, x, y *Trigger) {
			d.changed(KindTrigger, name, prop(nil, "definition", x.Definition, y.Definition))
		})
	diffSet(d, KindSequence, a.Sequences, b.Sequences, func(s *Sequence) string { return s.Name }, d.sequence)
	diffSet(d, KindType, a.Enums, b.Enums, func(e *Enum) string { return e.Name }, func(name string, x, y *Enum) {
		d.changed(KindType, name, prop(nil, "values", strings.Join(x.Values, ", "), strings.Join(y.Values, ", ")))
	})
	return d.out
}

type differ struct{ out []Change }

func (d *differ) add(kind, object string, a Action) {
	d.out = append(d.out, Change{Kind: kind, Object: object, Action: a})
}

func (d *differ) changed(kind, object string, details []string) {
	if len(details) > 0 {
		d.out = append(d.out, Change{Kind: kind, Object: object, Action: Changed, Details: details})
	}
}

// diffSet matches the objects of a and b by key, in key order, reporting
// those on one side only and calling both for those on both sides.
func diffSet[T any](d *differ, kind string, a, b []T, key func(T) string, both func(string, T, T)) {
	am, bm := index(a, key), index(b, key)
	keys := slices.Sorted(maps.Keys(am))
	for k := range bm {
		if _, ok := am[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		x, inA := am[k]
		y, inB := bm[k]
		switch {
		case !inB:
			d.add(kind, k, Removed)
		case !inA:
			d.add(kind, k, Added)
		default:
			both(k, x, y)
		}
	}
}

func index[T any](xs []T, key func(T) string) map[string]T {
	m := make(map[string]T, len(xs))
	for _, x := range xs {
		m[key(x)] = x
	}
	return m
}

func prop(details []string, name, a, b string) []string {
	if a == b {
		return details
	}
	return append(details, fmt.Sprintf("%s: %s → %s", name, show(a), show(b)))
}

func show(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

func (d *differ) table(name string, a, b *Table) {
	// Columns: by name; a change of position is a change too, since a
	// down that re-adds a column puts it last.
	diffSet(d, KindColumn, a.Columns, b.Columns, func(c *Column) string { return name + "." + c.Name },
		func(k string, x, y *Column) { d.changed(KindColumn, k, columnDetails(x, y)) })
	if d.sameColumns(a, b) && !slices.EqualFunc(a.Columns, b.Columns, func(x, y *Column) bool { return x.Name == y.Name }) {
		d.changed(KindTable, name, []string{fmt.Sprintf("column order: %s → %s", columnNames(a), columnNames(b))})
	}
	switch {
	case a.PrimaryKey == nil && b.PrimaryKey != nil:
		d.add(KindPrimaryKey, name+" "+pkString(b.PrimaryKey), Added)
	case a.PrimaryKey != nil && b.PrimaryKey == nil:
		d.add(KindPrimaryKey, name+" "+pkString(a.PrimaryKey), Removed)
	case a.PrimaryKey != nil:
		var det []string
		det = prop(det, "name", a.PrimaryKey.Name, b.PrimaryKey.Name)
		det = prop(det, "columns", strings.Join(a.PrimaryKey.Columns, ", "), strings.Join(b.PrimaryKey.Columns, ", "))
		det = prop(det, "deferrable", a.PrimaryKey.Deferrable, b.PrimaryKey.Deferrable)
		d.changed(KindPrimaryKey, name, det)
	}
	diffSet(d, KindUnique, a.Uniques, b.Uniques, func(u *Unique) string {
		return name + " " + named(u.Name, "UNIQUE ("+strings.Join(u.Columns, ", ")+")")
	}, func(k string, x, y *Unique) {
		det := prop(nil, "columns", strings.Join(x.Columns, ", "), strings.Join(y.Columns, ", "))
		d.changed(KindUnique, k, prop(det, "deferrable", x.Deferrable, y.Deferrable))
	})
	diffSet(d, KindCheck, a.Checks, b.Checks, func(c *Check) string {
		return name + " " + named(c.Name, "CHECK ("+c.Expr+")")
	}, func(k string, x, y *Check) { d.changed(KindCheck, k, prop(nil, "expression", x.Expr, y.Expr)) })
	diffSet(d, KindForeignKey, a.ForeignKeys, b.ForeignKeys, func(f *ForeignKey) string {
		return name + " " + named(f.Name, "("+strings.Join(f.Columns, ", ")+") → "+f.RefTable+"("+strings.Join(f.RefColumns, ", ")+")")
	}, func(k string, x, y *ForeignKey) {
		var det []string
		det = prop(det, "columns", strings.Join(x.Columns, ", "), strings.Join(y.Columns, ", "))
		det = prop(det, "references", x.RefTable+"("+strings.Join(x.RefColumns, ", ")+")", y.RefTable+"("+strings.Join(y.RefColumns, ", ")+")")
		det = prop(det, "on delete", x.OnDelete, y.OnDelete)
		det = prop(det, "on update", x.OnUpdate, y.OnUpdate)
		det = prop(det, "deferrable", x.Deferrable, y.Deferrable)
		d.changed(KindForeignKey, k, det)
	})
	d.indexes(name, a.Indexes, b.Indexes)
	var det []string
	for _, k := range slices.Sorted(maps.Keys(union(a.Options, b.Options))) {
		det = prop(det, k, a.Options[k], b.Options[k])
	}
	d.changed(KindTableOpt, name, det)
	d.changed(KindTable, name, prop(nil, "comment", a.Comment, b.Comment))
}

// indexes compares the indexes of the table or materialized view name.
func (d *differ) indexes(name string, a, b []*Index) {
	diffSet(d, KindIndex, a, b, func(i *Index) string { return name + "." + i.Name },
		func(k string, x, y *Index) {
			var det []string
			if x.Unique != y.Unique {
				det = append(det, fmt.Sprintf("unique: %t → %t", x.Unique, y.Unique))
			}
			det = prop(det, "keys", partsString(x.Parts), partsString(y.Parts))
			det = prop(det, "where", x.Where, y.Where)
			det = prop(det, "method", x.Method, y.Method)
			det = prop(det, "include", strings.Join(x.Include, ", "), strings.Join(y.Include, ", "))
			d.changed(KindIndex, k, det)
		})
}

func union(a, b map[string]string) map[string]string {
	m := maps.Clone(a)
	if m == nil {
		m = map[string]string{}
	}
	maps.Copy(m, b)
	return m
}

func (d *differ) sameColumns(a, b *Table) bool {
	if len(a.Columns) != len(b.Columns) {
		return false
	}
	for _, c := range a.Columns {
		if b.Column(c.Name) == nil {
			return false
		}
	}
	return true
}

func columnNames(t *Table) string {
	names := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		names[i] = c.Name
	}
	return strings.Join(names, ", ")
}

func columnDetails(x, y *Column) []string {
	var det []string
	det = prop(det, "type", x.Type, y.Type)
	if x.Nullable != y.Nullable {
		det = append(det, "nullable: "+nullWord(x.Nullable)+" → "+nullWord(y.Nullable))
	}
	det = prop(det, "default", x.Default, y.Default)
	det = prop(det, "on update", x.OnUpdate, y.OnUpdate)
	det = prop(det, "identity", x.Identity, y.Identity)
	det = prop(det, "generated", x.Generated, y.Generated)
	if x.Generated != "" && x.Generated == y.Generated && x.Stored != y.Stored {
		det = append(det, fmt.Sprintf("stored: %t → %t", x.Stored, y.Stored))
	}
	det = prop(det, "collation", x.Collation, y.Collation)
	det = prop(det, "comment", x.Comment, y.Comment)
	return det
}

func nullWord(nullable bool) string {
	if nullable {
		return "NULL"
	}
	return "NOT NULL"
}

func named(name, shape string) string {
	if name != "" {
		return name
	}
	return shape
}

func pkString(p *PrimaryKey) string {
	return named(p.Name, "("+strings.Join(p.Columns, ", ")+")")
}

func partsString(parts []*IndexPart) string {
	s := make([]string, len(parts))
	for i, p := range parts {
		s[i] = p.Column
		if p.Expr != "" {
			s[i] = "(" + p.Expr + ")"
		}
		if p.Prefix > 0 {
			s[i] += "(" + strconv.Itoa(p.Prefix) + ")"
		}
		if p.Collation != "" {
			s[i] += " COLLATE " + p.Collation
		}
		if p.Opclass != "" {
			s[i] += " " + p.Opclass
		}
		if p.Desc {
			s[i] += " DESC"
		}
		if p.Nulls != "" {
			s[i] += " NULLS " + strings.ToUpper(p.Nulls)
		}
	}
	return strings.Join(s, ", ")
}

func (d *differ) sequence(name string, x, y *Sequence) {
	var det []string
	det = prop(det, "type", x.Type, y.Type)
	num := func(label string, a, b int64) {
		if a != b {
			det = append(det, fmt.Sprintf("%s: %d → %d", label, a, b))
		}
	}
	num("start", x.Start, y.Start)
	num("increment", x.Increment, y.Increment)
	num("min", x.Min, y.Min)
	num("max", x.Max, y.Max)
	num("cache", x.Cache, y.Cache)
	if x.Cycle != y.Cycle {
		det = append(det, fmt.Sprintf("cycle: %t → %t", x.Cycle, y.Cycle))
	}
	det = prop(det, "owned by", x.OwnedBy, y.OwnedBy)
	d.changed(KindSequence, name, det)
}
