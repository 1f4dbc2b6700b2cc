package mysql

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/tidemigrate/tide/dialect"
	"github.com/tidemigrate/tide/schema"
)

var _ schema.Inspector = Dialect{}

// InspectSchema reads the database opts.Schema (the connection's current
// database when empty) from information_schema, with SHOW CREATE only for
// the stored routines that exist. It runs about ten catalog queries
// whatever the number of tables, plus one SHOW CREATE per routine and one
// query for all MariaDB sequences. It works on MariaDB 10.4 and later and
// on MySQL 8.0 and later, telling them apart by VERSION() and by the
// columns their catalogs have.
//
// # What it reads
//
//   - Base tables (and MariaDB system-versioned ones, without their
//     versioning), with their comment and the options that differ from the
//     server's defaults: "engine" (from @@default_storage_engine),
//     "collate" (from @@collation_server) and an explicit "row_format".
//   - Columns: type, nullability, default, ON UPDATE, AUTO_INCREMENT,
//     generated expression (stored or virtual), collation when it differs
//     from the table's, comment.
//   - The primary key; unique keys on plain columns as unique constraints;
//     every other index (prefixes, DESC, MySQL 8 functional key parts,
//     FULLTEXT, SPATIAL, HASH) as an index.
//   - Check constraints, foreign keys with their actions (a referenced
//     table in another database is qualified: "other.t").
//   - Views (with WITH CHECK OPTION), functions and procedures (SHOW
//     CREATE, DEFINER removed), triggers, and MariaDB sequences.
//
// Tables in opts.Exclude, and the triggers on them, are left out. The
// server's own databases (mysql, sys, information_schema,
// performance_schema) are refused.
//
// # Normalisation
//
// The same schema built twice, in two databases of one server, reads the
// same; and MariaDB and MySQL spell most things alike:
//
//   - Types are lower case without integer display widths ("int", "bigint
//     unsigned"), except tinyint(1) and ZEROFILL columns.
//   - MariaDB's JSON is LONGTEXT COLLATE utf8mb4_bin with a column CHECK
//     (json_valid(`col`)): such a column reads as type "json", with neither
//     that check nor that collation, as on MySQL. A LONGTEXT with another
//     collation or check stays longtext with its check (it cannot be told
//     from a JSON column only when it was declared exactly as MariaDB
//     declares JSON).
//   - Defaults: none for NULL; literals as SQL ('text' quoted, numbers
//     bare); CURRENT_TIMESTAMP and CURRENT_TIMESTAMP(n) for the current
//     time and its synonyms (also in ON UPDATE); other expressions in
//     parentheses, as both servers accept them.
//   - Expressions of checks, generated columns and functional key parts
//     lose the parentheses MySQL puts around them and the extra escaping
//     of its catalog (_utf8mb4\'x\' reads _utf8mb4'x').
//   - Names the server invented are left empty: the primary key
//     (PRIMARY); a unique key named after its first column, with _<n>
//     appended or not (what UNIQUE (col) gets); foreign keys named
//     <table>_ibfk_<n>; checks named CONSTRAINT_<n> (MariaDB), <table>_chk_<n>
//     (MySQL) and MariaDB's column-level checks, named after their column.
//     A name a user gave that looks exactly like an invented one is
//     dropped too: the dump recreates an equal schema either way.
//   - ON DELETE and ON UPDATE RESTRICT read as NO ACTION (empty): InnoDB
//     treats both alike, and MariaDB reports RESTRICT where none was given.
//   - An index's method is empty when it is the engine's default (BTREE;
//     HASH for MEMORY).
//   - View queries lose the `database`. qualifier the server puts before
//     every name.
//   - Triggers are written from the catalog as CREATE TRIGGER `name`
//     <timing> <event> ON `table` FOR EACH ROW <body>: SHOW CREATE TRIGGER
//     gives the text as typed, without FOLLOWS/PRECEDES, and with a
//     DEFINER, so the catalog says as much in one query.
//
// # Not read
//
// Partitioning, invisible columns and indexes (MariaDB IGNORED, MySQL
// INVISIBLE), index comments, NOT ENFORCED (a MySQL check reads as a
// check), system versioning, a view's ALGORITHM and SQL SECURITY, the
// order of triggers on one event (they are recreated in name order),
// events, and MariaDB 11.5's sequence value types: the model has no place
// for them.
func (Dialect) InspectSchema(ctx context.Context, q dialect.Querier, opts schema.Options) (*schema.Schema, error) {
	in, err := start(ctx, q, opts)
	if err != nil {
		return nil, err
	}
	steps := []struct {
		what string
		read func(context.Context) error
	}{
		{"tables", in.readTables},
		{"columns", in.readColumns},
		{"check constraints", in.readChecks},
		{"indexes", in.readIndexes},
		{"foreign keys", in.readForeignKeys},
		{"views", in.readViews},
		{"routines", in.readRoutines},
		{"triggers", in.readTriggers},
		{"sequences", in.readSequences},
	}
	for _, st := range steps {
		if err := st.read(ctx); err != nil {
			return nil, fmt.Errorf("inspect database %s: read %s: %w", in.name, st.what, err)
		}
	}
	in.s.Sort()
	return in.s, nil
}

// inspection is one run of InspectSchema: what the server is and what
// has been read so far.
type inspection struct {
	q       dialect.Querier
	opts    schema.Options
	name    string // the database read
	mariadb bool
	// The server's defaults, against which table options are compared.
	engine, collation string
	// Columns the catalogs have on this server.
	hasChecks, checkHasTable, checkHasLevel, hasIndexExpr bool

	s         *schema.Schema
	tables    map[string]*table
	sequences []string
}

// table is a table being read, with what its columns' rules need.
type table struct {
	t         *schema.Table
	engine    string
	collation string
	cols      map[string]*column
}

// column is a column being read, with the catalog facts the check rules
// need (MariaDB's JSON).
type column struct {
	c         *schema.Column
	dataType  string
	collation string
}

// systemDatabases are the server's own databases, never inspected.
var systemDatabases = map[string]bool{"mysql": true, "sys": true, "information_schema": true, "performance_schema": true}

// start asks the server what it is, which database to read and which
// catalog columns exist, in one query.
func start(ctx context.Context, q dialect.Querier, opts schema.Options) (*inspection, error) {
	var (
		version, engine, collation string
		name, features             sql.NullString
		exists                     int
	)
	err := q.QueryRowContext(ctx, `SELECT VERSION(), COALESCE(NULLIF(?, ''), DATABASE()),
			@@GLOBAL.default_storage_engine, @@GLOBAL.collation_server,
			(SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = COALESCE(NULLIF(?, ''), DATABASE())),
			(SELECT GROUP_CONCAT(CONCAT(TABLE_NAME, '.', COLUMN_NAME)) FROM information_schema.COLUMNS
				WHERE TABLE_SCHEMA = 'information_schema' AND TABLE_NAME IN ('CHECK_CONSTRAINTS', 'STATISTICS')
				AND COLUMN_NAME IN ('CHECK_CLAUSE', 'TABLE_NAME', 'LEVEL', 'EXPRESSION'))`,
		opts.Schema, opts.Schema).Scan(&version, &name, &engine, &collation, &exists, &features)
	if err != nil {
		return nil, fmt.Errorf("inspect database: read server settings: %w", err)
	}
	switch {
	case !name.Valid:
		return nil, errors.New("inspect database: the connection has no current database: name one in the URL or in Options.Schema")
	case systemDatabases[strings.ToLower(name.String)]:
		return nil, fmt.Errorf("inspect database %s: it is the server's own database; inspect an application database", name.String)
	case exists == 0:
		return nil, fmt.Errorf("inspect database %s: no such database (or the user may not see it)", name.String)
	}
	in := &inspection{
		q: q, opts: opts, name: name.String,
		mariadb: strings.Contains(strings.ToLower(version), "mariadb"),
		engine:  engine, collation: collation,
		s:      &schema.Schema{Dialect: "mysql", Name: name.String, Tables: []*schema.Table{}},
		tables: map[string]*table{},
	}
	for _, f := range strings.Split(strings.ToUpper(features.String), ",") {
		switch f {
		case "CHECK_CONSTRAINTS.CHECK_CLAUSE":
			in.hasChecks = true
		case "CHECK_CONSTRAINTS.TABLE_NAME":
			in.checkHasTable = true
		case "CHECK_CONSTRAINTS.LEVEL":
			in.checkHasLevel = true
		case "STATISTICS.EXPRESSION":
			in.hasIndexExpr = true
		}
	}
	return in, nil
}

// each runs query and calls scan for every row, with dest filled.
func (in *inspection) each(ctx context.Context, query string, args []any, dest []any, row func() error) error {
	rows, err := in.q.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		if err := row(); err != nil {
			return err
		}
	}
	return rows.Err()
}

// readTables reads the base tables and, on MariaDB, the names of the
// sequences (which information_schema lists as tables).
func (in *inspection) readTables(ctx context.Context) error {
	var name, kind string
	var engine, collation, options, comment sql.NullString
	return in.each(ctx, `SELECT TABLE_NAME, TABLE_TYPE, ENGINE, TABLE_COLLATION, CREATE_OPTIONS, TABLE_COMMENT
		FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?`,
		[]any{in.name}, []any{&name, &kind, &engine, &collation, &options, &comment}, func() error {
			switch kind {
			case "SEQUENCE":
				in.sequences = append(in.sequences, name)
				return nil
			case "BASE TABLE", "SYSTEM VERSIONED":
			default:
				return nil
			}
			if in.opts.Excluded(name) {
				return nil
			}
			t := &schema.Table{Name: name, Columns: []*schema.Column{}, Comment: comment.String}
			opt := map[string]string{}
			if engine.Valid && !strings.EqualFold(engine.String, in.engine) {
				opt["engine"] = engine.String
			}
			if collation.Valid && collation.String != in.collation {
				opt["collate"] = collation.String
			}
			for _, o := range strings.Fields(options.String) {
				if k, v, ok := strings.Cut(o, "="); ok && strings.EqualFold(k, "row_format") {
					opt["row_format"] = strings.ToUpper(v)
				}
			}
			if len(opt) > 0 {
				t.Options = opt
			}
			in.tables[name] = &table{t: t, engine: engine.String, collation: collation.String, cols: map[string]*column{}}
			in.s.Tables = append(in.s.Tables, t)
			return nil
		})
}

// readColumns reads the columns of every table, in order.
func (in *inspection) readColumns(ctx context.Context) error {
	var tbl, name, typ, dataType, nullable, extra, comment string
	var def, genExpr, collation sql.NullString
	return in.each(ctx, `SELECT TABLE_NAME, COLUMN_NAME, COLUMN_TYPE, DATA_TYPE, IS_NULLABLE, COLUMN_DEFAULT,
			EXTRA, GENERATION_EXPRESSION, COLLATION_NAME, COLUMN_COMMENT
		FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME, ORDINAL_POSITION`,
		[]any{in.name}, []any{&tbl, &name, &typ, &dataType, &nullable, &def, &extra, &genExpr, &collation, &comment}, func() error {
			t := in.tables[tbl]
			if t == nil {
				return nil // a view's or sequence's column
			}
			c := &schema.Column{
				Name:     name,
				Type:     normType(typ),
				Nullable: nullable == "YES",
				Comment:  comment,
			}
			lower := strings.ToLower(extra)
			switch {
			case strings.Contains(lower, "virtual generated"):
				c.Generated = stripParens(unescapeMySQL(genExpr.String))
			case strings.Contains(lower, "stored generated"), strings.Contains(lower, "persistent generated"):
				c.Generated, c.Stored = stripParens(unescapeMySQL(genExpr.String)), true
			default:
				c.Default = normDefault(def, extra, dataType, in.mariadb)
				c.OnUpdate = normOnUpdate(extra)
			}
			if strings.Contains(lower, "auto_increment") {
				c.Identity = schema.AutoIncrement
			}
			if collation.Valid && collation.String != t.collation {
				c.Collation = collation.String
			}
			t.cols[name] = &column{c: c, dataType: strings.ToLower(dataType), collation: collation.String}
			t.t.Columns = append(t.t.Columns, c)
			return nil
		})
}

// readChecks reads the check constraints. On MariaDB, a column's JSON
// check (json_valid(`col`) on a LONGTEXT COLLATE utf8mb4_bin) turns the
// column into "json" instead.
func (in *inspection) readChecks(ctx context.Context) error {
	if !in.hasChecks {
		return nil // MySQL before 8.0.16 and MariaDB before 10.3.10 keep no catalog of checks
	}
	query := `SELECT tc.TABLE_NAME, cc.CONSTRAINT_NAME, '', cc.CHECK_CLAUSE
		FROM information_schema.TABLE_CONSTRAINTS tc
		JOIN information_schema.CHECK_CONSTRAINTS cc
			ON cc.CONSTRAINT_SCHEMA = tc.CONSTRAINT_SCHEMA AND cc.CONSTRAINT_NAME = tc.CONSTRAINT_NAME
		WHERE tc.CONSTRAINT_SCHEMA = ? AND cc.CONSTRAINT_SCHEMA = ? AND tc.CONSTRAINT_TYPE = 'CHECK'`
	args := []any{in.name, in.name}
	if in.checkHasTable {
		level := "''"
		if in.checkHasLevel {
			level = "LEVEL"
		}
		query = `SELECT TABLE_NAME, CONSTRAINT_NAME, ` + level + `, CHECK_CLAUSE
			FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = ?`
		args = args[:1]
	}
	var tbl, name, level, clause string
	return in.each(ctx, query, args, []any{&tbl, &name, &level, &clause}, func() error {
		t := in.tables[tbl]
		if t == nil {
			return nil
		}
		// MariaDB names a column's check after the column; before LEVEL
		// existed, that name is the only sign.
		col := t.cols[name]
		onColumn := in.mariadb && col != nil && (level == "Column" || level == "" && !in.checkHasLevel)
		if onColumn && col.dataType == "longtext" && col.collation == "utf8mb4_bin" &&
			clause == "json_valid("+quoteIdent(name)+")" {
			col.c.Type, col.c.Collation = "json", ""
			return nil
		}
		c := &schema.Check{Name: name, Expr: stripParens(unescapeMySQL(clause))}
		if onColumn || inventedCheck(tbl, name) {
			c.Name = ""
		}
		t.t.Checks = append(t.t.Checks, c)
		return nil
	})
}

// readForeignKeys reads the foreign keys with their columns in order:
// their actions from REFERENTIAL_CONSTRAINTS, their columns from
// KEY_COLUMN_USAGE. Two queries joined here cost a third of one joined by
// MariaDB, which materialises each catalog table for the join.
func (in *inspection) readForeignKeys(ctx context.Context) error {
	type fkKey struct{ table, name string }
	type rules struct{ onUpdate, onDelete string }
	actions := map[fkKey]rules{}
	var tbl, name, onUpdate, onDelete string
	err := in.each(ctx, `SELECT TABLE_NAME, CONSTRAINT_NAME, UPDATE_RULE, DELETE_RULE
		FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = ?`,
		[]any{in.name}, []any{&tbl, &name, &onUpdate, &onDelete}, func() error {
			actions[fkKey{tbl, name}] = rules{fkAction(onUpdate), fkAction(onDelete)}
			return nil
		})
	if err != nil {
		return err
	}
	fks := map[fkKey]*schema.ForeignKey{}
	var col, refSchema, refTable, refCol string
	return in.each(ctx, `SELECT TABLE_NAME, CONSTRAINT_NAME, COLUMN_NAME, REFERENCED_TABLE_SCHEMA, REFERENCED_TABLE_NAME, REFERENCED_COLUMN_NAME
		FROM information_schema.KEY_COLUMN_USAGE
		WHERE TABLE_SCHEMA = ? AND REFERENCED_TABLE_NAME IS NOT NULL
		ORDER BY TABLE_NAME, CONSTRAINT_NAME, ORDINAL_POSITION`,
		[]any{in.name}, []any{&tbl, &name, &col, &refSchema, &refTable, &refCol}, func() error {
			t := in.tables[tbl]
			if t == nil {
				return nil
			}
			k := fkKey{tbl, name}
			fk := fks[k]
			if fk == nil {
				if refSchema != in.name {
					refTable = refSchema + "." + refTable
				}
				a := actions[k]
				fk = &schema.ForeignKey{Name: name, RefTable: refTable, OnDelete: a.onDelete, OnUpdate: a.onUpdate}
				if inventedFK(tbl, name) {
					fk.Name = ""
				}
				fks[k] = fk
				t.t.ForeignKeys = append(t.t.ForeignKeys, fk)
			}
			fk.Columns = append(fk.Columns, col)
			fk.RefColumns = append(fk.RefColumns, refCol)
			return nil
		})
}

// fkAction returns a referential action in the model's spelling: RESTRICT
// and NO ACTION, the same in InnoDB, are empty.
func fkAction(rule string) string {
	rule = strings.ToUpper(rule)
	if rule == "RESTRICT" || rule == "NO ACTION" {
		return ""
	}
	return rule
}
