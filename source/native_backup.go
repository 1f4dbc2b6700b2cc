package source

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/tidemigrate/tide/migration"
)

// parseBackupMarker reads one "-- +tide backup TABLE [TABLE...]" or
// "-- +tide backup none" line (line n, text line) of a native file into m.
// Like no-transaction, it belongs to the header: afterSection reports that
// a section has begun. Several lines add up; none excludes tables.
func parseBackupMarker(m *migration.File, line string, n int, afterSection bool) error {
	fail := func(format string, args ...any) error {
		return &migration.ParseError{Path: m.Path, Line: n, Msg: fmt.Sprintf(format, args...)}
	}
	if afterSection {
		return fail(`"-- +tide backup" must come before the up section`)
	}
	// The words after the directive, read again from the line so that a
	// quoted name keeps its spaces.
	rest := line[strings.Index(strings.ToLower(line), "backup")+len("backup"):]
	names, err := splitNames(rest)
	if err != nil {
		return fail("-- +tide backup: %v", err)
	}
	if len(names) == 0 {
		return fail(`"-- +tide backup" needs the tables to copy before the up section runs ("-- +tide backup users orders"), or "none" to turn automatic backups off`)
	}
	if m.Backup.Line == 0 {
		m.Backup.Line = n
	}
	for _, name := range names {
		if strings.EqualFold(name, "none") {
			m.Backup.None = true
			continue
		}
		if msg := checkTableName(name); msg != "" {
			return fail("-- +tide backup: %q %s", name, msg)
		}
		m.Backup.Tables = append(m.Backup.Tables, name)
	}
	if m.Backup.None && len(m.Backup.Tables) > 0 {
		return fail(`"-- +tide backup none" turns backups off, but this migration also names tables to copy (%s): keep one`, strings.Join(m.Backup.Tables, ", "))
	}
	return nil
}

// splitNames splits the words of a backup marker at spaces and commas
// outside quotes.
func splitNames(s string) ([]string, error) {
	var names []string
	var b strings.Builder
	var quote byte // the closing quote of the quoted part being read, or 0
	flush := func() {
		if b.Len() > 0 {
			names = append(names, b.String())
			b.Reset()
		}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '`':
			quote = c
		case c == '[':
			quote = ']'
		case c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ',':
			flush()
			continue
		}
		b.WriteByte(c)
	}
	if quote != 0 {
		return nil, fmt.Errorf("%s is not a table name: its quote %c is not closed", strings.TrimSpace(b.String()), quote)
	}
	flush()
	return names, nil
}

// checkTableName returns what is wrong with a table name of a backup
// marker, or "": one name, or two joined by a dot (schema.table), each a
// bare word or quoted with ", ` or [] (a doubled quote stands for itself).
func checkTableName(name string) string {
	parts := 0
	for s := name; ; {
		rest, ok := cutNamePart(s)
		if !ok {
			return "is not a table name: write a name, or schema.table, quoted with \" or ` where it needs it"
		}
		parts++
		if rest == "" {
			break
		}
		if rest[0] != '.' || parts == 2 {
			return "is not a table name: write a name, or schema.table, quoted with \" or ` where it needs it"
		}
		s = rest[1:]
	}
	return ""
}

// cutNamePart reads one part of a dotted name at the start of s and returns
// what follows it.
func cutNamePart(s string) (rest string, ok bool) {
	if s == "" {
		return "", false
	}
	if q := s[0]; q == '"' || q == '`' || q == '[' {
		closing := q
		if q == '[' {
			closing = ']'
		}
		for i := 1; i < len(s); i++ {
			if s[i] != closing {
				continue
			}
			if closing != ']' && i+1 < len(s) && s[i+1] == closing {
				i++
				continue
			}
			return s[i+1:], i > 1
		}
		return "", false
	}
	for i, r := range s {
		if r == '.' {
			return s[i:], i > 0
		}
		if !(r == '_' || r == '$' || unicode.IsLetter(r) || unicode.IsDigit(r)) || (i == 0 && (r == '$' || unicode.IsDigit(r))) {
			return "", false
		}
	}
	return "", true
}
