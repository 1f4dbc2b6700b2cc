package cli

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/tidemigrate/tide/internal/testdb"
	"github.com/tidemigrate/tide/internal/testtools"
)

// TestRealGoose runs testdata/realtools/*.txtar, in which the real goose
// (built once by [testtools.Install]) and tide take turns on one database:
// SQLite always, PostgreSQL and MySQL when their URLs are set. The scripts
// run goose as "exec $GOOSE -dir DIR COMMAND"; GOOSE_DRIVER and
// GOOSE_DBSTRING point it at $DB_URL. Without the Go toolchain or the
// module proxy to build goose, it skips, except under CI, where it fails;
// -short skips it.
func TestRealGoose(t *testing.T) {
	t.Parallel()
	for _, kind := range testdb.Kinds() {
		t.Run(strings.ToLower(kind), func(t *testing.T) {
			t.Parallel()
			if kind != testdb.SQLite {
				testdb.URL(t, kind) // skip, or fail under CI, when unset
			}
			goose := testtools.Install(t, testtools.Goose)
			p := scriptParams(kind)
			p.Dir = filepath.Join("testdata", "realtools")
			setup := p.Setup
			p.Setup = func(e *testscript.Env) error {
				if err := setup(e); err != nil {
					return err
				}
				driver, dsn, err := gooseDSN(kind, e.Getenv("DB_URL"))
				if err != nil {
					return err
				}
				e.Setenv("GOOSE", goose)
				e.Setenv("GOOSE_DRIVER", driver)
				e.Setenv("GOOSE_DBSTRING", dsn)
				return nil
			}
			testscript.Run(t, p)
		})
	}
}

// gooseDSN returns goose's driver name and connection string for a
// database URL as tide takes it.
func gooseDSN(kind, rawURL string) (driver, dsn string, err error) {
	switch kind {
	case testdb.SQLite:
		return "sqlite3", strings.TrimPrefix(rawURL, "sqlite:"), nil
	case testdb.MySQL:
		dsn, err := testtools.MySQLDSN(rawURL)
		if err != nil {
			return "", "", err
		}
		sep := "?"
		if strings.Contains(dsn, "?") {
			sep = "&"
		}
		return "mysql", dsn + sep + "parseTime=true", nil
	}
	return "postgres", rawURL, nil
}
