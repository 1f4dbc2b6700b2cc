package cli

import (
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"

	"github.com/tidemigrate/tide"
)

// renderer shows the events of one operation: progress bars on a terminal,
// plain lines otherwise, and event lines on stdout with --json. The library
// calls observe from the goroutine running the operation.
type renderer struct {
	a       *app
	started time.Time

	mu        sync.Mutex
	json      *jsonWriter // stdout, with --json
	plain     bool        // plain progress lines on stderr
	bars      bool        // progress bars on stderr, a terminal
	barOpts   []mpb.ContainerOption
	progress  *mpb.Progress // while bars are shown
	bar       *mpb.Bar      // the running migration's bar
	barTime   *barTimer     // its elapsed time
	announced bool          // "waiting for the lock" was shown
	lastLine  time.Time     // of the last statement line
	adopt     *adoptResult  // tide adopt's result, which it fills in as it goes

	// running reports a long statement while it runs, in plain mode: a
	// line every stillRunningEvery.
	stillRunningEvery time.Duration
	running           chan struct{} // closed when the running statement ends
	runningDone       sync.WaitGroup
}

// stillRunningEvery is how often a statement still running is reported
// when stderr is not a terminal (a terminal shows the bar's elapsed time).
const stillRunningEvery = 5 * time.Second

// plainStatementLines is the number of statements up to which a migration
// gets one line per statement; longer ones get at most one a second.
const plainStatementLines = 50

func (a *app) newRenderer() *renderer {
	r := &renderer{a: a, started: a.now(), stillRunningEvery: stillRunningEvery}
	if a.flags.json {
		r.json = a.jsonOut()
	}
	if a.flags.quiet {
		return r
	}
	switch {
	case a.isTerminal(a.stderr) && !a.flags.verbose:
		r.bars = true
	case !a.flags.json:
		r.plain = true
	}
	return r
}

// observe is the tide.WithObserver callback.
func (r *renderer) observe(e tide.Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.emitJSON(e)
	switch e := e.(type) {
	case tide.LockWaiting:
		holder := e.Holder
		if holder == "" {
			holder = "another migrator"
		}
		r.line("waiting for the migration lock (held by %s)", r.a.scrub(holder))
		r.announced = true
	case tide.LockAcquired:
		if r.announced {
			r.line("took the migration lock after %s", fmtDuration(e.Waited))
		}
	case tide.MigrationStarted:
		r.migrationStarted(e)
	case tide.StatementStarted:
		if r.plain {
			r.watchStatement(e)
		}
	case tide.StatementDone:
		r.statementEnded()
		if r.bar != nil {
			r.bar.EwmaIncrement(e.Duration)
		}
		if r.plain && (e.Total <= plainStatementLines || e.Index == e.Total || time.Since(r.lastLine) >= time.Second) {
			r.line("  statement %d/%d (line %d) %s", e.Index, e.Total, e.Line, fmtDuration(e.Duration))
			r.lastLine = time.Now()
		}
	case tide.MigrationDone:
		if r.bar != nil {
			r.barTime.stop(e.Duration)
			r.bar.SetTotal(-1, true)
			r.bar = nil
		}
		if r.plain {
			r.line("%s %s in %s", pastVerb(e.Direction), e.Migration.Label(), fmtDuration(e.Duration))
		}
	case tide.MigrationFailed:
		r.statementEnded()
		if r.bar != nil {
			r.bar.Abort(false)
			r.bar = nil
		}
		if r.plain {
			r.line("failed to %s %s", verb(e.Direction), e.Migration.Label())
		}
	case tide.LockRetry:
		where := "its transaction"
		if e.Line > 0 {
			where = fmt.Sprintf("the statement at line %d", e.Line)
		}
		msg := fmt.Sprintf("%s: timed out waiting for a table lock (try %d); trying %s again in %s", e.Migration.Label(), e.Attempt, where, fmtDuration(e.Wait))
		if e.Blockers != "" {
			msg += "; oldest open transactions: " + r.a.scrub(e.Blockers)
		}
		r.line("%s", msg)
	case tide.WaitingForSession:
		r.line("%s: statement %d (line %d) of a run that stopped may still be running in session %s: waiting for it to end",
			e.Migration.Label(), e.Statement, e.Line, e.Session)
	case tide.StatementSettled:
		did := "did not take effect: running it"
		if e.TookEffect {
			did = "took effect: going on after it"
		}
		r.line("%s: statement %d (line %d), sent when the last run stopped, %s", e.Migration.Label(), e.Statement, e.Line, did)
	case tide.InvalidIndexDropped:
		r.line("%s: dropped the invalid index %s that a concurrent build left, to build it again", e.Migration.Label(), e.Index)
	case tide.CheckPassed:
		if r.plain {
			r.line("  check %d/%d (line %d) %s: passed %s", e.Index, e.Total, e.Check.Line, r.a.scrub(e.Check.String()), fmtDuration(e.Duration))
		}
	case tide.CheckFailed:
		if r.plain {
			r.line("  check %d/%d (line %d) %s: failed %s", e.Index, e.Total, e.Check.Line, r.a.scrub(e.Check.String()), fmtDuration(e.Duration))
		}
	case tide.Baselined:
		if r.plain {
			r.line("baselined %s", e.Migration.Label())
		}
	default:
		r.backupEvent(e)
	}
}

func (r *renderer) migrationStarted(e tide.MigrationStarted) {
	label := fmt.Sprintf("%s %s", progressive(e.Direction), e.Migration.Label())
	if r.bars {
		if r.progress == nil {
			opts := append([]mpb.ContainerOption{mpb.WithOutput(r.a.stderr), mpb.WithWidth(30)}, r.barOpts...)
			r.progress = mpb.New(opts...)
		}
		if e.Resumed > 0 {
			label += fmt.Sprintf(" (resuming after statement %d)", e.Resumed)
		}
		r.barTime = &barTimer{start: time.Now()}
		r.bar = r.progress.AddBar(int64(e.Statements),
			mpb.PrependDecorators(
				decor.Name(label, decor.WC{C: decor.DindentRight | decor.DextraSpace}),
				decor.CountersNoUnit("%d/%d", decor.WCSyncWidth),
			),
			mpb.AppendDecorators(
				decor.OnAbort(decor.OnComplete(decor.EwmaSpeed(nil, "%.1f stmt/s", 30, decor.WCSyncSpace), "done"), "failed"),
				decor.Any(r.barTime.decor, decor.WCSyncSpace),
			),
		)
		return
	}
	if r.plain {
		n := plural(e.Statements, "statement")
		if e.Resumed > 0 {
			r.line("%s (%s, resuming after statement %d)", label, n, e.Resumed)
		} else {
			r.line("%s (%s)", label, n)
		}
		r.lastLine = time.Time{}
	}
}

// barTimer is the elapsed-time decorator of a bar: running time while the
// migration runs, then the duration the library measured.
type barTimer struct {
	start time.Time
	mu    sync.Mutex
	final time.Duration
	done  bool
}

func (t *barTimer) decor(decor.Statistics) string {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.done {
		return fmtDuration(t.final)
	}
	return fmtDuration(time.Since(t.start).Truncate(100 * time.Millisecond))
}

func (t *barTimer) stop(d time.Duration) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.final, t.done = d, true
}

// line prints a progress line on stderr, above the bars if they are shown.
func (r *renderer) line(format string, args ...any) {
	if !r.plain && !r.bars {
		return
	}
	var w io.Writer = r.a.stderr
	if r.progress != nil {
		w = r.progress
	}
	fmt.Fprintf(w, format+"\n", args...)
}

// watchStatement starts reporting the statement of e while it runs: a
// line every stillRunningEvery until statementEnded. It is called with
// r.mu held.
func (r *renderer) watchStatement(e tide.StatementStarted) {
	r.statementEnded()
	done := make(chan struct{})
	r.running = done
	start := time.Now()
	r.runningDone.Add(1)
	go func() {
		defer r.runningDone.Done()
		t := time.NewTicker(r.stillRunningEvery)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
			}
			r.mu.Lock()
			select {
			case <-done: // ended while this line waited for the lock
			default:
				r.line("  still running statement %d/%d (line %d) of %s after %s",
					e.Index, e.Total, e.Line, e.Migration.Label(), fmtDuration(time.Since(start).Round(time.Second)))
			}
			r.mu.Unlock()
		}
	}()
}

// statementEnded stops reporting the running statement, if any. It is
// called with r.mu held.
func (r *renderer) statementEnded() {
	if r.running != nil {
		close(r.running)
		r.running = nil
	}
}

// stop removes the bars, if any, and ends the reports of a running
// statement.
func (r *renderer) stop() {
	r.mu.Lock()
	r.statementEnded()
	r.mu.Unlock()
	r.runningDone.Wait()
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.progress == nil {
		return
	}
	if r.bar != nil {
		r.bar.Abort(false)
		r.bar = nil
	}
	r.progress.Wait()
	r.progress = nil
}

// finish ends the operation's output: the command's result for --json,
// or message on stdout when the operation succeeded.
func (r *renderer) finish(results []tide.Result, err error, message string) {
	r.stop()
	if err != nil {
		message = ""
	}
	res := r.a.migrateResult(results, r.a.now().Sub(r.started), message)
	r.a.result = res
	if r.adopt != nil {
		r.adopt.migrateResult = res
		r.a.result = r.adopt
	}
	if r.json == nil && message != "" {
		r.a.info("%s", message)
	}
}

// emitJSON prints the event line of e.
func (r *renderer) emitJSON(e tide.Event) {
	if r.json == nil {
		return
	}
	r.json.write(eventLine{Tide: jsonFormat, Kind: "event", Event: e.Kind(), Data: r.a.eventData(e)})
}

func progressive(d tide.Direction) string {
	if d == tide.Down {
		return "reverting"
	}
	return "applying"
}

func pastVerb(d tide.Direction) string {
	if d == tide.Down {
		return "reverted"
	}
	return "applied"
}

func verb(d tide.Direction) string {
	if d == tide.Down {
		return "revert"
	}
	return "apply"
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// fmtDuration rounds d for display: 412µs, 12ms, 2.35s, 1m3s.
func fmtDuration(d time.Duration) string {
	switch {
	case d < time.Millisecond:
		return d.Round(time.Microsecond).String()
	case d < time.Second:
		return d.Round(time.Millisecond).String()
	case d < time.Minute:
		return d.Round(10 * time.Millisecond).String()
	}
	return d.Round(time.Second).String()
}
