package diff

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/sovmap/sovmap"
)

// TestSniffTellsReports: only a JSON object with a "summary" and no
// "version" (every inventory has a version) is an assessment.
func TestSniffTellsReports(t *testing.T) {
	tests := []struct {
		name string
		data string
		want bool
	}{
		{"report", `{"organization":"x","components":[],"summary":{}}`, true},
		{"inventory json", `{"version":1,"organization":{"name":"x","home":"DE"},"components":[]}`, false},
		{"yaml inventory", "version: 1\ncomponents: []\n", false},
		{"broken json", `{"summary":`, false},
		{"array", `[]`, false},
		{"empty", ``, false},
	}
	for _, tt := range tests {
		r, err := Sniff("", []byte(tt.data))
		if got := err == nil && r != nil; got != tt.want {
			t.Errorf("%s: Sniff gave an assessment: %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestDecodeReportRoundTrip(t *testing.T) {
	r := rep([]sovmap.ComponentResult{comp("a", 1, 1, 3, "US")}, flow("f", sovmap.Violation))
	data, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	got, err := DecodeReport("old.json", data)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Components) != 1 || got.Components[0].Gap != 2 || got.Flows[0].Verdict != sovmap.Violation {
		t.Errorf("decoded = %+v", got)
	}
	if n := len(NewFindings(got, r, 1)); n != 0 {
		t.Errorf("a report compared with its own JSON has %d new findings", n)
	}
}

func TestDecodeReportErrors(t *testing.T) {
	tests := []struct {
		name, data, want string
	}{
		{"syntax", "{\n  \"components\": [\n    {\"id\": \"a\",, }\n  ]\n}", "old.json:3:16:"},
		{"wrong type", "{\n  \"components\": [\n    {\"id\": \"a\", \"gap\": \"two\"}\n  ]\n}", "old.json:3:"},
		{"truncated", "{\"components\": [", "old.json:1:"},
		{"empty", "", "empty file"},
		{"no id", `{"components":[{"level":1}]}`, "components[0] has no id"},
		{"level out of range", `{"components":[{"id":"a","level":9}]}`, "outside 0..4"},
		{"two values", `{} {}`, "more than one JSON value"},
	}
	for _, tt := range tests {
		_, err := DecodeReport("old.json", []byte(tt.data))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error = %v, want it to contain %q", tt.name, err, tt.want)
		}
	}
}

func TestReadReportLimit(t *testing.T) {
	_, err := ReadReport("x.json", strings.NewReader(`{"components":[]}`))
	if err != nil {
		t.Fatal(err)
	}
	_, err = ReadReport("x.json", bytes.NewReader(nil))
	if err == nil {
		t.Fatal("empty input accepted")
	}
}

func FuzzDecodeReport(f *testing.F) {
	f.Add([]byte(`{"components":[{"id":"a","level":1,"effective_level":1,"required_level":3,"gap":2,"exposure":["US"]}],"flows":[{"id":"f","verdict":"violation"}],"summary":{}}`))
	f.Add([]byte(`{"components":[{"id":"a","exposure_details":[{"jurisdiction":"RU","tier":"restricted"}]}]}`))
	f.Add([]byte(`{`))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := DecodeReport("fuzz.json", data)
		if err != nil {
			return
		}
		// Whatever decodes must compare, against itself and nothing, without panicking.
		if n := len(NewFindings(r, r, 1)); n != 0 {
			t.Fatalf("a report compared with itself has %d new findings", n)
		}
		d := Compare(nil, r, 1)
		var buf bytes.Buffer
		if err := WriteTable(&buf, d); err != nil {
			t.Fatal(err)
		}
		if err := WriteMarkdown(&buf, d); err != nil {
			t.Fatal(err)
		}
	})
}

func TestSniff(t *testing.T) {
	tests := []struct {
		name, data string
		report     bool
		err        string // a prefix of the error, "" for none
	}{
		{"report", `{"components":[],"summary":{}}`, true, ""},
		{"inventory", `{"version":1,"components":[]}`, false, ""},
		{"inventory with a summary field", `{"version":1,"summary":{}}`, false, ""},
		{"cut short", "{\n  \"components\": [\n", false, "b.json:3:1: not a sovmap assessment"},
		{"syntax", "{\n  \"a\": ,\n}", false, "b.json:2:8: not a sovmap assessment"},
		{"foreign object", `{"name":"x"}`, false, "b.json:1:1: not a sovmap assessment"},
		{"list", "\n  [1]", false, "b.json:2:3: not a sovmap assessment"},
		{"empty", "", false, "b.json: empty file"},
		// Columns count characters, as strictyaml's positions do: "Zürich"
		// is 8 characters (9 bytes), so the stray comma is character 33.
		{"non-ASCII line", `{"organization": "Zürich", "a": ,}`, false, "b.json:1:33: not a sovmap assessment"},
		{"non-ASCII indent", "{\n\"é\": 1, \"ü\": [}", false, "b.json:2:15: not a sovmap assessment"},
		// An inventory's fields do not fit a report's; it is still one.
		{"inventory with an organization object", `{"organization":{"name":"x"},"version":1,"components":"x"}`, false, ""},
		{"report with a misfit", `{"summary":{},"components":"x"}`, false, "b.json:1:"},
		{"misfit without summary", `{"components":"x"}`, false, `b.json:1:1: not a sovmap assessment: a JSON object without "summary"`},
		{"two values", `{"summary":{}} {}`, false, "b.json: more than one JSON value"},
		{"unchecked report", `{"summary":{},"components":[{"level":1}]}`, false, "b.json: components[0] has no id"},
		// encoding/json matches keys ignoring case: these were inventories
		// (whose loader then names the key) and stay so.
		{"inventory with Version", `{"Version":1,"components":[]}`, false, ""},
		{"inventory with VERSION last", `{"components":[],"summary":{},"VERSION":1}`, false, ""},
		{"inventory with a null version", `{"version":null}`, false, ""},
		{"version only nested", `{"a":{"version":1}}`, false, `b.json:1:1: not a sovmap assessment: a JSON object without "summary"`},
		// An inventory cut short is not well formed: refused as before, at
		// the end of the file.
		{"inventory cut short", "{\"version\": 1,\n\"components\": [", false, "b.json:2:16: not a sovmap assessment (cut short"},
		{"inventory with a syntax error", "{\"version\": 1, \"a\": ,}", false, "b.json:1:21: not a sovmap assessment"},
	}
	for _, tt := range tests {
		got, err := Sniff("b.json", []byte(tt.data))
		switch {
		case tt.err == "" && err != nil:
			t.Errorf("%s: error %v", tt.name, err)
		case tt.err != "" && (err == nil || !strings.HasPrefix(err.Error(), tt.err)):
			t.Errorf("%s: error %v, want one starting %q", tt.name, err, tt.err)
		case (got != nil) != tt.report:
			t.Errorf("%s: report = %v, want one: %v", tt.name, got, tt.report)
		}
	}
}

// TestSniffDecodes: the assessment Sniff returns is the one DecodeReport
// returns, summary included, so the caller needs no second decoding.
func TestSniffDecodes(t *testing.T) {
	r := rep([]sovmap.ComponentResult{comp("a", 1, 1, 3, "US")}, flow("f", sovmap.Violation))
	r.Summary.Components = 1
	data, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Sniff("r.json", data)
	if err != nil || got == nil {
		t.Fatalf("Sniff = %v, %v", got, err)
	}
	want, err := DecodeReport("r.json", data)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) || got.Summary.Components != 1 || len(got.Components) != 1 || got.Flows[0].Verdict != sovmap.Violation {
		t.Errorf("Sniff = %+v\nDecodeReport = %+v", got, want)
	}
}

func TestDecodeReportRefusesMissingExposureDetails(t *testing.T) {
	data := "{\n  \"components\": [\n    {\"id\": \"a\", \"level\": 1, \"exposure\": [\"US\"]}\n  ]\n}"
	_, err := DecodeReport("old.json", []byte(data))
	if err == nil || !strings.HasPrefix(err.Error(), "old.json:3:6: component a: foreign exposure (US) without exposure_details") {
		t.Errorf("error = %v", err)
	}
}

func FuzzSniff(f *testing.F) {
	for _, s := range []string{`{"summary":{}}`, `{"version":1}`, `{"a"`, `[`, ` `, "{\n\"summary\": [1,"} {
		f.Add([]byte(s))
	}
	for _, s := range []string{`{"Version":1}`, `{"version":1,"a":[}`, `{"a":1,"version":{"b":[1,2]}} x`, "{\"version\":\"\xff\"}", `{"version":1,"version":2}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := Sniff("f.json", data)
		if err != nil && r != nil {
			t.Fatal("an error and a report")
		}
		// An inventory is what encoding/json, decoding the first JSON
		// value, finds a "version" in; nothing else is.
		var probe struct {
			Version json.RawMessage `json:"version"`
		}
		inventory := json.NewDecoder(bytes.NewReader(data)).Decode(&probe) == nil && probe.Version != nil
		if inventory != (r == nil && err == nil) {
			t.Fatalf("encoding/json finds an inventory: %v; Sniff gives %v, %v", inventory, r, err)
		}
		if err != nil && !strings.HasPrefix(err.Error(), "f.json") {
			t.Fatalf("error does not name the file: %v", err)
		}
		// What Sniff takes for an assessment, the decoder of saved
		// assessments reads alike.
		if r != nil {
			if d, err := DecodeReport("f.json", data); err != nil || !reflect.DeepEqual(r, d) {
				t.Fatalf("Sniff found an assessment that DecodeReport reads as %v, %v", d, err)
			}
		}
	})
}
