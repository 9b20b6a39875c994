// Command sovmap-gen writes a synthetic inventory as JSON, for benchmarks
// and load tests:
//
//	go run ./cmd/sovmap-gen -n 1000000 -seed 1 > /tmp/inventory-1m.json
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/sovmap/sovmap/gen"
	"github.com/sovmap/sovmap/kb"
)

func main() {
	n := flag.Int("n", 10000, "number of components")
	deps := flag.Int("deps", 5, "mean dependencies per component")
	providers := flag.Int("providers", 2000, "number of providers")
	seed := flag.Uint64("seed", 1, "random seed")
	home := flag.String("home", "DE", "home jurisdiction")
	flag.Parse()
	k, err := kb.Default()
	if err != nil {
		fmt.Fprintln(os.Stderr, "sovmap-gen:", err)
		os.Exit(2)
	}
	inv := gen.Inventory(k, gen.Options{Components: *n, Deps: *deps, Providers: *providers, Seed: *seed, Home: *home})
	if err := gen.WriteJSON(os.Stdout, inv); err != nil {
		fmt.Fprintln(os.Stderr, "sovmap-gen:", err)
		os.Exit(1)
	}
}
