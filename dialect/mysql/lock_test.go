package mysql_test

import (
	"context"
	"strings"
	"testing"

	"github.com/tidemigrate/tide/dialect/mysql"
	"github.com/tidemigrate/tide/internal/testdb"
)

// TestSessionLockHolder checks the holder's description from the process
// list.
func TestSessionLockHolder(t *testing.T) {
	t.Parallel()
	db := testdb.New(t, testdb.MySQL)
	ctx := context.Background()
	d := mysql.New()
	holder, err := db.Open(t).Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Close()
	id, err := d.SessionID(ctx, holder)
	if err != nil {
		t.Fatal(err)
	}
	unlock, acquired, err := d.LockSession(ctx, holder, "tide_migrations", 0, nil)
	if err != nil || !acquired {
		t.Fatalf("LockSession = %v, %v", acquired, err)
	}
	defer unlock(context.Background())
	got, err := d.SessionLockHolder(ctx, db.DB, "tide_migrations")
	if err != nil {
		t.Fatal(err)
	}
	// What the holder does ("idle for 0s", or "in Query for 0s" while
	// the server still finishes GET_LOCK) depends on the moment.
	for _, want := range []string{"connection " + id + " (", "user ", "host ", "database " + db.Name, " for "} {
		if !strings.Contains(got, want) {
			t.Errorf("holder = %q, want it to contain %q", got, want)
		}
	}
}
