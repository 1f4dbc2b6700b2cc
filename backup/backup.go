package backup

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"os/user"
	"time"

	"github.com/tidemigrate/tide/dialect"
	"github.com/tidemigrate/tide/event"
	"github.com/tidemigrate/tide/schema"
)

// Space is the backup space: the PostgreSQL schema, the MySQL database,
// the name under which SQLite attaches the file beside the database.
const Space = "tide_backup"

// DefaultBatchRows is the default [Options.BatchRows].
const DefaultBatchRows = 100_000

// Target is a table to back up, and why.
type Target struct {
	// Name is the table as written in SQL: possibly quoted, possibly
	// schema-qualified ("users", "app.orders", `"Line Items"`).
	Name   string
	Reason Reason
	// Detail says what asked for it, for people: "DROP TABLE at
	// migrations/3_drop_users.sql:4".
	Detail string
	// Optional skips the table, with a [Skipped] event, when it does not
	// exist (an automatic backup: the migration may create it first).
	// Otherwise a missing table fails the backup before anything is
	// copied.
	Optional bool
}

// Options are what [Take] needs.
type Options struct {
	// Targets are the tables to copy (at least one). A table named twice
	// is copied once.
	Targets []Target
	// Version is the migration the backup is for ("" for one taken by
	// hand); [Restore] finds backups by it.
	Version string
	// By names who takes the backup (default: the operating-system user
	// and host, user@host).
	By string
	// BatchRows is how many keys of a big table are copied at a time, with
	// progress between (default [DefaultBatchRows]). A table whose integer
	// key spans fewer is copied in one statement.
	BatchRows int64
	// Events receives [Started], [Progress], [Done] and [Skipped].
	Events event.Emitter
}

// DefaultOptions returns Options with their defaults: no targets yet,
// batches of [DefaultBatchRows] keys, By the current user@host.
func DefaultOptions() Options {
	return Options{BatchRows: DefaultBatchRows, By: CurrentUser()}
}

// Validate reports what is wrong with o, if anything.
func (o Options) Validate() error {
	if len(o.Targets) == 0 {
		return errors.New("backup: no table to back up")
	}
	for _, t := range o.Targets {
		if t.Name == "" {
			return errors.New("backup: a target has no table name")
		}
	}
	if o.BatchRows <= 0 {
		return fmt.Errorf("backup: BatchRows %d: must be positive", o.BatchRows)
	}
	return nil
}

// CurrentUser returns user@host of this process, for [Options.By].
func CurrentUser() string {
	name := os.Getenv("USER")
	if u, err := user.Current(); err == nil && u.Username != "" {
		name = u.Username
	}
	host, _ := os.Hostname()
	return name + "@" + host
}

// Take copies the tables of opts into the backup space ([Space]) of the
// database db, a database of dialect d: each as a whole table, with the
// count and a checksum of its rows and its definition (columns, keys,
// indexes, constraints, the foreign keys that point at it), and records
// each in the manifest. It returns the entries, in the order copied.
//
// Names are resolved as the database would resolve them in SQL. A table
// that does not exist fails the backup before anything is copied, unless
// its target is Optional. A failed copy leaves nothing behind: neither the
// partial copy nor its manifest row.
//
// d must implement [Copier] and [schema.Inspector]; otherwise Take
// returns an [*UnsupportedError].
func Take(ctx context.Context, d dialect.Dialect, db *sql.DB, opts Options) ([]Entry, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	c, err := copierOf(d)
	if err != nil {
		return nil, err
	}
	s, err := openSession(ctx, d, c, db, true)
	if err != nil {
		return nil, err
	}
	defer s.close(ctx)
	tables, err := s.resolve(ctx, opts)
	if err != nil || len(tables) == 0 {
		return nil, err
	}
	defs, err := s.definitions(ctx, tables)
	if err != nil {
		return nil, err
	}
	check, err := db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("backup: connect: %w", err)
	}
	defer check.Close()
	var out []Entry
	for i, t := range tables {
		e, err := s.copy(ctx, check, t, defs[i], opts)
		if err != nil {
			return out, err
		}
		out = append(out, e)
	}
	return out, nil
}

// copierOf returns d's Copier, or why it has none.
func copierOf(d dialect.Dialect) (Copier, error) {
	c, ok := d.(Copier)
	if !ok {
		return nil, &UnsupportedError{Dialect: d.Title(), What: "table backups"}
	}
	if _, ok := d.(schema.Inspector); !ok {
		return nil, &UnsupportedError{Dialect: d.Title(), What: "table backups (they record each table's definition, and schema inspection is missing)"}
	}
	return c, nil
}

// session is one connection with the backup space open, and its
// manifest.
type session struct {
	d        dialect.Dialect
	c        Copier
	conn     *sql.Conn
	release  func(context.Context) error
	m        *manifest
	database string // the scope of the manifest's entries
	schema   string // where unqualified names resolve
}

// openSession opens the backup space on a connection of db, creating it
// and its manifest with create; without, it returns a nil session when
// there is no manifest.
func openSession(ctx context.Context, d dialect.Dialect, c Copier, db *sql.DB, create bool) (*session, error) {
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("backup: connect: %w", err)
	}
	s := &session{d: d, c: c, conn: conn, m: newManifest(d, Space)}
	if s.database, s.schema, err = c.Scope(ctx, conn); err != nil {
		conn.Close()
		return nil, fmt.Errorf("backup: %w", err)
	}
	var ok bool
	if s.release, ok, err = c.OpenSpace(ctx, conn, Space, create); err != nil || !ok {
		conn.Close()
		if err != nil {
			return nil, fmt.Errorf("backup: %w", err)
		}
		return nil, nil
	}
	if create {
		err = s.m.ensure(ctx, conn)
	} else if ok, err = s.m.exists(ctx, conn); err == nil && !ok {
		s.close(ctx)
		return nil, nil
	}
	if err != nil {
		s.close(ctx)
		return nil, fmt.Errorf("backup: %w", err)
	}
	return s, nil
}

func (s *session) close(ctx context.Context) {
	_ = s.release(context.WithoutCancel(ctx))
	s.conn.Close()
}

// table is a target resolved: the table as the catalog spells it.
type table struct {
	Target
	schema, name string
}

// resolve finds the tables of opts, each once, and skips the missing
// optional ones.
func (s *session) resolve(ctx context.Context, opts Options) ([]table, error) {
	var out []table
	seen := map[[2]string]bool{}
	for _, t := range opts.Targets {
		ref, err := ParseTable(s.d, t.Name)
		if err != nil {
			return nil, fmt.Errorf("backup: %w", err)
		}
		if ref.Schema == Space {
			return nil, fmt.Errorf("backup: %s is in the backup space itself", t.Name)
		}
		schema, name, ok, err := s.c.ResolveTable(ctx, s.conn, ref)
		if err != nil {
			return nil, fmt.Errorf("backup: %w", err)
		}
		switch {
		case !ok && t.Optional:
			opts.Events.Emit(ctx, Skipped{Version: opts.Version, Table: t.Name, Detail: t.Detail})
			continue
		case !ok:
			return nil, &NoTableError{Table: t.Name, Detail: t.Detail}
		}
		key := [2]string{schema, name}
		if seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, table{Target: t, schema: schema, name: name})
	}
	return out, nil
}

// definitions inspects the schemas of tables, once each, and returns the
// definition of each table.
func (s *session) definitions(ctx context.Context, tables []table) ([]*Definition, error) {
	schemas := map[string]*schema.Schema{}
	defs := make([]*Definition, len(tables))
	for i, t := range tables {
		sc, ok := schemas[t.schema]
		if !ok {
			var err error
			sc, err = schema.Inspect(ctx, s.d, s.conn, schema.Options{Schema: t.schema})
			if err != nil {
				return nil, fmt.Errorf("backup: read the definition of %s.%s: %w", t.schema, t.name, err)
			}
			if sc.Name == "" {
				sc.Name = t.schema
			}
			schemas[t.schema] = sc
		}
		if defs[i] = definitionOf(sc, t.name); defs[i] == nil {
			return nil, fmt.Errorf("backup: read the definition of %s.%s: the schema inspector did not find it", t.schema, t.name)
		}
		if pr, ok := s.d.(PrivilegeReader); ok {
			var err error
			if defs[i].Privileges, err = pr.TablePrivileges(ctx, s.conn, t.schema+"."+t.name); err != nil {
				return nil, fmt.Errorf("backup: read the privileges of %s.%s: %w", t.schema, t.name, err)
			}
		}
	}
	return defs, nil
}

// copy backs up one table: records it as being copied, copies it, and
// records it as whole, or removes what it left on failure.
func (s *session) copy(ctx context.Context, check *sql.Conn, t table, def *Definition, opts Options) (Entry, error) {
	e := Entry{
		Version: opts.Version, Database: s.database, Schema: t.schema, Table: t.name, Space: Space,
		Reason: t.Reason, State: StateCopying, Size: -1, CreatedAt: time.Now(), By: opts.By, Detail: t.Detail, Definition: def,
	}
	if e.Reason == "" {
		e.Reason = ReasonManual
	}
	if err := s.m.insert(ctx, s.conn, &e); err != nil {
		return Entry{}, fmt.Errorf("backup: %w", err)
	}
	opts.Events.Emit(ctx, Started{Version: e.Version, Table: e.Source(), Copy: e.Copy(), Reason: e.Reason, Detail: e.Detail})
	start := time.Now()
	copied, err := s.c.Copy(ctx, &CopyJob{
		Copy: s.conn, Check: check, Source: e.Source(), Target: e.Copy(), Key: integerKey(def.Table), BatchRows: opts.BatchRows,
		Progress: func(done, total int64) { opts.Events.Emit(ctx, Progress{Table: e.Source(), Rows: done, Total: total}) },
	})
	if err == nil {
		e.Rows, e.Checksum, e.Size = copied.Rows, copied.Checksum, copied.Size
		err = s.m.complete(ctx, s.conn, &e)
	}
	if err != nil {
		bg := context.WithoutCancel(ctx)
		_, _ = s.conn.ExecContext(bg, "DROP TABLE IF EXISTS "+s.d.QuoteIdent(e.Copy()))
		_ = s.m.remove(bg, s.conn, e.ID)
		return Entry{}, fmt.Errorf("backup: copy %s: %w", e.Source(), err)
	}
	opts.Events.Emit(ctx, Done{Entry: e, Duration: time.Since(start)})
	return e, nil
}
