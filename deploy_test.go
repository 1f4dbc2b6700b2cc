package tide_test

import (
	"context"
	"database/sql"
	"errors"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/tidemigrate/tide"
	"github.com/tidemigrate/tide/dialect"
	"github.com/tidemigrate/tide/dialect/sqlite"
)

// unbatched is SQLite with a batcher whose driver cannot batch.
type unbatched struct {
	sqlite.Dialect
	calls int
}

func (u *unbatched) ExecBatch(context.Context, *sql.Conn, []string, func(int)) (int, error) {
	u.calls++
	return -1, dialect.ErrNoBatch
}

// TestSingleTransactionWithoutBatch: when the driver cannot batch, a
// deploy in one transaction sends its statements one by one, reporting
// each once, and the failure of one names it.
func TestSingleTransactionWithoutBatch(t *testing.T) {
	fsys := fstest.MapFS{
		"1_a.sql": {Data: []byte("-- +tide up\nCREATE TABLE a (id INTEGER);\nINSERT INTO a (id) VALUES (1);\n")},
		"2_b.sql": {Data: []byte("-- +tide up\nCREATE TABLE b (id INTEGER);\n")},
	}
	d := &unbatched{Dialect: sqlite.New()}
	var mu sync.Mutex
	started := map[string]int{}
	m, err := tide.New(d, sqliteDB(t), fsys, tide.WithSingleTransaction(true), tide.WithObserver(func(e tide.Event) {
		mu.Lock()
		defer mu.Unlock()
		switch e := e.(type) {
		case tide.MigrationStarted:
			started[e.Migration.Version.String()]++
		case tide.StatementStarted:
			started[e.Migration.Version.String()+"."+string(rune('0'+e.Index))]++
		}
	}))
	if err != nil {
		t.Fatal(err)
	}
	if rs, err := m.Up(context.Background()); err != nil || len(rs) != 2 {
		t.Fatalf("Up = %v, %v", rs, err)
	}
	want := map[string]int{"1": 1, "1.1": 1, "1.2": 1, "2": 1, "2.1": 1}
	if len(started) != len(want) {
		t.Fatalf("started %v, want %v", started, want)
	}
	for k, n := range want {
		if started[k] != n {
			t.Errorf("started %v, want %v", started, want)
		}
	}
	if d.calls != 1 {
		t.Errorf("the batcher was asked %d times, want once", d.calls)
	}

	fsys["3_c.sql"] = &fstest.MapFile{Data: []byte("-- +tide up\nCREATE TABLE c (id INTEGER);\nINSERT INTO nosuch VALUES (1);\n")}
	m, err = tide.New(d, sqliteDB(t), fsys, tide.WithSingleTransaction(true))
	if err != nil {
		t.Fatal(err)
	}
	_, err = m.Up(context.Background())
	var me *tide.MigrationError
	if !errors.As(err, &me) || me.Version.String() != "3" || me.Statement != 2 || me.Line != 3 {
		t.Fatalf("Up with a failing statement = %v, want statement 2 of 3 at line 3", err)
	}
}
