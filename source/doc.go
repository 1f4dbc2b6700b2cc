// Package source reads migrations from any [io/fs.FS]: a directory through
// [os.DirFS], an [embed.FS] compiled into a program, or an in-memory
// [testing/fstest.MapFS].
//
// # Native format
//
// One file per migration, named <version>_<name>.sql, where the version is
// an integer (tide new writes a UTC timestamp YYYYMMDDHHMMSS) or dotted
// (1.2.10_add_search.sql, ordered segment by segment), and never 0:
//
//	-- +tide no-transaction
//	-- +tide up
//	CREATE INDEX CONCURRENTLY users_email ON users (email);
//
//	-- +tide down
//	DROP INDEX CONCURRENTLY users_email;
//
// Marker lines are case-insensitive. The up section is required; the down
// section is optional (the migration is then irreversible). Statements are
// split later, by the dialect's rules; the source keeps each section's text
// and the line it starts on, so errors can name the file and line.
//
// A file named R__<name>.sql, with the same sections, is a repeatable
// migration (a view, a function): tide applies it after the versioned ones
// whenever its statements change.
//
// # Other tools' formats
//
// tide runs other tools' folders unchanged: [Goose], [GolangMigrate],
// [Dbmate], [Flyway] and [Prisma] read them into the same [Migration]
// values. [Detect] finds the format of a folder (and refuses an ambiguous
// one), [FormatByName] looks one up by name, and [Write] converts a folder
// into any of the formats, statements unchanged. goose and golang-migrate
// run statements their own way, so their writers are [DialectWriter]s:
// [WithSplitter] says which database the files are for, and they write
// what that tool needs to run exactly the statements tide runs
// (StatementBegin/StatementEnd blocks for goose, one statement per file for
// golang-migrate's no-transaction migrations).
//
// # Versions
//
// [Version] orders versions numerically, segment by segment, so that both
// integer versions (goose, golang-migrate) and dotted versions (Flyway's
// 1.2.10 after 1.2.9) fit one type.
package source
