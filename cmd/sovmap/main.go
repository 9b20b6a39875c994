// Command sovmap maps an organization's AI infrastructure onto the
// sovereignty spectrum. See the README and docs/ for its commands.
package main

import (
	"context"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
)

func main() {
	tuneGC()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// tuneGC trades memory for speed unless the user has set GOGC or
// GOMEMLIMIT: an assessment builds a large heap that lives until the end,
// which the default collector scans again and again. The soft limit keeps a
// national-scale inventory (a million components) within 6 GiB.
func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(5 << 30)
	}
}
