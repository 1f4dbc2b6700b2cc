package backup

import (
	"log/slog"
	"time"
)

// Started is reported when the copy of a table begins.
type Started struct {
	Version string // the migration's version; "" for a backup taken by hand
	Table   string // the table copied: "public.users"
	Copy    string // where it goes: "tide_backup.users_3"
	Reason  Reason
	Detail  string // what asked for it
}

// Progress is reported while a big table is copied, after each range of
// keys: Rows of about Total are done.
type Progress struct {
	Table       string
	Rows, Total int64
}

// Done is reported when a table's copy is whole and recorded.
type Done struct {
	Entry    Entry
	Duration time.Duration
}

// Skipped is reported for a table an automatic backup would copy that
// does not exist (yet): the migration creates it, or it was dropped.
type Skipped struct {
	Version string
	Table   string // as written in the migration
	Detail  string // what would have asked for it
}

// Restored is reported when a table is back as it was, its rows
// verified.
type Restored struct {
	Table  RestoredTable
	Backup Entry
}

// Kind returns "backup_started".
func (Started) Kind() string { return "backup_started" }

// Kind returns "backup_progress".
func (Progress) Kind() string { return "backup_progress" }

// Kind returns "backup_done".
func (Done) Kind() string { return "backup_done" }

// Kind returns "backup_skipped".
func (Skipped) Kind() string { return "backup_skipped" }

// Kind returns "table_restored".
func (Restored) Kind() string { return "table_restored" }

// LogRecord describes the event to a logger.
func (e Started) LogRecord() (slog.Level, string, []slog.Attr) {
	return slog.LevelInfo, "backup started", []slog.Attr{slog.String("version", e.Version), slog.String("table", e.Table),
		slog.String("copy", e.Copy), slog.String("reason", string(e.Reason)), slog.String("detail", e.Detail)}
}

// LogRecord describes the event to a logger.
func (e Progress) LogRecord() (slog.Level, string, []slog.Attr) {
	return slog.LevelDebug, "backup progress", []slog.Attr{slog.String("table", e.Table), slog.Int64("rows", e.Rows), slog.Int64("total", e.Total)}
}

// LogRecord describes the event to a logger.
func (e Done) LogRecord() (slog.Level, string, []slog.Attr) {
	return slog.LevelInfo, "backup done", []slog.Attr{slog.Int64("id", e.Entry.ID), slog.String("table", e.Entry.Source()),
		slog.String("copy", e.Entry.Copy()), slog.Int64("rows", e.Entry.Rows), slog.Int64("size", e.Entry.Size), slog.Duration("duration", e.Duration)}
}

// LogRecord describes the event to a logger.
func (e Skipped) LogRecord() (slog.Level, string, []slog.Attr) {
	return slog.LevelDebug, "backup skipped: no such table", []slog.Attr{slog.String("version", e.Version), slog.String("table", e.Table), slog.String("detail", e.Detail)}
}

// LogRecord describes the event to a logger.
func (e Restored) LogRecord() (slog.Level, string, []slog.Attr) {
	return slog.LevelInfo, "table restored", []slog.Attr{slog.String("table", e.Table.Table), slog.Int64("backup", e.Backup.ID),
		slog.Int64("rows", e.Table.Rows), slog.Any("did", e.Table.Actions)}
}
