package report

import (
	"strconv"

	"github.com/sovmap/sovmap"
)

// AppendComponentResult appends a component's whole result as JSON, the
// factor breakdown included: what the JSON library makes of a
// sovmap.ComponentResult (TestAppendComponentResult holds the two
// together), written by hand because the server stores one per component
// of a version, a million of them for a national inventory.
func AppendComponentResult(b []byte, c *sovmap.ComponentResult) ([]byte, error) {
	b, err := appendComponent(b, c)
	if err != nil {
		return b, err
	}
	b = append(b[:len(b)-1], `,"factors":[`...)
	for i := range c.Factors {
		f := &c.Factors[i]
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"name":`...)
		if b, err = appendString(b, string(f.Name)); err != nil {
			return b, err
		}
		b = append(b, `,"level":`...)
		b = strconv.AppendInt(b, int64(f.Level), 10)
		if len(f.Facts) > 0 {
			b = append(b, `,"facts":[`...)
			for j, fact := range f.Facts {
				if j > 0 {
					b = append(b, ',')
				}
				if b, err = appendString(b, fact); err != nil {
					return b, err
				}
			}
			b = append(b, ']')
		}
		b = append(b, `,"reason":`...)
		if b, err = appendString(b, f.Reason); err != nil {
			return b, err
		}
		if f.Remedy != "" {
			b = append(b, `,"remedy":`...)
			if b, err = appendString(b, f.Remedy); err != nil {
				return b, err
			}
		}
		b = append(b, '}')
	}
	return append(b, ']', '}'), nil
}
