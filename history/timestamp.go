package history

import (
	"fmt"
	"time"

	"github.com/tidemigrate/tide/internal/timestamp"
)

// scanTime converts a timestamp as drivers return it: time.Time, or text
// (MySQL without parseTime, SQLite), or nil for NULL (the zero time).
func scanTime(v any) (time.Time, error) {
	switch t := v.(type) {
	case time.Time:
		return t.UTC(), nil
	case []byte:
		return timestamp.Parse(string(t))
	case string:
		return timestamp.Parse(t)
	case nil:
		return time.Time{}, nil
	}
	return time.Time{}, fmt.Errorf("unexpected timestamp type %T", v)
}

// dbTime is t as tide stores it: UTC, microseconds (what every database
// keeps; MySQL would round the nanoseconds rather than truncate them).
func dbTime(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }
