package sample

import (
	"maps"
	"runtime"
	"runtime/metrics"
	"slices"
	"strconv"
	"time"

	"github.com/sovmap/sovmap"
)

// Reusing returns components (a report.Components) as the server yields
// them: through one ComponentResult and one Component, overwritten before
// each yield and wiped after it, so that a writer that keeps what it was
// passed instead of copying it writes other bytes. Wiping clears the
// elements of the top-level lists, maps and pointers (copies, so the originals stay
// intact) before zeroing the structs.
func Reusing(components Components) Components {
	var res sovmap.ComponentResult
	var spec sovmap.Component
	return func(yield func(*sovmap.ComponentResult, *sovmap.Component) error) error {
		return components(func(r *sovmap.ComponentResult, c *sovmap.Component) error {
			res = *r
			res.Binding, res.Exposure = slices.Clone(r.Binding), slices.Clone(r.Exposure)
			res.ExposureDetails, res.Reasons = slices.Clone(r.ExposureDetails), slices.Clone(r.Reasons)
			res.Factors = slices.Clone(r.Factors)
			var sp *sovmap.Component
			if c != nil {
				spec = *c
				spec.Locations, spec.OperatedFrom = slices.Clone(c.Locations), slices.Clone(c.OperatedFrom)
				spec.Data, spec.Certifications = slices.Clone(c.Data), slices.Clone(c.Certifications)
				spec.Alternatives, spec.DependsOn = slices.Clone(c.Alternatives), slices.Clone(c.DependsOn)
				spec.RenamedFrom, spec.Options = slices.Clone(c.RenamedFrom), slices.Clone(c.Options)
				spec.Tags = maps.Clone(c.Tags)
				if c.Contract != nil {
					k := *c.Contract
					spec.Contract = &k
				}
				if c.MigrationDays != nil {
					d := *c.MigrationDays
					spec.MigrationDays = &d
				}
				sp = &spec
			}
			err := yield(&res, sp)
			clear(res.Binding)
			clear(res.Exposure)
			clear(res.ExposureDetails)
			clear(res.Reasons)
			clear(res.Factors)
			clear(spec.Locations)
			clear(spec.OperatedFrom)
			clear(spec.Data)
			clear(spec.Certifications)
			clear(spec.Alternatives)
			clear(spec.DependsOn)
			clear(spec.RenamedFrom)
			clear(spec.Options)
			clear(spec.Tags)
			if spec.Contract != nil {
				*spec.Contract = sovmap.Contract{}
			}
			if spec.MigrationDays != nil {
				*spec.MigrationDays = -1
			}
			res, spec = sovmap.ComponentResult{}, sovmap.Component{}
			return err
		})
	}
}

// Components is report.Components (which this package cannot import: the
// report package's own tests import this one).
type Components = func(yield func(*sovmap.ComponentResult, *sovmap.Component) error) error

// Counting returns components that counts in *passes how many times it is
// read.
func Counting(components Components, passes *int) Components {
	return func(yield func(*sovmap.ComponentResult, *sovmap.Component) error) error {
		*passes++
		return components(yield)
	}
}

// FailingIn returns components that fail with err halfway through its
// pass-th reading (from 1), after n/2 of its n components, as a store
// failing midway would; the readings before are whole.
func FailingIn(components Components, pass, n int, err error) Components {
	read := 0
	return func(yield func(*sovmap.ComponentResult, *sovmap.Component) error) error {
		if read++; read < pass {
			return components(yield)
		}
		i := 0
		return components(func(res *sovmap.ComponentResult, spec *sovmap.Component) error {
			if i++; i > n/2 {
				return err
			}
			return yield(res, spec)
		})
	}
}

// Repeat yields n components made from those of r (with inv's entries,
// when inv is not nil) taken again and again, each copy's ids, and the
// ids its dependencies name, suffixed with "~" and the copy's number: a
// stream of any size that holds no more than r, for measuring what a
// writer holds. Like Reusing, it passes one struct of each, overwritten.
func Repeat(r *sovmap.Report, inv *sovmap.Inventory, n int) Components {
	specs := map[string]*sovmap.Component{}
	if inv != nil {
		for i := range inv.Components {
			specs[inv.Components[i].ID] = &inv.Components[i]
		}
	}
	var res sovmap.ComponentResult
	var spec sovmap.Component
	var deps []sovmap.Dependency
	return func(yield func(*sovmap.ComponentResult, *sovmap.Component) error) error {
		for i := range n {
			m := len(r.Components)
			c := &r.Components[i%m]
			suffix := "~" + strconv.Itoa(i/m)
			res = *c
			res.ID = c.ID + suffix
			var sp *sovmap.Component
			if s := specs[c.ID]; s != nil {
				spec = *s
				spec.ID = res.ID
				deps = deps[:0]
				for _, d := range s.DependsOn {
					deps = append(deps, sovmap.Dependency{ID: d.ID + suffix, Kind: d.Kind})
				}
				spec.DependsOn = deps
				sp = &spec
			}
			if err := yield(&res, sp); err != nil {
				return err
			}
		}
		return nil
	}
}

// PeakHeap runs f and returns the most heap its objects took while it
// ran, above what they took before, sampled every millisecond after a
// collection.
func PeakHeap(f func()) uint64 {
	runtime.GC()
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	read := func() uint64 {
		metrics.Read(sample)
		return sample[0].Value.Uint64()
	}
	base := read()
	done := make(chan struct{})
	peak := make(chan uint64)
	go func() {
		var top uint64
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				peak <- max(top, read())
				return
			case <-t.C:
				top = max(top, read())
			}
		}
	}()
	f()
	close(done)
	top := <-peak
	if top < base {
		return 0
	}
	return top - base
}
