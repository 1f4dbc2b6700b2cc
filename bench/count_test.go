package bench

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/tidemigrate/tide/internal/dburl"
	"github.com/tidemigrate/tide/internal/testdb"
	"github.com/tidemigrate/tide/internal/testtools"
)

// counter records every round trip that database/sql makes through a
// counted connection: statements executed or queried (prepared or not),
// prepares, BEGIN, COMMIT and ROLLBACK, by the shape of their SQL.
type counter struct {
	mu     sync.Mutex
	counts map[string]int
}

func (c *counter) add(what string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.counts == nil {
		c.counts = map[string]int{}
	}
	c.counts[what]++
}

// take returns the counts so far and starts again from zero.
func (c *counter) take() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	m := c.counts
	c.counts = nil
	return m
}

var (
	numbers = regexp.MustCompile(`\b(t|noop)?\d+\b`)
	spaces  = regexp.MustCompile(`\s+`)
)

// shape turns a statement into its class: numbers and the benchmark's
// table names folded, whitespace collapsed, long texts cut.
func shape(query string) string {
	q := spaces.ReplaceAllString(strings.TrimSpace(query), " ")
	q = numbers.ReplaceAllStringFunc(q, func(s string) string {
		if s[0] == 't' || s[0] == 'n' {
			return "tN"
		}
		return "N"
	})
	if len(q) > 90 {
		q = q[:90] + "…"
	}
	return q
}

// countedDB opens a second pool on db's database whose connections count
// their round trips into c. It uses the driver and DSN that tide uses
// (internal/dburl), without tide's connection settings that do not change
// what is sent.
func countedDB(tb testing.TB, kind string, db *testdb.DB, c *counter) *sql.DB {
	tb.Helper()
	var dsn string
	switch kind {
	case testdb.Postgres:
		dsn = db.URL
	case testdb.MySQL:
		d, err := testtools.MySQLDSN(db.URL)
		if err != nil {
			tb.Fatal(err)
		}
		sep := "?"
		if strings.Contains(d, "?") {
			sep = "&"
		}
		dsn = d + sep + "parseTime=true"
	case testdb.SQLite:
		dsn = dburl.SQLiteDSN(db.Name)
	}
	drv := db.DB.Driver()
	var conn driver.Connector = dsnConnector{drv, dsn}
	if dc, ok := drv.(driver.DriverContext); ok {
		var err error
		if conn, err = dc.OpenConnector(dsn); err != nil {
			tb.Fatal(err)
		}
	}
	sdb := sql.OpenDB(countingConnector{conn, c})
	tb.Cleanup(func() { sdb.Close() })
	return sdb
}

type dsnConnector struct {
	drv driver.Driver
	dsn string
}

func (d dsnConnector) Connect(context.Context) (driver.Conn, error) { return d.drv.Open(d.dsn) }
func (d dsnConnector) Driver() driver.Driver                        { return d.drv }

type countingConnector struct {
	driver.Connector
	c *counter
}

func (cc countingConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := cc.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	cc.c.add("(connect)")
	return &countingConn{conn, cc.c}, nil
}

// countingConn passes everything on to the driver's connection, counting.
// Where the driver lacks an optional interface it returns driver.ErrSkip,
// so database/sql falls back as it would without the wrapper.
type countingConn struct {
	driver.Conn
	c *counter
}

var (
	_ driver.ConnBeginTx        = (*countingConn)(nil)
	_ driver.ConnPrepareContext = (*countingConn)(nil)
	_ driver.ExecerContext      = (*countingConn)(nil)
	_ driver.QueryerContext     = (*countingConn)(nil)
	_ driver.Pinger             = (*countingConn)(nil)
	_ driver.SessionResetter    = (*countingConn)(nil)
	_ driver.Validator          = (*countingConn)(nil)
	_ driver.NamedValueChecker  = (*countingConn)(nil)
)

func (cn *countingConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	var tx driver.Tx
	var err error
	if b, ok := cn.Conn.(driver.ConnBeginTx); ok {
		tx, err = b.BeginTx(ctx, opts)
	} else {
		tx, err = cn.Conn.Begin() //nolint:staticcheck // the fallback database/sql uses too
	}
	if err != nil {
		return nil, err
	}
	cn.c.add("BEGIN")
	return countingTx{tx, cn.c}, nil
}

func (cn *countingConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	var st driver.Stmt
	var err error
	if p, ok := cn.Conn.(driver.ConnPrepareContext); ok {
		st, err = p.PrepareContext(ctx, query)
	} else {
		st, err = cn.Conn.Prepare(query)
	}
	if err != nil {
		return nil, err
	}
	cn.c.add("(prepare) " + shape(query))
	return &countingStmt{st, query, cn.c}, nil
}

func (cn *countingConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	e, ok := cn.Conn.(driver.ExecerContext)
	if !ok {
		return nil, driver.ErrSkip
	}
	res, err := e.ExecContext(ctx, query, args)
	if err != driver.ErrSkip {
		cn.c.add(shape(query))
	}
	return res, err
}

func (cn *countingConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	q, ok := cn.Conn.(driver.QueryerContext)
	if !ok {
		return nil, driver.ErrSkip
	}
	rows, err := q.QueryContext(ctx, query, args)
	if err != driver.ErrSkip {
		cn.c.add(shape(query))
	}
	return rows, err
}

func (cn *countingConn) Ping(ctx context.Context) error {
	if p, ok := cn.Conn.(driver.Pinger); ok {
		cn.c.add("(ping)")
		return p.Ping(ctx)
	}
	return nil
}

func (cn *countingConn) ResetSession(ctx context.Context) error {
	if r, ok := cn.Conn.(driver.SessionResetter); ok {
		return r.ResetSession(ctx)
	}
	return nil
}

func (cn *countingConn) IsValid() bool {
	if v, ok := cn.Conn.(driver.Validator); ok {
		return v.IsValid()
	}
	return true
}

func (cn *countingConn) CheckNamedValue(nv *driver.NamedValue) error {
	if c, ok := cn.Conn.(driver.NamedValueChecker); ok {
		return c.CheckNamedValue(nv)
	}
	return driver.ErrSkip
}

type countingTx struct {
	driver.Tx
	c *counter
}

func (t countingTx) Commit() error   { t.c.add("COMMIT"); return t.Tx.Commit() }
func (t countingTx) Rollback() error { t.c.add("ROLLBACK"); return t.Tx.Rollback() }

// countingStmt counts each execution of a prepared statement.
type countingStmt struct {
	driver.Stmt
	query string
	c     *counter
}

func (s *countingStmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	s.c.add("(prepared) " + shape(s.query))
	if e, ok := s.Stmt.(driver.StmtExecContext); ok {
		return e.ExecContext(ctx, args)
	}
	vals := make([]driver.Value, len(args))
	for i, a := range args {
		vals[i] = a.Value
	}
	return s.Stmt.Exec(vals) //nolint:staticcheck // the fallback database/sql uses too
}

func (s *countingStmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	s.c.add("(prepared) " + shape(s.query))
	if q, ok := s.Stmt.(driver.StmtQueryContext); ok {
		return q.QueryContext(ctx, args)
	}
	vals := make([]driver.Value, len(args))
	for i, a := range args {
		vals[i] = a.Value
	}
	return s.Stmt.Query(vals) //nolint:staticcheck // the fallback database/sql uses too
}

func (s *countingStmt) ColumnConverter(idx int) driver.ValueConverter {
	if cc, ok := s.Stmt.(driver.ColumnConverter); ok { //nolint:staticcheck // passed on as database/sql would use it
		return cc.ColumnConverter(idx)
	}
	return driver.DefaultParameterConverter
}

// report logs counts divided by per (the number of migrations), most
// frequent first, and returns the total per migration.
func report(tb testing.TB, title string, counts map[string]int, per int) float64 {
	tb.Helper()
	type row struct {
		what string
		n    int
	}
	var rows []row
	total := 0
	for what, n := range counts {
		rows = append(rows, row{what, n})
		total += n
	}
	slices.SortFunc(rows, func(a, b row) int {
		if a.n != b.n {
			return b.n - a.n
		}
		return strings.Compare(a.what, b.what)
	})
	var sb strings.Builder
	fmt.Fprintf(&sb, "%s: %d round trips, %.2f per migration\n", title, total, float64(total)/float64(per))
	for _, r := range rows {
		fmt.Fprintf(&sb, "  %8.2f  %6d  %s\n", float64(r.n)/float64(per), r.n, r.what)
	}
	tb.Log(sb.String())
	return float64(total) / float64(per)
}
