package mysql

import (
	"database/sql"
	"regexp"
	"strconv"
	"strings"
)

// This file holds the rules that turn what MySQL and MariaDB report into
// the one spelling the schema model compares. Each rule is stated where it
// is applied; the inspector's doc comment lists them all.

// intWidth matches an integer type with a display width: "int(11)",
// "bigint(20) unsigned", "tinyint(1)".
var intWidth = regexp.MustCompile(`^(tinyint|smallint|mediumint|int|bigint)\((\d+)\)(.*)$`)

// normType returns a column or parameter type in one spelling on both
// servers: lower case; integer display widths dropped, since MySQL 8.0.19
// no longer prints them and they change nothing stored (MariaDB prints
// "int(11)", MySQL "int"), except in tinyint(1), the spelling of BOOLEAN
// that both keep, and with ZEROFILL, where the width pads; "year(4)" is
// "year".
func normType(t string) string {
	t = strings.ToLower(strings.TrimSpace(t))
	if m := intWidth.FindStringSubmatch(t); m != nil && !strings.Contains(m[3], "zerofill") &&
		(m[1] != "tinyint" || m[2] != "1") {
		t = m[1] + m[3]
	}
	if t == "year(4)" {
		t = "year"
	}
	return t
}

// nowFunc matches the current-time defaults and ON UPDATE clauses, as
// MariaDB ("current_timestamp()", "current_timestamp(3)") and MySQL
// ("CURRENT_TIMESTAMP", "CURRENT_TIMESTAMP(3)") print them, and their
// synonyms.
var nowFunc = regexp.MustCompile(`(?i)^(current_timestamp|now|localtime|localtimestamp)(?:\((\d*)\))?$`)

// canonicalNow returns "CURRENT_TIMESTAMP" or "CURRENT_TIMESTAMP(n)" for a
// current-time expression, or "" for anything else. A precision of 0 is
// the default one and is left out.
func canonicalNow(s string) string {
	m := nowFunc.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return ""
	}
	if m[2] == "" || m[2] == "0" {
		return "CURRENT_TIMESTAMP"
	}
	return "CURRENT_TIMESTAMP(" + m[2] + ")"
}

// onUpdate matches the ON UPDATE clause in information_schema's EXTRA.
var onUpdate = regexp.MustCompile(`(?i)on update ([a-z_]+(?:\(\d*\))?)`)

// normOnUpdate returns the ON UPDATE expression of a column from its EXTRA
// ("on update current_timestamp(3)" on MariaDB, "DEFAULT_GENERATED on
// update CURRENT_TIMESTAMP(3)" on MySQL), in [canonicalNow]'s spelling.
func normOnUpdate(extra string) string {
	m := onUpdate.FindStringSubmatch(extra)
	if m == nil {
		return ""
	}
	if now := canonicalNow(m[1]); now != "" {
		return now
	}
	return m[1]
}

// number matches a numeric literal.
var number = regexp.MustCompile(`^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$`)

// bitOrHex matches MySQL's bit and hexadecimal literals: b'0101', x'4142',
// 0x4142.
var bitOrHex = regexp.MustCompile(`^([bBxX]'[0-9a-fA-F]*'|0x[0-9a-fA-F]+|0b[01]+)$`)

// numericTypes are the DATA_TYPEs whose literal defaults MySQL 8 reports
// bare and that take them bare.
var numericTypes = map[string]bool{
	"tinyint": true, "smallint": true, "mediumint": true, "int": true, "integer": true, "bigint": true,
	"decimal": true, "numeric": true, "float": true, "double": true, "real": true, "bit": true, "year": true,
}

// binaryTypes are the DATA_TYPEs whose defaults MySQL 8 may report as
// hexadecimal literals.
var binaryTypes = map[string]bool{
	"binary": true, "varbinary": true, "tinyblob": true, "blob": true, "mediumblob": true, "longblob": true,
}

// normDefault returns a column's default in the model's spelling: "" for
// none and for NULL; a literal as SQL (quoted strings, bare numbers, bit
// and hex literals as written); CURRENT_TIMESTAMP[(n)]; any other
// expression in parentheses, as both servers accept it in DDL.
//
// MariaDB (10.2.7 and later) reports defaults as SQL: 'text' quoted, NULL
// as the word NULL, expressions as printed. MySQL reports literals
// unquoted, NULL as SQL NULL, and expressions (EXTRA has DEFAULT_GENERATED)
// escaped once more, as in a string literal (_utf8mb4\'x\').
func normDefault(raw sql.NullString, extra, dataType string, mariadb bool) string {
	if !raw.Valid {
		return ""
	}
	s := raw.String
	if now := canonicalNow(s); now != "" {
		return now
	}
	if mariadb {
		switch {
		case s == "NULL":
			return ""
		case isStringLiteral(s), number.MatchString(s), bitOrHex.MatchString(s):
			return s
		}
		return "(" + stripParens(s) + ")"
	}
	if strings.Contains(strings.ToUpper(extra), "DEFAULT_GENERATED") {
		return "(" + stripParens(unescapeMySQL(s)) + ")"
	}
	switch dt := strings.ToLower(dataType); {
	case numericTypes[dt] && (number.MatchString(s) || bitOrHex.MatchString(s)):
		return s
	case binaryTypes[dt] && bitOrHex.MatchString(s):
		return s // MySQL prints a binary default as 0x6162
	}
	return quoteString(s)
}

// quoteString quotes s as a MySQL string literal, as MariaDB prints one:
// quotes doubled, backslashes escaped.
func quoteString(s string) string {
	s = strings.ReplaceAll(s, `\`, `\\`)
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

// isStringLiteral reports whether s is exactly one quoted string literal.
func isStringLiteral(s string) bool {
	if len(s) < 2 || s[0] != '\'' {
		return false
	}
	return skipQuoted(s, 0) == len(s)
}

// unescapeMySQL undoes the extra escaping MySQL 8 applies to expressions
// in information_schema (CHECK_CLAUSE, GENERATION_EXPRESSION, default and
// index expressions): there a string literal 'x' reads _utf8mb4\'x\'. The
// text is left alone when it has no escaped quote, which is the case on
// MariaDB and for expressions without strings.
func unescapeMySQL(s string) string {
	if !strings.Contains(s, `\'`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// skipQuoted returns the index just past the quoted run that starts at
// s[i] (a string in ' or ", an identifier in `), honouring doubled quotes
// and, in strings, backslash escapes. An unterminated run ends at len(s).
func skipQuoted(s string, i int) int {
	q := s[i]
	for j := i + 1; j < len(s); j++ {
		switch {
		case s[j] == '\\' && q != '`':
			j++
		case s[j] == q:
			if j+1 < len(s) && s[j+1] == q {
				j++
				continue
			}
			return j + 1
		}
	}
	return len(s)
}

// stripParens removes the parentheses that enclose all of s, as many
// layers as there are: MySQL prints "(`a` > 0)" where MariaDB prints
// "`a` > 0", and a default (1 + 2) may come back with or without them.
func stripParens(s string) string {
	for {
		s = strings.TrimSpace(s)
		if len(s) < 2 || s[0] != '(' || closing(s, 0) != len(s)-1 {
			return s
		}
		s = s[1 : len(s)-1]
	}
}

// closing returns the index of the parenthesis that closes the one at
// s[open], skipping quoted runs, or -1 when it is not closed.
func closing(s string, open int) int {
	depth := 0
	for i := open; i < len(s); {
		switch s[i] {
		case '\'', '"', '`':
			i = skipQuoted(s, i)
			continue
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return i
			}
		}
		i++
	}
	return -1
}

// unqualify removes the qualifier `schema`. from the names in a view's
// query: both servers print every table and column qualified with the
// database (`app`.`users`.`id`), which would make the same view differ
// between two databases. Only a qualifier at the start of a name is
// removed (not `x` in `t`.`x`.`c`), and never inside a string.
func unqualify(def, schema string) string {
	prefix := quoteIdent(schema) + "."
	var b strings.Builder
	for i := 0; i < len(def); {
		switch c := def[i]; c {
		case '\'', '"':
			j := skipQuoted(def, i)
			b.WriteString(def[i:j])
			i = j
		case '`':
			if strings.HasPrefix(def[i:], prefix) && (i == 0 || def[i-1] != '.') {
				i += len(prefix)
				continue
			}
			j := skipQuoted(def, i)
			b.WriteString(def[i:j])
			i = j
		default:
			b.WriteByte(c)
			i++
		}
	}
	return b.String()
}

// definer matches the DEFINER clause of a CREATE statement as SHOW CREATE
// prints it: CREATE DEFINER=`root`@`localhost` FUNCTION ...
var definer = regexp.MustCompile("(?is)^(\\s*CREATE\\s+(?:OR\\s+REPLACE\\s+)?(?:ALGORITHM\\s*=\\s*\\w+\\s+)?)" +
	"DEFINER\\s*=\\s*(?:`(?:[^`]|``)*`|'(?:[^']|'')*'|[^\\s@]+)(?:\\s*@\\s*(?:`(?:[^`]|``)*`|'(?:[^']|'')*'|\\S+))?\\s+")

// stripDefiner removes the DEFINER clause from a CREATE statement: it
// names the account that ran it, which differs between databases built by
// different users and does not shape the schema.
func stripDefiner(stmt string) string {
	return definer.ReplaceAllString(stmt, "$1")
}

// quoteIdent quotes one identifier with backticks (no dot splitting: names
// read from the catalog are single parts).
func quoteIdent(name string) string {
	return "`" + strings.ReplaceAll(name, "`", "``") + "`"
}

// numbered reports whether name is prefix followed by a positive number:
// the names both servers invent ("orders_ibfk_2", "CONSTRAINT_1",
// "orders_chk_1", "email_2").
func numbered(name, prefix string) bool {
	rest, ok := strings.CutPrefix(name, prefix)
	if !ok || rest == "" {
		return false
	}
	n, err := strconv.Atoi(rest)
	return err == nil && n > 0 && strconv.Itoa(n) == rest
}

// inventedFK reports whether a foreign key name is one InnoDB made up for
// an unnamed constraint: <table>_ibfk_<n>.
func inventedFK(table, name string) bool {
	return numbered(name, table+"_ibfk_")
}

// inventedCheck reports whether a check constraint name is one the server
// made up: MariaDB's CONSTRAINT_<n> for a table-level check without a name
// (its column-level checks, named after the column, are told by their
// LEVEL), MySQL's <table>_chk_<n> for any check without a name.
func inventedCheck(table, name string) bool {
	return numbered(name, "CONSTRAINT_") || numbered(name, table+"_chk_")
}

// inventedKey reports whether an index name is the one both servers give
// a key declared without a name: its first column's name, with _<n>
// appended when that is taken.
func inventedKey(name, firstColumn string) bool {
	return strings.EqualFold(name, firstColumn) || numbered(strings.ToLower(name), strings.ToLower(firstColumn)+"_")
}
