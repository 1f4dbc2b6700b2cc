package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"github.com/tidemigrate/tide/dialect"
	"github.com/tidemigrate/tide/schema"
)

var _ schema.Inspector = Dialect{}

// InspectSchema reads the schema of the main database (or of the database
// opts.Schema names, attached to q's connection) in five set-based queries
// (a sixth checks that an attached database is there), whatever the number
// of tables: sqlite_schema, and pragma_table_list,
// pragma_table_xinfo, pragma_index_list with pragma_index_xinfo, and
// pragma_foreign_key_list, each joined against sqlite_schema. What SQLite
// keeps only in the CREATE statements (checks, collations, AUTOINCREMENT,
// generated expressions, constraint names, index expressions and
// predicates) is read from their text.
//
// The model it returns is normalised so that the same schema built twice
// compares equal:
//   - Internal objects are left out: every name starting with sqlite_
//     (sqlite_sequence, sqlite_stat1, the sqlite_autoindex_* indexes that
//     back PRIMARY KEY and UNIQUE constraints, which appear as those
//     constraints), and the shadow tables of virtual tables. The tables in
//     opts.Exclude are left out with their indexes and triggers.
//   - A column's type is its declared type, lower case, words separated by
//     one space and no space around punctuation ("varchar(40)"). A type
//     declared with a quoted name is what SQLite keeps of it (the content
//     of its first token), quoted: "my type".
//   - Defaults are the text pragma_table_xinfo reports, normalised: none
//     for NULL, literals as written, other expressions in parentheses.
//   - A column's collation is set when it is not BINARY, in upper case;
//     an index key's collation when it is not its column's.
//   - An INTEGER PRIMARY KEY of a rowid table (an alias of the rowid) is
//     NOT NULL, as are the primary key columns of a WITHOUT ROWID table.
//   - Constraint names are those the CREATE TABLE statement gives
//     (CONSTRAINT name); SQLite invents none, so they are empty otherwise.
//   - Foreign keys name their referenced table and columns as the tables
//     spell them; a reference to a primary key that names no columns gets
//     that key's columns. NO ACTION is empty.
//   - Expressions (checks, generated columns, index keys and predicates)
//     and the text of views, triggers and virtual tables: comments
//     dropped, whitespace between tokens one space, none inside
//     parentheses or before a comma and one after it ("f( a ,b )" is
//     "f(a, b)"), enclosing parentheses removed. Other differences of
//     spacing ("a>0", "a > 0") remain differences: SQLite keeps the text.
//   - Options: "without_rowid" and "strict" ("true") for such tables;
//     "using" (the module and its arguments) for a virtual table, whose
//     columns the module makes and are not listed.
//
// It returns an error when a catalog query fails, or when a CREATE
// statement does not say what the pragmas announce (a generated column
// without its expression, a partial index without its WHERE).
func (d Dialect) InspectSchema(ctx context.Context, q dialect.Querier, opts schema.Options) (*schema.Schema, error) {
	in := &inspection{q: q, opts: opts, db: opts.Schema, tables: map[string]*tableInfo{}}
	if in.db == "" {
		in.db = "main"
	}
	if in.db != "main" {
		if err := in.attached(ctx); err != nil {
			return nil, err
		}
	}
	in.master = quoteName(in.db) + ".sqlite_master"
	in.s = &schema.Schema{Dialect: d.Name(), Name: in.db, Tables: []*schema.Table{}}
	for _, step := range []struct {
		what string
		run  func(context.Context) error
	}{
		{"read sqlite_schema", in.objects},
		{"list tables", in.tableList},
		{"list columns", in.columns},
		{"list indexes", in.indexes},
		{"list foreign keys", in.foreignKeys},
	} {
		if err := step.run(ctx); err != nil {
			return nil, fmt.Errorf("inspect SQLite schema %s: %s: %w", in.db, step.what, err)
		}
	}
	for _, ti := range in.order {
		if ti.keep {
			in.s.Tables = append(in.s.Tables, ti.t)
		}
	}
	in.s.Sort()
	return in.s, nil
}

// inspection is the state of one InspectSchema call.
type inspection struct {
	q      dialect.Querier
	opts   schema.Options
	db     string // "main" or an attached database's name
	master string // its sqlite_master, quoted
	s      *schema.Schema

	tables   map[string]*tableInfo // by lower-case name, every table read
	order    []*tableInfo
	indexSQL map[string]string // CREATE INDEX statements by index name
}

// tableInfo is a table being read.
type tableInfo struct {
	t       *schema.Table
	ddl     *tableDDL
	keep    bool // in the model: not excluded, not a shadow table
	virtual bool
	pk      []string // primary key columns, in key order
}

// attached checks that the database to read is attached to the connection.
func (in *inspection) attached(ctx context.Context) error {
	names, err := dialect.QueryStrings(ctx, in.q, `SELECT name FROM pragma_database_list ORDER BY seq`)
	if err != nil {
		return fmt.Errorf("inspect SQLite schema %s: list databases: %w", in.db, err)
	}
	if !slices.Contains(names, in.db) {
		return fmt.Errorf("inspect SQLite schema %s: no database of that name is attached to the connection (it has %s): ATTACH it on the connection given, or leave the schema empty to read main",
			in.db, strings.Join(names, ", "))
	}
	return nil
}

// quoteName quotes an identifier whole (a database name may contain dots).
func quoteName(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// notInternal is the condition on sqlite_master (as m) that leaves out
// SQLite's own objects.
const notInternal = `m.name NOT LIKE 'sqlite\_%' ESCAPE '\'`

// objects reads sqlite_master: tables (parsed), views, triggers, and the
// statements of indexes.
func (in *inspection) objects(ctx context.Context) error {
	rows, err := in.q.QueryContext(ctx, `SELECT m.type, m.name, m.tbl_name, coalesce(m.sql, '') FROM `+in.master+` AS m WHERE `+notInternal+` ORDER BY m.type, m.name`)
	if err != nil {
		return err
	}
	defer rows.Close()
	in.indexSQL = map[string]string{}
	var triggers []*schema.Trigger
	for rows.Next() {
		var typ, name, table, text string
		if err := rows.Scan(&typ, &name, &table, &text); err != nil {
			return err
		}
		switch typ {
		case "table":
			ti := &tableInfo{t: &schema.Table{Name: name}, keep: in.opts.Wanted(name)}
			if hasPrefixFold(text, "CREATE VIRTUAL TABLE") {
				using, err := parseVirtual(text)
				if err != nil {
					return fmt.Errorf("read the CREATE VIRTUAL TABLE statement of %s: %w", name, err)
				}
				ti.virtual = true
				ti.t.Columns = []*schema.Column{} // the module's
				ti.t.Options = map[string]string{"using": using}
			} else if ti.ddl, err = parseTable(text); err != nil {
				return fmt.Errorf("read the CREATE TABLE statement of %s: %w", name, err)
			} else {
				for _, c := range ti.ddl.checks {
					ti.t.Checks = append(ti.t.Checks, &schema.Check{Name: c.name, Expr: c.expr})
				}
			}
			in.tables[strings.ToLower(name)] = ti
			in.order = append(in.order, ti)
		case "index":
			in.indexSQL[name] = text
		case "view":
			cols, query, err := parseView(text)
			if err != nil {
				return fmt.Errorf("read the CREATE VIEW statement of %s: %w", name, err)
			}
			in.s.Views = append(in.s.Views, &schema.View{Name: name, Definition: query, Columns: cols})
		case "trigger":
			triggers = append(triggers, &schema.Trigger{Name: name, Table: table, Definition: normalize(text)})
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	// A trigger's tbl_name is its ON clause as written: name its table or
	// view as they spell themselves.
	views := map[string]string{}
	for _, v := range in.s.Views {
		views[strings.ToLower(v.Name)] = v.Name
	}
	for _, tr := range triggers {
		if ti := in.table(tr.Table); ti != nil {
			tr.Table = ti.t.Name
		} else if v, ok := views[strings.ToLower(tr.Table)]; ok {
			tr.Table = v
		}
		if in.opts.Wanted(tr.Table) {
			in.s.Triggers = append(in.s.Triggers, tr)
		}
	}
	return nil
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// table returns the table named name, in any case, or nil.
func (in *inspection) table(name string) *tableInfo { return in.tables[strings.ToLower(name)] }

// tableList reads WITHOUT ROWID, STRICT and shadow tables from
// pragma_table_list.
func (in *inspection) tableList(ctx context.Context) error {
	rows, err := in.q.QueryContext(ctx, `SELECT name, type, wr, strict FROM pragma_table_list WHERE schema = ?`, in.db)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var name, typ string
		var wr, strict bool
		if err := rows.Scan(&name, &typ, &wr, &strict); err != nil {
			return err
		}
		ti := in.table(name)
		if ti == nil || ti.virtual {
			continue
		}
		if typ == "shadow" {
			ti.keep = false
		}
		for opt, on := range map[string]bool{"without_rowid": wr, "strict": strict} {
			if on {
				if ti.t.Options == nil {
					ti.t.Options = map[string]string{}
				}
				ti.t.Options[opt] = "true"
			}
		}
	}
	return rows.Err()
}

// ordinaryTables is the condition on sqlite_master (as m) that selects the
// tables whose pragmas are read: not virtual tables, whose module may not
// be loaded in this connection.
const ordinaryTables = `m.type = 'table' AND m.sql LIKE 'CREATE TABLE%' AND ` + notInternal

// columns reads every column of every table, with the primary key.
func (in *inspection) columns(ctx context.Context) error {
	rows, err := in.q.QueryContext(ctx, `SELECT m.name, c.cid, c.name, c.type, c."notnull", c.dflt_value, c.pk, c.hidden
FROM `+in.master+` AS m, pragma_table_xinfo(m.name, ?) AS c
WHERE `+ordinaryTables+`
ORDER BY m.name, c.cid`, in.db)
	if err != nil {
		return err
	}
	defer rows.Close()
	type pkCol struct {
		pos  int
		name string
	}
	pks := map[*tableInfo][]pkCol{}
	for rows.Next() {
		var table, name, typ string
		var cid, pk, hidden int
		var notNull bool
		var dflt sql.NullString
		if err := rows.Scan(&table, &cid, &name, &typ, &notNull, &dflt, &pk, &hidden); err != nil {
			return err
		}
		ti := in.table(table)
		if ti == nil || ti.virtual {
			continue
		}
		c := &schema.Column{Name: name, Type: normType(typ), Nullable: !notNull}
		if dflt.Valid {
			c.Default = normDefault(dflt.String)
		}
		def := ti.ddl.column(cid, name)
		if def != nil && def.quotedType {
			c.Type = quoteType(typ)
		}
		if def != nil {
			c.Collation = normCollation(def.collation)
			if def.autoinc {
				c.Identity = schema.AutoIncrement
			}
		}
		if hidden == 2 || hidden == 3 { // generated: 2 virtual, 3 stored
			if def == nil || def.generated == "" {
				return fmt.Errorf("table %s: column %s is generated, but its CREATE TABLE statement does not say how", table, name)
			}
			c.Generated, c.Stored = def.generated, hidden == 3
		}
		if pk > 0 {
			pks[ti] = append(pks[ti], pkCol{pk, name})
		}
		ti.t.Columns = append(ti.t.Columns, c)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for ti, cols := range pks {
		slices.SortFunc(cols, func(a, b pkCol) int { return a.pos - b.pos })
		for _, c := range cols {
			ti.pk = append(ti.pk, c.name)
		}
		ti.t.PrimaryKey = &schema.PrimaryKey{Columns: ti.pk}
		if ti.ddl.pk != nil {
			ti.t.PrimaryKey.Name = ti.ddl.pk.name
			if ti.ddl.pk.autoinc && len(ti.pk) == 1 {
				ti.t.Column(ti.pk[0]).Identity = schema.AutoIncrement
			}
		}
		in.notNullKey(ti)
	}
	return nil
}

// notNullKey marks NOT NULL the primary key columns that cannot hold NULL
// although pragma_table_xinfo may report them nullable: all of a WITHOUT
// ROWID table's, and the INTEGER PRIMARY KEY that aliases the rowid (but
// not one declared "INTEGER PRIMARY KEY DESC" on the column, which SQLite
// does not make an alias).
func (in *inspection) notNullKey(ti *tableInfo) {
	if ti.t.Options["without_rowid"] == "true" {
		for _, name := range ti.pk {
			ti.t.Column(name).Nullable = false
		}
		return
	}
	if len(ti.pk) != 1 {
		return
	}
	c := ti.t.Column(ti.pk[0])
	cid := slices.Index(ti.t.Columns, c)
	// SQLite compares the type it kept with "INTEGER", whether it was
	// written quoted or not.
	if def := ti.ddl.column(cid, c.Name); strings.Trim(c.Type, `"`) == "integer" && (def == nil || !def.pkDesc) {
		c.Nullable = false
	}
}

// column returns the definition of the column at position cid, named
// name, or nil when the statement does not have it there.
func (t *tableDDL) column(cid int, name string) *columnDDL {
	if cid >= 0 && cid < len(t.cols) && strings.EqualFold(t.cols[cid].name, name) {
		return &t.cols[cid]
	}
	for i := range t.cols {
		if strings.EqualFold(t.cols[i].name, name) {
			return &t.cols[i]
		}
	}
	return nil
}
