package source

import (
	"strings"
	"unicode"
)

// Marker is one annotation line of a migration file, such as
// "-- +tide up", "-- +tide no-transaction" or "-- migrate:up transaction:false".
//
// Markers are parsed generically: a comment introducer, a tool prefix, a
// directive name and optional words. A format decides which names it knows.
type Marker struct {
	Name string   // directive name, lower-cased: "up", "down", "no-transaction"
	Args []string // the words after the name, as written
	Line int      // 1-based line of the marker in its file
}

// Option returns the value of an argument written key=value or key:value,
// matching key case-insensitively. A bare word "key" has the value "".
func (m Marker) Option(key string) (value string, ok bool) {
	for _, a := range m.Args {
		k, v, found := strings.Cut(a, "=")
		if !found {
			k, v, _ = strings.Cut(a, ":")
		}
		if strings.EqualFold(k, key) {
			return v, true
		}
	}
	return "", false
}

// ParseMarker reports whether line is a marker line for prefix and parses it.
// A marker line is "--", optional spaces, prefix (case-insensitive), then the
// directive name and its words. When prefix ends in a letter or digit, it
// must be followed by a space ("-- +tide up"); otherwise the name may follow
// at once ("-- migrate:up").
func ParseMarker(line, prefix string) (Marker, bool) {
	s := strings.TrimSpace(line)
	rest, ok := strings.CutPrefix(s, "--")
	if !ok {
		return Marker{}, false
	}
	rest = strings.TrimLeft(rest, " \t")
	if len(rest) < len(prefix) || !strings.EqualFold(rest[:len(prefix)], prefix) {
		return Marker{}, false
	}
	rest = rest[len(prefix):]
	if last := rune(prefix[len(prefix)-1]); unicode.IsLetter(last) || unicode.IsDigit(last) {
		if rest != "" && rest[0] != ' ' && rest[0] != '\t' {
			return Marker{}, false
		}
	}
	fields := strings.Fields(rest)
	if len(fields) == 0 {
		return Marker{}, false
	}
	return Marker{Name: strings.ToLower(fields[0]), Args: fields[1:]}, true
}
