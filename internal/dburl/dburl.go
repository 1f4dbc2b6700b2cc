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
	"regexp"
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
	"github.com/tidemigrate/tide/dialect/sqlite/modernc"
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
	db, d, err := OpenLazily(rawURL)
	if err != nil {
		return nil, nil, err
	}
	if err := Connect(ctx, db, rawURL); err != nil {
		db.Close()
		return nil, nil, err
	}
	return db, d, nil
}

// OpenLazily parses rawURL and opens the database without connecting to
// it: [Connect] does, and so does the first statement. The error never
// contains the password.
func OpenLazily(rawURL string) (*sql.DB, dialect.Dialect, error) {
	db, d, err := open(rawURL)
	if err != nil {
		return nil, nil, scrub(err, rawURL)
	}
	return db, d, nil
}

// Connect checks that db, opened from rawURL, answers; the connection
// stays in its pool for the next statement. The error never contains the
// password.
func Connect(ctx context.Context, db *sql.DB, rawURL string) error {
	pingCtx, cancel := context.WithTimeout(ctx, DefaultConnectTimeout+5*time.Second)
	defer cancel()
	if err := db.PingContext(pingCtx); err != nil {
		return scrub(fmt.Errorf("connect to %s: %w", Redact(rawURL), err), rawURL)
	}
	return nil
}

// driver is what tide needs for one URL scheme: the dialect and how to
// open a database from the URL.
type driver struct {
	dialect func() dialect.Dialect
	open    func(rawURL string) (*sql.DB, error)
}

// schemes are the URL schemes tide accepts.
var schemes = []string{"postgres", "postgresql", "mysql", "mariadb", "sqlite", "sqlite3", "file"}

// lookup returns the driver of a database URL, from its scheme.
func lookup(rawURL string) (driver, error) {
	scheme, _, ok := strings.Cut(rawURL, ":")
	if !ok {
		return driver{}, fmt.Errorf("database URL %q has no scheme: use postgres://, mysql:// or sqlite:PATH", Redact(rawURL))
	}
	switch strings.ToLower(scheme) {
	case "postgres", "postgresql":
		return driver{func() dialect.Dialect { return postgres.New() }, openPostgres}, nil
	case "mysql", "mariadb":
		return driver{func() dialect.Dialect { return mysqldialect.New() }, openMySQL}, nil
	case "sqlite", "sqlite3", "file":
		return driver{func() dialect.Dialect { return sqlite.New() }, openSQLiteURL}, nil
	}
	return driver{}, fmt.Errorf("database URL scheme %q is not supported: use postgres://, mysql:// or sqlite:PATH", scheme)
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

// parseURL parses rawURL. Its error never quotes the URL: the URL
// parser's own errors echo parts of it, which may be parts of a password.
func parseURL(rawURL string) (*url.URL, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("database URL %s is not a valid URL: percent-encode the characters @ : / ? # %% and spaces in its user name and password (# is %%23)", Redact(rawURL))
	}
	return u, nil
}

func openPostgres(rawURL string) (*sql.DB, error) {
	u, err := parseURL(rawURL)
	if err != nil {
		return nil, err
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
	u, err := parseURL(rawURL)
	if err != nil {
		return nil, err
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
	// Send parameters inside the statement text: one round trip per
	// statement instead of prepare, execute and close. Safe with the
	// utf8mb4 connection character set the driver uses.
	cfg.InterpolateParams = true
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
		if q.Get("interpolateParams") == "" {
			parsed.InterpolateParams = true
		}
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

// SQLiteFile returns the file of a SQLite URL (without its query), and
// false for other URLs and in-memory databases.
func SQLiteFile(rawURL string) (string, bool) {
	scheme, rest, ok := strings.Cut(rawURL, ":")
	if !ok {
		return "", false
	}
	switch strings.ToLower(scheme) {
	case "sqlite", "sqlite3", "file":
	default:
		return "", false
	}
	path, _, _ := strings.Cut(strings.TrimPrefix(rest, "//"), "?")
	if path == "" || path == ":memory:" || strings.Contains(rest, "mode=memory") {
		return "", false
	}
	return path, true
}

func openSQLite(rest string) (*sql.DB, error) {
	path := strings.TrimPrefix(rest, "//")
	if path == "" || strings.HasPrefix(path, "?") {
		return nil, errors.New("sqlite URL has no path: use sqlite:PATH, for example sqlite:app.db")
	}
	// tide's SQL functions (the checksum of backups) are given to the
	// connections the driver opens after they are registered.
	if err := modernc.Register(); err != nil {
		return nil, fmt.Errorf("open sqlite %s: register tide's functions: %w", path, err)
	}
	db, err := sql.Open("sqlite", SQLiteDSN(path))
	if err != nil {
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	return db, nil
}

// userinfo locates the "user:password" part of rawURL: after "//", up to
// the last "@" before any query or fragment (so that an unescaped "@" or
// "/" in a password is still covered). When no "@" comes before the first
// "?" or "#", the password may hold them unescaped: it then runs to the
// last "@" of all (redacting too much rather than too little). A DSN
// without "//" and without a scheme tide knows ("user:pass@tcp(host)/db",
// as go-sql-driver/mysql writes them) has its userinfo at the start. ok is
// false without a password.
func userinfo(rawURL string) (start, colon, end int, ok bool) {
	if i := strings.Index(rawURL, "://"); i >= 0 && i == strings.IndexByte(rawURL, ':') {
		start = i + 3
	} else if scheme, _, _ := strings.Cut(rawURL, ":"); slices.Contains(schemes, strings.ToLower(scheme)) {
		return 0, 0, 0, false // sqlite:path@x.db: a path, not userinfo
	}
	limit := len(rawURL)
	if j := strings.IndexAny(rawURL[start:], "?#"); j >= 0 {
		limit = start + j
	}
	// The userinfo ends at the last "@" before the query, unless what
	// follows it is no host (the password held "?" or "#" unescaped): then
	// at the next "@" that is followed by one, or the last of all.
	at := strings.LastIndexByte(rawURL[start:limit], '@')
	if at < 0 || !hostFollows(rawURL[start+at+1:]) {
		for i := at + 1; i < len(rawURL)-start; i++ {
			if rawURL[start+i] == '@' {
				at = i
				if hostFollows(rawURL[start+i+1:]) {
					break
				}
			}
		}
		if at < 0 {
			return 0, 0, 0, false
		}
	}
	end = start + at
	c := strings.IndexByte(rawURL[start:end], ':')
	if c < 0 {
		return 0, 0, 0, false
	}
	return start, start + c, end, true
}

// hostFollows reports whether rest starts with a plausible host: no "@",
// and a port, if any, of digits.
func hostFollows(rest string) bool {
	host := rest
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		host = rest[:i]
	}
	if strings.Contains(host, "@") {
		return false
	}
	if strings.HasPrefix(host, "[") { // [::1]:5432
		if i := strings.IndexByte(host, ']'); i >= 0 {
			host = host[i+1:]
		}
	}
	_, port, found := strings.Cut(host, ":")
	if !found {
		return true
	}
	for _, c := range port {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// passwordParam matches a password given as a parameter: in a URL's query
// (?password=...) or in a key/value DSN (password='a b'), where libpq and
// the drivers accept one.
var passwordParam = regexp.MustCompile(`(?i)(\b(?:password|passwd|pwd)\s*=\s*)('(?:[^'\\]|\\.)*'?|[^\s&;]*)`)

// passwordPlain reads a password parameter as a URL query does, where a
// quote is no quote.
var passwordPlain = regexp.MustCompile(`(?i)(\b(?:password|passwd|pwd)\s*=\s*)([^\s&;]*)`)

// Redact returns rawURL with any password replaced by "xxxxx", for output:
// the URL's own, and any password parameter.
func Redact(rawURL string) string {
	s := rawURL
	if _, colon, end, ok := userinfo(s); ok {
		s = s[:colon+1] + "xxxxx" + s[end:]
	}
	return passwordParam.ReplaceAllString(s, "${1}xxxxx")
}

// Passwords returns the passwords in rawURL, as written and unescaped, to
// scrub them from messages that may contain them (driver errors), longest
// first. The user name is not one, even when it equals the password.
func Passwords(rawURL string) []string {
	var raws []string
	user := ""
	if start, colon, end, ok := userinfo(rawURL); ok {
		user = rawURL[start:colon]
		raws = append(raws, rawURL[colon+1:end])
		// An unescaped "@" followed by what looks like a host leaves the
		// URL ambiguous: scrub the longest reading too.
		if last := strings.LastIndexByte(rawURL, '@'); last > end {
			raws = append(raws, rawURL[colon+1:last])
		}
	}
	for _, re := range []*regexp.Regexp{passwordParam, passwordPlain} {
		for _, m := range re.FindAllStringSubmatch(rawURL, -1) {
			raws = append(raws, m[2], strings.Trim(m[2], "'"))
		}
	}
	var pws []string
	for _, raw := range raws {
		for _, pw := range []string{raw, unescape(raw)} {
			if pw != "" && pw != "''" && pw != user && pw != unescape(user) && !slices.Contains(pws, pw) {
				pws = append(pws, pw)
			}
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
