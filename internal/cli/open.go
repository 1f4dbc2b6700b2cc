package cli

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"sync"

	"github.com/spf13/cobra"

	"github.com/tidemigrate/tide"
	"github.com/tidemigrate/tide/adopt"
	"github.com/tidemigrate/tide/dialect"
	"github.com/tidemigrate/tide/internal/dburl"
	"github.com/tidemigrate/tide/internal/dirfs"
	"github.com/tidemigrate/tide/source"
)

// open opens the database, and says which: on stderr unless --quiet, in
// the JSON document. Its errors never contain the password.
func (a *app) open(ctx context.Context) (*sql.DB, dialect.Dialect, error) {
	db, d, connected, err := a.openAsync(ctx, nil)
	if err != nil {
		return nil, nil, err
	}
	if err := connected(); err != nil {
		db.Close()
		return nil, nil, err
	}
	return db, d, nil
}

// openAsync is open, connecting in the background: reading the migrations
// meanwhile overlaps the connection's round trips and the server's start
// of a session. Once connected, the background runs then (when not nil)
// on the same connection. connected waits for both and returns the
// connection's error; call it before using db, and before reporting
// another error, so that an unreachable database is what a run reports.
func (a *app) openAsync(ctx context.Context, then func(ctx context.Context, db *sql.DB, d dialect.Dialect)) (db *sql.DB, d dialect.Dialect, connected func() error, err error) {
	rawURL, isDefault := a.databaseURL()
	a.addPasswords(rawURL)
	if isDefault {
		if _, err := os.Stat(dburl.DefaultSQLitePath); errors.Is(err, fs.ErrNotExist) {
			if err := a.checkNewDefault(); err != nil {
				return nil, nil, nil, err
			}
		}
	}
	a.noteDatabase(rawURL, isDefault)
	a.log.Debug("opening database", "url", dburl.Redact(rawURL))
	if db, d, err = dburl.OpenLazily(rawURL); err != nil {
		return nil, nil, nil, &codedError{code: codeDatabaseUnavail, err: err}
	}
	done := make(chan error, 1)
	go func() {
		err := dburl.Connect(ctx, db, rawURL)
		if err == nil && then != nil {
			then(ctx, db, d)
		}
		done <- err
	}()
	connected = sync.OnceValue(func() error {
		if err := <-done; err != nil {
			return &codedError{code: codeDatabaseUnavail, err: err}
		}
		a.log.Debug("database open", "dialect", d.Name())
		return nil
	})
	return db, d, connected, nil
}

// openToRead opens the database for a command that only reads it (status,
// plan, validate). When the embedded default database does not exist yet,
// it opens an empty in-memory one instead, so that reading does not create
// ./tide.db; empty is true then.
func (a *app) openToRead(ctx context.Context) (db *sql.DB, d dialect.Dialect, empty bool, err error) {
	if _, isDefault := a.databaseURL(); isDefault {
		if _, err := os.Stat(dburl.DefaultSQLitePath); errors.Is(err, fs.ErrNotExist) {
			if err := a.checkNewDefault(); err != nil {
				return nil, nil, false, err
			}
			a.noteDatabase("sqlite:"+dburl.DefaultSQLitePath, true)
			fmt.Fprintf(a.stderr, "tide: ./%s does not exist yet: nothing is applied\n", dburl.DefaultSQLitePath)
			db, d, err := dburl.Open(ctx, "sqlite::memory:")
			return db, d, true, err
		}
	}
	// A SQLite file that does not exist is empty: reading it must not
	// create it (a mistyped path would leave a stray file behind).
	if rawURL, isDefault := a.databaseURL(); !isDefault {
		if path, ok := dburl.SQLiteFile(rawURL); ok {
			if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
				a.noteDatabase(rawURL, false)
				fmt.Fprintf(a.stderr, "tide: %s does not exist yet: nothing is applied (check the path)\n", path)
				db, d, err := dburl.Open(ctx, "sqlite::memory:")
				return db, d, true, err
			}
		}
	}
	db, d, err = a.open(ctx)
	return db, d, false, err
}

// checkNewDefault refuses to use the embedded default database when it
// does not exist yet and tide does not run from a terminal, or runs under
// CI: there, a missing database URL is a deploy whose secret is missing,
// which must not report success against a new local file.
func (a *app) checkNewDefault() error {
	var why string
	switch ci := strings.ToLower(strings.TrimSpace(a.getenv(envCI))); {
	case ci != "" && ci != "false" && ci != "0":
		why = envCI + " is set"
	case !a.isTerminal(a.stdin):
		why = "stdin is not a terminal"
	case !a.isTerminal(a.stderr):
		why = "stderr is not a terminal"
	default:
		return nil
	}
	return &codedError{code: codeDatabaseURLMissing, err: fmt.Errorf("no database URL given (--database-url, %s, %s, or database_url in %s) and ./%s does not exist: "+
		"not using a new embedded SQLite database because %s, so that a deploy whose database URL is missing fails here. "+
		"Set %s; or, to use the embedded database from a script, name it: --database-url sqlite:%s (or database_url = \"sqlite:%s\" in %s)",
		envDatabaseURL, envDatabaseURLAlt, a.configName(), dburl.DefaultSQLitePath, why,
		envDatabaseURL, dburl.DefaultSQLitePath, dburl.DefaultSQLitePath, a.configName())}
}

// configName is the configuration file's name, for messages.
func (a *app) configName() string {
	if a.config != nil {
		return a.config.path
	}
	return configFileName
}

// noteDatabase records the database the command acts on for the JSON
// document, and names it on stderr in one line: the embedded default
// (always, even with --quiet, as it may not be the database meant), or
// "database URL (table T)" unless --quiet.
func (a *app) noteDatabase(rawURL string, isDefault bool) {
	a.database = a.scrub(dburl.Redact(rawURL))
	if isDefault {
		fmt.Fprintf(a.stderr, "tide: no database URL given (--database-url, %s, %s, database_url in %s): using the embedded SQLite database ./%s\n",
			envDatabaseURL, envDatabaseURLAlt, a.configName(), dburl.DefaultSQLitePath)
		return
	}
	a.note("database %s (table %s)", a.database, a.flags.table)
}

// migrator builds the Migrator for db from the migrations directory and the
// global flags.
func (a *app) migrator(db *sql.DB, d dialect.Dialect, observer func(tide.Event), extra ...tide.Option) (*tide.Migrator, error) {
	fsys, err := a.migrationsFS()
	if err != nil {
		return nil, err
	}
	format, err := a.readFormat(fsys)
	if err != nil {
		return nil, err
	}
	opts := append(a.tideOptions(observer), tide.WithFormat(format))
	opts = append(opts, extra...)
	m, err := tide.New(d, db, fsys, opts...)
	if err != nil {
		return nil, err
	}
	a.migrations = m.Set()
	a.log.Debug("migrations read", "dir", a.dir, "count", a.migrations.Len(), "table", a.flags.table, "lock", a.flags.lock)
	return m, nil
}

// tideOptions are the migrator options the global flags set.
func (a *app) tideOptions(observer func(tide.Event)) []tide.Option {
	f := &a.flags
	opts := []tide.Option{
		tide.WithTable(f.table),
		tide.WithLockMode(f.lockMode),
		tide.WithLockWait(f.lockWait),
		tide.WithLeaseTTL(f.lockTTL),
		tide.WithLockTimeout(f.lockTimeout),
		tide.WithLockRetries(f.lockRetries, f.lockRetryBudget),
	}
	if observer != nil {
		opts = append(opts, tide.WithObserver(observer))
	}
	if f.verbose {
		opts = append(opts, tide.WithLogger(a.log))
	}
	return opts
}

// migrationsFS checks the migrations directory and returns it as an fs.FS,
// for readFormat and then the format's reader.
func (a *app) migrationsFS() (fs.FS, error) {
	a.dir = a.migrationsDir()
	fi, err := os.Stat(a.dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("migrations directory %s does not exist: create a migration with tide new NAME, or point --dir, %s or dir in %s at yours", a.dir, envMigrationsDir, a.configName())
	case err != nil:
		return nil, fmt.Errorf("migrations directory: %w", err)
	case !fi.IsDir():
		return nil, fmt.Errorf("migrations directory %s is not a directory", a.dir)
	}
	if a.dirFormat == "" || a.formatPin != nil {
		// The format is detected from the files before they are read:
		// read each once.
		return source.Cached(dirfs.New(a.dir)), nil
	}
	return dirfs.New(a.dir), nil
}

// formatNames lists the names --format takes for a migrations directory.
func formatNames() string {
	var names []string
	for _, f := range source.Formats() {
		names = append(names, f.Name())
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// setupFormat checks --format. It names the format of the migrations
// directory, except for adopt, where it names the other tool, whose
// folder format it also is when that tool has one.
func (a *app) setupFormat(cmd *cobra.Command) error {
	name := a.flags.format
	if name == "" {
		return nil
	}
	where := a.where("format")
	if cmd.Name() == "adopt" {
		if _, err := adopt.SourceByName(name); err != nil {
			return usageErrorf("%s: %v", where, strings.TrimPrefix(err.Error(), "adopt: "))
		}
		if _, err := source.FormatByName(name); err == nil {
			a.dirFormat = name
		} else {
			a.formatPin = nil // the other tool's name, not the folder's format
		}
		return nil
	}
	if _, err := source.FormatByName(name); err != nil {
		return usageErrorf("%s: %v", where, err)
	}
	a.dirFormat = name
	return nil
}

// where names the source of a setting's value for a message: "--format",
// "TIDE_FORMAT" or "tide.toml:3: format".
func (a *app) where(flag string) string {
	o := a.origins[flag]
	switch o.kind {
	case fromFile:
		return o.String() + ": " + a.setting(flag).key
	case fromDefault:
		return "--" + flag
	}
	return o.name
}

// readFormat returns the format to read the migrations directory fsys
// with: the one --format names, else the one [source.Detect] finds, which
// is noted on stderr unless it is native. An ambiguous folder is an error
// that lists the candidates and asks for --format.
func (a *app) readFormat(fsys fs.FS) (source.Format, error) {
	var f source.Format
	var err error
	if a.dirFormat != "" {
		if f, err = source.FormatByName(a.dirFormat); err != nil {
			return nil, usageErrorf("--format: %v", err)
		}
		if err := a.checkFormatPin(fsys, f); err != nil {
			return nil, err
		}
	} else {
		if f, err = source.Detect(fsys); err != nil {
			if a.config != nil {
				return nil, fmt.Errorf("%s: %w (with a configuration file: set format in %s)", a.dir, err, a.config.path)
			}
			return nil, fmt.Errorf("%s: %w", a.dir, err)
		}
		if f.Name() != source.Native.Name() {
			a.note("%s holds %s migrations (detected from the files; --format overrides)", a.dir, f.Name())
		}
	}
	a.log.Debug("migrations format", "format", f.Name())
	switch ff := f.(type) {
	case source.GooseFormat:
		// goose's ENVSUB reads the environment tide was given.
		f = source.GooseFormat{LookupEnv: a.lookupEnvironment}
	case source.FlywayFormat:
		for _, kv := range a.flags.flywayPlaceholders {
			name, value, _ := strings.Cut(kv, "=") // checked by setting.parse
			if ff.Placeholders == nil {
				ff.Placeholders = map[string]string{}
			}
			ff.Placeholders[name] = value
		}
		f = ff
		if a.flags.flywayBaselines {
			ff.UseBaselines = true
			f = ff
		} else if bs := source.FlywayBaselines(fsys); len(bs) > 0 {
			a.note("%s: Flyway baseline migrations left out (%s): on an empty database, pass --flyway-baselines to start from the newest instead of the V migrations it covers",
				a.dir, strings.Join(bs, ", "))
		}
	}
	return f, nil
}

// checkFormatPin refuses a --format (or TIDE_FORMAT) that a configuration
// file leaves to detection when the folder is detected as another format
// (or as several): the next run without the flag would read the folder
// differently.
func (a *app) checkFormatPin(fsys fs.FS, f source.Format) error {
	if a.formatPin == nil {
		return nil
	}
	detected, err := source.Detect(fsys)
	if err == nil && detected.Name() == f.Name() {
		return nil
	}
	found := "is not detected as any one format"
	if err == nil {
		found = "is detected as " + detected.Name()
	}
	return configErrorf("%s: %s sets no format and %s %s, so a run without %s would read it differently: set format = %q in %s",
		a.formatPin.describe(a.setting("format"), f.Name()), a.config.path, a.dir, found, a.formatPin.name, f.Name(), a.config.path)
}

// lookupEnvironment looks up an environment variable.
func (a *app) lookupEnvironment(key string) (string, bool) {
	if a.lookupEnv != nil {
		return a.lookupEnv(key)
	}
	v := a.getenv(key)
	return v, v != ""
}
