package main

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"time"
)

// app is the live application: requests at a fixed rate over a pool, each
// one prepared statement, every request's latency and error recorded.
type app struct {
	db       *sql.DB
	rows     int
	rate     int
	timeout  time.Duration
	get      *sql.Stmt
	update   *sql.Stmt
	insert   *sql.Stmt
	mu       sync.Mutex
	requests []request
}

// request is one application request: when it was due, how long it took
// from then (its wait for a pooled connection included), and its error.
type request struct {
	due     time.Time
	latency time.Duration
	kind    string
	err     error
}

// newApp prepares the application's statements on db and opens the
// pool's connections.
func newApp(ctx context.Context, db *sql.DB, q queries, rows, rate, pool int, timeout time.Duration) (*app, error) {
	db.SetMaxOpenConns(pool)
	db.SetMaxIdleConns(pool)
	a := &app{db: db, rows: rows, rate: rate, timeout: timeout}
	for _, p := range []struct {
		stmt **sql.Stmt
		sql  string
	}{{&a.get, q.get}, {&a.update, q.update}, {&a.insert, q.insert}} {
		st, err := db.PrepareContext(ctx, p.sql)
		if err != nil {
			return nil, fmt.Errorf("prepare %q: %w", p.sql, err)
		}
		*p.stmt = st
	}
	// Open every connection of the pool, and prepare the reads on each,
	// so that the measurement does not pay for connecting.
	var wg sync.WaitGroup
	errs := make([]error, pool)
	for i := range pool {
		wg.Go(func() {
			rows, err := a.get.QueryContext(ctx, 1)
			if err == nil {
				time.Sleep(50 * time.Millisecond) // hold the connection: the others open their own
				err = rows.Close()
			}
			errs[i] = err
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, fmt.Errorf("warm the pool: %w", err)
		}
	}
	return a, nil
}

func (a *app) close() {
	a.get.Close()
	a.update.Close()
	a.insert.Close()
}

// run sends requests at a.rate per second until ctx is done, then waits
// for those under way. Request i is due at start + i/rate, whatever
// happened to the earlier ones (an open loop: a stalled database does not
// slow the arrivals down, as it does not slow down an application's users).
func (a *app) run(ctx context.Context) {
	var wg sync.WaitGroup
	start := time.Now()
	interval := time.Second / time.Duration(a.rate)
	rng := rand.New(rand.NewPCG(uint64(start.UnixNano()), 1))
	for i := 0; ; i++ {
		due := start.Add(time.Duration(i) * interval)
		t := time.NewTimer(time.Until(due))
		select {
		case <-ctx.Done():
			t.Stop()
			wg.Wait()
			return
		case <-t.C:
		}
		id, pick := rng.IntN(a.rows)+1, rng.IntN(100)
		wg.Go(func() { a.do(due, id, pick) })
	}
}

// do runs one request: 70 % point reads, 20 % updates, 10 % inserts.
func (a *app) do(due time.Time, id, pick int) {
	ctx, cancel := context.WithTimeout(context.Background(), a.timeout)
	defer cancel()
	statuses := [...]string{"new", "paid", "shipped"}
	var kind string
	var err error
	switch {
	case pick < 70:
		kind = "select"
		var (
			oid, customer  int64
			status         string
			total, created any
		)
		err = a.get.QueryRowContext(ctx, id).Scan(&oid, &customer, &status, &total, &created)
	case pick < 90:
		kind = "update"
		_, err = a.update.ExecContext(ctx, statuses[id%3], id)
	default:
		kind = "insert"
		_, err = a.insert.ExecContext(ctx, id%5000, "new", "12.50")
	}
	r := request{due: due, latency: time.Since(due), kind: kind, err: err}
	a.mu.Lock()
	a.requests = append(a.requests, r)
	a.mu.Unlock()
}

// stats summarizes the application's requests.
type stats struct {
	requests, failed int
	stalled          int // requests slower than the target
	worst, p99, p50  time.Duration
	firstError       string
}

func (a *app) stats(target time.Duration) stats {
	a.mu.Lock()
	defer a.mu.Unlock()
	s := stats{requests: len(a.requests)}
	lat := make([]time.Duration, 0, len(a.requests))
	for _, r := range a.requests {
		lat = append(lat, r.latency)
		if r.latency >= target {
			s.stalled++
		}
		if r.err != nil {
			s.failed++
			if s.firstError == "" {
				s.firstError = r.kind + ": " + r.err.Error()
			}
		}
	}
	if len(lat) == 0 {
		return s
	}
	slices.Sort(lat)
	s.worst = lat[len(lat)-1]
	s.p99 = percentile(lat, 99)
	s.p50 = percentile(lat, 50)
	return s
}

// percentile is the nearest-rank percentile of sorted values.
func percentile(sorted []time.Duration, p int) time.Duration {
	rank := (p*len(sorted) + 99) / 100 // ceil(p/100 × n)
	return sorted[max(rank, 1)-1]
}

// timeline returns the worst latency of the requests due in each slice of
// width step, from start: where the stalls were.
func (a *app) timeline(start time.Time, step time.Duration) []time.Duration {
	a.mu.Lock()
	defer a.mu.Unlock()
	var out []time.Duration
	for _, r := range a.requests {
		i := int(r.due.Sub(start) / step)
		if i < 0 {
			continue
		}
		for len(out) <= i {
			out = append(out, 0)
		}
		out[i] = max(out[i], r.latency)
	}
	return out
}

// slowest returns the n slowest requests, slowest first.
func (a *app) slowest(n int) []request {
	a.mu.Lock()
	defer a.mu.Unlock()
	rs := slices.Clone(a.requests)
	slices.SortFunc(rs, func(x, y request) int { return cmp.Compare(y.latency, x.latency) })
	return rs[:min(n, len(rs))]
}
