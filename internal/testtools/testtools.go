// Package testtools installs the real migration tools (goose,
// golang-migrate, dbmate) that tests run beside tide, to check that tide
// reads what they write and takes over from them.
//
// [Install] builds a pinned version of a tool from source with the Go
// toolchain, once, into os.UserCacheDir()/tide-test-tools, and reuses it in
// later runs. The first build needs the module proxy. When the tool cannot
// be built the test is skipped with the reason, except under CI (CI set),
// where it fails: CI must not silently lose these tests.
//
// Install is safe for concurrent use: parallel tests of one process share
// one build, and concurrent processes never see half a binary.
package testtools

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// Tool is a migration tool that can be built from source.
type Tool struct {
	Name    string // the tool's name, as adopt.SourceByName knows it
	Package string // the main package and its version, as go install takes it
	Module  string // the module that holds Package
	Tags    string // build tags, to leave out drivers the tests do not use
	Binary  string // the executable's name, without .exe
}

// The tools, pinned. Build tags: goose's cmd/goose drivers are excluded
// with no_<driver> tags (pressly.github.io/goose/installation); its SQLite
// driver is modernc.org/sqlite, pure Go, so it stays in. golang-migrate
// includes only the drivers named in its tags; dbmate has none.
var (
	Goose = Tool{
		Name: "goose", Binary: "goose",
		Package: "github.com/pressly/goose/v3/cmd/goose@v3.26.0", Module: "github.com/pressly/goose/v3",
		Tags: "no_clickhouse no_libsql no_mssql no_vertica no_ydb no_duckdb no_turso no_spanner no_snowflake",
	}
	GolangMigrate = Tool{
		Name: "golang-migrate", Binary: "migrate",
		Package: "github.com/golang-migrate/migrate/v4/cmd/migrate@v4.20.1", Module: "github.com/golang-migrate/migrate/v4",
		Tags: "postgres mysql",
	}
	Dbmate = Tool{
		Name: "dbmate", Binary: "dbmate",
		Package: "github.com/amacneil/dbmate/v2@v2.28.0", Module: "github.com/amacneil/dbmate/v2",
	}
)

// Version returns the pinned version, e.g. "v3.26.0".
func (tool Tool) Version() string {
	_, v, _ := strings.Cut(tool.Package, "@")
	return v
}

// cacheName is the tool's folder in the cache: its name, version and a
// hash of its build tags, so that changing the tags builds it again.
func (tool Tool) cacheName() string {
	name := tool.Name + "-" + tool.Version()
	if tool.Tags != "" {
		sum := sha256.Sum256([]byte(tool.Tags))
		name += "-" + hex.EncodeToString(sum[:4])
	}
	return name
}

// installs holds one build per tool for the whole process, so that
// parallel tests wait for one build instead of starting their own.
var installs sync.Map // cacheName -> *installation

type installation struct {
	once sync.Once
	bin  string
	err  error
}

// Install returns the path of tool's binary, building it on first use. It
// skips t under -short, and when the tool cannot be built (no Go
// toolchain, no module proxy); under CI it fails t instead.
func Install(t testing.TB, tool Tool) string {
	t.Helper()
	if testing.Short() {
		t.Skipf("-short: not installing and running the real %s", tool.Name)
	}
	v, _ := installs.LoadOrStore(tool.cacheName(), &installation{})
	in := v.(*installation)
	in.once.Do(func() { in.bin, in.err = install(tool, t.Logf) })
	if in.err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("install the real %s: %v", tool.Name, in.err)
		}
		t.Skipf("cannot install the real %s, so this test is skipped (under CI it fails): %v", tool.Name, in.err)
	}
	return in.bin
}

// Build returns the path of tool's binary as [Install] does, for a program
// rather than a test (bench/tools): it builds the tool on first use and
// reports the build through logf; it returns the error instead of skipping.
func Build(tool Tool, logf func(format string, args ...any)) (string, error) {
	return install(tool, logf)
}

// install returns the path of tool's binary, building it with go install
// unless the cache already holds it.
func install(tool Tool, logf func(format string, args ...any)) (string, error) {
	cache, err := os.UserCacheDir()
	if err != nil { // no $HOME: build under the temporary directory instead
		cache = os.TempDir()
	}
	exe := tool.Binary
	if runtime.GOOS == "windows" {
		exe += ".exe"
	}
	dir := filepath.Join(cache, "tide-test-tools", tool.cacheName())
	bin := filepath.Join(dir, exe)
	if _, err := os.Stat(bin); err == nil {
		return bin, nil
	}
	goCmd, err := exec.LookPath("go")
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	// Build into a temporary folder and rename, so that a concurrent run
	// never sees half a binary.
	tmp, err := os.MkdirTemp(dir, ".install-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	args := []string{"install"}
	if tool.Tags != "" {
		args = append(args, "-tags", tool.Tags)
	}
	args = append(args, tool.Package)
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
	logf("installing %s took %s", tool.Package, time.Since(start).Round(100*time.Millisecond))
	if err := os.Rename(filepath.Join(tmp, exe), bin); err != nil {
		return "", err
	}
	return bin, nil
}

// buildFromModule downloads tool's module at its version and builds the
// package inside it, as go install would.
func buildFromModule(ctx context.Context, goCmd string, tool Tool, out string) error {
	pkgPath, version, _ := strings.Cut(tool.Package, "@")
	dl := exec.CommandContext(ctx, goCmd, "mod", "download", "-json", tool.Module+"@"+version)
	dl.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod")
	js, err := dl.Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			err = fmt.Errorf("%w\n%s", err, ee.Stderr)
		}
		return fmt.Errorf("go mod download %s@%s: %w", tool.Module, version, err)
	}
	var info struct{ Dir string }
	if err := json.Unmarshal(js, &info); err != nil || info.Dir == "" {
		return fmt.Errorf("go mod download %s@%s: no module directory in %s", tool.Module, version, js)
	}
	args := []string{"build", "-o", out}
	if tool.Tags != "" {
		args = append(args, "-tags", tool.Tags)
	}
	args = append(args, "."+strings.TrimPrefix(pkgPath, tool.Module))
	build := exec.CommandContext(ctx, goCmd, args...)
	build.Dir = info.Dir
	build.Env = append(os.Environ(), "CGO_ENABLED=0", "GOWORK=off", "GOFLAGS=-mod=mod")
	if b, err := build.CombinedOutput(); err != nil {
		return fmt.Errorf("go %s: %w\n%s", strings.Join(args, " "), err, b)
	}
	return nil
}

// MySQLDSN turns a mysql://user:pass@host:port/db?params URL, as tide takes
// it, into the go-sql-driver/mysql form user:pass@tcp(host:port)/db?params
// that goose takes.
func MySQLDSN(rawURL string) (string, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return "", err
	}
	if u.Scheme != "mysql" && u.Scheme != "mariadb" {
		return "", fmt.Errorf("not a mysql:// URL: %s", u.Redacted())
	}
	host := u.Host
	if u.Port() == "" {
		host += ":3306"
	}
	dsn := fmt.Sprintf("tcp(%s)%s", host, u.Path)
	if u.User != nil {
		userinfo := u.User.Username()
		if pw, ok := u.User.Password(); ok {
			userinfo += ":" + pw
		}
		dsn = userinfo + "@" + dsn
	}
	if u.RawQuery != "" {
		dsn += "?" + u.RawQuery
	}
	return dsn, nil
}
