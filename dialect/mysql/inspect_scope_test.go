package mysql_test

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/tidemigrate/tide/schema"
)

// only is what an inspection limited to names must read of full: the
// tables it lists and the triggers on them, and every other object.
func only(full *schema.Schema, names []string) *schema.Schema {
	out := *full
	out.Tables = []*schema.Table{}
	for _, t := range full.Tables {
		if slices.Contains(names, t.Name) {
			out.Tables = append(out.Tables, t)
		}
	}
	out.Triggers = nil
	for _, tr := range full.Triggers {
		if slices.Contains(names, tr.Table) {
			out.Triggers = append(out.Triggers, tr)
		}
	}
	return &out
}

// TestInspectTables reads parts of the fixture with Options.Tables: each
// equals the same part of the full read; names that do not exist, or
// name a view or a sequence, or differ only in case, read no table; an
// empty list reads none; views, routines and sequences are read in full.
func TestInspectTables(t *testing.T) {
	t.Parallel()
	db := fixture(t)
	full := inspect(t, db.DB, schema.Options{})
	for _, tc := range []struct {
		name    string
		tables  []string
		exclude []string
	}{
		{"one with a trigger", []string{"users"}, nil},
		{"missing names", []string{"orders", "no_such_table", ""}, nil},
		{"three", []string{"order_lines", "cache", "places"}, nil},
		{"a view and a sequence", []string{"big_orders", "invoice_no"}, nil},
		{"case", []string{"USERS", "Orders"}, nil},
		{"quotes", []string{"o'rders", "orders`", `orders\`}, nil},
		{"excluded", []string{"orders", "users"}, []string{"orders"}},
		{"empty", []string{}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := inspect(t, db.DB, schema.Options{Tables: tc.tables, Exclude: tc.exclude})
			want := only(full, slices.DeleteFunc(slices.Clone(tc.tables), func(n string) bool {
				return slices.Contains(tc.exclude, n)
			}))
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Tables %q read (-want +got):\n%s", tc.tables, diff)
			}
		})
	}
}
