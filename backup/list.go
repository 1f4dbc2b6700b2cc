package backup

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/tidemigrate/tide/dialect"
)

// SpaceCompactor is implemented by dialects whose backup space keeps the
// room of dropped copies until it is compacted (SQLite's file, with
// VACUUM).
type SpaceCompactor interface {
	// CompactSpace gives the room of dropped copies back to the system.
	CompactSpace(ctx context.Context, conn *sql.Conn, space string) error
}

// List returns the backups of the database db (a database of dialect d),
// oldest first: those of its database only, where the backup space is
// shared (MySQL). It returns none, and creates nothing, when no backup was
// ever taken.
func List(ctx context.Context, d dialect.Dialect, db *sql.DB) ([]Entry, error) {
	c, ok := d.(Copier)
	if !ok {
		return nil, &UnsupportedError{Dialect: d.Title(), What: "table backups"}
	}
	s, err := openSession(ctx, d, c, db, false)
	if err != nil || s == nil {
		return nil, err
	}
	defer s.close(ctx)
	return s.m.list(ctx, s.conn, s.database)
}

// PruneOptions are what [Prune] needs.
type PruneOptions struct {
	// OlderThan removes the backups taken longer ago than this (at least
	// a second; backups of no age are never pruned by accident).
	OlderThan time.Duration
	// Now is the time to count ages from (default: time.Now()).
	Now time.Time
	// DryRun lists what would be removed, and removes nothing.
	DryRun bool
}

// Validate reports what is wrong with o, if anything.
func (o PruneOptions) Validate() error {
	if o.OlderThan < time.Second {
		return fmt.Errorf("prune: older than %s: give an age of at least a second, like 7d or 12h", o.OlderThan)
	}
	return nil
}

// Prune removes the backups of the database db taken longer ago than
// opts.OlderThan: their copies are dropped and their entries removed from
// the manifest (and SQLite's backup file compacted). Copies that stopped
// before the end count like the others. It returns the backups removed,
// oldest first.
func Prune(ctx context.Context, d dialect.Dialect, db *sql.DB, opts PruneOptions) ([]Entry, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	c, ok := d.(Copier)
	if !ok {
		return nil, &UnsupportedError{Dialect: d.Title(), What: "table backups"}
	}
	s, err := openSession(ctx, d, c, db, false)
	if err != nil || s == nil {
		return nil, err
	}
	defer s.close(ctx)
	entries, err := s.m.list(ctx, s.conn, s.database)
	if err != nil {
		return nil, err
	}
	cutoff := opts.Now.Add(-opts.OlderThan)
	var removed []Entry
	for _, e := range entries {
		if !e.CreatedAt.Before(cutoff) {
			continue
		}
		if !opts.DryRun {
			if _, err := s.conn.ExecContext(ctx, "DROP TABLE IF EXISTS "+d.QuoteIdent(e.Copy())); err != nil {
				return removed, fmt.Errorf("prune: drop %s (backup %d): %w", e.Copy(), e.ID, err)
			}
			if err := s.m.remove(ctx, s.conn, e.ID); err != nil {
				return removed, fmt.Errorf("prune: %w", err)
			}
		}
		removed = append(removed, e)
	}
	if cs, ok := d.(SpaceCompactor); ok && len(removed) > 0 && !opts.DryRun {
		if err := cs.CompactSpace(ctx, s.conn, Space); err != nil {
			return removed, errors.Join(err, fmt.Errorf("prune: the backups were removed, but their room was not given back"))
		}
	}
	return removed, nil
}
