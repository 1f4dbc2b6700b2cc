package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/tidemigrate/tide"
	"github.com/tidemigrate/tide/internal/dburl"
	"github.com/tidemigrate/tide/internal/testdb"
	"github.com/tidemigrate/tide/lock"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/json from the output")

// jsonStep is one command of the JSON scenario. Its output, normalised,
// must be testdata/json/<golden>.json (a step without golden only
// prepares the next ones).
type jsonStep struct {
	golden string
	args   []string
	code   int               // the exit status
	vars   map[string]string // besides TIDE_DATABASE_URL
	// files are written before the command ("" removes the file) and
	// restored after it when restore is set.
	files   map[string]string
	restore bool
	// hold, when set, holds the migration lock during the command.
	hold bool
	// cancelled runs the command with a cancelled context (Ctrl-C).
	cancelled bool
	// sql runs on the database before the command.
	sql []string
}

// The migrations of the scenario.
const (
	createUsers = "-- +tide up\nCREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(100) NOT NULL);\n\n-- +tide down\nDROP TABLE users;\n"
	seedUsers   = "-- +tide up\nINSERT INTO users (id, name) VALUES (1, 'ada');\nINSERT INTO users (id, name) VALUES (2, 'bob');\n\n-- +tide down\nDELETE FROM users;\n"
	addEmail    = "-- +tide up\nALTER TABLE users ADD COLUMN email VARCHAR(200);\n\n-- +tide down\nALTER TABLE users DROP COLUMN email;\n"
	userNames   = "-- +tide up\nDROP VIEW IF EXISTS user_names;\nCREATE VIEW user_names AS SELECT name FROM users;\n\n-- +tide down\nDROP VIEW IF EXISTS user_names;\n"
	gooseUsers  = "-- +goose Up\nCREATE TABLE users (id INTEGER PRIMARY KEY);\n\n-- +goose Down\nDROP TABLE users;\n"
	goosePosts  = "-- +goose Up\nCREATE TABLE posts (id INTEGER PRIMARY KEY);\n\n-- +goose Down\nDROP TABLE posts;\n"
)

// jsonScenario runs every command with --json, in the order of a
// project's life: each golden file is one command's whole output.
func jsonScenario() []jsonStep {
	adopt := map[string]string{"TIDE_DATABASE_URL": "$ADOPT_URL", "TIDE_DIR": "goose"}
	return []jsonStep{
		{golden: "init", args: []string{"init", "--json", "--config", "deploy/tide.toml"}},
		{golden: "new", args: []string{"new", "--json", "--dir", "new", "add", "users"}},
		{golden: "validate_offline", args: []string{"validate", "--offline", "--json"}},
		{golden: "plan", args: []string{"plan", "--json"}},
		{golden: "up", args: []string{"up", "--json"}},
		{golden: "up_to_date", args: []string{"up", "--json"}},
		{golden: "status", args: []string{"status", "--json"}},
		{golden: "validate", args: []string{"validate", "--json"}},
		{golden: "plan_down", args: []string{"plan", "--down", "--json"}},
		{golden: "down", args: []string{"down", "--json"}},
		{golden: "redo", args: []string{"redo", "--json"}},
		{args: []string{"down", "--all", "--json"}},
		{golden: "baseline", args: []string{"baseline", "2", "--json"},
			sql: []string{"CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(100) NOT NULL)", "INSERT INTO users (id, name) VALUES (1, 'ada')"}},
		{golden: "status_exit_code", args: []string{"status", "--exit-code", "--json"}, code: ExitNotUpToDate},
		{golden: "up_failed", args: []string{"up", "--json"}, code: ExitFailure,
			files: map[string]string{"migrations/5_bad.sql": "-- +tide up\n\nINSERT INTO nope VALUES (1);\n"}, restore: true},
		{golden: "up_bad_files", args: []string{"up", "--json"}, code: ExitFailure, restore: true, files: map[string]string{
			"migrations/5_early.sql": "CREATE TABLE early (id INTEGER);\n-- +tide up\nSELECT 1;\n",
			"migrations/6_open.sql":  "-- +tide up\nSELECT 1;\nSELECT 'unterminated;\n",
		}},
		{args: []string{"up", "--json"}},
		{golden: "up_drift", args: []string{"up", "--json"}, code: ExitFailure, restore: true, files: map[string]string{
			"migrations/1_create_users.sql": strings.Replace(createUsers, "NOT NULL", "NULL", 1),
			"migrations/2_seed.sql":         "",
		}},
		{golden: "validate_problems", args: []string{"validate", "--json"}, code: ExitFailure, restore: true, files: map[string]string{
			"migrations/1_create_users.sql": strings.Replace(createUsers, "NOT NULL", "NULL", 1),
			"migrations/3_late.sql":         "-- +tide up\nSELECT 3;\n",
		}},
		{golden: "up_out_of_order", args: []string{"up", "--json"}, code: ExitFailure, restore: true,
			files: map[string]string{"migrations/3_late.sql": "-- +tide up\nSELECT 3;\n"}},
		{golden: "down_unknown_version", args: []string{"down", "--to", "9", "--json"}, code: ExitFailure},
		{golden: "up_lock_timeout", args: []string{"up", "--json", "--lock", "table", "--lock-wait", "200ms"}, code: ExitFailure, hold: true,
			files: map[string]string{"migrations/5_more.sql": "-- +tide up\nSELECT 5;\n"}, restore: true},
		{golden: "up_interrupted", args: []string{"up", "--json"}, code: ExitInterrupted, cancelled: true},
		{golden: "usage", args: []string{"up", "--json", "--to", "v1"}, code: ExitUsage},
		{golden: "usage_unknown_command", args: []string{"migrate", "--json"}, code: ExitUsage},
		{golden: "config", args: []string{"status"}, code: ExitUsage, vars: map[string]string{"TIDE_JSON": "true", "TIDE_LOCK_WAIT": "soon"}},
		{golden: "database_unavailable", args: []string{"status", "--json", "--database-url", "postgres://app:s3cretpw@127.0.0.1:1/app?sslmode=disable&connect_timeout=1"}, code: ExitFailure},
		{golden: "up_other_history", args: []string{"up", "--json"}, code: ExitFailure, vars: adopt},
		{golden: "adopt_dry_run", args: []string{"adopt", "--dry-run", "--json"}, vars: adopt},
		{golden: "adopt", args: []string{"adopt", "--json"}, vars: adopt},
		{golden: "convert", args: []string{"convert", "--json", "--to", "native", "--out", "converted"}, vars: adopt},
		{args: []string{"up", "--json"}, files: map[string]string{"migrations/6_emails.sql": setEmails}},
		{golden: "check", args: []string{"check", "--json"}},
		{golden: "up_check_failed", args: []string{"up", "--json"}, code: ExitFailure, restore: true,
			files: map[string]string{"migrations/7_more_users.sql": "-- +tide up\nINSERT INTO users (id, name) VALUES (2, 'bob');\n\n-- +tide check not-null users.email\n"}},
		{golden: "check_failed", args: []string{"check", "--json"}, code: ExitFailure, sql: []string{"UPDATE users SET email = NULL WHERE id = 1"}},
		{golden: "up_backup", args: []string{"up", "--json"}, files: map[string]string{"migrations/8_notes.sql": createNotes, "migrations/9_slim_notes.sql": slimNotes}},
		{golden: "backups_list", args: []string{"backups", "list", "--json"}},
		{golden: "restore_refused", args: []string{"restore", "9", "--json"}, code: ExitFailure},
		{golden: "restore", args: []string{"restore", "9", "--replace", "--json"}},
		{golden: "backups_prune", args: []string{"backups", "prune", "--older-than", "7d", "--json"}},
	}
}

// setEmails is a migration with data checks.
const setEmails = `-- +tide up
UPDATE users SET email = 'ada@example.com' WHERE id = 1;

-- +tide check not-null users.email
-- +tide check
-- every email has an @
SELECT id, email FROM users WHERE email NOT LIKE '%@%';

-- +tide down
UPDATE users SET email = NULL;
`

// createNotes makes a table, and slimNotes drops one of its columns:
// tide up backs it up first.
const (
	createNotes = "-- +tide up\nCREATE TABLE notes (id INTEGER PRIMARY KEY, body VARCHAR(100));\nINSERT INTO notes (id, body) VALUES (1, 'a'), (2, 'b');\n"
	slimNotes   = "-- +tide up\nALTER TABLE notes DROP COLUMN body;\n"
)

// jsonProjectFiles are the files the scenario starts with.
var jsonProjectFiles = map[string]string{
	"migrations/1_create_users.sql": createUsers,
	"migrations/2_seed.sql":         seedUsers,
	"migrations/4_add_email.sql":    addEmail,
	"migrations/R__user_names.sql":  userNames,
	"goose/00001_create_users.sql":  gooseUsers,
	"goose/00002_create_posts.sql":  goosePosts,
}

// gooseHistory is the history table of a database that goose migrated.
var gooseHistory = []string{
	"CREATE TABLE goose_db_version (id INTEGER PRIMARY KEY, version_id BIGINT NOT NULL, is_applied BOOLEAN NOT NULL, tstamp TIMESTAMP NULL)",
	"INSERT INTO goose_db_version (id, version_id, is_applied, tstamp) VALUES (1, 0, TRUE, '2024-01-01 00:00:00'), (2, 1, TRUE, '2024-01-02 03:04:05'), (3, 2, TRUE, '2024-01-03 03:04:05')",
	"CREATE TABLE users (id INTEGER PRIMARY KEY)",
	"CREATE TABLE posts (id INTEGER PRIMARY KEY)",
}

// TestJSONGolden runs the JSON scenario on SQLite and compares each
// command's output with its golden file (go test -run TestJSONGolden
// -update rewrites them). On PostgreSQL and MySQL, when their URLs are
// set, each output must have the same outline: the same lines, kinds,
// events, ok and error codes. It changes the working directory, so that
// paths read as users see them, and cannot run in parallel.
func TestJSONGolden(t *testing.T) {
	goldenDir, err := filepath.Abs(filepath.Join("testdata", "json"))
	if err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.MkdirAll(goldenDir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	var outlines []string
	for _, kind := range testdb.Kinds() {
		t.Run(strings.ToLower(kind), func(t *testing.T) {
			var mainURL, adoptURL string
			dir := t.TempDir()
			if kind == testdb.SQLite {
				mainURL, adoptURL = "sqlite:t.db", "sqlite:adopt.db"
			} else {
				testdb.URL(t, kind) // skip, or fail under CI, when unset
				mainURL, adoptURL = testdb.New(t, kind).URL, testdb.New(t, kind).URL
			}
			t.Chdir(dir)
			for name, content := range jsonProjectFiles {
				writeFile(t, name, content)
			}
			execAll(t, adoptURL, gooseHistory...)
			var got []string
			for _, step := range jsonScenario() {
				out := runJSONStep(t, step, mainURL, adoptURL)
				if step.golden == "" {
					continue
				}
				lines := normaliseJSON(t, out, dir)
				got = append(got, outline(t, step.golden, lines))
				if kind == testdb.SQLite {
					checkGolden(t, goldenDir, step.golden, lines)
				}
			}
			if kind == testdb.SQLite {
				outlines = got
			} else if outlines != nil {
				if diff := cmp.Diff(outlines, got); diff != "" {
					t.Errorf("the outlines differ from SQLite's (-sqlite +%s):\n%s", strings.ToLower(kind), diff)
				}
			}
		})
	}
}

// runJSONStep runs one step in the current directory and returns its
// stdout.
func runJSONStep(t *testing.T, step jsonStep, mainURL, adoptURL string) string {
	t.Helper()
	vars := map[string]string{"TIDE_DATABASE_URL": mainURL}
	for k, v := range step.vars {
		vars[k] = strings.ReplaceAll(v, "$ADOPT_URL", adoptURL)
	}
	execAll(t, mainURL, step.sql...)
	saved := map[string]*string{}
	for name, content := range step.files {
		if old, err := os.ReadFile(name); err == nil {
			s := string(old)
			saved[name] = &s
		} else {
			saved[name] = nil
		}
		if content == "" {
			os.Remove(name)
		} else {
			writeFile(t, name, content)
		}
	}
	if step.restore {
		defer func() {
			for name, old := range saved {
				if old == nil {
					os.Remove(name)
				} else {
					writeFile(t, name, *old)
				}
			}
		}()
	}
	ctx := t.Context()
	if step.cancelled {
		c, cancel := context.WithCancel(ctx)
		cancel()
		ctx = c
	}
	if step.hold {
		db, d, err := dburl.Open(ctx, mainURL)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		held, err := lock.Acquire(ctx, d, db, nil, "tide_migrations", lock.Options{Mode: lock.Table, Table: "tide_migrations_lock", TTL: time.Minute, Wait: time.Minute})
		if err != nil {
			t.Fatal(err)
		}
		defer held.Release(ctx)
	}
	var stdout, stderr bytes.Buffer
	e := env{
		getenv:     func(k string) string { return vars[k] },
		now:        func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) },
		isTerminal: func(any) bool { return false },
	}
	code := run(ctx, step.args, strings.NewReader(""), &stdout, &stderr, e)
	if code != step.code {
		t.Fatalf("tide %s: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", strings.Join(step.args, " "), code, step.code, stdout.String(), stderr.String())
	}
	return stdout.String()
}

// Normalisations of the output that varies from run to run.
var jsonNormal = []struct {
	re   *regexp.Regexp
	repl string
}{
	{regexp.MustCompile(`"(\w+_ms)":\d+`), `"${1}":0`},
	{regexp.MustCompile(`"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"`), `"2026-01-02T03:04:05Z"`},
	{regexp.MustCompile(`"applied_by":"[^"]*"`), `"applied_by":"user"`},
	{regexp.MustCompile(`"applied_host":"[^"]*"`), `"applied_host":"host"`},
	{regexp.MustCompile(`"created_by":"[^"]*"`), `"created_by":"user@host"`},
	{regexp.MustCompile(`"holder":"[^"]*"`), `"holder":"host:4242:x1y2z3 (lease expires in 59.8s unless renewed)"`},
	{regexp.MustCompile(`held by [^;"]*`), `held by host:4242:x1y2z3 (lease expires in 59.8s unless renewed)`},
	{regexp.MustCompile(`waited [0-9.]+m?s`), `waited 200ms`},
	{regexp.MustCompile(`(connect to \S+): [^"]*`), `${1}: (what the driver said)`},
}

// normaliseJSON checks that out is JSON lines and returns them with what
// varies replaced, each indented.
func normaliseJSON(t *testing.T, out, dir string) []string {
	t.Helper()
	var lines []string
	for l := range strings.SplitSeq(strings.TrimSuffix(out, "\n"), "\n") {
		l = strings.ReplaceAll(l, dir, "$WORK")
		for _, n := range jsonNormal {
			l = n.re.ReplaceAllString(l, n.repl)
		}
		var b bytes.Buffer
		if err := json.Indent(&b, []byte(l), "", "  "); err != nil {
			t.Fatalf("not JSON: %v\n%s", err, l)
		}
		lines = append(lines, b.String())
	}
	return lines
}

// checkGolden compares lines with <dir>/<name>.json, or writes it
// with -update.
func checkGolden(t *testing.T, dir, name string, lines []string) {
	t.Helper()
	path := filepath.Join(dir, name+".json")
	got := strings.Join(lines, "\n") + "\n"
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test -run TestJSONGolden -update writes it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s (-want +got):\n%s", path, diff)
	}
}

// outline describes the lines of one output by what must be the same on
// every database: the kind of each line, its event, ok and error codes.
func outline(t *testing.T, name string, lines []string) string {
	t.Helper()
	var parts []string
	for _, l := range lines {
		var v struct {
			Kind   string `json:"kind"`
			Event  string `json:"event"`
			OK     *bool  `json:"ok"`
			Errors []struct {
				Code string `json:"code"`
			} `json:"errors"`
		}
		if err := json.Unmarshal([]byte(l), &v); err != nil {
			t.Fatal(err)
		}
		p := v.Kind
		if v.Event != "" {
			p += ":" + v.Event
		}
		if v.OK != nil {
			p += fmt.Sprintf(" ok=%v", *v.OK)
		}
		for _, e := range v.Errors {
			p += " " + e.Code
		}
		parts = append(parts, p)
	}
	return name + ": " + strings.Join(parts, ", ")
}

// execAll runs statements on the database at rawURL.
func execAll(t *testing.T, rawURL string, stmts ...string) {
	t.Helper()
	db, _, err := dburl.Open(t.Context(), rawURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, s := range stmts {
		if _, err := db.ExecContext(t.Context(), s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

// TestJSONContract checks every golden file against the contract the
// README documents: JSON lines, event lines first, one document last with
// every member, error codes from the README's table.
func TestJSONContract(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	documented := map[string]bool{}
	for _, m := range regexp.MustCompile("(?m)^\\| `([a-z_]+)` \\|").FindAllStringSubmatch(string(readme), -1) {
		documented[m[1]] = true
	}
	codes := []string{codeUsage, codeConfig, codeDatabaseURLMissing, codeDatabaseUnavail, codeParse, codeDriftChanged, codeDriftMissing,
		codeOutOfOrder, codePartial, codePartialChanged, codeOtherHistory, codeNoDown, codeUnknownVersion, codeLockTimeout, codeLockLost,
		codeInterrupted, codeAdoptChecksum, codeAdoptCodeHistory, codeAdoptIncomplete, codeAdoptAmbiguous, codeAdoptNoHistory,
		codeNotUpToDate, codeError, string(tide.CauseFailed), string(tide.CauseInterrupted), string(tide.CauseConnectionLost),
		codeRestoreRefused, codeBackupDamaged, codeNoBackup, codeRestoreIncomplete, codeBackupUnsupported, codeNoTable}
	for _, c := range codes {
		if !documented[c] {
			t.Errorf("error code %q is not in README.md's table", c)
		}
	}
	files, err := filepath.Glob(filepath.Join("testdata", "json", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden files: %v", err)
	}
	kinds := map[string]bool{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		dec := json.NewDecoder(bytes.NewReader(data))
		var docs []map[string]any
		for dec.More() {
			var v map[string]any
			if err := dec.Decode(&v); err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			docs = append(docs, v)
		}
		for i, v := range docs {
			if v["tide"] != 1.0 {
				t.Errorf("%s: line %d: tide = %v", f, i+1, v["tide"])
			}
			if i < len(docs)-1 {
				if v["kind"] != "event" || v["event"] == nil || v["data"] == nil || len(v) != 4 {
					t.Errorf("%s: line %d is not an event line: %v", f, i+1, v)
				}
				continue
			}
			keys := slices.Sorted(func(yield func(string) bool) {
				for k := range v {
					if !yield(k) {
						return
					}
				}
			})
			if want := []string{"database", "errors", "kind", "ok", "result", "table", "tide"}; !slices.Equal(keys, want) {
				t.Errorf("%s: the document has %v, want %v", f, keys, want)
			}
			kinds[v["kind"].(string)] = true
			errs, _ := v["errors"].([]any)
			if (v["ok"] == true) != (len(errs) == 0) {
				t.Errorf("%s: ok %v with %d errors", f, v["ok"], len(errs))
			}
			for _, e := range errs {
				code, _ := e.(map[string]any)["code"].(string)
				if !documented[code] {
					t.Errorf("%s: error code %q is not in README.md's table", f, code)
				}
			}
		}
	}
	for _, k := range []string{"init", "new", "up", "down", "redo", "baseline", "adopt", "status", "plan", "validate", "convert", "tide"} {
		if !kinds[k] {
			t.Errorf("no golden file for tide %s", k)
		}
	}
}
