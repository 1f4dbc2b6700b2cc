package schema

import (
	"slices"
	"strings"
)

// dumpPlan is the order in which [Dump] writes tables, views and
// routines.
type dumpPlan struct {
	early  []*Routine // before the tables
	tables []*Table
	late   []any // *View or *Routine, after the tables and foreign keys
}

// planDump orders s's objects so that a dump replays. MySQL and SQLite
// keep name order: tables, then views, then routines.
//
// PostgreSQL checks what a statement names when it runs it, so there
// tables that inherit or are partitions come after their parents,
// routines that name no table or view (trigger functions, helpers used in
// defaults, checks and index expressions) come before the tables, and
// the other routines and the views after them, each after the views and
// routines it names. A routine's names are read outside its strings, and
// also inside its body when it is LANGUAGE sql (PostgreSQL checks those
// bodies); a PL/pgSQL body is not checked at creation.
func planDump(s *Schema) dumpPlan {
	if s.Dialect != "postgres" {
		p := dumpPlan{tables: s.Tables}
		for _, v := range s.Views {
			p.late = append(p.late, v)
		}
		for _, r := range s.Routines {
			p.late = append(p.late, r)
		}
		return p
	}
	p := dumpPlan{tables: tablesByParent(s)}
	relations := map[string]bool{}
	for _, t := range s.Tables {
		relations[strings.ToLower(t.Name)] = true
	}
	type node struct {
		obj  any
		name string
		refs map[string]bool
		late bool
	}
	var nodes []*node
	for _, v := range s.Views {
		relations[strings.ToLower(v.Name)] = true
		nodes = append(nodes, &node{obj: v, name: v.Name, refs: sqlNames(v.Definition, false), late: true})
	}
	for _, r := range s.Routines {
		nodes = append(nodes, &node{obj: r, name: r.Name, refs: sqlNames(r.Definition, true)})
	}
	byName := map[string][]*node{}
	for _, n := range nodes {
		k := strings.ToLower(n.name)
		byName[k] = append(byName[k], n)
	}
	// A routine is late when it names a relation or a late routine.
	for changed := true; changed; {
		changed = false
		for _, n := range nodes {
			if n.late {
				continue
			}
			for ref := range n.refs {
				if relations[ref] || slices.ContainsFunc(byName[ref], func(m *node) bool { return m.late && m.name != n.name }) {
					n.late, changed = true, true
					break
				}
			}
		}
	}
	// Each group in dependency order, by name among the ready ones; a
	// cycle (a name read in passing, not a real dependency) is broken by
	// name. Overloads naming each other do not wait for each other.
	for _, late := range []bool{false, true} {
		var todo []*node
		for _, n := range nodes {
			if n.late == late {
				todo = append(todo, n)
			}
		}
		for len(todo) > 0 {
			pick := -1
			for i, n := range todo {
				ready := true
				for ref := range n.refs {
					if slices.ContainsFunc(byName[ref], func(m *node) bool { return m.name != n.name && slices.Contains(todo, m) }) {
						ready = false
						break
					}
				}
				if ready && (pick < 0 || n.name < todo[pick].name) {
					pick = i
				}
			}
			if pick < 0 {
				pick = 0
				for i, n := range todo {
					if n.name < todo[pick].name {
						pick = i
					}
				}
			}
			n := todo[pick]
			todo = slices.Delete(todo, pick, pick+1)
			if late {
				p.late = append(p.late, n.obj)
			} else {
				p.early = append(p.early, n.obj.(*Routine))
			}
		}
	}
	return p
}

// tablesByParent returns s's tables with every table after the tables it
// inherits from or is a partition of (PostgreSQL), in name order
// otherwise.
func tablesByParent(s *Schema) []*Table {
	depth := map[string]int{}
	var depthOf func(t *Table, seen int) int
	depthOf = func(t *Table, seen int) int {
		if d, ok := depth[t.Name]; ok {
			return d
		}
		d := 0
		if seen < len(s.Tables) {
			for _, parent := range tableParents(t) {
				if pt := s.Table(parent); pt != nil {
					d = max(d, depthOf(pt, seen+1)+1)
				}
			}
		}
		depth[t.Name] = d
		return d
	}
	out := slices.Clone(s.Tables)
	slices.SortStableFunc(out, func(a, b *Table) int { return depthOf(a, 0) - depthOf(b, 0) })
	return out
}

// tableParents lists the tables t is a partition of or inherits from, as
// the PostgreSQL inspector records them in t.Options.
func tableParents(t *Table) []string {
	var out []string
	if p := t.Options[OptPartitionOf]; p != "" {
		out = append(out, p)
	}
	if inh := t.Options[OptInherits]; inh != "" {
		for _, p := range strings.Split(inh, ", ") {
			out = append(out, p)
		}
	}
	return out
}

// sqlNames returns the identifiers in PostgreSQL text, lower case unless
// quoted, outside string literals and comments; with bodies, also those
// inside the dollar-quoted body of a LANGUAGE sql routine.
func sqlNames(src string, bodies bool) map[string]bool {
	names := map[string]bool{}
	var dollar []string
	sqlLang, prev := false, ""
	for i := 0; i < len(src); {
		c := src[i]
		switch {
		case c == '-' && strings.HasPrefix(src[i:], "--"):
			j := strings.IndexByte(src[i:], '\n')
			if j < 0 {
				return names
			}
			i += j + 1
		case c == '/' && strings.HasPrefix(src[i:], "/*"):
			depth := 0
			for i < len(src) {
				if strings.HasPrefix(src[i:], "/*") {
					depth++
					i += 2
				} else if strings.HasPrefix(src[i:], "*/") {
					depth--
					i += 2
					if depth == 0 {
						break
					}
				} else {
					i++
				}
			}
		case c == '\'':
			escapes := i > 0 && (src[i-1] == 'E' || src[i-1] == 'e')
			i++
			for i < len(src) {
				if escapes && src[i] == '\\' {
					i += 2
					continue
				}
				if src[i] == '\'' {
					if i+1 < len(src) && src[i+1] == '\'' {
						i += 2
						continue
					}
					break
				}
				i++
			}
			i++
		case c == '"':
			j := i + 1
			var b strings.Builder
			for j < len(src) {
				if src[j] == '"' {
					if j+1 < len(src) && src[j+1] == '"' {
						b.WriteByte('"')
						j += 2
						continue
					}
					break
				}
				b.WriteByte(src[j])
				j++
			}
			names[b.String()] = true
			prev = ""
			i = j + 1
		case c == '$' && dollarTag(src[i:]) != "":
			tag := dollarTag(src[i:])
			end := strings.Index(src[i+len(tag):], tag)
			if end < 0 {
				end = len(src) - i - len(tag)
			}
			dollar = append(dollar, src[i+len(tag):i+len(tag)+end])
			i += len(tag) + end + len(tag)
		case isIdentByte(c) && !(c >= '0' && c <= '9'):
			j := i
			for j < len(src) && (isIdentByte(src[j]) || src[j] == '$') {
				j++
			}
			w := strings.ToLower(src[i:j])
			if prev == "language" && w == "sql" {
				sqlLang = true
			}
			if w != "e" || j == len(src) || src[j] != '\'' { // not the E of E'...'
				names[w], prev = true, w
			}
			i = j
		default:
			if c >= '0' && c <= '9' {
				for i < len(src) && isIdentByte(src[i]) {
					i++
				}
				continue
			}
			i++
		}
	}
	if bodies && sqlLang {
		for _, body := range dollar {
			for n := range sqlNames(body, false) {
				names[n] = true
			}
		}
	}
	return names
}

// dollarTag returns the opening $tag$ of a dollar-quoted string at the
// start of s, or "".
func dollarTag(s string) string {
	for j := 1; j < len(s); j++ {
		switch {
		case s[j] == '$':
			return s[:j+1]
		case !isIdentByte(s[j]) || j == 1 && s[j] >= '0' && s[j] <= '9':
			return ""
		}
	}
	return ""
}

func isIdentByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= 0x80
}
