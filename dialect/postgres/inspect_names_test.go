package postgres

import (
	"strings"
	"testing"
)

func TestInventedNames(t *testing.T) {
	long := strings.Repeat("t", 70)[:63]
	for _, tc := range []struct {
		name, table string
		cols        []string
		label       string
		want        bool
	}{
		{"users_pkey", "users", nil, "pkey", true},
		{"users_pkey1", "users", nil, "pkey", true},
		{"users_pkey01", "users", nil, "pkey", false},
		{"users_pk", "users", nil, "pkey", false},
		{"users_email_key", "users", []string{"email"}, "key", true},
		{"users_a_b_key", "users", []string{"a", "b"}, "key", true},
		{"users_b_a_key", "users", []string{"a", "b"}, "key", false},
		{"old_email_key", "users", []string{"email"}, "key", false},
		{"orders_user_id_fkey", "orders", []string{"user_id"}, "fkey", true},
		{"orders_user_id_fkey2", "orders", []string{"user_id"}, "fkey", true},
		{"users_check", "users", nil, "check", true},
		{"users_score_check", "users", []string{"score"}, "check", true},
		{"users_score_check", "users", nil, "check", false},
		// Cut to 63 bytes, the longer part first (as PostgreSQL 15 names
		// them).
		{strings.Repeat("t", 58) + "_pkey", long, nil, "pkey", true},
		{strings.Repeat("t", 29) + "_" + strings.Repeat("c", 29) + "_key", long, []string{strings.Repeat("c", 40)}, "key", true},
		{strings.Repeat("t", 29) + "_" + strings.Repeat("c", 28) + "_key1", long, []string{strings.Repeat("c", 40)}, "key", true},
		// A multi-byte character is not split.
		{strings.Repeat("é", 29) + "_pkey", strings.Repeat("é", 40), nil, "pkey", true},
	} {
		if got := invented(tc.name, tc.table, tc.cols, tc.label); got != tc.want {
			t.Errorf("invented(%q, %q, %q, %q) = %t, want %t", tc.name, tc.table, tc.cols, tc.label, got, tc.want)
		}
	}
}

func TestNameAddition(t *testing.T) {
	cols := []string{strings.Repeat("a", 40), strings.Repeat("b", 40), "c"}
	got := nameAddition(cols)
	if want := strings.Repeat("a", 40) + "_" + strings.Repeat("b", 40); got != want {
		t.Errorf("nameAddition stops after the name that passes 63 bytes: got %q", got)
	}
}
