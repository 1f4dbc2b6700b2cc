package backup

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/tidemigrate/tide/dialect"
	"github.com/tidemigrate/tide/event"
	"github.com/tidemigrate/tide/migration"
)

// Policy decides which tables a migration's up section needs copied
// before it runs, and copies them: those its "-- +tide backup" markers
// name and, unless NoAuto, those its statements drop, truncate, empty or
// drop columns from ([Detect]), when they exist; none for a migration
// marked "-- +tide backup none". Pass it to tide.WithBackups: the
// migrator calls [Policy.BackUp] before each up section runs. The zero
// Policy is ready to use; it is safe for concurrent use.
type Policy struct {
	// NoAuto copies only the tables that markers name.
	NoAuto bool
	// By names who takes the backups (default: user@host).
	By string
	// BatchRows is [Options.BatchRows] (default [DefaultBatchRows]).
	BatchRows int64
}

// Targets returns the tables p would copy before mig's up section runs,
// with why: the marker's tables first, then those [Detect] finds.
func (p Policy) Targets(d dialect.Dialect, mig *migration.Migration) []Target {
	if mig.Backup.None {
		return nil
	}
	var out []Target
	for _, t := range mig.Backup.Tables {
		out = append(out, Target{Name: t, Reason: ReasonMarker, Detail: fmt.Sprintf("-- +tide backup at %s:%d", mig.Source(), mig.Backup.Line)})
	}
	if p.NoAuto {
		return out
	}
	for _, f := range Detect(d, mig.Up) {
		out = append(out, Target{Name: f.Table.SQL(d), Reason: ReasonAuto, Detail: fmt.Sprintf("%s at %s:%d", f.What, mig.Source(), f.Line), Optional: true})
	}
	return out
}

// BackUp copies the tables mig's up section needs copied ([Policy.Targets])
// from db, a database of dialect d, reporting to events. It returns a note
// that names the backups and the command that restores them, for the
// error of a migration that then fails where it cannot roll back; "" when
// it copied nothing.
func (p Policy) BackUp(ctx context.Context, d dialect.Dialect, db *sql.DB, mig *migration.Migration, events event.Emitter) (string, error) {
	targets := p.Targets(d, mig)
	if len(targets) == 0 {
		return "", nil
	}
	opts := DefaultOptions()
	opts.Targets, opts.Version, opts.Events = targets, mig.Key(), events
	if p.By != "" {
		opts.By = p.By
	}
	if p.BatchRows > 0 {
		opts.BatchRows = p.BatchRows
	}
	entries, err := Take(ctx, d, db, opts)
	if err != nil || len(entries) == 0 {
		return "", err
	}
	names := make([]string, len(entries))
	for i, e := range entries {
		names[i] = fmt.Sprintf("%s (backup %d)", e.Source(), e.ID)
	}
	return fmt.Sprintf("tide backed up %s before this migration ran: tide restore %s puts the rows back as they were (tide backups list shows the backups)",
		strings.Join(names, ", "), mig.Key()), nil
}

// SQL writes r back as SQL: quoted parts quoted, bare parts as written.
func (r TableRef) SQL(d dialect.Syntax) string {
	part := func(s string, quoted bool) string {
		if quoted {
			return d.QuoteIdent(s)
		}
		return s
	}
	if r.Schema == "" {
		return part(r.Name, r.NameQuoted)
	}
	return part(r.Schema, r.SchemaQuoted) + "." + part(r.Name, r.NameQuoted)
}
