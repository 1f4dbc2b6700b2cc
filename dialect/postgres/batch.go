package postgres

import (
	"context"
	"database/sql"
	"strings"
	"unicode/utf8"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/tidemigrate/tide/dialect"
	"github.com/tidemigrate/tide/internal/sqlsplit"
)

var _ dialect.Batcher = Dialect{}

// batchSep separates the statements of a batch.
const batchSep = ";\n"

// ExecBatch sends stmts as one simple-protocol query, as psql sends a
// line holding several statements, on a connection of pgx's database/sql
// driver (others: [dialect.ErrNoBatch]). The server runs them one after
// the other, each under its own statement_timeout, and answers each in
// turn; after a failure it runs none of the rest. A syntax error anywhere
// stops the batch before anything runs, since the server parses the whole
// query first.
func (Dialect) ExecBatch(ctx context.Context, conn *sql.Conn, stmts []string, done func(i int)) (failed int, err error) {
	batched := false
	rerr := conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return nil
		}
		batched = true
		failed, err = execBatch(ctx, c.Conn().PgConn(), stmts, done)
		return nil
	})
	switch {
	case rerr != nil:
		return -1, rerr
	case !batched:
		return -1, dialect.ErrNoBatch
	}
	return failed, err
}

func execBatch(ctx context.Context, pc *pgconn.PgConn, stmts []string, done func(i int)) (int, error) {
	if len(stmts) == 0 {
		return -1, nil
	}
	// The server answers each command; a statement may hold several (a
	// block of another tool's format) or none (only comments).
	cmds := make([]int, len(stmts))
	for i, s := range stmts {
		cmds[i] = 1
		if strings.IndexByte(s, ';') >= 0 {
			cmds[i] = commands(s)
		}
	}
	next, left := 0, cmds[0] // the statement under way, and its answers to come
	advance := func() {
		for next < len(stmts) && left <= 0 {
			done(next)
			if next++; next < len(stmts) {
				left = cmds[next]
			}
		}
	}
	advance()
	mrr := pc.Exec(ctx, strings.Join(stmts, batchSep))
	n := 0 // answers read
	for mrr.NextResult() {
		if _, err := mrr.ResultReader().Close(); err != nil {
			break
		}
		n++
		left--
		advance()
	}
	if err := mrr.Close(); err != nil {
		return failedStatement(stmts, cmds, n, err)
	}
	for ; next < len(stmts); next++ {
		done(next)
	}
	return -1, nil
}

// failedStatement finds which of stmts, of cmds commands each, failed
// with err after n answers, and returns err with its position counted
// from that statement. The position, when the server gives one, names the
// statement (a syntax error stops the batch before any answer);
// otherwise the answers count the commands before it.
func failedStatement(stmts []string, cmds []int, n int, err error) (int, error) {
	if pe, ok := err.(*pgconn.PgError); ok && pe.Position > 0 {
		start := 1 // the character position of statement i in the query
		for i, s := range stmts {
			end := start + utf8.RuneCountInString(s) + utf8.RuneCountInString(batchSep)
			if int(pe.Position) < end || i == len(stmts)-1 {
				e := *pe
				e.Position -= int32(start - 1)
				return i, &e
			}
			start = end
		}
	}
	seen := 0
	for i := range stmts {
		seen += cmds[i]
		if n < seen {
			return i, err
		}
	}
	return len(stmts) - 1, err
}

// commands returns how many commands the server counts in stmt.
func commands(stmt string) int {
	parts, err := sqlsplit.Split(sqlsplit.Postgres, stmt)
	if err != nil {
		return 1
	}
	return len(parts)
}
