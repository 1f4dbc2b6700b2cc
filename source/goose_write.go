package source

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/tidemigrate/tide/migration"
)

// Files writes migs as goose files for any database tide supports: it is
// [GooseFormat.FilesFor] without a Splitter, and without its notes.
func (g GooseFormat) Files(migs []migration.File) (map[string][]byte, error) {
	files, _, err := g.FilesFor(nil, migs)
	return files, err
}

// FilesFor writes migs as goose files <version>_<name>.sql, so that goose
// runs exactly the statements tide runs on the database whose rules s has
// (nil: every database tide supports, used only where they agree).
//
// Goose ends a statement at every line whose last word ends with ";",
// unless StatementBegin and StatementEnd enclose it. A section that goose's
// line rule splits as s does is written as it is (with a final ";" added
// where goose requires one). Any other section (a function or trigger body
// with line-ending semicolons, a DO block, two statements on one line, a
// DELIMITER block) is written one statement per StatementBegin/StatementEnd
// block, every statement of the section, each without its final ";":
// tide then reads back exactly the statements it split, so the
// checksums of applied migrations do not change, while a block beside
// plain statements would make tide read those with their ";". Comment lines
// between statements are kept; other comments between them are not.
//
// A section whose statements are fixed already ([migration.Section]
// Statements, from a goose file with blocks) is written one statement per
// block, as it is. Goose has no repeatable migrations and only integer
// versions: those are errors. FilesFor returns no notes.
func (g GooseFormat) FilesFor(s migration.Splitter, migs []migration.File) (map[string][]byte, []string, error) {
	ss := splitters(s)
	files := make(map[string][]byte, len(migs))
	var errs []error
	for _, m := range migs {
		if m.Repeatable {
			errs = append(errs, writeErrorf(m, "goose", "goose has no repeatable migrations"))
			continue
		}
		v, err := integerVersion(m, "goose", maxInt64)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		var b strings.Builder
		if m.NoTransaction {
			b.WriteString("-- +goose NO TRANSACTION\n")
		}
		b.WriteString("-- +goose Up\n")
		if err := gooseWriteSection(&b, m.Up, ss); err != nil {
			errs = append(errs, writeErrorf(m, "goose", "up section: %v", err))
			continue
		}
		if m.Down != nil {
			b.WriteString("\n-- +goose Down\n")
			if err := gooseWriteSection(&b, *m.Down, ss); err != nil {
				errs = append(errs, writeErrorf(m, "goose", "down section: %v", err))
				continue
			}
		}
		files[v+"_"+m.Name+".sql"] = []byte(b.String())
	}
	if err := errors.Join(errs...); err != nil {
		return nil, nil, err
	}
	if err := checkWritten(g, files, migs, ss); err != nil {
		return nil, nil, err
	}
	return files, nil, nil
}

// gooseWriteSection writes one section: as it is where goose's line rule
// splits it as every splitter of ss does, else one block per statement.
func gooseWriteSection(b *strings.Builder, sec migration.Section, ss []migration.Splitter) error {
	if sec.Statements != nil {
		if len(sec.Statements) == 0 {
			// An empty block keeps "no statements" fixed rather than split.
			b.WriteString("-- +goose StatementBegin\n-- +goose StatementEnd\n")
			return nil
		}
		for i, st := range sec.Statements {
			if i > 0 {
				b.WriteString("\n")
			}
			b.WriteString("-- +goose StatementBegin\n")
			b.WriteString(sectionText(st.SQL))
			b.WriteString("-- +goose StatementEnd\n")
		}
		return nil
	}
	text := sectionText(sec.SQL)
	splits, err := splitEach(text, ss)
	if err != nil {
		return err
	}
	if plain, ok := goosePlain(text, splits); ok {
		b.WriteString(plain)
		return nil
	}
	stmts, err := agreed(splits)
	if err != nil {
		return fmt.Errorf("goose's line rule would end its statements elsewhere, so they need StatementBegin and StatementEnd, but %w", err)
	}
	prev := 0
	for i, st := range stmts {
		if i > 0 {
			b.WriteString("\n")
		}
		gooseCommentLines(b, text[prev:st.Offset])
		b.WriteString("-- +goose StatementBegin\n")
		b.WriteString(st.SQL)
		b.WriteString("\n-- +goose StatementEnd\n")
		prev = st.Offset + len(st.SQL)
	}
	gooseCommentLines(b, text[prev:])
	return nil
}

// goosePlain returns text, with a ";" after its last statement if goose
// needs one there, when goose's line rule splits it into the statements
// of every splitting, each of which the database runs as that statement
// alone.
func goosePlain(text string, splits []splitting) (string, bool) {
	gs, rest, ok := gooseLineStatements(text)
	if !ok {
		return "", false
	}
	if rest != "" {
		// Goose refuses a section whose last statement does not end with
		// ";" at the end of a line: add it right after the statement.
		stmts := splits[0].stmts
		if len(stmts) == 0 {
			return "", false
		}
		end := stmts[len(stmts)-1].Offset + len(stmts[len(stmts)-1].SQL)
		text = text[:end] + ";" + text[end:]
		for _, sp := range splits {
			again, err := sp.by.Split(text)
			same := func(a, b migration.Statement) bool { return a.SQL == b.SQL }
			if err != nil || !slices.EqualFunc(again, sp.stmts, same) {
				return "", false
			}
		}
		if gs, rest, ok = gooseLineStatements(text); !ok || rest != "" {
			return "", false
		}
	}
	for _, sp := range splits {
		if len(gs) != len(sp.stmts) {
			return "", false
		}
		for i := range gs {
			if !sameStatement(gs[i], sp.stmts[i], sp.by) {
				return "", false
			}
		}
	}
	return text, true
}

// gooseLineStatements splits the text of a section without annotations as
// goose does: comment and empty lines before a statement are dropped, and
// a statement ends at a line whose last word before any "--" word ends
// with ";". rest is what is left unfinished at the end (goose refuses it).
// ok is false when a line would read as a goose annotation.
func gooseLineStatements(text string) (stmts []string, rest string, ok bool) {
	var buf strings.Builder
	for _, line := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		trimmed := strings.TrimSpace(line)
		if strings.HasPrefix(trimmed, "--") && strings.Contains(line, GoosePrefix) {
			return nil, "", false
		}
		if buf.Len() == 0 && (strings.HasPrefix(trimmed, "--") || line == "") {
			continue
		}
		buf.WriteString(line + "\n")
		if gooseEndsStatement(line) {
			stmts = append(stmts, strings.TrimSpace(buf.String()))
			buf.Reset()
		}
	}
	return stmts, strings.TrimSpace(buf.String()), true
}

// sameStatement reports whether the database runs text, as goose sends it,
// as the statement want alone: s splits it into want and nothing else, and
// what surrounds want is only comments and delimiters, without a MySQL
// DELIMITER command, which only the mysql client understands.
func sameStatement(text string, want migration.Statement, s migration.Splitter) bool {
	got, err := s.Split(text)
	if err != nil || len(got) != 1 || got[0].SQL != want.SQL {
		return false
	}
	around := text[:got[0].Offset] + text[got[0].Offset+len(got[0].SQL):]
	return !strings.Contains(strings.ToLower(around), "delimiter")
}

// gooseCommentLines writes the "--" comment lines of gap, the text between
// two statements, which goose ignores outside blocks. Lines that would read
// as goose annotations are left out.
func gooseCommentLines(b *strings.Builder, gap string) {
	for _, line := range strings.Split(gap, "\n") {
		t := strings.TrimSpace(line)
		if strings.HasPrefix(t, "--") && !strings.Contains(t, GoosePrefix) {
			b.WriteString(t + "\n")
		}
	}
}
