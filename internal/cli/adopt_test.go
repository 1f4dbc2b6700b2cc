package cli

import (
	"testing"

	"github.com/tidemigrate/tide"
)

func TestAdoptedFrom(t *testing.T) {
	t.Parallel()
	tests := []struct {
		st   tide.MigrationStatus
		want string
	}{
		{tide.MigrationStatus{State: tide.StateApplied, Adopted: true, AdoptedFrom: "goose"}, "adopted (goose)"},
		{tide.MigrationStatus{State: tide.StateApplied, Adopted: true, AdoptedFrom: "flyway", Migration: tide.Migration{Repeatable: true}}, "adopted (flyway)"},
		{tide.MigrationStatus{State: tide.StateOutdated, AppliedBy: "flyway (adopted by ada)"}, "outdated"},
		{tide.MigrationStatus{State: tide.StateApplied, AppliedBy: "ada"}, "applied"},
		{tide.MigrationStatus{State: tide.StateApplied, Baselined: true}, "applied (baseline)"},
	}
	for _, tt := range tests {
		if got := stateText(tt.st); got != tt.want {
			t.Errorf("stateText(%+v) = %q, want %q", tt.st, got, tt.want)
		}
	}
}
