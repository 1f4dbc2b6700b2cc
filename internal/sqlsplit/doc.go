// Package sqlsplit splits SQL migration scripts into statements, exactly,
// following the lexical rules of each database dialect.
//
// A migration runner sends a script to the server one statement at a time,
// so that it can record progress per statement and resume a half-applied
// migration. That requires knowing where each statement ends without a full
// parser: [Split] scans the script once, in linear time, and ends a statement
// at a semicolon that is outside every string, quoted identifier, comment,
// dollar-quoted body and compound-statement block. Users never annotate their
// files.
//
// # Dialects
//
// [Postgres] follows psql: standard strings without backslash escapes,
// E'...' strings with them, "..." identifiers, $tag$ dollar quotes, nested
// /* */ comments, parentheses (a semicolon inside parentheses, as in a
// multi-action CREATE RULE, does not end a statement) and the BEGIN ATOMIC
// ... END bodies of SQL-standard CREATE FUNCTION and CREATE PROCEDURE.
// A /*+ ... */ comment is kept as statement text, for pg_hint_plan.
//
// [MySQL] (and MariaDB) follows the mysql client: backslash escapes in '...'
// and "..." strings, `...` identifiers, # and "-- " comments, /*! ... */
// executable comments and /*+ ... */ hints kept as statement text, and
// DELIMITER lines. Without DELIMITER, the bodies of CREATE PROCEDURE,
// FUNCTION, TRIGGER and EVENT (and MariaDB's BEGIN NOT ATOMIC blocks) are
// recognised by counting BEGIN, CASE and END keywords, so the semicolons
// inside them do not end the statement.
//
// [SQLite] follows sqlite3_complete: '...' strings, "...", `...` and [...]
// identifiers, and CREATE TRIGGER bodies, which end only at "; END;".
//
// # Statements
//
// Each [Statement] holds the text from its first token to its last token,
// without the delimiter that ends it and without the comments and whitespace
// around it; comments between its tokens are kept. Its Line and Offset point
// at its first token, so that errors from the server can be reported at the
// right place in the file.
//
// # Errors
//
// Input that cannot be split, such as an unterminated string or an
// unterminated BEGIN ... END block, yields an [*Error] that names the line
// where the construct started. Split never executes or validates SQL beyond
// that: a statement that is lexically complete but wrong is left for the
// server to reject.
//
// # Limits
//
// Split assumes the servers' default settings: standard_conforming_strings
// on in PostgreSQL, and neither ANSI_QUOTES nor NO_BACKSLASH_ESCAPES in the
// sql_mode of MySQL. It does not run client commands: psql's backslash
// commands and variables, and the mysql client's \g, \G and \d, are left
// in the statement text. MariaDB's compound statements outside stored
// programs are recognised only in the BEGIN NOT ATOMIC form.
//
// # Concurrency
//
// Split keeps no state between calls and is safe for concurrent use;
// [Statement] and [Error] are plain values.
package sqlsplit
