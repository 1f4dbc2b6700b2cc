// Package timestamp reads timestamps as database drivers return them in
// text: SQLite's and MySQL's without parseTime, and the forms other
// migration tools write. Both tide's version table and the adoption of
// other tools' tables read through it.
package timestamp

import (
	"fmt"
	"strings"
	"time"
)

// layouts are the text forms tried, most specific first. A form without a
// zone is read as UTC (SQLite's datetime('now'), tide's own columns).
var layouts = []string{
	"2006-01-02 15:04:05.999999999-07:00", // modernc.org/sqlite
	"2006-01-02 15:04:05.999999999Z07:00",
	time.RFC3339Nano,
	"2006-01-02 15:04:05.999999999-07",
	"2006-01-02 15:04:05.999999999 -0700 MST", // time.Time.String
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02",
}

// Parse reads s in one of the known forms and returns it in UTC.
func Parse(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, l := range layouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("cannot read timestamp %q", s)
}
