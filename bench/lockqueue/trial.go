package main

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/tidemigrate/tide/internal/dburl"
	"github.com/tidemigrate/tide/internal/testtools"
)

// alter is the change: metadata-only on PostgreSQL 11+ and on MariaDB
// 10.3+ (ALGORITHM=INSTANT), so that its time is all lock wait.
const alter = `ALTER TABLE orders ADD COLUMN priority int NOT NULL DEFAULT 0`

// The ways to run the change.
const (
	naive = "naive"
	tide  = "tide"
	goose = "goose"
)

// settings are the trial's parameters, from the flags.
type settings struct {
	rows          int
	rate          int
	pool          int
	appTimeout    time.Duration
	warm          time.Duration // the application alone, before the report
	reader        time.Duration // how long the report holds its lock
	delay         time.Duration // from the report's start to the change's
	tail          time.Duration // the application after the change and the report ended
	changeTimeout time.Duration
	target        time.Duration
	tideBin       string
	gooseBin      string
	work          string // a temporary folder
	verbose       bool
}

// outcome is what one trial measured.
type outcome struct {
	app      stats
	took     time.Duration // the change, from its start to its end (a process's start-up included)
	tide     tideRun       // what tide reported
	changed  bool          // the column is there afterwards
	err      error         // the change failed
	timeline []time.Duration
	slowest  [][2]time.Duration // when the slowest requests were due, and what they took
	// When things happened, from the application's start.
	start                     time.Time
	report, reportEnd, change time.Duration
}

// trial runs the change one way on a fresh database of srv, beside the
// application and a long report.
func trial(ctx context.Context, srv *server, set settings, how string, n int) (outcome, error) {
	var out outcome
	name := fmt.Sprintf("lockqueue_%d_%d", os.Getpid(), n)
	if err := srv.createDatabase(ctx, name); err != nil {
		return out, err
	}
	defer func() { _ = srv.dropDatabase(context.WithoutCancel(ctx), name) }()

	setup, _, err := dburl.Open(ctx, srv.dbURL(name, srv.appName("lockqueue_setup")))
	if err != nil {
		return out, err
	}
	defer setup.Close()
	if err := srv.createOrders(ctx, setup, set.rows); err != nil {
		return out, err
	}
	appDB, _, err := dburl.Open(ctx, srv.dbURL(name, srv.appName("lockqueue_app")))
	if err != nil {
		return out, err
	}
	defer appDB.Close()
	a, err := newApp(ctx, appDB, srv.queries(), set.rows, set.rate, set.pool, set.appTimeout)
	if err != nil {
		return out, err
	}
	defer a.close()
	reportDB, _, err := dburl.Open(ctx, srv.dbURL(name, srv.appName("lockqueue_report")))
	if err != nil {
		return out, err
	}
	defer reportDB.Close()

	appCtx, stopApp := context.WithCancel(ctx)
	defer stopApp()
	appDone := make(chan struct{})
	start := time.Now()
	out.start = start
	go func() { a.run(appCtx); close(appDone) }()

	if err := sleep(ctx, set.warm); err != nil {
		return out, err
	}
	reportDone, err := holdReport(ctx, reportDB, set.reader)
	if err != nil {
		return out, err
	}
	out.report = time.Since(start)
	if err := sleep(ctx, set.delay); err != nil {
		return out, err
	}
	changeCtx, cancel := context.WithTimeout(ctx, set.changeTimeout)
	t := time.Now()
	out.change = t.Sub(start)
	switch {
	case how == naive:
		out.err = runNaive(changeCtx, setup)
	case isTide(how):
		out.tide, out.err = runTide(changeCtx, set, tideFlags(how), srv.dbURL(name, nil), name)
	case how == goose:
		out.err = runGoose(changeCtx, set, srv, name)
	}
	out.took = time.Since(t)
	cancel()
	rep := <-reportDone
	if rep.err != nil {
		return out, fmt.Errorf("the report: %w", rep.err)
	}
	out.reportEnd = rep.end.Sub(start)
	for i := range out.tide.retries {
		out.tide.at = append(out.tide.at, out.tide.retries[i].Sub(start))
	}
	if err := sleep(ctx, set.tail); err != nil {
		return out, err
	}
	stopApp()
	<-appDone
	out.app = a.stats(set.target)
	out.timeline = a.timeline(start, 250*time.Millisecond)
	for _, r := range a.slowest(5) {
		out.slowest = append(out.slowest, [2]time.Duration{r.due.Sub(start), r.latency})
	}
	out.changed, err = srv.hasPriority(ctx, setup)
	return out, err
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// holdReport starts the long report: a transaction that reads orders and
// stays open for d, as a reporting query or an idle-in-transaction
// session does. Its lock (PostgreSQL ACCESS SHARE; the metadata lock that
// MariaDB holds on every table an open transaction read) conflicts with
// ALTER TABLE until it commits. It returns once the lock is held; the
// channel gets the commit's time and error.
func holdReport(ctx context.Context, db *sql.DB, d time.Duration) (<-chan reportEnd, error) {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("the report: %w", err)
	}
	var n int64
	var sum any
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*), SUM(total) FROM orders`).Scan(&n, &sum); err != nil {
		_ = tx.Rollback()
		return nil, fmt.Errorf("the report: %w", err)
	}
	done := make(chan reportEnd, 1)
	go func() {
		if err := sleep(ctx, d); err != nil {
			_ = tx.Rollback()
			done <- reportEnd{time.Now(), err}
			return
		}
		err := tx.Commit()
		done <- reportEnd{time.Now(), err}
	}()
	return done, nil
}

// reportEnd is when the report ended, and how.
type reportEnd struct {
	end time.Time
	err error
}

// runNaive sends the change on a plain connection, which waits for its
// table lock as long as the server's default says (PostgreSQL
// lock_timeout 0: for ever; MariaDB lock_wait_timeout: a day).
func runNaive(ctx context.Context, db *sql.DB) error {
	_, err := db.ExecContext(ctx, alter)
	return err
}

// tideRun is what `tide up` reported.
type tideRun struct {
	retries  []time.Time     // when each lock_retry event arrived
	at       []time.Duration // the same, from the application's start
	blockers string          // who blocked the first try, as tide named them
	events   []tideEvent
}

// tideEvent is an event line of `tide up --json`, stamped as it arrived.
type tideEvent struct {
	at   time.Time
	name string
	err  string // a lock_retry's error
}

// runTide writes a migration folder with the change and runs `tide up`
// on it with tide's defaults: no flag but the URL, the folder and flags,
// and neither tide's environment variables nor a tide.toml.
// It returns the lock_retry events of its --json output, stamped as they
// arrive.
func runTide(ctx context.Context, set settings, flags []string, dbURL, name string) (tideRun, error) {
	var run tideRun
	dir := filepath.Join(set.work, name, "tide")
	file := "-- +tide up\n" + alter + ";\n\n-- +tide down\nALTER TABLE orders DROP COLUMN priority;\n"
	if err := writeFile(filepath.Join(dir, "migrations", "1_add_priority.sql"), file); err != nil {
		return run, err
	}
	args := append([]string{"up", "--database-url", dbURL, "--dir", "migrations", "--json"}, flags...)
	cmd := exec.CommandContext(ctx, set.tideBin, args...)
	cmd.Dir = dir
	cmd.Env = cleanEnv()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return run, err
	}
	if err := cmd.Start(); err != nil {
		return run, fmt.Errorf("tide up: %w", err)
	}
	var last []string
	sc := bufio.NewScanner(stdout)
	sc.Buffer(make([]byte, 0, 64*1024), 16<<20)
	for sc.Scan() {
		at := time.Now()
		var line struct {
			Event string `json:"event"`
			Data  struct {
				Blockers string          `json:"blockers"`
				Error    json.RawMessage `json:"error"`
			} `json:"data"`
		}
		if json.Unmarshal(sc.Bytes(), &line) == nil && line.Event != "" {
			run.events = append(run.events, tideEvent{at: at, name: line.Event, err: string(line.Data.Error)})
			if line.Event == "lock_retry" {
				run.retries = append(run.retries, at)
				if run.blockers == "" {
					run.blockers = line.Data.Blockers
				}
			}
		}
		last = append(last[max(len(last)-2, 0):], sc.Text())
	}
	if err := cmd.Wait(); err != nil {
		return run, fmt.Errorf("tide up: %w\n%s\n%s", err, strings.Join(last, "\n"), stderr.String())
	}
	return run, nil
}

// runGoose runs the change as a goose migration: goose sets no lock
// timeout of its own.
func runGoose(ctx context.Context, set settings, srv *server, name string) error {
	dir := filepath.Join(set.work, name, "goose")
	file := "-- +goose Up\n" + alter + ";\n\n-- +goose Down\nALTER TABLE orders DROP COLUMN priority;\n"
	if err := writeFile(filepath.Join(dir, "00001_add_priority.sql"), file); err != nil {
		return err
	}
	driver, dsn := "postgres", srv.dbURL(name, nil)
	if srv.kind == "mysql" {
		var err error
		if dsn, err = testtools.MySQLDSN(dsn); err != nil {
			return err
		}
		driver = "mysql"
	}
	cmd := exec.CommandContext(ctx, set.gooseBin, "-dir", dir, driver, dsn, "up")
	cmd.Env = cleanEnv()
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("goose up: %w\n%s", err, b)
	}
	return nil
}

func writeFile(path, text string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, []byte(text), 0o644)
}

// cleanEnv is the environment without the variables by which tide and
// goose read settings, so that each runs with its defaults.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "TIDE_") || strings.HasPrefix(k, "GOOSE_") || k == "DATABASE_URL" {
			continue
		}
		env = append(env, kv)
	}
	return env
}

var errNotChanged = errors.New("the column priority is missing after the change")
