package cli

import (
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// settingsFor parses args as tide does, with vars as the whole
// environment, and gives the settings their values.
func settingsFor(t *testing.T, vars map[string]string, args ...string) (*app, error) {
	t.Helper()
	e := processEnv()
	e.getenv = func(k string) string { return vars[k] }
	e.lookupEnv = nil
	e.isTerminal = func(any) bool { return false }
	a := &app{env: e, stdout: io.Discard, stderr: io.Discard, log: slog.New(slog.DiscardHandler)}
	root := a.rootCommand()
	cmd, rest, err := root.Find(args)
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.ParseFlags(rest); err != nil {
		t.Fatal(err)
	}
	return a, a.setup(cmd)
}

// resolved is what TestSettingsPrecedence compares.
type resolved struct {
	DatabaseURL  string
	Dir          string
	LockWait     time.Duration
	LockTimeout  time.Duration
	JSON         bool
	Placeholders []string
	LockWaitFrom string // where lock_wait came from
}

func TestSettingsPrecedence(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := filepath.Join(dir, "tide.toml")
	writeFile(t, file, `lock_wait = "1m"
database_url = "sqlite:app.db"
json = true
dir = "db"

[flyway_placeholders]
a = "file"
b = "file"

[env.prod]
lock_wait = "2m"
lock_timeout = "3s"
database_url = "sqlite:///abs/prod.db"
dir = "/abs/migrations"

[env.prod.flyway_placeholders]
b = "prod"
`)
	noFile := resolved{Dir: "migrations", LockWait: 5 * time.Minute, LockTimeout: 200 * time.Millisecond, LockWaitFrom: "default"}
	fromFile := resolved{DatabaseURL: "sqlite:" + filepath.ToSlash(filepath.Join(dir, "app.db")), Dir: filepath.Join(dir, "db"),
		LockWait: time.Minute, LockTimeout: 200 * time.Millisecond, JSON: true, Placeholders: []string{"a=file", "b=file"}, LockWaitFrom: file + ":1"}
	with := func(r resolved, change func(*resolved)) resolved {
		r.Placeholders = append([]string(nil), r.Placeholders...)
		change(&r)
		return r
	}
	tests := []struct {
		name string
		vars map[string]string
		args []string
		want resolved
	}{
		{"defaults", nil, nil, noFile},
		{"defaults with a file that sets nothing", map[string]string{"TIDE_CONFIG": filepath.Join(dir, "empty.toml")}, nil,
			with(noFile, func(r *resolved) { r.Dir = filepath.Join(dir, "migrations") })},
		{"file", nil, []string{"--config", file}, fromFile},
		{"TIDE_CONFIG", map[string]string{"TIDE_CONFIG": file}, nil, fromFile},
		{"--config over TIDE_CONFIG", map[string]string{"TIDE_CONFIG": "nowhere.toml"}, []string{"--config", file}, fromFile},
		{"environment over file", map[string]string{"TIDE_CONFIG": file, "TIDE_LOCK_WAIT": "90s", "TIDE_DIR": "rel", "TIDE_JSON": "false"}, nil,
			with(fromFile, func(r *resolved) {
				r.LockWait, r.LockWaitFrom, r.Dir, r.JSON = 90*time.Second, "TIDE_LOCK_WAIT", "rel", false
			})},
		{"an empty variable counts as unset", map[string]string{"TIDE_CONFIG": file, "TIDE_LOCK_WAIT": "", "DATABASE_URL": " "}, nil, fromFile},
		{"flag over environment", map[string]string{"TIDE_CONFIG": file, "TIDE_LOCK_WAIT": "90s"}, []string{"--lock-wait", "10s", "--json=false"},
			with(fromFile, func(r *resolved) { r.LockWait, r.LockWaitFrom, r.JSON = 10*time.Second, "--lock-wait", false })},
		{"DATABASE_URL over file", map[string]string{"TIDE_CONFIG": file, "DATABASE_URL": "sqlite:plain.db"}, nil,
			with(fromFile, func(r *resolved) { r.DatabaseURL = "sqlite:plain.db" })},
		{"TIDE_DATABASE_URL over DATABASE_URL", map[string]string{"TIDE_CONFIG": file, "DATABASE_URL": "sqlite:plain.db", "TIDE_DATABASE_URL": "sqlite:tide.db"}, nil,
			with(fromFile, func(r *resolved) { r.DatabaseURL = "sqlite:tide.db" })},
		{"--env section over the top level", nil, []string{"--config", file, "--env", "prod"},
			with(fromFile, func(r *resolved) {
				r.LockWait, r.LockTimeout, r.LockWaitFrom = 2*time.Minute, 3*time.Second, file+":11"
				r.DatabaseURL, r.Dir = "sqlite:///abs/prod.db", "/abs/migrations"
				r.Placeholders = []string{"a=file", "b=file", "b=prod"}
			})},
		{"TIDE_ENV", map[string]string{"TIDE_ENV": "prod"}, []string{"--config", file},
			with(fromFile, func(r *resolved) {
				r.LockWait, r.LockTimeout, r.LockWaitFrom = 2*time.Minute, 3*time.Second, file+":11"
				r.DatabaseURL, r.Dir = "sqlite:///abs/prod.db", "/abs/migrations"
				r.Placeholders = []string{"a=file", "b=file", "b=prod"}
			})},
		{"flag over --env section", nil, []string{"--config", file, "--env", "prod", "--lock-wait", "1s"},
			with(fromFile, func(r *resolved) {
				r.LockWait, r.LockTimeout, r.LockWaitFrom = time.Second, 3*time.Second, "--lock-wait"
				r.DatabaseURL, r.Dir = "sqlite:///abs/prod.db", "/abs/migrations"
				r.Placeholders = []string{"a=file", "b=file", "b=prod"}
			})},
		{"placeholders merge by name: flags over environment over file",
			map[string]string{"TIDE_CONFIG": file, "TIDE_FLYWAY_PLACEHOLDERS": "b=env,c=env"}, []string{"--flyway-placeholder", "c=flag"},
			with(fromFile, func(r *resolved) { r.Placeholders = []string{"a=file", "b=file", "b=env", "c=env", "c=flag"} })},
	}
	writeFile(t, filepath.Join(dir, "empty.toml"), "# nothing\n")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a, err := settingsFor(t, tt.vars, append([]string{"status"}, tt.args...)...)
			if err != nil {
				t.Fatal(err)
			}
			f := a.flags
			got := resolved{f.databaseURL, f.dir, f.lockWait, f.lockTimeout, f.json, f.flywayPlaceholders, a.origins["lock-wait"].String()}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestSettingsErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		file string // tide.toml; "" for none
		vars map[string]string
		args []string
		want string // the error; a leading "FILE" stands for the file's path
	}{
		{"unknown key", "table = \"t\"\ntabel = \"x\"\n", nil, nil,
			"FILE:2: tabel: unknown key (did you mean table?)"},
		{"unknown key, far from any", "colour = \"blue\"\n", nil, nil,
			"FILE:1: colour: unknown key (known keys: database_url, dir, table, format, lock, lock_wait, lock_ttl, lock_timeout, lock_retries, lock_retry_budget, flyway_placeholders, flyway_baselines, json, quiet, verbose)"},
		{"unknown key in a section", "[env.prod]\ntable = \"t\"\nlock_wiat = \"1s\"\n", nil, nil,
			"FILE:3: env.prod.lock_wiat: unknown key (did you mean lock_wait?)"},
		{"unknown key in an inline table", "[env]\nprod = { tabel = \"x\" }\n", nil, nil,
			"FILE:2: env.prod.tabel: unknown key (did you mean table?)"},
		{"bad duration", "# c\n\nlock_wait = \"5 minutes\"\n", nil, nil,
			`FILE:3: lock_wait = "5 minutes": not a duration: write it like 90s, 5m or 1h30m`},
		{"bad duration in a section not chosen", "[env.prod]\nlock_ttl = \"-1s\"\n", nil, nil,
			`FILE:2: env.prod.lock_ttl = "-1s": must not be negative`},
		{"duration as a number", "lock_wait = 300\n", nil, nil,
			`FILE:1: lock_wait: write a string in quotes, like lock_wait = "5m"`},
		{"boolean as a string", "json = \"yes\"\n", nil, nil,
			"FILE:1: json: write true or false, without quotes"},
		{"bad lock", "lock = \"sesion\"\n", nil, nil,
			`FILE:1: lock = "sesion": must be session, table or auto`},
		{"bad format", "format = \"gooze\"\n", nil, nil,
			`FILE:1: format = "gooze": unknown migration format "gooze"`},
		{"bad format in a section not chosen", "[env.prod]\nformat = \"knex\"\n", nil, nil,
			`FILE:2: env.prod.format = "knex": unknown migration format "knex"`},
		{"syntax", "table = tide\n", nil, nil, "FILE:1: "},
		{"duplicate key", "table = \"a\"\ntable = \"b\"\n", nil, nil, "FILE:2: key table is already defined"},
		{"placeholders as a string", "flyway_placeholders = \"a=b\"\n", nil, nil,
			"FILE:1: flyway_placeholders: write flyway_placeholders as a table of strings: [flyway_placeholders], then NAME = \"VALUE\" lines"},
		{"a table for a single value", "[table]\nname = \"x\"\n", nil, nil,
			"FILE:1: [table]: table is a single value, not a table"},
		{"a setting beside the sections", "[env]\ntable = \"x\"\n", nil, nil,
			"FILE:2: env.table: settings for an environment go in its section: [env.NAME], then key = value lines"},
		{"arrays of tables", "[[env]]\ntable = \"x\"\n", nil, nil,
			"FILE:1: [[env]]: arrays of tables are not settings"},
		{"missing section", "[env.prod]\n[env.dev]\n", nil, []string{"--env", "staging"},
			"FILE has no [env.staging] section (its sections: dev, prod)"},
		{"missing section, none at all", "table = \"t\"\n", map[string]string{"TIDE_ENV": "prod"}, nil,
			"FILE has no [env.prod] section (it has no [env.NAME] sections)"},
		{"--env without a file", "", nil, []string{"--env", "prod"},
			`--env "prod": there is no configuration file to read [env.prod] from (./tide.toml, --config or TIDE_CONFIG)`},
		{"--config that does not exist", "", nil, []string{"--config", "/nonexistent/tide.toml"},
			`--config "/nonexistent/tide.toml": open /nonexistent/tide.toml: no such file or directory`},
		{"bad variable", "", map[string]string{"TIDE_LOCK_WAIT": "soon"}, nil,
			`TIDE_LOCK_WAIT="soon": not a duration: write it like 90s, 5m or 1h30m`},
		{"bad flag", "", nil, []string{"--lock-timeout", "-1s"}, `--lock-timeout "-1s": must not be negative`},
		{"bad boolean variable", "", map[string]string{"TIDE_FLYWAY_BASELINES": "maybe"}, nil,
			`TIDE_FLYWAY_BASELINES="maybe": not a boolean: write true or false`},
		{"bad placeholder variable", "", map[string]string{"TIDE_FLYWAY_PLACEHOLDERS": "a=1,b"}, nil,
			`TIDE_FLYWAY_PLACEHOLDERS="b": write NAME=VALUE`},
		{"quiet and verbose", "quiet = true\n", map[string]string{"TIDE_VERBOSE": "1"}, nil,
			"quiet (FILE:1) and verbose (TIDE_VERBOSE) contradict each other"},
		{"the URL is never shown", "database_url = 5\n", nil, nil,
			`FILE:1: database_url: write a string in quotes, like database_url = "..."`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			file := filepath.Join(t.TempDir(), "tide.toml")
			args := append([]string{"status"}, tt.args...)
			if tt.file != "" {
				writeFile(t, file, tt.file)
				args = append(args, "--config", file)
			}
			_, err := settingsFor(t, tt.vars, args...)
			want := strings.ReplaceAll(tt.want, "FILE", file)
			if err == nil || !strings.HasPrefix(err.Error(), want) {
				t.Errorf("error:\n%v\nwant it to start with:\n%s", err, want)
			}
			if _, ok := err.(*usageError); err != nil && !ok {
				t.Errorf("%T is not a usage error", err)
			}
		})
	}
}

// TestPinnedSettings checks that with a configuration file, a table,
// format or lock from a flag or the environment must agree with it.
func TestPinnedSettings(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		file string
		vars map[string]string
		args []string
		want string // the start of the error; "" for none
	}{
		{"same as the file", "table = \"app\"\n", nil, []string{"--table", "app"}, ""},
		{"flag differs", "table = \"app\"\n", nil, []string{"--table", "other"},
			`--table "other" differs from the configuration: FILE:1 sets table = "app". The version table, the format and the lock must be the same for every run, so with a configuration file they are set there: change table in FILE`},
		{"variable differs", "table = \"app\"\n", map[string]string{"TIDE_TABLE": "other"}, nil,
			`TIDE_TABLE="other" differs from the configuration: FILE:1 sets table = "app"`},
		{"the file leaves the default", "dir = \"m\"\n", nil, []string{"--table", "other"},
			`--table "other" differs from the configuration: FILE sets no table, so every run without --table uses "tide_migrations"`},
		{"the default, given", "dir = \"m\"\n", nil, []string{"--table", "tide_migrations", "--lock", "auto"}, ""},
		{"lock", "lock = \"table\"\n", nil, []string{"--lock", "session"}, `--lock "session" differs from the configuration: FILE:1 sets lock = "table"`},
		{"the section's value", "table = \"app\"\n[env.prod]\ntable = \"prod\"\n", nil, []string{"--env", "prod", "--table", "prod"}, ""},
		{"the section's value differs", "table = \"app\"\n[env.prod]\ntable = \"prod\"\n", nil, []string{"--env", "prod", "--table", "app"},
			`--table "app" differs from the configuration: FILE:3 sets table = "prod"`},
		{"format", "format = \"goose\"\n", nil, []string{"--format", "dbmate"}, `--format "dbmate" differs from the configuration: FILE:1 sets format = "goose"`},
		{"adopt's --format names another tool", "format = \"native\"\n", nil, []string{"adopt", "--format", "knex"}, ""},
		{"not pinned", "lock_wait = \"1m\"\n", nil, []string{"--lock-wait", "2m", "--dir", "x"}, ""},
		{"no file", "", nil, []string{"--table", "other", "--lock", "table"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			file := filepath.Join(t.TempDir(), "tide.toml")
			args := append([]string{"status"}, tt.args...)
			if len(tt.args) > 0 && !strings.HasPrefix(tt.args[0], "-") { // the command
				args = tt.args
			}
			if tt.file != "" {
				writeFile(t, file, tt.file)
				args = append(args, "--config", file)
			}
			_, err := settingsFor(t, tt.vars, args...)
			want := strings.ReplaceAll(tt.want, "FILE", file)
			switch {
			case want == "" && err != nil:
				t.Errorf("unexpected error: %v", err)
			case want != "" && (err == nil || !strings.HasPrefix(err.Error(), want)):
				t.Errorf("error:\n%v\nwant it to start with:\n%s", err, want)
			}
		})
	}
}

// TestPinnedFormat checks a --format that the file leaves to detection:
// it must name the format detected.
func TestPinnedFormat(t *testing.T) {
	t.Parallel()
	dir := project(t) // native
	file := filepath.Join(dir, "tide.toml")
	writeFile(t, file, "database_url = \"sqlite:t.db\"\n")
	vars := map[string]string{"TIDE_CONFIG": file}
	res := runTide(t, t.Context(), vars, "status", "--format", "native")
	if res.code != ExitOK {
		t.Errorf("--format native on a native folder: exit %d\n%s", res.code, res.stderr)
	}
	res = runTide(t, t.Context(), vars, "status", "--format", "dbmate")
	want := `tide: --format "dbmate": ` + file + ` sets no format and ` + filepath.Join(dir, "migrations") + ` is detected as native, so a run without --format would read it differently: set format = "dbmate" in ` + file
	if res.code != ExitUsage || !strings.Contains(res.stderr, want) {
		t.Errorf("exit %d, stderr:\n%s\nwant:\n%s", res.code, res.stderr, want)
	}
	// adopt's --format names the other tool, which may have no folder format.
	res = runTide(t, t.Context(), vars, "adopt", "--format", "knex", "--dry-run")
	if strings.Contains(res.stderr, "differs") || strings.Contains(res.stderr, "sets no format") {
		t.Errorf("adopt --format knex was taken for a folder format:\n%s", res.stderr)
	}
}

func TestSQLiteRelativeTo(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"sqlite:app.db":                "sqlite:conf/app.db",
		"sqlite:./data/app.db?mode=rw": "sqlite:conf/data/app.db?mode=rw",
		"sqlite://app.db":              "sqlite://conf/app.db",
		"sqlite:///abs/app.db":         "sqlite:///abs/app.db",
		"sqlite:/abs/app.db":           "sqlite:/abs/app.db",
		"sqlite::memory:":              "sqlite::memory:",
		"file:app.db":                  "file:conf/app.db",
		"postgres://u:p@h/db":          "postgres://u:p@h/db",
		"mysql://u@h/db":               "mysql://u@h/db",
		"nonsense":                     "nonsense",
	}
	for in, want := range tests {
		if got := sqliteRelativeTo(in, "conf"); got != want {
			t.Errorf("sqliteRelativeTo(%q, conf) = %q, want %q", in, got, want)
		}
	}
}

// TestInitFile checks that tide init writes every key of the file, and
// that what it writes reads back as the settings it was given.
func TestInitFile(t *testing.T) {
	t.Parallel()
	a, err := settingsFor(t, nil, "init", "--table", "app_migrations", "--lock-wait", "90s", "--flyway-placeholder", `sch ema=a"b`, "--json")
	if err != nil {
		t.Fatal(err)
	}
	text := a.initFile()
	for _, s := range a.settings {
		if s.key != "" && !strings.Contains(text, s.key+" = ") && !strings.Contains(text, "["+s.key+"]") {
			t.Errorf("tide init does not write %s:\n%s", s.key, text)
		}
	}
	file := filepath.Join(t.TempDir(), "tide.toml")
	if err := os.WriteFile(file, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	b, err := settingsFor(t, nil, "status", "--config", file)
	if err != nil {
		t.Fatalf("%v\n%s", err, text)
	}
	got := []any{b.flags.table, b.flags.lockWait, b.flags.flywayPlaceholders, b.flags.json, b.flags.lock, b.flags.dir}
	want := []any{"app_migrations", 90 * time.Second, []string{`sch ema=a"b`}, true, "auto", filepath.Join(filepath.Dir(file), "migrations")}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("read back (-want +got):\n%s\n%s", diff, text)
	}
}

func TestFitColumns(t *testing.T) {
	t.Parallel()
	rows := func() [][]string {
		return [][]string{
			{"VERSION", "NAME", "STATE", "BY"},
			{"1", "create_a_rather_long_table_name", "pending (irreversible: no down)", "me"},
			{"2", "short", "applied", "me"},
		}
	}
	tests := []struct {
		width int
		want  [][]string
	}{
		{80, rows()}, // fits: unchanged
		{60, [][]string{
			{"VERSION", "NAME", "STATE", "BY"},
			{"1", "create_a_rather_long_…", "pending (irreversible:…", "me"},
			{"2", "short", "applied", "me"},
		}},
		{10, [][]string{ // cannot fit: down to the narrowest
			{"VERSION", "NAME", "STATE", "BY"},
			{"1", "create_…", "pending…", "me"},
			{"2", "short", "applied", "me"},
		}},
	}
	for _, tt := range tests {
		got := rows()
		fitColumns(got, tt.width, 2, 1, 2)
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("width %d (-want +got):\n%s", tt.width, diff)
		}
	}
}

func TestClosest(t *testing.T) {
	t.Parallel()
	known := []string{"table", "lock_wait", "lock_ttl", "database_url"}
	for word, want := range map[string]string{"tabel": "table", "lock-wait": "lock_wait", "databse_url": "database_url", "colour": "", "": ""} {
		if got := closest(word, known); got != want {
			t.Errorf("closest(%q) = %q, want %q", word, got, want)
		}
	}
}
