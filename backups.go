package tide

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/tidemigrate/tide/dialect"
	"github.com/tidemigrate/tide/event"
	"github.com/tidemigrate/tide/history"
	"github.com/tidemigrate/tide/migration"
)

// Backuper copies tables before a migration's up section runs, so that
// what it drops or empties can be put back. Package backup's Policy is
// one: it copies the tables that "-- +tide backup" markers name and those
// the statements drop, truncate or empty. Register it with [WithBackups].
//
// The migrator calls BackUp before the up section of each SQL migration it
// applies (also within [WithSingleTransaction], where all of them run
// before the transaction begins), not when it continues a migration that
// an earlier run left partially applied. BackUp works on connections of
// db of its own, reports through events, and returns a note for people
// that names the backups (or ""). When it fails, the migration does not
// run.
type Backuper interface {
	BackUp(ctx context.Context, d dialect.Dialect, db *sql.DB, mig *migration.Migration, events event.Emitter) (note string, err error)
}

// WithBackups copies tables with b before each migration's up section
// runs (see [Backuper]). When a migration then fails where its statements
// cannot be rolled back (MySQL DDL, no-transaction migrations), the
// [MigrationError]'s Hint names the backups and how to restore them.
func WithBackups(b Backuper) Option {
	return func(c *config) error {
		if b == nil {
			return errors.New("backups: the Backuper is nil")
		}
		c.backups = b
		return nil
	}
}

// backUp runs the Backuper before the up run p of a migration, unless it
// continues a partially applied one. A failure is the migration's.
func (m *Migrator) backUp(s *session, p Planned, rec *history.Record) (string, error) {
	if m.cfg.backups == nil || p.Direction != Up || p.mig.IsGo() || p.Resume > 0 || rec != nil && rec.State == history.StatePartial {
		return "", nil
	}
	note, err := m.cfg.backups.BackUp(s.ctx, m.d, m.db, p.mig, m.cfg.events)
	if err != nil {
		return "", m.migrationError(s.ctx, p.mig, Up, nil, -1, fmt.Errorf(
			"back up tables before the up section (nothing of the migration ran; to run it without automatic backups, pass --no-auto-backup, or add \"-- +tide backup none\" to its file): %w", err))
	}
	return note, nil
}

// withBackupNote adds note to the hint of err, a migration that failed
// after its backups were taken, when what it did could not be rolled back.
func withBackupNote(err error, note string) error {
	e, ok := errors.AsType[*MigrationError](err)
	if !ok || note == "" || e.Transactional {
		return err
	}
	if e.Hint != "" {
		e.Hint += "; "
	}
	e.Hint += note
	return err
}
