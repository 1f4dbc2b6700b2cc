package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/tidemigrate/tide"
)

// Exit codes of [Run].
const (
	ExitOK          = 0
	ExitFailure     = 1
	ExitUsage       = 2
	ExitInterrupted = 130
)

// Run runs the tide command line with args (without the program name) and
// returns the process exit code. Cancelling ctx (Ctrl-C) stops the running
// operation: the library rolls back and releases the lock, and Run returns
// [ExitInterrupted].
func Run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return run(ctx, args, stdin, stdout, stderr, processEnv())
}

// env is what Run takes from the process besides its arguments and
// streams; tests replace it.
type env struct {
	getenv     func(string) string
	lookupEnv  func(string) (string, bool) // nil: from getenv, set when not empty
	now        func() time.Time
	isTerminal func(w io.Writer) bool
}

func processEnv() env {
	return env{getenv: os.Getenv, lookupEnv: os.LookupEnv, now: time.Now, isTerminal: isTerminal}
}

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// app is one invocation of the command line.
type app struct {
	env
	stdin          io.Reader
	stdout, stderr io.Writer
	flags          globalFlags
	log            *slog.Logger // debug log on stderr with --verbose, else discarded

	ran       bool     // a command started running: its errors are not usage errors
	dir       string   // the migrations directory, once resolved
	passwords []string // of the database URL in use, scrubbed from every error
	// dirFormat is the --format of the migrations directory: the --format
	// flag, except where the command gives that flag another meaning
	// (adopt); "" detects it.
	dirFormat string
}

// globalFlags are the persistent flags of every command.
type globalFlags struct {
	databaseURL string
	dir         string
	table       string
	format      string
	// flywayBaselines reads a Flyway folder's B files (FlywayFormat.UseBaselines).
	flywayBaselines bool
	// flywayPlaceholders are NAME=VALUE pairs (FlywayFormat.Placeholders).
	flywayPlaceholders []string
	lock               string
	lockMode           tide.LockMode
	lockWait           time.Duration
	lockTTL            time.Duration
	lockTimeout        time.Duration
	json               bool
	quiet              bool
	verbose            bool
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, e env) int {
	a := &app{env: e, stdin: stdin, stdout: stdout, stderr: stderr, log: slog.New(slog.DiscardHandler)}
	// Any password on the command line or in the environment is scrubbed
	// from errors, even from a usage error that echoes an argument.
	for _, s := range append([]string{e.getenv(envDatabaseURL), e.getenv(envDatabaseURLAlt)}, args...) {
		_, v, _ := strings.Cut(s, "=") // --database-url=URL
		a.addPasswords(s)
		a.addPasswords(v)
	}
	root := a.rootCommand()
	// Without this, cobra learns of --help only after it has looked for the
	// command, and takes "tide --help --database-url URL" for the unknown
	// command URL.
	root.InitDefaultHelpFlag()
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return ExitOK
	}
	return a.fail(ctx, err)
}

func (a *app) rootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:   "tide",
		Short: "Database migrations for PostgreSQL, MySQL and SQLite",
		Long: `tide applies and reverts SQL migrations: one file per migration in the
migrations directory, named <version>_<name>.sql, with "-- +tide up" and
"-- +tide down" sections (tide new writes one). It runs the folders of
goose, golang-migrate, dbmate, Flyway and Prisma as they are (--format, else
detected from the files), takes a database over from those tools and from
Knex, Sequelize, TypeORM and Alembic (tide adopt), and converts folders
between the formats (tide convert).

The database comes from --database-url, else $TIDE_DATABASE_URL, else
$DATABASE_URL, else the embedded SQLite file ./tide.db:

  postgres://user:pass@host:5432/db?sslmode=disable
  mysql://user:pass@host:3306/db
  sqlite:path/to/file.db

Exit status: 0 on success, 1 on failure, 2 on a usage error, 130 when
interrupted.`,
		SilenceUsage:      true,
		SilenceErrors:     true,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error { return a.setup(cmd) },
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageErrorf("%v", err) })
	f := &a.flags
	pf := root.PersistentFlags()
	// The environment is read after parsing, never as a flag default, so
	// that --help cannot show a password.
	pf.StringVar(&f.databaseURL, "database-url", "", "database URL (default $TIDE_DATABASE_URL, else $DATABASE_URL, else sqlite:tide.db)")
	pf.StringVar(&f.dir, "dir", "", "migrations directory (default $TIDE_DIR, else ./migrations)")
	pf.StringVar(&f.table, "table", tide.DefaultTable, "version table; the table lock uses <table>_lock")
	pf.StringVar(&f.format, "format", "", "format of the migrations directory: "+formatNames()+" (default: detected from the files)")
	pf.StringArrayVar(&f.flywayPlaceholders, "flyway-placeholder", nil, "Flyway folders: the value of a ${NAME} placeholder, as `NAME=VALUE` (repeatable)")
	pf.BoolVar(&f.flywayBaselines, "flyway-baselines", false, "Flyway folders: let the newest B<version>__ baseline migration replace the V migrations it covers, as Flyway does on an empty database")
	pf.StringVar(&f.lock, "lock", "auto", "how migrators exclude each other: session (advisory lock), table (lease row) or auto")
	pf.DurationVar(&f.lockWait, "lock-wait", tide.DefaultLockWait, "how long to wait for another migrator to release the lock")
	pf.DurationVar(&f.lockTTL, "lock-ttl", tide.DefaultLeaseTTL, "table lock lease lifetime: the lock of a migrator that died is taken over after it")
	pf.DurationVar(&f.lockTimeout, "lock-timeout", tide.DefaultLockTimeout, "how long each statement may wait for a table lock (PostgreSQL lock_timeout, MySQL lock_wait_timeout); 0 keeps the server's")
	pf.BoolVar(&f.json, "json", false, "print JSON on stdout (events as ndjson, then a summary)")
	pf.BoolVarP(&f.quiet, "quiet", "q", false, "print only errors")
	pf.BoolVarP(&f.verbose, "verbose", "v", false, "log debug details to stderr")

	root.AddCommand(
		a.newCommand(),
		a.upCommand(),
		a.downCommand(),
		a.redoCommand(),
		a.statusCommand(),
		a.planCommand(),
		a.validateCommand(),
		a.baselineCommand(),
		a.adoptCommand(),
		a.convertCommand(),
	)
	return root
}

// setup checks the global flags once they are parsed.
func (a *app) setup(cmd *cobra.Command) error {
	f := &a.flags
	switch f.lock {
	case "auto":
		f.lockMode = tide.LockAuto
	case "session":
		f.lockMode = tide.LockSession
	case "table":
		f.lockMode = tide.LockTable
	default:
		return usageErrorf("--lock must be session, table or auto, not %q", f.lock)
	}
	for _, d := range []struct {
		name string
		v    time.Duration
	}{{"--lock-wait", f.lockWait}, {"--lock-ttl", f.lockTTL}, {"--lock-timeout", f.lockTimeout}} {
		if d.v < 0 {
			return usageErrorf("%s must not be negative", d.name)
		}
	}
	if f.quiet && f.verbose {
		return usageErrorf("--quiet and --verbose contradict each other")
	}
	if err := a.setupFormat(cmd); err != nil {
		return err
	}
	if f.verbose {
		a.log = slog.New(slog.NewTextHandler(scrubWriter{a}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return nil
}

// runE marks the start of a command's own work: errors after it are
// failures (exit 1), not usage errors.
func (a *app) runE(fn func(cmd *cobra.Command, args []string) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		a.ran = true
		return fn(cmd, args)
	}
}

// fail prints err and returns the exit code for it.
func (a *app) fail(ctx context.Context, err error) int {
	var ue *usageError
	if !a.ran || errors.As(err, &ue) {
		a.printError(err)
		fmt.Fprintln(a.stderr, "tide: run 'tide --help' for usage")
		return ExitUsage
	}
	var reported *reportedError
	if !errors.As(err, &reported) {
		a.printError(err)
	}
	if ctx.Err() != nil {
		fmt.Fprintln(a.stderr, "tide: interrupted")
		return ExitInterrupted
	}
	return ExitFailure
}

// info prints a line of human output on stdout, unless --quiet or --json.
func (a *app) info(format string, args ...any) {
	if a.flags.quiet || a.flags.json {
		return
	}
	fmt.Fprintf(a.stdout, format+"\n", args...)
}

// note prints a line for the user on stderr, unless --quiet.
func (a *app) note(format string, args ...any) {
	if a.flags.quiet {
		return
	}
	fmt.Fprintf(a.stderr, "tide: "+format+"\n", args...)
}
