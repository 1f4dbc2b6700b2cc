package backup

import (
	"fmt"
	"strings"
)

// UnsupportedError reports a dialect that lacks what backups need.
type UnsupportedError struct {
	Dialect string // the database's title: "PostgreSQL"
	What    string // "table backups"
}

func (e *UnsupportedError) Error() string {
	return "backup: " + e.What + " are not supported on " + e.Dialect
}

// NoTableError reports a table to back up that does not exist.
type NoTableError struct {
	Table  string // as written
	Detail string // what asked for it
}

func (e *NoTableError) Error() string {
	msg := fmt.Sprintf("backup: table %s does not exist", e.Table)
	if e.Detail != "" {
		msg += " (" + e.Detail + ")"
	}
	return msg + ": check the name, or leave it out"
}

// RefusedError is returned by [Restore] when tables to restore exist and
// hold rows, and the options do not say to replace them: nothing was
// changed.
type RefusedError struct {
	Tables []HeldTable
}

func (e *RefusedError) Error() string {
	parts := make([]string, len(e.Tables))
	for i, t := range e.Tables {
		parts[i] = fmt.Sprintf("%s (%s)", t.Table, plural(t.Rows, "row"))
	}
	if len(parts) == 1 {
		return "restore: " + parts[0] + " exists and holds rows: nothing was restored. " +
			"To replace it with the backup, pass --replace (RestoreOptions.Replace): its rows are backed up first, so that the restore can be undone"
	}
	return "restore: " + strings.Join(parts, ", ") + " exist and hold rows: nothing was restored. " +
		"To replace them with the backup, pass --replace (RestoreOptions.Replace): their rows are backed up first, so that the restore can be undone"
}

// DamagedError is returned by [Restore] when a backup's copy does not
// hold what the manifest recorded: nothing was changed.
type DamagedError struct {
	Backup  Entry
	Problem string
}

func (e *DamagedError) Error() string {
	return fmt.Sprintf("restore: backup %d of %s cannot be trusted: %s; nothing was restored", e.Backup.ID, e.Backup.Source(), e.Problem)
}

// NoBackupError is returned by [Restore] when no backup matches.
type NoBackupError struct {
	Version string
	Table   string  // the table asked for, when one was
	IDs     []int64 // the IDs asked for, when they were
}

func (e *NoBackupError) Error() string {
	switch {
	case len(e.IDs) > 0:
		return fmt.Sprintf("restore: no backup has ID %d (tide backups list shows them)", e.IDs[0])
	case e.Table != "":
		return fmt.Sprintf("restore: no backup of %s was taken for version %s (tide backups list shows them)", e.Table, e.Version)
	}
	return fmt.Sprintf("restore: no backup was taken for version %s (tide backups list shows them)", e.Version)
}

// RestoreError is returned by [Restore] on MySQL, whose DDL commits as it
// runs, when a step failed: Tables says what took effect before.
type RestoreError struct {
	Tables []RestoredTable
	Err    error
}

func (e *RestoreError) Error() string {
	var done []string
	for _, t := range e.Tables {
		if len(t.Actions) > 0 {
			done = append(done, t.Table+": "+strings.Join(t.Actions, ", "))
		}
	}
	msg := "restore: " + e.Err.Error()
	if len(done) == 0 {
		return msg + " (nothing had changed)"
	}
	return msg + " (what took effect before: " + strings.Join(done, "; ") + ")"
}

// Unwrap returns the failure.
func (e *RestoreError) Unwrap() error { return e.Err }
