package migration

import (
	"slices"
	"testing"
)

func TestParseVersion(t *testing.T) {
	tests := []struct {
		in, want string
		bad      bool
	}{
		{in: "1", want: "1"},
		{in: "007", want: "7"},
		{in: "20261122093000", want: "20261122093000"},
		{in: "1.2.10", want: "1.2.10"},
		{in: "1.0", want: "1"},
		{in: "1.0.0", want: "1"},
		{in: "2.01", want: "2.1"},
		{in: "1.0.3", want: "1.0.3"},
		{in: "123456789012345678901234567890", want: "123456789012345678901234567890"},
		{in: "", bad: true},
		{in: "0", want: "0"},
		{in: "0.0", want: "0"},
		{in: "1..2", bad: true},
		{in: ".1", bad: true},
		{in: "1.", bad: true},
		{in: "-1", bad: true},
		{in: "v1", bad: true},
		{in: "1_2", bad: true},
	}
	for _, tt := range tests {
		v, err := ParseVersion(tt.in)
		if tt.bad {
			if err == nil {
				t.Errorf("ParseVersion(%q) = %q, want an error", tt.in, v)
			}
			continue
		}
		if err != nil || v.String() != tt.want {
			t.Errorf("ParseVersion(%q) = %q, %v; want %q", tt.in, v, err, tt.want)
		}
	}
}

func TestVersionOrder(t *testing.T) {
	in := []string{"1.2.10", "10", "1.2.9", "9", "1.2", "0.9", "1.10", "1.2.9.1", "20261122093000", "2"}
	want := []string{"0.9", "1.2", "1.2.9", "1.2.9.1", "1.2.10", "1.10", "2", "9", "10", "20261122093000"}
	vs := make([]Version, len(in))
	for i, s := range in {
		vs[i] = MustParseVersion(s)
	}
	slices.SortFunc(vs, Version.Compare)
	got := make([]string, len(vs))
	for i, v := range vs {
		got[i] = v.String()
	}
	if !slices.Equal(got, want) {
		t.Fatalf("sorted %v, want %v", got, want)
	}
	if MustParseVersion("1.0") != MustParseVersion("1") {
		t.Fatal("1.0 and 1 must be equal with ==")
	}
	if (Version{}).Compare(MustParseVersion("1")) >= 0 {
		t.Fatal("the zero Version must sort first")
	}
}

func FuzzParseVersion(f *testing.F) {
	for _, s := range []string{"1", "1.2.10", "007", "0", "..", "1.0.0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := ParseVersion(s)
		if err != nil {
			return
		}
		again, err := ParseVersion(v.String())
		if err != nil || again != v || again.Compare(v) != 0 {
			t.Fatalf("canonical form %q of %q does not parse back to itself: %v", v, s, err)
		}
	})
}
