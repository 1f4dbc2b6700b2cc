package mysql

import (
	"slices"
	"strings"

	"github.com/tidemigrate/tide/dialect"
)

// transactional lists the leading keywords of statements that do not commit
// implicitly. Everything else is treated as DDL: a statement tide does not
// know is run as if it committed, which is the safe assumption.
var transactional = []string{
	"INSERT", "UPDATE", "DELETE", "REPLACE", "SELECT", "WITH", "DO",
	"VALUES", "TABLE", "HANDLER", "SAVEPOINT", "RELEASE", "LOAD",
}

// CommitsImplicitly reports whether stmt ends the open transaction: DDL,
// account management, LOCK TABLES, transaction control and other
// administrative statements do. CREATE/DROP TEMPORARY TABLE do not.
// Executable comments (/*!50001 ... */, MariaDB's /*M!100100 ... */, as
// mysqldump writes them) are read as the server runs them, SET STATEMENT
// ... FOR is classified by the statement after FOR, and a statement whose
// first keyword cannot be read counts as committing.
func (Dialect) CommitsImplicitly(stmt string) bool {
	kw := keywords(stmt, 2)
	if len(kw) == 2 && kw[0] == "SET" && kw[1] == "STATEMENT" {
		rest, ok := afterFor(stmt)
		if !ok {
			return true
		}
		return Dialect{}.CommitsImplicitly(rest)
	}
	if len(kw) == 0 {
		return true
	}
	if (kw[0] == "CREATE" || kw[0] == "DROP") && len(kw) > 1 && kw[1] == "TEMPORARY" {
		return false
	}
	if kw[0] == "SET" {
		// SET of variables is transactional; SET autocommit and SET
		// TRANSACTION interact with the transaction: treat them as commits.
		return len(kw) > 1 && (kw[1] == "AUTOCOMMIT" || kw[1] == "TRANSACTION" || kw[1] == "PASSWORD" || kw[1] == "ROLE" || kw[1] == "DEFAULT")
	}
	return !slices.Contains(transactional, kw[0])
}

// keywords returns the first n keywords of stmt, upper-cased, as the
// server reads them: comments are skipped, but the text of an executable
// comment (/*!NNNNN ... */ or /*M!NNNNNN ... */) is read.
func keywords(stmt string, n int) []string {
	return dialect.Keywords(stmt, n, skipToToken)
}

// skipToToken skips whitespace, comments, the openers of executable
// comments (with their version numbers) and their closers.
func skipToToken(s string) string {
	for {
		s = strings.TrimLeft(s, " \t\r\n\f\v")
		switch {
		case strings.HasPrefix(s, "/*!"), strings.HasPrefix(s, "/*M!"), strings.HasPrefix(s, "/*m!"):
			s = s[strings.IndexByte(s, '!')+1:]
			s = strings.TrimLeft(s, "0123456789")
		case strings.HasPrefix(s, "*/"):
			s = s[2:]
		case strings.HasPrefix(s, "--"), strings.HasPrefix(s, "#"):
			i := strings.IndexByte(s, '\n')
			if i < 0 {
				return ""
			}
			s = s[i+1:]
		case strings.HasPrefix(s, "/*"):
			i := strings.Index(s[2:], "*/")
			if i < 0 {
				return ""
			}
			s = s[i+4:]
		default:
			return s
		}
	}
}

// afterFor returns the statement after the FOR of "SET STATEMENT var = value
// [, ...] FOR statement", skipping quoted values.
func afterFor(stmt string) (string, bool) {
	s := stmt
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\'' || c == '"' || c == '`':
			j := strings.IndexByte(s[i+1:], c)
			if j < 0 {
				return "", false
			}
			i += j + 1
		case (c == 'F' || c == 'f') && i+3 <= len(s) && strings.EqualFold(s[i:i+3], "FOR") &&
			(i == 0 || !isWord(s[i-1])) && (i+3 == len(s) || !isWord(s[i+3])):
			return s[i+3:], true
		}
	}
	return "", false
}

func isWord(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}
