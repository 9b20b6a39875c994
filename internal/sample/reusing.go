package sample

import (
	"maps"
	"slices"

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
