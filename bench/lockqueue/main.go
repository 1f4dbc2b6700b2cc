// Command lockqueue measures what adding a column does to a live
// application while a long report holds a lock on the table: the naive
// ALTER, `tide up` with its defaults, and goose, each in turn on a fresh
// database in the same run.
//
// In each trial it creates a database, a table orders with -rows rows,
// and starts the application: -rate requests a second over a pool of
// -pool connections, each one prepared statement (70 % point SELECTs by
// id, 20 % UPDATEs, 10 % INSERTs), due on a fixed schedule whatever
// happened to the earlier ones, its latency counted from when it was due
// (so the wait for a pooled connection counts) and its error kept. After
// -warm, a report opens a transaction, reads orders and stays open for
// -reader (PostgreSQL holds ACCESS SHARE, MariaDB a metadata lock, until
// it commits). -delay after the report started, the change
//
//	ALTER TABLE orders ADD COLUMN priority int NOT NULL DEFAULT 0
//
// runs one of these ways:
//
//   - naive: the statement on a plain connection, which waits for its
//     lock as long as the server's default says;
//   - tide: a migration folder holding it, applied by `tide up` (built from
//     this checkout unless -tide names a binary) with no setting but the
//     URL and the folder: tide's default lock timeout, retries and budget;
//   - tide:FLAGS (not by default): the same with more flags, say
//     tide:--lock-timeout=100ms, to compare settings in one run;
//   - goose: the same migration applied by goose v3.26.0 (built into the
//     test tools' cache; -goose off leaves it out), for reference.
//
// The application goes on until the change and the report have ended,
// plus -tail. Each trial reports the application's worst, 99th percentile
// and median latency, its failed requests, the requests slower than
// -target, how long the change took and how many times tide retried. The
// ways take turns within each of -rounds rounds (the first one changes
// from round to round); the tables give the medians of the rounds.
//
// From the repository's root:
//
//	go run ./bench/lockqueue [-db postgres,mysql] [-rounds 3] [-ways naive,tide,goose] [-v]
//
// -v prints, for each trial, when the report, the change and each of
// tide's events happened, the slowest requests, and the worst latency of
// every 250 ms.
//
// The servers: -postgres and -mysql, else TIDE_BENCH_POSTGRES_URL and
// TIDE_BENCH_MYSQL_URL, else TIDE_TEST_POSTGRES_URL and
// TIDE_TEST_MYSQL_URL, else postgres://postgres@127.0.0.1:5432/postgres
// and mysql://root@127.0.0.1:3306/mysql. Their users must be able to
// create databases; each trial's database (lockqueue_<pid>_<n>) is
// dropped at its end.
package main

import (
	"cmp"
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/tidemigrate/tide/internal/testtools"
)

func main() {
	log.SetFlags(0)
	log.SetPrefix("lockqueue: ")
	var set settings
	dbs := flag.String("db", "postgres,mysql", "the databases, comma-separated")
	pgURL := flag.String("postgres", envURL("POSTGRES", "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"), "a PostgreSQL server's URL")
	myURL := flag.String("mysql", envURL("MYSQL", "mysql://root@127.0.0.1:3306/mysql"), "a MySQL or MariaDB server's URL")
	rounds := flag.Int("rounds", 3, "rounds; each runs every way once")
	ways := flag.String("ways", "naive,tide,goose", "the ways to run the change, comma-separated: naive, tide, goose, and tide:FLAGS for tide up with more flags (e.g. tide:--lock-timeout=100ms)")
	flag.IntVar(&set.rows, "rows", 100_000, "rows in orders")
	flag.IntVar(&set.rate, "rate", 150, "application requests a second")
	flag.IntVar(&set.pool, "pool", 32, "the application's pool: most open connections")
	flag.DurationVar(&set.appTimeout, "app-timeout", 30*time.Second, "a request taking longer fails")
	flag.DurationVar(&set.warm, "warm", time.Second, "the application alone before the report")
	flag.DurationVar(&set.reader, "reader", 6*time.Second, "how long the report holds its lock")
	flag.DurationVar(&set.delay, "delay", 2*time.Second, "from the report's start to the change's")
	flag.DurationVar(&set.tail, "tail", time.Second, "the application after the change and the report ended")
	flag.DurationVar(&set.changeTimeout, "change-timeout", 5*time.Minute, "the longest a change may take")
	flag.DurationVar(&set.target, "target", 300*time.Millisecond, "the worst latency allowed")
	flag.StringVar(&set.tideBin, "tide", "", "the tide binary (default: built from ./cmd/tide)")
	flag.StringVar(&set.gooseBin, "goose", "auto", "the goose binary; auto: build goose v3.26.0 into the test tools' cache; off: leave goose out")
	flag.BoolVar(&set.verbose, "v", false, "print each trial's timeline of latencies and who blocked tide")
	flag.Parse()
	if *rounds < 1 || set.rows < 1 || set.rate < 1 || set.pool < 1 {
		log.Fatal("-rounds, -rows, -rate and -pool must be at least 1")
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, set, strings.Split(*dbs, ","), map[string]string{"postgres": *pgURL, "mysql": *myURL}, strings.Split(*ways, ","), *rounds); err != nil {
		log.Fatal(err)
	}
}

// envURL is the URL of a server from the environment, or def.
func envURL(kind, def string) string {
	for _, k := range []string{"TIDE_BENCH_" + kind + "_URL", "TIDE_TEST_" + kind + "_URL"} {
		if v := os.Getenv(k); v != "" {
			return v
		}
	}
	return def
}

func run(ctx context.Context, set settings, dbs []string, urls map[string]string, ways []string, rounds int) error {
	for _, w := range ways {
		if w != naive && !isTide(w) && w != goose {
			return fmt.Errorf("-ways: unknown way %q (want naive, tide, tide:FLAGS or goose)", w)
		}
	}
	work, err := os.MkdirTemp("", "tide-lockqueue-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	set.work = work
	if slices.ContainsFunc(ways, isTide) && set.tideBin == "" {
		set.tideBin = filepath.Join(work, "tide")
		build := exec.CommandContext(ctx, "go", "build", "-o", set.tideBin, "./cmd/tide")
		build.Stdout, build.Stderr = os.Stderr, os.Stderr
		if err := build.Run(); err != nil {
			return fmt.Errorf("build tide (run from the repository's root): %w", err)
		}
	}
	if slices.Contains(ways, goose) {
		switch set.gooseBin {
		case "off":
			ways = slices.DeleteFunc(ways, func(w string) bool { return w == goose })
		case "auto":
			bin, err := testtools.Build(testtools.Goose, log.Printf)
			if err != nil {
				log.Printf("goose left out: %v", err)
				ways = slices.DeleteFunc(ways, func(w string) bool { return w == goose })
			}
			set.gooseBin = bin
		}
	}

	var rev string
	if b, err := exec.CommandContext(ctx, "git", "rev-parse", "--short", "HEAD").Output(); err == nil {
		rev = strings.TrimSpace(string(b))
	}
	fmt.Printf("# lockqueue: adding a column behind a %s report, beside a live application\n\n", set.reader)
	fmt.Printf("%s, commit %s, %d rounds; application: %d requests/s over a pool of %d, %d rows; "+
		"the change starts %s after the report took its lock; target: worst latency under %s and no failed request\n",
		time.Now().Format("2006-01-02"), cmp.Or(rev, "?"), rounds, set.rate, set.pool, set.rows, set.delay, set.target)
	for _, kind := range dbs {
		if kind != "postgres" && kind != "mysql" {
			return fmt.Errorf("-db: unknown database %q (want postgres or mysql)", kind)
		}
		srv, err := openServer(ctx, kind, urls[kind])
		if err != nil {
			return err
		}
		err = runServer(ctx, srv, set, ways, rounds)
		srv.close()
		if err != nil {
			return fmt.Errorf("%s: %w", kind, err)
		}
	}
	return nil
}

// runServer runs every round on one server and prints its table.
func runServer(ctx context.Context, srv *server, set settings, ways []string, rounds int) error {
	version, lockWait, err := srv.describe(ctx)
	if err != nil {
		return err
	}
	results := map[string][]outcome{}
	n := 0
	for r := range rounds {
		for i := range ways {
			how := ways[(i+r)%len(ways)]
			n++
			o, err := trial(ctx, srv, set, how, n)
			if err != nil {
				return fmt.Errorf("round %d, %s: %w", r+1, how, err)
			}
			if o.err == nil && !o.changed {
				o.err = errNotChanged
			}
			results[how] = append(results[how], o)
			logTrial(srv.kind, r+1, how, o, set)
		}
	}
	fmt.Printf("\n## %s (%s; server default %s)\n\n", srv.name(), version, lockWait)
	fmt.Println("| change | app worst latency | p99 | p50 | failed app requests | requests ≥ target | app requests | change took | lock retries | worst latency per round |")
	fmt.Println("| --- | --: | --: | --: | --: | --: | --: | --: | --: | --- |")
	for _, how := range ways {
		outs := results[how]
		per := make([]string, len(outs))
		failed, changeErrs := 0, []string{}
		for i, o := range outs {
			per[i] = ms(o.app.worst)
			failed += o.app.failed
			if o.err != nil {
				changeErrs = append(changeErrs, fmt.Sprintf("round %d: %v", i+1, firstLine(o.err.Error())))
			}
		}
		took := fmt.Sprintf("%.2f s", median(outs, func(o outcome) time.Duration { return o.took }).Seconds())
		if len(changeErrs) > 0 {
			took += fmt.Sprintf(" (%d failed)", len(changeErrs))
		}
		retries := "n/a"
		if isTide(how) {
			retries = fmt.Sprint(median(outs, func(o outcome) int { return len(o.tide.retries) }))
		}
		fmt.Printf("| %s | **%s** | %s | %s | %d | %d | %d | %s | %s | %s |\n", label(how),
			ms(median(outs, func(o outcome) time.Duration { return o.app.worst })),
			ms(median(outs, func(o outcome) time.Duration { return o.app.p99 })),
			ms(median(outs, func(o outcome) time.Duration { return o.app.p50 })),
			failed,
			median(outs, func(o outcome) int { return o.app.stalled }),
			median(outs, func(o outcome) int { return o.app.requests }),
			took, retries, strings.Join(per, ", "))
		for _, e := range changeErrs {
			fmt.Printf("\n%s: %s\n", label(how), e)
		}
	}
	for _, how := range ways {
		if !isTide(how) {
			continue
		}
		outs := results[how]
		met := true
		worst := time.Duration(0)
		for _, o := range outs {
			worst = max(worst, o.app.worst)
			met = met && o.app.worst < set.target && o.app.failed == 0 && o.err == nil
		}
		verdict := "**met**"
		if !met {
			verdict = "**missed**"
		}
		fmt.Printf("\nTarget (%s: worst latency under %s, no failed request, in every round): %s (worst of all rounds %s).\n", label(how), set.target, verdict, ms(worst))
	}
	return nil
}

func label(how string) string {
	switch {
	case how == naive:
		return "naive `ALTER TABLE`"
	case how == tide:
		return "`tide up` (defaults)"
	case isTide(how):
		return "`tide up " + strings.Join(tideFlags(how), " ") + "`"
	}
	return "`goose up`"
}

// isTide reports whether the way how is tide's: "tide", or "tide:FLAGS".
func isTide(how string) bool { return how == tide || strings.HasPrefix(how, tide+":") }

// tideFlags are the flags of a way "tide:FLAGS", space-separated.
func tideFlags(how string) []string {
	_, flags, _ := strings.Cut(how, ":")
	return strings.Fields(flags)
}

func logTrial(kind string, round int, how string, o outcome, set settings) {
	msg := fmt.Sprintf("%s round %d %s: worst %s, p99 %s, p50 %s, failed %d of %d, change %.2f s",
		kind, round, how, ms(o.app.worst), ms(o.app.p99), ms(o.app.p50), o.app.failed, o.app.requests, o.took.Seconds())
	if isTide(how) {
		msg += fmt.Sprintf(", %d retries", len(o.tide.retries))
	}
	if o.err != nil {
		msg += ", change failed: " + firstLine(o.err.Error())
	}
	if o.app.firstError != "" {
		msg += ", first app error: " + o.app.firstError
	}
	log.Print(msg)
	if !set.verbose {
		return
	}
	if o.tide.blockers != "" {
		log.Printf("  tide's first retry: blocked by %s", o.tide.blockers)
	}
	var at []string
	for _, d := range o.tide.at {
		at = append(at, fmt.Sprintf("%.2f", d.Seconds()))
	}
	log.Printf("  from the application's start: report %.2f–%.2f s, change %.2f–%.2f s; tide's lock timeouts reported at %s s",
		o.report.Seconds(), o.reportEnd.Seconds(), o.change.Seconds(), (o.change + o.took).Seconds(), cmp.Or(strings.Join(at, ", "), "-"))
	var evs []string
	for _, e := range o.tide.events {
		ev := fmt.Sprintf("%.2f %s", e.at.Sub(o.start).Seconds(), e.name)
		if e.err != "" {
			ev += " (" + e.err + ")"
		}
		evs = append(evs, ev)
	}
	if len(evs) > 0 {
		log.Printf("  tide's events: %s", strings.Join(evs, "; "))
	}
	var slow []string
	for _, r := range o.slowest {
		slow = append(slow, fmt.Sprintf("%s at %.2f s", ms(r[1]), r[0].Seconds()))
	}
	log.Printf("  slowest requests, and when they were due: %s", strings.Join(slow, ", "))
	var b strings.Builder
	for i, d := range o.timeline {
		if i%20 == 0 {
			fmt.Fprintf(&b, "\n  %5.2fs:", float64(i)*0.25)
		}
		fmt.Fprintf(&b, " %5d", d.Milliseconds())
	}
	log.Printf("  worst latency (ms) of the requests due in each 250 ms:%s", b.String())
}

func ms(d time.Duration) string { return fmt.Sprintf("%d ms", d.Milliseconds()) }

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// median is the median of f over the outcomes (the lower middle one of an
// even count).
func median[T cmp.Ordered](outs []outcome, f func(outcome) T) T {
	v := make([]T, len(outs))
	for i, o := range outs {
		v[i] = f(o)
	}
	slices.Sort(v)
	return v[(len(v)-1)/2]
}
