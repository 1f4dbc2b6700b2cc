package postgres

import (
	"context"
	"database/sql"
	"strings"

	"github.com/tidemigrate/tide/schema"
)

// readViews reads views and materialized views with their queries as
// pg_get_viewdef prints them (pretty), which is what PostgreSQL keeps:
// the parsed query, not the text that created it.
func (in *inspector) readViews(ctx context.Context) error {
	return in.each(ctx, `SELECT c.relname, c.relkind = 'm', pg_catalog.pg_get_viewdef(c.oid, true)
		FROM pg_catalog.pg_class c
		JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = $1 AND c.relkind IN ('v', 'm')
			AND `+notExtension("pg_catalog.pg_class", "c.oid"),
		func(rows *sql.Rows) error {
			v := &schema.View{}
			if err := rows.Scan(&v.Name, &v.Materialized, &v.Definition); err != nil {
				return err
			}
			in.out.Views = append(in.out.Views, v)
			in.views[v.Name] = v
			return nil
		})
}

// readRoutines reads functions and procedures (not aggregates or window
// functions) with pg_get_functiondef, whose CREATE OR REPLACE statement
// names the routine with its schema: the name is left bare, as every
// other object of the schema is. SECURITY DEFINER stays: unlike MySQL's
// DEFINER = user, it is part of what the routine does.
func (in *inspector) readRoutines(ctx context.Context) error {
	return in.each(ctx, `SELECT p.proname, p.prokind, pg_catalog.pg_get_function_identity_arguments(p.oid),
			pg_catalog.pg_get_functiondef(p.oid), quote_ident(p.proname),
			quote_ident(n.nspname) || '.' || quote_ident(p.proname)
		FROM pg_catalog.pg_proc p
		JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
		WHERE n.nspname = $1 AND p.prokind IN ('f', 'p')
			AND `+notExtension("pg_catalog.pg_proc", "p.oid"),
		func(rows *sql.Rows) error {
			var r schema.Routine
			var kind, bare, qualified string
			if err := rows.Scan(&r.Name, &kind, &r.Args, &r.Definition, &bare, &qualified); err != nil {
				return err
			}
			r.Kind = "function"
			if kind == "p" {
				r.Kind = "procedure"
			}
			kw := " " + strings.ToUpper(r.Kind) + " "
			r.Definition = strings.Replace(r.Definition, kw+qualified+"(", kw+bare+"(", 1)
			r.Definition = strings.TrimRight(r.Definition, " \n")
			in.out.Routines = append(in.out.Routines, &r)
			return nil
		})
}

// readTriggers reads the triggers on the schema's tables and views,
// leaving out PostgreSQL's own (foreign keys' triggers) and the copies a
// partition holds of its partitioned table's triggers.
func (in *inspector) readTriggers(ctx context.Context) error {
	return in.each(ctx, `SELECT c.relname, c.relkind, t.tgname, pg_catalog.pg_get_triggerdef(t.oid, true)
		FROM pg_catalog.pg_trigger t
		JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid
		JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = $1 AND NOT t.tgisinternal AND t.tgparentid = 0
			AND `+notExtension("pg_catalog.pg_class", "c.oid"),
		func(rows *sql.Rows) error {
			var tr schema.Trigger
			var kind string
			if err := rows.Scan(&tr.Table, &kind, &tr.Name, &tr.Definition); err != nil {
				return err
			}
			if (kind == "r" || kind == "p") && in.tables[tr.Table] == nil {
				return nil // an excluded table's
			}
			in.out.Triggers = append(in.out.Triggers, &tr)
			return nil
		})
}

// readSequences reads the sequences, those owned by a column (serial)
// with OwnedBy, but not those behind identity columns, which belong to
// the column.
func (in *inspector) readSequences(ctx context.Context) error {
	return in.each(ctx, `SELECT c.relname, pg_catalog.format_type(s.seqtypid, NULL), s.seqstart, s.seqincrement,
			s.seqmin, s.seqmax, s.seqcache, s.seqcycle, oc.relname, oa.attname
		FROM pg_catalog.pg_sequence s
		JOIN pg_catalog.pg_class c ON c.oid = s.seqrelid
		JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
		LEFT JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_class'::regclass AND d.objid = c.oid
			AND d.refclassid = 'pg_catalog.pg_class'::regclass AND d.refobjsubid > 0 AND d.deptype = 'a'
		LEFT JOIN pg_catalog.pg_class oc ON oc.oid = d.refobjid AND oc.relnamespace = c.relnamespace
		LEFT JOIN pg_catalog.pg_attribute oa ON oa.attrelid = d.refobjid AND oa.attnum = d.refobjsubid
		WHERE n.nspname = $1
			AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend i WHERE i.classid = 'pg_catalog.pg_class'::regclass
				AND i.objid = c.oid AND i.deptype = 'i')
			AND `+notExtension("pg_catalog.pg_class", "c.oid"),
		func(rows *sql.Rows) error {
			var sq schema.Sequence
			var table, col sql.NullString
			if err := rows.Scan(&sq.Name, &sq.Type, &sq.Start, &sq.Increment, &sq.Min, &sq.Max, &sq.Cache, &sq.Cycle, &table, &col); err != nil {
				return err
			}
			if table.Valid && col.Valid {
				if in.tables[table.String] == nil {
					return nil // owned by an excluded table
				}
				sq.OwnedBy = table.String + "." + col.String
			}
			in.out.Sequences = append(in.out.Sequences, &sq)
			return nil
		})
}

// readEnums reads the enum types with their labels in their sort order.
func (in *inspector) readEnums(ctx context.Context) error {
	return in.each(ctx, `SELECT t.typname,
			(SELECT json_agg(e.enumlabel ORDER BY e.enumsortorder) FROM pg_catalog.pg_enum e WHERE e.enumtypid = t.oid)
		FROM pg_catalog.pg_type t
		JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
		WHERE n.nspname = $1 AND t.typtype = 'e'
			AND `+notExtension("pg_catalog.pg_type", "t.oid"),
		func(rows *sql.Rows) error {
			e := &schema.Enum{}
			var labels sql.NullString
			if err := rows.Scan(&e.Name, &labels); err != nil {
				return err
			}
			vals, err := jsonStrings(labels)
			if err != nil {
				return err
			}
			e.Values = vals
			if e.Values == nil {
				e.Values = []string{}
			}
			in.out.Enums = append(in.out.Enums, e)
			return nil
		})
}
