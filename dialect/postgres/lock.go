package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/tidemigrate/tide/dialect"
)

var (
	_ dialect.SessionLocker    = Dialect{}
	_ dialect.LockHolderFinder = Dialect{}
)

// lockClass is the first key of tide's advisory locks: "tide" in ASCII.
const lockClass = 0x74696465

// lockKey is the second key: a hash of the schema-qualified key, so that
// tenants in different schemas of one database migrate independently.
// Changing either key would let an older tide run beside a newer one.
const lockKey = `hashtext(CASE WHEN strpos($1, '.') > 0 THEN $1 ELSE current_schema() || '.' || $1 END)`

// LockSession takes a session advisory lock on conn, waiting at most wait
// (through lock_timeout, so waiters queue fairly in the server).
func (Dialect) LockSession(ctx context.Context, conn *sql.Conn, key string, wait time.Duration, waiting func()) (func(context.Context) error, bool, error) {
	unlock := func(ctx context.Context) error {
		var ok bool
		err := conn.QueryRowContext(ctx, `SELECT pg_advisory_unlock(`+strconv.Itoa(lockClass)+`, `+lockKey+`)`, key).Scan(&ok)
		if err != nil {
			return fmt.Errorf("release advisory lock: %w", err)
		}
		if !ok {
			return errors.New("release advisory lock: the lock was not held")
		}
		return nil
	}
	var got bool
	err := conn.QueryRowContext(ctx, `SELECT pg_try_advisory_lock(`+strconv.Itoa(lockClass)+`, `+lockKey+`)`, key).Scan(&got)
	if err != nil {
		return nil, false, fmt.Errorf("take advisory lock: %w", err)
	}
	if got {
		return unlock, true, nil
	}
	if waiting != nil {
		waiting()
	}
	restore, err := setSetting(ctx, conn, "lock_timeout", strconv.FormatInt(max(wait.Milliseconds(), 1), 10)+"ms")
	if err != nil {
		return nil, false, err
	}
	_, err = conn.ExecContext(ctx, `SELECT pg_advisory_lock(`+strconv.Itoa(lockClass)+`, `+lockKey+`)`, key)
	if rerr := restore(context.WithoutCancel(ctx)); rerr != nil && err == nil {
		_ = unlock(context.WithoutCancel(ctx))
		return nil, false, rerr
	}
	if err != nil {
		if sqlState(err) == "55P03" { // lock_not_available: lock_timeout expired
			return nil, false, nil
		}
		return nil, false, fmt.Errorf("wait for advisory lock: %w", err)
	}
	return unlock, true, nil
}

// SessionLockHolder names the backend holding the advisory lock of key,
// from pg_locks joined to pg_stat_activity. pg_locks shows the two int4
// keys of pg_advisory_lock(int4, int4) as classid and objid, of type oid
// (unsigned), with objsubid 2: a negative hash appears as objid + 2^32.
func (Dialect) SessionLockHolder(ctx context.Context, q dialect.Querier, key string) (string, error) {
	var (
		pid                   int64
		app, addr, host, user string
		connected             int64
	)
	err := q.QueryRowContext(ctx, `SELECT l.pid,
	COALESCE(a.application_name, ''), COALESCE(host(a.client_addr), ''), COALESCE(a.client_hostname, ''),
	COALESCE(a.usename::text, ''), COALESCE(EXTRACT(EPOCH FROM now() - a.backend_start)::bigint, -1)
FROM pg_catalog.pg_locks l LEFT JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid
WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
	AND l.database = (SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database())
	AND l.classid::bigint = `+strconv.Itoa(lockClass)+`
	AND l.objid::bigint = (`+lockKey+`::bigint & 4294967295)
LIMIT 1`, key).Scan(&pid, &app, &addr, &host, &user, &connected)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("find advisory lock holder: %w", err)
	}
	var details []string
	if app != "" {
		details = append(details, "application "+app)
	}
	if user != "" {
		details = append(details, "user "+user)
	}
	switch {
	case host != "": // client_hostname, with log_hostname on
		details = append(details, "host "+host)
	case addr != "":
		details = append(details, "host "+addr)
	case connected >= 0:
		// pg_stat_activity shows a NULL address for a Unix socket (and
		// the whole row only to those allowed to see it).
		details = append(details, "local socket")
	}
	if connected >= 0 {
		details = append(details, "connected "+(time.Duration(connected)*time.Second).String()+" ago")
	}
	s := "pid " + strconv.FormatInt(pid, 10)
	if len(details) > 0 {
		s += " (" + strings.Join(details, ", ") + ")"
	}
	return s, nil
}

// sqlState returns the SQLSTATE of a PostgreSQL error from any driver that
// exposes it (pgx and lib/pq both do), or "".
func sqlState(err error) string {
	var e interface{ SQLState() string }
	if errors.As(err, &e) {
		return e.SQLState()
	}
	return ""
}
