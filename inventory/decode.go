package inventory

// This file decodes one inventory file into a part. Every top-level key of
// the format is one entry of topMembers, which knows how to decode its value
// three ways: from the bytes the fast JSON path split out, from the token
// stream of the stream decoder, and from a YAML node. The loops over a
// file's keys (decodeJSONFast, decodeJSONStream, decodeYAML) keep the
// positions: where each key and value is.

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	"go.yaml.in/yaml/v3"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/internal/fanout"
	"github.com/sovmap/sovmap/internal/strictyaml"
)

// part is what one file contributes to an inventory.
type part struct {
	src     *source
	inv     sovmap.Inventory
	hasVer  bool
	verPos  sovmap.Pos
	hasOrg  bool
	topKeys map[string]sovmap.Pos
}

// topMember is a top-level key of an inventory file and its decoders. Each
// is given the part being filled, the position of the key and of its value.
type topMember struct {
	name string
	// fast decodes the value split out by the fast path; false leaves the
	// file to the stream decoder.
	fast func(p *part, m member, key, value sovmap.Pos) bool
	// stream decodes the value at the stream decoder's position.
	stream func(p *part, dec *jsontext.Decoder, key, value sovmap.Pos) error
	// yaml decodes a YAML node, adding its problems to ps.
	yaml func(p *part, n *yaml.Node, ps *problems, key, value sovmap.Pos)
}

// topMembers are the keys an inventory file may have, in the order messages
// list them.
var topMembers = []topMember{
	valueMember("version", func(p *part) *int { return &p.inv.Version },
		func(p *part, key, _ sovmap.Pos) { p.hasVer, p.verPos = true, key }),
	valueMember("organization", func(p *part) *sovmap.Organization { return &p.inv.Organization },
		func(p *part, _, value sovmap.Pos) { p.hasOrg, p.inv.Organization.Pos = true, value }),
	listMember("providers", func(inv *sovmap.Inventory) *[]sovmap.Provider { return &inv.Providers },
		func(v *sovmap.Provider, p sovmap.Pos) { v.Pos = p }, nil),
	// Components are the bulk of a large file: the fast path reads their
	// common shape directly, and the stream decoder decodes them on every core.
	listMember("components", func(inv *sovmap.Inventory) *[]sovmap.Component { return &inv.Components },
		func(v *sovmap.Component, p sovmap.Pos) { v.Pos = p }, newComponentFast),
	listMember("flows", func(inv *sovmap.Inventory) *[]sovmap.Flow { return &inv.Flows },
		func(v *sovmap.Flow, p sovmap.Pos) { v.Pos = p }, nil),
	listMember("arrangements", func(inv *sovmap.Inventory) *[]sovmap.Arrangement { return &inv.Arrangements },
		func(v *sovmap.Arrangement, p sovmap.Pos) { v.Pos = p }, nil),
	listMember("rules", func(inv *sovmap.Inventory) *[]sovmap.Rule { return &inv.Rules },
		func(v *sovmap.Rule, p sovmap.Pos) { v.Pos = p }, nil),
	listMember("assessments", func(inv *sovmap.Inventory) *[]sovmap.Assessment { return &inv.Assessments },
		func(v *sovmap.Assessment, p sovmap.Pos) { v.Pos = p }, nil),
	listMember("scenarios", func(inv *sovmap.Inventory) *[]sovmap.Scenario { return &inv.Scenarios },
		func(v *sovmap.Scenario, p sovmap.Pos) { v.Pos = p }, nil),
	valueMember("knowledge", func(p *part) *map[string]any { return &p.inv.Knowledge }, nil),
}

// topMemberNamed finds the member of a top-level key.
func topMemberNamed(name string) (*topMember, bool) {
	for i := range topMembers {
		if topMembers[i].name == name {
			return &topMembers[i], true
		}
	}
	return nil, false
}

// unknownTopLevel is the message for a key that is not a top-level member.
func unknownTopLevel(key string) string {
	names := topMemberNames()
	if s := strictyaml.Suggest(key, names); s != "" {
		return fmt.Sprintf("unknown top-level key %q%s", key, s)
	}
	return fmt.Sprintf("unknown top-level key %q (expected one of %s)", key, strings.Join(names, ", "))
}

// valueMember is a member decoded whole into the value at returns; seen,
// if not nil, records the key's facts before the value is decoded.
func valueMember[T any](name string, at func(*part) *T, seen func(p *part, key, value sovmap.Pos)) topMember {
	note := func(p *part, key, value sovmap.Pos) {
		if seen != nil {
			seen(p, key, value)
		}
	}
	return topMember{
		name: name,
		fast: func(p *part, m member, key, value sovmap.Pos) bool {
			note(p, key, value)
			return json.Unmarshal(p.src.data[m.value.from:m.value.to], at(p), jsonOptions) == nil
		},
		stream: func(p *part, dec *jsontext.Decoder, key, value sovmap.Pos) error {
			note(p, key, value)
			return json.UnmarshalDecode(dec, at(p), jsonOptions)
		},
		yaml: func(p *part, n *yaml.Node, ps *problems, key, value sovmap.Pos) {
			note(p, key, value)
			yamlValue(p.src, n, at(p), name, ps)
		},
	}
}

// listMember is a list of entities, each given its position by setPos.
// newFast, if not nil, makes a fast decoder of an element's common shape
// (see decodeSpans); such a list is long, and the stream decoder decodes
// its elements on every core.
func listMember[T any](name string, at func(*sovmap.Inventory) *[]T, setPos func(*T, sovmap.Pos), newFast func() func([]byte, *T) bool) topMember {
	return topMember{
		name: name,
		fast: func(p *part, m member, _, _ sovmap.Pos) bool {
			return fastList(p.src, m, at(&p.inv), setPos, newFast)
		},
		stream: func(p *part, dec *jsontext.Decoder, _, _ sovmap.Pos) error {
			if newFast != nil {
				return jsonListParallel(dec, p.src, name, at(&p.inv), setPos, newFast)
			}
			return jsonList(dec, p.src, at(&p.inv), setPos)
		},
		yaml: func(p *part, n *yaml.Node, ps *problems, _, _ sovmap.Pos) {
			yamlList(p.src, n, name, at(&p.inv), ps, setPos)
		},
	}
}

// jsonOptions rejects unknown and duplicate members and accepts a
// dependency written as a plain id.
var jsonOptions = json.JoinOptions(
	json.RejectUnknownMembers(true),
	json.WithUnmarshalers(json.UnmarshalFromFunc(decodeDependency)),
)

// decodeDependency reads a dependency written as a plain id or as an
// object. Generated inventories carry millions of {"id": ..., "kind": ...}
// objects, so that common shape is read directly from the raw bytes; any
// other object goes through the general decoder, which reports problems.
func decodeDependency(dec *jsontext.Decoder, d *sovmap.Dependency) error {
	type object sovmap.Dependency
	switch dec.PeekKind() {
	case '"':
		tok, err := dec.ReadToken()
		if err != nil {
			return err
		}
		*d = sovmap.Dependency{ID: tok.String(), Kind: sovmap.Runtime}
		return nil
	case '{':
		raw, err := dec.ReadValue()
		if err != nil {
			return err
		}
		// The common {"id", "kind"} shape is read by the fast component
		// decoder's own reader; any other object goes to the library.
		fast := componentDecoder{b: raw}
		if !fast.dependency(d) || !fast.atEnd() {
			*d = sovmap.Dependency{}
			if err := json.Unmarshal(raw, (*object)(d), json.RejectUnknownMembers(true)); err != nil {
				// The error is relative to the dependency: place it in the document.
				var se *json.SemanticError
				if errors.As(err, &se) {
					se.ByteOffset += dec.InputOffset() - int64(len(raw))
					se.JSONPointer = dec.StackPointer() + se.JSONPointer
				}
				return err
			}
		}
	default:
		if err := json.UnmarshalDecode(dec, (*object)(d), json.RejectUnknownMembers(true)); err != nil {
			return err
		}
	}
	if d.Kind == "" {
		d.Kind = sovmap.Runtime
	}
	return nil
}

// decodeJSON decodes a JSON inventory file. The fast path splits the file
// with a quick scan and decodes the elements of its lists on every core;
// when the scan does not recognise the file or any element fails, the file
// is decoded again by the stream decoder, which reads it token by token
// and reports the first problem exactly where the file has it.
func decodeJSON(src *source) (*part, error) {
	if p, ok := decodeJSONFast(src); ok {
		return p, nil
	}
	src.curLine = 0 // restart the position cursor
	return decodeJSONStream(src)
}

// decodeJSONFast is the fast path of decodeJSON. It reports false, and
// leaves the reporting of the problem to decodeJSONStream, on any problem.
func decodeJSONFast(src *source) (*part, bool) {
	members, ok := splitInventory(src.data)
	if !ok {
		return nil, false
	}
	p := &part{src: src, topKeys: map[string]sovmap.Pos{}}
	for _, m := range members {
		tm, known := topMemberNamed(m.name)
		if !known {
			return nil, false
		}
		keyPos := src.pos(m.keyOff)
		p.topKeys[m.name] = keyPos
		if !tm.fast(p, m, keyPos, src.pos(m.value.from)) {
			return nil, false
		}
	}
	src.members = members // where the entities start, should a problem need it
	return p, true
}

// fastList decodes the elements of a top-level list found by the scan.
// A null value is an empty list; anything else that is not a list is left
// to the stream decoder to report.
func fastList[T any](src *source, m member, list *[]T, setPos func(*T, sovmap.Pos), newFast func() func([]byte, *T) bool) bool {
	if !m.isList {
		return string(src.data[m.value.from:m.value.to]) == "null"
	}
	if len(m.elems) == 0 {
		return true
	}
	pos := make([]sovmap.Pos, len(m.elems))
	for i, e := range m.elems {
		pos[i] = src.pos(e.from)
	}
	out := make([]T, len(m.elems))
	if _, err := decodeSpans(src.data, m.elems, out, newFast); err != nil {
		return false
	}
	for i := range out {
		setPos(&out[i], pos[i])
	}
	*list = out
	return true
}

// spanError is the first element of a range that failed to decode.
type spanError struct {
	i   int
	err error
}

func (e *spanError) Error() string { return e.err.Error() }

// decodeSpans decodes each span of data into the element of out at the
// same index, on every core. On failure it returns the index of the first
// element, in order, that failed, and its error.
//
// newFast, if not nil, makes for each goroutine a decoder of the common
// shape of an element; elements it gives up on go to the library.
func decodeSpans[T any](data []byte, spans []byteRange, out []T, newFast func() func([]byte, *T) bool) (int, error) {
	err := fanout.Ranges(len(spans), 1024, func(_, lo, hi int) error {
		var fast func([]byte, *T) bool
		if newFast != nil {
			fast = newFast()
		}
		for i := lo; i < hi; i++ {
			e := spans[i]
			if fast != nil {
				if fast(data[e.from:e.to], &out[i]) {
					continue
				}
				var zero T
				out[i] = zero
			}
			if err := json.Unmarshal(data[e.from:e.to], &out[i], jsonOptions); err != nil {
				return &spanError{i, err}
			}
		}
		return nil
	})
	if se, ok := err.(*spanError); ok {
		return se.i, se.err
	}
	return -1, nil
}

// decodeJSONStream decodes a JSON inventory file token by token, in file
// order, checking its syntax as it goes (the elements of a long list are
// then decoded on every core, see jsonListParallel). It stops at the first
// error, since a stream cannot be trusted past a syntax error, and names
// the exact place of it.
func decodeJSONStream(src *source) (*part, error) {
	p := &part{src: src, topKeys: map[string]sovmap.Pos{}}
	dec := jsontext.NewDecoder(bytes.NewReader(src.data))
	fail := func(err error) (*part, error) { return nil, jsonProblem(src, dec, err) }
	tok, err := dec.ReadToken()
	if err == io.EOF {
		return nil, problemAt(src.pos(0), "the file is empty")
	}
	if err != nil {
		return fail(err)
	}
	if tok.Kind() != '{' {
		return nil, problemAt(src.pos(0), "an inventory is a JSON object, found %s", kindName(tok.Kind()))
	}
	for dec.PeekKind() != '}' {
		keyOff := src.valueStart(dec.InputOffset())
		tok, err := dec.ReadToken()
		if err != nil {
			return fail(err)
		}
		key := tok.String()
		keyPos := src.pos(keyOff)
		p.topKeys[key] = keyPos
		tm, known := topMemberNamed(key)
		if !known {
			return nil, problemAt(keyPos, "%s", unknownTopLevel(key))
		}
		if err := tm.stream(p, dec, keyPos, src.pos(src.valueStart(dec.InputOffset()))); err != nil {
			return fail(err)
		}
	}
	if _, err := dec.ReadToken(); err != nil {
		return fail(err)
	}
	if dec.PeekKind() != 0 {
		return nil, problemAt(src.pos(src.valueStart(dec.InputOffset())), "unexpected data after the inventory object")
	}
	return p, nil
}

// jsonList decodes a JSON array element by element, recording where each
// element starts.
func jsonList[T any](dec *jsontext.Decoder, src *source, list *[]T, setPos func(*T, sovmap.Pos)) error {
	start := src.valueStart(dec.InputOffset())
	tok, err := dec.ReadToken()
	if err != nil {
		return err
	}
	if tok.Kind() == 'n' { // null: an empty list
		return nil
	}
	if tok.Kind() != '[' {
		return problemAt(src.pos(start), "expected a list, found %s", kindName(tok.Kind()))
	}
	for {
		switch dec.PeekKind() {
		case ']':
			_, err := dec.ReadToken()
			return err
		case 0:
			_, err := dec.ReadToken() // surfaces the syntax error
			if err == nil {
				err = errors.New("unexpected end of list")
			}
			return err
		}
		pos := src.pos(src.valueStart(dec.InputOffset()))
		var v T
		if err := json.UnmarshalDecode(dec, &v, jsonOptions); err != nil {
			return err
		}
		setPos(&v, pos)
		*list = append(*list, v)
	}
}

// jsonListParallel decodes a long JSON array on every core. This goroutine
// first walks the array, checking its syntax and noting where each element
// starts and ends (positions must be counted in order); the elements are
// then decoded in parallel straight from the file's bytes. The first error
// by element order is reported, as decoding them in order would.
func jsonListParallel[T any](dec *jsontext.Decoder, src *source, name string, list *[]T, setPos func(*T, sovmap.Pos), newFast func() func([]byte, *T) bool) error {
	start := src.valueStart(dec.InputOffset())
	tok, err := dec.ReadToken()
	if err != nil {
		return err
	}
	if tok.Kind() == 'n' { // null: an empty list
		return nil
	}
	if tok.Kind() != '[' {
		return problemAt(src.pos(start), "expected a list, found %s", kindName(tok.Kind()))
	}
	var elems []byteRange
	var pos []sovmap.Pos
	for done := false; !done; {
		switch dec.PeekKind() {
		case ']':
			if _, err := dec.ReadToken(); err != nil {
				return err
			}
			done = true
		case 0:
			_, err := dec.ReadToken() // surfaces the syntax error
			if err == nil {
				err = errors.New("unexpected end of list")
			}
			return err
		default:
			from := src.valueStart(dec.InputOffset())
			if err := dec.SkipValue(); err != nil {
				return err
			}
			elems = append(elems, byteRange{from: from, to: dec.InputOffset()})
			pos = append(pos, src.pos(from))
		}
	}
	out := make([]T, len(elems))
	if i, err := decodeSpans(src.data, elems, out, newFast); err != nil {
		// Make the element's error absolute: its offset and pointer within
		// the whole file, not within the element.
		var se *json.SemanticError
		if errors.As(err, &se) {
			abs := *se
			abs.ByteOffset += elems[i].from
			abs.JSONPointer = jsontext.Pointer("/"+name+"/"+strconv.Itoa(i)) + se.JSONPointer
			return &abs
		}
		return problemAt(pos[i], "%s", err.Error())
	}
	for i := range out {
		setPos(&out[i], pos[i])
	}
	*list = append(*list, out...)
	return nil
}

// positioned is an error that already carries its position.
type positioned struct{ Problem }

func (e *positioned) Error() string { return e.Problem.String() }

func problemAt(pos sovmap.Pos, format string, args ...any) error {
	return &positioned{Problem{Pos: pos, Msg: fmt.Sprintf(format, args...)}}
}

// jsonProblem turns a decoder error into a positioned problem.
func jsonProblem(src *source, dec *jsontext.Decoder, err error) error {
	var pe *positioned
	if errors.As(err, &pe) {
		return err
	}
	off := dec.InputOffset()
	msg := err.Error()
	var se *json.SemanticError
	var syn *jsontext.SyntacticError
	switch {
	case errors.As(err, &se):
		off = se.ByteOffset
		msg = semanticMessage(se)
		if se.JSONPointer != "" {
			src.curLine = 0
			path := pointerPath(se.JSONPointer)
			if isUnknownMember(se) {
				// Point at the misspelt name, as for YAML, not at its value.
				if p, ok := src.locateJSONKey(path); ok {
					return &positioned{Problem{Pos: p, Msg: msg}}
				}
			}
			if p, ok := src.locateJSON(path); ok {
				return &positioned{Problem{Pos: p, Msg: msg}}
			}
		}
	case errors.As(err, &syn):
		off = syn.ByteOffset
		msg = strings.TrimPrefix(syn.Err.Error(), "jsontext: ")
		if msg == "" {
			msg = err.Error()
		}
		if errors.Is(syn.Err, jsontext.ErrDuplicateName) {
			msg = fmt.Sprintf("duplicate key %q", lastToken(syn.JSONPointer))
		} else {
			msg = "malformed JSON: " + msg
		}
	}
	src.curLine = 0
	return &positioned{Problem{Pos: src.pos(off), Msg: msg}}
}

func isUnknownMember(se *json.SemanticError) bool {
	return se.Err != nil && strings.Contains(se.Err.Error(), "unknown object member")
}

// lastToken returns the last name of a JSON pointer.
func lastToken(p jsontext.Pointer) string {
	last := ""
	for tok := range p.Tokens() {
		last = tok
	}
	return last
}

// fieldName names the value a JSON pointer points at the way YAML messages
// do: the last member name, with the indexes that follow it (depends_on[1]).
func fieldName(p jsontext.Pointer) string {
	var toks []string
	for tok := range p.Tokens() {
		toks = append(toks, tok)
	}
	i := len(toks) - 1
	for i > 0 && isIndex(toks[i]) {
		i--
	}
	if i < 0 {
		return ""
	}
	name := toks[i]
	for _, idx := range toks[i+1:] {
		name += "[" + idx + "]"
	}
	return name
}

func isIndex(tok string) bool {
	_, err := strconv.Atoi(tok)
	return err == nil
}

func semanticMessage(se *json.SemanticError) string {
	field := fieldName(se.JSONPointer)
	switch {
	case isUnknownMember(se):
		name := lastToken(se.JSONPointer)
		hint := ""
		if t := se.GoType; t != nil && t.Kind() == reflect.Struct {
			hint = strictyaml.Suggest(name, strictyaml.Keys(strictyaml.Fields(t)))
		}
		return fmt.Sprintf("unknown field %q%s", name, hint)
	case se.GoType != nil:
		return fmt.Sprintf("%sexpected %s, found %s", strictyaml.Prefix(field), strictyaml.TypeName(se.GoType), kindName(se.JSONKind))
	case se.Err != nil:
		return fmt.Sprintf("%s: %v", field, se.Err)
	}
	return se.Error()
}

func pointerPath(p jsontext.Pointer) []any {
	var out []any
	for tok := range p.Tokens() {
		if n, err := strconv.Atoi(tok); err == nil {
			out = append(out, n)
		} else {
			out = append(out, tok)
		}
	}
	return out
}

func kindName(k jsontext.Kind) string {
	switch k {
	case '{':
		return "an object"
	case '[':
		return "a list"
	case '"':
		return "a string"
	case '0':
		return "a number"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "nothing"
}

// decodeYAML decodes a YAML inventory file through its node tree, checking
// every key against the inventory format.
func decodeYAML(src *source) (*part, error) {
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(src.data))
	if err := dec.Decode(&doc); err != nil && err != io.EOF {
		return nil, yamlProblem(src, err)
	}
	// A second document would be silently dropped by a one-document
	// decode; a file holds one inventory.
	var next yaml.Node
	switch err := dec.Decode(&next); {
	case err == nil:
		return nil, problemAt(src.nodePos(&next), "a second YAML document: a file holds one inventory (split it into files of a directory instead)")
	case err != io.EOF:
		return nil, yamlProblem(src, err)
	}
	src.root = &doc
	p := &part{src: src, topKeys: map[string]sovmap.Pos{}}
	if len(doc.Content) == 0 {
		return nil, problemAt(sovmap.Pos{File: src.name, Line: 1, Col: 1}, "the file is empty")
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, problemAt(src.nodePos(root), "an inventory is a mapping of keys (version, organization, components, ...)")
	}
	aliases := 0
	if bad := strictyaml.CountAliases(root, &aliases, strictyaml.MaxInventoryAliases); bad != nil {
		return nil, problemAt(src.nodePos(bad), "too many YAML aliases (more than %d): refusing a document that could expand without bound", strictyaml.MaxInventoryAliases)
	}
	var ps problems
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		keyPos := src.nodePos(k)
		if _, dup := p.topKeys[k.Value]; dup {
			ps.add(keyPos, "duplicate key %q", k.Value)
			continue
		}
		p.topKeys[k.Value] = keyPos
		tm, known := topMemberNamed(k.Value)
		if !known {
			ps.add(keyPos, "%s", unknownTopLevel(k.Value))
			continue
		}
		tm.yaml(p, v, &ps, keyPos, src.nodePos(v))
	}
	if err := ps.err(); err != nil {
		return nil, err
	}
	// The node tree costs about a hundred times the file's size; drop it
	// now, so that a directory of files is not held in memory as trees.
	// Locating a problem found later parses the file again.
	src.root = nil
	return p, nil
}

func yamlList[T any](src *source, n *yaml.Node, name string, list *[]T, ps *problems, setPos func(*T, sovmap.Pos)) {
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return
	}
	if n.Kind != yaml.SequenceNode {
		ps.add(src.nodePos(n), "%s: expected a list, found %s", name, strictyaml.KindName(n))
		return
	}
	for _, item := range n.Content {
		var v T
		if yamlValue(src, item, &v, "", ps) {
			pos := src.nodePos(item)
			setPos(&v, pos)
			*list = append(*list, v)
		}
	}
}

// yamlValue checks n's keys against out's type, then decodes it. It reports
// whether the value decoded cleanly.
func yamlValue(src *source, n *yaml.Node, out any, field string, ps *problems) bool {
	before := len(ps.list)
	c := &strictyaml.Checker{Custom: dependencyShape}
	c.Check(n, reflect.TypeOf(out).Elem(), field)
	for _, p := range c.Problems {
		ps.add(sovmap.Pos{File: src.name, Line: p.Line, Col: p.Col}, "%s", p.Msg)
	}
	if len(ps.list) > before {
		return false
	}
	if err := n.Decode(out); err != nil {
		var te *yaml.TypeError
		if errors.As(err, &te) {
			for _, msg := range te.Errors {
				ps.add(yamlErrPos(src, msg, n), "%s", strictyaml.CleanMessage(msg))
			}
			return false
		}
		ps.add(src.nodePos(n), "%s", strictyaml.CleanMessage(err.Error()))
		return false
	}
	return true
}

var dependencyType = reflect.TypeOf(sovmap.Dependency{})

// dependencyShape lets a dependency be written as a plain id as well as a
// mapping of keys.
func dependencyShape(_ *strictyaml.Checker, n *yaml.Node, t reflect.Type, _ string) bool {
	return t == dependencyType && n.Kind == yaml.ScalarNode
}

// yamlProblem turns a yaml.v3 parse error into a positioned problem.
func yamlProblem(src *source, err error) error {
	p := strictyaml.SyntaxError(src.data, err)
	return &positioned{Problem{Pos: sovmap.Pos{File: src.name, Line: p.Line, Col: p.Col}, Msg: "malformed YAML: " + p.Msg}}
}

// yamlErrPos places a message of a yaml.TypeError: at the line it names,
// else at fallback.
func yamlErrPos(src *source, msg string, fallback *yaml.Node) sovmap.Pos {
	if line := strictyaml.TypeErrorLine(msg); line > 0 {
		return sovmap.Pos{File: src.name, Line: line, Col: strictyaml.FirstColumn(src.data, line)}
	}
	if fallback != nil {
		return src.nodePos(fallback)
	}
	return sovmap.Pos{File: src.name, Line: 1, Col: 1}
}
