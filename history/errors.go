package history

import (
	"errors"
	"fmt"
)

// ErrNotFound is returned, wrapped, by [Store.Update] and
// [Store.SetStatements] when no record has the key.
var ErrNotFound = errors.New("history: no such record")

// NewerSchemaError is returned by [Store.Ensure] and [Store.List] when the
// tables record a schema version newer than [SchemaVersion]: a newer tide
// upgraded them. This code never downgrades them, nor reads them, since it
// cannot know what their new columns mean.
type NewerSchemaError struct {
	Table  string // the version table, as configured
	Schema int    // the schema version recorded in the database
	Known  int    // the newest schema version this code knows: SchemaVersion
}

// Error says which tide to run.
func (e *NewerSchemaError) Error() string {
	return fmt.Sprintf("history: the version table %s was upgraded by a newer tide (schema %d); this tide knows schema %d: upgrade tide",
		e.Table, e.Schema, e.Known)
}
