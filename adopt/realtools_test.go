package adopt

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tidemigrate/tide/internal/testdb"
	"github.com/tidemigrate/tide/internal/testtools"
)

// realTool is a real tool with the check that runs it: apply the fixture
// testdata/realtools/<name> to db with the tool at bin and check what Read
// returns.
type realTool struct {
	tool testtools.Tool
	run  func(t *testing.T, bin string, db *testdb.DB)
}

func realTools() []realTool {
	return []realTool{
		{testtools.Goose, runGoose},
		{testtools.GolangMigrate, runGolangMigrate},
		{testtools.Dbmate, runDbmate},
	}
}

// TestRealTools installs goose, golang-migrate and dbmate (see
// [testtools.Install]: built once and cached), lets each write its history
// in a fresh PostgreSQL and MySQL database, and reads it back. Without the
// Go toolchain or the module proxy it skips, except under CI, where it
// fails. -short skips it.
func TestRealTools(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: not installing and running the real tools")
	}
	t.Parallel()
	for _, rt := range realTools() {
		t.Run(rt.tool.Name, func(t *testing.T) {
			t.Parallel()
			for _, kind := range []string{testdb.Postgres, testdb.MySQL} {
				t.Run(kind, func(t *testing.T) {
					t.Parallel()
					db := testdb.New(t, kind)
					rt.run(t, testtools.Install(t, rt.tool), db)
				})
			}
		})
	}
}

// runTool runs bin with args and fails the test unless it succeeds.
func runTool(t *testing.T, bin string, args ...string) {
	t.Helper()
	if out, err := tryTool(bin, args...); err != nil {
		t.Fatalf("%s %s: %v\n%s", filepath.Base(bin), strings.Join(args, " "), err, out)
	}
}

// tryTool runs bin with args and returns its output.
func tryTool(bin string, args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = os.Environ()
	return cmd.CombinedOutput()
}

// mysqlDSN turns a mysql:// URL into the go-sql-driver form.
func mysqlDSN(t *testing.T, rawURL string) string {
	t.Helper()
	dsn, err := testtools.MySQLDSN(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	return dsn
}

// readReal detects and reads the history the tool wrote.
func readReal(t *testing.T, db *testdb.DB, want string) (*History, error) {
	t.Helper()
	ctx := context.Background()
	src, err := Detect(ctx, db.Dialect, db.DB)
	if err != nil {
		t.Fatalf("Detect: %v", err)
	}
	if src.Name() != want {
		t.Fatalf("Detect = %s, want %s", src.Name(), want)
	}
	return src.Read(ctx, db.Dialect, db.DB)
}

// checkApplied checks the versions of h and that each has a recent time
// when the tool keeps one.
func checkApplied(t *testing.T, h *History, withTime bool, want ...string) {
	t.Helper()
	var got []string
	for _, a := range h.Applied {
		got = append(got, a.Version.String())
		if a.ID != a.Version.String() && strings.TrimLeft(a.ID, "0") != a.Version.String() {
			t.Errorf("%s: ID %q", a.Version, a.ID)
		}
		if withTime && time.Since(a.AppliedAt).Abs() > time.Hour {
			t.Errorf("%s: AppliedAt %v is not about now", a.Version, a.AppliedAt)
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("applied %v, want %v", got, want)
	}
}

// runGoose applies the three migrations, reverts two and applies one
// again: goose v3 deletes the rows of reverted versions.
func runGoose(t *testing.T, bin string, db *testdb.DB) {
	driver, dsn := "postgres", db.URL
	if db.Dialect.Name() == "mysql" {
		driver, dsn = "mysql", mysqlDSN(t, db.URL)+"?parseTime=true"
	}
	dir := filepath.Join("testdata", "realtools", "goose")
	for _, cmd := range []string{"up", "down", "down", "up-by-one"} {
		runTool(t, bin, "-dir", dir, driver, dsn, cmd)
	}
	h, err := readReal(t, db, "goose")
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	checkApplied(t, h, true, "1", "2")
}

// runGolangMigrate applies the three migrations and reverts one, then adds
// a fourth that fails, which leaves golang-migrate dirty.
func runGolangMigrate(t *testing.T, bin string, db *testdb.DB) {
	dbURL := db.URL
	if db.Dialect.Name() == "mysql" {
		dbURL = "mysql://" + mysqlDSN(t, db.URL)
	}
	dir := t.TempDir()
	copyDir(t, filepath.Join("testdata", "realtools", "golang-migrate"), dir)
	runTool(t, bin, "-path", dir, "-database", dbURL, "up")
	runTool(t, bin, "-path", dir, "-database", dbURL, "down", "1")
	h, err := readReal(t, db, "golang-migrate")
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	if h.UpTo.String() != "2" || len(h.Applied) != 0 {
		t.Errorf("UpTo %q, Applied %v; want 2 and none", h.UpTo, describeAll(h))
	}

	write(t, filepath.Join(dir, "4_broken.up.sql"), "INSERT INTO no_such_table (id) VALUES (1);\n")
	write(t, filepath.Join(dir, "4_broken.down.sql"), "SELECT 1;\n")
	if out, err := tryTool(bin, "-path", dir, "-database", dbURL, "up"); err == nil {
		t.Fatalf("migrate up with a broken migration succeeded:\n%s", out)
	}
	_, err = readReal(t, db, "golang-migrate")
	var ie *IncompleteError
	if !errors.As(err, &ie) || ie.ID != "4" || ie.State != "dirty" {
		t.Fatalf("Read after a failed migration: %v; want version 4 dirty", err)
	}
}

// runDbmate applies the three migrations and rolls one back.
func runDbmate(t *testing.T, bin string, db *testdb.DB) {
	dir := filepath.Join("testdata", "realtools", "dbmate")
	for _, cmd := range []string{"up", "rollback"} {
		runTool(t, bin, "--url", db.URL, "--migrations-dir", dir, "--no-dump-schema", cmd)
	}
	h, err := readReal(t, db, "dbmate")
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	checkApplied(t, h, false, "20240101120000", "20240102120000")
}

func copyDir(t *testing.T, from, to string) {
	t.Helper()
	entries, err := os.ReadDir(from)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(from, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		write(t, filepath.Join(to, e.Name()), string(b))
	}
}

func write(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}
