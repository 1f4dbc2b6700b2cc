// Package check runs the data checks of migrations ([migration.Check]): a
// plain check's query, or the query a helper writes for the database
// (rows-equal, no-orphans, not-null), or the catalog lookup of an exists
// helper. A check passes when its query returns no rows, or, for a plain
// check, one row whose single value is true; otherwise [Outcome] holds the
// first offending rows, rendered safely for people.
//
// The engine (package tide) runs checks after a migration's up statements
// and again for tide check; this package only runs one check through the
// [dialect.Querier] it is given, inside or outside a transaction. Its
// functions are safe for concurrent use.
package check
