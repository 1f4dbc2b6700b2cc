package adopt

import (
	"context"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/tidemigrate/tide/dialect"
)

// readAlembic reads alembic_version (version_num): one row per current
// head revision. Alembic keeps no list of applied revisions; with the
// project's versions folder, [AlembicChain] and [AlembicApplied] list them.
func readAlembic(ctx context.Context, d dialect.Dialect, q dialect.Querier, table string) (*History, error) {
	h := &History{Code: true}
	err := eachRow(ctx, q, selectFrom(d, table, []string{"version_num"}, ""), func(row []any) error {
		rev, ok := asString(row[0])
		if !ok {
			return rowError(fmt.Sprint(len(h.Applied)+1), "version_num", orNull(nil))
		}
		h.Applied = append(h.Applied, Applied{ID: rev})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("adopt: read %s: %w", table, err)
	}
	if len(h.Applied) > 0 {
		h.Notes = append(h.Notes, "alembic_version lists only the current head revisions: every revision they descend from is applied too (see AlembicChain)")
	}
	return h, nil
}

// alembicAssign matches a top-level assignment of the revision variables
// of an Alembic script, with or without a type annotation:
//
//	revision = 'ae1027a6acf'
//	down_revision: Union[str, None] = "1975ea83b712"
//	depends_on = ('a', 'b')
var alembicAssign = regexp.MustCompile(`(?m)^(revision|down_revision|depends_on)[ \t]*(?::[^=\n]*)?=[ \t]*`)

// alembicString matches a Python string literal, single or double quoted,
// with an optional prefix (r, u, b).
var alembicString = regexp.MustCompile(`(?:[rRuUbB]{0,2})(?:'((?:[^'\\\n]|\\.)*)'|"((?:[^"\\\n]|\\.)*)")`)

// AlembicChain reads the revision scripts of an Alembic versions folder
// (every *.py file in fsys, in subfolders too, as recursive_version_locations
// allows) and returns, for each revision, the revisions it comes after:
// its down_revision (none for the first, several for a merge) followed by
// its depends_on revisions, which Alembic also applies before it, each
// once.
//
// It reads the module-level assignments (`revision = '...'`,
// `down_revision: Union[str, None] = None`, tuples and lists of strings
// over several lines) without running Python. Files that assign no
// revision (__init__.py, env.py) are skipped. It returns an error naming
// the file of a revision defined twice or of a value it cannot read.
func AlembicChain(fsys fs.FS) (map[string][]string, error) {
	chain := map[string][]string{}
	where := map[string]string{}
	err := fs.WalkDir(fsys, ".", func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if e.IsDir() {
			if p != "." && (e.Name() == "__pycache__" || strings.HasPrefix(e.Name(), ".")) {
				return fs.SkipDir
			}
			return nil
		}
		if path.Ext(p) != ".py" {
			return nil
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		rev, parents, ok, err := parseAlembicScript(string(b))
		if err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
		if !ok {
			return nil
		}
		if prev, dup := where[rev]; dup {
			return fmt.Errorf("revision %s is defined in both %s and %s", rev, prev, p)
		}
		where[rev] = p
		chain[rev] = parents
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("adopt: read alembic versions: %w", err)
	}
	return chain, nil
}

// parseAlembicScript returns the revision a script defines and the
// revisions it comes after; ok is false when it assigns no revision.
func parseAlembicScript(src string) (rev string, parents []string, ok bool, err error) {
	values := map[string][]string{}
	for _, m := range alembicAssign.FindAllStringSubmatchIndex(src, -1) {
		name := src[m[2]:m[3]]
		if _, seen := values[name]; seen {
			continue // the first assignment counts
		}
		strs, err := pythonStrings(src[m[1]:])
		if err != nil {
			return "", nil, false, fmt.Errorf("%s: %w", name, err)
		}
		values[name] = strs
	}
	revs, ok := values["revision"]
	if !ok {
		return "", nil, false, nil
	}
	if len(revs) != 1 || revs[0] == "" {
		return "", nil, false, fmt.Errorf("revision: want one string, got %q", revs)
	}
	parents = uniq(append(values["down_revision"], values["depends_on"]...))
	return revs[0], parents, true, nil
}

// pythonStrings reads the value at the start of src, one of: None, a
// string, or a tuple or list of strings, possibly over several lines and
// with a trailing comment; it returns the strings.
func pythonStrings(src string) ([]string, error) {
	// The expression ends at the end of the line, or at the closing
	// bracket when it opens one.
	end := strings.IndexByte(src, '\n')
	if end < 0 {
		end = len(src)
	}
	if t := strings.TrimLeft(src, " \t"); strings.HasPrefix(t, "(") || strings.HasPrefix(t, "[") {
		depth, quote := 0, byte(0)
		end = -1
	scan:
		for i := 0; i < len(src); i++ {
			c := src[i]
			switch {
			case quote != 0:
				if c == '\\' {
					i++
				} else if c == quote {
					quote = 0
				}
			case c == '\'' || c == '"':
				quote = c
			case c == '#':
				for i < len(src) && src[i] != '\n' {
					i++
				}
			case c == '(' || c == '[':
				depth++
			case c == ')' || c == ']':
				depth--
				if depth == 0 {
					end = i + 1
					break scan
				}
			}
		}
		if end < 0 {
			return nil, fmt.Errorf("unclosed bracket")
		}
	}
	expr := src[:end]
	code := stripComment(expr)
	if strings.TrimSpace(code) == "None" {
		return nil, nil
	}
	var strs []string
	for _, m := range alembicString.FindAllStringSubmatch(code, -1) {
		strs = append(strs, m[1]+m[2])
	}
	rest := strings.Trim(alembicString.ReplaceAllString(code, ""), " \t\r\n()[],")
	if len(strs) == 0 || rest != "" {
		return nil, fmt.Errorf("cannot read the value %q: want None, a string, or a tuple of strings", strings.TrimSpace(expr))
	}
	return strs, nil
}

// stripComment removes # comments outside string literals.
func stripComment(s string) string {
	var b strings.Builder
	quote := byte(0)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == '\\' && i+1 < len(s) {
				b.WriteByte(c)
				i++
				c = s[i]
			} else if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '#':
			for i < len(s) && s[i] != '\n' {
				i++
			}
			if i < len(s) {
				b.WriteByte('\n')
			}
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// AlembicApplied returns every revision applied when the database is at
// heads (alembic_version's rows, the IDs of [History.Applied]): the heads
// and all the revisions they come after in chain (from [AlembicChain]),
// parents before children, base first; revisions that are equally ready
// come in the order of their ids, so the result is deterministic. It
// returns an error naming a revision missing from chain, or a cycle.
func AlembicApplied(heads []string, chain map[string][]string) ([]string, error) {
	need := map[string]bool{}
	var visit func(rev, child string) error
	visit = func(rev, child string) error {
		if need[rev] {
			return nil
		}
		parents, ok := chain[rev]
		if !ok {
			if child == "" {
				return fmt.Errorf("adopt: alembic revision %s is in the database but not in the versions folder", rev)
			}
			return fmt.Errorf("adopt: alembic revision %s, which %s comes after, is not in the versions folder", rev, child)
		}
		need[rev] = true
		for _, p := range parents {
			if err := visit(p, rev); err != nil {
				return err
			}
		}
		return nil
	}
	for _, h := range heads {
		if err := visit(h, ""); err != nil {
			return nil, err
		}
	}
	// Kahn's algorithm over the needed revisions.
	pending := map[string]int{}
	children := map[string][]string{}
	for rev := range need {
		for _, p := range uniq(chain[rev]) {
			pending[rev]++
			children[p] = append(children[p], rev)
		}
	}
	var ready, order []string
	for rev := range need {
		if pending[rev] == 0 {
			ready = append(ready, rev)
		}
	}
	for len(ready) > 0 {
		slices.Sort(ready)
		rev := ready[0]
		ready = ready[1:]
		order = append(order, rev)
		for _, c := range children[rev] {
			if pending[c]--; pending[c] == 0 {
				ready = append(ready, c)
			}
		}
	}
	if len(order) != len(need) {
		var stuck []string
		for rev := range need {
			if pending[rev] > 0 {
				stuck = append(stuck, rev)
			}
		}
		slices.Sort(stuck)
		return nil, fmt.Errorf("adopt: alembic revisions form a cycle: %s", strings.Join(stuck, ", "))
	}
	return order, nil
}

// uniq returns s without repeated elements, in order.
func uniq(s []string) []string {
	var out []string
	for _, x := range s {
		if !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}
