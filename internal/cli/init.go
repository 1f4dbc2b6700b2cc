package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unicode"

	"github.com/spf13/cobra"

	"github.com/tidemigrate/tide/internal/dburl"
)

func (a *app) initCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "init",
		Short: "Write a commented tide.toml for this project",
		Long: `Write the configuration file ./tide.toml (or the file --config names) with
every setting and what it does. Settings given as flags to tide init are
written with their values; the others are shown with their defaults. It
never overwrites a file, and needs no database.

Keep the database password out of the file: tide init refuses a
--database-url with a password. Set TIDE_DATABASE_URL (or DATABASE_URL)
where tide runs.`,
		Example: `  tide init
  tide init --dir db/migrations --table app_migrations
  tide init --config deploy/tide.toml --lock table`,
		Args: cobra.NoArgs,
		RunE: a.runE(func(cmd *cobra.Command, _ []string) error {
			path := a.flags.config
			if path == "" {
				path = configFileName
			}
			if u := a.flags.databaseURL; u != "" && dburl.Redact(u) != u {
				return usageErrorf("tide init does not write passwords into %s: leave --database-url out, and set %s where tide runs", path, envDatabaseURL)
			}
			if a.origins["dir"].kind == fromFlag && !filepath.IsAbs(a.flags.dir) {
				// Relative paths in the file are relative to its folder.
				rel, err := filepath.Rel(filepath.Dir(path), a.flags.dir)
				if err != nil {
					return err
				}
				a.flags.dir = filepath.ToSlash(rel)
			}
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				return err
			}
			if err := writeNew(path, a.initFile()); err != nil {
				if errors.Is(err, fs.ErrExist) {
					return fmt.Errorf("%s already exists: edit it, or remove it to write a new one", path)
				}
				return err
			}
			a.result = initResult{Path: path}
			a.info("wrote %s", path)
			return nil
		}),
	}
}

// initResult is the result of tide init.
type initResult struct {
	Path string `json:"path"` // the file written
}

// initKeys are the settings tide init writes, in order, each with its
// comment; on: written even when not given, rather than commented out;
// example: shown, commented out, when there is no default.
var initKeys = []struct {
	key, comment string
	on           bool
	example      string
}{
	{key: "database_url", example: "postgres://app@localhost:5432/app?sslmode=disable", comment: `The database. Keep passwords out of this file: set TIDE_DATABASE_URL (or
DATABASE_URL) where tide runs. Without any URL, tide uses the embedded
SQLite database ./tide.db, and creates it only when run from a terminal.`},
	{key: "dir", on: true, comment: "The migrations directory."},
	{key: "table", on: true, comment: `The version table, the format and the lock must be the same for every run
on a database: a --table, --format or --lock (or TIDE_TABLE, TIDE_FORMAT,
TIDE_LOCK) that differs from this file is refused.`},
	{key: "format", example: "native", comment: "native, goose, golang-migrate, dbmate, flyway or prisma; default: detected from the files."},
	{key: "lock", on: true, comment: "session (advisory lock), table (lease row; behind PgBouncer in transaction mode) or auto."},
	{key: "lock_wait", comment: "How long to wait for another migrator's lock."},
	{key: "lock_ttl", comment: "Table lock lease lifetime: a killed holder's lock is taken over after it."},
	{key: "lock_timeout", comment: "How long each statement may wait for a table lock before tide tries again; \"0\" keeps the server's."},
	{key: "lock_retries", comment: "How many times such a statement is tried, with jittered pauses, within lock_retry_budget."},
	{key: "lock_retry_budget"},
	{key: "flyway_baselines", comment: "Flyway folders: start an empty database from the newest B baseline migration."},
	{key: "json", comment: "Output: JSON on stdout, only errors, or debug logs."},
	{key: "quiet"},
	{key: "verbose"},
	{key: "flyway_placeholders", example: "schema=app", comment: "Flyway folders: the values of ${NAME} placeholders."},
}

// initFile returns the text of the tide.toml that tide init writes.
func (a *app) initFile() string {
	var b strings.Builder
	b.WriteString(`# tide.toml: the settings of the tide command line for this project.
#
# Every key is also a flag (lock_wait: --lock-wait) and an environment
# variable (TIDE_LOCK_WAIT). A flag wins over the environment, the
# environment over this file, this file over the defaults shown here.
# Relative paths are relative to this file's folder.
`)
	for _, k := range initKeys {
		s := a.settingByKey(k.key)
		if k.comment != "" {
			b.WriteString("\n")
			for l := range strings.SplitSeq(k.comment, "\n") {
				b.WriteString("# " + l + "\n")
			}
		}
		given := a.origins[s.flag].kind == fromFlag
		if _, table := s.dst.(*[]string); table {
			b.WriteString(a.initTable(s, given, k.example))
			continue
		}
		value := s.def
		if given {
			value = fmt.Sprint(a.settingText(s))
		}
		if value == "" {
			value = k.example
		}
		line := k.key + " = " + tomlValue(s, value)
		if !given && !k.on {
			line = "# " + line
		}
		b.WriteString(line + "\n")
	}
	b.WriteString(`
# Environments: tide --env prod (or TIDE_ENV=prod) reads the [env.prod]
# section over the settings above.
# [env.prod]
# lock_timeout = "500ms"
`)
	return b.String()
}

// initTable writes a NAME=VALUE setting as a TOML table.
func (a *app) initTable(s *setting, given bool, example string) string {
	pairs := *s.dst.(*[]string)
	prefix := ""
	if !given {
		pairs, prefix = []string{example}, "# "
	}
	out := prefix + "[" + s.key + "]\n"
	for _, p := range pairs {
		name, value, _ := strings.Cut(p, "=")
		out += prefix + tomlKey(name) + " = " + tomlString(value) + "\n"
	}
	return out
}

// settingText is a setting's value as written on the command line.
func (a *app) settingText(s *setting) string {
	switch v := s.dst.(type) {
	case *string:
		return *v
	case *bool:
		return fmt.Sprint(*v)
	case *int:
		return fmt.Sprint(*v)
	case *time.Duration:
		if n := len(s.fv.vals); n > 0 {
			return strings.TrimSpace(s.fv.vals[n-1]) // as the user wrote it
		}
		return shortDuration(*v)
	}
	return ""
}

// settingByKey returns the setting of a key of the file.
func (a *app) settingByKey(key string) *setting {
	for i := range a.settings {
		if a.settings[i].key == key {
			return &a.settings[i]
		}
	}
	panic("no setting with key " + key)
}

// tomlValue writes value as TOML for s: a boolean bare, others as strings.
func tomlValue(s *setting, value string) string {
	switch s.dst.(type) {
	case *bool, *int:
		return value
	}
	return tomlString(value)
}

// tomlString writes s as a TOML basic string.
func tomlString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case unicode.IsControl(r):
			fmt.Fprintf(&b, "\\u%04X", r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// tomlKey writes a key bare when TOML allows it, else quoted.
func tomlKey(k string) string {
	for _, r := range k {
		if !(r == '_' || r == '-' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return tomlString(k)
		}
	}
	if k == "" {
		return `""`
	}
	return k
}

// writeNew writes a new file, and never overwrites one (fs.ErrExist).
func writeNew(path, content string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	_, err = f.WriteString(content)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
	}
	return err
}
