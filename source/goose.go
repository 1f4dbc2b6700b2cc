package source

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/tidemigrate/tide/migration"
)

// GooseFormat reads and writes the SQL migrations of pressly/goose: files
// named <version>_<name>.sql (00001_add_users.sql or
// 20230101120000_add_users.sql) at the root of the folder, with the
// annotations
//
//	-- +goose Up
//	-- +goose Down
//	-- +goose StatementBegin
//	-- +goose StatementEnd
//	-- +goose NO TRANSACTION
//	-- +goose ENVSUB ON
//	-- +goose ENVSUB OFF
//
// The words after "+goose" are case-insensitive ("-- +goose up"), while
// "+goose" itself must be written in lower case and the annotation must
// start its line, as goose requires; any other comment line that mentions
// +goose is an error, as in goose. The up annotation is required, the down one optional; NO
// TRANSACTION may appear anywhere and sets [Migration.NoTransaction].
//
// # Statements
//
// Goose ends a statement at a line whose last word (before any "--"
// comment) ends with ";", except between StatementBegin and StatementEnd,
// whose text is exactly one statement. To keep goose's boundaries where a
// file fixes them, a section that holds a StatementBegin gets
// [Section.Statements] for the whole section, split by goose's rules: the
// statements outside the blocks at their line-ending semicolons, leading
// comment lines dropped, as goose does. Such a section must then end every
// statement with a semicolon, as goose requires. A section without
// StatementBegin keeps Statements nil and is split later by the dialect's
// exact splitter, which agrees with goose on well-formed files and also
// handles semicolons inside strings and bodies; there tide does not insist on
// goose's final semicolon.
//
// # Writing
//
// [GooseFormat.FilesFor] writes goose files that goose runs as tide does:
// StatementBegin and StatementEnd around the statements of a section that
// goose's line rule would split differently.
//
// # Environment substitution
//
// Between ENVSUB ON and ENVSUB OFF, the SQL lines that goose would send
// have $VAR, ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR?message} and
// ${VAR:offset:length} replaced at Read time, with goose's rules ("$$" is a
// literal "$"; "$1" is an error). The values come from LookupEnv.
//
// # Go migrations
//
// Goose also runs migrations written in Go (00002_backfill.go). Tide cannot
// run Go code found in a folder: Read reports each such file as an error
// saying to register it with tide.WithGoMigrations, unless SkipGoFiles is
// set (once they are registered).
//
// A GooseFormat is safe for concurrent use if LookupEnv is.
type GooseFormat struct {
	// LookupEnv returns the value of an environment variable for ENVSUB
	// sections. Nil means [os.LookupEnv].
	LookupEnv func(key string) (value string, ok bool)
	// SkipGoFiles makes Read ignore goose Go migration files instead of
	// reporting them; set it once they are registered with
	// tide.WithGoMigrations.
	SkipGoFiles bool
}

// Goose is the goose format, reading ENVSUB variables from the process
// environment.
var Goose Format = GooseFormat{LookupEnv: os.LookupEnv}

var _ DialectWriter = GooseFormat{}

// GoosePrefix is the marker prefix of goose annotations: "-- +goose Up".
const GoosePrefix = "+goose"

// gooseName matches goose's file names: leading digits, "_", anything.
var gooseName = regexp.MustCompile(`^([0-9]+)_(.*)\.(sql|go)$`)

// Name returns "goose".
func (GooseFormat) Name() string { return "goose" }

// Read reads every *.sql file at the root of fsys (and reports *.go
// migrations, see [GooseFormat]). Subdirectories are ignored, as goose does.
// All problems are reported together, each a *ParseError.
func (g GooseFormat) Read(fsys fs.FS) ([]migration.File, error) {
	return readFiles(fsys, func(name string) (bool, error) {
		switch path.Ext(name) {
		case ".sql":
			return true, nil
		case ".go":
			if g.SkipGoFiles || strings.HasSuffix(name, "_test.go") || !gooseName.MatchString(name) {
				return false, nil
			}
			return false, &migration.ParseError{Path: name, Msg: "goose Go migration: tide cannot run Go code from a migrations folder; register it with tide.WithGoMigrations, then read the folder with GooseFormat{SkipGoFiles: true}"}
		}
		return false, nil
	}, g.parse)
}

// parse parses one goose SQL file; name is its path in the folder.
func (g GooseFormat) parse(name string, content []byte) (migration.File, error) {
	match := gooseName.FindStringSubmatch(path.Base(name))
	if match == nil || match[3] != "sql" {
		return migration.File{}, &migration.ParseError{Path: name, Msg: "goose file name must be <version>_<name>.sql, for example 00001_add_users.sql"}
	}
	if _, err := strconv.ParseInt(match[1], 10, 64); err != nil {
		return migration.File{}, &migration.ParseError{Path: name, Msg: fmt.Sprintf("goose version %s does not fit a 64-bit integer", match[1])}
	}
	v, err := positiveVersion(match[1])
	if err != nil {
		return migration.File{}, &migration.ParseError{Path: name, Msg: err.Error()}
	}
	m := migration.File{Version: v, Name: match[2], Path: name}
	lookup := g.LookupEnv
	if lookup == nil {
		lookup = os.LookupEnv
	}
	p := gooseParser{path: name, lookup: lookup}
	if err := p.run(&m, Normalize(string(content))); err != nil {
		return migration.File{}, err
	}
	return m, nil
}

// gooseSection accumulates one direction of a goose file.
type gooseSection struct {
	marker   int // line of the Up or Down annotation
	text     strings.Builder
	stmts    []migration.Statement
	hasBlock bool // a StatementBegin appeared in the section
}

// gooseParser follows goose's own state machine (internal/sqlparser),
// line by line, recording line numbers.
type gooseParser struct {
	path   string
	lookup func(string) (string, bool)

	up, down   *gooseSection
	cur        *gooseSection
	blockStart int // line of the open StatementBegin, 0 when none
	envsub     bool
	noTx       bool
	buf        strings.Builder // the statement being collected
	bufLine    int             // line of its first line
}

func (p *gooseParser) errorf(line int, format string, args ...any) error {
	return &migration.ParseError{Path: p.path, Line: line, Msg: fmt.Sprintf(format, args...)}
}

func (p *gooseParser) run(m *migration.File, text string) error {
	lines := strings.Split(text, "\n")
	if len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1] // the file's final newline ends the last line
	}
	for i, line := range lines {
		if err := p.line(i+1, line); err != nil {
			return err
		}
	}
	if p.up == nil {
		return p.errorf(0, "no \"-- +goose Up\" annotation: every goose migration needs one")
	}
	if p.blockStart > 0 {
		return p.errorf(p.blockStart, "\"-- +goose StatementBegin\" without a matching \"-- +goose StatementEnd\"")
	}
	if err := p.endSection(len(lines) + 1); err != nil {
		return err
	}
	m.NoTransaction = p.noTx
	m.Up = p.section(p.up)
	if p.down != nil {
		d := p.section(p.down)
		m.Down = &d
	}
	return nil
}

// section turns the accumulated text and statements into a Section.
func (p *gooseParser) section(s *gooseSection) migration.Section {
	sec := migration.Section{Path: p.path, Line: s.marker + 1, SQL: s.text.String()}
	if s.hasBlock {
		sec.Statements = s.stmts
		if sec.Statements == nil {
			sec.Statements = []migration.Statement{}
		}
	}
	return sec
}

// endSection checks the statement left unfinished when a section ends
// (at a Down annotation or the end of the file, line n).
func (p *gooseParser) endSection(n int) error {
	if p.cur == nil {
		return nil
	}
	if rest := strings.TrimSpace(p.buf.String()); rest != "" && p.cur.hasBlock {
		return p.errorf(p.bufLine, "statement not ended by a semicolon before line %d (goose ends statements at a line ending with \";\")", n)
	}
	p.buf.Reset()
	return nil
}

func (p *gooseParser) line(n int, line string) error {
	trimmed := strings.TrimSpace(line)
	if strings.HasPrefix(trimmed, "--") && strings.Contains(line, GoosePrefix) {
		return p.annotation(n, line)
	}
	if p.cur == nil {
		if trimmed == "" || strings.HasPrefix(trimmed, "--") {
			return nil
		}
		return p.errorf(n, "SQL before the \"-- +goose Up\" annotation")
	}
	// Like goose: comments and empty lines before a statement are not
	// part of it; once a statement has begun, every line is.
	if p.buf.Len() == 0 && (strings.HasPrefix(trimmed, "--") || line == "") {
		p.cur.text.WriteString(line + "\n")
		return nil
	}
	if p.envsub {
		expanded, err := expandEnv(line, p.lookup)
		if err != nil {
			return p.errorf(n, "ENVSUB: %v", err)
		}
		line = expanded
	}
	p.cur.text.WriteString(line + "\n")
	if p.buf.Len() == 0 {
		p.bufLine = n
	}
	p.buf.WriteString(line + "\n")
	if p.blockStart == 0 && gooseEndsStatement(line) {
		p.emit()
	}
	return nil
}

// emit ends the statement in the buffer.
func (p *gooseParser) emit() {
	raw := p.buf.String()
	if s := strings.TrimSpace(raw); s != "" {
		// The statement starts after any blank lines the buffer began with.
		lead := raw[:len(raw)-len(strings.TrimLeftFunc(raw, unicode.IsSpace))]
		line := p.bufLine + strings.Count(lead, "\n")
		p.cur.stmts = append(p.cur.stmts, migration.Statement{SQL: s, Line: line})
	}
	p.buf.Reset()
}

func (p *gooseParser) annotation(n int, line string) error {
	a, err := parseGooseAnnotation(line)
	if err != nil {
		return p.errorf(n, "%v", err)
	}
	// Annotation lines inside a section become empty lines of its SQL,
	// so that line k of Section.SQL stays line Line+k-1 of the file.
	blank := func() {
		if p.cur != nil {
			p.cur.text.WriteString("\n")
		}
	}
	switch a {
	case "up":
		if p.up != nil {
			return p.errorf(n, "second \"-- +goose Up\" annotation (the first is at line %d)", p.up.marker)
		}
		p.up = &gooseSection{marker: n}
		p.cur = p.up
	case "down":
		switch {
		case p.up == nil:
			return p.errorf(n, "\"-- +goose Down\" before \"-- +goose Up\"")
		case p.down != nil:
			return p.errorf(n, "second \"-- +goose Down\" annotation (the first is at line %d)", p.down.marker)
		case p.blockStart > 0:
			return p.errorf(n, "\"-- +goose Down\" inside the StatementBegin block of line %d", p.blockStart)
		}
		if err := p.endSection(n); err != nil {
			return err
		}
		p.down = &gooseSection{marker: n}
		p.cur = p.down
	case "statementbegin":
		switch {
		case p.cur == nil:
			return p.errorf(n, "\"-- +goose StatementBegin\" before \"-- +goose Up\"")
		case p.blockStart > 0:
			return p.errorf(n, "\"-- +goose StatementBegin\" inside the block opened at line %d", p.blockStart)
		}
		p.blockStart = n
		p.cur.hasBlock = true
		blank()
	case "statementend":
		if p.blockStart == 0 {
			return p.errorf(n, "\"-- +goose StatementEnd\" without a \"-- +goose StatementBegin\"")
		}
		p.blockStart = 0
		p.emit()
		blank()
	case "no transaction":
		p.noTx = true
		blank()
	case "envsub on":
		p.envsub = true
		blank()
	case "envsub off":
		p.envsub = false
		blank()
	}
	return nil
}

// gooseAnnotations are goose's annotations, lower-cased.
var gooseAnnotations = []string{"up", "down", "statementbegin", "statementend", "no transaction", "envsub on", "envsub off"}

// parseGooseAnnotation reads a comment line that mentions +goose, with
// goose's rules: no leading space, one +goose, a known annotation in any
// case. It returns the annotation lower-cased.
func parseGooseAnnotation(line string) (string, error) {
	if strings.HasPrefix(line, " ") || strings.HasPrefix(line, "\t") {
		return "", errors.New("goose annotations must start the line, without leading spaces")
	}
	cmd := strings.ReplaceAll(line, "--", "")
	cmd = strings.Replace(cmd, GoosePrefix, "", 1)
	if strings.Contains(cmd, GoosePrefix) {
		return "", errors.New("more than one +goose on the line")
	}
	cmd = strings.TrimSpace(cmd)
	if cmd == "" {
		return "", errors.New("empty goose annotation")
	}
	for _, a := range gooseAnnotations {
		if strings.EqualFold(a, cmd) {
			return a, nil
		}
	}
	return "", fmt.Errorf("unknown goose annotation %q (known: Up, Down, StatementBegin, StatementEnd, NO TRANSACTION, ENVSUB ON, ENVSUB OFF)", cmd)
}

// gooseEndsStatement reports whether goose ends a statement at line: its
// last word before a word starting with "--" ends with ";".
func gooseEndsStatement(line string) bool {
	prev := ""
	for _, w := range strings.Fields(line) {
		if strings.HasPrefix(w, "--") {
			break
		}
		prev = w
	}
	return strings.HasSuffix(prev, ";")
}

// expandEnv expands the variables of one line the way goose's ENVSUB does
// (it uses mfridman/interpolate, a POSIX-style parameter expansion):
//
//	$VAR ${VAR}        the value, or "" when unset
//	${VAR:-default}    default when VAR is unset or empty
//	${VAR-default}     default when VAR is unset
//	${VAR?message}     an error when VAR is unset
//	${VAR:off[:len]}   a substring (negative off counts from the end)
//	$$ \$              a literal "$"
//
// A default may itself hold expansions; it is evaluated only when used. A
// "$" at the very end of the line or before "(" is literal; any other "$"
// must start a variable name (a letter), so "$1" is an error, as in goose.
func expandEnv(line string, lookup func(string) (string, bool)) (string, error) {
	p := envParser{s: line, lookup: lookup}
	return p.expr(0, true)
}

type envParser struct {
	s      string
	pos    int
	lookup func(string) (string, bool)
}

// expr reads text and expansions up to stop (0: the end of the line). When
// eval is false it only checks the syntax, for a default that is not used.
func (p *envParser) expr(stop byte, eval bool) (string, error) {
	var b strings.Builder
	for p.pos < len(p.s) {
		c := p.s[p.pos]
		if stop != 0 && c == stop {
			break
		}
		rest := p.s[p.pos:]
		switch {
		case strings.HasPrefix(rest, `\\`):
			b.WriteString(`\\`)
			p.pos += 2
		case strings.HasPrefix(rest, `\$`), strings.HasPrefix(rest, `$$`):
			b.WriteByte('$')
			p.pos += 2
		case strings.HasPrefix(rest, `$(`):
			b.WriteString(`$(`)
			p.pos += 2
		case c == '$' && p.pos < len(p.s)-1:
			v, err := p.expansion(eval)
			if err != nil {
				return "", err
			}
			b.WriteString(v)
		default:
			b.WriteByte(c)
			p.pos++
		}
	}
	return b.String(), nil
}

func (p *envParser) peek() byte {
	if p.pos < len(p.s) {
		return p.s[p.pos]
	}
	return 0
}

// ident reads a variable name: a letter, then letters, digits and "_".
func (p *envParser) ident() (string, error) {
	start := p.pos
	for p.pos < len(p.s) {
		r, size := utf8.DecodeRuneInString(p.s[p.pos:])
		ok := unicode.IsLetter(r) || (p.pos > start && (unicode.IsNumber(r) || r == '_'))
		if r == utf8.RuneError || !ok {
			break
		}
		p.pos += size
	}
	if p.pos == start {
		return "", fmt.Errorf("a variable name must start with a letter at column %d (write $$ for a literal $)", start+1)
	}
	return p.s[start:p.pos], nil
}

// expansion reads one expansion starting at "$".
func (p *envParser) expansion(eval bool) (string, error) {
	p.pos++ // "$"
	get := func(name string) (string, bool) {
		if !eval {
			return "", true
		}
		return p.lookup(name)
	}
	if p.peek() != '{' {
		name, err := p.ident()
		if err != nil {
			return "", err
		}
		v, _ := get(name)
		return v, nil
	}
	open := p.pos
	p.pos++ // "{"
	name, err := p.ident()
	if err != nil {
		return "", err
	}
	var val string
	switch op := p.peek(); {
	case op == '}':
		val, _ = get(name)
	case op == ':' && strings.HasPrefix(p.s[p.pos:], ":-"):
		p.pos += 2
		v, _ := get(name)
		def, err := p.expr('}', eval && v == "")
		if err != nil {
			return "", err
		}
		val = v
		if v == "" {
			val = def
		}
	case op == '-':
		p.pos++
		v, ok := get(name)
		def, err := p.expr('}', eval && !ok)
		if err != nil {
			return "", err
		}
		val = v
		if !ok {
			val = def
		}
	case op == '?':
		p.pos++
		v, ok := get(name)
		msg, err := p.expr('}', eval && !ok)
		if err != nil {
			return "", err
		}
		if !ok {
			if msg == "" {
				msg = "not set"
			}
			return "", fmt.Errorf("$%s: %s", name, msg)
		}
		val = v
	case op == ':':
		p.pos++
		v, _ := get(name)
		val, err = p.substring(v)
		if err != nil {
			return "", err
		}
	case op == 0:
		return "", fmt.Errorf("${%s at column %d is not closed by }", name, open)
	default:
		return "", fmt.Errorf("${%s at column %d: expected }, :-, -, ? or : after the name", name, open)
	}
	if p.peek() != '}' {
		return "", fmt.Errorf("${%s at column %d is not closed by }", name, open)
	}
	p.pos++
	return val, nil
}

// substring reads "off[:len]" and applies it to v, on bytes, with
// interpolate's bounds: out-of-range offsets and lengths are clamped.
func (p *envParser) substring(v string) (string, error) {
	number := func(what string) (int, error) {
		start := p.pos
		for p.pos < len(p.s) && p.s[p.pos] != ':' && p.s[p.pos] != '}' {
			p.pos++
		}
		n, err := strconv.Atoi(strings.TrimSpace(p.s[start:p.pos]))
		if err != nil {
			return 0, fmt.Errorf("substring %s %q is not a number", what, p.s[start:p.pos])
		}
		return n, nil
	}
	from, err := number("offset")
	if err != nil {
		return "", err
	}
	if from < 0 {
		from = max(from+len(v), 0)
	}
	from = min(from, len(v))
	if p.peek() != ':' {
		return v[from:], nil
	}
	p.pos++
	length, err := number("length")
	if err != nil {
		return "", err
	}
	to := len(v) + length
	if length >= 0 {
		to = from + length
	}
	to = min(max(to, from), len(v))
	return v[from:to], nil
}

// NoTransactionMarker says how a goose file asks to run outside a
// transaction.
func (GooseFormat) NoTransactionMarker() string {
	return `add the line "-- +goose NO TRANSACTION" to the file`
}
