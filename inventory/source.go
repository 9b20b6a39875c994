package inventory

import (
	"bytes"
	"strconv"
	"unicode/utf8"

	"github.com/go-json-experiment/json/jsontext"
	"go.yaml.in/yaml/v3"

	"github.com/sovmap/sovmap"
)

// source is one input file held in memory while it is loaded, so that any
// problem found later can be traced back to a line and column.
type source struct {
	name   string
	data   []byte
	isJSON bool
	root   *yaml.Node // the document node, for YAML files

	// entities indexes where the elements of a JSON file's top-level
	// lists start; see entityStarts. members is the fast path's split of
	// the file, from which entityStarts derives them without a pass.
	entities map[string][]int64
	members  []member

	// A cursor that turns increasing byte offsets into positions in one
	// pass over the file, without a table of line starts. curCol counts
	// the characters between the start of the line and curOff.
	curOff, curLine, curCol int
}

// pos returns the position of a byte offset. Offsets asked in increasing
// order cost one pass over the file in total.
func (s *source) pos(off int64) sovmap.Pos {
	o := int(off)
	if o > len(s.data) {
		o = len(s.data)
	}
	if o < s.curOff || s.curLine == 0 {
		s.curOff, s.curLine, s.curCol = 0, 1, 0
	}
	chunk := s.data[s.curOff:o]
	// The column is counted on from the last position, so that a file
	// written on one line (minified JSON) also costs one pass.
	if n := bytes.Count(chunk, []byte{'\n'}); n > 0 {
		s.curLine += n
		s.curCol = utf8.RuneCount(chunk[bytes.LastIndexByte(chunk, '\n')+1:])
	} else {
		s.curCol += utf8.RuneCount(chunk)
	}
	s.curOff = o
	return sovmap.Pos{File: s.name, Line: s.curLine, Col: s.curCol + 1}
}

// valueStart skips the white space and separators that precede a JSON value
// at off, so that positions point at the value itself.
func (s *source) valueStart(off int64) int64 {
	for int(off) < len(s.data) {
		switch s.data[off] {
		case ' ', '\t', '\r', '\n', ',', ':':
			off++
		default:
			return off
		}
	}
	return off
}

// nodePos returns the position of a YAML node.
func (s *source) nodePos(n *yaml.Node) sovmap.Pos {
	return sovmap.Pos{File: s.name, Line: n.Line, Col: n.Column}
}

// locate finds the position of the value at path (keys and list indexes)
// from the top of the file. It is used on the error path only, to point at
// the exact field that is wrong; it falls back to fallback when the path is
// not found.
func (s *source) locate(fallback sovmap.Pos, path ...any) sovmap.Pos {
	if s.isJSON {
		if p, ok := s.locateJSON(path); ok {
			return p
		}
		return fallback
	}
	if s.root == nil {
		var doc yaml.Node
		if err := yaml.Unmarshal(s.data, &doc); err != nil {
			return fallback
		}
		s.root = &doc
	}
	if len(s.root.Content) == 0 {
		return fallback
	}
	n := s.root.Content[0]
	for _, step := range path {
		for n.Kind == yaml.AliasNode && n.Alias != nil {
			n = n.Alias
		}
		switch k := step.(type) {
		case string:
			if n.Kind != yaml.MappingNode {
				return fallback
			}
			var next *yaml.Node
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value == k {
					next = n.Content[i+1]
					break
				}
			}
			if next == nil {
				return fallback
			}
			n = next
		case int:
			if n.Kind != yaml.SequenceNode || k >= len(n.Content) {
				return fallback
			}
			n = n.Content[k]
		}
	}
	return s.nodePos(n)
}

// locateJSON scans the file for the JSON pointer that path spells.
func (s *source) locateJSON(path []any) (sovmap.Pos, bool) { return s.locateJSONAt(path, false) }

// locateJSONKey is locateJSON for a path ending in a member name: it finds
// the name rather than its value.
func (s *source) locateJSONKey(path []any) (sovmap.Pos, bool) { return s.locateJSONAt(path, true) }

func (s *source) locateJSONAt(path []any, atKey bool) (sovmap.Pos, bool) {
	var want jsontext.Pointer
	for _, step := range path {
		switch k := step.(type) {
		case string:
			want = want.AppendToken(k)
		case int:
			want = want.AppendToken(strconv.Itoa(k))
		}
	}
	if len(path) == 0 {
		return sovmap.Pos{}, false
	}
	_, endsWithKey := path[len(path)-1].(string)
	// A field of an entity (components/7/layer) is looked for inside the
	// entity alone, found through the index of entity starts: scanning the
	// file from its start for every problem took quadratic time.
	data, base := s.data, int64(0)
	if kind, ok := path[0].(string); ok && len(path) >= 2 {
		if i, ok := path[1].(int); ok {
			if starts := s.entityStarts()[kind]; i >= 0 && i < len(starts) {
				base = starts[i]
				if len(path) == 2 {
					return s.pos(base), true
				}
				data, want = s.data[base:], jsontext.Pointer("")
				for _, step := range path[2:] {
					switch k := step.(type) {
					case string:
						want = want.AppendToken(k)
					case int:
						want = want.AppendToken(strconv.Itoa(k))
					}
				}
			}
		}
	}
	dec := jsontext.NewDecoder(bytes.NewReader(data))
	for {
		before := dec.InputOffset()
		if _, err := dec.ReadToken(); err != nil {
			return sovmap.Pos{}, false
		}
		if dec.StackPointer() != want {
			continue
		}
		// A path ending in a key first matches on the member name: the
		// value follows. One ending in an index matches on the value itself.
		off := before
		if endsWithKey && !atKey {
			off = dec.InputOffset()
		}
		return s.pos(s.valueStart(base + off)), true
	}
}

// entityStarts returns, per top-level list of a JSON file (components,
// providers, ...), the offset where each element starts. It is built by one
// pass over the file the first time a problem is located.
func (s *source) entityStarts() map[string][]int64 {
	if s.entities != nil {
		return s.entities
	}
	s.entities = map[string][]int64{}
	if s.members != nil {
		for _, m := range s.members {
			if m.isList {
				starts := make([]int64, len(m.elems))
				for i, e := range m.elems {
					starts[i] = e.from
				}
				s.entities[m.name] = starts
			}
		}
		return s.entities
	}
	dec := jsontext.NewDecoder(bytes.NewReader(s.data))
	if tok, err := dec.ReadToken(); err != nil || tok.Kind() != '{' {
		return s.entities
	}
	for dec.PeekKind() == '"' {
		tok, err := dec.ReadToken()
		if err != nil {
			return s.entities
		}
		name := tok.String()
		if dec.PeekKind() != '[' {
			if dec.SkipValue() != nil {
				return s.entities
			}
			continue
		}
		if _, err := dec.ReadToken(); err != nil {
			return s.entities
		}
		var starts []int64
		for k := dec.PeekKind(); k != ']' && k != 0; k = dec.PeekKind() {
			starts = append(starts, s.valueStart(dec.InputOffset()))
			if dec.SkipValue() != nil {
				return s.entities
			}
		}
		if _, err := dec.ReadToken(); err != nil {
			return s.entities
		}
		s.entities[name] = starts
	}
	return s.entities
}
