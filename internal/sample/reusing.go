package sample

import (
	"fmt"
	"reflect"
	"runtime"
	"runtime/metrics"
	"strconv"
	"time"

	"github.com/go-json-experiment/json"

	"github.com/sovmap/sovmap"
)

// Reusing returns components (a report.Components) as the server yields
// them: each result and inventory entry decoded from its JSON (as the
// server decodes what it stored) into one ComponentResult and one
// Component, reused for every component, their positions (which JSON does
// not carry) set from the originals; after each yield every string,
// number and boolean reachable from the two (through pointers, structs and
// list elements) is overwritten, every map emptied, and the structs
// zeroed, so that a writer that keeps what it was passed past the call,
// instead of copying it, writes other bytes. The originals are not
// touched. It is the one such stream of the tests: the server's stream
// (server.reportStream) reuses its structures from one batch to the next.
func Reusing(components Components) Components {
	var res sovmap.ComponentResult
	var spec sovmap.Component
	return func(yield func(*sovmap.ComponentResult, *sovmap.Component) error) error {
		return components(func(r *sovmap.ComponentResult, c *sovmap.Component) error {
			res = sovmap.ComponentResult{}
			if err := roundTrip(r, &res); err != nil {
				return fmt.Errorf("component %s: %w", r.ID, err)
			}
			res.Pos = r.Pos
			var sp *sovmap.Component
			if c != nil {
				spec = sovmap.Component{}
				if err := roundTrip(c, &spec); err != nil {
					return fmt.Errorf("inventory component %s: %w", c.ID, err)
				}
				spec.Pos = c.Pos
				sp = &spec
			}
			err := yield(&res, sp)
			trample(reflect.ValueOf(&res).Elem())
			trample(reflect.ValueOf(&spec).Elem())
			res, spec = sovmap.ComponentResult{}, sovmap.Component{}
			return err
		})
	}
}

// roundTrip decodes into dst what the JSON library makes of src.
func roundTrip[T any](src, dst *T) error {
	b, err := json.Marshal(src)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, dst)
}

// trample overwrites every string, number and boolean reachable from v
// (through pointers, structs and list elements) and empties every map, as
// a store reusing its buffers would.
func trample(v reflect.Value) {
	switch v.Kind() {
	case reflect.String:
		v.SetString("\x00trampled")
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(-7)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(7)
	case reflect.Float32, reflect.Float64:
		v.SetFloat(-7)
	case reflect.Bool:
		v.SetBool(!v.Bool())
	case reflect.Pointer:
		if !v.IsNil() {
			trample(v.Elem())
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				trample(v.Field(i))
			}
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			trample(v.Index(i))
		}
	case reflect.Map:
		v.Clear()
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
