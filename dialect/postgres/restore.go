package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/tidemigrate/tide/backup"
	"github.com/tidemigrate/tide/dialect"
)

// DropTable drops table, and first what PostgreSQL would refuse to drop
// it under: the foreign keys of other tables that point at it, and the
// views that depend on it (and on them), each returned with the
// statements that create it again as it was (a view with its options,
// comments, privileges, owner, rules and triggers). Another object that
// depends on the table (a materialized view, a function whose body
// refers to it) makes it refuse, naming it.
func (d Dialect) DropTable(ctx context.Context, q dialect.Querier, table string) ([]backup.Dependent, error) {
	fks, err := d.referencingKeys(ctx, q, table)
	if err != nil {
		return nil, err
	}
	views, err := d.dependentViews(ctx, q, table)
	if err != nil {
		return nil, err
	}
	for _, fk := range fks {
		if _, err := q.ExecContext(ctx, "ALTER TABLE "+d.QuoteIdent(fk.Table)+" DROP CONSTRAINT "+d.QuoteIdent(fk.Name)); err != nil {
			return nil, fmt.Errorf("drop foreign key %s of %s: %w", fk.Name, fk.Table, err)
		}
	}
	for i := len(views) - 1; i >= 0; i-- { // those that depend on others first
		if _, err := q.ExecContext(ctx, "DROP VIEW "+d.QuoteIdent(views[i].Table)); err != nil {
			return nil, fmt.Errorf("drop view %s, which depends on it: %w", views[i].Table, err)
		}
	}
	if _, err := q.ExecContext(ctx, "DROP TABLE "+d.QuoteIdent(table)); err != nil {
		return nil, fmt.Errorf("%w (drop what depends on the table first, then restore again)", err)
	}
	return append(fks, views...), nil
}

// referencingKeys returns the foreign keys of other tables that point at
// table, as PostgreSQL prints them.
func (d Dialect) referencingKeys(ctx context.Context, q dialect.Querier, table string) ([]backup.Dependent, error) {
	rows, err := q.QueryContext(ctx, `SELECT n.nspname || '.' || c.relname, con.conname,
			format('ALTER TABLE %I.%I ADD CONSTRAINT %I ', n.nspname, c.relname, con.conname) || pg_get_constraintdef(con.oid),
			pn.nspname || '.' || p.relname
		FROM pg_constraint con
		JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
		JOIN pg_class p ON p.oid = con.confrelid JOIN pg_namespace pn ON pn.oid = p.relnamespace
		WHERE con.contype = 'f' AND con.confrelid = to_regclass($1) AND con.conrelid <> con.confrelid
		ORDER BY 1, 2`, d.QuoteIdent(table))
	if err != nil {
		return nil, fmt.Errorf("list the foreign keys that point at %s: %w", table, err)
	}
	var fks []backup.Dependent
	for rows.Next() {
		fk := backup.Dependent{Kind: backup.DependentForeignKey, SQL: make([]string, 1)}
		if err := rows.Scan(&fk.Table, &fk.Name, &fk.SQL[0], &fk.RefTable); err != nil {
			rows.Close()
			return nil, fmt.Errorf("list the foreign keys that point at %s: %w", table, err)
		}
		fks = append(fks, fk)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return nil, fmt.Errorf("list the foreign keys that point at %s: %w", table, err)
	}
	return fks, nil
}

// dependentViews returns the views that depend on table, directly or
// through other views, in an order in which they can be created, each
// with the statements that create it again. A materialized view among
// them is refused.
func (d Dialect) dependentViews(ctx context.Context, q dialect.Querier, table string) ([]backup.Dependent, error) {
	rows, err := q.QueryContext(ctx, `WITH RECURSIVE deps(oid, depth) AS (
			SELECT r.ev_class, 1 FROM pg_depend dp JOIN pg_rewrite r ON r.oid = dp.objid
			WHERE dp.classid = 'pg_rewrite'::regclass AND dp.refclassid = 'pg_class'::regclass
				AND dp.refobjid = to_regclass($1) AND r.ev_class <> dp.refobjid
			UNION
			SELECT r.ev_class, deps.depth + 1 FROM deps
			JOIN pg_depend dp ON dp.refobjid = deps.oid AND dp.classid = 'pg_rewrite'::regclass AND dp.refclassid = 'pg_class'::regclass
			JOIN pg_rewrite r ON r.oid = dp.objid
			WHERE r.ev_class <> dp.refobjid AND deps.depth < 100
		)
		SELECT n.nspname || '.' || c.relname, c.relkind::text,
			format('CREATE VIEW %I.%I', n.nspname, c.relname)
				|| coalesce(' WITH (' || array_to_string(c.reloptions, ', ') || ')', '')
				|| ' AS ' || rtrim(pg_get_viewdef(c.oid), E'; \n'),
			coalesce(format('COMMENT ON VIEW %I.%I IS %L', n.nspname, c.relname, obj_description(c.oid, 'pg_class')), ''),
			array_to_json(ARRAY(SELECT format('COMMENT ON COLUMN %I.%I.%I IS %L', n.nspname, c.relname, a.attname, ds.description)
				FROM pg_description ds JOIN pg_attribute a ON a.attrelid = ds.objoid AND a.attnum = ds.objsubid
				WHERE ds.objoid = c.oid AND ds.classoid = 'pg_class'::regclass AND ds.objsubid > 0))::text,
			CASE WHEN c.relowner <> (SELECT oid FROM pg_roles WHERE rolname = current_user)
				THEN format('ALTER VIEW %I.%I OWNER TO %I', n.nspname, c.relname, pg_get_userbyid(c.relowner)) ELSE '' END,
			array_to_json(ARRAY(SELECT format('GRANT %s ON %I.%I TO %s%s', a.privilege_type, n.nspname, c.relname,
					CASE a.grantee WHEN 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(a.grantee)) END,
					CASE WHEN a.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END)
				FROM aclexplode(c.relacl) a WHERE a.grantee <> c.relowner))::text,
			array_to_json(ARRAY(SELECT rtrim(pg_get_ruledef(r.oid), ';') FROM pg_rewrite r WHERE r.ev_class = c.oid AND r.rulename <> '_RETURN'))::text,
			array_to_json(ARRAY(SELECT pg_get_triggerdef(t.oid) FROM pg_trigger t WHERE t.tgrelid = c.oid AND NOT t.tgisinternal))::text
		FROM (SELECT oid, max(depth) AS depth FROM deps GROUP BY oid) dv
		JOIN pg_class c ON c.oid = dv.oid JOIN pg_namespace n ON n.oid = c.relnamespace
		ORDER BY dv.depth, 1`, d.QuoteIdent(table))
	if err != nil {
		return nil, fmt.Errorf("list the views that depend on %s: %w", table, err)
	}
	defer rows.Close()
	var views []backup.Dependent
	for rows.Next() {
		var name, kind, create, comment, owner string
		var lists [4]string // JSON arrays: column comments, grants, rules, triggers
		if err := rows.Scan(&name, &kind, &create, &comment, &lists[0], &owner, &lists[1], &lists[2], &lists[3]); err != nil {
			return nil, fmt.Errorf("list the views that depend on %s: %w", table, err)
		}
		var columnComments, grants, rules, triggers []string
		for i, dst := range []*[]string{&columnComments, &grants, &rules, &triggers} {
			if err := json.Unmarshal([]byte(lists[i]), dst); err != nil {
				return nil, fmt.Errorf("list the views that depend on %s: %w", table, err)
			}
		}
		if kind != "v" {
			return nil, fmt.Errorf("%s depends on %s, and a restore can create again only plain views: drop it, restore, then create it again", name, table)
		}
		stmts := []string{create}
		for _, s := range append(append([]string{comment, owner}, columnComments...), append(append(grants, rules...), triggers...)...) {
			if s != "" {
				stmts = append(stmts, s)
			}
		}
		views = append(views, backup.Dependent{Kind: backup.DependentView, Table: name, Name: name, RefTable: table, SQL: stmts})
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list the views that depend on %s: %w", table, err)
	}
	return views, nil
}

var _ backup.PrivilegeReader = Dialect{}

// TablePrivileges returns the owner (when it is not the current user)
// and the privileges of table, on the table and on its columns, as GRANT
// statements: PostgreSQL loses them with a dropped table.
func (d Dialect) TablePrivileges(ctx context.Context, q dialect.Querier, table string) ([]string, error) {
	var list string
	err := q.QueryRowContext(ctx, `SELECT array_to_json(
			ARRAY(SELECT format('ALTER TABLE %I.%I OWNER TO %I', n.nspname, c.relname, pg_get_userbyid(c.relowner))
				WHERE c.relowner <> (SELECT oid FROM pg_roles WHERE rolname = current_user))
			|| ARRAY(SELECT format('GRANT %s ON %I.%I TO %s%s', a.privilege_type, n.nspname, c.relname,
					CASE a.grantee WHEN 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(a.grantee)) END,
					CASE WHEN a.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END)
				FROM aclexplode(c.relacl) a WHERE a.grantee <> c.relowner ORDER BY 1)
			|| ARRAY(SELECT format('GRANT %s (%I) ON %I.%I TO %s%s', a.privilege_type, att.attname, n.nspname, c.relname,
					CASE a.grantee WHEN 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(a.grantee)) END,
					CASE WHEN a.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END)
				FROM pg_attribute att, aclexplode(att.attacl) a
				WHERE att.attrelid = c.oid AND att.attnum > 0 AND NOT att.attisdropped ORDER BY 1))::text
		FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = to_regclass($1)`, d.QuoteIdent(table)).Scan(&list)
	if err != nil {
		return nil, fmt.Errorf("read the privileges of %s: %w", table, err)
	}
	var stmts []string
	if err := json.Unmarshal([]byte(list), &stmts); err != nil {
		return nil, fmt.Errorf("read the privileges of %s: %w", table, err)
	}
	return stmts, nil
}
