package postgres

import (
	"slices"
	"strings"

	"github.com/tidemigrate/tide/dialect"
)

var _ dialect.NoTransactionDetector = Dialect{}

// NeedsNoTransaction reports the statements PostgreSQL refuses inside a
// transaction block: CREATE/DROP INDEX CONCURRENTLY, REINDEX ...
// CONCURRENTLY, REINDEX DATABASE/SYSTEM, VACUUM, CREATE/DROP DATABASE,
// CREATE/DROP TABLESPACE and ALTER SYSTEM.
func (Dialect) NeedsNoTransaction(stmt string) bool {
	if s := strings.TrimLeft(stmt, " \t\r\n\f\v"); s != "" && isWord(s[0]) {
		i := 0
		for i < len(s) && isWord(s[i]) {
			i++
		}
		if !slices.ContainsFunc([]string{"VACUUM", "CREATE", "DROP", "REINDEX", "ALTER"},
			func(k string) bool { return strings.EqualFold(s[:i], k) }) {
			return false // most statements, without allocating
		}
	}
	w := words(stmt, 6)
	if len(w) < 1 {
		return false
	}
	at := func(i int) string {
		if i < len(w) {
			return w[i]
		}
		return ""
	}
	switch w[0] {
	case "VACUUM":
		return true
	case "CREATE":
		i := 1
		if at(i) == "UNIQUE" {
			i++
		}
		return at(i) == "INDEX" && at(i+1) == "CONCURRENTLY" || at(1) == "DATABASE" || at(1) == "TABLESPACE"
	case "DROP":
		return at(1) == "INDEX" && at(2) == "CONCURRENTLY" || at(1) == "DATABASE" || at(1) == "TABLESPACE"
	case "REINDEX":
		return slices.Contains(w, "CONCURRENTLY") || slices.Contains(w[1:min(len(w), 4)], "DATABASE") || slices.Contains(w[1:min(len(w), 4)], "SYSTEM")
	case "ALTER":
		return at(1) == "SYSTEM"
	}
	return false
}

// words returns up to n leading words of stmt, upper-cased, skipping
// comments and the punctuation between words (REINDEX (VERBOSE) INDEX).
func words(stmt string, n int) []string {
	var out []string
	s := stmt
	for len(out) < n && s != "" {
		switch {
		case strings.HasPrefix(s, "--"):
			i := strings.IndexByte(s, '\n')
			if i < 0 {
				return out
			}
			s = s[i+1:]
		case strings.HasPrefix(s, "/*"):
			i := strings.Index(s[2:], "*/")
			if i < 0 {
				return out
			}
			s = s[i+4:]
		case isWord(s[0]):
			i := 0
			for i < len(s) && isWord(s[i]) {
				i++
			}
			out = append(out, strings.ToUpper(s[:i]))
			s = s[i:]
		case s[0] == '"' || s[0] == '\'':
			// A quoted name or string ends the keywords.
			return out
		default:
			s = s[1:]
		}
	}
	return out
}

func isWord(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}
