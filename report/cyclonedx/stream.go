package cyclonedx

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/report"
)

// WriteStream writes the BOM of a report stream: the bytes WriteOptions
// writes of the report held whole, a component at a time. It holds the
// head, the providers and flows, and of the components only the bom-refs
// that are not ids (components imported from a BOM) and whether each end
// of a flow is a service; each component is encoded and written before
// the next is read.
//
// The BOM lists its components, then its services, then every
// component's dependencies, so it reads the stream's components in up to
// five passes: one for those facts, one more when some component asks for
// the bom-ref it had in a BOM it was imported from (to learn which of
// those are other components' ids), then one per list (none for an empty
// list). The envelope and metadata are written before the first pass.
//
// Without an inventory, the components are written from the report
// alone (ids, layers and providers), as WriteOptions does.
func WriteStream(w io.Writer, s report.Stream, opts Options) error {
	if s.Head == nil {
		return fmt.Errorf("cyclonedx: nothing to write")
	}
	inv := s.Inventory
	if inv == nil {
		inv = fromReport(s.Head)
	}
	return writeBOM(w, s.Head, inv, s.Components, opts)
}

// specOf is the inventory component of a result: spec, or when the stream
// has none, a bare one made from the result, as fromReport makes them.
func specOf(res *sovmap.ComponentResult, spec *sovmap.Component, bare *sovmap.Component) *sovmap.Component {
	if spec != nil {
		return spec
	}
	*bare = sovmap.Component{ID: res.ID, Layer: res.Layer, Provider: res.Provider}
	return bare
}

// writeBOM streams the BOM of inv's components as each yields them, with
// r's assessment when r is not nil (then each yields a result with every
// component, else nil results with the inventory's components).
func writeBOM(w io.Writer, r *sovmap.Report, inv *sovmap.Inventory, each report.Components, opts Options) error {
	if opts.SerialNumber == "" {
		s, err := randomSerial()
		if err != nil {
			return fmt.Errorf("cyclonedx: serial number: %w", err)
		}
		opts.SerialNumber = s
	}
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	if _, ok := stripURN(opts.SerialNumber); !ok {
		return fmt.Errorf("cyclonedx: serial number %q is not urn:uuid:<uuid>", opts.SerialNumber)
	}
	bw := bufio.NewWriter(w)
	var enc elementEncoder
	// The envelope first, so that the first byte does not wait for the
	// passes: the BOM without its lists, encoded whole, open at its end.
	head, err := enc.encode((&mapper{r: r, inv: inv, opts: opts}).envelope(), "")
	if err != nil {
		return err
	}
	if _, err := bw.Write(bytes.TrimSuffix(head, []byte("\n}"))); err != nil {
		return fmt.Errorf("cyclonedx: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("cyclonedx: %w", err)
	}

	// Pass one: the facts the lists need.
	ends := map[string]bool{}
	for _, f := range inv.Flows {
		ends[f.From], ends[f.To] = true, true
	}
	isService := map[string]bool{}
	var cands []candidate
	var nComponents, nServices int
	var bare sovmap.Component
	err = each(func(res *sovmap.ComponentResult, spec *sovmap.Component) error {
		c := specOf(res, spec, &bare)
		svc := asService(c)
		if svc {
			nServices++
		} else {
			nComponents++
		}
		if ends[c.ID] {
			isService[c.ID] = svc
		}
		if orig, ok := wantsRef(c); ok {
			cands = append(cands, candidate{c.ID, orig})
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("cyclonedx: %w", err)
	}
	taken := map[string]bool{}
	if len(cands) > 0 {
		// Which of the bom-refs asked for are other components' ids.
		for _, c := range cands {
			taken[c.orig] = false
		}
		err := each(func(res *sovmap.ComponentResult, spec *sovmap.Component) error {
			id := specOf(res, spec, &bare).ID
			if _, ok := taken[id]; ok {
				taken[id] = true
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("cyclonedx: %w", err)
		}
	}
	m, err := newMapper(r, inv, opts, isService, claimRefs(cands, taken))
	if err != nil {
		return err
	}

	// One pass per list, each written as the encoder would write it in
	// the BOM: one level of indentation down, "," between elements.
	list := func(name string, n int, item func(c *sovmap.Component, res *sovmap.ComponentResult) (any, bool)) error {
		if n == 0 {
			return nil
		}
		if _, err := fmt.Fprintf(bw, ",\n  %q: [", name); err != nil {
			return fmt.Errorf("cyclonedx: %w", err)
		}
		sep := "\n    "
		err := each(func(res *sovmap.ComponentResult, spec *sovmap.Component) error {
			v, ok := item(specOf(res, spec, &bare), res)
			if !ok {
				return nil
			}
			b, err := enc.encode(v, "    ")
			if err != nil {
				return err
			}
			if _, err := bw.WriteString(sep); err != nil {
				return err
			}
			sep = ",\n    "
			_, err = bw.Write(b)
			return err
		})
		if err == nil {
			_, err = bw.WriteString("\n  ]")
		}
		if err != nil {
			return fmt.Errorf("cyclonedx: %w", err)
		}
		return nil
	}
	err = list("components", nComponents, func(c *sovmap.Component, res *sovmap.ComponentResult) (any, bool) {
		if asService(c) {
			return nil, false
		}
		return m.component(c, res), true
	})
	if err != nil {
		return err
	}
	err = list("services", nServices, func(c *sovmap.Component, res *sovmap.ComponentResult) (any, bool) {
		if !asService(c) {
			return nil, false
		}
		return m.service(c, res), true
	})
	if err != nil {
		return err
	}
	if nComponents+nServices == 0 {
		_, err = bw.WriteString(",\n  \"dependencies\": []")
	} else {
		err = list("dependencies", nComponents+nServices, func(c *sovmap.Component, _ *sovmap.ComponentResult) (any, bool) {
			return m.dependency(c), true
		})
	}
	if err == nil {
		_, err = bw.WriteString("\n}\n")
	}
	if err == nil {
		err = bw.Flush()
	}
	if err != nil {
		return fmt.Errorf("cyclonedx: %w", err)
	}
	return nil
}

// elementEncoder encodes values as cyclonedx-go's pretty encoder does
// (two-space indentation, HTML characters as they are), at a depth.
type elementEncoder struct{ buf bytes.Buffer }

// encode returns v's JSON, its lines after the first starting with
// prefix, without the final newline; valid until the next call.
func (e *elementEncoder) encode(v any, prefix string) ([]byte, error) {
	e.buf.Reset()
	enc := json.NewEncoder(&e.buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent(prefix, "  ")
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("cyclonedx: %w", err)
	}
	return bytes.TrimSuffix(e.buf.Bytes(), []byte("\n")), nil
}
