package tide

import (
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/tidemigrate/tide/dialect/sqlite"
	"github.com/tidemigrate/tide/history"
)

// planFixture is a migrator over versions 1, 2, 3 (3 without a down
// section) and the repeatable "view", that never touches its database.
func planFixture(t *testing.T, opts ...Option) *Migrator {
	t.Helper()
	file := func(up, down string) *fstest.MapFile {
		s := "-- +tide up\n" + up + "\n"
		if down != "" {
			s += "-- +tide down\n" + down + "\n"
		}
		return &fstest.MapFile{Data: []byte(s)}
	}
	fsys := fstest.MapFS{
		"1_a.sql":     file("CREATE TABLE a (id INTEGER);\nCREATE TABLE a2 (id INTEGER);", "DROP TABLE a2;\nDROP TABLE a;"),
		"2_b.sql":     file("CREATE TABLE b (id INTEGER);", "DROP TABLE b;"),
		"3_c.sql":     file("CREATE TABLE c (id INTEGER);", ""),
		"R__view.sql": file("CREATE VIEW v AS SELECT 1;", "DROP VIEW v;"),
	}
	db, err := sql.Open("sqlite", ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	m, err := New(sqlite.New(), db, fsys, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// applied is the record of migration key (a version or R__name) as fully
// applied; edit changes it.
func applied(m *Migrator, key string, edit ...func(*history.Record)) history.Record {
	mig, ok := m.set.Lookup(key)
	if !ok {
		panic("no migration " + key)
	}
	r := m.appliedRecord(mig, time.Now())
	for _, e := range edit {
		e(&r)
	}
	return r
}

func partial(dir Direction, done int) func(*history.Record) {
	return func(r *history.Record) { r.State, r.Direction, r.Done = history.StatePartial, dir, done }
}

func checksum(sum string) func(*history.Record) { return func(r *history.Record) { r.Checksum = sum } }

func seq(n int64) func(*history.Record) { return func(r *history.Record) { r.Seq = n } }

// steps renders a plan as "up 1", "up 2@1" (resuming after statement 1).
func steps(plan []Planned) string {
	var out []string
	for _, p := range plan {
		s := fmt.Sprintf("%s %s", p.Direction, p.Migration.Key())
		if p.Resume > 0 {
			s += fmt.Sprintf("@%d", p.Resume)
		}
		out = append(out, s)
	}
	return strings.Join(out, ", ")
}

func TestPlanUp(t *testing.T) {
	m := planFixture(t)
	ooo := planFixture(t, WithAllowOutOfOrder(true))
	tests := []struct {
		name    string
		m       *Migrator
		recs    func(m *Migrator) []history.Record
		target  string
		want    string
		wantErr string
	}{
		{name: "empty database", m: m, recs: func(*Migrator) []history.Record { return nil }, want: "up 1, up 2, up 3, up R__view"},
		{name: "up to date", m: m, recs: func(m *Migrator) []history.Record {
			return []history.Record{applied(m, "1"), applied(m, "2"), applied(m, "3"), applied(m, "R__view")}
		}},
		{name: "target", m: m, recs: func(*Migrator) []history.Record { return nil }, target: "2", want: "up 1, up 2"},
		{name: "resumes a partial up", m: m, recs: func(m *Migrator) []history.Record {
			return []history.Record{applied(m, "1", partial(Up, 1))}
		}, want: "up 1@1, up 2, up 3, up R__view"},
		{name: "repeatable changed runs again", m: m, recs: func(m *Migrator) []history.Record {
			return []history.Record{applied(m, "1"), applied(m, "2"), applied(m, "3"), applied(m, "R__view", checksum("old"))}
		}, want: "up R__view"},
		{name: "changed file is drift", m: m, recs: func(m *Migrator) []history.Record {
			return []history.Record{applied(m, "1", checksum("old"))}
		}, wantErr: "1 (1_a.sql) changed since it was applied"},
		{name: "missing file is drift", m: m, recs: func(m *Migrator) []history.Record {
			r := applied(m, "1")
			r.Key, r.Version = "9", MustParseVersion("9")
			return []history.Record{r}
		}, wantErr: "9 was applied but its file is missing"},
		{name: "out of order refused", m: m, recs: func(m *Migrator) []history.Record {
			return []history.Record{applied(m, "1"), applied(m, "3")}
		}, wantErr: "pending migrations 2 are older than the newest applied migration 3"},
		{name: "out of order allowed", m: ooo, recs: func(m *Migrator) []history.Record {
			return []history.Record{applied(m, "1"), applied(m, "3")}
		}, want: "up 2, up R__view"},
		{name: "half-reverted blocks up", m: m, recs: func(m *Migrator) []history.Record {
			return []history.Record{applied(m, "1", partial(Down, 1))}
		}, wantErr: "being reverted when it stopped"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var target Version
			if tc.target != "" {
				target = MustParseVersion(tc.target)
			}
			plan, err := tc.m.planUp(tc.recs(tc.m), target)
			if got, want := tc.m.upToDate(briefs(tc.recs(tc.m)), target), err == nil && len(plan) == 0 && len(tc.recs(tc.m)) > 0; got != want {
				t.Errorf("upToDate = %v, want %v", got, want)
			}
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("planUp error = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := steps(plan); got != tc.want {
				t.Errorf("planUp = %q, want %q", got, tc.want)
			}
		})
	}
}

// briefs returns the briefs of recs, as history.Store.Briefs reads them.
func briefs(recs []history.Record) []history.Brief {
	var out []history.Brief
	for _, r := range recs {
		b := history.Brief{Key: r.Key, Applied: r.State == history.StateApplied}
		if b.Applied {
			b.Checksum = r.Checksum
		}
		out = append(out, b)
	}
	return out
}

// TestUpToDateAgreesWithPlanUp checks the shortcut of a run with nothing
// to do against the plan, over every combination of records (each
// migration absent, applied, changed, applied without a checksum, partly
// applied or partly reverted; records without a file, or keyed otherwise
// than tide keys them) and targets: it
// must never say "nothing to do" when the plan has something to do or to
// refuse, and must say it whenever the plan is empty and every record is
// applied.
func TestUpToDateAgreesWithPlanUp(t *testing.T) {
	m := planFixture(t)
	states := []func(key string) (history.Record, bool){
		func(string) (history.Record, bool) { return history.Record{}, false },
		func(key string) (history.Record, bool) { return applied(m, key), true },
		func(key string) (history.Record, bool) { return applied(m, key, checksum("old")), true },
		func(key string) (history.Record, bool) { return applied(m, key, checksum("")), true },
		func(key string) (history.Record, bool) { return applied(m, key, partial(Up, 1)), true },
		func(key string) (history.Record, bool) { return applied(m, key, partial(Down, 1)), true },
	}
	orphan := func(key string) history.Record {
		r := applied(m, "2")
		r.Key, r.Version, r.Name = key, Version{}, strings.TrimPrefix(key, "R__")
		if v, err := ParseVersion(key); err == nil {
			r.Version = v
		}
		return r
	}
	keys := []string{"1", "2", "3", "R__view"}
	n := 0
	for combo := range 6 * 6 * 6 * 6 * 8 {
		var recs []history.Record
		c := combo
		for _, key := range keys {
			if r, ok := states[c%6](key); ok {
				recs = append(recs, r)
			}
			c /= 6
		}
		if c&1 != 0 {
			recs = append(recs, orphan("9"))
		}
		if c&2 != 0 {
			recs = append(recs, orphan("R__gone"))
		}
		if c&4 != 0 {
			recs = append(recs, orphan("02")) // version 2, keyed otherwise
		}
		for _, target := range []Version{{}, MustParseVersion("1"), MustParseVersion("2"), MustParseVersion("3")} {
			plan, err := m.planUp(recs, target)
			want := err == nil && len(plan) == 0 && len(recs) > 0
			allApplied := !slices.ContainsFunc(recs, func(r history.Record) bool { return r.State != history.StateApplied })
			// A record not applied leaves the answer to the plan.
			if got := m.upToDate(briefs(recs), target); got != want && (got || allApplied) {
				t.Fatalf("records %v, target %q: upToDate = %v; planUp = %q, %v", briefs(recs), target, got, steps(plan), err)
			}
			if want {
				n++
			}
		}
	}
	if n == 0 {
		t.Fatal("no combination was up to date")
	}
}

func TestPlanDown(t *testing.T) {
	m := planFixture(t)
	partialRevert := planFixture(t, WithPartialRevert(true))
	all := func(m *Migrator) []history.Record {
		return []history.Record{applied(m, "1"), applied(m, "2"), applied(m, "R__view")}
	}
	tests := []struct {
		name    string
		m       *Migrator
		recs    func(m *Migrator) []history.Record
		target  string
		n       int
		want    string
		wantErr string
	}{
		{name: "newest", m: m, recs: all, n: 1, want: "down 2"},
		{name: "nothing applied", m: m, recs: func(*Migrator) []history.Record { return nil }, n: 1},
		{name: "to a version", m: m, recs: all, target: "1", want: "down 2"},
		{name: "all, repeatables first", m: m, recs: all, n: -1, want: "down R__view, down 2, down 1"},
		{name: "irreversible", m: m, recs: func(m *Migrator) []history.Record { return []history.Record{applied(m, "3")} }, n: 1, wantErr: "no down section"},
		{name: "drift among those to revert", m: m, recs: func(m *Migrator) []history.Record {
			return []history.Record{applied(m, "1"), applied(m, "2", checksum("old"))}
		}, n: 1, wantErr: "2 (2_b.sql) changed"},
		{name: "drift below the target is not in the way", m: m, recs: func(m *Migrator) []history.Record {
			return []history.Record{applied(m, "1", checksum("old")), applied(m, "2")}
		}, target: "1", want: "down 2"},
		{name: "partial up refused", m: m, recs: func(m *Migrator) []history.Record {
			return []history.Record{applied(m, "1", partial(Up, 1))}
		}, n: 1, wantErr: "complete it first"},
		{name: "partial up reverted through the mirror", m: partialRevert, recs: func(m *Migrator) []history.Record {
			return []history.Record{applied(m, "1", partial(Up, 1))}
		}, n: 1, want: "down 1@1"},
		{name: "newest applied after an out-of-order run", m: m, recs: func(m *Migrator) []history.Record {
			return []history.Record{applied(m, "1", seq(1)), applied(m, "2", seq(3)), applied(m, "3", seq(2))}
		}, n: 1, want: "down 2"}, // by version it would be 3, which has no down section
		{name: "to a version, in reverse order of application", m: m, recs: func(m *Migrator) []history.Record {
			return []history.Record{applied(m, "1", seq(3)), applied(m, "2", seq(1)), applied(m, "R__view", seq(2))}
		}, target: "1", want: "down 2"},
		{name: "all, in reverse order of application", m: m, recs: func(m *Migrator) []history.Record {
			return []history.Record{applied(m, "1", seq(2)), applied(m, "2", seq(1)), applied(m, "R__view", seq(3))}
		}, n: -1, want: "down R__view, down 1, down 2"},
		{name: "partial down resumes", m: m, recs: func(m *Migrator) []history.Record {
			return []history.Record{applied(m, "1", partial(Down, 1))}
		}, n: 1, want: "down 1@1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var target Version
			if tc.target != "" {
				target = MustParseVersion(tc.target)
			}
			plan, err := tc.m.planDown(tc.recs(tc.m), target, tc.n)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("planDown error = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := steps(plan); got != tc.want {
				t.Errorf("planDown = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestStatusStates(t *testing.T) {
	m := planFixture(t)
	missing := applied(m, "1")
	missing.Key, missing.Version = "9", MustParseVersion("9")
	recs := []history.Record{applied(m, "1", checksum("old")), applied(m, "2", partial(Up, 0)), missing, applied(m, "R__view", checksum("old"))}
	got := map[string]State{}
	for _, st := range m.status(recs) {
		got[st.Migration.Key()] = st.State
	}
	want := map[string]State{"1": StateChanged, "2": StatePartial, "3": StatePending, "9": StateMissing, "R__view": StateOutdated}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("status of %s = %s, want %s", k, got[k], w)
		}
	}
	var pe *PartialError
	if err := errors.Join(m.partialError(recs[1], "")); !errors.As(err, &pe) || pe.Cause != CauseInterrupted {
		t.Errorf("a partial record without an error = %v, want cause interrupted", err)
	}
}
