package migration

import (
	"fmt"
	"strings"
)

// Version identifies a migration and orders it among the others.
//
// A version is one or more dot-separated unsigned integer segments: "42",
// "20261122093000", "1.2.10". Versions compare numerically segment by
// segment, so 1.2.10 sorts after 1.2.9 and 10 after 9, with no limit on the
// size of a segment. Leading zeros and trailing zero segments are not
// significant: "007" equals "7" and "1.0" equals "1" (as Flyway compares).
// Version 0 exists (golang-migrate numbers from 0); tide's native format and
// goose start at 1.
//
// Version is comparable with ==; the zero Version means "no version".
// It is safe for concurrent use.
type Version struct {
	s string // canonical form: segments without leading zeros, no trailing ".0"
}

// ParseVersion parses a version such as "20261122093000" or "1.2.10".
// It rejects empty segments, signs and letters.
func ParseVersion(s string) (Version, error) {
	if s == "" {
		return Version{}, fmt.Errorf("version is empty")
	}
	if v, ok := parseInteger(s); ok {
		return v, nil // the common case, without allocating
	}
	segs := strings.Split(s, ".")
	for i, seg := range segs {
		if seg == "" {
			return Version{}, fmt.Errorf("version %q has an empty segment", s)
		}
		for _, r := range seg {
			if r < '0' || r > '9' {
				return Version{}, fmt.Errorf("version %q: %q is not a number", s, seg)
			}
		}
		seg = strings.TrimLeft(seg, "0")
		if seg == "" {
			seg = "0"
		}
		segs[i] = seg
	}
	for len(segs) > 1 && segs[len(segs)-1] == "0" {
		segs = segs[:len(segs)-1]
	}
	return Version{s: strings.Join(segs, ".")}, nil
}

// parseInteger parses a version of one segment: a run of digits, whose
// leading zeros it drops.
func parseInteger(s string) (Version, bool) {
	if s == "" {
		return Version{}, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return Version{}, false
		}
	}
	if s = strings.TrimLeft(s, "0"); s == "" {
		s = "0"
	}
	return Version{s: s}, true
}

// MustParseVersion is like [ParseVersion] but panics on a bad version.
// It is meant for constants in code, such as Go migrations.
func MustParseVersion(s string) Version {
	v, err := ParseVersion(s)
	if err != nil {
		panic(err)
	}
	return v
}

// String returns the canonical form of v ("" for the zero Version).
func (v Version) String() string { return v.s }

// IsZero reports whether v is the zero Version.
func (v Version) IsZero() bool { return v.s == "" }

// Compare returns -1, 0 or +1 as v sorts before, equal to or after w.
// The zero Version sorts before every other.
func (v Version) Compare(w Version) int {
	a, b := v.s, w.s
	for a != "" || b != "" {
		var x, y string
		x, a, _ = strings.Cut(a, ".")
		y, b, _ = strings.Cut(b, ".")
		if c := compareDigits(x, y); c != 0 {
			return c
		}
	}
	return 0
}

// compareDigits compares two digit strings without leading zeros as numbers;
// an empty string (a missing segment) is less than any number.
func compareDigits(x, y string) int {
	switch {
	case len(x) < len(y):
		return -1
	case len(x) > len(y):
		return 1
	}
	return strings.Compare(x, y)
}
