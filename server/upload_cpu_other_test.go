//go:build !unix

package server

import (
	"errors"
	"time"
)

// processCPU is not measured here: the upload benchmark reports no CPU.
func processCPU() (time.Duration, error) {
	return 0, errors.New("process CPU time is read on Unix only")
}
