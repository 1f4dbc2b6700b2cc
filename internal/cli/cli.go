package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"reflect"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/tidemigrate/tide"
	"github.com/tidemigrate/tide/internal/dburl"
	"github.com/tidemigrate/tide/migration"
)

// Exit codes of [Run].
const (
	ExitOK      = 0
	ExitFailure = 1
	ExitUsage   = 2
	// ExitNotUpToDate is tide status --exit-code's when a migration is
	// pending, partial, changed, missing or outdated.
	ExitNotUpToDate = 3
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
	isTerminal func(f any) bool // f: one of the streams
	termWidth  func(f any) int  // columns of the terminal f; 0 when unknown
	buildInfo  func() (*debug.BuildInfo, bool)
}

func processEnv() env {
	return env{getenv: os.Getenv, lookupEnv: os.LookupEnv, now: time.Now, isTerminal: isTerminal, termWidth: termWidth, buildInfo: debug.ReadBuildInfo}
}

// isTerminal reports whether f is a terminal.
func isTerminal(f any) bool {
	fd, ok := f.(interface{ Fd() uintptr })
	return ok && term.IsTerminal(int(fd.Fd()))
}

// termWidth returns the width of the terminal f, or 0.
func termWidth(f any) int {
	fd, ok := f.(interface{ Fd() uintptr })
	if !ok {
		return 0
	}
	w, _, err := term.GetSize(int(fd.Fd()))
	if err != nil {
		return 0
	}
	return w
}

// app is one invocation of the command line.
type app struct {
	env
	stdin          io.Reader
	stdout, stderr io.Writer
	flags          globalFlags
	settings       []setting         // the global settings, writing into flags
	origins        map[string]origin // where each setting's value came from, by flag
	config         *configFile       // the configuration file in use, or nil
	log            *slog.Logger      // debug log on stderr with --verbose, else discarded

	ran       bool     // a command started running: its errors are not usage errors
	dir       string   // the migrations directory, once resolved
	passwords []string // of the database URLs known, scrubbed from every error
	// dirFormat is the --format of the migrations directory: the --format
	// flag, except where the command gives that flag another meaning
	// (adopt); "" detects it.
	dirFormat string
	// formatPin is where a --format (or TIDE_FORMAT) came from that a
	// configuration file leaves to detection: it must name the format
	// detected (readFormat).
	formatPin *origin

	// The JSON output (json.go): the command's result, the database it
	// opened (its URL redacted), and the writer of stdout's lines.
	result     any
	database   string
	migrations *migration.Set // read by the migrator: they name the files of errors that give only versions
	jsonOnce   sync.Once
	jsonw      *jsonWriter
	// ctx is the context of the run: cancelled by Ctrl-C or SIGTERM.
	ctx           context.Context
	droppedLogged bool // the errors after an interruption were logged (reportedErrors)
}

// interrupted reports whether the run was cancelled (Ctrl-C, SIGTERM).
func (a *app) interrupted() bool { return a.ctx != nil && a.ctx.Err() != nil }

// globalFlags are the values of the global settings: the persistent flags
// of every command, which the environment and the configuration file also
// set (settings.go).
type globalFlags struct {
	config      string
	envName     string
	databaseURL string
	dir         string
	table       string
	format      string
	// flywayBaselines reads a Flyway folder's B files (FlywayFormat.UseBaselines).
	flywayBaselines bool
	// flywayPlaceholders are NAME=VALUE pairs (FlywayFormat.Placeholders);
	// for a name given twice, the later pair wins.
	flywayPlaceholders []string
	lock               string
	lockMode           tide.LockMode
	lockWait           time.Duration
	lockTTL            time.Duration
	lockTimeout        time.Duration
	lockRetries        int
	lockRetryBudget    time.Duration
	json               bool
	quiet              bool
	verbose            bool
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, e env) int {
	if e.isTerminal == nil {
		e.isTerminal = func(any) bool { return false }
	}
	if e.termWidth == nil {
		e.termWidth = func(any) int { return 0 }
	}
	if e.buildInfo == nil {
		e.buildInfo = debug.ReadBuildInfo
	}
	a := &app{env: e, stdin: stdin, stdout: stdout, stderr: stderr, log: slog.New(slog.DiscardHandler), ctx: ctx}
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
	cmd, err := root.ExecuteContextC(ctx)
	code := ExitOK
	if err != nil {
		code = a.fail(cmd, err)
	}
	// A document for every command that ran, and for every failure; none
	// for --help, --version and the completion scripts, which print text.
	if (a.ran || err != nil) && a.wantsJSON(args) {
		a.writeDocument(cmd, code, err)
	}
	return code
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

Every global flag can also be set by an environment variable (shown in
brackets) and by a key of the configuration file tide.toml (tide init
writes one), named like the flag with "_" for "-" (flyway_placeholders is
a table). A flag wins over the environment, the environment over the
file, the file over the default. The file is ./tide.toml, or the one
--config names; --env NAME reads its [env.NAME] section over its top
level. Relative paths in it are relative to its folder. With a file, the
version table, the format and the lock are set there: a flag or variable
that differs from the file is refused.

The database comes from --database-url, else $TIDE_DATABASE_URL, else
$DATABASE_URL, else database_url in the file:

  postgres://user:pass@host:5432/db?sslmode=disable
  mysql://user:pass@host:3306/db
  sqlite:path/to/file.db

Without any, tide uses the embedded SQLite file ./tide.db; it creates it
only when run from a terminal and not under CI, so that a deploy whose
database URL is missing fails instead of migrating a new local file.

Exit status: 0 on success, 1 on failure, 2 on a usage error, 3 for
tide status --exit-code when a migration is not applied as its file says,
130 when interrupted.`,
		Example: `  tide init                                   # write ./tide.toml
  tide new add users                          # write migrations/<timestamp>_add_users.sql
  tide up --database-url postgres://app@db/app
  TIDE_DATABASE_URL=postgres://app@db/app tide --env prod status --exit-code`,
		Version:           a.version(),
		SilenceUsage:      true,
		SilenceErrors:     true,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error { return a.setup(cmd) },
	}
	root.SetVersionTemplate("{{.Version}}\n")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageErrorf("%v", err) })
	a.registerSettings(root.PersistentFlags())

	root.AddCommand(
		a.initCommand(),
		a.newCommand(),
		a.upCommand(),
		a.downCommand(),
		a.redoCommand(),
		a.statusCommand(),
		a.planCommand(),
		a.validateCommand(),
		a.checkCommand(),
		a.baselineCommand(),
		a.acceptCommand(),
		a.resolveCommand(),
		a.adoptCommand(),
		a.convertCommand(),
		a.backupsCommand(),
		a.restoreCommand(),
		a.schemaCommand(),
		a.driftCommand(),
		a.verifyRollbackCommand(),
	)
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	for _, c := range root.Commands() {
		switch c.Name() {
		case "help":
			c.Example = "  tide help up"
		case "completion":
			c.Example = "  tide completion bash > /etc/bash_completion.d/tide\n  source <(tide completion zsh)"
			for _, sh := range c.Commands() {
				sh.Example = "  tide completion " + sh.Name() + " --help"
			}
		}
	}
	a.registerCompletions(root)
	return root
}

// setup gives the global settings their values once the flags are parsed,
// and checks them.
func (a *app) setup(cmd *cobra.Command) error {
	if err := a.resolve(!readsConfig(cmd)); err != nil {
		return err
	}
	f := &a.flags
	f.lockMode = lockModes[f.lock]
	if f.quiet && f.verbose {
		return usageErrorf("quiet (%s) and verbose (%s) contradict each other", a.origins["quiet"], a.origins["verbose"])
	}
	if err := a.setupFormat(cmd); err != nil {
		return err
	}
	if f.verbose {
		a.log = slog.New(slog.NewTextHandler(scrubWriter{a}, &slog.HandlerOptions{Level: slog.LevelDebug}))
		a.logSettings()
	}
	return nil
}

// readsConfig reports whether cmd reads the configuration file: all do but
// tide init, which writes it, and the shell completion scripts.
func readsConfig(cmd *cobra.Command) bool {
	for c := cmd; c != nil; c = c.Parent() {
		if c.Name() == "init" || c.Name() == "completion" {
			return false
		}
	}
	return true
}

// logSettings logs where each setting came from (--verbose).
func (a *app) logSettings() {
	if a.config != nil {
		a.log.Debug("configuration file", "path", a.config.path, "env", a.config.env)
	}
	for i := range a.settings {
		s := &a.settings[i]
		o := a.origins[s.flag]
		v := fmt.Sprint(reflect.ValueOf(s.dst).Elem().Interface())
		if s.url {
			v = dburl.Redact(v)
		}
		a.log.Debug("setting", "flag", s.flag, "value", v, "from", o.String())
	}
}

// version is what tide --version prints: the module version and, when
// the binary was built from a checkout, the VCS revision.
func (a *app) version() string {
	bi, ok := a.buildInfo()
	if !ok {
		return "tide (unknown version)"
	}
	v := bi.Main.Version
	if v == "" {
		v = "(devel)"
	}
	var rev, modified string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				modified = ", modified"
			}
		}
	}
	out := "tide " + v
	if rev != "" {
		out += fmt.Sprintf(" (revision %.12s%s)", rev, modified)
	}
	return out + " " + bi.GoVersion
}

// runE marks the start of a command's own work: errors after it are
// failures (exit 1), not usage errors.
func (a *app) runE(fn func(cmd *cobra.Command, args []string) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		a.ran = true
		return fn(cmd, args)
	}
}

// exitError is a result that sets its own exit code (tide status
// --exit-code): it is printed unless --quiet.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// fail prints err and returns the exit code for it. A usage error points
// at the help of cmd, the command that failed. An interrupted command says
// so, without what the cancellation broke on its way.
func (a *app) fail(cmd *cobra.Command, err error) int {
	var ue *usageError
	if !a.ran || errors.As(err, &ue) {
		a.printError(err)
		fmt.Fprintf(a.stderr, "tide: run '%s --help' for usage\n", cmd.CommandPath())
		return ExitUsage
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if !a.flags.quiet {
			a.printError(err)
		}
		return ee.code
	}
	a.printError(err)
	if a.interrupted() {
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
