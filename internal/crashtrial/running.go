package crashtrial

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Event is one event line of `tide up --json`.
type Event struct {
	Event     string `json:"event"` // statement_started, migration_done, ...
	Version   string `json:"version"`
	Name      string `json:"name"`
	Index     int    `json:"index"` // of the statement, 1-based
	Total     int    `json:"total"`
	Resumed   int    `json:"resumed"`
	Direction string `json:"direction"`
	// At is when the line was read.
	At time.Time `json:"-"`
}

// String names where the run was: "statement_started 5 fees 2/5".
func (e Event) String() string {
	if e.Event == "" {
		return "no event yet"
	}
	s := e.Event
	if e.Version != "" {
		s += " " + e.Version + " " + e.Name
	}
	if e.Index > 0 {
		s += fmt.Sprintf(" %d/%d", e.Index, e.Total)
	}
	return s
}

// Running is a `tide up --json` under way: its events can be waited for,
// and it can be sent a signal.
type Running struct {
	cmd  *exec.Cmd
	done chan struct{} // closed when the process has exited
	err  error         // of cmd.Wait, once done

	mu      sync.Mutex
	events  []Event
	changed chan struct{} // closed and replaced at each event
	stdout  bytes.Buffer  // what was printed, for messages
	stderr  bytes.Buffer
}

// StartUp starts `tide up --json` plus args.
func (t Tide) StartUp(ctx context.Context, args ...string) (*Running, error) {
	cmd := t.Command(ctx, append([]string{"up", "--json"}, args...)...)
	r := &Running{cmd: cmd, done: make(chan struct{}), changed: make(chan struct{})}
	cmd.Stderr = lockedWriter{&r.mu, &r.stderr}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", t.Bin, err)
	}
	read := make(chan struct{})
	go func() {
		defer close(read)
		r.read(out)
	}()
	go func() {
		<-read // Wait closes the pipe: read it all first
		r.err = cmd.Wait()
		close(r.done)
	}()
	return r, nil
}

type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func (r *Running) read(out io.Reader) {
	sc := bufio.NewScanner(out)
	sc.Buffer(make([]byte, 64*1024), 16*1024*1024)
	for sc.Scan() {
		line := sc.Bytes()
		var doc struct {
			Kind  string `json:"kind"`
			Event string `json:"event"`
			Data  Event  `json:"data"`
		}
		ok := json.Unmarshal(line, &doc) == nil && doc.Kind == "event"
		r.mu.Lock()
		r.stdout.Write(line)
		r.stdout.WriteByte('\n')
		if ok {
			doc.Data.Event = doc.Event
			doc.Data.At = time.Now()
			r.events = append(r.events, doc.Data)
			close(r.changed)
			r.changed = make(chan struct{})
		}
		r.mu.Unlock()
	}
	_, _ = io.Copy(io.Discard, out)
}

// ErrExited is returned by WaitEvent when tide exited before the event.
var ErrExited = errors.New("tide exited before the event")

// WaitEvent waits for the first event that match accepts. It returns
// ErrExited if tide exits first, or ctx's error.
func (r *Running) WaitEvent(ctx context.Context, match func(Event) bool) (Event, error) {
	seen := 0
	for {
		r.mu.Lock()
		for ; seen < len(r.events); seen++ {
			if match(r.events[seen]) {
				e := r.events[seen]
				r.mu.Unlock()
				return e, nil
			}
		}
		changed := r.changed
		r.mu.Unlock()
		select {
		case <-changed:
		case <-r.done:
			// The last events may have come with the exit.
			r.mu.Lock()
			more := seen < len(r.events)
			r.mu.Unlock()
			if !more {
				return Event{}, ErrExited
			}
		case <-ctx.Done():
			return Event{}, ctx.Err()
		}
	}
}

// Events returns the events tide printed so far.
func (r *Running) Events() []Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.events)
}

// Last returns the last event tide printed.
func (r *Running) Last() Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.events) == 0 {
		return Event{}
	}
	return r.events[len(r.events)-1]
}

// Exited reports whether tide has exited.
func (r *Running) Exited() bool {
	select {
	case <-r.done:
		return true
	default:
		return false
	}
}

// Done is closed when tide has exited.
func (r *Running) Done() <-chan struct{} { return r.done }

// Signal sends sig to tide; an exited tide is no error.
func (r *Running) Signal(sig os.Signal) error {
	err := r.cmd.Process.Signal(sig)
	if errors.Is(err, os.ErrProcessDone) {
		return nil
	}
	return err
}

// Exit describes how a run ended.
type Exit struct {
	Code   int            // exit status; -1 when killed by a signal
	Signal syscall.Signal // the signal that killed it, or 0
	Stdout string         // the JSON lines
	Stderr string
	Last   Event // the last event printed
}

func (e Exit) String() string {
	if e.Signal != 0 {
		return "killed by " + SignalName(e.Signal)
	}
	return fmt.Sprintf("exit status %d", e.Code)
}

// Report is what a person needs to know of a stopped run: how it ended,
// its last event and its stderr.
func (e Exit) Report() string {
	return fmt.Sprintf("%s, after the event %s; stderr:\n%s", e, e.Last, indent(e.Stderr))
}

// SignalName returns "SIGKILL", "SIGINT", ...
func SignalName(s syscall.Signal) string {
	switch s {
	case syscall.SIGKILL:
		return "SIGKILL"
	case syscall.SIGINT:
		return "SIGINT"
	case syscall.SIGTERM:
		return "SIGTERM"
	}
	return s.String()
}

// Wait waits for tide to exit.
func (r *Running) Wait(ctx context.Context) (Exit, error) {
	select {
	case <-r.done:
	case <-ctx.Done():
		_ = r.Signal(os.Kill)
		<-r.done
		return Exit{}, ctx.Err()
	}
	r.mu.Lock()
	e := Exit{Stdout: r.stdout.String(), Stderr: strings.TrimRight(r.stderr.String(), "\n")}
	r.mu.Unlock()
	e.Last = r.Last()
	if ee, ok := errors.AsType[*exec.ExitError](r.err); ok {
		e.Code = ee.ExitCode()
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			e.Signal = ws.Signal()
		}
		return e, nil
	}
	if r.err != nil {
		return e, r.err
	}
	return e, nil
}
