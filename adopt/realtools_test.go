package adopt

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tidemigrate/tide/internal/testdb"
)

// realTool is a migration tool built from source with go install.
type realTool struct {
	name    string // as SourceByName knows it
	pkg     string // package@version
	module  string // the module that holds pkg
	tags    string // build tags that leave out drivers the test does not use
	binary  string
	version string // the version, for the cache folder
	// run applies the fixture testdata/realtools/<name> to db with the
	// tool at bin and checks what Read returns.
	run func(t *testing.T, bin string, db *testdb.DB)
}

// realTools pins the tools. Build tags: goose's cmd/goose drivers are
// excluded with no_<driver> tags (pressly.github.io/goose/installation);
// golang-migrate includes only the drivers named in tags; dbmate has none.
func realTools() []realTool {
	return []realTool{{
		name: "goose", version: "v3.26.0", binary: "goose",
		pkg: "github.com/pressly/goose/v3/cmd/goose@v3.26.0", module: "github.com/pressly/goose/v3",
		tags: "no_clickhouse no_libsql no_mssql no_vertica no_ydb no_sqlite3 no_duckdb no_turso no_spanner no_snowflake",
		run:  runGoose,
	}, {
		name: "golang-migrate", version: "v4.20.1", binary: "migrate",
		pkg: "github.com/golang-migrate/migrate/v4/cmd/migrate@v4.20.1", module: "github.com/golang-migrate/migrate/v4",
		tags: "postgres mysql",
		run:  runGolangMigrate,
	}, {
		name: "dbmate", version: "v2.28.0", binary: "dbmate",
		pkg: "github.com/amacneil/dbmate/v2@v2.28.0", module: "github.com/amacneil/dbmate/v2",
		run: runDbmate,
	}}
}

// TestRealTools installs goose, golang-migrate and dbmate with go install
// (into os.UserCacheDir()/tide-test-tools, reused between runs), lets each
// write its history in a fresh PostgreSQL and MySQL database, and reads it
// back. It needs the Go toolchain and access to the module proxy the first
// time: without them it skips, except under CI, where it fails. -short
// skips it.
func TestRealTools(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: not installing and running the real tools")
	}
	t.Parallel()
	for _, tool := range realTools() {
		t.Run(tool.name, func(t *testing.T) {
			t.Parallel()
			var once sync.Once
			var bin string
			var err error
			get := func(t *testing.T) string {
				once.Do(func() { bin, err = install(t, tool) })
				if err != nil {
					if os.Getenv("CI") != "" {
						t.Fatal(err)
					}
					t.Skipf("%v (offline? the test fails instead under CI)", err)
				}
				return bin
			}
			for _, kind := range []string{testdb.Postgres, testdb.MySQL} {
				t.Run(kind, func(t *testing.T) {
					t.Parallel()
					db := testdb.New(t, kind)
					tool.run(t, get(t), db)
				})
			}
		})
	}
}

// buildFromModule downloads tool's module at its version and builds the
// package inside it, as go install would.
func buildFromModule(ctx context.Context, goCmd string, tool realTool, out string) error {
	pkgPath, version, _ := strings.Cut(tool.pkg, "@")
	dl := exec.CommandContext(ctx, goCmd, "mod", "download", "-json", tool.module+"@"+version)
	dl.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod")
	js, err := dl.Output()
	if err != nil {
		return fmt.Errorf("go mod download %s@%s: %w", tool.module, version, err)
	}
	var info struct{ Dir string }
	if err := json.Unmarshal(js, &info); err != nil || info.Dir == "" {
		return fmt.Errorf("go mod download %s@%s: no module directory in %s", tool.module, version, js)
	}
	args := []string{"build", "-o", out}
	if tool.tags != "" {
		args = append(args, "-tags", tool.tags)
	}
	args = append(args, "."+strings.TrimPrefix(pkgPath, tool.module))
	build := exec.CommandContext(ctx, goCmd, args...)
	build.Dir = info.Dir
	build.Env = append(os.Environ(), "CGO_ENABLED=0", "GOWORK=off", "GOFLAGS=-mod=mod")
	if b, err := build.CombinedOutput(); err != nil {
		return fmt.Errorf("go %s: %w\n%s", strings.Join(args, " "), err, b)
	}
	return nil
}

// install returns the path of tool's binary, building it with go install
// unless the cache already holds it.
func install(t *testing.T, tool realTool) (string, error) {
	cache, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("install %s: %w", tool.name, err)
	}
	exe := tool.binary
	if runtime.GOOS == "windows" {
		exe += ".exe"
	}
	dir := filepath.Join(cache, "tide-test-tools", tool.name+"-"+tool.version)
	bin := filepath.Join(dir, exe)
	if _, err := os.Stat(bin); err == nil {
		return bin, nil
	}
	goCmd, err := exec.LookPath("go")
	if err != nil {
		return "", fmt.Errorf("install %s: %w", tool.name, err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("install %s: %w", tool.name, err)
	}
	// Build into a temporary folder and rename, so that a concurrent run
	// never sees half a binary.
	tmp, err := os.MkdirTemp(dir, ".install-")
	if err != nil {
		return "", fmt.Errorf("install %s: %w", tool.name, err)
	}
	defer os.RemoveAll(tmp)
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	args := []string{"install"}
	if tool.tags != "" {
		args = append(args, "-tags", tool.tags)
	}
	args = append(args, tool.pkg)
	cmd := exec.CommandContext(ctx, goCmd, args...)
	cmd.Dir = tmp
	cmd.Env = append(os.Environ(), "GOBIN="+tmp, "CGO_ENABLED=0", "GOWORK=off")
	start := time.Now()
	out, err := cmd.CombinedOutput()
	if err != nil {
		// Some module proxies refuse a module's version list, which go
		// install reads for deprecation notices, while they serve the
		// version itself: build from the downloaded module instead.
		if berr := buildFromModule(ctx, goCmd, tool, filepath.Join(tmp, exe)); berr != nil {
			return "", fmt.Errorf("go %s: %w\n%s\nbuilding from the module also failed: %v", strings.Join(args, " "), err, out, berr)
		}
	}
	t.Logf("go install %s took %s", tool.pkg, time.Since(start).Round(100*time.Millisecond))
	if err := os.Rename(filepath.Join(tmp, exe), bin); err != nil {
		return "", fmt.Errorf("install %s: %w", tool.name, err)
	}
	return bin, nil
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

// mysqlDSN turns a mysql://user:pass@host:port/db URL into the
// go-sql-driver form user:pass@tcp(host:port)/db.
func mysqlDSN(t *testing.T, rawURL string) string {
	t.Helper()
	u, err := url.Parse(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	host := u.Host
	if u.Port() == "" {
		host += ":3306"
	}
	return fmt.Sprintf("%s@tcp(%s)%s", u.User.String(), host, u.Path)
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
