package reporttest

import (
	"bytes"
	"encoding/json"
	"regexp"
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

// TestSameOSCALComparesUUIDs: of an OSCAL document's UUIDs, only the two
// made from the time it was written (the document's and the result's, in
// the writer's source, report/oscal) may differ: every UUID that is not
// one of them, found in the document's bytes, is changed in turn, and the
// copy is not the same; changing the two fresh ones leaves it the same.
func TestSameOSCALComparesUUIDs(t *testing.T) {
	var b bytes.Buffer
	if err := oscal.WriteOptions(&b, sample.Report(), sample.Inventory(), oscal.Options{Now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}); err != nil {
		t.Fatal(err)
	}
	doc := b.Bytes()
	var parsed struct {
		AR struct {
			UUID    string `json:"uuid"`
			Results []struct {
				UUID string `json:"uuid"`
			} `json:"results"`
		} `json:"assessment-results"`
	}
	if err := json.Unmarshal(doc, &parsed); err != nil || len(parsed.AR.Results) != 1 {
		t.Fatalf("%v, %d results", err, len(parsed.AR.Results))
	}
	fresh := map[string]bool{parsed.AR.UUID: true, parsed.AR.Results[0].UUID: true}
	uuids := regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)
	seen := map[string]bool{}
	for _, u := range uuids.FindAll(doc, -1) {
		if seen[string(u)] {
			continue
		}
		seen[string(u)] = true
		changed := bytes.Replace(doc, u, []byte("00000000-0000-5000-8000-000000000000"), 1)
		if same := Same(t, "oscal", changed, doc); same != fresh[string(u)] {
			t.Errorf("UUID %s (fresh: %v) changed: the same document %v, want %v", u, fresh[string(u)], same, fresh[string(u)])
		}
	}
	if len(seen) < 20 {
		t.Errorf("%d UUIDs in the document: the test checks too few", len(seen))
	}
}
