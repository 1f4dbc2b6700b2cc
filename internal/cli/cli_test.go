package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/spf13/cobra"

	"github.com/tidemigrate/tide/internal/dburl"
)

// result is what one in-process run printed.
type result struct {
	code           int
	stdout, stderr string
}

// runTide runs the command line in process with vars as its whole
// environment.
func runTide(t *testing.T, ctx context.Context, vars map[string]string, args ...string) result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	e := env{
		getenv:     func(k string) string { return vars[k] },
		now:        time.Now,
		isTerminal: func(any) bool { return false },
	}
	code := run(ctx, args, strings.NewReader(""), &stdout, &stderr, e)
	return result{code, stdout.String(), stderr.String()}
}

// project makes a directory with one migration in migrations/ and returns
// it.
func project(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "migrations", "1_create_t.sql"), "-- +tide up\nCREATE TABLE t (id INTEGER PRIMARY KEY);\n\n-- +tide down\nDROP TABLE t;\n")
	return dir
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// TestDatabaseURLPrecedence checks --database-url, then TIDE_DATABASE_URL,
// then DATABASE_URL, with the flag before or after the command.
func TestDatabaseURLPrecedence(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		flag     bool // pass --database-url sqlite:<dir>/flag.db
		tideEnv  bool // TIDE_DATABASE_URL=sqlite:<dir>/tide.db
		plainEnv bool // DATABASE_URL=sqlite:<dir>/plain.db
		before   bool // the flag before the command
		want     string
	}{
		{name: "flag wins", flag: true, tideEnv: true, plainEnv: true, want: "flag.db"},
		{name: "flag before the command", flag: true, tideEnv: true, before: true, want: "flag.db"},
		{name: "TIDE_DATABASE_URL before DATABASE_URL", tideEnv: true, plainEnv: true, want: "tide.db"},
		{name: "DATABASE_URL", plainEnv: true, want: "plain.db"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := project(t)
			vars := map[string]string{"TIDE_DIR": filepath.Join(dir, "migrations")}
			if tt.tideEnv {
				vars["TIDE_DATABASE_URL"] = "sqlite:" + filepath.Join(dir, "tide.db")
			}
			if tt.plainEnv {
				vars["DATABASE_URL"] = "sqlite:" + filepath.Join(dir, "plain.db")
			}
			args := []string{"up"}
			if tt.flag {
				f := []string{"--database-url", "sqlite:" + filepath.Join(dir, "flag.db")}
				if tt.before {
					args = append(f, args...)
				} else {
					args = append(args, f...)
				}
			}
			res := runTide(t, t.Context(), vars, args...)
			if res.code != 0 {
				t.Fatalf("exit %d\n%s", res.code, res.stderr)
			}
			if strings.Contains(res.stderr, "no database URL") {
				t.Errorf("stderr notes the default database although a URL was given:\n%s", res.stderr)
			}
			for _, db := range []string{"flag.db", "tide.db", "plain.db"} {
				if got := exists(filepath.Join(dir, db)); got != (db == tt.want) {
					t.Errorf("%s exists: %v, want %v", db, got, db == tt.want)
				}
			}
		})
	}
}

func TestDatabaseURLDefault(t *testing.T) {
	t.Parallel()
	a := &app{env: env{getenv: func(string) string { return "" }}}
	u, isDefault := a.databaseURL()
	if u != "sqlite:tide.db" || !isDefault {
		t.Errorf("databaseURL() = %q, %v; want sqlite:tide.db, true", u, isDefault)
	}
	a.flags.databaseURL = "  "
	if _, isDefault := a.databaseURL(); !isDefault {
		t.Error("a blank --database-url is not the default")
	}
}

func TestMigrationsDirPrecedence(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	fromEnv, fromFlag := filepath.Join(dir, "env"), filepath.Join(dir, "flag")
	vars := map[string]string{"TIDE_DIR": fromEnv}

	res := runTide(t, t.Context(), vars, "new", "x")
	if res.code != 0 || !strings.HasPrefix(res.stdout, fromEnv+string(filepath.Separator)) {
		t.Errorf("with TIDE_DIR: exit %d, stdout %q; want a file in %s", res.code, res.stdout, fromEnv)
	}
	res = runTide(t, t.Context(), vars, "new", "x", "--dir", fromFlag)
	if res.code != 0 || !strings.HasPrefix(res.stdout, fromFlag+string(filepath.Separator)) {
		t.Errorf("with --dir after the command: exit %d, stdout %q; want a file in %s", res.code, res.stdout, fromFlag)
	}
	res = runTide(t, t.Context(), vars, "--dir", fromFlag, "new", "y")
	if res.code != 0 || !strings.HasPrefix(res.stdout, fromFlag+string(filepath.Separator)) {
		t.Errorf("with --dir before the command: exit %d, stdout %q; want a file in %s", res.code, res.stdout, fromFlag)
	}

	a := &app{env: env{getenv: func(string) string { return "" }}}
	if got := a.migrationsDir(); got != "migrations" {
		t.Errorf("default migrations dir = %q, want migrations", got)
	}
}

// TestPasswordNeverPrinted runs every command, --help and failing paths
// with a password in the URL of an unreachable server: the password must
// never appear in the output.
func TestPasswordNeverPrinted(t *testing.T) {
	t.Parallel()
	const pw = "s3cretpw"
	urls := []string{
		"postgres://tide:" + pw + "@127.0.0.1:1/app?sslmode=disable",
		"mysql://tide:" + pw + "@127.0.0.1:1/app",
		"mysql://tide:" + pw + "@127.0.0.1:1",          // no database name
		"postgres://tide:" + pw + "@127.0.0.1:bad/app", // does not parse
		"oracle://tide:" + pw + "@127.0.0.1:1/app",     // unknown scheme
		"postgres://tide:" + pw + "%21@127.0.0.1:1/app?sslmode=disable",
	}
	commands := [][]string{
		{"--help"}, {"up", "--help"}, {"up"}, {"up", "--json"}, {"up", "-v"}, {"up", "--to", "1"},
		{"down"}, {"down", "--all", "--json"}, {"redo"}, {"status"}, {"status", "--json"},
		{"plan"}, {"plan", "--json"}, {"validate"}, {"validate", "--json"}, {"baseline", "1"},
		{"new", "x"}, {"bogus"}, {"up", "--bogus"},
		{"adopt"}, {"adopt", "--dry-run", "--json"}, {"adopt", "--format", "goose"}, {"status", "--format", "goose"},
		{"convert", "--to", "goose", "--out", "OUT"}, // OUT: a folder in the test's directory
	}
	for _, u := range urls {
		// The URL where a command or a flag's value belongs.
		for _, args := range [][]string{{u}, {"up", u}, {"--database-url=" + u, "up"}, {"--database-ur=" + u, "up"}} {
			t.Run("", func(t *testing.T) {
				t.Parallel()
				res := runTide(t, t.Context(), nil, args...)
				if strings.Contains(res.stdout+res.stderr, pw) {
					t.Errorf("tide %q printed the password:\nstdout:\n%s\nstderr:\n%s", args, res.stdout, res.stderr)
				}
			})
		}
		for _, args := range commands {
			for _, via := range []string{"flag", "TIDE_DATABASE_URL", "DATABASE_URL"} {
				t.Run("", func(t *testing.T) {
					t.Parallel()
					dir := project(t)
					vars := map[string]string{"TIDE_DIR": filepath.Join(dir, "migrations")}
					args := append([]string(nil), args...)
					for i, arg := range args {
						if arg == "OUT" {
							args[i] = filepath.Join(dir, "out")
						}
					}
					if via == "flag" {
						args = append(args, "--database-url", u)
					} else {
						vars[via] = u
					}
					res := runTide(t, t.Context(), vars, args...)
					if strings.Contains(res.stdout+res.stderr, pw) {
						t.Errorf("tide %q with the URL in %s printed the password:\nstdout:\n%s\nstderr:\n%s", args, via, res.stdout, res.stderr)
					}
				})
			}
		}
		// The URL in a configuration file: at the top level, in the section
		// chosen or another one, and in files with mistakes after it or
		// around it.
		files := []struct {
			text string
			args []string
		}{
			{"database_url = %q\n", nil},
			{"[env.prod]\ndatabase_url = %q\n", []string{"--env", "prod"}},
			{"database_url = \"sqlite:x.db\"\n[env.prod]\ndatabase_url = %q\n", []string{"-v"}},
			{"database_url = %q\ntabel = 1\n", nil},
			{"database_url = %q\n[env.prod]\nlock_wait = \"soon\"\n", nil},
			{"[env.prod]\ndatabase_url = %q\n", []string{"--env", "dev"}},
			{"database_url = %q\ndatabase_url = \"again\"\n", nil},
			{"database_url = %q", nil},
			{"database_url = %q[\n", nil},
			{"database_url = \"%s\n", nil}, // unterminated
		}
		for _, file := range files {
			for _, args := range [][]string{{"status"}, {"up", "-v"}, {"validate", "--json"}, {"up", "--json"}, {"adopt"}, {"plan"}, {"--help"}, {"up", "--help"}} {
				t.Run("", func(t *testing.T) {
					t.Parallel()
					dir := project(t)
					config := filepath.Join(dir, "tide.toml")
					writeFile(t, config, fmt.Sprintf(file.text, u))
					vars := map[string]string{"TIDE_DIR": filepath.Join(dir, "migrations"), "TIDE_CONFIG": config}
					args := append(append([]string(nil), args...), file.args...)
					res := runTide(t, t.Context(), vars, args...)
					if strings.Contains(res.stdout+res.stderr, pw) {
						t.Errorf("tide %q with %q in the configuration file printed the password:\nstdout:\n%s\nstderr:\n%s", args, file.text, res.stdout, res.stderr)
					}
				})
			}
		}
	}
}

func TestExitCodes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args []string
		want int
	}{
		{[]string{"--help"}, ExitOK},
		{[]string{"up"}, ExitOK},
		{[]string{"status", "-q"}, ExitOK},
		{[]string{"bogus"}, ExitUsage},
		{[]string{"up", "--bogus"}, ExitUsage},
		{[]string{"up", "extra"}, ExitUsage},
		{[]string{"up", "--to", "v1"}, ExitUsage},
		{[]string{"down", "--to", "1", "--all"}, ExitUsage},
		{[]string{"new"}, ExitUsage},
		{[]string{"new", "!!!"}, ExitUsage},
		{[]string{"baseline"}, ExitUsage},
		{[]string{"--lock", "bogus", "status"}, ExitUsage},
		{[]string{"status", "--lock-wait", "-1s"}, ExitUsage},
		{[]string{"status", "-q", "-v"}, ExitUsage},
		{[]string{"status", "--format", "bogus"}, ExitUsage},
		{[]string{"status", "--format", "knex"}, ExitUsage}, // a history source, not a folder format
		{[]string{"adopt", "--format", "bogus"}, ExitUsage},
		{[]string{"adopt", "--source-table", "x"}, ExitUsage},
		{[]string{"adopt", "--baseline", "v1"}, ExitUsage},
		{[]string{"adopt"}, ExitFailure}, // no history table
		{[]string{"convert", "--to", "goose"}, ExitUsage},
		{[]string{"convert", "--to", "bogus", "--out", "nowhere"}, ExitUsage},
		{[]string{"status", "--format", "goose"}, ExitFailure}, // the native file is no goose file
		{[]string{"up", "--to", "9"}, ExitFailure},
		{[]string{"status", "--lock", "session"}, ExitFailure}, // SQLite has no session lock
		{[]string{"status", "--database-url", "postgres://127.0.0.1:1/x?sslmode=disable"}, ExitFailure},
		{[]string{"status", "--dir", "nowhere"}, ExitFailure},
		{[]string{"--version"}, ExitOK},
		{[]string{"status", "--exit-code"}, ExitNotUpToDate}, // 1 pending
		{[]string{"status", "--exit-code", "--json"}, ExitNotUpToDate},
		{[]string{"validate", "--database-url", "postgres://127.0.0.1:1/x?sslmode=disable"}, ExitFailure},
		{[]string{"validate", "--offline", "--database-url", "postgres://127.0.0.1:1/x?sslmode=disable"}, ExitOK},
		{[]string{"validate", "--offline", "--database-url", "oracle://127.0.0.1:1/x"}, ExitFailure},
		{[]string{"status", "--env", "prod"}, ExitUsage}, // no configuration file
		{[]string{"status", "--config", "nowhere.toml"}, ExitUsage},
		{[]string{"status", "--lock-wait", "soon"}, ExitUsage},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			t.Parallel()
			dir := project(t)
			vars := map[string]string{
				"TIDE_DIR":          filepath.Join(dir, "migrations"),
				"TIDE_DATABASE_URL": "sqlite:" + filepath.Join(dir, "t.db"),
			}
			res := runTide(t, t.Context(), vars, tt.args...)
			if res.code != tt.want {
				t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", res.code, tt.want, res.stdout, res.stderr)
			}
			if res.code != ExitOK && !strings.HasPrefix(res.stderr, "tide: ") {
				t.Errorf("stderr does not start with \"tide: \":\n%s", res.stderr)
			}
		})
	}
}

func TestInterrupted(t *testing.T) {
	t.Parallel()
	dir := project(t)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	vars := map[string]string{"TIDE_DIR": filepath.Join(dir, "migrations"), "TIDE_DATABASE_URL": "sqlite:" + filepath.Join(dir, "t.db")}
	res := runTide(t, ctx, vars, "up")
	if res.code != ExitInterrupted || !strings.Contains(res.stderr, "tide: interrupted\n") {
		t.Errorf("exit %d, want %d, and stderr saying interrupted:\n%s", res.code, ExitInterrupted, res.stderr)
	}
}

// TestEmbeddedDefault checks when tide may use the embedded SQLite
// default ./tide.db while it does not exist: from a terminal, not under
// CI. Elsewhere a missing URL is refused. (up from a terminal, which
// creates ./tide.db in the current directory, is covered by
// testdata/script/default_db.txtar.)
func TestEmbeddedDefault(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		terminal []string // the streams that are terminals
		ci       string
		args     []string
		want     int
		stderr   string
	}{
		{"status from a terminal", []string{"stdin", "stderr"}, "", []string{"status"}, ExitOK, "./tide.db does not exist yet: nothing is applied"},
		{"validate from a terminal", []string{"stdin", "stderr"}, "", []string{"validate"}, ExitOK, "./tide.db does not exist yet"},
		{"CI=false counts as unset", []string{"stdin", "stderr"}, "false", []string{"plan"}, ExitOK, "./tide.db does not exist yet"},
		{"status under CI", []string{"stdin", "stderr"}, "true", []string{"status"}, ExitFailure, "because CI is set"},
		{"up under CI", []string{"stdin", "stderr"}, "1", []string{"up"}, ExitFailure, "because CI is set"},
		{"up from a script", nil, "", []string{"up"}, ExitFailure, "because stdin is not a terminal"},
		{"up with stderr redirected", []string{"stdin"}, "", []string{"up"}, ExitFailure, "because stderr is not a terminal"},
		{"baseline from a script", nil, "", []string{"baseline", "1"}, ExitFailure, "because stdin is not a terminal"},
		{"validate from a script", nil, "", []string{"validate"}, ExitFailure, "tide validate --offline"},
		{"validate --offline from a script", nil, "", []string{"validate", "--offline"}, ExitOK, "checking the files only"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := project(t)
			vars := map[string]string{"TIDE_DIR": filepath.Join(dir, "migrations"), "CI": tt.ci}
			var stdout, stderr bytes.Buffer
			stdin := strings.NewReader("")
			streams := map[any]string{stdin: "stdin", &stdout: "stdout", &stderr: "stderr"}
			e := env{
				getenv:     func(k string) string { return vars[k] },
				now:        time.Now,
				isTerminal: func(f any) bool { return slices.Contains(tt.terminal, streams[f]) },
			}
			code := run(t.Context(), tt.args, stdin, &stdout, &stderr, e)
			if code != tt.want || !strings.Contains(stderr.String(), tt.stderr) {
				t.Errorf("exit %d, want %d and stderr with %q\nstdout:\n%s\nstderr:\n%s", code, tt.want, tt.stderr, stdout.String(), stderr.String())
			}
			if exists(dburl.DefaultSQLitePath) {
				t.Errorf("./%s was created", dburl.DefaultSQLitePath)
			}
		})
	}
}

func TestSanitizeName(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"add_users":             "add_users",
		"Add Users":             "add_users",
		"add-users.email index": "add_users_email_index",
		"__weird__name__":       "weird_name",
		"Ünïcödé table":         "n_c_d_table",
		"v2 ADD column":         "v2_add_column",
		"!!!":                   "",
		"  ":                    "",
	}
	for in, want := range tests {
		if got := sanitizeName(in); got != want {
			t.Errorf("sanitizeName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCreateMigration(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 22, 9, 30, 0, 0, time.FixedZone("CET", 3600))
	dir := filepath.Join(t.TempDir(), "db", "migrations") // created on demand

	path, version, err := createMigration(dir, "add_users", now)
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(dir, "20261122083000_add_users.sql"); path != want || version != "20261122083000" {
		t.Errorf("got %s, %s; want %s (the UTC time)", path, version, want)
	}
	content, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(content) != migrationTemplate {
		t.Errorf("content:\n%s", content)
	}

	// The same second again, with another name: the version is taken, so
	// it moves on by a second, and again.
	for _, want := range []string{"20261122083001_other.sql", "20261122083002_other.sql"} {
		path, _, err = createMigration(dir, "other", now)
		if err != nil {
			t.Fatal(err)
		}
		if filepath.Base(path) != want {
			t.Errorf("got %s, want %s", filepath.Base(path), want)
		}
	}

	// A version taken with leading zeros counts as taken too.
	writeFile(t, filepath.Join(dir, "0020261122083003_padded.sql"), migrationTemplate)
	path, _, _ = createMigration(dir, "next", now)
	if want := "20261122083004_next.sql"; filepath.Base(path) != want {
		t.Errorf("got %s, want %s", filepath.Base(path), want)
	}

	// Nothing was overwritten.
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	want := []string{"0020261122083003_padded.sql", "20261122083000_add_users.sql", "20261122083001_other.sql", "20261122083002_other.sql", "20261122083004_next.sql"}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Errorf("files (-want +got):\n%s", diff)
	}
}

func TestNewCommand(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	var stdout, stderr bytes.Buffer
	clock := func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) }
	e := env{getenv: func(string) string { return "" }, now: clock, isTerminal: func(any) bool { return false }}
	code := run(t.Context(), []string{"new", "--dir", dir, "Add", "Users", "Table"}, nil, &stdout, &stderr, e)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	if want := filepath.Join(dir, "20260102030405_add_users_table.sql") + "\n"; stdout.String() != want {
		t.Errorf("stdout %q, want %q", stdout.String(), want)
	}
	if stderr.Len() > 0 {
		t.Errorf("stderr: %s", stderr.String())
	}
	// The template applies as it is: up runs it with no statements.
	res := runTide(t, t.Context(), map[string]string{"TIDE_DATABASE_URL": "sqlite:" + filepath.Join(dir, "t.db")}, "up", "--dir", dir)
	if res.code != 0 || res.stdout != "applied 1 migration\n" {
		t.Errorf("up on the template: exit %d, stdout %q, stderr %q", res.code, res.stdout, res.stderr)
	}
}

func TestSplitJoined(t *testing.T) {
	t.Parallel()
	a, b, c := errors.New("a"), errors.New("b"), errors.New("c")
	got := splitJoined(errors.Join(a, errors.Join(b, c)))
	if len(got) != 3 || got[0] != a || got[1] != b || got[2] != c {
		t.Errorf("splitJoined = %v", got)
	}
	wrapped := fmt.Errorf("%w (%w)", a, b)
	if got := splitJoined(wrapped); len(got) != 1 || got[0] != wrapped {
		t.Errorf("splitJoined(fmt.Errorf with two %%w) = %v, want it whole", got)
	}
}

func TestScrub(t *testing.T) {
	t.Parallel()
	a := &app{}
	a.addPasswords("postgres://postgres:postgres@db:5432/app")
	a.addPasswords("mysql://app:s3cretpw@db/app")
	tests := map[string]string{
		"connect to postgres://postgres:xxxxx@db:5432/app: refused": "connect to postgres://postgres:xxxxx@db:5432/app: refused",
		`unknown command "mysql://app:s3cretpw@db/app"`:             `unknown command "mysql://app:xxxxx@db/app"`,
		`unknown command "mysql://root:other@db/app"`:               `unknown command "mysql://root:xxxxx@db/app"`,
		"password s3cretpw rejected":                                "password xxxxx rejected",
		"tide_migrations for user postgres":                         "tide_migrations for user postgres",
	}
	for in, want := range tests {
		if got := a.scrub(in); got != want {
			t.Errorf("scrub(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestExampleProject runs the README's quick start on a copy of
// examples/blog, as a script does (no terminal, CI set): its tide.toml
// names the embedded SQLite database, relative to the file.
func TestExampleProject(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "blog")
	if err := os.CopyFS(dir, os.DirFS(filepath.Join("..", "..", "examples", "blog"))); err != nil {
		t.Fatal(err)
	}
	os.Remove(filepath.Join(dir, "tide.db")) // left by someone's quick start
	vars := map[string]string{"CI": "true"}
	config := filepath.Join(dir, "tide.toml")
	res := runTide(t, t.Context(), vars, "--config", config, "up")
	if res.code != ExitOK || res.stdout != "applied 4 migrations\n" {
		t.Fatalf("up: exit %d\nstdout:\n%s\nstderr:\n%s", res.code, res.stdout, res.stderr)
	}
	if !exists(filepath.Join(dir, "tide.db")) {
		t.Error("the example's tide.db is not next to its tide.toml")
	}
	res = runTide(t, t.Context(), vars, "--config", config, "--env", "ci", "status", "--exit-code")
	if res.code != ExitOK {
		t.Errorf("status --exit-code: exit %d\nstdout:\n%s\nstderr:\n%s", res.code, res.stdout, res.stderr)
	}
	res = runTide(t, t.Context(), vars, "--config", config, "down", "--all")
	if res.code != ExitOK || res.stdout != "reverted 4 migrations\n" {
		t.Errorf("down --all: exit %d\nstdout:\n%s\nstderr:\n%s", res.code, res.stdout, res.stderr)
	}
}

func TestEveryCommandHasAnExample(t *testing.T) {
	t.Parallel()
	a := &app{env: processEnv()}
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if c.Hidden {
			return
		}
		if c.Example == "" {
			t.Errorf("%s has no Example", c.CommandPath())
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(a.rootCommand())
}

func TestVersion(t *testing.T) {
	t.Parallel()
	tests := []struct {
		info *debug.BuildInfo
		want string
	}{
		{&debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v1.2.3"}}, "tide v1.2.3 go1.26.8"},
		{&debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{
			{Key: "vcs", Value: "git"}, {Key: "vcs.revision", Value: "0123456789abcdef0123"}, {Key: "vcs.modified", Value: "true"},
		}}, "tide (devel) (revision 0123456789ab, modified) go1.26.8"},
		{&debug.BuildInfo{GoVersion: "go1.26.8", Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "abc"}, {Key: "vcs.modified", Value: "false"}}},
			"tide (devel) (revision abc) go1.26.8"},
		{nil, "tide (unknown version)"},
	}
	for _, tt := range tests {
		var stdout bytes.Buffer
		e := env{getenv: func(string) string { return "" }, buildInfo: func() (*debug.BuildInfo, bool) { return tt.info, tt.info != nil }}
		if code := run(t.Context(), []string{"--version"}, nil, &stdout, io.Discard, e); code != ExitOK || stdout.String() != tt.want+"\n" {
			t.Errorf("exit %d, stdout %q; want %q", code, stdout.String(), tt.want+"\n")
		}
	}
}
