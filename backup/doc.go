// Package backup copies tables before destructive migrations, and puts
// them back: tide's checkpoint rollback.
//
// # Backups
//
// [Take] copies tables into tide's own space in the database ([Space]: a
// tide_backup schema on PostgreSQL, a tide_backup database on MySQL, a
// file beside the database on SQLite, app.db.tide-backup), each as a
// whole table of the same column types, with the database's fastest path
// (CREATE TABLE ... AS SELECT; INSERT ... SELECT in key ranges, with
// [Progress] between them), never row by row through the client; see
// each dialect's Copy for its choices. The rows are counted and a 64-bit
// hash of each is summed (see [Sum]), in the database: on PostgreSQL and
// SQLite on a second connection while the rows are copied, from the same
// rows (PostgreSQL shares the copy's snapshot with it; SQLite checks that
// no other connection wrote in between, and otherwise sums the copy
// afterwards); on MySQL over the copy once it is committed (its reads
// locked the rows they copied until then). The sum needs no order, so a
// restored table is verified without reading its rows out of the
// database. Each backup records the table's definition (its columns,
// keys, indexes, checks and triggers, and the foreign keys of other tables
// that point at it, read with the schema inspector) in a manifest table in
// the space, with the migration's version, the row count, checksum, size,
// when and by whom ([Entry]).
//
// # Automatic backups
//
// [Policy], given to tide.WithBackups, copies before each migration's up
// section the tables that its "-- +tide backup TABLE..." header lines name
// and those that its statements lose ([Detect]: DROP TABLE, TRUNCATE,
// ALTER TABLE ... DROP [COLUMN] or DROP PARTITION, DELETE without WHERE),
// unless the migration says "-- +tide backup none" or the policy is
// NoAuto. Detection reads each statement's tokens by the dialect's own
// lexical rules, so comments and strings never fool it; a table that the
// migration creates (or that does not exist) is skipped.
//
// # Restore, list, prune
//
// [Restore] puts tables back as a backup recorded them and verifies each
// by count and checksum; it refuses ([RefusedError]) a table that exists
// and holds rows unless told to replace it, and then backs those rows up
// first. [List] and [Prune] show and remove backups.
//
// # Dialects
//
// Database-specific SQL lives in dialect/<db>/backup.go, behind the
// interfaces [Copier], [Restorer] and [SpaceCompactor]; the definition of
// a table comes from the dialect's schema.Inspector. On SQLite the
// checksum needs the aggregate function [sqlite.ChecksumFunction]
// registered with the driver (package dialect/sqlite/modernc does it for
// modernc.org/sqlite).
//
// The functions of this package are safe for concurrent use; each works
// on connections of its own.
//
// [sqlite.ChecksumFunction]: https://pkg.go.dev/github.com/tidemigrate/tide/dialect/sqlite#ChecksumFunction
package backup
