package adopt

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/tidemigrate/tide/dialect"
	"github.com/tidemigrate/tide/migration"
)

// Applied is one migration another tool applied. It is plain data.
type Applied struct {
	// Version orders the migration among tide's. It is zero for Flyway
	// repeatables and for entries whose identifier has no leading number.
	Version migration.Version
	// ID is the tool's own identifier as stored: a version ("20240101120000",
	// "1.1"), a file name, a revision id or a migration name.
	ID string
	// Name is the description, where the tool keeps one apart from ID.
	Name string
	// AppliedAt is when the tool applied it, in UTC; zero when the tool
	// keeps no time.
	AppliedAt time.Time
	// Checksum is the tool's own checksum where it keeps one (Flyway's
	// CRC32 as a decimal string, Prisma's SHA-256 in hex), else "".
	Checksum string
	// Repeatable marks a Flyway repeatable migration (R__ file); only its
	// latest run is listed.
	Repeatable bool
	// Baseline marks a Flyway baseline (type BASELINE, or a baseline
	// migration B__): every migration up to its version counts as applied.
	Baseline bool
}

// History is what one tool's table says about the database. It is plain
// data, owned by the caller.
type History struct {
	// Source is the tool's name, as [Source.Name] returns it.
	Source string
	// Table is the table that was read.
	Table string
	// Applied lists the migrations the tool currently considers applied,
	// sorted by Version and then ID: a migration applied and later
	// reverted is not listed.
	Applied []Applied
	// UpTo, when not zero, means that every migration whose version is at
	// most UpTo is applied, listed or not. golang-migrate records only its
	// current version, so its Applied list is empty and UpTo carries the
	// state; for Flyway it is the highest baseline, below which Flyway
	// applies nothing.
	UpTo migration.Version
	// Code reports that the tool's migrations are program code tide cannot
	// run (knex, sequelize, typeorm, alembic): the caller maps them to a
	// baseline rather than to migrations of its own.
	Code bool
	// Notes are things the user must know, one sentence each, e.g. rows
	// that were ignored.
	Notes []string
}

// Source reads one tool's history table.
//
// The sources of this package are immutable values, safe for concurrent
// use.
type Source interface {
	// Name is the tool's short name, e.g. "goose"; it is what
	// [SourceByName] accepts.
	Name() string
	// Table is the history table that Read reads, e.g. "goose_db_version";
	// by default the tool's default name, or the one given to [WithTable].
	Table() string
	// Read reads the table through q and returns what it says. It only
	// runs SELECT statements. It returns an [*IncompleteError] when the
	// tool records a migration as started and not finished, and an error
	// naming the table when it is missing or lacks the tool's columns.
	Read(ctx context.Context, d dialect.Dialect, q dialect.Querier) (*History, error)
}

// tool is the Source of one supported tool.
type tool struct {
	name  string
	table string
	// columns are those the tool's table must have; Read selects them.
	columns []string
	// without are columns whose presence means another tool's table of
	// the same name.
	without []string
	read    func(ctx context.Context, d dialect.Dialect, q dialect.Querier, table string) (*History, error)
}

var _ Source = tool{}

func (t tool) Name() string  { return t.name }
func (t tool) Table() string { return t.table }

// Read implements [Source].
func (t tool) Read(ctx context.Context, d dialect.Dialect, q dialect.Querier) (*History, error) {
	exists, err := d.TableExists(ctx, q, t.table)
	if err != nil {
		return nil, fmt.Errorf("adopt: %s: %w", t.name, err)
	}
	if !exists {
		return nil, fmt.Errorf("adopt: %s: table %s does not exist", t.name, t.table)
	}
	ok, err := t.matches(ctx, d, q)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("adopt: %s: table %s is not %s's: it needs the columns %s%s",
			t.name, t.table, t.name, strings.Join(t.columns, ", "), t.withoutText())
	}
	h, err := t.read(ctx, d, q, t.table)
	if err != nil {
		return nil, err
	}
	h.Source, h.Table = t.name, t.table
	slices.SortStableFunc(h.Applied, func(a, b Applied) int {
		return cmp.Or(a.Version.Compare(b.Version), strings.Compare(a.ID, b.ID))
	})
	return h, nil
}

func (t tool) withoutText() string {
	if len(t.without) == 0 {
		return ""
	}
	return " and not " + strings.Join(t.without, ", ")
}

// matches reports whether the (existing) table has the tool's columns.
func (t tool) matches(ctx context.Context, d dialect.Dialect, q dialect.Querier) (bool, error) {
	cols, err := columns(ctx, d, q, t.table)
	if err != nil {
		return false, fmt.Errorf("adopt: %s: %w", t.name, err)
	}
	for _, c := range t.columns {
		if !cols[c] {
			return false, nil
		}
	}
	for _, c := range t.without {
		if cols[c] {
			return false, nil
		}
	}
	return true, nil
}

// Sources returns every supported tool with its default table, in the
// order [Detect] tries them. The slice is new on each call.
func Sources() []Source {
	return []Source{
		tool{
			name: "goose", table: "goose_db_version", read: readGoose,
			columns: []string{"id", "version_id", "is_applied", "tstamp"},
		},
		tool{
			name: "golang-migrate", table: "schema_migrations", read: readGolangMigrate,
			columns: []string{"version", "dirty"},
		},
		tool{
			name: "dbmate", table: "schema_migrations", read: readDbmate,
			columns: []string{"version"}, without: []string{"dirty"},
		},
		tool{
			name: "flyway", table: "flyway_schema_history", read: readFlyway,
			columns: []string{"installed_rank", "version", "description", "type", "script", "checksum", "installed_on", "success"},
		},
		tool{
			name: "knex", table: "knex_migrations", read: readKnex,
			columns: []string{"id", "name", "batch", "migration_time"},
		},
		tool{
			name: "sequelize", table: "SequelizeMeta", read: readSequelize,
			columns: []string{"name"},
		},
		tool{
			name: "typeorm", table: "migrations", read: readTypeORM,
			columns: []string{"id", "timestamp", "name"},
		},
		tool{
			name: "prisma", table: "_prisma_migrations", read: readPrisma,
			columns: []string{"id", "checksum", "finished_at", "migration_name", "rolled_back_at", "started_at"},
		},
		tool{
			name: "alembic", table: "alembic_version", read: readAlembic,
			columns: []string{"version_num"},
		},
	}
}

// names lists the names of [Sources].
func names() []string {
	var ns []string
	for _, s := range Sources() {
		ns = append(ns, s.Name())
	}
	return ns
}

// SourceByName returns the source of the named tool (as [Source.Name]
// spells it, ignoring case), with its default table. The error lists the
// valid names.
func SourceByName(name string) (Source, error) {
	for _, s := range Sources() {
		if strings.EqualFold(s.Name(), name) {
			return s, nil
		}
	}
	return nil, fmt.Errorf("adopt: unknown format %q: use one of %s", name, strings.Join(names(), ", "))
}

// WithTable returns s reading table instead of its default, for projects
// that renamed the tool's table (goose -table, golang-migrate
// x-migrations-table, Flyway table, ...). table may be schema-qualified
// ("app.goose_db_version"). s must be one of this package's sources.
func WithTable(s Source, table string) (Source, error) {
	t, ok := s.(tool)
	if !ok {
		return nil, fmt.Errorf("adopt: WithTable: %T is not a source of this package", s)
	}
	if table == "" {
		return nil, fmt.Errorf("adopt: WithTable: empty table name for %s", t.name)
	}
	t.table = table
	return t, nil
}

// Detect returns the single source whose history table is in the
// database, recognised by its name and columns (golang-migrate's and
// dbmate's schema_migrations are told apart by golang-migrate's dirty
// column; a "migrations" table is TypeORM's only with its columns). It
// returns [ErrNoHistory] when there is none, and an [*AmbiguousError] when
// there are several. Only default table names are looked for.
func Detect(ctx context.Context, d dialect.Dialect, q dialect.Querier) (Source, error) {
	found, err := detectAll(ctx, d, q)
	if err != nil {
		return nil, err
	}
	return oneOf(found)
}

// DetectApplied is [Detect] for the question "has another tool migrated
// this database?": it leaves out the history tables that list no applied
// migration (a goose_db_version with only goose's version 0 row, a
// schema_migrations the tool created and never wrote to, or emptied by
// reverting everything), since running every migration from the first is
// then what that tool would do too. It reads each table it finds with
// [Source.Read]: a table that records a migration as started and not
// finished (an [*IncompleteError]), or that Read cannot make sense of,
// counts as applied, since nothing says it is empty. tide's Up refuses to
// run over the sources it returns.
func DetectApplied(ctx context.Context, d dialect.Dialect, q dialect.Querier) (Source, error) {
	found, err := detectAll(ctx, d, q)
	if err != nil {
		return nil, err
	}
	var used []Source
	for _, s := range found {
		h, err := s.Read(ctx, d, q)
		switch {
		case ctx.Err() != nil:
			return nil, ctx.Err()
		case err != nil || len(h.Applied) > 0 || !h.UpTo.IsZero():
			used = append(used, s)
		}
	}
	return oneOf(used)
}

// oneOf returns the single source of found, [ErrNoHistory] for none and
// an [*AmbiguousError] for several.
func oneOf(found []Source) (Source, error) {
	switch len(found) {
	case 0:
		return nil, ErrNoHistory
	case 1:
		return found[0], nil
	}
	return nil, &AmbiguousError{Sources: found}
}

// detectAll returns every source whose history table is in the database,
// in the order of [Sources].
func detectAll(ctx context.Context, d dialect.Dialect, q dialect.Querier) ([]Source, error) {
	var found []Source
	for _, s := range Sources() {
		t := s.(tool)
		exists, err := d.TableExists(ctx, q, t.table)
		if err != nil {
			return nil, fmt.Errorf("adopt: detect %s: %w", t.name, err)
		}
		if !exists {
			continue
		}
		ok, err := t.matches(ctx, d, q)
		if err != nil {
			return nil, err
		}
		if ok {
			found = append(found, s)
		}
	}
	return found, nil
}
