package history

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/tidemigrate/tide/dialect"
)

// Brief is the part of a record that says whether the migration it
// records is applied as its file is now.
type Brief struct {
	Key      string // the version, or R__<name> (see [Record.Key])
	Applied  bool   // the state is [StateApplied]
	Checksum string // the checksum, when Applied
}

// Briefs returns the brief of every record, in no particular order, in one
// statement that reads two columns of each row: enough to tell that a run
// has nothing to do, and cheaper than [Store.List] over a long history.
//
// ok is false, with no error, when q is a transaction, when the version
// table is empty, and when the tables are not at the current schema
// (missing, older or newer): [Store.List] then says what they hold. The
// error is one of the database or of reading a row.
func (s *Store) Briefs(ctx context.Context, q dialect.Querier) (briefs []Brief, ok bool, err error) {
	if !direct(q) {
		return nil, false, nil // a failed statement would abort the transaction
	}
	rows, err := q.QueryContext(ctx, s.sql.listBriefs)
	if err != nil {
		return nil, false, nil // tables missing or of another schema: List tells
	}
	defer rows.Close()
	for rows.Next() {
		var key string
		var checksum sql.NullString
		if err := rows.Scan(&key, &checksum); err != nil {
			return nil, false, fmt.Errorf("read version table %s: %w", s.table, err)
		}
		briefs = append(briefs, Brief{Key: key, Applied: checksum.Valid, Checksum: checksum.String})
	}
	if err := rows.Err(); err != nil {
		return nil, false, fmt.Errorf("read version table %s: %w", s.table, err)
	}
	return briefs, len(briefs) > 0, nil
}
