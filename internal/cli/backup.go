package cli

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/tidemigrate/tide"
	"github.com/tidemigrate/tide/backup"
	"github.com/tidemigrate/tide/event"
	"github.com/tidemigrate/tide/lock"
	"github.com/tidemigrate/tide/migration"
)

// backupOption is the tide.Option of up and redo: automatic backups, or
// only those the migrations' markers ask for.
func backupOption(noAuto bool) tide.Option {
	return tide.WithBackups(backup.Policy{NoAuto: noAuto})
}

// addNoAutoBackup adds --no-auto-backup to cmd.
func addNoAutoBackup(cmd *cobra.Command, noAuto *bool) {
	cmd.Flags().BoolVar(noAuto, "no-auto-backup", false,
		`do not copy the tables that migrations drop, truncate, empty or drop columns from before they run (tables named by "-- +tide backup" markers still are)`)
}

func (a *app) backupsCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "backups",
		Short: "List or prune the tables copied before destructive migrations",
		Long: `tide up copies, before a migration's up section runs, the tables that its
"-- +tide backup TABLE..." header lines name and, unless --no-auto-backup
or "-- +tide backup none", those its statements drop, truncate, drop
columns from or delete from without WHERE. The copies live in a tide_backup
schema (PostgreSQL), a tide_backup database (MySQL) or a file beside the
database (SQLite, <file>.tide-backup), with a manifest: the migration's
version, the table, its row count and checksum, size, when and by whom.
tide restore VERSION puts them back.`,
		Example: `  tide backups list
  tide backups prune --older-than 7d`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return usageErrorf("tide backups needs a command: list or prune")
		},
	}
	cmd.AddCommand(a.backupsListCommand(), a.backupsPruneCommand())
	return cmd
}

// backupJSON is one backup in the JSON output.
type backupJSON struct {
	ID        int64  `json:"id"`
	Version   string `json:"version"`
	Table     string `json:"table"`
	Copy      string `json:"copy"`
	Reason    string `json:"reason"`
	State     string `json:"state"`
	Rows      int64  `json:"rows"`
	Checksum  string `json:"checksum"`
	SizeBytes *int64 `json:"size_bytes"` // null when unknown
	CreatedAt string `json:"created_at"`
	CreatedBy string `json:"created_by"`
	Detail    string `json:"detail"`
}

func (a *app) backupJSON(e backup.Entry) backupJSON {
	b := backupJSON{ID: e.ID, Version: e.Version, Table: e.Source(), Copy: e.Copy(), Reason: string(e.Reason), State: string(e.State),
		Rows: e.Rows, Checksum: e.Checksum, CreatedAt: e.CreatedAt.UTC().Format(time.RFC3339), CreatedBy: e.By, Detail: a.displayDetail(e.Detail)}
	if e.Size >= 0 {
		size := e.Size
		b.SizeBytes = &size
	}
	return b
}

// backupsResult is the result of tide backups list.
type backupsResult struct {
	Backups []backupJSON `json:"backups"`
}

func (a *app) backupsListCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List the backups, oldest first",
		Long: `List the backups of the database, oldest first: the ID, the migration's
version it was taken for, the table, its rows and size, when and by whom,
and why (the marker, or the statement that would lose its rows). It
changes nothing, and creates nothing when no backup was ever taken.`,
		Example: `  tide backups list
  tide backups list --json | jq '.result.backups[] | select(.version == "20261122093000")'`,
		Args: cobra.NoArgs,
		RunE: a.runE(func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			db, d, err := a.open(ctx)
			if err != nil {
				return err
			}
			defer db.Close()
			entries, err := backup.List(ctx, d, db)
			if err != nil {
				return err
			}
			res := backupsResult{Backups: []backupJSON{}}
			for _, e := range entries {
				res.Backups = append(res.Backups, a.backupJSON(e))
			}
			a.result = res
			if a.flags.quiet || a.flags.json {
				return nil
			}
			if len(entries) == 0 {
				a.info("no backups")
				return nil
			}
			tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tVERSION\tTABLE\tROWS\tSIZE\tTAKEN\tBY\tWHY")
			for _, e := range entries {
				why := string(e.Reason)
				if e.Detail != "" {
					why += ": " + e.Detail
				}
				if e.State != backup.StateComplete {
					why += " (incomplete: the copy stopped)"
				}
				version := e.Version
				if version == "" {
					version = "-"
				}
				fmt.Fprintf(tw, "%d\t%s\t%s\t%d\t%s\t%s\t%s\t%s\n", e.ID, version, e.Source(), e.Rows, fmtSize(e.Size),
					e.CreatedAt.UTC().Format("2006-01-02 15:04:05"), e.By, a.displayDetail(why))
			}
			return tw.Flush()
		}),
	}
}

// displayDetail shows the path in a backup's detail ("DROP TABLE at
// 3_drop.sql:2", relative to the migrations folder) as the other commands
// show paths: with the folder.
func (a *app) displayDetail(s string) string {
	if a.dir == "" {
		a.dir = a.migrationsDir()
	}
	at := strings.LastIndex(s, " at ")
	if at < 0 {
		return s
	}
	where := s[at+len(" at "):]
	file, line, ok := strings.Cut(where, ":")
	if !ok {
		return s
	}
	return s[:at] + " at " + a.displayPath(file) + ":" + line
}

// fmtSize writes bytes for people: 812 B, 64 kB, 1.2 MB; "?" when unknown.
func fmtSize(n int64) string {
	switch {
	case n < 0:
		return "?"
	case n < 1000:
		return fmt.Sprintf("%d B", n)
	}
	units := []string{"kB", "MB", "GB", "TB"}
	v := float64(n) / 1000
	i := 0
	for v >= 1000 && i < len(units)-1 {
		v /= 1000
		i++
	}
	if v < 10 {
		return fmt.Sprintf("%.1f %s", v, units[i])
	}
	return fmt.Sprintf("%.0f %s", v, units[i])
}

// pruneResult is the result of tide backups prune.
type pruneResult struct {
	Removed []backupJSON `json:"removed"`
	DryRun  bool         `json:"dry_run"`
	Message string       `json:"message"`
}

func (a *app) backupsPruneCommand() *cobra.Command {
	var olderThan string
	var dryRun bool
	cmd := &cobra.Command{
		Use:   "prune --older-than AGE",
		Short: "Remove the backups older than an age",
		Long: `Remove the backups taken longer ago than AGE: their copies are dropped and
their manifest entries removed (SQLite's backup file is compacted). AGE
is a number and a unit: d (days), h, m or s, or a Go duration (7d, 12h,
36h, 90m, 1h30m). --dry-run lists what would go.`,
		Example: `  tide backups prune --older-than 7d
  tide backups prune --older-than 12h --dry-run`,
		Args: cobra.NoArgs,
		RunE: a.runE(func(cmd *cobra.Command, _ []string) error {
			age, err := parseAge(olderThan)
			if err != nil {
				return usageErrorf("--older-than: %v", err)
			}
			ctx := cmd.Context()
			db, d, err := a.open(ctx)
			if err != nil {
				return err
			}
			defer db.Close()
			removed, err := backup.Prune(ctx, d, db, backup.PruneOptions{OlderThan: age, Now: a.now(), DryRun: dryRun})
			res := pruneResult{Removed: []backupJSON{}, DryRun: dryRun}
			for _, e := range removed {
				res.Removed = append(res.Removed, a.backupJSON(e))
			}
			verb := "removed"
			if dryRun {
				verb = "would remove"
			}
			if err == nil {
				res.Message = fmt.Sprintf("%s %s older than %s", verb, plural(len(removed), "backup"), olderThan)
			}
			a.result = res
			if err != nil {
				return err
			}
			for _, e := range removed {
				a.info("%s backup %d of %s (version %s, %s)", verb, e.ID, e.Source(), orDash(e.Version), e.CreatedAt.UTC().Format("2006-01-02 15:04:05"))
			}
			a.info("%s", res.Message)
			return nil
		}),
	}
	cmd.Flags().StringVar(&olderThan, "older-than", "", "remove the backups taken longer ago than `AGE` (7d, 12h, 90m)")
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "list what would be removed, and remove nothing")
	_ = cmd.MarkFlagRequired("older-than")
	return cmd
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// parseAge reads an age: a Go duration (12h, 90m, 1h30m), or a number of
// days (7d, 1.5d).
func parseAge(s string) (time.Duration, error) {
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.ParseFloat(days, 64)
		if err != nil || n <= 0 || n > 100*365 {
			return 0, fmt.Errorf("%q is not an age: write it like 7d, 12h or 90m", s)
		}
		return time.Duration(n * float64(24*time.Hour)), nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("%q is not an age: write it like 7d, 12h or 90m", s)
	}
	return d, nil
}

// restoreTableJSON is one table tide restore put back.
type restoreTableJSON struct {
	Table    string   `json:"table"`
	Backup   int64    `json:"backup"`
	Rows     int64    `json:"rows"`
	Checksum string   `json:"checksum"`
	Replaced *int64   `json:"replaced_backup"` // the backup of the rows it replaced, or null
	Actions  []string `json:"actions"`
}

// restoreResult is the result of tide restore.
type restoreResult struct {
	Tables  []restoreTableJSON `json:"tables"`
	Message string             `json:"message"`
}

func (a *app) restoreCommand() *cobra.Command {
	var replace bool
	var ids []int64
	cmd := &cobra.Command{
		Use:   "restore (VERSION [TABLE...] | --id ID...)",
		Short: "Put back the tables backed up before a migration ran",
		Long: `Put back, as they were when tide backed them up before migration VERSION
ran, its tables (or only those named): columns, rows, keys, indexes,
checks, triggers, and the foreign keys of other tables that pointed at
them. Each restored table's rows are counted and checksummed against the
backup. On PostgreSQL and SQLite the restore is one transaction: all of it
or nothing; on MySQL, whose DDL commits at once, each step takes effect as
it runs, and a failure says which did. --id restores backups by their IDs
(tide backups list) instead.

A table that exists and holds rows is refused, and nothing is restored,
unless --replace: its rows are then copied first (a backup of its own,
listed as "replaced"), so that the restore can itself be undone with
tide restore --id. A table that exists empty is replaced without it. The
migration lock is held while it runs, so no tide up runs meanwhile.`,
		Example: `  tide restore 20261122093000                  # every table backed up before it ran
  tide restore 20261122093000 users --replace   # users still exists, without a dropped column
  tide restore --id 7                           # undo a replace: backup 7 holds the rows it replaced`,
		RunE: a.runE(func(cmd *cobra.Command, args []string) error {
			opts := backup.DefaultRestoreOptions()
			opts.Replace, opts.IDs = replace, ids
			switch {
			case len(ids) > 0 && len(args) > 0:
				return usageErrorf("give VERSION [TABLE...] or --id, not both")
			case len(ids) == 0 && len(args) == 0:
				return usageErrorf("give the VERSION whose backups to restore (tide backups list shows them), or --id")
			case len(args) > 0:
				opts.Version, opts.Tables = args[0], args[1:]
				if v, err := migration.ParseVersion(args[0]); err == nil {
					opts.Version = v.String()
				} else if !strings.HasPrefix(args[0], migration.RepeatablePrefix) {
					return usageErrorf("VERSION: %v", err)
				}
			}
			return a.restore(cmd.Context(), opts)
		}),
	}
	cmd.Flags().BoolVar(&replace, "replace", false, "replace tables that exist and hold rows (their rows are backed up first)")
	cmd.Flags().Int64SliceVar(&ids, "id", nil, "restore the backup with this `ID` (repeatable)")
	return cmd
}

// restore runs backup.Restore under the migration lock and says what it
// did, table by table.
func (a *app) restore(ctx context.Context, opts backup.RestoreOptions) error {
	db, d, err := a.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	r := a.newRenderer()
	opts.Events = event.Emitter{Observer: r.observe}
	conn, err := db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	defer conn.Close()
	f := &a.flags
	held, err := lock.Acquire(ctx, d, db, conn, f.table, lock.Options{
		Mode: f.lockMode, Wait: f.lockWait, TTL: f.lockTTL, Table: f.table + "_lock", Events: opts.Events,
	})
	if err != nil {
		r.stop()
		if errors.Is(err, lock.ErrTimeout) {
			return fmt.Errorf("%w; retry later or raise the lock wait", err)
		}
		return err
	}
	tables, err := backup.Restore(held.Context(), d, db, opts)
	err = errors.Join(err, held.Release(ctx))
	r.stop()
	res := restoreResult{Tables: []restoreTableJSON{}}
	for _, t := range tables {
		tj := restoreTableJSON{Table: t.Table, Backup: t.Backup, Rows: t.Rows, Checksum: t.Checksum, Actions: t.Actions}
		if t.Replaced != nil {
			id := t.Replaced.ID
			tj.Replaced = &id
		}
		res.Tables = append(res.Tables, tj)
	}
	if err == nil {
		res.Message = fmt.Sprintf("restored %s", plural(len(tables), "table"))
	}
	a.result = res
	if err != nil {
		return err
	}
	for _, t := range tables {
		a.info("restored %s from backup %d (%s, count and checksum verified):", t.Table, t.Backup, plural(int(t.Rows), "row"))
		for _, act := range t.Actions {
			a.info("  %s", act)
		}
	}
	a.info("%s", res.Message)
	return nil
}

// backupEvent renders the events of package backup; it reports whether e
// is one. It is called with r.mu held.
func (r *renderer) backupEvent(e tide.Event) bool {
	switch e := e.(type) {
	case backup.Started:
		r.line("  backing up %s into %s (%s)", e.Table, e.Copy, r.a.displayDetail(e.Detail))
		r.lastLine = time.Now()
	case backup.Progress:
		if time.Since(r.lastLine) >= time.Second {
			r.line("  backing up %s: %d of about %d rows", e.Table, e.Rows, e.Total)
			r.lastLine = time.Now()
		}
	case backup.Done:
		r.line("  backed up %s: %s, %s, in %s (backup %d)", e.Entry.Source(), plural(int(e.Entry.Rows), "row"), fmtSize(e.Entry.Size), fmtDuration(e.Duration), e.Entry.ID)
	case backup.Skipped, backup.Restored:
	default:
		return false
	}
	return true
}

// backupEventData is the data of the event line of a backup event; ok is
// false for other events.
func (a *app) backupEventData(e event.Event) (any, bool) {
	switch e := e.(type) {
	case backup.Started:
		return struct {
			Version string `json:"version"`
			Table   string `json:"table"`
			Copy    string `json:"copy"`
			Reason  string `json:"reason"`
			Detail  string `json:"detail"`
		}{e.Version, e.Table, e.Copy, string(e.Reason), a.displayDetail(e.Detail)}, true
	case backup.Progress:
		return struct {
			Table string `json:"table"`
			Rows  int64  `json:"rows"`
			Total int64  `json:"total"`
		}{e.Table, e.Rows, e.Total}, true
	case backup.Done:
		return struct {
			backupJSON
			DurationMS int64 `json:"duration_ms"`
		}{a.backupJSON(e.Entry), e.Duration.Milliseconds()}, true
	case backup.Skipped:
		return struct {
			Version string `json:"version"`
			Table   string `json:"table"`
			Detail  string `json:"detail"`
		}{e.Version, e.Table, a.displayDetail(e.Detail)}, true
	case backup.Restored:
		return struct {
			Table   string   `json:"table"`
			Backup  int64    `json:"backup"`
			Rows    int64    `json:"rows"`
			Actions []string `json:"actions"`
		}{e.Table.Table, e.Backup.ID, e.Table.Rows, e.Table.Actions}, true
	}
	return nil, false
}

// The codes of backup errors in the JSON output.
const (
	codeRestoreRefused    = "restore_refused"
	codeBackupDamaged     = "backup_damaged"
	codeNoBackup          = "no_backup"
	codeRestoreIncomplete = "restore_incomplete"
	codeBackupUnsupported = "backup_unsupported"
	codeNoTable           = "backup_no_table"
)

// backupCode returns the code of a backup error, or "".
func backupCode(e error) string {
	switch {
	case errorIs[*backup.RefusedError](e):
		return codeRestoreRefused
	case errorIs[*backup.DamagedError](e):
		return codeBackupDamaged
	case errorIs[*backup.NoBackupError](e):
		return codeNoBackup
	case errorIs[*backup.RestoreError](e):
		return codeRestoreIncomplete
	case errorIs[*backup.UnsupportedError](e):
		return codeBackupUnsupported
	case errorIs[*backup.NoTableError](e):
		return codeNoTable
	}
	return ""
}

func errorIs[T error](e error) bool {
	_, ok := errors.AsType[T](e)
	return ok
}
