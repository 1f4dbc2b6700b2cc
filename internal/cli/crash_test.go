package cli

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/tidemigrate/tide/internal/crashtrial"
	"github.com/tidemigrate/tide/internal/testdb"
)

// killPoint is a moment at which TestCrash stops `tide up`: when statement
// stmt of migration version starts (the statements there are pauses, or
// long, so that the signal lands while it runs), and, if running is set,
// once the server shows the statement running.
type killPoint struct {
	name    string
	version string
	stmt    int
	sig     syscall.Signal
	// running counts the sessions running the statement; the signal is
	// sent once it counts one.
	running string
	// hold, when set, makes the statement wait on a transaction of the
	// test's.
	hold *hold
	// rerunSays, when set, matches a line (a regular expression) that the
	// rerun prints when the kill left what the point is meant to leave
	// (statements recorded, an invalid index): a kill that landed
	// elsewhere fails the test.
	rerunSays string
}

// hold is a transaction the test keeps open from the start of statement
// stmt of migration version until after the signal, so that a statement
// of a later migration waits for it.
type hold struct {
	version string
	stmt    int
	sql     string
	// settled counts the sessions still running the statement after the
	// signal; the transaction ends once it counts none, so that a dead
	// client's statement cannot go on because the test let it. Empty: the
	// transaction ends right after the signal, and the statement goes on.
	settled string
}

// resuming matches the line of a rerun that continues migration after n
// statements that took effect.
func resuming(migration string, n int) string {
	return fmt.Sprintf(`^applying %s \(\d+ statements?, resuming after statement %d\)$`, regexp.QuoteMeta(migration), n)
}

// whole matches the line of a rerun that applies migration of n
// statements from its first: the kill rolled all of it back.
func whole(migration string, n int) string {
	return fmt.Sprintf(`^applying %s \(%d statements\)$`, regexp.QuoteMeta(migration), n)
}

func pgRunning(prefix string) string {
	return `SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND state = 'active' AND query LIKE '` + prefix + `%'`
}

func mysqlRunning(prefix string) string {
	return `SELECT count(*) FROM information_schema.processlist WHERE db = DATABASE() AND id <> CONNECTION_ID() AND info LIKE '` + prefix + `%'`
}

// killPoints are the points of each database's folder
// (internal/crashtrial/testdata/<dialect>) at which TestCrash stops tide:
// in pauses between DDL and DML statements of transactional migrations,
// of migrations that MySQL runs statement by statement, and of a
// no-transaction migration; inside a long statement; on PostgreSQL inside
// CREATE INDEX CONCURRENTLY, on MySQL inside an ALTER TABLE that the
// server goes on with after the client died, and on PostgreSQL again
// inside CREATE INDEX CONCURRENTLY, let go on after the kill. SIGKILL, and
// SIGINT (Ctrl-C) at some of them.
var killPoints = map[string][]killPoint{
	"postgres": {
		{name: "kill-1-pause-between-create-tables", version: "1", stmt: 2, sig: syscall.SIGKILL, rerunSays: whole("1 accounts", 3)},
		{name: "kill-2-pause-between-inserts", version: "2", stmt: 2, sig: syscall.SIGKILL, rerunSays: whole("2 seed", 3)},
		{name: "kill-4-inside-pg_sleep-2", version: "4", stmt: 3, sig: syscall.SIGKILL, running: pgRunning("SELECT pg_sleep(2)"), rerunSays: whole("4 interest", 4)},
		{name: "kill-5-notx-pause-after-insert", version: "5", stmt: 2, sig: syscall.SIGKILL, rerunSays: resuming("5 fees", 1)},
		{name: "kill-5-notx-pause-after-update", version: "5", stmt: 4, sig: syscall.SIGKILL, rerunSays: resuming("5 fees", 3)},
		{name: "kill-6-inside-create-index-concurrently", version: "6", stmt: 1, sig: syscall.SIGKILL, running: pgWaitingIndex, hold: ledgerWriter,
			rerunSays: `^6 ledger_index: dropped the invalid index ledger_account_idx that a concurrent build left, to build it again$`},
		{name: "kill-6-create-index-concurrently-ends-after-the-kill", version: "6", stmt: 1, sig: syscall.SIGKILL, running: pgWaitingIndex, hold: ledgerWriterLetGo},
		{name: "int-4-inside-pg_sleep-2", version: "4", stmt: 3, sig: syscall.SIGINT, running: pgRunning("SELECT pg_sleep(2)"), rerunSays: whole("4 interest", 4)},
		{name: "int-5-notx-pause-after-insert", version: "5", stmt: 2, sig: syscall.SIGINT}, // Ctrl-C may land before or after the pause ends: where the rerun resumes varies
		{name: "int-6-inside-create-index-concurrently", version: "6", stmt: 1, sig: syscall.SIGINT, running: pgWaitingIndex, hold: ledgerWriter},
	},
	"mysql": {
		{name: "kill-1-pause-between-create-tables", version: "1", stmt: 3, sig: syscall.SIGKILL, rerunSays: resuming("1 accounts", 2)},
		{name: "kill-2-pause-between-inserts", version: "2", stmt: 3, sig: syscall.SIGKILL, rerunSays: whole("2 seed", 4)},
		{name: "kill-3-pause-after-alter-and-update", version: "3", stmt: 3, sig: syscall.SIGKILL, rerunSays: resuming("3 tiers", 2)},
		{name: "kill-4-inside-sleep-2", version: "4", stmt: 3, sig: syscall.SIGKILL, running: mysqlRunning("SELECT SLEEP(2)"), rerunSays: resuming("4 interest", 2)},
		{name: "kill-5-notx-pause-after-insert", version: "5", stmt: 2, sig: syscall.SIGKILL, rerunSays: resuming("5 fees", 1)},
		{name: "kill-5-notx-pause-after-update", version: "5", stmt: 4, sig: syscall.SIGKILL, rerunSays: resuming("5 fees", 3)},
		{name: "kill-6-inside-alter-table", version: "6", stmt: 3, sig: syscall.SIGKILL, running: mysqlRunning("ALTER TABLE events")},
		{name: "int-4-inside-sleep-2", version: "4", stmt: 3, sig: syscall.SIGINT, running: mysqlRunning("SELECT SLEEP(2)"), rerunSays: resuming("4 interest", 2)},
		{name: "int-5-notx-pause-after-insert", version: "5", stmt: 2, sig: syscall.SIGINT}, // Ctrl-C may land before or after the pause ends: where the rerun resumes varies
		{name: "int-6-inside-alter-table", version: "6", stmt: 3, sig: syscall.SIGINT, running: mysqlRunning("ALTER TABLE events"), rerunSays: resuming("6 events", 2)},
	},
	"sqlite": {
		{name: "kill-1-pause-between-create-tables", version: "1", stmt: 2, sig: syscall.SIGKILL, rerunSays: whole("1 accounts", 3)},
		{name: "kill-2-pause-between-inserts", version: "2", stmt: 2, sig: syscall.SIGKILL, rerunSays: whole("2 seed", 3)},
		{name: "kill-4-inside-long-count", version: "4", stmt: 3, sig: syscall.SIGKILL, rerunSays: whole("4 interest", 4)},
		{name: "kill-5-notx-pause-after-insert", version: "5", stmt: 2, sig: syscall.SIGKILL, rerunSays: resuming("5 fees", 1)},
		{name: "kill-5-notx-pause-after-update", version: "5", stmt: 4, sig: syscall.SIGKILL, rerunSays: resuming("5 fees", 3)},
		{name: "int-4-inside-long-count", version: "4", stmt: 3, sig: syscall.SIGINT, rerunSays: whole("4 interest", 4)},
		{name: "int-5-notx-pause-after-insert", version: "5", stmt: 2, sig: syscall.SIGINT}, // Ctrl-C may land before or after the pause ends: where the rerun resumes varies
	},
}

// ledgerWriter keeps a writer's lock on ledger from the start of migration
// 5, so that the CREATE INDEX CONCURRENTLY of migration 6 waits for it
// (with its invalid index already in the catalog) until the test ends it.
var ledgerWriter = &hold{
	version: "5", stmt: 1,
	sql:     `LOCK TABLE ledger IN ROW EXCLUSIVE MODE`,
	settled: pgRunning("CREATE INDEX CONCURRENTLY"),
}

// ledgerWriterLetGo is ledgerWriter ended right after the kill, before the
// server notices that the client is gone (client_connection_check_interval
// is 1s): the index build goes on, and ends valid, as a build that was
// near its end when tide was killed does.
var ledgerWriterLetGo = &hold{
	version: "5", stmt: 1,
	sql: `LOCK TABLE ledger IN ROW EXCLUSIVE MODE`,
}

var pgWaitingIndex = pgRunning("CREATE INDEX CONCURRENTLY") + ` AND wait_event_type = 'Lock'`

// TestCrash is the promise that a `tide up` stopped at any moment, by
// SIGKILL or by Ctrl-C, is finished by a plain `tide up`, with no one
// having to step in, and that the database then holds the same schema and
// rows as after a clean run. For each kill point, on a fresh database: tide
// up is stopped there, then a plain `tide up` must exit 0, `tide status
// --exit-code` must exit 0, and the schema (from the catalog) and the rows
// of every table and view must equal those of a clean run of the same
// folder. bench/crash does the same at random moments.
func TestCrash(t *testing.T) {
	t.Parallel()
	// TestMain put the test binary on PATH as tide.
	bin, err := exec.LookPath("tide")
	if err != nil {
		t.Fatalf("the tide command that TestMain sets up: %v", err)
	}
	for _, kind := range testdb.Kinds() {
		t.Run(strings.ToLower(kind), func(t *testing.T) {
			t.Parallel()
			if kind != testdb.SQLite {
				testdb.URL(t, kind) // skip, or fail under CI, when unset
			}
			name := map[string]string{testdb.SQLite: "sqlite", testdb.Postgres: "postgres", testdb.MySQL: "mysql"}[kind]
			dir := filepath.Join(t.TempDir(), "migrations")
			if err := crashtrial.WriteFolder(name, dir); err != nil {
				t.Fatal(err)
			}
			tool := func(t *testing.T, db *testdb.DB) crashtrial.Tide {
				// A race-enabled tide sleeps a second at exit by default.
				return crashtrial.Tide{Bin: bin, URL: db.URL, Dir: dir, WorkDir: t.TempDir(), Env: []string{"GORACE=atexit_sleep_ms=0"}}
			}

			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			cdb := testdb.New(t, kind)
			code, out, err := tool(t, cdb).Run(ctx, "up")
			if err != nil || code != 0 {
				t.Fatalf("clean run: exit %d, %v:\n%s", code, err, out)
			}
			clean, err := crashtrial.Take(ctx, cdb.DB, name)
			if err != nil {
				t.Fatalf("clean run: %v", err)
			}

			for _, p := range killPoints[name] {
				t.Run(p.name, func(t *testing.T) {
					t.Parallel()
					crashTrial(t, kind, name, p, tool, clean)
				})
			}
		})
	}
}

// crashTrial stops tide up at p on a fresh database, reruns it, and
// checks the outcome against clean.
func crashTrial(t *testing.T, kind, name string, p killPoint, tool func(*testing.T, *testdb.DB) crashtrial.Tide, clean *crashtrial.Snapshot) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	db := testdb.New(t, kind)
	tide := tool(t, db)
	where := func() string { return name + ", kill point " + p.name + " (" + crashtrial.SignalName(p.sig) + ")" }

	run, err := tide.StartUp(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = run.Signal(os.Kill); _, _ = run.Wait(ctx) }()
	fail := func(format string, args ...any) {
		t.Helper()
		_ = run.Signal(os.Kill)
		exit, _ := run.Wait(ctx)
		t.Fatalf("%s: "+format+"\n\nthe run to stop: %s", append([]any{where()}, append(args, exit.Report())...)...)
	}
	starts := func(version string, stmt int) func(crashtrial.Event) bool {
		return func(e crashtrial.Event) bool {
			return e.Event == "statement_started" && e.Version == version && e.Index == stmt
		}
	}

	var held *sql.Tx
	if h := p.hold; h != nil {
		if _, err := run.WaitEvent(ctx, starts(h.version, h.stmt)); err != nil {
			fail("waiting for statement %d of migration %s: %v", h.stmt, h.version, err)
		}
		held, err = db.DB.BeginTx(ctx, nil)
		if err == nil {
			_, err = held.ExecContext(ctx, h.sql)
		}
		if err != nil {
			fail("%s: %v", h.sql, err)
		}
		defer func() { _ = held.Rollback() }()
	}
	if _, err := run.WaitEvent(ctx, starts(p.version, p.stmt)); err != nil {
		fail("waiting for statement %d of migration %s: %v", p.stmt, p.version, err)
	}
	if p.running != "" {
		if err := waitCount(ctx, db.DB, p.running, func(n int) bool { return n > 0 }, run.Done()); err != nil {
			fail("waiting for the server to run statement %d of migration %s: %v", p.stmt, p.version, err)
		}
	}
	if err := run.Signal(p.sig); err != nil {
		t.Fatal(err)
	}
	if held != nil {
		if p.hold.settled != "" {
			if err := waitCount(ctx, db.DB, p.hold.settled, func(n int) bool { return n == 0 }, nil); err != nil {
				fail("waiting for the stopped statement to end on the server: %v", err)
			}
		}
		if err := held.Rollback(); err != nil {
			t.Fatal(err)
		}
	}
	exit, err := run.Wait(ctx)
	if err != nil {
		t.Fatal(err)
	}
	switch {
	case p.sig == syscall.SIGKILL && exit.Signal != syscall.SIGKILL:
		t.Fatalf("%s: tide was not killed: %s", where(), exit.Report())
	case p.sig == syscall.SIGINT && exit.Code != 130:
		// The promise is about the rerun: say so, and go on to it.
		t.Errorf("%s: an interrupted tide up should exit with status 130: %s", where(), exit.Report())
	}

	o, err := tide.Rerun(ctx, db.DB, name, clean)
	if err != nil {
		t.Fatal(err)
	}
	if o.Verdict() != crashtrial.Resumed {
		t.Errorf("%s: %s: %s\n\nthe stopped run: %s", where(), o.Verdict(), o, exit.Report())
		return
	}
	if p.rerunSays != "" && !regexp.MustCompile(`(?m)`+p.rerunSays).MatchString(o.UpOutput) {
		t.Errorf("%s: the kill did not land where the point says: the rerun did not print %q, but:\n%s\n\nthe stopped run: %s", where(), p.rerunSays, o.UpOutput, exit.Report())
	}
}

// waitCount polls the count query q until ok accepts its result, for at
// most a minute; it gives up when done (if not nil) is closed first.
func waitCount(ctx context.Context, db *sql.DB, q string, ok func(int) bool, done <-chan struct{}) error {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		var n int
		err := db.QueryRowContext(ctx, q).Scan(&n)
		if err == nil && ok(n) {
			return nil
		}
		if err != nil && ctx.Err() == nil {
			return err
		}
		select {
		case <-tick.C:
		case <-done:
			return errors.New("tide exited first")
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}
