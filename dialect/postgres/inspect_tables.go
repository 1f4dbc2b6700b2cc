package postgres

import (
	"context"
	"database/sql"
	"strings"

	"github.com/tidemigrate/tide/schema"
)

// qualifiedName is an SQL expression for the name of relation (a
// pg_class row alias) as the model writes it: bare in the inspected
// schema ($1), "schema.name" in another.
func qualifiedName(rel, nsp string) string {
	return `CASE WHEN ` + nsp + `.nspname = $1 THEN ` + rel + `.relname ELSE ` + nsp + `.nspname || '.' || ` + rel + `.relname END`
}

// readTables reads the base tables, partitioned tables and partitions.
// Foreign tables, typed tables' types and other relations are not tables
// of the model.
func (in *inspector) readTables(ctx context.Context) error {
	return in.each(ctx, `SELECT c.relname, c.relpersistence = 'u',
			(SELECT string_agg(o, ', ' ORDER BY o) FROM unnest(c.reloptions) o),
			CASE WHEN c.relkind = 'p' THEN pg_catalog.pg_get_partkeydef(c.oid) END,
			(SELECT `+qualifiedName("pc", "pn")+` FROM pg_catalog.pg_inherits i
				JOIN pg_catalog.pg_class pc ON pc.oid = i.inhparent
				JOIN pg_catalog.pg_namespace pn ON pn.oid = pc.relnamespace
				WHERE i.inhrelid = c.oid AND c.relispartition),
			CASE WHEN c.relispartition THEN pg_catalog.pg_get_expr(c.relpartbound, c.oid) END,
			(SELECT string_agg(`+qualifiedName("pc", "pn")+`, ', ' ORDER BY i.inhseqno) FROM pg_catalog.pg_inherits i
				JOIN pg_catalog.pg_class pc ON pc.oid = i.inhparent
				JOIN pg_catalog.pg_namespace pn ON pn.oid = pc.relnamespace
				WHERE i.inhrelid = c.oid AND NOT c.relispartition),
			d.description
		FROM pg_catalog.pg_class c
		JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
		LEFT JOIN pg_catalog.pg_description d ON d.objoid = c.oid
			AND d.classoid = 'pg_catalog.pg_class'::regclass AND d.objsubid = 0
		WHERE n.nspname = $1 AND c.relkind IN ('r', 'p')
			AND `+notExtension("pg_catalog.pg_class", "c.oid"),
		func(rows *sql.Rows) error {
			var (
				name                                      string
				unlogged                                  bool
				with, partBy, partOf, bound, inh, comment sql.NullString
			)
			if err := rows.Scan(&name, &unlogged, &with, &partBy, &partOf, &bound, &inh, &comment); err != nil {
				return err
			}
			if in.opts.Excluded(name) {
				return nil
			}
			t := &schema.Table{Name: name, Columns: []*schema.Column{}, Comment: comment.String}
			opt := func(k, v string) {
				if v == "" {
					return
				}
				if t.Options == nil {
					t.Options = map[string]string{}
				}
				t.Options[k] = v
			}
			if unlogged {
				opt(schema.OptUnlogged, "true")
			}
			opt(schema.OptWith, with.String)
			opt(schema.OptPartitionBy, partBy.String)
			opt(schema.OptPartitionOf, partOf.String)
			opt(schema.OptPartitionBound, bound.String)
			opt(schema.OptInherits, inh.String)
			in.tables[name] = t
			in.out.Tables = append(in.out.Tables, t)
			return nil
		})
}

// readColumns reads the columns of every table in one query. Defaults,
// which cannot read columns, are printed without their table: naming it
// makes pg_get_expr open the table, which costs a fresh session as much
// as the rest of the query. A column's
// collation is set when it is not its type's; it is spelled as DDL writes
// it (quoted when it must be, "C", "en_US.utf8"), qualified when it lives
// in a schema that is neither pg_catalog nor the inspected one.
func (in *inspector) readColumns(ctx context.Context) error {
	return in.each(ctx, `SELECT c.relname, a.attname,
			pg_catalog.format_type(a.atttypid, a.atttypmod), a.attnotnull,
			CASE WHEN a.attgenerated = '' THEN pg_catalog.pg_get_expr(ad.adbin, 0)
				ELSE pg_catalog.pg_get_expr(ad.adbin, ad.adrelid) END,
			a.attidentity, a.attgenerated,
			CASE WHEN a.attcollation <> 0 AND a.attcollation <> t.typcollation THEN
				CASE WHEN co.oid IS NULL THEN NULL
				WHEN pg_catalog.pg_collation_is_visible(co.oid) THEN quote_ident(co.collname)
				ELSE quote_ident(cn.nspname) || '.' || quote_ident(co.collname) END
			END,
			d.description
		FROM pg_catalog.pg_attribute a
		JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
		JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
		JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
		LEFT JOIN pg_catalog.pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
		LEFT JOIN pg_catalog.pg_collation co ON co.oid = a.attcollation
		LEFT JOIN pg_catalog.pg_namespace cn ON cn.oid = co.collnamespace
		LEFT JOIN pg_catalog.pg_description d ON d.objoid = a.attrelid
			AND d.classoid = 'pg_catalog.pg_class'::regclass AND d.objsubid = a.attnum
		WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
		ORDER BY c.relname, a.attnum`,
		func(rows *sql.Rows) error {
			var (
				table, name, typ, identity, generated string
				notNull                               bool
				def, collation, comment               sql.NullString
			)
			if err := rows.Scan(&table, &name, &typ, &notNull, &def, &identity, &generated, &collation, &comment); err != nil {
				return err
			}
			t := in.tables[table]
			if t == nil {
				return nil
			}
			c := &schema.Column{
				Name:      name,
				Type:      typ,
				Nullable:  !notNull,
				Collation: collation.String,
				Comment:   comment.String,
			}
			switch identity {
			case "a":
				c.Identity = schema.IdentityAlways
			case "d":
				c.Identity = schema.IdentityByDefault
			}
			// attgenerated: 's' stored, 'v' virtual (PostgreSQL 18).
			if generated == "s" || generated == "v" {
				c.Generated, c.Stored = def.String, generated == "s"
			} else {
				c.Default = normDefault(def.String)
			}
			t.Columns = append(t.Columns, c)
			return nil
		})
}

// normDefault normalises a default expression as pg_get_expr prints it:
// a NULL default, with or without a cast, is no default.
func normDefault(def string) string {
	if def == "NULL" || strings.HasPrefix(def, "NULL::") {
		return ""
	}
	return def
}

// fkActions maps pg_constraint's confupdtype/confdeltype to the model's
// words; 'a' (NO ACTION) is empty.
var fkActions = map[string]string{"r": "RESTRICT", "c": "CASCADE", "n": "SET NULL", "d": "SET DEFAULT"}

// readConstraints reads primary keys, unique, check and foreign key
// constraints. Those a partition holds because its partitioned table has
// them (cloned keys, inherited checks) are the parent's, not the
// partition's: they come back when the partition is attached.
// Exclusion constraints are not part of the model.
func (in *inspector) readConstraints(ctx context.Context) error {
	return in.each(ctx, `SELECT c.relname, con.conname, con.contype,
			(SELECT json_agg(a.attname ORDER BY k.i) FROM unnest(con.conkey) WITH ORDINALITY k(n, i)
				JOIN pg_catalog.pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.n),
			CASE WHEN con.contype = 'c' THEN pg_catalog.pg_get_expr(con.conbin, con.conrelid) END,
			CASE WHEN con.contype = 'f' THEN `+qualifiedName("rc", "rn")+` END,
			(SELECT json_agg(a.attname ORDER BY k.i) FROM unnest(con.confkey) WITH ORDINALITY k(n, i)
				JOIN pg_catalog.pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.n),
			con.confupdtype, con.confdeltype,
			CASE WHEN con.condeferred THEN 'DEFERRABLE INITIALLY DEFERRED' WHEN con.condeferrable THEN 'DEFERRABLE' ELSE '' END
		FROM pg_catalog.pg_constraint con
		JOIN pg_catalog.pg_class c ON c.oid = con.conrelid
		JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
		LEFT JOIN pg_catalog.pg_class rc ON rc.oid = con.confrelid
		LEFT JOIN pg_catalog.pg_namespace rn ON rn.oid = rc.relnamespace
		WHERE n.nspname = $1 AND con.contype IN ('p', 'u', 'c', 'f')
			AND con.conparentid = 0 AND con.conislocal
		ORDER BY c.relname, con.conname`,
		func(rows *sql.Rows) error {
			var (
				table, name, kind, onUpdate, onDelete, deferrable string
				keyJSON, expr, ref, refJSON                       sql.NullString
			)
			if err := rows.Scan(&table, &name, &kind, &keyJSON, &expr, &ref, &refJSON, &onUpdate, &onDelete, &deferrable); err != nil {
				return err
			}
			t := in.tables[table]
			if t == nil {
				return nil
			}
			cols, err := jsonStrings(keyJSON)
			if err != nil {
				return err
			}
			switch kind {
			case "p":
				t.PrimaryKey = &schema.PrimaryKey{Name: keepName(name, table, nil, "pkey"), Columns: cols, Deferrable: deferrable}
			case "u":
				t.Uniques = append(t.Uniques, &schema.Unique{Name: keepName(name, table, cols, "key"), Columns: cols, Deferrable: deferrable})
			case "c":
				// A check reading one column is named after it, one
				// reading several (or none) after the table alone.
				var named []string
				if len(cols) == 1 {
					named = cols
				}
				t.Checks = append(t.Checks, &schema.Check{Name: keepName(name, table, named, "check"), Expr: expr.String})
			case "f":
				refCols, err := jsonStrings(refJSON)
				if err != nil {
					return err
				}
				t.ForeignKeys = append(t.ForeignKeys, &schema.ForeignKey{
					Name:       keepName(name, table, cols, "fkey"),
					Columns:    cols,
					RefTable:   ref.String,
					RefColumns: refCols,
					OnDelete:   fkActions[onDelete],
					OnUpdate:   fkActions[onUpdate],
					Deferrable: deferrable,
				})
			}
			return nil
		})
}

// keepName returns name, or "" when PostgreSQL would have invented it.
func keepName(name, table string, cols []string, label string) string {
	if invented(name, table, cols, label) {
		return ""
	}
	return name
}

// readIndexes reads the indexes of tables and materialized views that
// back no constraint, one row per key or INCLUDE column. Indexes a
// partition holds because its partitioned table has them are the
// parent's.
func (in *inspector) readIndexes(ctx context.Context) error {
	var cur *schema.Index
	return in.each(ctx, `SELECT c.relname, ic.relname, i.indisunique, am.amname,
			pg_catalog.pg_get_expr(i.indpred, i.indrelid),
			k.n >= i.indnkeyatts, a.attname,
			CASE WHEN i.indkey[k.n] = 0 THEN pg_catalog.pg_get_indexdef(i.indexrelid, k.n + 1, false) END,
			COALESCE(i.indoption[k.n], 0),
			CASE WHEN k.n < i.indnkeyatts AND (NOT oc.opcdefault OR (i.indkey[k.n] <> 0
				AND oc.opcintype <> a.atttypid AND EXISTS (SELECT 1 FROM pg_catalog.pg_opclass d
					WHERE d.opcmethod = oc.opcmethod AND d.opcdefault AND d.opcintype = a.atttypid)))
			THEN CASE WHEN pg_catalog.pg_opclass_is_visible(oc.oid) THEN quote_ident(oc.opcname)
				ELSE quote_ident(ocn.nspname) || '.' || quote_ident(oc.opcname) END END
		FROM pg_catalog.pg_index i
		JOIN pg_catalog.pg_class c ON c.oid = i.indrelid
		JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
		JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
		JOIN pg_catalog.pg_am am ON am.oid = ic.relam
		CROSS JOIN LATERAL generate_series(0, i.indnatts - 1) k(n)
		LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[k.n] AND i.indkey[k.n] > 0
		LEFT JOIN pg_catalog.pg_opclass oc ON oc.oid = i.indclass[k.n]
		LEFT JOIN pg_catalog.pg_namespace ocn ON ocn.oid = oc.opcnamespace
		WHERE n.nspname = $1 AND c.relkind IN ('r', 'p', 'm')
			AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint con
				WHERE con.conindid = i.indexrelid AND con.conrelid = i.indrelid AND con.contype IN ('p', 'u', 'x'))
			AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_inherits h WHERE h.inhrelid = i.indexrelid)
		ORDER BY c.relname, ic.relname, k.n`,
		func(rows *sql.Rows) error {
			var (
				table, name, method      string
				unique, include          bool
				where, col, expr, opclas sql.NullString
				option                   int
			)
			if err := rows.Scan(&table, &name, &unique, &method, &where, &include, &col, &expr, &option, &opclas); err != nil {
				return err
			}
			if cur == nil || cur.Name != name { // index names are unique in a schema
				cur = &schema.Index{Name: name, Unique: unique, Where: where.String, Parts: []*schema.IndexPart{}}
				if method != "btree" {
					cur.Method = method
				}
				switch {
				case in.tables[table] != nil:
					in.tables[table].Indexes = append(in.tables[table].Indexes, cur)
				case in.views[table] != nil:
					in.views[table].Indexes = append(in.views[table].Indexes, cur)
				default: // an excluded table's, or an extension's view
				}
			}
			if include {
				cur.Include = append(cur.Include, col.String)
				return nil
			}
			p := &schema.IndexPart{Column: col.String, Expr: expr.String, Opclass: opclas.String}
			// indoption bits: 1 DESC, 2 NULLS FIRST. NULLS FIRST is the
			// default of DESC, NULLS LAST that of ASC.
			p.Desc = option&1 != 0
			nullsFirst := option&2 != 0
			switch {
			case p.Desc && !nullsFirst:
				p.Nulls = "last"
			case !p.Desc && nullsFirst:
				p.Nulls = "first"
			}
			cur.Parts = append(cur.Parts, p)
			return nil
		})
}
