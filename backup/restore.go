package backup

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/tidemigrate/tide/dialect"
	"github.com/tidemigrate/tide/event"
	"github.com/tidemigrate/tide/schema"
)

// Restorer is what a dialect needs besides [Copier] to restore tables
// (dialect/<db>/backup.go), found by type assertion.
type Restorer interface {
	// BeginRestore starts a restore on conn. Where DDL is transactional
	// (PostgreSQL, SQLite) it returns a transaction, so that the whole
	// restore takes effect or none of it, and end commits it (after
	// checking the foreign keys, on SQLite) or rolls it back. Where DDL
	// commits implicitly (MySQL) it returns conn and atomic false: each
	// step takes effect as it runs.
	BeginRestore(ctx context.Context, conn *sql.Conn) (q dialect.Querier, atomic bool, end func(commit bool) error, err error)
	// DropTable drops table (qualified, unquoted) so that it can be
	// created again, without dropping or emptying other tables: foreign
	// keys of other tables that point at it are not enforced while it is
	// gone (MySQL, SQLite), or are dropped first and returned, to be added
	// back once it is whole again (PostgreSQL), and so are the views that
	// depend on it (PostgreSQL, which refuses to drop a table a view
	// uses).
	DropTable(ctx context.Context, q dialect.Querier, table string) (dependents []Dependent, err error)
	// AfterRestore brings what the rows of a restored table imply up to
	// date, and says what it did: PostgreSQL moves the sequences of its
	// identity and serial columns past the largest value restored (MySQL
	// and SQLite do it by themselves).
	AfterRestore(ctx context.Context, q dialect.Querier, table string, t *schema.Table) (actions []string, err error)
}

// The kinds of a [Dependent].
const (
	DependentForeignKey = "foreign key"
	DependentView       = "view"
)

// Dependent is an object that [Restorer.DropTable] dropped with a table
// because it depends on it, with the statements that create it again.
type Dependent struct {
	Kind     string // DependentForeignKey or DependentView
	Table    string // the table that holds it (a foreign key), or the view itself; qualified, unquoted
	RefTable string // the table restored that it depends on (qualified, unquoted)
	Name     string
	SQL      []string
}

// RestoreOptions are what [Restore] needs.
type RestoreOptions struct {
	// Version picks the backups taken for the migration with this
	// version: the newest of each table. Give Version or IDs.
	Version string
	// IDs picks backups by their IDs ([Entry.ID]).
	IDs []int64
	// Tables restores only these of the version's tables (names as
	// written in SQL); all of them when empty.
	Tables []string
	// Replace lets Restore replace a table that exists and holds rows.
	// Its rows are backed up first (reason [ReasonReplaced]), so that the
	// restore can be undone with the IDs of those backups. Without it,
	// such a table is refused, and nothing is restored.
	Replace bool
	// By names who restores (default: user@host), for the backups of
	// replaced tables.
	By string
	// BatchRows is [Options.BatchRows] for those backups.
	BatchRows int64
	// Events receives a [Restored] for each table, and the events of the
	// backups of replaced tables.
	Events event.Emitter
}

// DefaultRestoreOptions returns RestoreOptions with their defaults.
func DefaultRestoreOptions() RestoreOptions {
	return RestoreOptions{By: CurrentUser(), BatchRows: DefaultBatchRows}
}

// Validate reports what is wrong with o, if anything.
func (o RestoreOptions) Validate() error {
	switch {
	case o.Version == "" && len(o.IDs) == 0:
		return errors.New("restore: give the version whose backups to restore, or their IDs")
	case o.Version != "" && len(o.IDs) > 0:
		return errors.New("restore: give a version or backup IDs, not both")
	case len(o.IDs) > 0 && len(o.Tables) > 0:
		return errors.New("restore: tables choose among a version's backups; with IDs, name the backups only")
	case o.BatchRows <= 0:
		return fmt.Errorf("restore: BatchRows %d: must be positive", o.BatchRows)
	}
	return nil
}

// RestoredTable says what [Restore] did to one table.
type RestoredTable struct {
	Table    string // "public.users"
	Backup   int64  // the ID of the backup restored
	Rows     int64
	Checksum string // of the rows restored, equal to the backup's
	// Replaced is the backup of the rows the table held before, when it
	// held any (Replace).
	Replaced *Entry
	// Actions is what was done, in order, for people: "dropped the table
	// (12 rows, kept as backup 7)", "created the table (4 columns)",
	// "copied 1000 rows", "created 2 indexes", ...
	Actions []string
}

// Restore puts tables back as a backup recorded them: their columns,
// rows, keys, indexes, checks, triggers, and the foreign keys of other
// tables that pointed at them. Each table that exists is dropped and
// created again; the others are created. Each restored table's rows are
// counted and checksummed, and must match the backup. On PostgreSQL and
// SQLite the whole restore is one transaction: it all takes effect, or
// none of it. On MySQL, where DDL commits implicitly, each step takes
// effect as it runs; a failure says which did (a [*RestoreError]).
//
// Before anything changes, Restore checks every backup's copy against its
// count and checksum (a [*DamagedError] otherwise) and refuses, with a
// [*RefusedError], a table that exists and holds rows unless
// opts.Replace. It returns what it did, table by table.
func Restore(ctx context.Context, d dialect.Dialect, db *sql.DB, opts RestoreOptions) ([]RestoredTable, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	c, err := copierOf(d)
	if err != nil {
		return nil, err
	}
	r, ok := d.(Restorer)
	if !ok {
		return nil, &UnsupportedError{Dialect: d.Title(), What: "restores"}
	}
	s, err := openSession(ctx, d, c, db, false)
	if err != nil {
		return nil, err
	}
	if s == nil {
		return nil, &NoBackupError{Version: opts.Version, IDs: opts.IDs}
	}
	defer s.close(ctx)
	entries, err := s.choose(ctx, opts)
	if err != nil {
		return nil, err
	}
	sums, err := s.verify(ctx, entries)
	if err != nil {
		return nil, err
	}
	held, err := s.held(ctx, entries)
	if err != nil {
		return nil, err
	}
	var refused []HeldTable
	for _, h := range held {
		if h.Rows > 0 {
			refused = append(refused, h)
		}
	}
	if len(refused) > 0 && !opts.Replace {
		return nil, &RefusedError{Tables: refused}
	}
	out := make([]RestoredTable, len(entries))
	for i, e := range entries {
		out[i] = RestoredTable{Table: e.Source(), Backup: e.ID}
	}
	// The rows a table holds now are backed up before it is replaced.
	if len(refused) > 0 {
		check, err := db.Conn(ctx)
		if err != nil {
			return nil, fmt.Errorf("restore: connect: %w", err)
		}
		defer check.Close()
		for i, e := range entries {
			h, ok := held[e.Source()]
			if !ok || h.Rows == 0 {
				continue
			}
			tables, err := s.resolve(ctx, Options{Targets: []Target{{Name: quoteRef(d, e.Schema, e.Table)}}})
			if err != nil {
				return nil, fmt.Errorf("restore: %w", err)
			}
			defs, err := s.definitions(ctx, tables)
			if err != nil {
				return nil, fmt.Errorf("restore: %w", err)
			}
			tables[0].Reason, tables[0].Detail = ReasonReplaced, fmt.Sprintf("replaced by the restore of backup %d", e.ID)
			replaced, err := s.copy(ctx, check, tables[0], defs[0], Options{Version: e.Version, By: opts.By, BatchRows: opts.BatchRows, Events: opts.Events})
			if err != nil {
				return nil, fmt.Errorf("restore: keep the rows of %s before replacing it: %w", e.Source(), err)
			}
			out[i].Replaced = &replaced
		}
	}
	q, atomic, end, err := r.BeginRestore(ctx, s.conn)
	if err != nil {
		return nil, fmt.Errorf("restore: %w", err)
	}
	rs := &restore{s: s, r: r, q: q, held: held, sums: sums, out: out}
	err = rs.run(ctx, entries)
	if err == nil {
		err = end(true)
	} else if eerr := end(false); eerr != nil {
		err = errors.Join(err, eerr)
	}
	if err != nil {
		if !atomic {
			return out, &RestoreError{Tables: out, Err: err}
		}
		return nil, fmt.Errorf("restore: %w (rolled back: nothing was restored)", err)
	}
	for i, e := range entries {
		opts.Events.Emit(ctx, Restored{Table: out[i], Backup: e})
	}
	return out, nil
}

// quoteRef writes schema.table as SQL, for [ParseTable].
func quoteRef(d dialect.Dialect, schema, table string) string {
	return d.QuoteIdent(schema) + "." + d.QuoteIdent(table)
}

// choose returns the backups opts names, parents before the tables whose
// foreign keys point at them.
func (s *session) choose(ctx context.Context, opts RestoreOptions) ([]Entry, error) {
	all, err := s.m.list(ctx, s.conn, s.database)
	if err != nil {
		return nil, fmt.Errorf("restore: %w", err)
	}
	var out []Entry
	if len(opts.IDs) > 0 {
		for _, id := range opts.IDs {
			i := slices.IndexFunc(all, func(e Entry) bool { return e.ID == id })
			if i < 0 {
				return nil, &NoBackupError{IDs: []int64{id}}
			}
			out = append(out, all[i])
		}
	} else {
		newest := map[string]int{}
		for i, e := range all {
			if e.Version != opts.Version || e.Reason == ReasonReplaced || e.State != StateComplete {
				continue
			}
			if j, ok := newest[e.Source()]; !ok || all[j].ID < e.ID {
				newest[e.Source()] = i
			}
		}
		for _, i := range newest {
			out = append(out, all[i])
		}
		slices.SortFunc(out, func(a, b Entry) int { return int(a.ID - b.ID) })
		if len(opts.Tables) > 0 {
			if out, err = s.only(out, opts); err != nil {
				return nil, err
			}
		}
		if len(out) == 0 {
			return nil, &NoBackupError{Version: opts.Version}
		}
	}
	for _, e := range out {
		switch {
		case e.State != StateComplete:
			return nil, fmt.Errorf("restore: backup %d of %s is not whole (its copy stopped before the end): it cannot be restored", e.ID, e.Source())
		case e.Definition == nil || e.Definition.Table == nil:
			return nil, fmt.Errorf("restore: backup %d of %s has no recorded definition", e.ID, e.Source())
		}
	}
	return parentsFirst(out), nil
}

// only keeps the entries of the tables opts names.
func (s *session) only(entries []Entry, opts RestoreOptions) ([]Entry, error) {
	var out []Entry
	for _, name := range opts.Tables {
		ref, err := ParseTable(s.d, name)
		if err != nil {
			return nil, fmt.Errorf("restore: %w", err)
		}
		schema := ref.Schema
		if schema == "" {
			schema = s.schema
		}
		same := func(a, b string, quoted bool) bool { return a == b || !quoted && strings.EqualFold(a, b) }
		i := slices.IndexFunc(entries, func(e Entry) bool {
			return same(e.Schema, schema, ref.SchemaQuoted) && same(e.Table, ref.Name, ref.NameQuoted)
		})
		if i < 0 {
			return nil, &NoBackupError{Version: opts.Version, Table: name}
		}
		if !slices.ContainsFunc(out, func(e Entry) bool { return e.ID == entries[i].ID }) {
			out = append(out, entries[i])
		}
	}
	return out, nil
}

// parentsFirst orders entries so that a table comes after those its
// foreign keys point at, among them; otherwise by ID.
func parentsFirst(entries []Entry) []Entry {
	var out []Entry
	done := map[string]bool{}
	var visit func(e Entry, depth int)
	visit = func(e Entry, depth int) {
		if done[e.Source()] || depth > len(entries) {
			return
		}
		for _, fk := range e.Definition.Table.ForeignKeys {
			for _, p := range entries {
				if p.Table == fk.RefTable && p.Source() != e.Source() {
					visit(p, depth+1)
				}
			}
		}
		if !done[e.Source()] {
			done[e.Source()] = true
			out = append(out, e)
		}
	}
	for _, e := range entries {
		visit(e, 0)
	}
	return out
}

// verify checks that each backup's copy holds the rows it recorded, and
// returns their sums, by backup ID: what each restored table must sum to.
// A copy checksummed by another method than the database's best now (the
// server was upgraded since) is checked by its count, and then stands for
// what it held.
func (s *session) verify(ctx context.Context, entries []Entry) (map[int64]Sum, error) {
	sums := map[int64]Sum{}
	for _, e := range entries {
		ok, err := s.d.TableExists(ctx, s.conn, e.Copy())
		if err != nil {
			return nil, fmt.Errorf("restore: %w", err)
		}
		if !ok {
			return nil, &DamagedError{Backup: e, Problem: "its copy " + e.Copy() + " is missing"}
		}
		sum, err := s.checksumTx(ctx, e.Copy())
		if err != nil {
			return nil, fmt.Errorf("restore: verify backup %d: %w", e.ID, err)
		}
		recorded := Sum{Rows: e.Rows, Checksum: e.Checksum}
		if sum.Rows != e.Rows || sum.Method() == recorded.Method() && sum.Checksum != e.Checksum {
			return nil, &DamagedError{Backup: e, Problem: fmt.Sprintf("its copy %s holds %d rows with checksum %s, not the %d rows with checksum %s recorded", e.Copy(), sum.Rows, sum.Checksum, e.Rows, e.Checksum)}
		}
		sums[e.ID] = sum
	}
	return sums, nil
}

// checksumTx checksums table in a transaction of its own (PostgreSQL's
// checksum sets transaction-local settings).
func (s *session) checksumTx(ctx context.Context, table string) (Sum, error) {
	tx, err := s.conn.BeginTx(ctx, nil)
	if err != nil {
		return Sum{}, err
	}
	defer func() { _ = tx.Rollback() }()
	sum, err := s.c.Checksum(ctx, tx, table, "")
	if err != nil {
		return Sum{}, err
	}
	return sum, tx.Commit()
}

// HeldTable is a table to restore that exists, and how many rows it
// holds.
type HeldTable struct {
	Table string // "public.users"
	Rows  int64
}

// held returns, by name, the tables of entries that exist, with their
// row counts.
func (s *session) held(ctx context.Context, entries []Entry) (map[string]HeldTable, error) {
	out := map[string]HeldTable{}
	for _, e := range entries {
		ok, err := s.d.TableExists(ctx, s.conn, e.Source())
		if err != nil {
			return nil, fmt.Errorf("restore: %w", err)
		}
		if !ok {
			continue
		}
		var n int64
		if err := s.conn.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+s.d.QuoteIdent(e.Source())).Scan(&n); err != nil {
			return nil, fmt.Errorf("restore: count the rows of %s: %w", e.Source(), err)
		}
		out[e.Source()] = HeldTable{Table: e.Source(), Rows: n}
	}
	return out, nil
}
