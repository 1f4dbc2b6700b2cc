package cli

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/tidemigrate/tide/internal/dburl"
	"github.com/tidemigrate/tide/internal/testdb"
)

// TestMain lets the test binary run as the tide command in the scripts:
// testscript puts a copy named "tide" on their PATH. In the scripts,
// TIDE_TEST_TERMINAL=stdin,stderr,stdout makes tide take those streams
// for terminals, and TIDE_TEST_COLUMNS=N for N columns wide.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"tide": func() {
			ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
			context.AfterFunc(ctx, stop)
			e := processEnv()
			if t := os.Getenv("TIDE_TEST_TERMINAL"); t != "" {
				names := map[any]string{os.Stdin: "stdin", os.Stdout: "stdout", os.Stderr: "stderr"}
				e.isTerminal = func(f any) bool { return slices.Contains(strings.Split(t, ","), names[f]) }
			}
			if c := os.Getenv("TIDE_TEST_COLUMNS"); c != "" {
				n, _ := strconv.Atoi(c)
				e.termWidth = func(any) int { return n }
			}
			code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, e)
			stop()
			os.Exit(code)
		},
	})
}

// TestScripts runs testdata/script/*.txtar end to end, once per database:
// SQLite always, PostgreSQL and MySQL when TIDE_TEST_POSTGRES_URL and
// TIDE_TEST_MYSQL_URL are set. Each script gets a fresh database in
// $DB_URL, and the conditions [sqlite], [postgres] and [mysql].
func TestScripts(t *testing.T) {
	t.Parallel()
	for _, kind := range testdb.Kinds() {
		t.Run(strings.ToLower(kind), func(t *testing.T) {
			t.Parallel()
			if kind != testdb.SQLite {
				testdb.URL(t, kind) // skip, or fail under CI, when unset
			}
			testscript.Run(t, scriptParams(kind))
		})
	}
}

func scriptParams(kind string) testscript.Params {
	return testscript.Params{
		Dir:                 filepath.Join("testdata", "script"),
		RequireExplicitExec: true,
		Setup: func(e *testscript.Env) error {
			url := "sqlite:" + filepath.Join(e.WorkDir, "t.db")
			if kind != testdb.SQLite {
				url = testdb.New(e.T().(testing.TB), kind).URL
			}
			e.Setenv("DB_URL", url)
			// A race-enabled tide sleeps a second at exit by default.
			gorace := "atexit_sleep_ms=0"
			if v := os.Getenv("GORACE"); v != "" {
				gorace = v + " " + gorace
			}
			e.Setenv("GORACE", gorace)
			return nil
		},
		Condition: func(cond string) (bool, error) {
			switch cond {
			case "sqlite", "postgres", "mysql":
				return strings.EqualFold(cond, kind), nil
			}
			return false, fmt.Errorf("unknown condition %q", cond)
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"dbexec":       cmdDBExec,
			"dbquery":      cmdDBQuery,
			"waitquery":    cmdWaitQuery,
			"killsessions": cmdKillSessions,
			"sleep":        cmdSleep,
		},
	}
}

func openScriptDB(ts *testscript.TestScript, rawURL string) *sql.DB {
	db, _, err := dburl.Open(context.Background(), rawURL)
	if err != nil {
		ts.Fatalf("open %s: %v", dburl.Redact(rawURL), err)
	}
	return db
}

// dbexec URL STATEMENT...: runs each statement.
func cmdDBExec(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) < 2 {
		ts.Fatalf("usage: dbexec URL STATEMENT...")
	}
	db := openScriptDB(ts, args[0])
	defer db.Close()
	for _, stmt := range args[1:] {
		_, err := db.Exec(stmt)
		switch {
		case err != nil && !neg:
			ts.Fatalf("%s: %v", stmt, err)
		case err == nil && neg:
			ts.Fatalf("%s: unexpected success", stmt)
		}
	}
}

// dbquery URL QUERY: prints the rows, one per line, columns separated by
// tabs.
func cmdDBQuery(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: dbquery URL QUERY")
	}
	db := openScriptDB(ts, args[0])
	defer db.Close()
	out, err := query(db, args[1])
	switch {
	case err != nil && !neg:
		ts.Fatalf("%s: %v", args[1], err)
	case err == nil && neg:
		ts.Fatalf("%s: unexpected success", args[1])
	}
	fmt.Fprint(ts.Stdout(), out)
}

// waitquery URL QUERY WANT: polls QUERY until it prints WANT (for 30s).
func cmdWaitQuery(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 3 || neg {
		ts.Fatalf("usage: waitquery URL QUERY WANT")
	}
	db := openScriptDB(ts, args[0])
	defer db.Close()
	deadline := time.Now().Add(30 * time.Second)
	var out string
	var err error
	for time.Now().Before(deadline) {
		out, err = query(db, args[1])
		if err == nil && strings.TrimSpace(out) == args[2] {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	ts.Fatalf("%s: still %q (error %v), want %q", args[1], out, err, args[2])
}

func query(db *sql.DB, q string) (string, error) {
	rows, err := db.Query(q)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return "", err
	}
	var b strings.Builder
	vals := make([]sql.NullString, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return "", err
		}
		for i, v := range vals {
			if i > 0 {
				b.WriteByte('\t')
			}
			if v.Valid {
				b.WriteString(v.String)
			} else {
				b.WriteString("NULL")
			}
		}
		b.WriteByte('\n')
	}
	return b.String(), rows.Err()
}

// killsessions URL: ends every other session on the database, as a server
// does when a killed client's host is gone; nothing for SQLite.
func cmdKillSessions(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 || neg {
		ts.Fatalf("usage: killsessions URL")
	}
	db := openScriptDB(ts, args[0])
	defer db.Close()
	switch {
	case strings.HasPrefix(args[0], "postgres"):
		_, err := db.Exec(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`)
		ts.Check(err)
	case strings.HasPrefix(args[0], "mysql"):
		out, err := query(db, `SELECT id FROM information_schema.processlist WHERE db = DATABASE() AND id <> CONNECTION_ID()`)
		ts.Check(err)
		for id := range strings.FieldsSeq(out) {
			_, _ = db.Exec("KILL " + id) // it may have ended meanwhile
		}
	}
}

// sleep DURATION
func cmdSleep(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 || neg {
		ts.Fatalf("usage: sleep DURATION")
	}
	d, err := time.ParseDuration(args[0])
	ts.Check(err)
	time.Sleep(d)
}
