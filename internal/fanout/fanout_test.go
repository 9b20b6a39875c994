package fanout

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
)

// TestRangesCoverEveryItemOnce: for sizes around the split points, every
// index is visited exactly once and ranges are contiguous per worker.
func TestRangesCoverEveryItemOnce(t *testing.T) {
	for _, n := range []int{0, 1, 7, 4095, 4096, 8191, 8192, 100_003} {
		seen := make([]int32, n)
		err := Ranges(n, 4096, func(w, lo, hi int) error {
			if lo > hi {
				return fmt.Errorf("worker %d: range %d..%d", w, lo, hi)
			}
			for i := lo; i < hi; i++ {
				atomic.AddInt32(&seen[i], 1)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		for i, c := range seen {
			if c != 1 {
				t.Fatalf("n=%d: item %d visited %d times", n, i, c)
			}
		}
	}
}

func TestRangesReturnTheEarliestError(t *testing.T) {
	if Workers(1<<20, 1) < 2 {
		t.Skip("one core: the order of errors between workers cannot be shown")
	}
	early, late := errors.New("early"), errors.New("late")
	err := Ranges(1<<20, 1, func(w, lo, hi int) error {
		switch w {
		case 0:
			return early
		case 1:
			return late
		}
		return nil
	})
	if err != early {
		t.Errorf("error %v, want the first worker's", err)
	}
}

func TestJobsRunEachJobOnceAndStopOnCancel(t *testing.T) {
	var runs [1000]atomic.Int32
	if err := Jobs(context.Background(), len(runs), 0, func() func(int) {
		return func(i int) { runs[i].Add(1) }
	}); err != nil {
		t.Fatal(err)
	}
	for i := range runs {
		if runs[i].Load() != 1 {
			t.Fatalf("job %d ran %d times", i, runs[i].Load())
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	var done atomic.Int32
	err := Jobs(ctx, 1000, 2, func() func(int) {
		return func(i int) {
			if done.Add(1) == 10 {
				cancel()
			}
		}
	})
	if !errors.Is(err, context.Canceled) || done.Load() >= 1000 {
		t.Errorf("after cancel: err %v, %d jobs run", err, done.Load())
	}
}
