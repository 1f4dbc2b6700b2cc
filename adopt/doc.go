// Package adopt reads the history table of another migration tool in the
// same database and reports the set of migrations that tool currently
// considers applied, so that tide can record the same set in its own
// version table and go on from there: nothing re-run, nothing skipped.
//
// The package only reads. Recording the result is the caller's job.
//
// # Sources
//
// Each supported tool is a [Source], listed by [Sources] and found by name
// with [SourceByName]; [Detect] finds the one whose table is in the
// database. [Source.Read] returns a [History]:
//
//	name            default table            what counts as applied
//	goose           goose_db_version         per version, its newest row by id, if is_applied
//	golang-migrate  schema_migrations        every version up to the one row (History.UpTo)
//	dbmate          schema_migrations        every row
//	flyway          flyway_schema_history    per version, its latest row by installed_rank
//	knex            knex_migrations          every row (code)
//	sequelize       SequelizeMeta            every row (code)
//	typeorm         migrations               every row (code)
//	prisma          _prisma_migrations       finished and not rolled back
//	alembic         alembic_version          the head revisions (code); see [AlembicChain]
//
// golang-migrate and dbmate share the table name schema_migrations; they
// are told apart by its columns (golang-migrate has dirty).
//
// # Unfinished work
//
// A history that records a migration as started but not finished (a dirty
// golang-migrate version, a failed Flyway migration, a failed Prisma
// migration) cannot be adopted: the schema is in a state no migration
// describes. Read then returns an [*IncompleteError] naming the migration
// and the other tool's command that resolves it.
//
// # Times and types
//
// The tools create their tables with different types on each database
// (booleans as bool, tinyint or integer; times as timestamp, timestamptz,
// text or milliseconds), and drivers return them in different Go types.
// Read accepts all of them. Times are returned in UTC: values stored
// without a time zone are taken in the session's time zone on PostgreSQL
// and MySQL, as the tools wrote them with now(), and as UTC on SQLite.
//
// # Concurrency
//
// Sources are immutable values, safe for concurrent use. Read runs plain
// SELECT statements on the Querier it is given; pass a *sql.Tx to read
// several tables at one point in time.
package adopt
