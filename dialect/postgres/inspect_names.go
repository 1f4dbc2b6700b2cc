package postgres

import (
	"strings"
	"unicode/utf8"
)

// PostgreSQL invents a constraint's name when the DDL gives none, by rules
// in src/backend/commands/indexcmds.c (ChooseIndexName,
// ChooseIndexNameAddition), tablecmds.c (ChooseForeignKeyConstraintNameAddition),
// heap.c (AddRelationNewConstraints) and catalog/namespace.c
// (makeObjectName):
//
//	primary key       <table>_pkey
//	unique            <table>_<col>_<col>..._key
//	foreign key       <table>_<col>_<col>..._fkey
//	check             <table>_<col>_check when the expression reads one
//	                  column, <table>_check otherwise
//
// where <table> and the column list are cut, the longer first, so that
// the whole fits in 63 bytes, and a number follows the label (_key1,
// _check2) when the name was taken. The inspector leaves a constraint's
// name empty in the model exactly when it is what PostgreSQL would invent
// for that constraint on its table today: a name written in the DDL that
// happens to follow the rule is indistinguishable from an invented one,
// and a name that no longer follows it (the table or a column was renamed
// since) is kept, so that a dump of the model creates the same names.

// maxIdentLen is NAMEDATALEN-1, the longest identifier PostgreSQL keeps.
const maxIdentLen = 63

// nameAddition joins column names with "_" as ChooseIndexNameAddition
// does, stopping once the result is longer than an identifier can be.
func nameAddition(cols []string) string {
	var b strings.Builder
	for _, c := range cols {
		if b.Len() > 0 {
			b.WriteByte('_')
		}
		if len(c) > maxIdentLen {
			c = clip(c, maxIdentLen)
		}
		b.WriteString(c)
		if b.Len() > maxIdentLen {
			break
		}
	}
	return b.String()
}

// objectName is makeObjectName: name1_name2_label, with name1 and name2
// cut (the longer one first) so that the result fits in 63 bytes. name2
// may be empty (no name2).
func objectName(name1, name2, label string) string {
	overhead := len(label) + 1
	if name2 != "" {
		overhead++
	}
	avail := maxIdentLen - overhead
	n1, n2 := len(name1), len(name2)
	for n1+n2 > avail {
		if n1 > n2 {
			n1--
		} else {
			n2--
		}
	}
	s := clip(name1, n1)
	if name2 != "" {
		s += "_" + clip(name2, n2)
	}
	return s + "_" + label
}

// clip cuts s to at most n bytes without splitting a UTF-8 character, as
// pg_mbcliplen does.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// invented reports whether name is what PostgreSQL invents for a
// constraint of table labelled label ("pkey", "key", "fkey", "check") on
// cols (nil for a primary key or a check on several columns), possibly
// numbered because the first choice was taken.
func invented(name, table string, cols []string, label string) bool {
	addition := nameAddition(cols)
	if name == objectName(table, addition, label) {
		return true
	}
	i := len(name)
	for i > 0 && name[i-1] >= '0' && name[i-1] <= '9' {
		i--
	}
	if i == len(name) || name[i] == '0' {
		return false
	}
	return name == objectName(table, addition, label+name[i:])
}
