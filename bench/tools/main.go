// Command tools builds the peers that bench/compare.sh times tide against,
// goose and golang-migrate at the versions the test suite pins (package
// internal/testtools), into the same cache, and prints their paths as
// shell assignments:
//
//	eval "$(go run ./bench/tools)"   # sets GOOSE_BIN and MIGRATE_BIN
//
// golang-migrate is built with its SQLite driver (modernc.org/sqlite, pure
// Go, as goose and tide use) besides PostgreSQL and MySQL, which the test
// suite's build leaves out. The first run needs the Go module proxy and
// takes a few minutes on two cores; later runs reuse the cache.
package main

import (
	"fmt"
	"log"
	"os"

	"github.com/tidemigrate/tide/internal/testtools"
)

func main() {
	log.SetFlags(0)
	log.SetPrefix("bench/tools: ")
	migrate := testtools.GolangMigrate
	migrate.Tags += " sqlite"
	for _, t := range []struct {
		env  string
		tool testtools.Tool
	}{{"GOOSE_BIN", testtools.Goose}, {"MIGRATE_BIN", migrate}} {
		bin, err := testtools.Build(t.tool, log.Printf)
		if err != nil {
			log.Printf("build %s: %v", t.tool.Package, err)
			os.Exit(1)
		}
		fmt.Printf("%s=%q\n", t.env, bin)
	}
}
