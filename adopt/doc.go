// Package adopt reads the history table of another migration tool in the
// same database and reports the set of migrations that tool currently
// considers applied, so that tide can record the same set in its own
// version table and go on from there: nothing re-run, nothing skipped.
//
// It also plans the adoption: [History.Plan] maps a history to the tide
// migrations to record as applied, and tide's Migrator.Adopt records the
// [Plan]. The package never writes to the database, except [Drop], which
// drops the other tool's table once it is adopted.
//
// The whole switch, in a program (tide adopt does the same):
//
//	folder := adopt.Folder{FS: fsys, Dir: "db/migrations"}
//	src, notes, err := adopt.Choose(ctx, d, db, folder) // or SourceByName, WithTable
//	history, err := src.Read(ctx, d, db)
//	plan, err := history.Plan(m.Set(), folder, adopt.PlanOptions{})
//	results, err := m.Adopt(ctx, plan, false) // m is a *tide.Migrator
//
// Until then, tide's Migrator.Up refuses to run on a database where
// [DetectApplied] finds another tool's history that lists applied
// migrations and tide's version table is missing, rather than run every
// migration again. An empty history table does not stop it.
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
// # Planning
//
// [History.Plan] matches each applied migration to the migration of the
// same version in the [migration.Set] that tide runs, read from the same
// folder. Flyway's and Prisma's checksums are compared with the files
// (a [*ChecksumError] when one changed), Flyway repeatables are matched by
// description, golang-migrate's single version and Flyway baselines stand
// for every migration up to them, and the histories of code migrations
// (knex, sequelize, typeorm, alembic) map to tide's migrations up to
// [PlanOptions.Baseline] (a [*CodeHistoryError] without one). A baseline
// also serves a team that leaves a SQL tool's folder for a new native one:
// the history is then not matched to files, and tide's migrations up to
// the baseline are recorded instead. Every problem is reported at once,
// naming the files and what to do.
//
// When the tables of several tools are in the database, [Choose] reads the
// one whose format the migrations folder has.
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
// several tables at one point in time. [History], [Plan] and [Folder] are
// plain data: History.Plan only reads them, and may run concurrently.
package adopt
