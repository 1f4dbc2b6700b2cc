package backup

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/tidemigrate/tide/dialect"
	"github.com/tidemigrate/tide/internal/timestamp"
)

// ManifestTable is the table in the backup space that lists the backups.
const ManifestTable = "manifest"

// Reason says why a backup was taken.
type Reason string

// The reasons for a backup.
const (
	// ReasonMarker: a "-- +tide backup" marker of the migration named it.
	ReasonMarker Reason = "marker"
	// ReasonAuto: the migration drops, truncates or empties the table, or
	// drops columns from it.
	ReasonAuto Reason = "auto"
	// ReasonManual: a program or a person asked for it ([Take]).
	ReasonManual Reason = "manual"
	// ReasonReplaced: [Restore] copied the table it replaced, so that the
	// restore can be undone.
	ReasonReplaced Reason = "replaced"
)

// State says whether a backup is whole.
type State string

// The states of a backup.
const (
	// StateCopying: the copy has not finished (or stopped). Such a
	// backup is never restored; [Prune] removes it.
	StateCopying State = "copying"
	// StateComplete: the copy is whole, with its count and checksum.
	StateComplete State = "complete"
)

// Entry is one backup: a row of the manifest.
type Entry struct {
	ID int64
	// Version is the migration's version it was taken for ("" when taken
	// by hand).
	Version string
	// Database is the database it belongs to (MySQL keeps the backups of
	// every database of a server in one place).
	Database string
	// Schema and Table name the table copied, as the catalog spells them.
	Schema, Table string
	// Space and BackupTable name the copy.
	Space, BackupTable string
	Reason             Reason
	State              State
	Rows               int64
	// Checksum is the sum of a hash of each row, as [Copier.Checksum]
	// computes it.
	Checksum string
	// Size is the bytes the copy takes on disk; -1 when unknown.
	Size      int64
	CreatedAt time.Time
	// By is who took it: user@host.
	By string
	// Detail says what asked for it: "DROP TABLE at migrations/3_x.sql:4".
	Detail string
	// Definition is the table as it was, to create it again.
	Definition *Definition
}

// Copy names the copy: "tide_backup.users_3".
func (e Entry) Copy() string { return e.Space + "." + e.BackupTable }

// Source names the table copied: "public.users".
func (e Entry) Source() string { return e.Schema + "." + e.Table }

// manifestColumns describes the manifest, its first column the key.
var manifestColumns = []dialect.Column{
	{Name: "id", Type: dialect.BigInt},
	{Name: "database_name", Type: dialect.ShortText},
	{Name: "version", Type: dialect.ShortText},
	{Name: "schema_name", Type: dialect.ShortText},
	{Name: "table_name", Type: dialect.ShortText},
	{Name: "backup_table", Type: dialect.ShortText},
	{Name: "reason", Type: dialect.ShortText},
	{Name: "state", Type: dialect.ShortText},
	{Name: "row_count", Type: dialect.BigInt},
	{Name: "checksum", Type: dialect.ShortText},
	{Name: "size_bytes", Type: dialect.BigInt},
	{Name: "created_at", Type: dialect.Timestamp},
	{Name: "created_by", Type: dialect.ShortText},
	{Name: "detail", Type: dialect.LongText, Null: true},
	{Name: "definition", Type: dialect.LongText, Null: true},
}

// manifest reads and writes the manifest of one backup space.
type manifest struct {
	d     dialect.Dialect
	space string
	table string // quoted
	cols  string // the quoted column list
}

func newManifest(d dialect.Dialect, space string) *manifest {
	names := make([]string, len(manifestColumns))
	for i, c := range manifestColumns {
		names[i] = d.QuoteIdent(c.Name)
	}
	return &manifest{d: d, space: space, table: d.QuoteIdent(space + "." + ManifestTable), cols: strings.Join(names, ", ")}
}

// ensure creates the manifest if it does not exist.
func (m *manifest) ensure(ctx context.Context, q dialect.Querier) error {
	if _, err := q.ExecContext(ctx, dialect.CreateTable(m.d, m.table, manifestColumns, 1)); err != nil {
		// Created at the same moment by another session?
		if ok, lerr := m.d.TableExists(ctx, q, m.space+"."+ManifestTable); lerr != nil || !ok {
			return fmt.Errorf("create the backup manifest %s.%s: %w", m.space, ManifestTable, err)
		}
	}
	return nil
}

// exists reports whether the manifest exists.
func (m *manifest) exists(ctx context.Context, q dialect.Querier) (bool, error) {
	ok, err := m.d.TableExists(ctx, q, m.space+"."+ManifestTable)
	if err != nil {
		return false, fmt.Errorf("read the backup manifest: %w", err)
	}
	return ok, nil
}

// insert records e (its ID unset) with the next free ID, which it sets.
func (m *manifest) insert(ctx context.Context, q dialect.Querier, e *Entry) error {
	def, err := encodeDefinition(e.Definition)
	if err != nil {
		return err
	}
	ph := make([]string, len(manifestColumns))
	for i := range ph {
		ph[i] = m.d.Placeholder(i + 1)
	}
	insert := "INSERT INTO " + m.table + " (" + m.cols + ") VALUES (" + strings.Join(ph, ", ") + ")"
	var lastErr error
	// Two sessions may take the same next ID: the second insert fails on
	// the key and tries the one after.
	for range 5 {
		var id int64
		if err := q.QueryRowContext(ctx, "SELECT COALESCE(MAX("+m.d.QuoteIdent("id")+"), 0) + 1 FROM "+m.table).Scan(&id); err != nil {
			return fmt.Errorf("record the backup: %w", err)
		}
		e.BackupTable = backupTableName(e.Table, id)
		_, lastErr = q.ExecContext(ctx, insert, id, e.Database, e.Version, e.Schema, e.Table, e.BackupTable,
			string(e.Reason), string(e.State), e.Rows, e.Checksum, e.Size, dbTime(e.CreatedAt), e.By, nullString(e.Detail), def)
		if lastErr == nil {
			e.ID = id
			return nil
		}
	}
	return fmt.Errorf("record the backup: %w", lastErr)
}

// complete records that the copy of e is whole.
func (m *manifest) complete(ctx context.Context, q dialect.Querier, e *Entry) error {
	q1 := func(n int) string { return m.d.Placeholder(n) }
	_, err := q.ExecContext(ctx, "UPDATE "+m.table+" SET "+m.d.QuoteIdent("state")+" = "+q1(1)+", "+m.d.QuoteIdent("row_count")+" = "+q1(2)+", "+
		m.d.QuoteIdent("checksum")+" = "+q1(3)+", "+m.d.QuoteIdent("size_bytes")+" = "+q1(4)+" WHERE "+m.d.QuoteIdent("id")+" = "+q1(5),
		string(StateComplete), e.Rows, e.Checksum, e.Size, e.ID)
	if err != nil {
		return fmt.Errorf("record the backup of %s: %w", e.Source(), err)
	}
	e.State = StateComplete
	return nil
}

// remove deletes the entry id.
func (m *manifest) remove(ctx context.Context, q dialect.Querier, id int64) error {
	if _, err := q.ExecContext(ctx, "DELETE FROM "+m.table+" WHERE "+m.d.QuoteIdent("id")+" = "+m.d.Placeholder(1), id); err != nil {
		return fmt.Errorf("remove backup %d from the manifest: %w", id, err)
	}
	return nil
}

// list returns the entries of database, oldest first.
func (m *manifest) list(ctx context.Context, q dialect.Querier, database string) ([]Entry, error) {
	rows, err := q.QueryContext(ctx, "SELECT "+m.cols+" FROM "+m.table+" WHERE "+m.d.QuoteIdent("database_name")+" = "+m.d.Placeholder(1)+
		" ORDER BY "+m.d.QuoteIdent("id"), database)
	if err != nil {
		return nil, fmt.Errorf("read the backup manifest: %w", err)
	}
	defer rows.Close()
	var out []Entry
	for rows.Next() {
		e := Entry{Space: m.space}
		var reason, state string
		var created any
		var detail, def sql.NullString
		if err := rows.Scan(&e.ID, &e.Database, &e.Version, &e.Schema, &e.Table, &e.BackupTable, &reason, &state,
			&e.Rows, &e.Checksum, &e.Size, &created, &e.By, &detail, &def); err != nil {
			return nil, fmt.Errorf("read the backup manifest: %w", err)
		}
		e.Reason, e.State, e.Detail = Reason(reason), State(state), detail.String
		if e.CreatedAt, err = scanTime(created); err != nil {
			return nil, fmt.Errorf("read backup %d: %w", e.ID, err)
		}
		if def.Valid && def.String != "" {
			if e.Definition, err = decodeDefinition(def.String); err != nil {
				return nil, fmt.Errorf("read backup %d: %w", e.ID, err)
			}
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read the backup manifest: %w", err)
	}
	return out, nil
}

// backupTableName names the copy of table in backup id: the table's name,
// cut to leave room under every database's limit on names (63 bytes),
// and the ID.
func backupTableName(table string, id int64) string {
	const keep = 40
	if len(table) > keep {
		cut := keep
		for cut > 0 && table[cut]&0xC0 == 0x80 { // not inside a UTF-8 sequence
			cut--
		}
		table = table[:cut]
	}
	return fmt.Sprintf("%s_%d", table, id)
}

func nullString(s string) sql.NullString { return sql.NullString{String: s, Valid: s != ""} }

// dbTime is t as stored: UTC, in microseconds, which every database keeps.
func dbTime(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// scanTime reads a timestamp as drivers return it: time.Time, or text
// (MySQL without parseTime, SQLite).
func scanTime(v any) (time.Time, error) {
	switch t := v.(type) {
	case time.Time:
		return t.UTC(), nil
	case []byte:
		return timestamp.Parse(string(t))
	case string:
		return timestamp.Parse(t)
	case nil:
		return time.Time{}, nil
	}
	return time.Time{}, fmt.Errorf("unexpected timestamp type %T", v)
}

func encodeDefinition(d *Definition) (sql.NullString, error) {
	if d == nil {
		return sql.NullString{}, nil
	}
	b, err := json.Marshal(d)
	if err != nil {
		return sql.NullString{}, fmt.Errorf("encode the table's definition: %w", err)
	}
	return sql.NullString{String: string(b), Valid: true}, nil
}

func decodeDefinition(s string) (*Definition, error) {
	var d Definition
	if err := json.Unmarshal([]byte(s), &d); err != nil {
		return nil, fmt.Errorf("decode the table's definition: %w", err)
	}
	if d.Table == nil {
		return nil, errors.New("the recorded definition has no table")
	}
	return &d, nil
}
