package testtools

import (
	"context"
	"os/exec"
	"strings"
	"testing"
	"time"
)

func TestMySQLDSN(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"mysql://root@127.0.0.1:3306/test":           "root@tcp(127.0.0.1:3306)/test",
		"mysql://app:p%40ss@db/app?parseTime=true":   "app:p@ss@tcp(db:3306)/app?parseTime=true",
		"mariadb://u:pw@[::1]:3307/x":                "u:pw@tcp([::1]:3307)/x",
		"mysql://127.0.0.1:3306/test":                "tcp(127.0.0.1:3306)/test",
		"mysql://root@127.0.0.1:3306/test?tls=false": "root@tcp(127.0.0.1:3306)/test?tls=false",
	}
	for in, want := range tests {
		got, err := MySQLDSN(in)
		if err != nil || got != want {
			t.Errorf("MySQLDSN(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := MySQLDSN("postgres://u@h/db"); err == nil {
		t.Error("MySQLDSN accepted a postgres URL")
	}
}

func TestCacheName(t *testing.T) {
	t.Parallel()
	a, b := Goose, Goose
	b.Tags += " no_sqlite3"
	if a.cacheName() == b.cacheName() {
		t.Errorf("the cache folder %s does not change with the build tags", a.cacheName())
	}
	if !strings.HasPrefix(a.cacheName(), "goose-v3.26.0-") {
		t.Errorf("cacheName() = %s", a.cacheName())
	}
	if got := Dbmate.cacheName(); got != "dbmate-v2.28.0" {
		t.Errorf("cacheName() = %s, want dbmate-v2.28.0", got)
	}
}

// TestInstall installs every tool (or finds it in the cache) and runs it.
func TestInstall(t *testing.T) {
	t.Parallel()
	for _, tool := range []Tool{Goose, GolangMigrate, Dbmate} {
		t.Run(tool.Name, func(t *testing.T) {
			t.Parallel()
			bin := Install(t, tool)
			if again := Install(t, tool); again != bin {
				t.Errorf("second Install = %s, want %s", again, bin)
			}
			ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
			defer cancel()
			out, err := exec.CommandContext(ctx, bin, "--help").CombinedOutput()
			if len(out) == 0 {
				t.Errorf("%s --help printed nothing (%v)", bin, err)
			}
		})
	}
}
