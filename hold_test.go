package tide_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"testing/fstest"
	"time"

	"github.com/tidemigrate/tide"
	"github.com/tidemigrate/tide/internal/testdb"
)

// TestHold applies and reverts migrations one at a time under one hold of
// the lock: another migrator waits for it meanwhile, the history is kept
// as by Up and Down, and the Holder refuses work after Hold returns.
func TestHold(t *testing.T) {
	t.Parallel()
	fsys := fstest.MapFS{}
	for i := 1; i <= 3; i++ {
		fsys[fmt.Sprintf("%d_t%d.sql", i, i)] = &fstest.MapFile{Data: []byte(fmt.Sprintf(
			"-- +tide up\nCREATE TABLE t%d (id INTEGER);\n-- +tide down\nDROP TABLE t%d;\n", i, i))}
	}
	for _, kind := range testdb.Kinds() {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := testdb.New(t, kind)
			m, err := tide.New(db.Dialect, db.DB, fsys)
			if err != nil {
				t.Fatal(err)
			}
			other, err := tide.New(db.Dialect, db.Open(t), fsys, tide.WithLockWait(200*time.Millisecond))
			if err != nil {
				t.Fatal(err)
			}
			var kept *tide.Holder
			err = m.Hold(ctx, func(h *tide.Holder) error {
				kept = h
				for _, step := range []struct {
					name string
					run  func() ([]tide.Result, error)
					want int
				}{
					{"up to 2", func() ([]tide.Result, error) { return h.UpTo(ctx, tide.MustParseVersion("2")) }, 2},
					{"down", func() ([]tide.Result, error) { return h.Down(ctx) }, 1},
					{"up to 2 again", func() ([]tide.Result, error) { return h.UpTo(ctx, tide.MustParseVersion("2")) }, 1},
					{"up to an unknown version", func() ([]tide.Result, error) { return h.UpTo(ctx, tide.MustParseVersion("9")) }, 0},
				} {
					rs, err := step.run()
					if step.want == 0 {
						if !errors.Is(err, tide.ErrUnknownVersion) {
							t.Errorf("%s: %v, want ErrUnknownVersion", step.name, err)
						}
						continue
					}
					if err != nil || len(rs) != step.want {
						return fmt.Errorf("%s: %d results, %v", step.name, len(rs), err)
					}
				}
				if _, err := other.Up(ctx); !errors.Is(err, tide.ErrLockTimeout) {
					t.Errorf("another migrator's Up while the lock is held: %v, want ErrLockTimeout", err)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := kept.Down(ctx); err == nil {
				t.Error("a Holder used after Hold returned did not fail")
			}
			sts, err := m.Status(ctx)
			if err != nil {
				t.Fatal(err)
			}
			var got []tide.State
			for _, st := range sts {
				got = append(got, st.State)
			}
			if want := []tide.State{tide.StateApplied, tide.StateApplied, tide.StatePending}; fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("states after Hold: %v, want %v", got, want)
			}
			// The lock is free again.
			if rs, err := other.Up(ctx); err != nil || len(rs) != 1 {
				t.Errorf("Up after Hold: %d results, %v", len(rs), err)
			}
		})
	}
}
