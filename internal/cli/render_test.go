package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/vbauerster/mpb/v8"

	"github.com/tidemigrate/tide"
	"github.com/tidemigrate/tide/dialect/mysql"
	"github.com/tidemigrate/tide/dialect/postgres"
)

// testApp is an app writing to buffers, as if stderr were a terminal or
// not.
func testApp(terminal bool) (*app, *bytes.Buffer, *bytes.Buffer) {
	var stdout, stderr bytes.Buffer
	a := &app{
		env: env{
			getenv:     func(string) string { return "" },
			now:        time.Now,
			isTerminal: func(any) bool { return terminal },
		},
		stdout: &stdout, stderr: &stderr, dir: "migrations",
	}
	return a, &stdout, &stderr
}

var addUsers = tide.Migration{Version: tide.MustParseVersion("20261122093000"), Name: "add_users", Path: "20261122093000_add_users.sql", Reversible: true}

// events is a run of one migration with three statements, after waiting
// for the lock.
func events() []tide.Event {
	return []tide.Event{
		tide.LockWaiting{Holder: "host:42:abc"},
		tide.LockAcquired{Waited: 2100 * time.Millisecond},
		tide.MigrationStarted{Migration: addUsers, Direction: tide.Up, Statements: 3},
		tide.StatementDone{Migration: addUsers, Direction: tide.Up, Index: 1, Total: 3, Line: 2, Duration: 412 * time.Microsecond},
		tide.StatementDone{Migration: addUsers, Direction: tide.Up, Index: 2, Total: 3, Line: 14, Duration: 12 * time.Millisecond},
		tide.StatementDone{Migration: addUsers, Direction: tide.Up, Index: 3, Total: 3, Line: 20, Duration: 2345 * time.Millisecond},
		tide.MigrationDone{Migration: addUsers, Direction: tide.Up, Duration: 2360 * time.Millisecond},
	}
}

func TestPlainProgress(t *testing.T) {
	t.Parallel()
	a, stdout, stderr := testApp(false)
	r := a.newRenderer()
	for _, e := range events() {
		r.observe(e)
	}
	r.finish([]tide.Result{{Migration: addUsers, Direction: tide.Up}}, nil, "applied 1 migration")
	want := `waiting for the migration lock (held by host:42:abc)
took the migration lock after 2.1s
applying 20261122093000 add_users (3 statements)
  statement 1/3 (line 2) 412µs
  statement 2/3 (line 14) 12ms
  statement 3/3 (line 20) 2.35s
applied 20261122093000 add_users in 2.36s
`
	if diff := cmp.Diff(want, stderr.String()); diff != "" {
		t.Errorf("stderr (-want +got):\n%s", diff)
	}
	if got := stdout.String(); got != "applied 1 migration\n" {
		t.Errorf("stdout %q", got)
	}
}

func TestPlainProgressQuiet(t *testing.T) {
	t.Parallel()
	a, stdout, stderr := testApp(false)
	a.flags.quiet = true
	r := a.newRenderer()
	for _, e := range events() {
		r.observe(e)
	}
	r.finish(nil, nil, "applied 1 migration")
	if stdout.Len()+stderr.Len() > 0 {
		t.Errorf("--quiet printed:\n%s%s", stdout, stderr)
	}
}

func TestJSONEvents(t *testing.T) {
	t.Parallel()
	a, stdout, stderr := testApp(false)
	a.flags.json = true
	r := a.newRenderer()
	evs := append(events(),
		tide.StatementStarted{Migration: addUsers, Direction: tide.Down, Index: 1, Total: 1, Line: 7},
		tide.MigrationFailed{Migration: addUsers, Direction: tide.Down, Err: &tide.MigrationError{
			Version: addUsers.Version, Name: addUsers.Name, Path: addUsers.Path, Direction: tide.Down,
			Statement: 1, Line: 7, SQL: "DROP TABLE users", Transactional: true, Cause: tide.CauseFailed, Err: errors.New("boom"),
		}},
		tide.Baselined{Migration: addUsers},
		tide.Adopted{Migration: tide.Migration{Name: "names", Repeatable: true, Path: "R__names.sql"}, From: "flyway"},
	)
	for _, e := range evs {
		r.observe(e)
	}
	r.finish([]tide.Result{{Migration: addUsers, Direction: tide.Up, Duration: 2360 * time.Millisecond}}, nil, "applied 1 migration")
	if stderr.Len() > 0 {
		t.Errorf("stderr with --json and no terminal: %s", stderr)
	}
	var got []string
	for l := range strings.SplitSeq(strings.TrimSuffix(stdout.String(), "\n"), "\n") {
		if !json.Valid([]byte(l)) {
			t.Fatalf("not JSON: %s", l)
		}
		got = append(got, l)
	}
	const m = `"version":"20261122093000","name":"add_users","repeatable":false,"path":"migrations/20261122093000_add_users.sql"`
	want := []string{
		`{"tide":1,"kind":"event","event":"lock_waiting","data":{"key":"","holder":"host:42:abc"}}`,
		`{"tide":1,"kind":"event","event":"lock_acquired","data":{"key":"","waited_ms":2100}}`,
		`{"tide":1,"kind":"event","event":"migration_started","data":{` + m + `,"direction":"up","statements":3,"resumed":0}}`,
		`{"tide":1,"kind":"event","event":"statement_done","data":{` + m + `,"direction":"up","index":1,"total":3,"line":2,"duration_ms":0}}`,
		`{"tide":1,"kind":"event","event":"statement_done","data":{` + m + `,"direction":"up","index":2,"total":3,"line":14,"duration_ms":12}}`,
		`{"tide":1,"kind":"event","event":"statement_done","data":{` + m + `,"direction":"up","index":3,"total":3,"line":20,"duration_ms":2345}}`,
		`{"tide":1,"kind":"event","event":"migration_done","data":{` + m + `,"direction":"up","duration_ms":2360}}`,
		`{"tide":1,"kind":"event","event":"statement_started","data":{` + m + `,"direction":"down","index":1,"total":1,"line":7}}`,
		`{"tide":1,"kind":"event","event":"migration_failed","data":{` + m + `,"direction":"down","error":{"code":"statement_failed",` +
			`"message":"migrations/20261122093000_add_users.sql:7: down 20261122093000 add_users: statement 1: boom (rolled back: nothing of this migration was applied)",` +
			`"file":"migrations/20261122093000_add_users.sql","line":7,"version":"20261122093000","name":"add_users",` +
			`"failure":{"direction":"down","cause":"statement_failed","statement":1,"statement_line":7,"error_line":0,"sql":"DROP TABLE users","detail":"","hint":"","applied":0,"transactional":true}}}}`,
		`{"tide":1,"kind":"event","event":"baselined","data":{` + m + `}}`,
		`{"tide":1,"kind":"event","event":"adopted","data":{"version":"","name":"names","repeatable":true,"path":"migrations/R__names.sql","from":"flyway"}}`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
	res, ok := a.result.(migrateResult)
	if !ok || len(res.Migrations) != 1 || res.Migrations[0].DurationMS != 2360 || res.Message != "applied 1 migration" {
		t.Errorf("result %#v", a.result)
	}
}

// otherEvent is an event of a package the CLI does not know.
type otherEvent struct {
	Table     string
	BatchSize int
	Elapsed   time.Duration
	At        time.Time
	HTTPCode  uint8
	Migration tide.Migration
	Version   tide.Version
	Err       error
	Rows      []int64
	Nested    struct{ OK bool }
	Callback  func()
	Values    map[string]int
	secret    string
}

func (otherEvent) Kind() string { return "batch_done" }

// TestJSONOtherEvents renders an event of another package by its exported
// fields, safely.
func TestJSONOtherEvents(t *testing.T) {
	t.Parallel()
	a, stdout, _ := testApp(false)
	a.flags.json = true
	a.passwords = []string{"s3cretpw"}
	r := a.newRenderer()
	r.observe(otherEvent{
		Table: "users", BatchSize: 500, Elapsed: 1500 * time.Millisecond, At: time.Date(2026, 1, 2, 3, 4, 5, 0, time.FixedZone("x", 3600)),
		HTTPCode: 7, Migration: addUsers, Version: tide.MustParseVersion("1.2"), Err: errors.New("tide: password s3cretpw rejected"),
		Rows: []int64{1, 2}, Nested: struct{ OK bool }{true}, Callback: func() {}, Values: map[string]int{"a": 1}, secret: "s3cretpw",
	})
	r.observe(otherEvent{}) // zero values: null time and error, empty slice
	r.finish(nil, nil, "")
	want := `{"tide":1,"kind":"event","event":"batch_done","data":{"table":"users","batch_size":500,"elapsed_ms":1500,"at":"2026-01-02T02:04:05Z","http_code":7,` +
		`"migration":{"version":"20261122093000","name":"add_users","repeatable":false,"path":"migrations/20261122093000_add_users.sql"},"version":"1.2",` +
		`"err":"password xxxxx rejected","rows":[1,2],"nested":{"ok":true}}}
{"tide":1,"kind":"event","event":"batch_done","data":{"table":"","batch_size":0,"elapsed_ms":0,"at":null,"http_code":0,` +
		`"migration":{"version":"","name":"","repeatable":false,"path":""},"version":"","err":null,"rows":[],"nested":{"ok":false}}}
`
	if diff := cmp.Diff(want, stdout.String()); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestSnakeCase(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"Key": "key", "WaitedMS": "waited_ms", "HTTPCode": "http_code", "BatchSize": "batch_size", "ID": "id", "Row2Done": "row2_done"} {
		if got := snakeCase(in); got != want {
			t.Errorf("snakeCase(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestBars renders progress bars as on a terminal: they must show the
// migrations and finish without blocking.
func TestBars(t *testing.T) {
	t.Parallel()
	a, stdout, stderr := testApp(true)
	r := a.newRenderer()
	r.barOpts = []mpb.ContainerOption{mpb.ForceTTY(), mpb.WithAutoRefresh(), mpb.WithWidth(150)}
	for _, e := range events() {
		r.observe(e)
	}
	other := tide.Migration{Version: tide.MustParseVersion("20261122093100"), Name: "broken"}
	r.observe(tide.MigrationStarted{Migration: other, Direction: tide.Up, Statements: 2})
	r.observe(tide.StatementDone{Migration: other, Direction: tide.Up, Index: 1, Total: 2, Line: 2, Duration: time.Millisecond})
	r.observe(tide.MigrationFailed{Migration: other, Direction: tide.Up, Err: errors.New("boom")})
	r.finish(nil, errors.New("boom"), "")
	out := stderr.String()
	for _, want := range []string{"waiting for the migration lock (held by host:42:abc)", "applying 20261122093000 add_users", "3/3", "done", "applying 20261122093100 broken", "1/2", "failed"} {
		if !strings.Contains(out, want) {
			t.Errorf("bars lack %q:\n%q", want, out)
		}
	}
	if stdout.Len() > 0 {
		t.Errorf("stdout: %s", stdout)
	}
}

func TestPlanSQL(t *testing.T) {
	t.Parallel()
	a, _, _ := testApp(false)
	plan := []tide.Planned{
		{Migration: tide.Migration{Version: tide.MustParseVersion("1"), Name: "index", Path: "1_index.sql", NoTransaction: true,
			Up: []tide.Statement{{SQL: "CREATE INDEX CONCURRENTLY i ON t (c)", Line: 3}}}, Direction: tide.Up},
		{Migration: tide.Migration{Version: tide.MustParseVersion("2"), Name: "half", Path: "2_half.sql", NoTransaction: true,
			Up: []tide.Statement{{SQL: "SELECT 1", Line: 2}, {SQL: "SELECT 2", Line: 3}, {SQL: "CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql", Line: 4}}},
			Direction: tide.Up, Resume: 1},
		{Migration: tide.Migration{Version: tide.MustParseVersion("3"), Name: "go_code"}, Direction: tide.Up},
	}
	var b strings.Builder
	a.planSQL(&b, plan, postgres.New(), "nothing to apply")
	want := `-- 1 index (migrations/1_index.sql)
-- no transaction
CREATE INDEX CONCURRENTLY i ON t (c);

-- 2 half (migrations/2_half.sql)
-- no transaction
-- resuming after statement 1
SELECT 2;
CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql;

-- 3 go_code (Go migration: its code is not shown)
`
	if diff := cmp.Diff(want, b.String()); diff != "" {
		t.Errorf("plan (-want +got):\n%s", diff)
	}
}

func TestTerminate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		mysql bool
		sql   string
		want  string
	}{
		{false, "SELECT 1", "SELECT 1;"},
		{false, "CREATE TRIGGER t AFTER INSERT ON a BEGIN SELECT 1; END", "CREATE TRIGGER t AFTER INSERT ON a BEGIN SELECT 1; END;"},
		{true, "SELECT 1", "SELECT 1;"},
		{true, "CREATE PROCEDURE p() BEGIN SELECT 1; END", "DELIMITER //\nCREATE PROCEDURE p() BEGIN SELECT 1; END\n//\nDELIMITER ;"},
		{true, "CREATE PROCEDURE p() BEGIN SELECT '//'; END", "DELIMITER $$\nCREATE PROCEDURE p() BEGIN SELECT '//'; END\n$$\nDELIMITER ;"},
	}
	for _, tt := range tests {
		var got string
		if tt.mysql {
			got = terminate(mysql.New(), tt.sql)
		} else {
			got = terminate(postgres.New(), tt.sql)
		}
		if got != tt.want {
			t.Errorf("terminate(%q) = %q, want %q", tt.sql, got, tt.want)
		}
	}
}

func TestStateText(t *testing.T) {
	t.Parallel()
	tests := []struct {
		st   tide.MigrationStatus
		want string
	}{
		{tide.MigrationStatus{State: tide.StatePending}, "pending"},
		{tide.MigrationStatus{State: tide.StateApplied}, "applied"},
		{tide.MigrationStatus{State: tide.StateApplied, Baselined: true}, "applied (baseline)"},
		{tide.MigrationStatus{State: tide.StateChanged}, "changed"},
		{tide.MigrationStatus{State: tide.StateMissing}, "missing"},
		{tide.MigrationStatus{State: tide.StatePartial, Progress: &tide.Progress{Direction: tide.Up, Applied: 2, Total: 5, Error: "no such\ntable"}},
			"partial: up 2/5 statements, error: no such table"},
		{tide.MigrationStatus{State: tide.StatePartial, Progress: &tide.Progress{Direction: tide.Down, Applied: 1, Total: 3, Error: strings.Repeat("x", 200)}},
			"partial: down 1/3 statements, error: " + strings.Repeat("x", 117) + "..."},
	}
	for _, tt := range tests {
		if got := stateText(tt.st); got != tt.want {
			t.Errorf("stateText(%+v) = %q, want %q", tt.st, got, tt.want)
		}
	}
}

func TestPrintError(t *testing.T) {
	t.Parallel()
	a, _, stderr := testApp(false)
	a.passwords = []string{"s3cretpw"}
	me := &tide.MigrationError{Version: tide.MustParseVersion("2"), Name: "bad", Path: "2_bad.sql", Direction: tide.Up,
		Statement: 2, Line: 5, Transactional: true, Err: errors.New("password s3cretpw rejected"),
		SQL: "INSERT INTO t\nVALUES (1),\n(2),\n(3),\n(4),\n(5),\n(6),\n(7),\n(8),\n(9)"}
	a.printError(errors.Join(
		errors.New("tide: first problem"),
		me,
	))
	want := `tide: first problem
tide: migrations/2_bad.sql:5: up 2 bad: statement 2: password xxxxx rejected (rolled back: nothing of this migration was applied)
  failing statement (migrations/2_bad.sql:5):
    INSERT INTO t
    VALUES (1),
    (2),
    (3),
    (4),
    (5),
    (6),
    (7),
    ...
`
	if diff := cmp.Diff(want, stderr.String()); diff != "" {
		t.Errorf("stderr (-want +got):\n%s", diff)
	}
}

// A statement that runs long is reported every few seconds when stderr is
// not a terminal, until it ends.
func TestPlainProgressLongStatement(t *testing.T) {
	t.Parallel()
	a, _, stderr := testApp(false)
	r := a.newRenderer()
	r.stillRunningEvery = 10 * time.Millisecond
	r.observe(tide.MigrationStarted{Migration: addUsers, Direction: tide.Up, Statements: 1})
	r.observe(tide.StatementStarted{Migration: addUsers, Direction: tide.Up, Index: 1, Total: 1, Line: 7})
	deadline := time.Now().Add(10 * time.Second)
	for {
		r.mu.Lock()
		out := stderr.String()
		r.mu.Unlock()
		if strings.Count(out, "still running statement 1/1 (line 7) of 20261122093000 add_users") >= 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no still-running lines:\n%s", out)
		}
		time.Sleep(5 * time.Millisecond)
	}
	r.observe(tide.StatementDone{Migration: addUsers, Direction: tide.Up, Index: 1, Total: 1, Line: 7})
	r.finish(nil, nil, "")
	r.mu.Lock()
	n := len(stderr.String())
	r.mu.Unlock()
	time.Sleep(30 * time.Millisecond)
	if len(stderr.String()) != n {
		t.Errorf("lines after the statement ended:\n%s", stderr.String())
	}
}
