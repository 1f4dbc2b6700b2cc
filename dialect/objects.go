package dialect

import "context"

// ObjectFinder is implemented by dialects that look indexes and
// constraints up in their catalogs, for the data checks "-- +tide check
// exists index ..." and "exists constraint ..." (tables and columns are
// looked up through [Catalog.TableExists] and [ColumnLister]).
//
// Names are unquoted and matched as the database matches identifiers; a
// qualified name ("app.users_email_idx") names the schema where the
// database qualifies such objects so. An unqualified name is looked up
// where the database resolves names: the search path on PostgreSQL, the
// current database on MySQL, the main database on SQLite.
type ObjectFinder interface {
	// IndexExists reports whether the index exists; on table, when table
	// is not "".
	IndexExists(ctx context.Context, q Querier, name, table string) (bool, error)
	// ConstraintExists reports whether the constraint (primary key,
	// unique, foreign key, check; PostgreSQL also exclusion, NOT NULL on
	// 18 and later) exists; on table, when table is not "".
	ConstraintExists(ctx context.Context, q Querier, name, table string) (bool, error)
}

// TruthReader is implemented by dialects whose queries can return true in
// another form than a boolean (MySQL and SQLite have no boolean type: true
// is 1). A data check that returns one row of one value passes when that
// value is true; without this interface, only a boolean true is.
type TruthReader interface {
	// IsTrue reports whether v, a value scanned from a column whose type
	// the database names dbType ("" when it names none), is true.
	IsTrue(v any, dbType string) bool
}
