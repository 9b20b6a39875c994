// Package fanout spreads work over the machine's cores. It is the one way
// sovmap schedules parallel work, so that the packages that compute (the
// engine, the loader, the graph, the risk analyses) say what a unit of work
// is and not how goroutines are started, counted and joined.
//
// Two shapes cover the code: Ranges cuts a list into one contiguous range
// per core (a million components assessed in order, cheap per item), and
// Jobs hands out numbered jobs one at a time (scenarios of uneven cost),
// each worker keeping its own buffers.
package fanout

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"
)

// Workers returns how many workers Ranges uses for n items when each
// worker should get at least minPer of them: one for a small list, at most
// GOMAXPROCS.
func Workers(n, minPer int) int {
	return max(1, min(runtime.GOMAXPROCS(0), n/max(1, minPer)))
}

// Ranges splits [0,n) into Workers(n, minPer) contiguous ranges and calls
// fn(w, lo, hi) for each on a goroutine of its own, w numbering the worker
// from 0. It waits for all and returns the error of the lowest-numbered
// worker that failed, so that a failure in an early range wins, as it would
// on one core.
func Ranges(n, minPer int, fn func(w, lo, hi int) error) error {
	workers := Workers(n, minPer)
	if workers == 1 {
		return fn(0, 0, n)
	}
	errs := make([]error, workers)
	chunk := (n + workers - 1) / workers
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[w] = fn(w, min(w*chunk, n), min((w+1)*chunk, n))
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// Jobs runs jobs 0..n-1 on at most workers goroutines (GOMAXPROCS when
// workers <= 0). Each worker gets its own function from newWorker, so it
// can keep buffers across jobs. It stops handing out jobs once ctx is done
// and returns ctx's error.
func Jobs(ctx context.Context, n, workers int, newWorker func() func(int)) error {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = max(1, min(workers, n))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			run := newWorker()
			for {
				i := int(next.Add(1) - 1)
				if i >= n || ctx.Err() != nil {
					return
				}
				run(i)
			}
		}()
	}
	wg.Wait()
	return ctx.Err()
}
