package strictyaml

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

func TestDistanceAndNearest(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		d    int
	}{{"", "", 0}, {"a", "", 1}, {"kitten", "sitting", 3}, {"key_custdy", "key_custody", 1}, {"flaw", "lawn", 2}} {
		if got := Distance(tt.a, tt.b); got != tt.d {
			t.Errorf("Distance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.d)
		}
	}
	cands := []string{"layer", "provider", "locations", "player"}
	for _, tt := range []struct{ s, want string }{
		{"layr", "layer"},   // one edit
		{"laye", "layer"},   // ties with nothing else
		{"xlayer", "layer"}, // layer and player are both one edit: the first by name
		{"layer", ""},       // a candidate itself
		{"colour", ""},      // too far
	} {
		if got := Nearest(tt.s, cands, MaxKeyDistance); got != tt.want {
			t.Errorf("Nearest(%q) = %q, want %q", tt.s, got, tt.want)
		}
	}
	if got := Suggest("provder", cands); got != ` (did you mean "provider"?)` {
		t.Errorf("Suggest = %q", got)
	}
	if got := Suggest("ID", []string{"id", "kind"}); got != ` (did you mean "id"?)` {
		t.Errorf("Suggest(ID) = %q", got)
	}
	if got := Suggest("a", []string{"id"}); got != "" {
		t.Errorf("Suggest(a) = %q, want nothing", got)
	}
}

type inner struct {
	Kind string `yaml:"kind"`
}

type base struct {
	Sources []string `yaml:"sources"`
}

type outer struct {
	base  `yaml:",inline"`
	ID    string            `yaml:"id"`
	Count int               `yaml:"count,omitempty"`
	Ratio float64           `yaml:"ratio"`
	On    *bool             `yaml:"on"`
	Deps  []inner           `yaml:"deps"`
	Tags  map[string]string `yaml:"tags"`
	Skip  string            `yaml:"-"`
	Plain string
}

func TestFieldsFollowInline(t *testing.T) {
	got := strings.Join(Keys(Fields(reflect.TypeOf(outer{}))), " ")
	if got != "count deps id on plain ratio sources tags" {
		t.Errorf("Fields = %s", got)
	}
	if got := strings.Join(Names(reflect.TypeOf(outer{})), " "); got != "sources id count ratio on deps tags plain" {
		t.Errorf("Names = %s", got)
	}
}

func TestCheck(t *testing.T) {
	src := `id: a
cont: 3
count: 1.5
ratio: many
on: maybe
deps:
  - {kind: x, knd: y}
  - just-a-string
tags: {a: [1]}
id: b
sources: x
`
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(src), &doc); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range Check(doc.Content[0], reflect.TypeOf(outer{}), "") {
		got = append(got, fmt.Sprintf("%d:%d: %s", p.Line, p.Col, p.Msg))
	}
	want := []string{
		`2:1: unknown field "cont" (did you mean "count"?)`,
		`3:8: count: expected a whole number, found "1.5"`,
		`4:8: ratio: expected a number, found "many"`,
		`5:5: on: expected true or false, found "maybe"`,
		`7:15: unknown field "knd" (did you mean "kind"?)`,
		`8:5: deps[1]: expected a mapping of keys, found "just-a-string"`,
		`9:11: tags.a: expected a string, found a list`,
		`10:1: duplicate key "id"`,
		`11:10: sources: expected a list, found "x"`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestSyntaxError(t *testing.T) {
	for _, tt := range []struct{ src, want string }{
		// A parser error: yaml.v3 says line 1 (0-based) for line 2.
		{"a: {b: 1\nc: 2\n", "2:1: did not find expected ',' or '}'"},
		// A scanner error, 1-based.
		{"a: 'x\n", "2:1: found unexpected end of stream"},
		{"a:\n  - b\n c: [\n", "3:2: did not find expected key"},
		{"a: *nothing\n", "1:4: unknown anchor 'nothing' referenced"},
		// Found at the end of the input, and placed there.
		{"version: 1\nhome: [\n", "3:1: did not find expected node content"},
	} {
		var v any
		err := yaml.Unmarshal([]byte(tt.src), &v)
		if err == nil {
			t.Fatalf("%q parses", tt.src)
		}
		p := SyntaxError([]byte(tt.src), err)
		if got := fmt.Sprintf("%d:%d: %s", p.Line, p.Col, p.Msg); got != tt.want {
			t.Errorf("%q: %s, want %s (from %v)", tt.src, got, tt.want, err)
		}
	}
	if got := CleanMessage(errors.New("yaml: unmarshal errors:\n  line 3: cannot unmarshal !!str `x` into []sovmap.Dependency").Error()); !strings.Contains(got, "cannot unmarshal string `x` into []Dependency") {
		t.Errorf("CleanMessage = %q", got)
	}
}

func TestPosition(t *testing.T) {
	data := []byte("ab\ncé*x")
	if l, c := Position(data, strings.Index(string(data), "*")); l != 2 || c != 3 {
		t.Errorf("Position = %d:%d, want 2:3", l, c)
	}
}

func TestParse(t *testing.T) {
	lim := Limits{What: "a test file", MaxBytes: 64, MaxAliases: 2}
	for _, tt := range []struct {
		name, data string
		err        string // the whole error, "" for none
		root       bool   // a root node is returned
	}{
		{"mapping", "a: 1\nb: [x, y]\n", "", true},
		{"empty", "", "", false},
		{"blank", "  \n\n", "", false},
		{"comment only", "# nothing yet\n", "", false},
		{"too large", strings.Repeat("#", 65), "f.yaml: 65 bytes is more than the 64 a test file may have", false},
		// Two aliases pass; the third, at column 13 of line 2, is refused.
		{"two aliases", "a: &x 1\nb: [*x, *x]\n", "", true},
		{"three aliases", "a: &x 1\nb: [*x, *x, *x]\n", "f.yaml:2:13: too many YAML aliases (more than 2 in a test file): refusing a document that could expand without bound", false},
		// An unclosed list is placed at the end of the input, on the line
		// after the last line break.
		{"syntax", "a: [1, 2\n", "f.yaml:2:1: did not find expected ',' or ']'", false},
	} {
		root, err := Parse("f.yaml", []byte(tt.data), lim)
		switch {
		case tt.err == "" && err != nil:
			t.Errorf("%s: %v", tt.name, err)
		case tt.err != "" && (err == nil || err.Error() != tt.err):
			t.Errorf("%s: error %v, want %q", tt.name, err, tt.err)
		case (root != nil) != tt.root:
			t.Errorf("%s: root %v, want one: %v", tt.name, root, tt.root)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"a: 1\n", "a: &x [1]\nb: *x\n", "a: [", "- *x\n", ""} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		root, err := Parse("f.yaml", data, Limits{What: "a fuzzed file", MaxBytes: 1 << 10, MaxAliases: 4})
		if err != nil && (root != nil || !strings.HasPrefix(err.Error(), "f.yaml")) {
			t.Fatalf("root %v with error %v", root, err)
		}
		if root != nil {
			n := 0
			if CountAliases(root, &n, 4) != nil {
				t.Fatalf("a root with %d aliases, more than 4", n)
			}
		}
	})
}
