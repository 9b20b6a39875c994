package importer

import (
	"bytes"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/kb"
)

func TestClean(t *testing.T) {
	tests := []struct{ in, want string }{
		{"aws_instance.web", "aws_instance.web"},
		{"null_resource.baz[0]", "null_resource.baz-0"},
		{`module.net["eu west"].aws_vpc.main`, "module.net-eu-west.aws_vpc.main"},
		{"Acme Inc.", "Acme-Inc"},
		{"pkg:pypi/torch@2.1.0", "pkg-pypi-torch-2.1.0"},
		{"_private", "private"},
		{"...", "unnamed"},
		{"", "unnamed"},
		{"Größe", "Gr-e"},
	}
	for _, tt := range tests {
		if got := Clean(tt.in); got != tt.want {
			t.Errorf("Clean(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestUnique(t *testing.T) {
	ids := NewIDs()
	got := []string{ids.Unique("a b"), ids.Unique("a-b"), ids.Unique("a.b"), ids.Unique("a b")}
	if strings.Join(got, " ") != "a-b a-b-2 a.b a-b-3" {
		t.Errorf("got %v", got)
	}
	if !ids.Taken("a-b-2") || ids.Taken("x") {
		t.Error("Taken is wrong")
	}
}

func TestLineCol(t *testing.T) {
	data := []byte("ab\nc€d\n")
	tests := []struct {
		off       int64
		line, col int
	}{{0, 1, 1}, {2, 1, 3}, {3, 2, 1}, {7, 2, 3}, {8, 2, 4}, {9, 3, 1}, {100, 3, 1}, {-1, 1, 1}}
	for _, tt := range tests {
		if l, c := LineCol(data, tt.off); l != tt.line || c != tt.col {
			t.Errorf("LineCol(%d) = %d:%d, want %d:%d", tt.off, l, c, tt.line, tt.col)
		}
	}
}

func TestStripTrailingCommas(t *testing.T) {
	in := "{\"a\": [1, 2,],\n \"b\": \"x,]\", \"c\": {\"d\": \"\\\",}\",\n}\n}"
	out, found := StripTrailingCommas([]byte(in))
	want := "{\"a\": [1, 2 ],\n \"b\": \"x,]\", \"c\": {\"d\": \"\\\",}\" \n}\n}"
	if string(out) != want {
		t.Errorf("got  %q\nwant %q", out, want)
	}
	if len(found) != 2 || found[0] != (TrailingComma{1, 12}) || found[1] != (TrailingComma{2, 31}) {
		t.Errorf("found = %v", found)
	}
	clean := []byte(`{"a": [1, 2]}`)
	if out, found := StripTrailingCommas(clean); &out[0] != &clean[0] || found != nil {
		t.Error("a clean document should come back as is")
	}
}

func TestMatchProviderAndCountry(t *testing.T) {
	k, err := kb.Default()
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{
		"Amazon Web Services, Inc.":     "aws",
		"amazon web services inc":       "aws",
		"AWS":                           "aws",
		"Microsoft Corporation":         "microsoft",
		"Google LLC":                    "google",
		"Amazon Web Services EMEA SARL": "aws-emea",
		"Amazon Web":                    "",
		"OpenAI Inc":                    "",
		"Inc.":                          "",
	} {
		p, ok := MatchProvider(k, name)
		if ok != (want != "") || p.ID != want {
			t.Errorf("MatchProvider(%q) = %q, %v; want %q", name, p.ID, ok, want)
		}
	}
	for in, want := range map[string]string{"de": "DE", "DEU": "DE", "Germany": "DE", "UK": "GB", "united states": "US", "Atlantis": "", "": ""} {
		got, ok := CountryCode(k, in)
		if got != want || ok != (want != "") {
			t.Errorf("CountryCode(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
}

func TestFindPath(t *testing.T) {
	data := []byte("{\"a\": 1,\n \"list\": [ {\"x\": [true, {\"y\": \"z\"}]},\n  {\"name\": \"second\"} ]}")
	tests := []struct {
		path      []any
		line, col int
		ok        bool
	}{
		{[]any{"a"}, 1, 7, true},
		{[]any{"list", 1, "name"}, 3, 12, true},
		{[]any{"list", 0, "x", 1, "y"}, 2, 31, true},
		{[]any{"list", 2}, 0, 0, false},
		{[]any{"missing"}, 0, 0, false},
		{[]any{"a", 0}, 0, 0, false},
	}
	for _, tt := range tests {
		off, ok := FindPath(data, tt.path...)
		if ok != tt.ok {
			t.Errorf("FindPath(%v) ok = %v", tt.path, ok)
			continue
		}
		if !ok {
			continue
		}
		if l, c := LineCol(data, off); l != tt.line || c != tt.col {
			t.Errorf("FindPath(%v) at %d:%d, want %d:%d", tt.path, l, c, tt.line, tt.col)
		}
	}
	err := PathError("f.json", data, []any{"list", 1, "name"}, "bad %s", "name")
	if err.Error() != "f.json:3:12: bad name" {
		t.Errorf("PathError = %v", err)
	}
}

// TestWriteYAMLMatchesWholeEncoding checks that writing entry by entry
// gives the very text the YAML library writes for the whole inventory.
func TestWriteYAMLMatchesWholeEncoding(t *testing.T) {
	days, yes := 90, true
	inv := &sovmap.Inventory{
		Version:      1,
		Organization: sovmap.Organization{Name: "Agency: \"quoted\"", Home: "DE", Trusted: []string{"EU"}},
		Providers:    []sovmap.Provider{{ID: "p", Name: "P", Country: "DE"}},
		Components: []sovmap.Component{
			{ID: "a", Layer: sovmap.LayerCompute, Locations: []string{"DE"}, DependsOn: []sovmap.Dependency{{ID: "b", Kind: sovmap.Supply}},
				Contract: &sovmap.Contract{ExitNoticeDays: &days, DataReturn: &yes}, Tags: map[string]string{"k": "v"}},
			{ID: "b", Name: "two\nlines\n\nwith a gap", Layer: sovmap.LayerStorage},
		},
		Flows:     []sovmap.Flow{{ID: "f", From: "a", To: "b", Data: []string{"personal"}}},
		Rules:     []sovmap.Rule{{ID: "r", When: "true", Require: 2, Category: sovmap.CategorySecurity, Reason: "- starts like a list"}},
		Knowledge: map[string]any{"regions": []any{map[string]any{"id": "x"}}},
	}
	var streamed, whole bytes.Buffer
	if err := WriteYAML(&streamed, inv, "first\nsecond"); err != nil {
		t.Fatal(err)
	}
	whole.WriteString("# first\n# second\n")
	enc := yaml.NewEncoder(&whole)
	enc.SetIndent(2)
	if err := enc.Encode(inv); err != nil {
		t.Fatal(err)
	}
	enc.Close()
	if streamed.String() != whole.String() {
		t.Errorf("streamed:\n%s\nwhole:\n%s", streamed.String(), whole.String())
	}
	empty := &sovmap.Inventory{Version: 1}
	streamed.Reset()
	if err := WriteYAML(&streamed, empty, ""); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(streamed.String(), "\ncomponents: []\n") {
		t.Errorf("empty inventory:\n%s", streamed.String())
	}
}
