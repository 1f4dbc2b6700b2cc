package sqlsplit

import "strings"

// tokKind classifies the tokens that the statement rules look at.
type tokKind uint8

const (
	tkEOF     tokKind = iota
	tkComment         // -- or # line comment, /* */ block comment
	tkWord            // unquoted identifier, keyword or number
	tkQuoted          // string, quoted identifier, dollar-quoted string, MySQL /*! */ comment
	tkPunct           // any other single byte, including ';'
	tkParam           // PostgreSQL $1 parameter
	tkDelim           // MySQL: the DELIMITER in force, when it is not ";"
)

// token is a lexical token: src[start:end].
type token struct {
	kind       tokKind
	start, end int
}

// next returns the next token, skipping whitespace.
func (s *splitter) next() (token, error) {
	src := s.src
	for s.pos < len(src) {
		i := s.pos
		if s.delim != "" {
			// The mysql client reads a DELIMITER command at the start of a
			// statement before it looks for the delimiter, which it finds
			// before anything else outside strings and comments, even
			// inside words.
			if s.start < 0 && hasWordFold(src[i:], "delimiter") {
				s.pos = i + len("delimiter")
				return token{tkWord, i, s.pos}, nil
			}
			if strings.HasPrefix(src[i:], s.delim) {
				s.pos = i + len(s.delim)
				return token{tkDelim, i, s.pos}, nil
			}
		}
		c := src[i]
		if isSpace(c) {
			s.pos++
			continue
		}
		switch c {
		case '-':
			if i+1 < len(src) && src[i+1] == '-' &&
				(s.d != MySQL || i+2 == len(src) || src[i+2] <= ' ' || src[i+2] == 0x7f) {
				return s.lineComment(i), nil
			}
		case '#':
			if s.d == MySQL {
				return s.lineComment(i), nil
			}
		case '/':
			if i+1 < len(src) && src[i+1] == '*' {
				return s.blockComment(i)
			}
		case '\'':
			return s.quoted(i, i+1, '\'', s.d == MySQL, false, "quoted string")
		case '"':
			if s.d == MySQL {
				return s.quoted(i, i+1, '"', true, false, "quoted string")
			}
			return s.quoted(i, i+1, '"', false, false, "quoted identifier")
		case '`':
			if s.d != Postgres {
				return s.quoted(i, i+1, '`', false, false, "quoted identifier")
			}
		case '[':
			if s.d == SQLite {
				j := strings.IndexByte(src[i+1:], ']')
				if j < 0 {
					return token{}, s.errorf(i, unterminated("quoted identifier"))
				}
				s.pos = i + 1 + j + 1
				return token{tkQuoted, i, s.pos}, nil
			}
		case '$':
			if s.d == Postgres {
				return s.dollar(i)
			}
		}
		if isWordStart(s.d, c) {
			return s.word(i)
		}
		s.pos = i + 1
		return token{tkPunct, i, i + 1}, nil
	}
	return token{tkEOF, len(src), len(src)}, nil
}

// lineComment lexes a line comment starting at i, up to the newline.
func (s *splitter) lineComment(i int) token {
	j := strings.IndexByte(s.src[i:], '\n')
	if j < 0 {
		s.pos = len(s.src)
	} else {
		s.pos = i + j
	}
	return token{tkComment, i, s.pos}
}

// blockComment lexes a /* comment starting at i: nested in PostgreSQL, and
// an executable comment or optimizer hint (statement text) in MySQL. In
// PostgreSQL a /*+ comment is statement text too, since pg_hint_plan reads
// its hints from a comment before the statement.
func (s *splitter) blockComment(i int) (token, error) {
	src := s.src
	switch s.d {
	case Postgres:
		depth := 1
		for j := i + 2; j < len(src); {
			k := strings.IndexAny(src[j:], "*/")
			if k < 0 {
				break
			}
			j += k
			if j+1 < len(src) {
				if src[j] == '/' && src[j+1] == '*' {
					depth++
					j += 2
					continue
				}
				if src[j] == '*' && src[j+1] == '/' {
					j += 2
					if depth--; depth == 0 {
						s.pos = j
						kind := tkComment
						if src[i+2] == '+' {
							kind = tkQuoted // a pg_hint_plan hint: statement text
						}
						return token{kind, i, j}, nil
					}
					continue
				}
			}
			j++
		}
	case MySQL:
		rest := src[i+2:]
		if strings.HasPrefix(rest, "!") || strings.HasPrefix(rest, "+") || strings.HasPrefix(rest, "M!") {
			return s.executableComment(i)
		}
		fallthrough
	default:
		if j := strings.Index(src[i+2:], "*/"); j >= 0 {
			s.pos = i + 2 + j + 2
			return token{tkComment, i, s.pos}, nil
		}
	}
	return token{}, s.errorf(i, unterminated("block comment"))
}

// executableComment lexes a MySQL /*! ... */ executable comment or /*+ ... */
// optimizer hint starting at i. The server reads its content as SQL, so
// strings inside it are skipped whole: a "*/" in a string does not end it.
func (s *splitter) executableComment(i int) (token, error) {
	src := s.src
	for j := i + 3; j < len(src); {
		k := strings.IndexAny(src[j:], "*'\"`")
		if k < 0 {
			break
		}
		j += k
		switch c := src[j]; c {
		case '*':
			if j+1 < len(src) && src[j+1] == '/' {
				s.pos = j + 2
				return token{tkQuoted, i, s.pos}, nil
			}
			j++
		default:
			if _, err := s.quoted(j, j+1, c, c != '`', false, "quoted string"); err != nil {
				return token{}, err
			}
			j = s.pos
		}
	}
	return token{}, s.errorf(i, unterminated("executable comment"))
}

// quoted lexes a quoted token that starts at start and whose content starts
// at from, closed by q; a doubled q stands for itself. With backslash, a
// backslash escapes the next byte. With pgContinue, the string continues
// after a closing quote followed by whitespace with a newline and another
// quote, as PostgreSQL continues E'...' strings.
func (s *splitter) quoted(start, from int, q byte, backslash, pgContinue bool, what string) (token, error) {
	src := s.src
	for i := from; i <= len(src); {
		var j int
		if backslash {
			j = indexQuoteOrBackslash(src[i:], q)
		} else {
			j = strings.IndexByte(src[i:], q)
		}
		if j < 0 {
			break
		}
		j += i
		if src[j] == '\\' {
			i = j + 2
			continue
		}
		if j+1 < len(src) && src[j+1] == q {
			i = j + 2
			continue
		}
		if pgContinue {
			if k, ok := pgContinuation(src, j+1); ok {
				i = k + 1
				continue
			}
		}
		s.pos = j + 1
		return token{tkQuoted, start, s.pos}, nil
	}
	if what == "" {
		what = "quoted string"
	}
	return token{}, s.errorf(start, unterminated(what))
}

// indexQuoteOrBackslash returns the index of the first q or backslash in s,
// or -1.
func indexQuoteOrBackslash(s string, q byte) int {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == q || c == '\\' {
			return i
		}
	}
	return -1
}

// pgContinuation reports whether src[i:] is whitespace containing a newline
// (and possibly -- comments, each ended by a newline) followed by a quote,
// which continues the string literal that ended just before i; it returns
// the offset of that quote.
func pgContinuation(src string, i int) (int, bool) {
	for i < len(src) && (src[i] == ' ' || src[i] == '\t' || src[i] == '\f' || src[i] == '\v') {
		i++
	}
	if i >= len(src) || (src[i] != '\n' && src[i] != '\r') {
		return 0, false
	}
	for i++; i < len(src); {
		switch {
		case isSpace(src[i]):
			i++
		case src[i] == '-' && i+1 < len(src) && src[i+1] == '-':
			k := strings.IndexAny(src[i:], "\n\r")
			if k < 0 {
				return 0, false
			}
			i += k + 1
		case src[i] == '\'':
			return i, true
		default:
			return 0, false
		}
	}
	return 0, false
}

// dollar lexes, at a '$' outside a word in PostgreSQL, a dollar-quoted
// string ($$...$$ or $tag$...$tag$), a $1 parameter or a lone '$'.
func (s *splitter) dollar(i int) (token, error) {
	src := s.src
	j := i + 1
	switch {
	case j < len(src) && isDigit(src[j]):
		for j < len(src) && isDigit(src[j]) {
			j++
		}
		s.pos = j
		return token{tkParam, i, j}, nil
	case j < len(src) && isIdentStart(src[j]):
		for j < len(src) && (isIdentStart(src[j]) || isDigit(src[j])) {
			j++
		}
	}
	if j >= len(src) || src[j] != '$' {
		s.pos = i + 1
		return token{tkPunct, i, i + 1}, nil
	}
	tag := src[i : j+1]
	k := strings.Index(src[j+1:], tag)
	if k < 0 {
		return token{}, s.errorf(i, unterminated("dollar-quoted string "+tag))
	}
	s.pos = j + 1 + k + len(tag)
	return token{tkQuoted, i, s.pos}, nil
}

// word lexes an unquoted identifier, keyword or number starting at i. In
// PostgreSQL, the word E (or e) followed by a quote starts an escape string.
func (s *splitter) word(i int) (token, error) {
	src := s.src
	j := i + 1
	switch {
	case s.d == Postgres && isDigit(src[i]):
		// A number, and any identifier glued to it ("trailing junk" to
		// the server): in 1abc$$ the $$ is part of the word.
		for j < len(src) && isDigit(src[j]) {
			j++
		}
		if j < len(src) && isIdentStart(src[j]) {
			for j < len(src) && isWordByte(src[j]) {
				j++
			}
		}
	case s.d == Postgres:
		if src[i]|0x20 == 'e' && j < len(src) && src[j] == '\'' {
			return s.quoted(i, j+1, '\'', true, true, "quoted string")
		}
		for j < len(src) && isWordByte(src[j]) {
			j++
		}
	default:
		for j < len(src) && isWordByte(src[j]) {
			if s.delim != "" && strings.HasPrefix(src[j:], s.delim) {
				break
			}
			j++
		}
	}
	s.pos = j
	return token{tkWord, i, j}, nil
}

// hasWordFold reports whether s starts with the word w, ignoring case.
func hasWordFold(s, w string) bool {
	return len(s) >= len(w) && strings.EqualFold(s[:len(w)], w) && (len(s) == len(w) || !isWordByte(s[len(w)]))
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// isIdentStart reports whether c can start a PostgreSQL identifier or
// dollar-quote tag.
func isIdentStart(c byte) bool {
	return 'a' <= c|0x20 && c|0x20 <= 'z' || c == '_' || c >= 0x80
}

// isWordByte reports whether c can continue an unquoted word: letters,
// digits, '_', '$' and all non-ASCII bytes, in every dialect.
func isWordByte(c byte) bool {
	return isIdentStart(c) || isDigit(c) || c == '$'
}

// isWordStart reports whether c starts a word in dialect d. In PostgreSQL
// '$' is lexed on its own (dollar quotes and parameters).
func isWordStart(d Dialect, c byte) bool {
	if d == Postgres {
		return isIdentStart(c) || isDigit(c)
	}
	return isWordByte(c)
}
