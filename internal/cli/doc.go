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
// Every global setting is one row of the table in settings.go: its flag,
// environment variables, key in tide.toml, default and the type that
// parses it. [app.resolve] applies one rule to all of them: the flag, else
// the environment, else the configuration file (configfile.go; its
// [env.NAME] section chosen by --env over its top level), else the
// default. The environment and the file are read after the flags are
// parsed, never used as flag defaults, so --help cannot print a password;
// the passwords of every URL in the environment and the file are scrubbed
// from the output. With a file, a table, format or lock from a flag or the
// environment must be the file's (app.checkPinned).
//
// Without any database URL the embedded SQLite file ./tide.db is used; it
// is created only from a terminal and not under CI (app.checkNewDefault).
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
// Results go to stdout; progress, notes and errors to stderr, and, first,
// the database a command opens (app.noteDatabase). With --json, stdout
// carries JSON lines only (json.go): an event line per event of the
// commands that migrate, then one document for every command, its errors
// included, each with a stable code (errcodes.go); README.md
// documents the contract and testdata/json holds every command's output.
// Run sets the result; it prints the document once the command ended, so
// a failure anywhere, a usage error included, gets one. An interrupted run
// reports the migration it stopped and nothing of what the cancellation
// broke on its way.
//
// # Exit codes
//
// 0 on success, 1 on failure, 2 on a usage error (flags, environment or
// configuration file), 3 for tide status --exit-code when a migration is
// not applied as its file says, 130 when interrupted.
package cli
