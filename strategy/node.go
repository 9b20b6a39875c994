package strategy

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/internal/strictyaml"
)

// MaxFileSize bounds what the profile and strategy parsers read: both are
// hand-written files of a few kilobytes, so anything near this is a mistake
// or an attack.
const MaxFileSize = 4 << 20

// maxDepth bounds the nesting the parsers follow. The formats are at most
// five levels deep; the bound keeps hostile input from exhausting the stack.
const maxDepth = 32

// Problem is one thing wrong with an input file, with where it is.
type Problem struct {
	Pos sovmap.Pos
	Msg string
}

func (p Problem) String() string {
	if s := p.Pos.String(); s != "" {
		return s + ": " + p.Msg
	}
	return p.Msg
}

// Problems is every problem found in one file. Parsers report them all at
// once so that a user fixes a file in one pass.
type Problems []Problem

func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// decoder walks a YAML node tree and records problems with their positions.
type decoder struct {
	file     string
	problems Problems
}

func (d *decoder) pos(n *yaml.Node) sovmap.Pos {
	if n == nil {
		return sovmap.Pos{File: d.file}
	}
	return sovmap.Pos{File: d.file, Line: n.Line, Col: n.Column}
}

func (d *decoder) errorf(n *yaml.Node, format string, args ...any) {
	d.problems = append(d.problems, Problem{Pos: d.pos(n), Msg: fmt.Sprintf(format, args...)})
}

func (d *decoder) err() error {
	if len(d.problems) == 0 {
		return nil
	}
	sort.SliceStable(d.problems, func(i, j int) bool {
		a, b := d.problems[i].Pos, d.problems[j].Pos
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Col < b.Col
	})
	return d.problems
}

// parse reads one YAML (or JSON) document and returns its root mapping.
// Aliases are refused outright: the formats have no use for them, and
// refusing them rules out alias bombs.
func (d *decoder) parse(data []byte) *yaml.Node {
	if len(data) > MaxFileSize {
		d.errorf(nil, "file is %d bytes, more than the %d allowed", len(data), MaxFileSize)
		return nil
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			d.errorf(nil, "file is empty")
			return nil
		}
		p := strictyaml.SyntaxError(data, err)
		d.problems = append(d.problems, Problem{Pos: sovmap.Pos{File: d.file, Line: p.Line, Col: p.Col}, Msg: "invalid YAML: " + p.Msg})
		return nil
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		d.errorf(&extra, "only one document is allowed per file")
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 {
		d.errorf(&doc, "file is empty")
		return nil
	}
	root := doc.Content[0]
	if !d.checkTree(root, 0) {
		return nil
	}
	if root.Kind != yaml.MappingNode {
		d.errorf(root, "expected a mapping at the top of the file, found %s", strictyaml.KindName(root))
		return nil
	}
	return root
}

// checkTree refuses aliases and excessive nesting anywhere in the tree.
func (d *decoder) checkTree(n *yaml.Node, depth int) bool {
	if depth > maxDepth {
		d.errorf(n, "nesting deeper than %d levels", maxDepth)
		return false
	}
	if n.Kind == yaml.AliasNode {
		d.errorf(n, "YAML aliases (*name) are not supported")
		return false
	}
	for _, c := range n.Content {
		if !d.checkTree(c, depth+1) {
			return false
		}
	}
	return true
}

// field is one key: value pair of a mapping.
type field struct {
	key   string
	keyN  *yaml.Node
	value *yaml.Node
}

// fields returns a mapping's pairs in order, reporting duplicate keys and
// keys that are not in allowed (when allowed is non-nil).
func (d *decoder) fields(n *yaml.Node, what string, allowed ...string) []field {
	if n.Kind != yaml.MappingNode {
		d.errorf(n, "%s: expected a mapping, found %s", what, strictyaml.KindName(n))
		return nil
	}
	seen := map[string]bool{}
	out := make([]field, 0, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			d.errorf(k, "%s: keys must be plain text", what)
			continue
		}
		if seen[k.Value] {
			d.errorf(k, "%s: %q is given twice", what, k.Value)
			continue
		}
		seen[k.Value] = true
		if allowed != nil && !contains(allowed, k.Value) {
			d.errorf(k, "%s: unknown field %q%s (known: %s)", what, k.Value, strictyaml.Suggest(k.Value, allowed), strings.Join(allowed, ", "))
			continue
		}
		out = append(out, field{key: k.Value, keyN: k, value: v})
	}
	return out
}

func (d *decoder) str(n *yaml.Node, what string) string {
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		d.errorf(n, "%s: expected text, found %s", what, strictyaml.KindName(n))
		return ""
	}
	return n.Value
}

func (d *decoder) strings(n *yaml.Node, what string) []string {
	if n.Kind != yaml.SequenceNode {
		d.errorf(n, "%s: expected a list, found %s", what, strictyaml.KindName(n))
		return nil
	}
	out := make([]string, 0, len(n.Content))
	for _, c := range n.Content {
		if s := d.str(c, what); s != "" {
			out = append(out, s)
		}
	}
	return out
}

func (d *decoder) number(n *yaml.Node, what string) (float64, bool) {
	if n.Kind != yaml.ScalarNode || (n.Tag != "!!int" && n.Tag != "!!float") {
		d.errorf(n, "%s: expected a number, found %s", what, strictyaml.KindName(n))
		return 0, false
	}
	f, err := strconv.ParseFloat(strings.ReplaceAll(n.Value, "_", ""), 64)
	if err != nil || f != f || f > 1e300 || f < -1e300 {
		d.errorf(n, "%s: %q is not a usable number", what, n.Value)
		return 0, false
	}
	return f, true
}

func (d *decoder) integer(n *yaml.Node, what string) (int, bool) {
	f, ok := d.number(n, what)
	if !ok {
		return 0, false
	}
	if f != float64(int(f)) || f < -1e9 || f > 1e9 {
		d.errorf(n, "%s: expected a whole number, found %s", what, n.Value)
		return 0, false
	}
	return int(f), true
}

func (d *decoder) boolean(n *yaml.Node, what string) (bool, bool) {
	if n.Kind != yaml.ScalarNode || n.Tag != "!!bool" {
		d.errorf(n, "%s: expected true or false, found %s", what, strictyaml.KindName(n))
		return false, false
	}
	var b bool
	if err := n.Decode(&b); err != nil {
		d.errorf(n, "%s: %v", what, err)
		return false, false
	}
	return b, true
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
