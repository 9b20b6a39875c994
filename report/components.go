package report

import (
	"io"

	"github.com/sovmap/sovmap"
)

// A report of a million components takes gigabytes decoded. A Stream lets
// a writer take its components one at a time, so that it holds one
// component whatever the report's size: the server writes a stored
// version's downloads from its database this way, and the command line
// writes a report it holds whole through the same writer (StreamOf), so
// that both give the same bytes.

// Components calls yield with each component of a report in order, with
// the inventory component it was assessed from (nil when not known), and
// returns the first error yield returns or that it meets itself. It may
// be called more than once and yields the same components each time, so
// that a format needing two passes (column widths, a bill of materials'
// dependencies) reads them twice instead of holding them. What it passes
// to yield is valid only during that call: a writer copies what it keeps.
type Components func(yield func(res *sovmap.ComponentResult, spec *sovmap.Component) error) error

// Stream is a report to be written a component at a time.
type Stream struct {
	// Head is the report without its components: organization, home,
	// summary, layers, providers, flows, notes. Its Components are not read.
	Head *sovmap.Report
	// Inventory is the inventory the report was assessed from, without its
	// components, or nil when not known. Its Components are not read.
	Inventory *sovmap.Inventory
	// Components yields the report's components, Head.Summary.Components
	// of them.
	Components Components
}

// StreamWriter writes a report stream in one format. If the stream's
// Components fails midway, what was written is a truncated report, not a
// complete one: the caller must make the failure visible (abort the
// connection, remove the file).
type StreamWriter func(w io.Writer, s Stream) error

// WithOptions returns write with its options fixed, as a StreamWriter:
// the formats that take options (SARIF, OSCAL, CycloneDX, HTML) are
// configured this way for the server.
func WithOptions[O any](write func(io.Writer, Stream, O) error, opts O) StreamWriter {
	return func(w io.Writer, s Stream) error { return write(w, s, opts) }
}

// StreamOf returns the stream of a report held whole. inv may be nil; its
// components are matched to the report's by ID (by index when they are in
// the same order, as an assessment leaves them).
func StreamOf(r *sovmap.Report, inv *sovmap.Inventory) Stream {
	head := *r
	head.Components = nil
	s := Stream{Head: &head}
	if inv != nil {
		bare := *inv
		bare.Components = nil
		s.Inventory = &bare
	}
	var byID map[string]*sovmap.Component
	spec := func(i int) *sovmap.Component {
		if inv == nil {
			return nil
		}
		id := r.Components[i].ID
		if i < len(inv.Components) && inv.Components[i].ID == id {
			return &inv.Components[i]
		}
		if byID == nil {
			byID = make(map[string]*sovmap.Component, len(inv.Components))
			for j := range inv.Components {
				byID[inv.Components[j].ID] = &inv.Components[j]
			}
		}
		return byID[id]
	}
	s.Components = func(yield func(*sovmap.ComponentResult, *sovmap.Component) error) error {
		for i := range r.Components {
			if err := yield(&r.Components[i], spec(i)); err != nil {
				return err
			}
		}
		return nil
	}
	return s
}
