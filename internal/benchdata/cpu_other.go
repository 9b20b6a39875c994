//go:build !unix

package benchdata

import (
	"errors"
	"time"
)

// ProcessCPU is not measured here: benchmarks report no CPU time.
func ProcessCPU() (time.Duration, error) {
	return 0, errors.New("process CPU time is read on Unix only")
}
