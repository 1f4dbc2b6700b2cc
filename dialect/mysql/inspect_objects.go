package mysql

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/tidemigrate/tide/schema"
)

// readIndexes reads every index from STATISTICS and sorts them into the
// primary key, unique constraints (unique keys on plain columns with the
// default method) and indexes.
func (in *inspection) readIndexes(ctx context.Context) error {
	type key struct{ table, name string }
	type index struct {
		table  *table
		name   string
		unique bool
		method string
		parts  []*schema.IndexPart
	}
	var order []key
	found := map[key]*index{}
	expr := "NULL"
	if in.hasIndexExpr {
		expr = "EXPRESSION"
	}
	var tbl, name, typ string
	var nonUnique int
	var col, collation, exprText sql.NullString
	var subPart sql.NullInt64
	err := in.each(ctx, `SELECT TABLE_NAME, INDEX_NAME, NON_UNIQUE, COLUMN_NAME, SUB_PART, COLLATION, INDEX_TYPE, `+expr+`
		FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX`,
		[]any{in.name}, []any{&tbl, &name, &nonUnique, &col, &subPart, &collation, &typ, &exprText}, func() error {
			t := in.tables[tbl]
			if t == nil {
				return nil
			}
			k := key{tbl, name}
			ix := found[k]
			if ix == nil {
				ix = &index{table: t, name: name, unique: nonUnique == 0, method: strings.ToLower(typ)}
				found[k] = ix
				order = append(order, k)
			}
			p := &schema.IndexPart{Column: col.String, Desc: collation.String == "D"}
			if exprText.Valid && exprText.String != "" {
				p.Column, p.Expr = "", stripParens(unescapeMySQL(exprText.String))
			}
			// SPATIAL indexes report a SUB_PART of their own (32) that
			// no DDL gives.
			if subPart.Valid && ix.method != "spatial" {
				p.Prefix = int(subPart.Int64)
			}
			ix.parts = append(ix.parts, p)
			return nil
		})
	if err != nil {
		return err
	}
	for _, k := range order {
		ix := found[k]
		t := ix.table.t
		if ix.name == "PRIMARY" {
			cols := make([]string, len(ix.parts))
			for i, p := range ix.parts {
				cols[i] = p.Column
			}
			t.PrimaryKey = &schema.PrimaryKey{Columns: cols}
			continue
		}
		method := ix.method
		if method == defaultMethod(ix.table.engine) {
			method = ""
		}
		if cols, ok := plainColumns(ix.parts); ok && ix.unique && method == "" {
			u := &schema.Unique{Name: ix.name, Columns: cols}
			if inventedKey(ix.name, cols[0]) {
				u.Name = ""
			}
			t.Uniques = append(t.Uniques, u)
			continue
		}
		t.Indexes = append(t.Indexes, &schema.Index{Name: ix.name, Unique: ix.unique, Parts: ix.parts, Method: method})
	}
	return nil
}

// defaultMethod is the index method an engine uses when DDL names none.
func defaultMethod(engine string) string {
	switch strings.ToUpper(engine) {
	case "MEMORY", "HEAP":
		return "hash"
	}
	return "btree"
}

// plainColumns returns the columns of parts when every part is a whole
// column in ascending order, the shape of a unique constraint.
func plainColumns(parts []*schema.IndexPart) ([]string, bool) {
	cols := make([]string, len(parts))
	for i, p := range parts {
		if p.Column == "" || p.Expr != "" || p.Prefix > 0 || p.Desc {
			return nil, false
		}
		cols[i] = p.Column
	}
	return cols, len(cols) > 0
}

// readViews reads the views, their queries unqualified and their check
// option kept.
func (in *inspection) readViews(ctx context.Context) error {
	var name, check string
	var def sql.NullString
	return in.each(ctx, `SELECT TABLE_NAME, VIEW_DEFINITION, CHECK_OPTION FROM information_schema.VIEWS WHERE TABLE_SCHEMA = ?`,
		[]any{in.name}, []any{&name, &def, &check}, func() error {
			if !def.Valid || def.String == "" {
				return fmt.Errorf("view %s: the catalog shows no definition: the user needs the SHOW VIEW privilege", name)
			}
			v := &schema.View{Name: name, Definition: unqualify(def.String, in.name)}
			if check = strings.ToUpper(check); check == "CASCADED" || check == "LOCAL" {
				v.Definition += "\nWITH " + check + " CHECK OPTION"
			}
			in.s.Views = append(in.s.Views, v)
			return nil
		})
}

// readRoutines reads the stored functions and procedures: their argument
// lists from PARAMETERS, their definitions from SHOW CREATE.
func (in *inspection) readRoutines(ctx context.Context) error {
	type key struct{ kind, name string }
	var routines []*schema.Routine
	byKey := map[key]*schema.Routine{}
	var name, kind string
	err := in.each(ctx, `SELECT ROUTINE_NAME, ROUTINE_TYPE FROM information_schema.ROUTINES
		WHERE ROUTINE_SCHEMA = ? AND ROUTINE_TYPE IN ('FUNCTION', 'PROCEDURE')`,
		[]any{in.name}, []any{&name, &kind}, func() error {
			r := &schema.Routine{Name: name, Kind: strings.ToLower(kind)}
			routines = append(routines, r)
			byKey[key{r.Kind, name}] = r
			return nil
		})
	if err != nil || len(routines) == 0 {
		return err
	}
	var mode, param, typ sql.NullString
	err = in.each(ctx, `SELECT SPECIFIC_NAME, ROUTINE_TYPE, PARAMETER_MODE, PARAMETER_NAME, DTD_IDENTIFIER
		FROM information_schema.PARAMETERS WHERE SPECIFIC_SCHEMA = ? AND ORDINAL_POSITION > 0
		ORDER BY SPECIFIC_NAME, ROUTINE_TYPE, ORDINAL_POSITION`,
		[]any{in.name}, []any{&name, &kind, &mode, &param, &typ}, func() error {
			r := byKey[key{strings.ToLower(kind), name}]
			if r == nil {
				return nil
			}
			arg := param.String + " " + normType(typ.String)
			if r.Kind == "procedure" {
				arg = mode.String + " " + arg
			}
			if r.Args != "" {
				r.Args += ", "
			}
			r.Args += arg
			return nil
		})
	if err != nil {
		return err
	}
	for _, r := range routines {
		def, err := in.showCreate(ctx, strings.ToUpper(r.Kind), r.Name)
		if err != nil {
			return err
		}
		r.Definition = stripDefiner(def)
		in.s.Routines = append(in.s.Routines, r)
	}
	return nil
}

// showCreate returns the statement SHOW CREATE kind name prints (its
// third column), for an object the catalog listed.
func (in *inspection) showCreate(ctx context.Context, kind, name string) (string, error) {
	what := strings.ToLower(kind) + " " + name
	rows, err := in.q.QueryContext(ctx, "SHOW CREATE "+kind+" "+quoteIdent(in.name)+"."+quoteIdent(name))
	if err != nil {
		return "", fmt.Errorf("%s: %w", what, err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return "", fmt.Errorf("%s: %w", what, err)
	}
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return "", fmt.Errorf("%s: %w", what, err)
		}
		return "", fmt.Errorf("%s: SHOW CREATE %s returned nothing: it was dropped while being read", what, kind)
	}
	vals := make([]sql.NullString, len(cols))
	dest := make([]any, len(cols))
	for i := range vals {
		dest[i] = &vals[i]
	}
	if err := rows.Scan(dest...); err != nil {
		return "", fmt.Errorf("%s: %w", what, err)
	}
	if len(vals) < 3 || !vals[2].Valid {
		return "", fmt.Errorf("%s: SHOW CREATE %s shows no definition: the user must own it or have the SHOW_ROUTINE (or SELECT on mysql.proc) privilege", what, kind)
	}
	return vals[2].String, rows.Close()
}

// readTriggers reads the triggers of the tables read, written as CREATE
// TRIGGER statements from the catalog.
func (in *inspection) readTriggers(ctx context.Context) error {
	var name, tbl, timing, event, body string
	return in.each(ctx, `SELECT TRIGGER_NAME, EVENT_OBJECT_TABLE, ACTION_TIMING, EVENT_MANIPULATION, ACTION_STATEMENT
		FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = ? AND EVENT_OBJECT_SCHEMA = ?`,
		[]any{in.name, in.name}, []any{&name, &tbl, &timing, &event, &body}, func() error {
			if in.tables[tbl] == nil {
				return nil // on an excluded table
			}
			event = strings.ReplaceAll(event, ",", " OR ")
			in.s.Triggers = append(in.s.Triggers, &schema.Trigger{
				Name:  name,
				Table: tbl,
				Definition: "CREATE TRIGGER " + quoteIdent(name) + " " + strings.ToUpper(timing) + " " + strings.ToUpper(event) +
					" ON " + quoteIdent(tbl) + " FOR EACH ROW " + body,
			})
			return nil
		})
}

// readSequences reads MariaDB's sequences, many per query: each sequence
// is a one-row table of its settings.
func (in *inspection) readSequences(ctx context.Context) error {
	const batch = 50
	for len(in.sequences) > 0 {
		n := min(batch, len(in.sequences))
		names := in.sequences[:n]
		in.sequences = in.sequences[n:]
		selects := make([]string, len(names))
		args := make([]any, len(names))
		for i, name := range names {
			selects[i] = `SELECT ?, minimum_value, maximum_value, start_value, increment, cache_size, cycle_option FROM ` +
				quoteIdent(in.name) + "." + quoteIdent(name)
			args[i] = name
		}
		var name string
		var sq schema.Sequence
		var cycle int
		err := in.each(ctx, strings.Join(selects, " UNION ALL "), args,
			[]any{&name, &sq.Min, &sq.Max, &sq.Start, &sq.Increment, &sq.Cache, &cycle}, func() error {
				s := sq
				s.Name, s.Cycle = name, cycle != 0
				in.s.Sequences = append(in.s.Sequences, &s)
				return nil
			})
		if err != nil {
			return err
		}
	}
	return nil
}
