//go:build unix

package benchdata

import (
	"syscall"
	"time"
)

// ProcessCPU is the CPU time the process has used so far, user and
// system, on every core: under the load of other processes on the machine
// a steadier measure of a benchmark than the wall clock.
func ProcessCPU() (time.Duration, error) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, err
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), nil
}
