package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/tidemigrate/tide/dialect"
	"github.com/tidemigrate/tide/schema"
)

// pgxConn is what pgx's database/sql driver (pgx/v5/stdlib) gives through
// [sql.Conn.Raw]: the connection underneath.
type pgxConn interface {
	Conn() *pgx.Conn
}

// inspectPipelined reads the schema in two round trips when q is a
// *sql.DB or *sql.Conn of pgx's driver: BEGIN and the setup query in one
// pipeline, then every catalog query and ROLLBACK in a second. One at a
// time, an inspection makes a dozen round trips, each of which waits for
// the server to be scheduled again on a busy machine. ok is false when q
// is neither, or another driver's: the caller reads it one query at a
// time.
func inspectPipelined(ctx context.Context, q dialect.Querier, opts schema.Options) (s *schema.Schema, ok bool, err error) {
	var conn *sql.Conn
	switch c := q.(type) {
	case *sql.Conn:
		conn = c
	case *sql.DB:
		if conn, err = c.Conn(ctx); err != nil {
			return nil, true, fmt.Errorf("inspect schema: connect: %w", err)
		}
		defer conn.Close()
	default:
		return nil, false, nil
	}
	err = conn.Raw(func(dc any) error {
		pc, isPgx := dc.(pgxConn)
		if !isPgx {
			return nil
		}
		ok = true
		s, err = inspectBatches(ctx, pc.Conn(), opts)
		return err
	})
	return s, ok, err
}

// inspectBatches reads the schema through c in a read-only REPEATABLE
// READ transaction, in two pipelines of queries.
func inspectBatches(ctx context.Context, c *pgx.Conn, opts schema.Options) (s *schema.Schema, err error) {
	defer func() {
		// A failed query leaves the transaction open and aborted: end it
		// before the connection goes back to the pool.
		if c.PgConn().TxStatus() != 'I' {
			if _, rerr := c.Exec(context.WithoutCancel(ctx), "ROLLBACK"); rerr != nil && err == nil {
				err = fmt.Errorf("inspect schema: roll back: %w", rerr)
			}
		}
	}()
	b := &pgx.Batch{}
	b.Queue("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
	b.Queue(setupQuery, opts.Schema)
	br := c.SendBatch(ctx, b)
	if _, err := br.Exec(); err != nil {
		return nil, errors.Join(fmt.Errorf("inspect schema: begin: %w", err), br.Close())
	}
	in, err := setup(br.QueryRow(), opts)
	if cerr := br.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("inspect schema: %w", cerr)
	}
	if err != nil {
		return nil, err
	}

	steps := in.steps()
	b = &pgx.Batch{}
	for _, st := range steps {
		b.Queue(st.query.sql, st.query.args...)
	}
	b.Queue("ROLLBACK")
	br = c.SendBatch(ctx, b)
	for _, st := range steps {
		if err := scanAll(br, st.query); err != nil {
			return nil, errors.Join(fmt.Errorf("inspect schema %s: read %s: %w", in.nsp, st.what, err), br.Close())
		}
	}
	if _, err := br.Exec(); err != nil {
		return nil, errors.Join(fmt.Errorf("inspect schema: roll back: %w", err), br.Close())
	}
	if err := br.Close(); err != nil {
		return nil, fmt.Errorf("inspect schema: %w", err)
	}
	in.out.Sort()
	return in.out, nil
}

// scanAll reads the next result of br with cq's scan.
func scanAll(br pgx.BatchResults, cq catalogQuery) error {
	rows, err := br.Query()
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := cq.scan(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}
