package history

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tidemigrate/tide/dialect"
	"github.com/tidemigrate/tide/migration"
)

// Schema returns the schema version of the tables in the database: 0 when
// the version table does not exist; 1 for a version table that a tide
// before schema versions created (it has no meta table); else the version
// recorded in the meta table, which may be newer than [SchemaVersion].
//
// On a *sql.DB or *sql.Conn it costs one statement when the tables exist;
// otherwise it looks them up in the catalog first (up to three statements).
func (s *Store) Schema(ctx context.Context, q dialect.Querier) (int, error) {
	var text string
	if direct(q) {
		if err := q.QueryRowContext(ctx, s.sql.readSchema).Scan(&text); err == nil {
			return s.parseSchema(text)
		}
		// A table is missing, or the meta table has no schema version yet:
		// find out which.
	}
	ok, err := s.Exists(ctx, q)
	if err != nil || !ok {
		return 0, err
	}
	if ok, err := s.d.TableExists(ctx, q, s.meta); err != nil {
		return 0, fmt.Errorf("read version table %s: %w", s.table, err)
	} else if !ok {
		return 1, nil
	}
	switch err := q.QueryRowContext(ctx, s.sql.readSchemaMeta).Scan(&text); {
	case errors.Is(err, sql.ErrNoRows):
		return 1, nil // an upgrade from schema 1 was interrupted before it recorded its end
	case err != nil:
		return 0, fmt.Errorf("read version table %s: %w", s.table, err)
	}
	return s.parseSchema(text)
}

// parseSchema reads the schema version recorded in the meta table.
func (s *Store) parseSchema(text string) (int, error) {
	v, err := parseSchema(text)
	if err != nil {
		return 0, fmt.Errorf("read version table %s: %w", s.table, err)
	}
	return v, nil
}

func parseSchema(text string) (int, error) {
	v, err := strconv.Atoi(strings.TrimSpace(text))
	if err != nil || v < 1 {
		return 0, fmt.Errorf("bad %s %q in the meta table", metaSchemaVersion, text)
	}
	return v, nil
}

// Ensure creates the version table and its meta table if they are
// missing, or upgrades them in place to [SchemaVersion], keeping every
// record; it does nothing when they are up to date (one statement on a
// *sql.DB or *sql.Conn, see [Store.Schema]). It refuses, with a
// [*NewerSchemaError], tables that a newer tide upgraded.
//
// The caller holds the migration lock, so that one migrator upgrades.
// Migrators that race to create the tables before any lock exists are
// tolerated: the one whose CREATE TABLE loses (PostgreSQL reports a
// duplicate type) finds the tables made and returns nil.
//
// Where DDL is transactional (PostgreSQL, SQLite), Ensure runs in one
// transaction: its own when q is a *sql.DB or *sql.Conn, q's when q is a
// *sql.Tx. On MySQL, whose DDL commits as it goes, each step is
// idempotent, so that an interrupted upgrade completes on the next run;
// its DDL also commits any transaction open on q.
func (s *Store) Ensure(ctx context.Context, q dialect.Querier) error {
	from, err := s.Schema(ctx, q)
	switch {
	case err != nil:
		return err
	case from == SchemaVersion:
		return nil
	case from > SchemaVersion:
		return &NewerSchemaError{Table: s.table, Schema: from, Known: SchemaVersion}
	}
	err = s.upgrade(ctx, q, from)
	if err == nil {
		return nil
	}
	if now, serr := s.Schema(ctx, q); serr == nil && now == SchemaVersion {
		return nil // another migrator did it
	}
	if from == 0 {
		return fmt.Errorf("create version table %s: %w", s.table, err)
	}
	return fmt.Errorf("upgrade version table %s from schema %d to %d: %w", s.table, from, SchemaVersion, err)
}

// upgrade brings the tables from schema version from (0: none) to the
// current one, in a transaction where DDL is transactional.
func (s *Store) upgrade(ctx context.Context, q dialect.Querier, from int) error {
	b, ok := q.(interface {
		BeginTx(context.Context, *sql.TxOptions) (*sql.Tx, error)
	})
	if ic, commits := s.d.(dialect.ImplicitCommitter); !ok || commits && ic.CommitsImplicitly(s.sql.createTable) {
		return s.upgradeSteps(ctx, q, from)
	}
	tx, err := b.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := s.upgradeSteps(ctx, tx, from); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}

// upgradeSteps creates what is missing and converts the rows. Every step
// is idempotent, and the schema version is recorded last, so that on
// MySQL a run interrupted anywhere is completed by the next one. It also
// repairs a table that a concurrent older tide created.
func (s *Store) upgradeSteps(ctx context.Context, q dialect.Querier, from int) error {
	if _, err := q.ExecContext(ctx, s.sql.createTable); err != nil {
		return err
	}
	have, err := s.columnNames(ctx, q)
	if err != nil {
		return err
	}
	for _, c := range columns {
		if !have[strings.ToLower(c.Name)] {
			if _, err := q.ExecContext(ctx, dialect.AddColumn(s.d, s.sql.qTable, c.Column)); err != nil {
				return fmt.Errorf("add column %s: %w", c.Name, err)
			}
		}
	}
	for _, u := range conversions {
		if u.to > from {
			if err := u.run(ctx, s, q); err != nil {
				return fmt.Errorf("convert the records to schema %d: %w", u.to, err)
			}
		}
	}
	if _, err := q.ExecContext(ctx, s.sql.createMeta); err != nil {
		return fmt.Errorf("create %s: %w", s.meta, err)
	}
	return s.writeSchema(ctx, q)
}

// columnNames returns the names of the version table's columns, in lower
// case.
func (s *Store) columnNames(ctx context.Context, q dialect.Querier) (map[string]bool, error) {
	var cols []string
	if l, ok := s.d.(dialect.ColumnLister); ok {
		var err error
		if cols, err = l.Columns(ctx, q, s.table); err != nil {
			return nil, err
		}
	} else {
		rows, err := q.QueryContext(ctx, "SELECT * FROM "+s.sql.qTable+" WHERE 1 = 0")
		if err != nil {
			return nil, err
		}
		cols, err = rows.Columns()
		rows.Close()
		if err != nil {
			return nil, err
		}
	}
	have := make(map[string]bool, len(cols))
	for _, c := range cols {
		have[strings.ToLower(c)] = true
	}
	return have, nil
}

// writeSchema records SchemaVersion in the meta table.
func (s *Store) writeSchema(ctx context.Context, q dialect.Querier) error {
	v := strconv.Itoa(SchemaVersion)
	res, err := q.ExecContext(ctx, s.sql.writeSchema, v, metaSchemaVersion)
	if err != nil {
		return fmt.Errorf("record the schema version in %s: %w", s.meta, err)
	}
	if n, err := res.RowsAffected(); err == nil && n > 0 {
		return nil
	}
	// No row, or (MySQL counts changed rows) the same value.
	var text string
	switch err := q.QueryRowContext(ctx, s.sql.readSchemaMeta).Scan(&text); {
	case err == nil:
		return nil
	case !errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("record the schema version in %s: %w", s.meta, err)
	}
	if _, err := q.ExecContext(ctx, s.sql.addSchema, metaSchemaVersion, v); err != nil {
		return fmt.Errorf("record the schema version in %s: %w", s.meta, err)
	}
	return nil
}

// conversions change the rows of the version table for each schema
// version, after its columns were added. Each is idempotent.
var conversions = []struct {
	to  int
	run func(ctx context.Context, s *Store, q dialect.Querier) error
}{
	{2, toSchema2},
}

// seqBatch is how many records one statement of toSchema2 numbers.
const seqBatch = 500

// toSchema2 moves the tool of adopted records from applied_by
// ("goose (adopted by alice)") to adopted_from, and numbers the records
// without a seq in the order they were applied (applied_at, then version),
// after those that have one.
func toSchema2(ctx context.Context, s *Store, q dialect.Querier) error {
	qi, ph := s.d.QuoteIdent, s.d.Placeholder
	rows, err := q.QueryContext(ctx, "SELECT "+strings.Join([]string{qi(colVersion), qi(colKind), qi(colAppliedBy),
		qi(colAdoptedFrom), qi(colSeq), qi(colAppliedAt)}, ", ")+" FROM "+s.sql.qTable)
	if err != nil {
		return err
	}
	type row struct {
		key     string
		version migration.Version
		at      time.Time
	}
	var (
		adopted []string // applied_by values to decode
		unseq   []row
		maxSeq  int64
	)
	for rows.Next() {
		var (
			r                          row
			kind, appliedBy, adoptedFr string
			seq                        int64
			at                         any
		)
		if err := rows.Scan(&r.key, &kind, &appliedBy, &adoptedFr, &seq, &at); err != nil {
			rows.Close()
			return err
		}
		if Kind(kind) == KindAdopted && adoptedFr == "" && !slices.Contains(adopted, appliedBy) {
			if _, _, ok := decodeAdopted(appliedBy); ok {
				adopted = append(adopted, appliedBy)
			}
		}
		maxSeq = max(maxSeq, seq)
		if seq == 0 {
			if r.at, err = scanTime(at); err != nil {
				rows.Close()
				return fmt.Errorf("%s: %w", r.key, err)
			}
			if !strings.HasPrefix(r.key, migration.RepeatablePrefix) {
				r.version, _ = migration.ParseVersion(r.key) // a bad one sorts by key
			}
			unseq = append(unseq, r)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}

	for _, by := range adopted {
		tool, user, _ := decodeAdopted(by)
		_, err := q.ExecContext(ctx, "UPDATE "+s.sql.qTable+" SET "+qi(colAdoptedFrom)+" = "+ph(1)+", "+qi(colAppliedBy)+" = "+ph(2)+
			" WHERE "+qi(colKind)+" = '"+string(KindAdopted)+"' AND "+qi(colAdoptedFrom)+" = '' AND "+qi(colAppliedBy)+" = "+ph(3),
			tool, user, by)
		if err != nil {
			return fmt.Errorf("adopted records: %w", err)
		}
	}

	slices.SortFunc(unseq, func(a, b row) int {
		if c := a.at.Compare(b.at); c != 0 {
			return c
		}
		if c := a.version.Compare(b.version); c != 0 {
			return c
		}
		return cmp.Compare(a.key, b.key)
	})
	for start := 0; start < len(unseq); start += seqBatch {
		batch := unseq[start:min(start+seqBatch, len(unseq))]
		var cases, in []string
		var args []any
		for i, r := range batch {
			cases = append(cases, " WHEN "+ph(len(args)+1)+" THEN "+strconv.FormatInt(maxSeq+int64(start+i)+1, 10))
			args = append(args, r.key)
		}
		for _, r := range batch {
			in = append(in, ph(len(args)+1))
			args = append(args, r.key)
		}
		_, err := q.ExecContext(ctx, "UPDATE "+s.sql.qTable+" SET "+qi(colSeq)+" = CASE "+qi(colVersion)+strings.Join(cases, "")+
			" END WHERE "+qi(colSeq)+" = 0 AND "+qi(colVersion)+" IN ("+strings.Join(in, ", ")+")", args...)
		if err != nil {
			return fmt.Errorf("number the records: %w", err)
		}
	}
	return nil
}
