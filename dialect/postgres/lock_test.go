package postgres_test

import (
	"context"
	"strings"
	"testing"

	"github.com/tidemigrate/tide/dialect/postgres"
	"github.com/tidemigrate/tide/internal/testdb"
)

// TestSessionLockHolder checks the holder's description, for keys whose
// hash is negative and positive: pg_locks shows the int4 hash as an
// unsigned oid, so a negative one must be matched modulo 2^32.
func TestSessionLockHolder(t *testing.T) {
	t.Parallel()
	db := testdb.New(t, testdb.Postgres)
	ctx := context.Background()
	d := postgres.New()
	holder, err := db.Open(t).Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Close()
	if _, err := holder.ExecContext(ctx, `SET application_name = 'tide-lock-holder'`); err != nil {
		t.Fatal(err)
	}
	pid, err := d.SessionID(ctx, holder)
	if err != nil {
		t.Fatal(err)
	}
	signs := map[bool]bool{}
	for _, key := range []string{"public.a", "public.b", "tide_migrations"} {
		var negative bool
		err := db.DB.QueryRowContext(ctx, `SELECT hashtext(CASE WHEN strpos($1, '.') > 0 THEN $1 ELSE current_schema() || '.' || $1 END) < 0`, key).Scan(&negative)
		if err != nil {
			t.Fatal(err)
		}
		signs[negative] = true
		unlock, acquired, err := d.LockSession(ctx, holder, key, 0, nil)
		if err != nil || !acquired {
			t.Fatalf("LockSession(%q) = %v, %v", key, acquired, err)
		}
		got, err := d.SessionLockHolder(ctx, db.DB, key)
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"pid " + pid + " (", "application tide-lock-holder", "host ", "connected "} {
			if !strings.Contains(got, want) {
				t.Errorf("holder of %q (negative hash: %v) = %q, want it to contain %q", key, negative, got, want)
			}
		}
		if err := unlock(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if !signs[true] || !signs[false] {
		t.Fatalf("the keys' hashes do not take both signs: %v", signs)
	}
}
