package dialecttest

import (
	"context"
	"errors"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/tidemigrate/tide"
	"github.com/tidemigrate/tide/dialect"
	"github.com/tidemigrate/tide/history"
	"github.com/tidemigrate/tide/source"
)

// testSingleTransactionErrors: a deploy in one transaction sends its
// statements in batches where the database can, yet a failure names the
// statement, its line and (where the database says) the line of the
// error, as when statements run one by one: an error the server places,
// one it does not, a syntax error (the server parses a whole batch before
// it runs any of it), and a block of another tool's format that holds
// several commands. Nothing stays applied. A deploy that succeeds records
// every migration in order and reports every statement.
func testSingleTransactionErrors(t *testing.T, db Database) {
	if implicitCommits(db) {
		t.Skipf("%s refuses a single transaction", db.Dialect.Name())
	}
	ctx := context.Background()
	base := func(third string) fstest.MapFS {
		return files(
			"1_a.sql", "-- +tide up\nCREATE TABLE a (id INTEGER PRIMARY KEY);\nINSERT INTO a (id) VALUES (1);\n",
			"2_b.sql", "-- +tide up\nCREATE TABLE b (\n  id INTEGER PRIMARY KEY\n);\nINSERT INTO b (id)\nSELECT id\nFROM a;\n",
			"3_c.sql", "-- +tide up\nCREATE TABLE c (id INTEGER);\n"+third,
		)
	}
	_, detailed := db.Dialect.(dialect.ErrorDetailer)
	for _, c := range []struct {
		name      string
		fsys      fstest.MapFS
		format    string
		version   string
		stmt      int
		line      int
		errorLine int // where the database places the error; 0: it does not
	}{
		{name: "unplaced", fsys: base("CREATE TABLE a (id INTEGER);\n"), version: "3", stmt: 2, line: 3},
		{name: "placed", fsys: base("SELECT id,\n  nosuchcol\nFROM a;\n"), version: "3", stmt: 2, line: 3, errorLine: 4},
		{name: "syntax", fsys: base("CREATE TABLE d (\n  id INTEGER,,\n  n INTEGER\n);\n"), version: "3", stmt: 2, line: 3, errorLine: 4},
		{name: "block of several commands", format: "goose", fsys: files(
			"00001_a.sql", "-- +goose Up\nCREATE TABLE z (id INTEGER);\n",
			"00002_b.sql", "-- +goose Up\n-- +goose StatementBegin\nCREATE TABLE a (id INTEGER PRIMARY KEY);\nINSERT INTO a (id) VALUES (1);\n-- +goose StatementEnd\nCREATE TABLE a (id INTEGER);\nCREATE TABLE y (id INTEGER);\n",
		), version: "2", stmt: 2, line: 6},
	} {
		t.Run(c.name, func(t *testing.T) {
			opts := []tide.Option{tide.WithSingleTransaction(true)}
			if c.format != "" {
				f, err := source.FormatByName(c.format)
				if err != nil {
					t.Fatal(err)
				}
				opts = append(opts, tide.WithFormat(f))
			}
			m := newMigrator(t, db, nil, c.fsys, opts...)
			_, err := m.Up(ctx)
			var me *tide.MigrationError
			if !errors.As(err, &me) {
				t.Fatalf("Up = %v, want a MigrationError", err)
			}
			wantErrorLine := 0
			if detailed {
				wantErrorLine = c.errorLine
			}
			if me.Version.String() != c.version || me.Statement != c.stmt || me.Line != c.line || me.ErrorLine != wantErrorLine {
				t.Fatalf("error at %s statement %d line %d (error line %d): %v; want %s statement %d line %d (error line %d)",
					me.Version, me.Statement, me.Line, me.ErrorLine, err, c.version, c.stmt, c.line, wantErrorLine)
			}
			for _, tbl := range []string{"a", "b", "z"} {
				if tableExists(t, db, tbl) {
					t.Errorf("table %s stayed after the failed deploy", tbl)
				}
			}
		})
	}

	var mu sync.Mutex
	started, done := 0, 0
	m := newMigrator(t, db, nil, base(""), tide.WithSingleTransaction(true), tide.WithObserver(func(e tide.Event) {
		mu.Lock()
		defer mu.Unlock()
		switch e.(type) {
		case tide.StatementStarted:
			started++
		case tide.StatementDone:
			done++
		}
	}))
	if rs := mustUp(t, m); len(rs) != 3 {
		t.Fatalf("Up = %v", versions(rs))
	}
	if started != 5 || done != 5 {
		t.Errorf("statements reported: %d started, %d done; want 5 each", started, done)
	}
	recs, err := history.New(db.Dialect, tide.DefaultTable).List(ctx, db.DB)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range recs {
		if r.State != history.StateApplied || r.Seq != int64(i+1) || r.Key != []string{"1", "2", "3"}[i] {
			t.Errorf("record %d: %s %s seq %d; want %d applied with seq %d", i, r.Key, r.State, r.Seq, i+1, i+1)
		}
	}
	if n := count(t, db.DB, "SELECT COUNT(*) FROM b"); n != 1 {
		t.Errorf("%d rows in b, want 1", n)
	}
}
