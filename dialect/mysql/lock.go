package mysql

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

// lockName derives a GET_LOCK name (at most 64 characters) from the current
// database and key, so that databases on one server migrate independently.
// Changing it would let an older tide run beside a newer one.
const lockName = `CONCAT('tide:', SHA1(CONCAT(COALESCE(DATABASE(), ''), '.', ?)))`

// LockSession takes a GET_LOCK lock on conn, waiting at most wait (rounded up
// to whole seconds).
func (Dialect) LockSession(ctx context.Context, conn *sql.Conn, key string, wait time.Duration, waiting func()) (func(context.Context) error, bool, error) {
	unlock := func(ctx context.Context) error {
		var released sql.NullInt64
		if err := conn.QueryRowContext(ctx, `SELECT RELEASE_LOCK(`+lockName+`)`, key).Scan(&released); err != nil {
			return fmt.Errorf("release lock: %w", err)
		}
		if released.Int64 != 1 {
			return errors.New("release lock: the lock was not held by this session")
		}
		return nil
	}
	var free sql.NullInt64
	if err := conn.QueryRowContext(ctx, `SELECT IS_FREE_LOCK(`+lockName+`)`, key).Scan(&free); err != nil {
		return nil, false, fmt.Errorf("check lock: %w", err)
	}
	if free.Int64 != 1 && waiting != nil {
		waiting()
	}
	secs := max(int64((wait+time.Second-1)/time.Second), 0)
	var got sql.NullInt64
	err := conn.QueryRowContext(ctx, `SELECT GET_LOCK(`+lockName+`, `+strconv.FormatInt(secs, 10)+`)`, key).Scan(&got)
	switch {
	case err != nil:
		return nil, false, fmt.Errorf("take lock: %w", err)
	case !got.Valid:
		return nil, false, errors.New("take lock: GET_LOCK returned NULL (the server reported an error)")
	case got.Int64 == 0: // the wait expired
		return nil, false, nil
	}
	return unlock, true, nil
}

// SessionLockHolder names the connection holding the GET_LOCK lock of key:
// IS_USED_LOCK gives its id, the process list its user, host and database
// (other users' connections only with the PROCESS privilege).
func (Dialect) SessionLockHolder(ctx context.Context, q dialect.Querier, key string) (string, error) {
	var id sql.NullInt64
	if err := q.QueryRowContext(ctx, `SELECT IS_USED_LOCK(`+lockName+`)`, key).Scan(&id); err != nil {
		return "", fmt.Errorf("find lock holder: %w", err)
	}
	if !id.Valid {
		return "", nil
	}
	s := "connection " + strconv.FormatInt(id.Int64, 10)
	var (
		user, host, db, command sql.NullString
		secs                    sql.NullInt64
	)
	err := q.QueryRowContext(ctx, "SELECT `USER`, `HOST`, `DB`, `COMMAND`, `TIME` FROM `information_schema`.`PROCESSLIST` WHERE `ID` = ?", id.Int64).
		Scan(&user, &host, &db, &command, &secs)
	if errors.Is(err, sql.ErrNoRows) {
		return s, nil // gone since, or hidden from this user
	}
	if err != nil {
		return "", fmt.Errorf("find lock holder: %w", err)
	}
	var details []string
	for _, d := range []struct{ label, value string }{{"user", user.String}, {"host", host.String}, {"database", db.String}} {
		if d.value != "" {
			details = append(details, d.label+" "+d.value)
		}
	}
	if secs.Valid {
		since := (time.Duration(secs.Int64) * time.Second).String()
		if command.String == "Sleep" {
			details = append(details, "idle for "+since)
		} else if command.String != "" {
			details = append(details, "in "+command.String+" for "+since)
		}
	}
	if len(details) > 0 {
		s += " (" + strings.Join(details, ", ") + ")"
	}
	return s, nil
}
