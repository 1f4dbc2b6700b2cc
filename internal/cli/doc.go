// Package cli is the tide command line: it parses flags, opens the
// database, calls the tide library and renders what it reports. It has no
// migration logic of its own.
//
// [Run] is the whole program; cmd/tide only wires it to the process's
// arguments, streams and signals, so the command line can be tested in
// process. Each call builds its own command tree and keeps no package-level
// state, so calls may run concurrently.
//
// # Configuration
//
// The database URL comes from --database-url, else TIDE_DATABASE_URL, else
// DATABASE_URL, else the embedded SQLite file ./tide.db (with a note on
// stderr). The environment is read after the flags are parsed, never used
// as a flag default, so --help cannot print a password. Every URL printed
// is redacted.
//
// # Other tools
//
// --format names the format of the migrations directory (native, goose,
// golang-migrate, dbmate, flyway or prisma); without it the format is
// detected with [source.Detect] and, unless native, noted on stderr. For
// tide adopt, --format names the other tool whose history to read, and is
// the folder's format too when that tool has one. Choosing the tool, the
// mapping of its history to the migrations to record and the refusal of a
// first tide up over another tool's history are the library's
// ([adopt.Choose], [adopt.History.Plan], [tide.Migrator.Adopt],
// [tide.OtherHistoryError]); adopt.go renders them. tide convert rewrites a folder in
// another format with [source.Write]'s checks, and needs no database.
//
// # Output
//
// Results go to stdout; progress, notes and errors to stderr. With --json,
// stdout carries JSON only: one object per event (ndjson) followed by a
// summary object for the commands that migrate, or one document for
// status, plan and validate.
//
// # Exit codes
//
// 0 on success, 1 on failure, 2 on a usage error, 130 when interrupted.
package cli
