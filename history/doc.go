// Package history keeps tide's version table: which migrations are
// applied, how far a half-applied one got, and who ran them. A [Store]
// reads and writes it through any [dialect.Dialect]; the engine decides
// about locks and transactions.
//
// # Tables
//
// The version table (tide_migrations by default) holds one row per
// migration, a [Record]. Its columns are described once, in this package,
// by portable type and by the schema version that added them; the DDL and
// the column lists of every statement come from that description:
//
//	column             type       schema  meaning
//	version            key text   1       Record.Key: the version, or R__<name>
//	name               text       1       descriptive name from the file
//	kind               text       1       migration, baseline, repeatable or adopted
//	checksum           text       1       hex SHA-256 of the migration
//	state              text       1       applied, or partial
//	direction          text       1       up or down: the last attempt
//	statements_done    integer    1       statements of that attempt that took effect
//	progress_checksum  text       1       hash of those statements
//	error              long text  1       why the record is partial
//	applied_at         timestamp  1       when (UTC, microseconds)
//	execution_ms       bigint     1       how long, in milliseconds
//	applied_by         text       1       who (schema 1 adopted: "goose (adopted by alice)")
//	applied_host       text       1       where
//	adopted_from       text ''    2       the tool that applied an adopted migration
//	seq                bigint 0   2       order of application
//	repaired_at        timestamp  2       last manual repair: when (NULL: never)
//	repaired_by        text       2       who (NULL: never)
//	repair             long text  2       what (NULL: never)
//	cause              text ''    2       why a partial record stopped (statement_failed, interrupted, connection_lost)
//	intent             text ''    2       the statement that may be running outside a transaction, and its session
//	statements         long text  2       JSON of the applied Statements (NULL: not kept)
//
// Its companion table <table>_meta, in the same schema, has the columns
// name and value; its row schema_version holds the schema version of the
// tables, in decimal. A table without it is schema 1: tide before
// schema versions.
//
// # Schema versions and upgrades
//
// [Store.Ensure] creates the tables, or upgrades older ones in place: it
// adds the missing columns with their defaults, converts the rows (for
// schema 2: the tool of adopted records moves from applied_by to
// adopted_from, and records get a seq in the order of applied_at, then
// version), and records the new schema version last. On PostgreSQL and
// SQLite it does so in one transaction; on MySQL, whose DDL commits as it
// goes, every step is idempotent, so an interrupted upgrade completes on
// the next run. A schema version only ever adds columns, so a tide of an
// older schema still reads and writes the table; tables of a newer schema
// than [SchemaVersion] are refused with a [*NewerSchemaError], never
// downgraded.
//
// [Store.List] reads tables of any older schema without changing them, so
// that status and plan work on a database that no migration touched since
// tide was upgraded.
//
// # Cost
//
// On up-to-date tables and a *sql.DB or *sql.Conn, [Store.List] is one
// SELECT (the schema version rides along with the rows) and
// [Store.Ensure] is one SELECT. Where a failed statement would abort a
// transaction (a *sql.Tx: PostgreSQL aborts it), and on older tables, they
// look the tables up in the catalog first. The applied statements, which
// can be large, sit in a column that only [Store.Statements] reads.
//
// # Concurrency
//
// A [Store] is immutable and safe for concurrent use. Writers are
// serialised by the caller's migration lock; [Store.Ensure] also tolerates
// migrators that race to create the tables before any lock exists.
package history
