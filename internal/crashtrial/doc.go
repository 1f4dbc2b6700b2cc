// Package crashtrial holds what the crash trials share: the in-suite test
// (internal/cli/crash_test.go), which kills `tide up` at chosen points, and
// the heavy trials (bench/crash), which kill it at random moments. Both
// then run a plain `tide up` again and compare the database with one that
// a clean run migrated.
//
// # Folders
//
// [Folder] is a folder of eight migrations per database (testdata/postgres,
// testdata/mysql, testdata/sqlite) that mixes DDL and DML, a no-transaction
// migration of DML, pauses between statements to kill in (pg_sleep,
// SLEEP, a recursive count on SQLite) and a long statement in the middle
// of a migration; on PostgreSQL a CREATE INDEX CONCURRENTLY, on MySQL an
// ALTER TABLE that copies 100,000 rows. Every statement gives the same
// rows on every run (no sequences, no clocks), so that two databases the
// folder migrated are equal.
//
// # Snapshots
//
// [Take] reads a database's schema from its catalog (tables, views,
// columns, indexes, constraints, triggers) and a checksum of the rows of
// each table and view; tide's own tables (tide_*) are left out. [Diff]
// says how two snapshots differ.
//
// # Running tide
//
// [Tide] runs the tide command on one database, and [Tide.Rerun] is the
// check after a kill: a plain `tide up`, `tide status --exit-code`, and the
// snapshot compared with the clean run's, summed up by [Outcome.Verdict].
package crashtrial
