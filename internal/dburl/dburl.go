// Package dburl turns the database URLs that tide accepts into an open
// *sql.DB and the matching dialect, and redacts passwords for display.
//
// Accepted forms:
//
//	postgres://user:pass@host:5432/db?sslmode=disable   (also postgresql://; libpq keywords)
//	mysql://user:pass@host:3306/db?param=value          (go-sql-driver/mysql parameters)
//	sqlite:path/to/file.db, sqlite:///abs/path.db, sqlite://relative.db
package dburl

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgconn/ctxwatch"
	"github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver

	"github.com/tidemigrate/tide/dialect"
	mysqldialect "github.com/tidemigrate/tide/dialect/mysql"
	"github.com/tidemigrate/tide/dialect/postgres"
	"github.com/tidemigrate/tide/dialect/sqlite"
)

// DefaultConnectTimeout bounds connecting to an unreachable server.
const DefaultConnectTimeout = 10 * time.Second

// DefaultSQLitePath is the embedded database used when no URL is given.
const DefaultSQLitePath = "tide.db"

// SQLiteBusyTimeout is how long a SQLite connection waits for another
// writer before it fails.
const SQLiteBusyTimeout = 10 * time.Second

// Open parses rawURL, opens the database and checks that it answers. The
// error never contains the password.
func Open(ctx context.Context, rawURL string) (*sql.DB, dialect.Dialect, error) {
	db, d, err := open(rawURL)
	if err != nil {
		return nil, nil, scrub(err, rawURL)
	}
	pingCtx, cancel := context.WithTimeout(ctx, DefaultConnectTimeout+5*time.Second)
	defer cancel()
	if err := db.PingContext(pingCtx); err != nil {
		db.Close()
		return nil, nil, scrub(fmt.Errorf("connect to %s: %w", Redact(rawURL), err), rawURL)
	}
	return db, d, nil
}

// driver is what tide needs for one URL scheme: the dialect and how to
// open a database from the URL.
type driver struct {
	dialect func() dialect.Dialect
	open    func(rawURL string) (*sql.DB, error)
}

// drivers maps the URL schemes tide accepts to their drivers.
var drivers = map[string]driver{
	"postgres":   {func() dialect.Dialect { return postgres.New() }, openPostgres},
	"postgresql": {func() dialect.Dialect { return postgres.New() }, openPostgres},
	"mysql":      {func() dialect.Dialect { return mysqldialect.New() }, openMySQL},
	"mariadb":    {func() dialect.Dialect { return mysqldialect.New() }, openMySQL},
	"sqlite":     {func() dialect.Dialect { return sqlite.New() }, openSQLiteURL},
	"sqlite3":    {func() dialect.Dialect { return sqlite.New() }, openSQLiteURL},
	"file":       {func() dialect.Dialect { return sqlite.New() }, openSQLiteURL},
}

// lookup returns the driver of a database URL, from its scheme.
func lookup(rawURL string) (driver, error) {
	scheme, _, ok := strings.Cut(rawURL, ":")
	if !ok {
		return driver{}, fmt.Errorf("database URL %q has no scheme: use postgres://, mysql:// or sqlite:PATH", Redact(rawURL))
	}
	drv, ok := drivers[strings.ToLower(scheme)]
	if !ok {
		return driver{}, fmt.Errorf("database URL scheme %q is not supported: use postgres://, mysql:// or sqlite:PATH", scheme)
	}
	return drv, nil
}

// Dialect returns the dialect of a database URL, from its scheme, without
// connecting.
func Dialect(rawURL string) (dialect.Dialect, error) {
	drv, err := lookup(rawURL)
	if err != nil {
		return nil, err
	}
	return drv.dialect(), nil
}

func open(rawURL string) (*sql.DB, dialect.Dialect, error) {
	drv, err := lookup(rawURL)
	if err != nil {
		return nil, nil, err
	}
	db, err := drv.open(rawURL)
	return db, drv.dialect(), err
}

// openSQLiteURL opens the SQLite database of a sqlite: URL.
func openSQLiteURL(rawURL string) (*sql.DB, error) {
	_, rest, _ := strings.Cut(rawURL, ":")
	return openSQLite(rest)
}

func openPostgres(rawURL string) (*sql.DB, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("parse database URL %s: %w", Redact(rawURL), err)
	}
	q := u.Query()
	if q.Get("connect_timeout") == "" {
		q.Set("connect_timeout", fmt.Sprint(int(DefaultConnectTimeout.Seconds())))
	}
	// Name tide in pg_stat_activity, so that a DBA (and a waiting tide)
	// can tell who holds a lock.
	if q.Get("application_name") == "" {
		q.Set("application_name", "tide")
	}
	u.RawQuery = q.Encode()
	cfg, err := pgx.ParseConfig(u.String())
	if err != nil {
		return nil, fmt.Errorf("parse database URL %s: %w", Redact(rawURL), err)
	}
	// On a cancelled context, ask the server to cancel the statement
	// (releasing its locks) rather than only dropping the connection.
	cfg.BuildContextWatcherHandler = func(c *pgconn.PgConn) ctxwatch.Handler {
		return &pgconn.CancelRequestContextWatcherHandler{Conn: c, DeadlineDelay: 5 * time.Second}
	}
	return stdlib.OpenDB(*cfg), nil
}

func openMySQL(rawURL string) (*sql.DB, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("parse database URL %s: %w", Redact(rawURL), err)
	}
	cfg := mysql.NewConfig()
	if u.User != nil {
		cfg.User = u.User.Username()
		cfg.Passwd, _ = u.User.Password()
	}
	cfg.Net = "tcp"
	cfg.Addr = u.Host
	if cfg.Addr == "" {
		cfg.Addr = "127.0.0.1:3306"
	} else if u.Port() == "" {
		cfg.Addr += ":3306"
	}
	cfg.DBName = strings.TrimPrefix(u.Path, "/")
	if cfg.DBName == "" {
		return nil, fmt.Errorf("database URL %s names no database: add /DBNAME", Redact(rawURL))
	}
	cfg.ParseTime = true
	cfg.Timeout = DefaultConnectTimeout
	q := u.Query()
	if s := q.Get("socket"); s != "" {
		cfg.Net, cfg.Addr = "unix", s
		q.Del("socket")
	}
	if len(q) > 0 {
		// Let the driver parse the remaining parameters as it documents them.
		parsed, err := mysql.ParseDSN("/?" + q.Encode())
		if err != nil {
			return nil, fmt.Errorf("parse database URL %s: %w", Redact(rawURL), err)
		}
		parsed.User, parsed.Passwd, parsed.Net, parsed.Addr, parsed.DBName = cfg.User, cfg.Passwd, cfg.Net, cfg.Addr, cfg.DBName
		parsed.ParseTime = true
		if q.Get("timeout") == "" {
			parsed.Timeout = DefaultConnectTimeout
		}
		cfg = parsed
	}
	conn, err := mysql.NewConnector(cfg)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", Redact(rawURL), err)
	}
	return sql.OpenDB(conn), nil
}

// SQLiteDSN returns the modernc.org/sqlite DSN tide uses for a file: BEGIN
// IMMEDIATE transactions (so racing writers queue instead of failing) and a
// busy timeout.
func SQLiteDSN(path string) string {
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	return "file:" + path + sep + "_txlock=immediate&_pragma=busy_timeout(" + fmt.Sprint(SQLiteBusyTimeout.Milliseconds()) + ")"
}

func openSQLite(rest string) (*sql.DB, error) {
	path := strings.TrimPrefix(rest, "//")
	if path == "" || strings.HasPrefix(path, "?") {
		return nil, errors.New("sqlite URL has no path: use sqlite:PATH, for example sqlite:app.db")
	}
	db, err := sql.Open("sqlite", SQLiteDSN(path))
	if err != nil {
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	return db, nil
}

// userinfo locates the "user:password" part of rawURL: after "//", up to
// the last "@" before any query or fragment (so that an unescaped "@" or
// "/" in a password is still covered). ok is false without a password.
func userinfo(rawURL string) (start, colon, end int, ok bool) {
	i := strings.Index(rawURL, "//")
	if i < 0 {
		return 0, 0, 0, false
	}
	start = i + 2
	limit := len(rawURL)
	if j := strings.IndexAny(rawURL[start:], "?#"); j >= 0 {
		limit = start + j
	}
	at := strings.LastIndexByte(rawURL[start:limit], '@')
	if at < 0 {
		return 0, 0, 0, false
	}
	end = start + at
	c := strings.IndexByte(rawURL[start:end], ':')
	if c < 0 {
		return 0, 0, 0, false
	}
	return start, start + c, end, true
}

// Redact returns rawURL with any password replaced by "xxxxx", for output.
func Redact(rawURL string) string {
	_, colon, end, ok := userinfo(rawURL)
	if !ok {
		return rawURL
	}
	return rawURL[:colon+1] + "xxxxx" + rawURL[end:]
}

// Passwords returns the password of rawURL as written and decoded (the
// longest first), or nothing. A password equal to the user name is no
// secret (the user name is shown) and is not returned: replacing it
// everywhere would garble messages that name the user.
func Passwords(rawURL string) []string {
	start, colon, end, ok := userinfo(rawURL)
	if !ok {
		return nil
	}
	user, raw := rawURL[start:colon], rawURL[colon+1:end]
	var pws []string
	for _, pw := range []string{raw, unescape(raw)} {
		if pw != "" && pw != user && pw != unescape(user) && !slices.Contains(pws, pw) {
			pws = append(pws, pw)
		}
	}
	slices.SortStableFunc(pws, func(a, b string) int { return len(b) - len(a) })
	return pws
}

func unescape(s string) string {
	if u, err := url.PathUnescape(s); err == nil {
		return u
	}
	return s
}

// scrub replaces every occurrence of the URL's password in err's text, as
// written and decoded, whatever a driver may have put there.
func scrub(err error, rawURL string) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	changed := msg
	for _, pw := range Passwords(rawURL) {
		changed = strings.ReplaceAll(changed, pw, "xxxxx")
	}
	if changed == msg {
		return err
	}
	return &scrubbed{msg: changed, err: err}
}

// scrubbed is an error whose text had a password removed. It still unwraps
// to the original for errors.Is and errors.As.
type scrubbed struct {
	msg string
	err error
}

func (e *scrubbed) Error() string { return e.msg }
func (e *scrubbed) Unwrap() error { return e.err }
