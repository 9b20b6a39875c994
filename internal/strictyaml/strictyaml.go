// Package strictyaml reads YAML strictly, for every format of sovmap that
// is written by hand (inventories, overlays, knowledge-base and framework
// files, strategy profiles and sets): a key the Go type does not have is an
// error with a suggestion of the key meant, a value of the wrong kind is an
// error at the value, and every problem has a line and a column, including
// yaml.v3's own syntax errors, whose positions it corrects.
//
// It also holds the one edit distance of the project, used for every
// "did you mean" suggestion.
package strictyaml

import (
	"bytes"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// Problem is one thing wrong with a document, at a 1-based line and column
// (0 when yaml.v3 gives none).
type Problem struct {
	Line, Col int
	Msg       string
}

// At returns a problem at a node.
func At(n *yaml.Node, format string, args ...any) Problem {
	return Problem{Line: n.Line, Col: n.Column, Msg: fmt.Sprintf(format, args...)}
}

// Distance is the Levenshtein distance between two strings, counted in
// bytes: the strings compared are short identifiers.
func Distance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// Nearest returns the candidate closest to s, at most maxDist edits away,
// the first by name among equally close ones; "" when none is close or
// when s is itself a candidate.
func Nearest(s string, candidates []string, maxDist int) string {
	best, bestD := "", maxDist+1
	for _, c := range candidates {
		d := Distance(s, c)
		if d == 0 {
			return ""
		}
		if d < bestD || d == bestD && c < best {
			best, bestD = c, d
		}
	}
	return best
}

// MaxKeyDistance is how far a misspelt key may be from the key meant.
const MaxKeyDistance = 2

// Suggest returns ` (did you mean "key"?)` for the candidate nearest to
// key, or "": one that differs in case only, else one within
// MaxKeyDistance edits, fewer than half its length or the candidate's, so
// that "a" suggests nothing.
func Suggest(key string, candidates []string) string {
	for _, c := range candidates {
		if c != key && strings.EqualFold(c, key) {
			return fmt.Sprintf(" (did you mean %q?)", c)
		}
	}
	best := Nearest(key, candidates, MaxKeyDistance)
	if best == "" || 2*Distance(key, best) >= max(len(key), len(best)) {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

// Fields maps the YAML keys a struct type decodes to their types,
// following inline fields.
func Fields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for f := range t.Fields() {
		name, opts, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		// yaml.v3 reads exported fields and embedded structs.
		if name == "-" || !f.IsExported() && !f.Anonymous {
			continue
		}
		if strings.Contains(opts, "inline") {
			for k, v := range Fields(f.Type) {
				out[k] = v
			}
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		out[name] = f.Type
	}
	return out
}

// Names lists the YAML keys of a struct type in the order of its fields.
func Names(t reflect.Type) []string {
	var out []string
	for f := range t.Fields() {
		name, opts, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		switch {
		case name == "-" || !f.IsExported() && !f.Anonymous:
		case strings.Contains(opts, "inline"):
			out = append(out, Names(f.Type)...)
		case name == "":
			out = append(out, strings.ToLower(f.Name))
		default:
			out = append(out, name)
		}
	}
	return out
}

// Keys returns the keys of a field map, sorted.
func Keys(fields map[string]reflect.Type) []string {
	out := make([]string, 0, len(fields))
	for k := range fields {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// Checker walks a node tree against a Go type. Custom, if not nil, is
// asked first about each node: it returns true when it has judged the node
// (reporting through the checker's problems) and the walk must not go in.
type Checker struct {
	Custom func(c *Checker, n *yaml.Node, t reflect.Type, field string) bool
	// ListKnown adds the known keys to the message of an unknown one.
	ListKnown bool
	Problems  []Problem
	seen      map[*yaml.Node]bool
}

// Check reports the problems of n read as a t: keys t does not have (with
// a suggestion), duplicate keys, mappings, lists and scalars where another
// kind is expected, and scalars that do not decode into their field. field
// is the path from the value checked, used in messages (depends_on[1]).
func Check(n *yaml.Node, t reflect.Type, field string) []Problem {
	c := &Checker{}
	c.Check(n, t, field)
	return c.Problems
}

// Add records a problem at a node.
func (c *Checker) Add(n *yaml.Node, format string, args ...any) {
	c.Problems = append(c.Problems, At(n, format, args...))
}

// Check walks n as a t; see the package function Check.
func (c *Checker) Check(n *yaml.Node, t reflect.Type, field string) {
	if n.Kind == yaml.AliasNode {
		if c.seen == nil {
			c.seen = map[*yaml.Node]bool{}
		}
		if n.Alias == nil || c.seen[n.Alias] {
			return
		}
		c.seen[n.Alias] = true
		n = n.Alias
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if c.Custom != nil && c.Custom(c, n, t, field) {
		return
	}
	isNull := n.Kind == yaml.ScalarNode && n.Tag == "!!null"
	switch t.Kind() {
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			if !isNull {
				c.Add(n, "%sexpected a mapping of keys, found %s", Prefix(field), KindName(n))
			}
			return
		}
		fields := Fields(t)
		dup := map[string]bool{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if k.Value == "<<" { // merge key: its keys are checked where they are defined
				continue
			}
			if dup[k.Value] {
				c.Add(k, "duplicate key %q", k.Value)
				continue
			}
			dup[k.Value] = true
			ft, ok := fields[k.Value]
			if !ok {
				known := Keys(fields)
				list := ""
				if c.ListKnown {
					list = " (known: " + strings.Join(known, ", ") + ")"
				}
				c.Add(k, "unknown field %q%s%s", k.Value, Suggest(k.Value, known), list)
				continue
			}
			c.Check(v, ft, k.Value)
		}
	case reflect.Slice:
		if n.Kind == yaml.SequenceNode {
			for i, item := range n.Content {
				c.Check(item, t.Elem(), fmt.Sprintf("%s[%d]", field, i))
			}
		} else if !isNull {
			c.Add(n, "%sexpected a list, found %s", Prefix(field), KindName(n))
		}
	case reflect.Map:
		if n.Kind == yaml.MappingNode {
			for i := 0; i+1 < len(n.Content); i += 2 {
				c.Check(n.Content[i+1], t.Elem(), field+"."+n.Content[i].Value)
			}
		} else if !isNull {
			c.Add(n, "%sexpected a mapping, found %s", Prefix(field), KindName(n))
		}
	case reflect.String, reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64:
		switch {
		case n.Kind != yaml.ScalarNode:
			c.Add(n, "%sexpected %s, found %s", Prefix(field), TypeName(t), KindName(n))
		case t.Kind() != reflect.String && !isNull:
			// Let yaml.v3 judge the scalar by its own rules (yes/no are
			// booleans, 0x1F is a number), at this node's position; but
			// it truncates 1.5 into an integer field, which loses a fact.
			isInt := t.Kind() >= reflect.Int && t.Kind() <= reflect.Uint64
			if err := n.Decode(reflect.New(t).Interface()); err != nil || isInt && n.ShortTag() == "!!float" {
				c.Add(n, "%sexpected %s, found %s", Prefix(field), TypeName(t), KindName(n))
			}
		}
	}
}

// Prefix returns "field: ", or "" for no field.
func Prefix(field string) string {
	if field == "" {
		return ""
	}
	return field + ": "
}

// KindName describes a node in a message: a mapping, a list, nothing
// (null) or its value.
func KindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return "nothing"
		}
		return fmt.Sprintf("%q", n.Value)
	default:
		return "something else"
	}
}

// TypeName describes what a Go type holds, for messages.
func TypeName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Bool:
		return "true or false"
	case reflect.Slice:
		return "a list"
	case reflect.Map, reflect.Struct:
		return "an object"
	case reflect.Pointer:
		return TypeName(t.Elem())
	}
	return t.String()
}

// CountAliases counts the alias nodes of a tree without following them,
// so that every node is visited once, and returns the first alias past max.
func CountAliases(n *yaml.Node, count *int, max int) *yaml.Node {
	if n.Kind == yaml.AliasNode {
		*count++
		if *count > max {
			return n
		}
		return nil
	}
	for _, c := range n.Content {
		if bad := CountAliases(c, count, max); bad != nil {
			return bad
		}
	}
	return nil
}

var (
	lineRE          = regexp.MustCompile(`^(?:yaml: )?line (\d+): `)
	unknownAnchorRE = regexp.MustCompile(`^unknown anchor '(.*)' referenced$`)
	goTypeRE        = regexp.MustCompile(`into (?:\*|\[\])*[a-z][a-z0-9_]*\.`)
)

// parserProblems are the messages of yaml.v3's parser (not scanner)
// errors, whose line numbers are 0-based.
var parserProblems = map[string]bool{
	"did not find expected <stream-start>":   true,
	"did not find expected <document start>": true,
	"found undefined tag handle":             true,
	"did not find expected node content":     true,
	"did not find expected '-' indicator":    true,
	"did not find expected key":              true,
	"did not find expected ',' or ']'":       true,
	"did not find expected ',' or '}'":       true,
	"found duplicate %YAML directive":        true,
	"found incompatible YAML document":       true,
	"found duplicate %TAG directive":         true,
}

// SyntaxError turns an error of yaml.v3's parse of data into a problem at
// the line and column it is about. yaml.v3 counts lines from 0 in parser
// errors and from 1 in scanner errors, gives no column, and no line at all
// for some errors: the line is corrected and the column is the line's first
// non-blank character. A problem found at the end of the input (an unclosed
// [ or {) is placed there, on the line after the last line break.
func SyntaxError(data []byte, err error) Problem {
	raw := err.Error()
	msg := CleanMessage(raw)
	line, col := 1, 1
	if m := lineRE.FindStringSubmatch(raw); m != nil {
		line, _ = strconv.Atoi(m[1])
		if parserProblems[msg] {
			line++
		}
		col = FirstColumn(data, line)
	}
	if m := unknownAnchorRE.FindStringSubmatch(msg); m != nil {
		// yaml.v3 gives no line for this one: find the alias in the text.
		if i := bytes.Index(data, []byte("*"+m[1])); i >= 0 {
			line, col = Position(data, i)
		}
	}
	return Problem{Line: line, Col: col, Msg: msg}
}

// TypeErrorLine returns the line a message of a yaml.TypeError names, or 0.
func TypeErrorLine(msg string) int {
	if m := lineRE.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		return line
	}
	return 0
}

// CleanMessage removes yaml.v3's prefixes from a message and names types
// as the formats do (string, number, mapping, list; Go types without their
// package).
func CleanMessage(msg string) string {
	msg = lineRE.ReplaceAllString(msg, "")
	msg = strings.TrimPrefix(msg, "yaml: ")
	msg = lineRE.ReplaceAllString(msg, "")
	if msg == "document contains excessive aliasing" {
		msg = "too many YAML aliases: refusing a document that could expand without bound (an alias bomb)"
	}
	msg = strings.ReplaceAll(msg, "!!str", "string")
	msg = strings.ReplaceAll(msg, "!!int", "number")
	msg = strings.ReplaceAll(msg, "!!map", "mapping")
	msg = strings.ReplaceAll(msg, "!!seq", "list")
	msg = goTypeRE.ReplaceAllStringFunc(msg, func(s string) string {
		// into sovmap.Dependency -> into Dependency; keep *, [] markers.
		return s[:strings.LastIndexAny(s, " *]")+1]
	})
	return msg
}

// FirstColumn returns the column of the first non-blank character of a
// 1-based line.
func FirstColumn(data []byte, line int) int {
	start := 0
	for l := 1; l < line; l++ {
		i := bytes.IndexByte(data[start:], '\n')
		if i < 0 {
			return 1
		}
		start += i + 1
	}
	col := 1
	for start < len(data) && (data[start] == ' ' || data[start] == '\t') {
		start++
		col++
	}
	return col
}

// Position returns the 1-based line and column (in characters) of a byte
// offset of data.
func Position(data []byte, off int) (line, col int) {
	off = min(max(off, 0), len(data))
	before := data[:off]
	line = bytes.Count(before, []byte{'\n'}) + 1
	return line, utf8.RuneCount(before[bytes.LastIndexByte(before, '\n')+1:]) + 1
}

// The alias limits of sovmap's hand-written formats, counted without
// following aliases (CountAliases), before anything is decoded. They are
// not what stops an alias bomb ("billion laughs"): nine levels of nine
// aliases are 81 alias nodes, and it is yaml.v3's own guard that refuses
// a document whose aliases expand excessively while it is decoded. They
// refuse, early and at the position of the first one too many, a file with
// far more aliases than the format needs when written by hand.
const (
	// MaxInventoryAliases bounds an inventory file and an overlay, which
	// holds inventory entries: a merge key per component (<<: *defaults)
	// is common, so an inventory of thousands of components written by
	// hand can have thousands of aliases.
	MaxInventoryAliases = 10000
	// MaxConfigAliases bounds the short files written by hand beside an
	// inventory (scan rules, column maps, frameworks): a few dozen entries,
	// where a handful of aliases are shorthand and a hundred leave ample
	// room for them.
	MaxConfigAliases = 100
)

// Limits bound a file Parse reads.
type Limits struct {
	// What names what the file holds, for messages: "a rules file".
	What string
	// MaxBytes bounds the file's size.
	MaxBytes int
	// MaxAliases bounds its aliases, counted without following them: a
	// few are shorthand, many are an alias bomb.
	MaxAliases int
}

// Parse takes the first steps of reading a hand-written file named name
// strictly: it refuses a file over lim.MaxBytes, parses the first YAML
// document of data into nodes and refuses more than lim.MaxAliases aliases,
// each error naming the file and, where there is one, the line and column.
// It returns the document's root node, or nil for an empty document, which
// each format judges in its own words.
func Parse(name string, data []byte, lim Limits) (*yaml.Node, error) {
	if len(data) > lim.MaxBytes {
		return nil, fmt.Errorf("%s: %d bytes is more than the %d %s may have", name, len(data), lim.MaxBytes, lim.What)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		p := SyntaxError(data, err)
		return nil, fmt.Errorf("%s:%d:%d: %s", name, p.Line, p.Col, p.Msg)
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return nil, nil
	}
	root := doc.Content[0]
	aliases := 0
	if bad := CountAliases(root, &aliases, lim.MaxAliases); bad != nil {
		return nil, fmt.Errorf("%s:%d:%d: too many YAML aliases (more than %d in %s): refusing a document that could expand without bound", name, bad.Line, bad.Column, lim.MaxAliases, lim.What)
	}
	return root, nil
}
