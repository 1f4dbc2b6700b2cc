package history

import (
	"fmt"
	"time"
)

// scanTime converts a timestamp as drivers return it: time.Time, or text
// (MySQL without parseTime, SQLite), or nil for NULL (the zero time).
func scanTime(v any) (time.Time, error) {
	switch t := v.(type) {
	case time.Time:
		return t.UTC(), nil
	case []byte:
		return parseTime(string(t))
	case string:
		return parseTime(t)
	case nil:
		return time.Time{}, nil
	}
	return time.Time{}, fmt.Errorf("unexpected timestamp type %T", v)
}

// timeLayouts are the text forms of timestamps the drivers return.
var timeLayouts = []string{
	"2006-01-02 15:04:05.999999999-07:00", // modernc.org/sqlite writes this
	"2006-01-02 15:04:05.999999999Z07:00",
	time.RFC3339Nano,
	"2006-01-02 15:04:05.999999999", // without a zone: UTC
	"2006-01-02T15:04:05.999999999",
}

// parseTime reads a timestamp in one of timeLayouts, in UTC.
func parseTime(s string) (time.Time, error) {
	for _, l := range timeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("cannot read timestamp %q", s)
}

// dbTime is t as tide stores it: UTC, microseconds (what every database
// keeps; MySQL would round the nanoseconds rather than truncate them).
func dbTime(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }
