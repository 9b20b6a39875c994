package reporttest

import (
	"bytes"
	"testing"
	"time"

	"github.com/sovmap/sovmap/internal/sample"
	"github.com/sovmap/sovmap/report/cyclonedx"
	"github.com/sovmap/sovmap/report/html"
	"github.com/sovmap/sovmap/report/oscal"
	"github.com/sovmap/sovmap/report/sheet"
)

// TestSame: two writings of one report are the same; a report with one
// more component is not, in each format Same treats apart.
func TestSame(t *testing.T) {
	full := sample.Report()
	less := *full
	less.Components = less.Components[1:]
	less.Summary.Components = len(less.Components) // as a stream's head counts them
	writers := map[string]func(*bytes.Buffer, bool) error{
		"cyclonedx": func(b *bytes.Buffer, all bool) error {
			return cyclonedx.WriteOptions(b, pick(all, full, &less), nil, cyclonedx.Options{})
		},
		"html": func(b *bytes.Buffer, all bool) error { return html.Write(b, pick(all, full, &less), nil) },
		"oscal": func(b *bytes.Buffer, all bool) error {
			defer time.Sleep(1100 * time.Millisecond) // the next writing in another second
			return oscal.Write(b, pick(all, full, &less), nil)
		},
		"xlsx": func(b *bytes.Buffer, all bool) error { return sheet.WriteXLSX(b, pick(all, full, &less), nil) },
	}
	for format, write := range writers {
		var a, b, c bytes.Buffer
		if write(&a, true) != nil || write(&b, true) != nil || write(&c, false) != nil {
			t.Fatalf("%s: writing failed", format)
		}
		if !Same(t, format, a.Bytes(), b.Bytes()) {
			t.Errorf("%s: two writings of one report differ", format)
		}
		if Same(t, format, a.Bytes(), c.Bytes()) {
			t.Errorf("%s: a report without its first component is the same", format)
		}
	}
}

func pick[T any](first bool, a, b T) T {
	if first {
		return a
	}
	return b
}
