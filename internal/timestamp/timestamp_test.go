package timestamp

import (
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	want := time.Date(2024, 1, 2, 3, 4, 5, 250000000, time.UTC)
	for _, s := range []string{
		"2024-01-02 03:04:05.25+00:00",
		"2024-01-02 04:04:05.25+01:00",
		"2024-01-02T03:04:05.25Z",
		"2024-01-02 03:04:05.25Z",
		"2024-01-02 05:04:05.25+02",
		"2024-01-02 03:04:05.25 +0000 UTC",
		"2024-01-02 03:04:05.25",
		" 2024-01-02T03:04:05.25 ",
	} {
		got, err := Parse(s)
		if err != nil || !got.Equal(want) || got.Location() != time.UTC {
			t.Errorf("Parse(%q) = %v, %v; want %v", s, got, err, want)
		}
	}
	if got, err := Parse("2024-01-02"); err != nil || !got.Equal(time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("Parse(date) = %v, %v", got, err)
	}
	if _, err := Parse("yesterday"); err == nil {
		t.Error("Parse(yesterday) succeeded")
	}
}
