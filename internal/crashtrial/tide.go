package crashtrial

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
)

// Tide runs the tide command on one database and folder.
type Tide struct {
	Bin string // the tide binary
	URL string // --database-url
	Dir string // --dir
	// WorkDir is the directory tide runs in: one without a tide.toml.
	WorkDir string
	// Env is added to the environment, from which every TIDE_* variable
	// but TIDE_TEST_* and DATABASE_URL are taken out, so that nothing but
	// the flags configures tide.
	Env []string
}

// Command returns the command `tide --database-url URL --dir DIR args...`.
func (t Tide) Command(ctx context.Context, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, t.Bin, append([]string{"--database-url", t.URL, "--dir", t.Dir}, args...)...)
	cmd.Dir = t.WorkDir
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if k == "DATABASE_URL" || strings.HasPrefix(k, "TIDE_") && !strings.HasPrefix(k, "TIDE_TEST_") {
			continue
		}
		cmd.Env = append(cmd.Env, kv)
	}
	cmd.Env = append(cmd.Env, t.Env...)
	return cmd
}

// Run runs tide with args and returns its exit code and its output,
// stdout then stderr. An error is returned only when tide could not be
// run at all.
func (t Tide) Run(ctx context.Context, args ...string) (int, string, error) {
	cmd := t.Command(ctx, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	out := stdout.String() + stderr.String()
	if ee, ok := errors.AsType[*exec.ExitError](err); ok {
		return ee.ExitCode(), out, nil
	}
	if err != nil {
		return -1, out, fmt.Errorf("run %s: %w", t.Bin, err)
	}
	return 0, out, nil
}

// Outcome is what a plain rerun of `tide up` after a kill came to.
type Outcome struct {
	UpCode       int    // exit status of `tide up`
	UpOutput     string // its output
	StatusCode   int    // exit status of `tide status --exit-code`
	StatusOutput string
	Diff         string // the snapshot against the clean run's (see Diff); "" when equal
}

// Verdict sums up an Outcome.
type Verdict int

const (
	// Resumed: the plain rerun finished, status says everything is
	// applied, and the database equals the clean run's.
	Resumed Verdict = iota
	// NeededPerson: the plain rerun failed, or left a migration that is
	// not applied: someone has to look (tide resolve, a fix by hand).
	NeededPerson
	// Different: the rerun says all is well, but the schema or the rows
	// differ from the clean run's.
	Different
)

func (v Verdict) String() string {
	switch v {
	case Resumed:
		return "resumed by a plain rerun"
	case NeededPerson:
		return "needed a person"
	case Different:
		return "ended different from a clean run"
	}
	return fmt.Sprintf("Verdict(%d)", int(v))
}

// Verdict returns what o comes to.
func (o Outcome) Verdict() Verdict {
	switch {
	case o.UpCode != 0 || o.StatusCode != 0:
		return NeededPerson
	case o.Diff != "":
		return Different
	}
	return Resumed
}

// String describes o for a person: what failed and what the commands
// printed.
func (o Outcome) String() string {
	switch o.Verdict() {
	case NeededPerson:
		if o.UpCode != 0 {
			return fmt.Sprintf("the plain rerun `tide up` exited %d and printed:\n%s", o.UpCode, indent(o.UpOutput))
		}
		return fmt.Sprintf("the plain rerun `tide up` exited 0, printing:\n%s\nbut `tide status --exit-code` exited %d:\n%s", indent(o.UpOutput), o.StatusCode, indent(o.StatusOutput))
	case Different:
		return fmt.Sprintf("the plain rerun `tide up` exited 0, but the database differs from a clean run's:\n%s", indent(o.Diff))
	}
	return "resumed by a plain rerun"
}

func indent(s string) string {
	s = strings.TrimRight(s, "\n")
	return "\t" + strings.ReplaceAll(s, "\n", "\n\t")
}

// Rerun is the check after a kill: a plain `tide up`, then `tide status
// --exit-code`, then a snapshot of db (of the dialect named dialectName)
// compared with clean. An error is returned only when tide could not be
// run or the snapshot not taken.
func (t Tide) Rerun(ctx context.Context, db *sql.DB, dialectName string, clean *Snapshot) (Outcome, error) {
	var o Outcome
	var err error
	if o.UpCode, o.UpOutput, err = t.Run(ctx, "up"); err != nil {
		return o, err
	}
	if o.StatusCode, o.StatusOutput, err = t.Run(ctx, "status", "--exit-code"); err != nil {
		return o, err
	}
	s, err := Take(ctx, db, dialectName)
	if err != nil {
		return o, err
	}
	o.Diff = Diff(clean, s)
	return o, nil
}
