package report_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/sovmap/sovmap/internal/sample"
	"github.com/sovmap/sovmap/report"
	"github.com/sovmap/sovmap/report/cyclonedx"
	"github.com/sovmap/sovmap/report/html"
	"github.com/sovmap/sovmap/report/oscal"
	"github.com/sovmap/sovmap/report/sarif"
	"github.com/sovmap/sovmap/report/sheet"
)

// TestStreamWritersWithoutHead: every format's stream writer, given a
// stream whose components are there but whose head is not, returns an
// error naming its format and writes nothing, instead of panicking. CSV is
// the exception: it writes the components alone and reads no head, so it
// writes them.
func TestStreamWritersWithoutHead(t *testing.T) {
	for _, tc := range []struct {
		format string
		write  report.StreamWriter
		prefix string // of the error; "" when none is due
	}{
		{"table", report.WriteTableStream, "table: "},
		{"wide", report.WriteWideTableStream, "wide table: "},
		{"markdown", report.WriteMarkdownStream, "markdown: "},
		{"json-full", report.WriteJSONDetailStream, "json-full: "},
		{"sarif", report.WithOptions(sarif.WriteStream, sarif.Options{}), "sarif: "},
		{"oscal", report.WithOptions(oscal.WriteStream, oscal.Options{}), "oscal: "},
		{"cyclonedx", report.WithOptions(cyclonedx.WriteStream, cyclonedx.Options{}), "cyclonedx: "},
		{"html", report.WithOptions(html.WriteStream, html.Options{}), "html: "},
		{"xlsx", sheet.WriteXLSXStream, "xlsx: "},
		{"csv", sheet.WriteCSVStream, ""},
	} {
		t.Run(tc.format, func(t *testing.T) {
			s := report.StreamOf(sample.Report(), sample.Inventory())
			s.Head = nil
			var b bytes.Buffer
			err := noPanic(func() error { return tc.write(&b, s) })
			switch {
			case tc.prefix == "" && err != nil:
				t.Fatalf("%s reads no head, but: %v", tc.format, err)
			case tc.prefix == "":
				if !bytes.Contains(b.Bytes(), []byte(sample.Report().Components[0].ID)) {
					t.Errorf("%s wrote %q, not the components", tc.format, b.Bytes())
				}
			case err == nil || !strings.HasPrefix(err.Error(), tc.prefix):
				t.Errorf("error %v, want one starting %q", err, tc.prefix)
			case b.Len() > 0:
				t.Errorf("%q written before the error", b.Bytes())
			}
		})
	}

	t.Run("json", func(t *testing.T) {
		var b bytes.Buffer
		err := noPanic(func() error {
			return report.WriteJSONStream(&b, nil, func(func([]byte) error) error { return nil })
		})
		if err == nil || !strings.HasPrefix(err.Error(), "json: ") || b.Len() > 0 {
			t.Errorf("error %v and %q written, want an error starting \"json: \" and nothing written", err, b.Bytes())
		}
	})
}

// noPanic runs f and returns its error, or a panic as an error.
func noPanic(f func() error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v", p)
		}
	}()
	return f()
}
