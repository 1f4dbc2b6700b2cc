package source

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"strings"

	"github.com/tidemigrate/tide/migration"
)

// DbmatePrefix is the marker prefix of dbmate files: "-- migrate:up".
const DbmatePrefix = "migrate:"

// Dbmate is the format of amacneil/dbmate: one file per migration at the
// root of the folder, named <version>_<name>.sql (the version is the
// leading digits), with the sections
//
//	-- migrate:up
//	CREATE TABLE users (id bigint PRIMARY KEY);
//
//	-- migrate:down
//	DROP TABLE users;
//
// Only comments may come before "-- migrate:up". The option
// "transaction:false" on either marker sets [Migration.NoTransaction]: tide
// runs a whole migration in or out of a transaction, while dbmate decides
// per section, so one section without a transaction takes the whole
// migration out of it.
//
// dbmate writes an empty down section in every new file. A down section
// that holds only white space reads as no down section (Down is nil): tide
// then refuses to roll the migration back, where dbmate would run nothing
// and forget it. Files without a down marker, which dbmate rejects, are
// accepted the same way. Several up/down pairs in one file (a recent dbmate
// feature) are reported as an error.
//
// dbmate orders files by version text; tide orders versions numerically,
// which is the same for versions of one width, such as timestamps.
var Dbmate Format = dbmateFormat{}

var _ Writer = dbmateFormat{}

type dbmateFormat struct{}

// dbmateName matches dbmate's file names: leading digits, anything, .sql.
var dbmateName = regexp.MustCompile(`^([0-9]+)(.*)\.sql$`)

// Name returns "dbmate".
func (dbmateFormat) Name() string { return "dbmate" }

// Read reads every *.sql file at the root of fsys. All problems are
// reported together, each a *ParseError.
func (dbmateFormat) Read(fsys fs.FS) ([]migration.File, error) {
	return readFiles(fsys, func(name string) (bool, error) {
		return path.Ext(name) == ".sql", nil
	}, parseDbmate)
}

// parseDbmate parses one dbmate file; name is its path in the folder.
func parseDbmate(name string, content []byte) (migration.File, error) {
	match := dbmateName.FindStringSubmatch(path.Base(name))
	if match == nil {
		return migration.File{}, &migration.ParseError{Path: name, Msg: "dbmate file name must start with its version, for example 20260101120000_add_users.sql"}
	}
	v, err := positiveVersion(match[1])
	if err != nil {
		return migration.File{}, &migration.ParseError{Path: name, Msg: err.Error()}
	}
	m := migration.File{Version: v, Name: strings.TrimPrefix(match[2], "_"), Path: name}

	var (
		up, down *migration.Section
		cur      *migration.Section
		body     strings.Builder
	)
	flush := func() {
		if cur != nil {
			cur.SQL = body.String()
		}
		body.Reset()
	}
	lines := strings.SplitAfter(Normalize(string(content)), "\n")
	for i, line := range lines {
		n := i + 1
		mk, ok := ParseMarker(line, DbmatePrefix)
		if !ok || (mk.Name != "up" && mk.Name != "down") {
			// dbmate takes any other "-- migrate:..." line for a comment.
			if cur == nil {
				if t := strings.TrimSpace(line); t != "" && !strings.HasPrefix(t, "--") {
					return migration.File{}, &migration.ParseError{Path: name, Line: n, Msg: "SQL before \"-- migrate:up\": dbmate allows only comments there"}
				}
				continue
			}
			body.WriteString(line)
			continue
		}
		switch {
		case mk.Name == "up" && up != nil:
			return migration.File{}, &migration.ParseError{Path: name, Line: n, Msg: fmt.Sprintf("second \"-- migrate:up\" (the first is at line %d): tide reads one up and one down section per dbmate file", up.Line-1)}
		case mk.Name == "down" && up == nil:
			return migration.File{}, &migration.ParseError{Path: name, Line: n, Msg: "\"-- migrate:down\" before \"-- migrate:up\""}
		case mk.Name == "down" && down != nil:
			return migration.File{}, &migration.ParseError{Path: name, Line: n, Msg: fmt.Sprintf("second \"-- migrate:down\" (the first is at line %d)", down.Line-1)}
		}
		if tx, ok := mk.Option("transaction"); ok && tx == "false" {
			m.NoTransaction = true
		}
		flush()
		cur = &migration.Section{Path: name, Line: n + 1}
		if mk.Name == "up" {
			up = cur
		} else {
			down = cur
		}
	}
	flush()
	if up == nil {
		return migration.File{}, &migration.ParseError{Path: name, Msg: "no \"-- migrate:up\" section: every dbmate migration needs one"}
	}
	m.Up = *up
	if down != nil && strings.TrimSpace(down.SQL) != "" {
		m.Down = down
	}
	return m, nil
}

// Files writes migs as dbmate files <version>_<name>.sql, padding the
// versions with zeros to one width because dbmate orders them as text. A
// migration without a down section gets an empty one (which reads back as
// none); a no-transaction migration gets "transaction:false" on both
// markers.
func (f dbmateFormat) Files(migs []migration.File) (map[string][]byte, error) {
	versions := make([]string, len(migs))
	var errs []error
	for i, m := range migs {
		v, err := integerVersion(m, "dbmate", "")
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if m.Down != nil && strings.TrimSpace(m.Down.SQL) == "" {
			errs = append(errs, writeErrorf(m, "dbmate", "an empty down section reads as no down section in dbmate files"))
			continue
		}
		versions[i] = v
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	padVersions(versions)
	files := make(map[string][]byte, len(migs))
	for i, m := range migs {
		opt := ""
		if m.NoTransaction {
			opt = " transaction:false"
		}
		var b strings.Builder
		b.WriteString("-- migrate:up" + opt + "\n")
		b.WriteString(sectionText(sectionSQL(m.Up)))
		b.WriteString("\n-- migrate:down" + opt + "\n")
		if m.Down != nil {
			b.WriteString(sectionText(sectionSQL(*m.Down)))
		}
		files[versions[i]+"_"+m.Name+".sql"] = []byte(b.String())
	}
	if err := checkWritten(f, files, migs, nil); err != nil {
		return nil, err
	}
	return files, nil
}

// NoTransactionMarker says how a dbmate file asks to run outside a
// transaction.
func (dbmateFormat) NoTransactionMarker() string {
	return `write "-- migrate:up transaction:false"`
}
