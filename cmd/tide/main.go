// Command tide applies and reverts database migrations. The command line
// lives in internal/cli; see github.com/tidemigrate/tide for the library.
package main

import (
	"context"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	"github.com/tidemigrate/tide/internal/cli"
)

func main() {
	// A run of tide allocates a few tens of megabytes at most, most of it
	// kept to the end (the migrations read): collecting at every doubling
	// of a small heap is wasted work. GOGC, when set, still decides.
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(400)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	// After the first signal, tide rolls back and releases the lock; a
	// second one ends the process at once.
	context.AfterFunc(ctx, stop)
	code := cli.Run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
