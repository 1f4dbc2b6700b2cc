package cli

import (
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/tidemigrate/tide"
	"github.com/tidemigrate/tide/internal/dburl"
	"github.com/tidemigrate/tide/lock"
	"github.com/tidemigrate/tide/source"
)

// setting is one global setting. Every global flag is one, and [app.resolve]
// gives each its value by one rule: its flag, else the first of its
// environment variables that is set, else its key in the configuration
// file, else its default.
type setting struct {
	flag  string   // the flag, without "--"
	short string   // its one-letter form, or ""
	env   []string // its environment variables; the first one set wins
	key   string   // its key in tide.toml; "" when the file cannot set it
	def   string   // the default, written as on the command line
	usage string
	// dst receives the value, and its type says how a value is read:
	// *string as it is; *time.Duration by time.ParseDuration, not negative;
	// *bool by strconv.ParseBool (a TOML boolean in the file); *[]string as
	// NAME=VALUE pairs, one per value (a TOML table in the file), merged by
	// name across the sources, flags over environment over file.
	dst   any
	check func(string) error // further checks of a value, or nil
	// least is the smallest duration a *time.Duration setting takes
	// (other than its default): a lease TTL shorter than the lock package
	// allows is a usage error, not a failure later.
	least time.Duration
	// pinned settings must be the same for every run on a database: where a
	// configuration file is in use, a flag or environment variable that
	// differs from the file is refused (see app.checkPinned).
	pinned bool
	path   bool // a path: a relative one from the file is relative to the file's folder
	url    bool // a database URL: a secret, never printed; a relative sqlite: path from the file is relative to the file's folder

	fv *flagValue // what the command line gave
}

// Environment variables that are not settings of their own.
const (
	envConfig         = "TIDE_CONFIG"
	envDatabaseURL    = "TIDE_DATABASE_URL"
	envDatabaseURLAlt = "DATABASE_URL"
	envMigrationsDir  = "TIDE_DIR"
	envCI             = "CI"
)

// defaultMigrationsDir is the migrations directory when none is given:
// relative to the configuration file's folder when there is one.
const defaultMigrationsDir = "migrations"

// lockModes are the values of --lock.
var lockModes = map[string]tide.LockMode{"auto": tide.LockAuto, "session": tide.LockSession, "table": tide.LockTable}

// settings returns the global settings, writing into f.
func (f *globalFlags) settings() []setting {
	return []setting{
		{flag: "config", env: []string{envConfig}, dst: &f.config,
			usage: "the configuration `FILE` (default: ./tide.toml when it exists)"},
		{flag: "env", env: []string{"TIDE_ENV"}, dst: &f.envName,
			usage: "read the configuration file's [env.`NAME`] section over its top level"},
		{flag: "database-url", env: []string{envDatabaseURL, envDatabaseURLAlt}, key: "database_url", dst: &f.databaseURL, url: true,
			usage: "database `URL` (default: the embedded SQLite database ./tide.db)"},
		{flag: "dir", env: []string{envMigrationsDir}, key: "dir", def: defaultMigrationsDir, dst: &f.dir, path: true,
			usage: "the migrations `DIR`"},
		{flag: "table", env: []string{"TIDE_TABLE"}, key: "table", def: tide.DefaultTable, dst: &f.table, pinned: true, check: notBlank,
			usage: "version table; the table lock uses <table>_lock"},
		{flag: "format", env: []string{"TIDE_FORMAT"}, key: "format", dst: &f.format, pinned: true,
			usage: "format of the migrations directory: " + formatNames() + " (default: detected from the files)"},
		{flag: "lock", env: []string{"TIDE_LOCK"}, key: "lock", def: "auto", dst: &f.lock, pinned: true, check: checkLock,
			usage: "how migrators exclude each other: session (advisory lock), table (lease row) or auto"},
		{flag: "lock-wait", env: []string{"TIDE_LOCK_WAIT"}, key: "lock_wait", def: shortDuration(tide.DefaultLockWait), dst: &f.lockWait,
			usage: "how long to wait for another migrator to release the lock"},
		{flag: "lock-ttl", env: []string{"TIDE_LOCK_TTL"}, key: "lock_ttl", def: shortDuration(tide.DefaultLeaseTTL), dst: &f.lockTTL, least: lock.MinTTL,
			usage: "table lock lease lifetime: the lock of a migrator that died is taken over after it"},
		{flag: "lock-timeout", env: []string{"TIDE_LOCK_TIMEOUT"}, key: "lock_timeout", def: shortDuration(tide.DefaultLockTimeout), dst: &f.lockTimeout,
			usage: "how long each statement may wait for a table lock before tide tries again (PostgreSQL lock_timeout; MySQL: tide watches the wait, the server's lock_wait_timeout counting whole seconds); 0 keeps the server's"},
		{flag: "lock-retries", env: []string{"TIDE_LOCK_RETRIES"}, key: "lock_retries", def: strconv.Itoa(tide.DefaultLockRetries), dst: &f.lockRetries,
			usage: "how many times a statement that timed out waiting for a table lock is tried, with jittered pauses"},
		{flag: "lock-retry-budget", env: []string{"TIDE_LOCK_RETRY_BUDGET"}, key: "lock_retry_budget", def: shortDuration(tide.DefaultLockRetryBudget), dst: &f.lockRetryBudget,
			usage: "how long those tries may take in all"},
		{flag: "flyway-placeholder", env: []string{"TIDE_FLYWAY_PLACEHOLDERS"}, key: "flyway_placeholders", dst: &f.flywayPlaceholders,
			usage: "Flyway folders: the value of a ${NAME} placeholder, as `NAME=VALUE` (repeatable)"},
		{flag: "flyway-baselines", env: []string{"TIDE_FLYWAY_BASELINES"}, key: "flyway_baselines", def: "false", dst: &f.flywayBaselines,
			usage: "Flyway folders: let the newest B<version>__ baseline migration replace the V migrations it covers, as Flyway does on an empty database"},
		{flag: "json", env: []string{"TIDE_JSON"}, key: "json", def: "false", dst: &f.json,
			usage: "print JSON lines on stdout: the events, then one document with the result and the errors"},
		{flag: "quiet", short: "q", env: []string{"TIDE_QUIET"}, key: "quiet", def: "false", dst: &f.quiet,
			usage: "print only errors"},
		{flag: "verbose", short: "v", env: []string{"TIDE_VERBOSE"}, key: "verbose", def: "false", dst: &f.verbose,
			usage: "log debug details to stderr, including where each setting came from"},
	}
}

// registerSettings adds the settings as persistent flags of root. The
// defaults shown by --help are the built-in ones: the environment and the
// file are read after parsing, so --help never shows their values (a
// password, say).
func (a *app) registerSettings(pf *pflag.FlagSet) {
	a.settings = a.flags.settings()
	for i := range a.settings {
		s := &a.settings[i]
		s.fv = &flagValue{s: s}
		usage := s.usage
		if len(s.env) > 0 {
			usage += " [$" + strings.Join(s.env, ", $") + "]"
		}
		fl := pf.VarPF(s.fv, s.flag, s.short, usage)
		if _, ok := s.dst.(*bool); ok {
			fl.NoOptDefVal = "true"
		}
	}
}

// flagValue records the values the command line gave a setting, for
// [app.resolve] to read with the others.
type flagValue struct {
	s    *setting
	vals []string
}

func (v *flagValue) Set(s string) error { v.vals = append(v.vals, s); return nil }

// String is the default shown by --help.
func (v *flagValue) String() string { return v.s.def }

func (v *flagValue) Type() string {
	switch v.s.dst.(type) {
	case *time.Duration:
		return "duration"
	case *bool:
		return "bool"
	case *int:
		return "int"
	case *[]string:
		return "stringArray"
	}
	return "string"
}

// origin says where a setting's value came from.
type origin struct {
	kind originKind
	name string // the flag ("--table"), environment variable, or file
	line int    // in the file
}

type originKind int

const (
	fromDefault originKind = iota
	fromFile
	fromEnv
	fromFlag
)

func (o origin) String() string {
	switch o.kind {
	case fromDefault:
		return "default"
	case fromFile:
		return fmt.Sprintf("%s:%d", o.name, o.line)
	}
	return o.name
}

// describe returns "where value" for a message about a value of s: the
// flag, variable or file line and key it came from, and the value, unless
// it is a URL (a secret).
func (o origin) describe(s *setting, value string) string {
	v := strconv.Quote(value)
	if s.url {
		v = "(the URL)"
	}
	switch o.kind {
	case fromFlag:
		return fmt.Sprintf("%s %s", o.name, v)
	case fromEnv:
		if s.url {
			return o.name
		}
		return fmt.Sprintf("%s=%s", o.name, v)
	case fromFile:
		return fmt.Sprintf("%s:%d: %s = %s", o.name, o.line, s.key, v)
	}
	return fmt.Sprintf("the default %s %s", s.flag, v)
}

// resolve gives every global setting its value, and loads the
// configuration file unless noFile: --config and --env, which choose the
// file, come from the flags and the environment only.
func (a *app) resolve(noFile bool) error {
	for i := range a.settings {
		if s := &a.settings[i]; s.key == "" {
			if err := a.resolveSetting(s, nil); err != nil {
				return err
			}
		}
	}
	var file *configFile
	if !noFile {
		var err error
		if file, err = a.loadConfig(); err != nil {
			return err
		}
	}
	a.config = file
	for i := range a.settings {
		if s := &a.settings[i]; s.key != "" {
			if err := a.resolveSetting(s, file); err != nil {
				return err
			}
		}
	}
	return a.checkPinned()
}

// resolveSetting gives s its value. A value that is empty or only blanks
// counts as not given, so that DATABASE_URL= (a secret missing in CI, say)
// falls through like an unset variable.
func (a *app) resolveSetting(s *setting, file *configFile) error {
	type value struct {
		text string
		from origin
	}
	var vals []value // the winning source's values; every source's for pairs
	_, merge := s.dst.(*[]string)
	if file != nil && s.key != "" {
		for _, fv := range file.values[s.key] {
			text := fv.text
			if strings.TrimSpace(text) == "" {
				continue
			}
			if s.path && !filepath.IsAbs(text) {
				text = filepath.Join(file.dir, text)
			}
			if s.url {
				text = sqliteRelativeTo(text, file.dir)
			}
			vals = append(vals, value{text, origin{fromFile, file.path, fv.line}})
		}
	}
	for _, name := range s.env {
		v := a.getenv(name)
		if strings.TrimSpace(v) == "" {
			continue
		}
		if merge {
			for p := range strings.SplitSeq(v, ",") {
				vals = append(vals, value{p, origin{kind: fromEnv, name: name}})
			}
		} else {
			vals = []value{{v, origin{kind: fromEnv, name: name}}}
		}
		break
	}
	for _, v := range s.fv.vals {
		if strings.TrimSpace(v) == "" {
			continue
		}
		if !merge {
			vals = nil
		}
		vals = append(vals, value{v, origin{kind: fromFlag, name: "--" + s.flag}})
	}
	if len(vals) == 0 {
		def := s.def
		if s.path && def != "" && file != nil {
			def = filepath.Join(file.dir, def)
		}
		vals = []value{{def, origin{kind: fromDefault}}}
	}
	if a.origins == nil {
		a.origins = map[string]origin{}
	}
	if merge {
		*s.dst.(*[]string) = nil
	}
	for _, v := range vals {
		if err := s.set(v.text); err != nil {
			if v.from.kind == fromFile || v.from.kind == fromEnv {
				return configErrorf("%s: %v", v.from.describe(s, v.text), err)
			}
			return usageErrorf("%s: %v", v.from.describe(s, v.text), err)
		}
		a.origins[s.flag] = v.from
	}
	if s.url {
		for _, v := range vals {
			a.addPasswords(v.text)
		}
	}
	return nil
}

// set parses v into s.dst; the default "" of a string leaves it empty.
func (s *setting) set(v string) error {
	x, err := s.parse(v)
	if err != nil {
		return err
	}
	switch dst := s.dst.(type) {
	case *string:
		*dst = x.(string)
	case *time.Duration:
		*dst = x.(time.Duration)
	case *bool:
		*dst = x.(bool)
	case *int:
		*dst = x.(int)
	case *[]string:
		if v != "" {
			*dst = append(*dst, x.(string))
		}
	}
	return nil
}

// parse reads one value of s, as set would store it.
func (s *setting) parse(v string) (any, error) {
	switch s.dst.(type) {
	case *time.Duration:
		d, err := time.ParseDuration(strings.TrimSpace(v))
		switch {
		case err != nil:
			return nil, errors.New("not a duration: write it like 90s, 5m or 1h30m")
		case d < 0:
			return nil, errors.New("must not be negative")
		case d < s.least:
			return nil, fmt.Errorf("must be at least %s", s.least)
		}
		return d, nil
	case *bool:
		b, err := strconv.ParseBool(strings.TrimSpace(v))
		if err != nil {
			return nil, errors.New("not a boolean: write true or false")
		}
		return b, nil
	case *int:
		n, err := strconv.Atoi(strings.TrimSpace(v))
		switch {
		case err != nil:
			return nil, errors.New("not a whole number")
		case n < 1:
			return nil, errors.New("must be at least 1")
		}
		return n, nil
	case *[]string:
		if name, _, ok := strings.Cut(v, "="); v != "" && (!ok || name == "") {
			return nil, errors.New("write NAME=VALUE")
		}
		return v, nil
	}
	if s.url {
		v = strings.TrimSpace(v)
	}
	if s.check != nil && v != "" {
		if err := s.check(v); err != nil {
			return nil, err
		}
	}
	return v, nil
}

func notBlank(v string) error {
	if strings.TrimSpace(v) == "" {
		return errors.New("must not be empty")
	}
	return nil
}

func checkLock(v string) error {
	if _, ok := lockModes[v]; !ok {
		return errors.New("must be session, table or auto")
	}
	return nil
}

// setting returns the setting of a flag.
func (a *app) setting(flag string) *setting {
	for i := range a.settings {
		if a.settings[i].flag == flag {
			return &a.settings[i]
		}
	}
	panic("no setting " + flag)
}

// checkPinned refuses a table, format or lock from a flag or the
// environment that differs from the configuration file (or from the
// default, where the file does not set it): the next run without that
// flag would read another version table, or lock differently, and report
// something else entirely. The format the file leaves to detection is
// checked against the detected one when the folder is read (readFormat).
func (a *app) checkPinned() error {
	file := a.config
	if file == nil {
		return nil
	}
	for i := range a.settings {
		s := &a.settings[i]
		o := a.origins[s.flag]
		if !s.pinned || (o.kind != fromFlag && o.kind != fromEnv) {
			continue
		}
		got := *s.dst.(*string)
		if _, err := source.FormatByName(got); s.flag == "format" && err != nil {
			continue // another tool's name (tide adopt --format knex): not the folder's format
		}
		fvs, inFile := file.values[s.key]
		want := s.def
		if inFile {
			want = fvs[0].text
		}
		if got == want {
			continue
		}
		if s.flag == "format" && !inFile {
			a.formatPin = &o
			continue
		}
		how := fmt.Sprintf("%s sets no %s, so every run without %s uses %s", file.path, s.key, o.name, strconv.Quote(want))
		if inFile {
			how = fmt.Sprintf("%s:%d sets %s = %s", file.path, fvs[0].line, s.key, strconv.Quote(want))
		}
		return configErrorf("%s differs from the configuration: %s. The version table, the format and the lock must be the same for every run, "+
			"so with a configuration file they are set there: change %s in %s",
			o.describe(s, got), how, s.key, file.path)
	}
	return nil
}

// sqliteRelativeTo returns rawURL with a relative path of a sqlite: URL
// made relative to dir.
func sqliteRelativeTo(rawURL, dir string) string {
	scheme, rest, ok := strings.Cut(strings.TrimSpace(rawURL), ":")
	if !ok {
		return rawURL
	}
	switch strings.ToLower(scheme) {
	case "sqlite", "sqlite3", "file":
	default:
		return rawURL
	}
	slashes := ""
	if r, ok := strings.CutPrefix(rest, "//"); ok {
		slashes, rest = "//", r
	}
	path, query, hasQuery := strings.Cut(rest, "?")
	if path == "" || strings.HasPrefix(path, ":") || filepath.IsAbs(path) {
		return rawURL
	}
	u := scheme + ":" + slashes + filepath.ToSlash(filepath.Join(dir, path))
	if hasQuery {
		u += "?" + query
	}
	return u
}

// databaseURL returns the database URL to use and whether it is the
// embedded SQLite default.
func (a *app) databaseURL() (rawURL string, isDefault bool) {
	if u := strings.TrimSpace(a.flags.databaseURL); u != "" {
		return u, false
	}
	return "sqlite:" + dburl.DefaultSQLitePath, true
}

// migrationsDir returns the migrations directory to use.
func (a *app) migrationsDir() string {
	if a.flags.dir == "" {
		return defaultMigrationsDir
	}
	return a.flags.dir
}

// shortDuration writes d as a person would: 5m, 30s, 1h30m.
func shortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}
