package postgres

import (
	"context"
	"fmt"
	"strings"

	"github.com/tidemigrate/tide/dialect"
)

var _ dialect.ConcurrentIndexer = Dialect{}

// ConcurrentIndex returns the index name of CREATE [UNIQUE] INDEX
// CONCURRENTLY [IF NOT EXISTS] name ON ..., as written.
func (Dialect) ConcurrentIndex(stmt string) (string, bool) {
	w := words(stmt, 4)
	if len(w) < 3 || w[0] != "CREATE" {
		return "", false
	}
	i := 1
	if w[i] == "UNIQUE" {
		i++
	}
	if i+1 >= len(w) || w[i] != "INDEX" || w[i+1] != "CONCURRENTLY" {
		return "", false
	}
	// Find the text after CONCURRENTLY in the statement itself, to keep
	// the name's quoting.
	rest := afterWord(stmt, "CONCURRENTLY")
	rest = strings.TrimSpace(rest)
	if up := strings.ToUpper(rest); strings.HasPrefix(up, "IF NOT EXISTS") {
		rest = strings.TrimSpace(rest[len("IF NOT EXISTS"):])
	}
	name := indexName(rest)
	if name == "" || strings.EqualFold(name, "ON") {
		return "", false // the database names the index
	}
	return name, true
}

// afterWord returns stmt after the first occurrence of the keyword word
// (case-insensitive, as a whole word).
func afterWord(stmt, word string) string {
	up := strings.ToUpper(stmt)
	for from := 0; ; {
		i := strings.Index(up[from:], word)
		if i < 0 {
			return ""
		}
		i += from
		end := i + len(word)
		if (i == 0 || !isWord(up[i-1])) && (end == len(up) || !isWord(up[end])) {
			return stmt[end:]
		}
		from = end
	}
}

// indexName reads a possibly quoted, possibly schema-qualified name at the
// start of s.
func indexName(s string) string {
	var b strings.Builder
	for {
		if strings.HasPrefix(s, `"`) {
			j := 1
			for j < len(s) {
				if s[j] == '"' {
					if j+1 < len(s) && s[j+1] == '"' {
						j += 2
						continue
					}
					break
				}
				j++
			}
			if j >= len(s) {
				return ""
			}
			b.WriteString(s[:j+1])
			s = s[j+1:]
		} else {
			j := 0
			for j < len(s) && (isWord(s[j]) || s[j] == '$' || s[j] >= 0x80) {
				j++
			}
			if j == 0 {
				return ""
			}
			b.WriteString(s[:j])
			s = s[j:]
		}
		if !strings.HasPrefix(s, ".") {
			return b.String()
		}
		b.WriteByte('.')
		s = s[1:]
	}
}

// IndexValid looks the index up through search_path, as the statement
// that built it did.
func (Dialect) IndexValid(ctx context.Context, q dialect.Querier, name string) (exists, valid bool, err error) {
	var v *bool
	err = q.QueryRowContext(ctx, `SELECT (SELECT indisvalid FROM pg_index WHERE indexrelid = to_regclass($1))`, name).Scan(&v)
	if err != nil {
		return false, false, fmt.Errorf("look up index %s: %w", name, err)
	}
	if v == nil {
		return false, false, nil
	}
	return true, *v, nil
}

// DropIndexConcurrently drops the index, if it exists, without blocking
// writes. name is used as written in the migration (already quoted where
// it needs to be).
func (Dialect) DropIndexConcurrently(ctx context.Context, q dialect.Querier, name string) error {
	if _, err := q.ExecContext(ctx, `DROP INDEX CONCURRENTLY IF EXISTS `+name); err != nil {
		return fmt.Errorf("drop invalid index %s: %w", name, err)
	}
	return nil
}
