package source

import (
	"errors"
	"fmt"
	"strings"
	"unicode"

	"github.com/tidemigrate/tide/migration"
)

// nativeCheck begins the check section of the marker line at line n (see
// [migration.Check]): after the up section and before the down section,
// with the helper its line names, if any.
func nativeCheck(m *migration.File, line string, n int, up, down *migration.Section) (*migration.CheckSection, error) {
	switch {
	case up == nil:
		return nil, &migration.ParseError{Path: m.Path, Line: n, Msg: "\"-- +tide check\" before the up section: checks run after the up statements, so their sections follow \"-- +tide up\""}
	case down != nil:
		return nil, &migration.ParseError{Path: m.Path, Line: n, Msg: "\"-- +tide check\" after \"-- +tide down\": checks belong to the up direction (they verify what up did, and tide check verifies it again later); move the section above \"-- +tide down\""}
	}
	h, err := migration.ParseHelper(markerText(line))
	if err != nil {
		return nil, &migration.ParseError{Path: m.Path, Line: n, Msg: "-- +tide check " + err.Error()}
	}
	return &migration.CheckSection{Section: migration.Section{Path: m.Path, Line: n + 1}, Marker: n, Helper: h}, nil
}

// markerText returns what follows the directive name on a marker line
// (which [ParseMarker] accepted), as written.
func markerText(line string) string {
	s := strings.TrimSpace(line)
	s = strings.TrimLeft(strings.TrimPrefix(s, "--"), " \t")
	s = s[len(NativePrefix):]
	s = strings.TrimLeftFunc(s, unicode.IsSpace)
	if i := strings.IndexFunc(s, unicode.IsSpace); i >= 0 {
		return strings.TrimSpace(s[i:])
	}
	return ""
}

// checkSections returns the check sections, in order.
func checkSections(secs []*migration.CheckSection) []migration.CheckSection {
	if len(secs) == 0 {
		return nil
	}
	out := make([]migration.CheckSection, len(secs))
	for i, s := range secs {
		out[i] = *s
	}
	return out
}

// writeNativeChecks writes the check sections of a native file.
func writeNativeChecks(b *strings.Builder, checks []migration.CheckSection) {
	for _, c := range checks {
		if c.Helper != nil {
			b.WriteString("\n-- +tide check " + c.Helper.String() + "\n")
			continue
		}
		b.WriteString("\n-- +tide check\n")
		b.WriteString(sectionText(c.SQL))
	}
}

// checksDiff describes how the check sections got differ from want ("" when
// they do not): their helpers, or their SQL.
func checksDiff(want, got []migration.CheckSection) string {
	if len(want) != len(got) {
		return fmt.Sprintf("%d check sections instead of %d", len(got), len(want))
	}
	for i := range want {
		w, g := want[i], got[i]
		switch {
		case (w.Helper == nil) != (g.Helper == nil):
			return fmt.Sprintf("check section %d changed kind", i+1)
		case w.Helper != nil && w.Helper.String() != g.Helper.String():
			return fmt.Sprintf("check section %d reads as %q instead of %q", i+1, g.Helper.String(), w.Helper.String())
		case w.Helper == nil && strings.TrimSpace(w.SQL) != strings.TrimSpace(g.SQL):
			return fmt.Sprintf("check section %d: SQL text changed", i+1)
		}
	}
	return ""
}

// refuseChecks reports the migrations of migs that have data checks, for
// a format other than native, which cannot hold them.
func refuseChecks(f Format, migs []migration.File) error {
	if f.Name() == Native.Name() {
		return nil
	}
	var errs []error
	for _, m := range migs {
		if len(m.Checks) > 0 {
			errs = append(errs, writeErrorf(m, f.Name(), "it has data checks (-- +tide check), which %s cannot hold: keep the folder native, or move the checks out first", f.Name()))
		}
	}
	return errors.Join(errs...)
}
