package cli

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/tidemigrate/tide"
	"github.com/tidemigrate/tide/adopt"
	"github.com/tidemigrate/tide/dialect"
	"github.com/tidemigrate/tide/internal/dburl"
	"github.com/tidemigrate/tide/source"
)

// Environment variables read after the flags are parsed.
const (
	envDatabaseURL       = "TIDE_DATABASE_URL"
	envDatabaseURLAlt    = "DATABASE_URL"
	envMigrationsDir     = "TIDE_DIR"
	defaultMigrationsDir = "migrations"
)

// databaseURL returns the database URL to use and whether it is the
// embedded SQLite default.
func (a *app) databaseURL() (rawURL string, isDefault bool) {
	for _, u := range []string{a.flags.databaseURL, a.getenv(envDatabaseURL), a.getenv(envDatabaseURLAlt)} {
		if u = strings.TrimSpace(u); u != "" {
			return u, false
		}
	}
	return "sqlite:" + dburl.DefaultSQLitePath, true
}

// migrationsDir returns the migrations directory to use.
func (a *app) migrationsDir() string {
	for _, d := range []string{a.flags.dir, a.getenv(envMigrationsDir)} {
		if d != "" {
			return d
		}
	}
	return defaultMigrationsDir
}

// open opens the database. Its errors never contain the password.
func (a *app) open(ctx context.Context) (*sql.DB, dialect.Dialect, error) {
	rawURL, isDefault := a.databaseURL()
	a.addPasswords(rawURL)
	if isDefault {
		a.noteDefaultDatabase()
	}
	a.log.Debug("opening database", "url", dburl.Redact(rawURL))
	db, d, err := dburl.Open(ctx, rawURL)
	if err != nil {
		return nil, nil, err
	}
	a.log.Debug("database open", "dialect", d.Name())
	return db, d, nil
}

// openToRead opens the database for a command that only reads it (status,
// plan). When the embedded default database does not exist yet, it opens an
// empty in-memory one instead, so that reading does not create ./tide.db.
func (a *app) openToRead(ctx context.Context) (*sql.DB, dialect.Dialect, error) {
	if _, isDefault := a.databaseURL(); isDefault {
		if _, err := os.Stat(dburl.DefaultSQLitePath); errors.Is(err, fs.ErrNotExist) {
			a.noteDefaultDatabase()
			fmt.Fprintf(a.stderr, "tide: ./%s does not exist yet: nothing is applied\n", dburl.DefaultSQLitePath)
			return dburl.Open(ctx, "sqlite::memory:")
		}
	}
	return a.open(ctx)
}

func (a *app) noteDefaultDatabase() {
	fmt.Fprintf(a.stderr, "tide: no database URL given (--database-url, %s, %s): using the embedded SQLite database ./%s\n",
		envDatabaseURL, envDatabaseURLAlt, dburl.DefaultSQLitePath)
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
	f := &a.flags
	opts := []tide.Option{
		tide.WithFormat(format),
		tide.WithTable(f.table),
		tide.WithLockMode(f.lockMode),
		tide.WithLockWait(f.lockWait),
		tide.WithLeaseTTL(f.lockTTL),
		tide.WithLockTimeout(f.lockTimeout),
	}
	if observer != nil {
		opts = append(opts, tide.WithObserver(observer))
	}
	if f.verbose {
		opts = append(opts, tide.WithLogger(a.log))
	}
	opts = append(opts, extra...)
	m, err := tide.New(d, db, fsys, opts...)
	if err != nil {
		return nil, err
	}
	a.log.Debug("migrations read", "dir", a.dir, "count", len(m.Migrations()), "table", f.table, "lock", f.lock)
	return m, nil
}

// migrationsFS checks the migrations directory and returns it as an fs.FS.
func (a *app) migrationsFS() (fs.FS, error) {
	a.dir = a.migrationsDir()
	fi, err := os.Stat(a.dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("migrations directory %s does not exist: create a migration with tide new NAME, or point --dir or %s at yours", a.dir, envMigrationsDir)
	case err != nil:
		return nil, fmt.Errorf("migrations directory: %w", err)
	case !fi.IsDir():
		return nil, fmt.Errorf("migrations directory %s is not a directory", a.dir)
	}
	return os.DirFS(a.dir), nil
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
	if cmd.Name() == "adopt" {
		if _, err := adopt.SourceByName(name); err != nil {
			return usageErrorf("--format: %v", strings.TrimPrefix(err.Error(), "adopt: "))
		}
		if _, err := source.FormatByName(name); err == nil {
			a.dirFormat = name
		}
		return nil
	}
	if _, err := source.FormatByName(name); err != nil {
		return usageErrorf("--format: %v", err)
	}
	a.dirFormat = name
	return nil
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
	} else {
		if f, err = source.Detect(fsys); err != nil {
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
			name, value, ok := strings.Cut(kv, "=")
			if !ok || name == "" {
				return nil, usageErrorf("--flyway-placeholder %q: write NAME=VALUE", kv)
			}
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

// lookupEnvironment looks up an environment variable.
func (a *app) lookupEnvironment(key string) (string, bool) {
	if a.lookupEnv != nil {
		return a.lookupEnv(key)
	}
	v := a.getenv(key)
	return v, v != ""
}

// offlineDB is a *sql.DB that never connects: tide.New needs a database
// but does not touch it, so validate can check the files alone.
func offlineDB() *sql.DB { return sql.OpenDB(offlineConnector{}) }

type offlineConnector struct{}

var errOffline = errors.New("the database is not reachable")

func (offlineConnector) Connect(context.Context) (driver.Conn, error) { return nil, errOffline }
func (offlineConnector) Driver() driver.Driver                        { return offlineDriver{} }

type offlineDriver struct{}

func (offlineDriver) Open(string) (driver.Conn, error) { return nil, errOffline }
