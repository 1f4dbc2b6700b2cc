// Package scratch creates throwaway databases for the commands that apply
// migrations somewhere other than the live database (tide drift, tide
// verify-rollback): a new database on a PostgreSQL or MySQL server, a
// temporary file for SQLite. Close drops it, even after Ctrl-C.
package scratch

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"github.com/tidemigrate/tide/dialect"
	"github.com/tidemigrate/tide/internal/dburl"
)

// DB is a scratch database, empty when made.
type DB struct {
	DB      *sql.DB
	Dialect dialect.Dialect
	// Name is the database's name (the file's path for SQLite).
	Name string
	// URL reaches it; it holds the password of the server URL.
	URL  string
	drop func(ctx context.Context) error
}

// New makes a scratch database of the same kind as liveURL, on the server
// that serverURL names (liveURL's own server when serverURL is empty; a
// SQLite serverURL names the file to use, which must not exist).
func New(ctx context.Context, liveURL, serverURL string) (*DB, error) {
	live, err := dburl.Dialect(liveURL)
	if err != nil {
		return nil, err
	}
	base := liveURL
	if serverURL != "" {
		d, err := dburl.Dialect(serverURL)
		if err != nil {
			return nil, fmt.Errorf("scratch URL: %w", err)
		}
		if d.Name() != live.Name() {
			return nil, fmt.Errorf("the scratch URL is %s but the database is %s: give a scratch server of the same kind", d.Title(), live.Title())
		}
		base = serverURL
	}
	if _, ok := live.(dialect.DatabaseCreator); !ok {
		return newFile(ctx, base, serverURL != "")
	}
	return newOnServer(ctx, base, live.(dialect.DatabaseCreator))
}

func newFile(ctx context.Context, base string, given bool) (*DB, error) {
	var path, dir string
	if given {
		p, ok := dburl.SQLiteFile(base)
		if !ok {
			return nil, fmt.Errorf("scratch URL %s names no file: use sqlite:PATH", dburl.Redact(base))
		}
		if _, err := os.Stat(p); err == nil {
			return nil, fmt.Errorf("scratch file %s exists: name a file that does not, tide creates and removes it", p)
		}
		path = p
	} else {
		d, err := os.MkdirTemp("", "tide-scratch-")
		if err != nil {
			return nil, fmt.Errorf("create scratch directory: %w", err)
		}
		dir, path = d, filepath.Join(d, "scratch.db")
	}
	rawURL := "sqlite:" + path
	db, d, err := dburl.Open(ctx, rawURL)
	if err != nil {
		if dir != "" {
			os.RemoveAll(dir)
		}
		return nil, err
	}
	return &DB{DB: db, Dialect: d, Name: path, URL: rawURL, drop: func(context.Context) error {
		if dir != "" {
			return os.RemoveAll(dir)
		}
		var errs []error
		for _, suffix := range []string{"", "-wal", "-shm", "-journal"} {
			if err := os.Remove(path + suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
				errs = append(errs, err)
			}
		}
		return errors.Join(errs...)
	}}, nil
}

func newOnServer(ctx context.Context, base string, creator dialect.DatabaseCreator) (*DB, error) {
	u, err := url.Parse(base)
	if err != nil {
		return nil, fmt.Errorf("scratch: database URL %s is not a valid URL", dburl.Redact(base))
	}
	admin, _, err := dburl.Open(ctx, base)
	if err != nil {
		return nil, err
	}
	defer admin.Close()
	name := "tide_scratch_" + randomHex(6)
	if err := creator.CreateDatabase(ctx, admin, name); err != nil {
		return nil, fmt.Errorf("create scratch database %s on %s: %w (give a server where tide may create databases with --scratch-url)", name, dburl.Redact(base), err)
	}
	dropDB := func(ctx context.Context) error {
		admin, _, err := dburl.Open(ctx, base)
		if err != nil {
			return fmt.Errorf("drop scratch database %s: %w", name, err)
		}
		defer admin.Close()
		if err := creator.DropDatabase(ctx, admin, name); err != nil {
			return fmt.Errorf("drop scratch database %s: %w", name, err)
		}
		return nil
	}
	u.Path = "/" + name
	rawURL := u.String()
	db, d, err := dburl.Open(ctx, rawURL)
	if err != nil {
		return nil, errors.Join(err, dropDB(context.WithoutCancel(ctx)))
	}
	return &DB{DB: db, Dialect: d, Name: name, URL: rawURL, drop: dropDB}, nil
}

// Close closes the scratch database and drops it. It runs on a context
// that Ctrl-C does not cancel, bounded to a minute.
func (s *DB) Close(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
	defer cancel()
	return errors.Join(s.DB.Close(), s.drop(ctx))
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
