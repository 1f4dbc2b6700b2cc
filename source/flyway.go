package source

import (
	"bytes"
	"errors"
	"fmt"
	"hash/crc32"
	"io/fs"
	"path"
	"strings"

	"github.com/tidemigrate/tide/migration"
)

// FlywayFormat reads and writes Flyway SQL migrations. Flyway searches the
// folder and all its subfolders; Path is relative to the root. File names:
//
//	V<version>__<description>.sql   versioned migration
//	U<version>__<description>.sql   undo migration: the Down section of the V with its version
//	R__<description>.sql            repeatable migration (Repeatable, zero Version)
//	B<version>__<description>.sql   baseline migration (see UseBaselines)
//
// The prefixes are case-sensitive and the ".sql" suffix is not, as in
// Flyway. A version is one or more numbers separated by "." or "_"
// (V1_2_10__x.sql is version 1.2.10) and versions sort numerically segment
// by segment. Name is the description exactly as in the file name, with its
// underscores, so that converting keeps file names; Flyway's
// flyway_schema_history.description is Name with "_" replaced by " ".
// Each file is one section, split later by the dialect.
//
// Files whose names start with a prefix but are not migrations ("Views.sql",
// "README.sql"), which Flyway skips, are skipped; names that look like a
// migration but do not parse (V1_add_users.sql, V1.x__y.sql) are errors,
// where Flyway would skip them silently. SQL callbacks (afterMigrate.sql,
// beforeEachMigrate__x.sql, ...) are errors: tide cannot run them.
//
// # Script configuration
//
// A file <migration>.sql.conf beside a migration may set
// executeInTransaction=false (which sets [Migration.NoTransaction]; on an
// undo file it does too, as tide runs both directions the same way),
// placeholderReplacement and encoding (UTF-8 only). shouldExecute and
// unknown keys are errors. Tide does not detect statements that cannot run
// in a transaction as Flyway does for some databases: mark such migrations
// with executeInTransaction=false.
//
// # Placeholders
//
// Unless NoPlaceholderReplacement is set (flyway.placeholderReplacement =
// false), ${name} in a migration is replaced by Placeholders[name] (names
// are case-insensitive) at Read time, as Flyway does; ${flyway:filename} is
// the file name. A placeholder without a value is an error naming the file
// and line, as in Flyway. Flyway's other default placeholders
// (${flyway:defaultSchema}, ${flyway:user}, ...) need a database: give their
// values in Placeholders.
//
// # Baseline migrations
//
// Flyway applies baseline migrations only to an empty schema: it runs the
// latest B<n> instead of every V up to n, then the V after n; on a schema
// that has a history it ignores them. Tide has no such mode, so the choice
// is made when reading:
//
//   - UseBaselines false (the default, for adopting a database that Flyway
//     migrated): B files are checked and left out, as Flyway does on such a
//     database.
//   - UseBaselines true (for creating a database from the folder): the B
//     with the highest version replaces every V (and U) up to its version,
//     as Flyway does on an empty schema.
//
// A FlywayFormat is safe for concurrent use if Placeholders is not modified.
type FlywayFormat struct {
	// Placeholders gives the values of ${name} placeholders (Flyway's
	// flyway.placeholders.name settings).
	Placeholders map[string]string
	// NoPlaceholderReplacement leaves ${...} in the SQL as written.
	NoPlaceholderReplacement bool
	// UseBaselines makes the latest B migration replace the V migrations
	// it covers, as on an empty schema; see [FlywayFormat].
	UseBaselines bool
}

// Flyway is the Flyway format with default settings: placeholders replaced
// (only ${flyway:filename} has a value) and baseline migrations left out.
var Flyway Format = FlywayFormat{}

var _ Writer = FlywayFormat{}

// Name returns "flyway".
func (FlywayFormat) Name() string { return "flyway" }

// FlywayChecksum returns the checksum Flyway stores in
// flyway_schema_history.checksum for a SQL migration with this content.
//
// Flyway (ChecksumCalculator) reads the file as UTF-8 line by line
// (java.io.BufferedReader.readLine, which ends lines at "\n", "\r" or
// "\r\n"), drops a byte order mark at the start of the first line, and feeds
// the UTF-8 bytes of each line, without its terminator, to a CRC-32 (IEEE);
// the stored value is the CRC as a signed 32-bit integer. The lines without
// terminators are the content without any "\r" or "\n" byte, so the
// checksum does not depend on line endings.
//
// Flyway checksums a versioned migration as written; for a repeatable
// migration with placeholder replacement on, it checksums the content after
// replacement. Flyway rejects content that is not valid UTF-8 (with its
// default encoding); FlywayChecksum hashes such bytes as they are.
func FlywayChecksum(content []byte) int32 {
	content = bytes.TrimPrefix(content, []byte("\uFEFF"))
	h := crc32.NewIEEE()
	for len(content) > 0 {
		i := bytes.IndexAny(content, "\r\n")
		if i < 0 {
			h.Write(content)
			break
		}
		h.Write(content[:i])
		content = content[i+1:]
	}
	return int32(h.Sum32())
}

// flywayEvents are the names of Flyway's SQL callbacks.
var flywayEvents = []string{
	"beforeClean", "afterClean", "afterCleanError",
	"beforeMigrate", "beforeEachMigrate", "beforeEachMigrateStatement",
	"afterEachMigrateStatement", "afterEachMigrateStatementError",
	"afterEachMigrate", "afterEachMigrateError", "beforeRepeatables",
	"afterVersioned", "afterMigrateApplied", "afterMigrate", "afterMigrateError",
	"beforeUndo", "beforeEachUndo", "beforeEachUndoStatement",
	"afterEachUndoStatement", "afterEachUndoStatementError", "afterEachUndo",
	"afterEachUndoError", "afterUndo", "afterUndoError",
	"beforeValidate", "afterValidate", "afterValidateError",
	"beforeBaseline", "afterBaseline", "afterBaselineError",
	"beforeRepair", "afterRepair", "afterRepairError",
	"beforeInfo", "afterInfo", "afterInfoError",
	"afterMigrateOperationFinish", "afterInfoOperationFinish",
	"createSchema", "beforeCreateSchema", "beforeConnect", "afterConnect",
}

// flywayFile is a parsed Flyway file name.
type flywayFile struct {
	kind    byte   // 'V', 'U', 'R' or 'B'
	version string // the version as written, "" for R
	desc    string // the description as written
}

// parseFlywayName parses a file name (without folders). It returns ok false
// for a file that Flyway does not take for a migration, and an error for a
// name that looks like a migration or callback but cannot be used.
func parseFlywayName(base string) (f flywayFile, ok bool, err error) {
	if len(base) < 4 || !strings.EqualFold(base[len(base)-4:], ".sql") {
		return flywayFile{}, false, nil
	}
	stem := base[:len(base)-4]
	for _, ev := range flywayEvents {
		if stem == ev || strings.HasPrefix(stem, ev+"__") {
			return flywayFile{}, false, fmt.Errorf("Flyway SQL callback %s: tide does not run callbacks; move the file out of the migrations folder and run its SQL another way", ev)
		}
	}
	if stem == "" {
		return flywayFile{}, false, nil
	}
	kind, rest := stem[0], stem[1:]
	ver, desc, hasSep := strings.Cut(rest, "__")
	switch kind {
	case 'R':
		switch {
		case hasSep && ver == "":
			return flywayFile{kind: 'R', desc: desc}, true, nil
		case hasSep:
			return flywayFile{}, false, fmt.Errorf("a repeatable migration has no version: write R__%s.sql", desc)
		}
		return flywayFile{}, false, nil
	case 'V', 'U', 'B':
		if !hasSep && (rest == "" || rest[0] < '0' || rest[0] > '9') {
			return flywayFile{}, false, nil // not meant as a migration
		}
		if !hasSep {
			return flywayFile{}, false, fmt.Errorf("no \"__\" between version and description: write %c<version>__<description>.sql, for example %c1__add_users.sql", kind, kind)
		}
		if _, err := parseFlywayVersion(ver); err != nil {
			return flywayFile{}, false, err
		}
		return flywayFile{kind: kind, version: ver, desc: desc}, true, nil
	}
	return flywayFile{}, false, nil
}

// parseFlywayVersion parses a Flyway version, whose segments are separated
// by "." or "_".
func parseFlywayVersion(s string) (migration.Version, error) {
	if s == "" {
		return migration.Version{}, errors.New("no version before \"__\"")
	}
	return positiveVersion(strings.ReplaceAll(s, "_", "."))
}

// flywayScript is one migration file read from the folder.
type flywayScript struct {
	flywayFile
	path    string
	version migration.Version
	sql     string // normalised, placeholders replaced
	noTx    bool
}

// Read reads the migrations in fsys and all its subfolders. All problems
// are reported together, each a *ParseError.
func (f FlywayFormat) Read(fsys fs.FS) ([]migration.File, error) {
	var errs []error
	var scripts []*flywayScript
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == "." {
				return err
			}
			errs = append(errs, &migration.ParseError{Path: p, Msg: fmt.Sprintf("read: %v", err)})
			return nil
		}
		if d.IsDir() {
			return nil
		}
		name, ok, err := parseFlywayName(d.Name())
		if err != nil {
			errs = append(errs, &migration.ParseError{Path: p, Msg: err.Error()})
			return nil
		}
		if !ok {
			return nil
		}
		s, err := f.readScript(fsys, p, name)
		if err != nil {
			errs = append(errs, err)
			return nil
		}
		scripts = append(scripts, s)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read migrations directory: %w", err)
	}
	migs, err := f.assemble(scripts)
	errs = append(errs, err)
	return migs, errors.Join(errs...)
}

// readScript reads one migration file and its .conf file.
func (f FlywayFormat) readScript(fsys fs.FS, p string, name flywayFile) (*flywayScript, error) {
	raw, err := fs.ReadFile(fsys, p)
	if err != nil {
		return nil, &migration.ParseError{Path: p, Msg: fmt.Sprintf("read: %v", err)}
	}
	s := &flywayScript{flywayFile: name, path: p, sql: Normalize(string(raw))}
	if name.kind != 'R' {
		s.version, _ = parseFlywayVersion(name.version) // checked by parseFlywayName
	}
	replace := !f.NoPlaceholderReplacement
	conf, err := fs.ReadFile(fsys, p+".conf")
	switch {
	case err == nil:
		noTx, repl, err := parseFlywayConf(p+".conf", conf)
		if err != nil {
			return nil, err
		}
		s.noTx = noTx
		if repl != nil {
			replace = *repl
		}
	case !errors.Is(err, fs.ErrNotExist):
		return nil, &migration.ParseError{Path: p + ".conf", Msg: fmt.Sprintf("read: %v", err)}
	}
	if replace {
		s.sql, err = f.replacePlaceholders(p, s.sql)
		if err != nil {
			return nil, err
		}
	}
	return s, nil
}

// parseFlywayConf reads a script configuration file: Java properties with
// the keys executeInTransaction, placeholderReplacement and encoding.
func parseFlywayConf(p string, content []byte) (noTx bool, replace *bool, err error) {
	for i, line := range strings.Split(Normalize(string(content)), "\n") {
		n := i + 1
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' || line[0] == '!' {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			k, v, ok = strings.Cut(line, ":")
		}
		if !ok {
			return false, nil, &migration.ParseError{Path: p, Line: n, Msg: "expected key=value"}
		}
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		boolean := func() (bool, error) {
			switch strings.ToLower(v) {
			case "true":
				return true, nil
			case "false":
				return false, nil
			}
			return false, &migration.ParseError{Path: p, Line: n, Msg: fmt.Sprintf("%s must be true or false, not %q", k, v)}
		}
		switch k {
		case "executeInTransaction":
			b, err := boolean()
			if err != nil {
				return false, nil, err
			}
			noTx = !b
		case "placeholderReplacement":
			b, err := boolean()
			if err != nil {
				return false, nil, err
			}
			replace = &b
		case "encoding":
			if e := strings.ToLower(strings.ReplaceAll(v, "-", "")); e != "utf8" {
				return false, nil, &migration.ParseError{Path: p, Line: n, Msg: fmt.Sprintf("encoding %s: tide reads migrations as UTF-8; convert the file", v)}
			}
		case "shouldExecute":
			return false, nil, &migration.ParseError{Path: p, Line: n, Msg: "shouldExecute: tide does not run migrations conditionally"}
		default:
			return false, nil, &migration.ParseError{Path: p, Line: n, Msg: fmt.Sprintf("unknown script configuration key %q (known: executeInTransaction, placeholderReplacement, encoding)", k)}
		}
	}
	return noTx, replace, nil
}

// replacePlaceholders replaces every ${name} in sql, as Flyway does.
func (f FlywayFormat) replacePlaceholders(p, sql string) (string, error) {
	if !strings.Contains(sql, "${") {
		return sql, nil
	}
	values := make(map[string]string, len(f.Placeholders)+1)
	for k, v := range f.Placeholders {
		values[strings.ToLower(k)] = v
	}
	values["flyway:filename"] = path.Base(p)
	var b strings.Builder
	rest := sql
	for {
		i := strings.Index(rest, "${")
		if i < 0 {
			b.WriteString(rest)
			return b.String(), nil
		}
		line := 1 + strings.Count(sql[:len(sql)-len(rest)+i], "\n")
		b.WriteString(rest[:i])
		j := strings.Index(rest[i+2:], "}")
		if j < 0 {
			return "", &migration.ParseError{Path: p, Line: line, Msg: "placeholder \"${\" without its closing \"}\" (set placeholderReplacement=false in a .conf file to keep it)"}
		}
		name := rest[i+2 : i+2+j]
		v, ok := values[strings.ToLower(name)]
		if !ok {
			msg := fmt.Sprintf("no value for the placeholder ${%s}: give one with tide --flyway-placeholder %s=VALUE (FlywayFormat.Placeholders in Go), as flyway.placeholders.%s does for Flyway", name, name, name)
			if strings.HasPrefix(strings.ToLower(name), "flyway:") {
				msg = fmt.Sprintf("Flyway's default placeholder ${%s} needs a database connection: give its value in FlywayFormat.Placeholders", name)
			}
			return "", &migration.ParseError{Path: p, Line: line, Msg: msg}
		}
		b.WriteString(v)
		rest = rest[i+2+j+1:]
	}
}

// assemble joins undo files to their versioned migrations, applies the
// baseline choice and sorts the result.
func (f FlywayFormat) assemble(scripts []*flywayScript) ([]migration.File, error) {
	var errs []error
	byKind := map[byte]map[migration.Version]*flywayScript{'V': {}, 'U': {}, 'B': {}}
	var repeatables []migration.File
	for _, s := range scripts {
		if s.kind == 'R' {
			repeatables = append(repeatables, migration.File{
				Name: s.desc, Path: s.path, Repeatable: true, NoTransaction: s.noTx,
				Up: migration.Section{Path: s.path, Line: 1, SQL: s.sql},
			})
			continue
		}
		m := byKind[s.kind]
		if prev := m[s.version]; prev != nil {
			errs = append(errs, &migration.ParseError{Path: s.path, Msg: fmt.Sprintf("version %s is also used by %s: versions must be unique", s.version, prev.path)})
			continue
		}
		m[s.version] = s
	}
	for v, u := range byKind['U'] {
		if byKind['V'][v] == nil {
			errs = append(errs, &migration.ParseError{Path: u.path, Msg: fmt.Sprintf("undo migration without a versioned migration V%s__...sql", u.version)})
		}
	}
	var cut migration.Version // with UseBaselines: the V up to this version are replaced
	var baseline *flywayScript
	if f.UseBaselines {
		for v, b := range byKind['B'] {
			if baseline == nil || v.Compare(cut) > 0 {
				baseline, cut = b, v
			}
		}
	}
	migs := repeatables
	if baseline != nil {
		migs = append(migs, flywayMigration(baseline, nil))
	}
	for v, s := range byKind['V'] {
		if baseline != nil && v.Compare(cut) <= 0 {
			continue
		}
		migs = append(migs, flywayMigration(s, byKind['U'][v]))
	}
	migs, err := sortMigrations(migs)
	errs = append(errs, err)
	return migs, errors.Join(errs...)
}

// flywayMigration makes the migration of a V (or B) file and its U file.
func flywayMigration(s, undo *flywayScript) migration.File {
	m := migration.File{
		Version: s.version, Name: s.desc, Path: s.path, NoTransaction: s.noTx,
		Up: migration.Section{Path: s.path, Line: 1, SQL: s.sql},
	}
	if undo != nil {
		m.Down = &migration.Section{Path: undo.path, Line: 1, SQL: undo.sql}
		m.NoTransaction = m.NoTransaction || undo.noTx
	}
	return m
}

// Files writes migs as V<version>__<name>.sql, U<version>__<name>.sql for
// down sections and R__<name>.sql for repeatable migrations, with a .conf
// file setting executeInTransaction=false for no-transaction migrations. A
// file whose SQL holds "${" gets placeholderReplacement=false in its .conf
// file (when placeholders are replaced), so that it runs as written.
func (f FlywayFormat) Files(migs []migration.File) (map[string][]byte, error) {
	files := make(map[string][]byte, len(migs))
	var errs []error
	add := func(m migration.File, name, sql string) {
		if _, dup := files[name]; dup {
			errs = append(errs, writeErrorf(m, "flyway", "a second file %s", name))
			return
		}
		files[name] = []byte(sectionText(sql))
		var conf strings.Builder
		if m.NoTransaction {
			conf.WriteString("executeInTransaction=false\n")
		}
		if !f.NoPlaceholderReplacement && strings.Contains(sql, "${") {
			conf.WriteString("placeholderReplacement=false\n")
		}
		if conf.Len() > 0 {
			files[name+".conf"] = []byte(conf.String())
		}
	}
	for _, m := range migs {
		if strings.Contains(m.Name, "/") {
			errs = append(errs, writeErrorf(m, "flyway", "the name holds a \"/\""))
			continue
		}
		if m.Repeatable {
			if m.Down != nil {
				errs = append(errs, writeErrorf(m, "flyway", "Flyway repeatable migrations have no undo file (drop the down section first if it can be lost)"))
				continue
			}
			add(m, "R__"+m.Name+".sql", sectionSQL(m.Up))
			continue
		}
		if m.Version.IsZero() {
			errs = append(errs, writeErrorf(m, "flyway", "the migration has no version"))
			continue
		}
		v := flywayVersionText(m)
		add(m, "V"+v+"__"+m.Name+".sql", sectionSQL(m.Up))
		if m.Down != nil {
			add(m, "U"+v+"__"+m.Name+".sql", sectionSQL(*m.Down))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if err := checkWritten(f, files, migs, nil); err != nil {
		return nil, err
	}
	return files, nil
}

// flywayVersionText returns the version of m as its file name wrote it
// (V1_2__x.sql, 0001_x.sql) when that denotes the same version, and its
// canonical form otherwise.
func flywayVersionText(m migration.File) string {
	base := path.Base(m.Path)
	candidates := []string{}
	if len(base) > 1 && strings.ContainsRune("VUB", rune(base[0])) {
		if ver, _, ok := strings.Cut(base[1:], "__"); ok {
			candidates = append(candidates, ver)
		}
	}
	candidates = append(candidates, base[:len(base)-len(strings.TrimLeft(base, "0123456789"))])
	for _, c := range candidates {
		if v, err := parseFlywayVersion(c); err == nil && v == m.Version {
			return c
		}
	}
	return m.Version.String()
}

// FlywayBaselines lists the baseline migration files (B<version>__*.sql)
// of a Flyway folder, which [FlywayFormat] leaves out unless UseBaselines
// is set. Unreadable entries are skipped: Read reports them.
func FlywayBaselines(fsys fs.FS) []string {
	var paths []string
	_ = fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if name, ok, _ := parseFlywayName(d.Name()); ok && name.kind == 'B' {
				paths = append(paths, p)
			}
		}
		return nil
	})
	return paths
}

// NoTransactionMarker says how a Flyway script asks to run outside a
// transaction.
func (FlywayFormat) NoTransactionMarker() string {
	return `add executeInTransaction=false to the script's .conf file`
}

// DetectsNoTransaction reports that Flyway runs a script outside a
// transaction when one of its statements cannot run in one; tide does the
// same.
func (FlywayFormat) DetectsNoTransaction() bool { return true }
