package dialect

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// QuoteParts quotes each dot-separated part of name with the quote
// character q, doubling any q inside a part. It is the building block of
// the dialects' QuoteIdent.
func QuoteParts(name string, q byte) string {
	parts := strings.Split(name, ".")
	for i, p := range parts {
		parts[i] = string(q) + strings.ReplaceAll(p, string(q), string(q)+string(q)) + string(q)
	}
	return strings.Join(parts, ".")
}

// SplitQualified splits "schema.table" into its parts; schema is "" for an
// unqualified name.
func SplitQualified(name string) (schema, table string) {
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		return name[:i], name[i+1:]
	}
	return "", name
}

// FirstKeywords returns up to n leading words of stmt, upper-cased, after
// skipping comments and whitespace. Words are runs of letters, digits and
// underscores; anything else ends the scan.
func FirstKeywords(stmt string, n int) []string {
	return Keywords(stmt, n, skipSpaceAndComments)
}

// FirstKeyword returns the first word of stmt as written (not
// upper-cased), skipping what [FirstKeywords] skips; "" when stmt starts
// with no word. It does not allocate: it rules out most statements before
// a closer look, on every statement of every migration file.
func FirstKeyword(stmt string) string {
	s := skipSpaceAndComments(stmt)
	i := 0
	for i < len(s) && isWordByte(s[i]) {
		i++
	}
	return s[:i]
}

// Keywords is [FirstKeywords] with the dialect's own rule for what to skip
// before each word (MySQL reads inside its executable comments).
func Keywords(stmt string, n int, skip func(string) string) []string {
	var words []string
	s := stmt
	for len(words) < n {
		s = skip(s)
		i := 0
		for i < len(s) && isWordByte(s[i]) {
			i++
		}
		if i == 0 {
			break
		}
		words = append(words, strings.ToUpper(s[:i]))
		s = s[i:]
	}
	return words
}

func isWordByte(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func skipSpaceAndComments(s string) string {
	for {
		s = strings.TrimLeft(s, " \t\r\n\f\v")
		switch {
		case strings.HasPrefix(s, "--"), strings.HasPrefix(s, "#"):
			i := strings.IndexByte(s, '\n')
			if i < 0 {
				return ""
			}
			s = s[i+1:]
		case strings.HasPrefix(s, "/*") && !strings.HasPrefix(s, "/*!"):
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

// IsTransactionControl reports whether stmt begins, ends or aborts a
// transaction (BEGIN, START TRANSACTION, COMMIT, END, ROLLBACK, ABORT,
// PREPARE TRANSACTION). ROLLBACK TO a savepoint does not, nor does
// MariaDB's compound statement BEGIN NOT ATOMIC.
func IsTransactionControl(stmt string) bool {
	first := FirstKeyword(stmt)
	if !slices.ContainsFunc([]string{"BEGIN", "START", "COMMIT", "END", "ABORT", "ROLLBACK", "PREPARE"},
		func(k string) bool { return strings.EqualFold(first, k) }) {
		return false // most statements, without allocating
	}
	kw := FirstKeywords(stmt, 2)
	if len(kw) == 0 {
		return false
	}
	next := ""
	if len(kw) > 1 {
		next = kw[1]
	}
	switch kw[0] {
	case "BEGIN":
		return next != "NOT" && next != "ATOMIC"
	case "START":
		return next == "TRANSACTION"
	case "COMMIT", "END", "ABORT":
		return true
	case "ROLLBACK":
		return next != "TO"
	case "PREPARE":
		return next == "TRANSACTION"
	}
	return false
}

// DescribeSessions runs query, which returns for each session its id, its
// user, where it comes from, what it is doing, how long its transaction
// has been open (in milliseconds) and its query, and describes them for a
// message, "; "-separated. The dialects' BlockerFinder implementations
// share it.
func DescribeSessions(ctx context.Context, q Querier, query string, args ...any) (string, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return "", fmt.Errorf("list blocking sessions: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id, user, from, doing, sql string
		var ms int64
		if err := rows.Scan(&id, &user, &from, &doing, &ms, &sql); err != nil {
			return "", fmt.Errorf("list blocking sessions: %w", err)
		}
		out = append(out, fmt.Sprintf("%s (user %s, %s, %s, transaction open %s: %s)",
			id, user, from, doing, (time.Duration(ms)*time.Millisecond).String(), strings.Join(strings.Fields(sql), " ")))
	}
	return strings.Join(out, "; "), rows.Err()
}
