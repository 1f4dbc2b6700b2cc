// Command crash is the heavy crash trial: on each database, it starts
// `tide up` on the trial folder (internal/crashtrial/testdata), kills it
// after a random delay, then runs a plain `tide up` again and sorts the
// outcome: resumed by the plain rerun, needed a person (the rerun failed,
// or left something not applied), or ended with a schema or rows
// different from a clean run's. TestCrash in internal/cli does the same at
// chosen points; this program finds what chosen points miss.
//
// From the repository's root:
//
//	TIDE_TEST_POSTGRES_URL='postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable' \
//	TIDE_TEST_MYSQL_URL='mysql://root@127.0.0.1:3306/test' \
//	go run ./bench/crash [-kills 100] [-db sqlite,postgres,mysql] [-mode time|statement] [-signal KILL|INT] [-seed N]
//
// With -mode time (the default), the delay of each kill is drawn
// uniformly between 0 and -max-delay, by default the time a whole clean
// `tide up` took (the process included): most kills land in the long
// statements. With -mode statement, each kill picks one of the clean
// run's statements at random, waits for it to start (the --json event),
// and kills at a random moment between its start and one and a half
// times what it took in the clean run plus 2ms, so that short statements
// and the moments right after a statement, before its progress record,
// are hit too. A run that finished before its kill does not count as a
// kill, and is tried again with another delay. PostgreSQL and MySQL need the URLs of
// servers where databases may be created and dropped (one per trial,
// named tide_crash_<random>); a database whose URL is unset is left out,
// with a note. It builds tide (without -race) unless -tide names a binary.
package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	mrand "math/rand/v2"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/tidemigrate/tide/internal/crashtrial"
	"github.com/tidemigrate/tide/internal/dburl"
)

func main() {
	kills := flag.Int("kills", 100, "kills per database")
	dbs := flag.String("db", "sqlite,postgres,mysql", "the databases, comma-separated")
	sigName := flag.String("signal", "KILL", "the signal: KILL or INT (Ctrl-C)")
	seed := flag.Uint64("seed", 0, "random seed (0: from the clock; printed)")
	maxDelay := flag.Duration("max-delay", 0, "longest delay before a kill, in -mode time (0: the time of a clean run)")
	mode := flag.String("mode", "time", "time: kill at a random moment of the run; statement: at a random moment of a random statement")
	bin := flag.String("tide", "", "the tide binary (default: built from ./cmd/tide)")
	flag.Parse()

	if *mode != "time" && *mode != "statement" {
		fatalf("-mode %q: want time or statement", *mode)
	}
	sig := map[string]syscall.Signal{"KILL": syscall.SIGKILL, "INT": syscall.SIGINT}[strings.ToUpper(*sigName)]
	if sig == 0 {
		fatalf("-signal %q: want KILL or INT", *sigName)
	}
	if *seed == 0 {
		*seed = uint64(time.Now().UnixNano())
	}
	work, err := os.MkdirTemp("", "tide-crash-")
	if err != nil {
		fatalf("%v", err)
	}
	defer os.RemoveAll(work)
	if *bin == "" {
		*bin = filepath.Join(work, "tide")
		build := exec.Command("go", "build", "-o", *bin, "./cmd/tide")
		build.Stdout, build.Stderr = os.Stdout, os.Stderr
		if err := build.Run(); err != nil {
			fatalf("build tide (run from the repository's root): %v", err)
		}
	}
	fmt.Printf("crash trials: %d kills per database with SIG%s at random %ss, seed %d\n", *kills, strings.ToUpper(*sigName), *mode, *seed)
	rng := mrand.New(mrand.NewPCG(*seed, 0))
	failed := false
	for _, name := range strings.Split(*dbs, ",") {
		t := &trials{name: name, bin: *bin, work: filepath.Join(work, name), sig: sig, rng: rng, maxDelay: *maxDelay, byStatement: *mode == "statement"}
		if err := t.run(context.Background(), *kills); err != nil {
			fmt.Printf("\n%s: %v\n", name, err)
			failed = true
			continue
		}
		t.report()
	}
	if failed {
		os.Exit(1)
	}
}

func fatalf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "crash: "+format+"\n", args...)
	os.Exit(1)
}

// trials are the kills on one database.
type trials struct {
	name     string // dialect: sqlite, postgres, mysql
	bin      string
	work     string
	sig      syscall.Signal
	rng      *mrand.Rand
	maxDelay time.Duration
	// byStatement: each kill picks a statement of the clean run, waits
	// for it to start, and kills at a random moment between its start and
	// a little after the clean run's next event (its record).
	byStatement bool
	statements  []statement

	server   string // TIDE_TEST_<KIND>_URL
	dir      string // the migrations
	clean    *crashtrial.Snapshot
	cleanDur time.Duration
	results  []result
	early    int            // runs that finished before their kill
	exits    map[string]int // how the stopped runs ended
	skipped  string
}

// statement is one statement of the clean run, and how long it took to
// the next event.
type statement struct {
	version string
	index   int
	took    time.Duration
}

type result struct {
	n       int
	delay   time.Duration
	at      *statement       // the statement the delay counts from; nil: the start
	last    crashtrial.Event // where the killed run was: its last step
	stopped crashtrial.Exit  // how it ended, what it printed
	outcome crashtrial.Outcome
}

func (t *trials) run(ctx context.Context, kills int) error {
	switch t.name {
	case "postgres", "mysql":
		t.server = os.Getenv("TIDE_TEST_" + strings.ToUpper(t.name) + "_URL")
		if t.server == "" {
			t.skipped = "TIDE_TEST_" + strings.ToUpper(t.name) + "_URL is not set"
			return nil
		}
	case "sqlite":
	default:
		return fmt.Errorf("unknown database (want sqlite, postgres or mysql)")
	}
	t.dir = filepath.Join(t.work, "migrations")
	if err := crashtrial.WriteFolder(t.name, t.dir); err != nil {
		return err
	}
	t.exits = map[string]int{}

	// The clean run: its snapshot, how long it takes, and its statements.
	err := t.withDatabase(ctx, func(db *sql.DB, tide crashtrial.Tide) error {
		start := time.Now()
		run, err := tide.StartUp(ctx)
		if err != nil {
			return err
		}
		exit, err := run.Wait(ctx)
		t.cleanDur = time.Since(start)
		if err != nil || exit.Code != 0 {
			return fmt.Errorf("clean run: %s, %v:\n%s", exit, err, exit.Stderr)
		}
		events := run.Events()
		for i, e := range events {
			if e.Event == "statement_started" && i+1 < len(events) {
				t.statements = append(t.statements, statement{e.Version, e.Index, events[i+1].At.Sub(e.At)})
			}
		}
		t.clean, err = crashtrial.Take(ctx, db, t.name)
		return err
	})
	if err != nil {
		return err
	}
	if t.maxDelay == 0 {
		t.maxDelay = t.cleanDur
	}
	if t.byStatement {
		fmt.Printf("\n%s: clean run %s; killing in one of its %d statements at random, between its start and 1.5 times its time plus 2ms\n", t.name, t.cleanDur.Round(time.Millisecond), len(t.statements))
	} else {
		fmt.Printf("\n%s: clean run %s; killing at random between 0 and %s\n", t.name, t.cleanDur.Round(time.Millisecond), t.maxDelay.Round(time.Millisecond))
	}

	for attempts := 0; len(t.results) < kills; attempts++ {
		if attempts > 10*kills {
			return fmt.Errorf("%d of %d runs finished before their kill: raise -max-delay", t.early, attempts)
		}
		var at *statement
		delay := time.Duration(t.rng.Int64N(int64(t.maxDelay) + 1))
		if t.byStatement {
			at = &t.statements[t.rng.IntN(len(t.statements))]
			delay = time.Duration(t.rng.Int64N(int64(at.took)*3/2 + int64(2*time.Millisecond)))
		}
		err := t.withDatabase(ctx, func(db *sql.DB, tide crashtrial.Tide) error {
			return t.trial(ctx, db, tide, at, delay)
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// trial kills one run delay after its start, or after the start of
// statement at, and reruns it.
func (t *trials) trial(ctx context.Context, db *sql.DB, tide crashtrial.Tide, at *statement, delay time.Duration) error {
	run, err := tide.StartUp(ctx)
	if err != nil {
		return err
	}
	if at != nil {
		_, err := run.WaitEvent(ctx, func(e crashtrial.Event) bool {
			return e.Event == "statement_started" && e.Version == at.version && e.Index == at.index
		})
		if err != nil && !errors.Is(err, crashtrial.ErrExited) {
			return err
		}
	}
	select {
	case <-time.After(delay):
	case <-run.Done():
	}
	if run.Exited() {
		if _, err := run.Wait(ctx); err != nil {
			return err
		}
		t.early++
		return nil
	}
	if err := run.Signal(t.sig); err != nil {
		return err
	}
	exit, err := run.Wait(ctx)
	if err != nil {
		return err
	}
	if exit.Code == 0 && exit.Signal == 0 {
		// It finished as the signal came.
		t.early++
		return nil
	}
	t.exits[exit.String()]++
	o, err := tide.Rerun(ctx, db, t.name, t.clean)
	if err != nil {
		return err
	}
	r := result{n: len(t.results) + 1, delay: delay, at: at, last: lastStep(run.Events()), stopped: exit, outcome: o}
	t.results = append(t.results, r)
	if v := o.Verdict(); v != crashtrial.Resumed {
		fmt.Printf("  kill %d %s, after %s: %s\n", r.n, r.when(), r.last, v)
	}
	return nil
}

// withDatabase gives fn a fresh database, dropped afterwards.
func (t *trials) withDatabase(ctx context.Context, fn func(*sql.DB, crashtrial.Tide) error) error {
	name := "tide_crash_" + randomHex(6)
	var u string
	switch t.name {
	case "sqlite":
		d := filepath.Join(t.work, name)
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
		defer os.RemoveAll(d)
		u = "sqlite:" + filepath.Join(d, "t.db")
	default:
		admin, _, err := dburl.Open(ctx, t.server)
		if err != nil {
			return err
		}
		defer admin.Close()
		if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
			return fmt.Errorf("create database %s: %w", name, err)
		}
		defer func() {
			drop := "DROP DATABASE IF EXISTS " + name
			if t.name == "postgres" {
				drop += " WITH (FORCE)"
			}
			if _, err := admin.ExecContext(context.WithoutCancel(ctx), drop); err != nil {
				fmt.Fprintf(os.Stderr, "crash: drop database %s: %v\n", name, err)
			}
		}()
		pu, err := url.Parse(t.server)
		if err != nil {
			return err
		}
		pu.Path = "/" + name
		u = pu.String()
	}
	db, _, err := dburl.Open(ctx, u)
	if err != nil {
		return err
	}
	defer db.Close()
	work := filepath.Join(t.work, "run")
	if err := os.MkdirAll(work, 0o755); err != nil {
		return err
	}
	return fn(db, crashtrial.Tide{Bin: t.bin, URL: u, Dir: t.dir, WorkDir: work})
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// report prints the counts, where the kills landed, and every rerun that
// did not resume.
func (t *trials) report() {
	if t.skipped != "" {
		fmt.Printf("\n%s: left out: %s\n", t.name, t.skipped)
		return
	}
	count := map[crashtrial.Verdict]int{}
	for _, r := range t.results {
		count[r.outcome.Verdict()]++
	}
	span := fmt.Sprintf("0-%s after start", t.maxDelay.Round(time.Millisecond))
	if t.byStatement {
		span = "in random statements"
	}
	fmt.Printf("%s: %d kills (SIG%s, %s): %d resumed by a plain rerun, %d needed a person, %d ended different from a clean run; %d runs finished before their kill (not counted)\n",
		t.name, len(t.results), strings.TrimPrefix(crashtrial.SignalName(t.sig), "SIG"), span,
		count[crashtrial.Resumed], count[crashtrial.NeededPerson], count[crashtrial.Different], t.early)
	fmt.Printf("  the stopped runs: %s\n", tally(t.exits))
	where := map[string]int{}
	for _, r := range t.results {
		where[landing(r.last)]++
	}
	fmt.Printf("  where the kills landed (4.3: in statement 3 of migration 4; +: after it): %s\n", tally(where))
	for _, r := range t.results {
		if r.outcome.Verdict() == crashtrial.Resumed {
			continue
		}
		fmt.Printf("  kill %d %s, after %s: %s\n", r.n, r.when(), r.last, r.outcome.Verdict())
		if r.stopped.Signal == 0 {
			// It ended by itself (Ctrl-C): what it said.
			fmt.Printf("    the stopped run (%s) said:\n%s\n", r.stopped, indentLines(errorLines(r.stopped.Stderr), "      "))
		}
		fmt.Printf("    the rerun said:\n%s\n", errorText(r.outcome))
	}
}

// lastStep returns the last event of a migration's progress: a migration
// or statement started or done (not the migration_failed of a run that
// Ctrl-C stopped).
func lastStep(events []crashtrial.Event) crashtrial.Event {
	for i := len(events) - 1; i >= 0; i-- {
		switch events[i].Event {
		case "statement_started", "statement_done", "migration_started", "migration_done":
			return events[i]
		}
	}
	return crashtrial.Event{}
}

// when says when the kill was sent.
func (r result) when() string {
	if r.at != nil {
		return fmt.Sprintf("%s after the start of statement %d of migration %s", r.delay.Round(time.Microsecond), r.at.index, r.at.version)
	}
	return "at " + r.delay.Round(time.Millisecond).String()
}

// landing names the place a kill landed, from the killed run's last
// event: "4.3" in statement 3 of migration 4, "4.3+" after it, "4+"
// after migration 4, "4.0" as migration 4 began.
func landing(e crashtrial.Event) string {
	switch e.Event {
	case "":
		return "start"
	case "statement_started":
		return fmt.Sprintf("%s.%d", e.Version, e.Index)
	case "statement_done":
		return fmt.Sprintf("%s.%d+", e.Version, e.Index)
	case "migration_started":
		return e.Version + ".0"
	case "migration_done":
		return e.Version + "+"
	}
	if e.Version == "" {
		return e.Event
	}
	return e.Version + " " + e.Event
}

func tally(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s: %d", k, m[k])
	}
	return strings.Join(parts, ", ")
}

// errorLines returns the lines of out but the one naming the database.
func errorLines(out string) []string {
	var lines []string
	for l := range strings.Lines(out) {
		if !strings.HasPrefix(l, "tide: database ") {
			lines = append(lines, strings.TrimRight(l, "\n"))
		}
	}
	return lines
}

func indentLines(lines []string, prefix string) string {
	return prefix + strings.Join(lines, "\n"+prefix)
}

// errorText is what the rerun said, indented: its error lines, or the
// differences.
func errorText(o crashtrial.Outcome) string {
	var lines []string
	switch {
	case o.UpCode != 0:
		lines = errorLines(o.UpOutput)
	case o.StatusCode != 0:
		lines = append(lines, fmt.Sprintf("tide status --exit-code exited %d:", o.StatusCode))
		for l := range strings.Lines(o.StatusOutput) {
			lines = append(lines, strings.TrimRight(l, "\n"))
		}
	default:
		for l := range strings.Lines(o.Diff) {
			lines = append(lines, strings.TrimRight(l, "\n"))
		}
	}
	return indentLines(lines, "      ")
}
