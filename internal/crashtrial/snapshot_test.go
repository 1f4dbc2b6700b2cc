package crashtrial

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tidemigrate/tide/internal/dburl"
)

// TestDiff checks that a snapshot tells apart what a crashed run can get
// wrong (a row changed twice, a missing index) and ignores tide's tables.
func TestDiff(t *testing.T) {
	base := []string{
		`CREATE TABLE accounts (id INTEGER PRIMARY KEY, balance INTEGER NOT NULL)`,
		`INSERT INTO accounts VALUES (1, 10), (2, 20)`,
		`CREATE INDEX accounts_balance_idx ON accounts (balance)`,
	}
	tests := []struct {
		name  string
		extra []string // run on the second database only
		want  []string // in the diff; none: equal
	}{
		{name: "same"},
		{name: "tide's tables", extra: []string{`CREATE TABLE tide_migrations (version TEXT)`, `INSERT INTO tide_migrations VALUES ('1')`}},
		{name: "row changed", extra: []string{`UPDATE accounts SET balance = balance - 5 WHERE id = 2`},
			want: []string{"rows: accounts has 2 rows, want 2; 1 rows changed (first column 2)"}},
		{name: "row added", extra: []string{`INSERT INTO accounts VALUES (3, 30)`},
			want: []string{"rows: accounts has 3 rows, want 2; 1 rows unexpected (3)"}},
		{name: "index missing", extra: []string{`DROP INDEX accounts_balance_idx`},
			want: []string{"schema: missing index\taccounts\taccounts_balance_idx"}},
		{name: "table added", extra: []string{`CREATE TABLE audit (id INTEGER)`},
			want: []string{"schema: unexpected table\taudit\taudit", "rows: unexpected table audit (0 rows)"}},
	}
	ctx := context.Background()
	take := func(t *testing.T, stmts []string) *Snapshot {
		t.Helper()
		db, _, err := dburl.Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "t.db"))
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		for _, s := range stmts {
			if _, err := db.ExecContext(ctx, s); err != nil {
				t.Fatalf("%s: %v", s, err)
			}
		}
		snap, err := Take(ctx, db, "sqlite")
		if err != nil {
			t.Fatal(err)
		}
		return snap
	}
	want := take(t, base)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := take(t, append(append([]string{}, base...), tt.extra...))
			d := Diff(want, got)
			if len(tt.want) == 0 && d != "" {
				t.Fatalf("Diff = %q, want none", d)
			}
			for _, w := range tt.want {
				if !strings.Contains(d, w) {
					t.Errorf("Diff = %q, want it to contain %q", d, w)
				}
			}
		})
	}
}
