package casebook_test

// The cases run the built binary, which go test cannot see: importing the
// packages that decide verdicts makes a change to any of them rebuild and
// rerun the casebook instead of reporting a cached pass.
import (
	_ "github.com/sovmap/sovmap/assess"
	_ "github.com/sovmap/sovmap/embassy"
	_ "github.com/sovmap/sovmap/finding"
	_ "github.com/sovmap/sovmap/inventory"
	_ "github.com/sovmap/sovmap/kb"
	_ "github.com/sovmap/sovmap/report"
	_ "github.com/sovmap/sovmap/transfer"
)
