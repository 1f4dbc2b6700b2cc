package history

import (
	"time"

	"github.com/tidemigrate/tide/dialect"
	"github.com/tidemigrate/tide/migration"
)

// SchemaVersion is the newest layout of the version table that this
// package knows, reads and writes. [Store.Ensure] upgrades older tables to
// it.
const SchemaVersion = 2

// The columns that the store's statements name, beyond the plain ones.
const (
	colVersion     = "version"
	colKind        = "kind"
	colState       = "state"
	colChecksum    = "checksum"
	colAppliedAt   = "applied_at"
	colAppliedBy   = "applied_by"
	colAdoptedFrom = "adopted_from"
	colSeq         = "seq"
	colStatements  = "statements"
)

// column is one column of the version table: its portable description,
// the schema version that added it, and how it maps to a [Record].
type column struct {
	dialect.Column
	since int // the schema version that added the column
	// get returns the value that Insert and Update write; nil for a
	// column they do not take from the Record (seq, statements).
	get func(r *Record) any
	// set fills r from the value List read (zero for NULL); nil for a
	// column List does not read (statements).
	set func(r *Record, v value) error
}

// value is a column's value as read: s for text, n for integers, t for
// timestamps.
type value struct {
	s string
	n int64
	t time.Time
}

// columns describes the version table, the first column its primary key.
// A schema version only ever adds columns, at the end; each added column
// has a default or allows NULL, so that ALTER TABLE can add it to the rows
// already there. The DDL, the column lists of every statement and the
// upgrades all come from here.
var columns = []column{
	{Column: dialect.Column{Name: colVersion, Type: dialect.KeyText}, since: 1,
		get: func(r *Record) any { return r.Key },
		set: func(r *Record, v value) error {
			r.Key = v.s
			if r.Repeatable() {
				return nil
			}
			var err error
			r.Version, err = migration.ParseVersion(v.s)
			return err
		}},
	{Column: dialect.Column{Name: "name", Type: dialect.ShortText}, since: 1,
		get: func(r *Record) any { return r.Name },
		set: func(r *Record, v value) error { r.Name = v.s; return nil }},
	{Column: dialect.Column{Name: colKind, Type: dialect.ShortText}, since: 1,
		get: func(r *Record) any { return string(r.Kind) },
		set: func(r *Record, v value) error { r.Kind = Kind(v.s); return nil }},
	{Column: dialect.Column{Name: colChecksum, Type: dialect.ShortText}, since: 1,
		get: func(r *Record) any { return r.Checksum },
		set: func(r *Record, v value) error { r.Checksum = v.s; return nil }},
	{Column: dialect.Column{Name: colState, Type: dialect.ShortText}, since: 1,
		get: func(r *Record) any { return string(r.State) },
		set: func(r *Record, v value) error { r.State = State(v.s); return nil }},
	{Column: dialect.Column{Name: "direction", Type: dialect.ShortText}, since: 1,
		get: func(r *Record) any { return string(r.Direction) },
		set: func(r *Record, v value) error { r.Direction = migration.Direction(v.s); return nil }},
	{Column: dialect.Column{Name: "statements_done", Type: dialect.Integer}, since: 1,
		get: func(r *Record) any { return int64(r.Done) },
		set: func(r *Record, v value) error { r.Done = int(v.n); return nil }},
	{Column: dialect.Column{Name: "progress_checksum", Type: dialect.ShortText}, since: 1,
		get: func(r *Record) any { return r.ProgressChecksum },
		set: func(r *Record, v value) error { r.ProgressChecksum = v.s; return nil }},
	{Column: dialect.Column{Name: "error", Type: dialect.LongText}, since: 1,
		get: func(r *Record) any { return r.Error },
		set: func(r *Record, v value) error { r.Error = v.s; return nil }},
	{Column: dialect.Column{Name: colAppliedAt, Type: dialect.Timestamp}, since: 1,
		get: func(r *Record) any { return dbTime(r.AppliedAt) },
		set: func(r *Record, v value) error { r.AppliedAt = v.t; return nil }},
	{Column: dialect.Column{Name: "execution_ms", Type: dialect.BigInt}, since: 1,
		get: func(r *Record) any { return r.Duration.Milliseconds() },
		set: func(r *Record, v value) error { r.Duration = time.Duration(v.n) * time.Millisecond; return nil }},
	{Column: dialect.Column{Name: colAppliedBy, Type: dialect.ShortText}, since: 1,
		get: func(r *Record) any { return r.AppliedBy },
		set: func(r *Record, v value) error { r.AppliedBy = v.s; return nil }},
	{Column: dialect.Column{Name: "applied_host", Type: dialect.ShortText}, since: 1,
		get: func(r *Record) any { return r.AppliedHost },
		set: func(r *Record, v value) error { r.AppliedHost = v.s; return nil }},

	{Column: dialect.Column{Name: colAdoptedFrom, Type: dialect.ShortText, Default: "''"}, since: 2,
		get: func(r *Record) any { return r.AdoptedFrom },
		set: func(r *Record, v value) error { r.AdoptedFrom = v.s; return nil }},
	{Column: dialect.Column{Name: colSeq, Type: dialect.BigInt, Default: "0"}, since: 2,
		set: func(r *Record, v value) error { r.Seq = v.n; return nil }},
	{Column: dialect.Column{Name: "repaired_at", Type: dialect.Timestamp, Null: true}, since: 2,
		get: func(r *Record) any {
			if r.RepairedAt.IsZero() {
				return nil
			}
			return dbTime(r.RepairedAt)
		},
		set: func(r *Record, v value) error { r.RepairedAt = v.t; return nil }},
	{Column: dialect.Column{Name: "repaired_by", Type: dialect.ShortText, Null: true}, since: 2,
		get: func(r *Record) any { return nullString(r.RepairedBy) },
		set: func(r *Record, v value) error { r.RepairedBy = v.s; return nil }},
	{Column: dialect.Column{Name: "repair", Type: dialect.LongText, Null: true}, since: 2,
		get: func(r *Record) any { return nullString(r.Repair) },
		set: func(r *Record, v value) error { r.Repair = v.s; return nil }},
	{Column: dialect.Column{Name: "cause", Type: dialect.ShortText, Default: "''"}, since: 2,
		get: func(r *Record) any { return r.Cause },
		set: func(r *Record, v value) error { r.Cause = v.s; return nil }},
	{Column: dialect.Column{Name: "intent", Type: dialect.ShortText, Default: "''"}, since: 2,
		get: func(r *Record) any { return r.Intent },
		set: func(r *Record, v value) error { r.Intent = v.s; return nil }},
	// statements holds the JSON of [Statements]: large, so List does not
	// read it; see Store.SetStatements and Store.Statements.
	{Column: dialect.Column{Name: colStatements, Type: dialect.LongText, Null: true}, since: 2},
}

// metaColumns describes the companion table <table>_meta: one row per
// setting, today only schema_version.
var metaColumns = []dialect.Column{
	{Name: "name", Type: dialect.KeyText},
	{Name: "value", Type: dialect.ShortText},
}

// metaSchemaVersion names the row of the meta table that holds the
// schema version of the tables, in decimal.
const metaSchemaVersion = "schema_version"

// columnsAt returns the columns that the version table has at schema
// version v.
func columnsAt(v int) []column {
	var cols []column
	for _, c := range columns {
		if c.since <= v {
			cols = append(cols, c)
		}
	}
	return cols
}

// nullString is s, or NULL when s is empty.
func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}
