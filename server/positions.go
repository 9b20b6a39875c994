package server

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"

	"github.com/sovmap/sovmap"
)

// Reports that show file positions (SARIF, OSCAL, the spreadsheets...)
// need those of the inventory's entities, which neither the stored
// inventory nor the stored components have (sovmap's Pos fields are not
// JSON). Rather than decode the uploaded files again for them (13 s and
// gigabytes at a million components), an upload keeps them beside the
// version (store.NewVersion.Positions), with the inventory's head, in
// this form:
//
//	"sovmap positions 1\n"
//	uvarint n, then n bytes: the inventory without its components, as JSON
//	uvarint f, then f file names, each a uvarint length and the name
//	uvarint h, then h positions: the head's (see headPositions)
//	uvarint c, then c positions: component i's Pos, by inventory index
//
// and a position is its file's index in the names (uvarint), its line as
// the difference from the line of the position before (zigzag varint:
// components follow one another down a file, a byte or two each) and its
// column (uvarint). At 100,000 generated components the blob is under half
// a MiB before compression, and decodes in a few milliseconds: no
// component is decoded (BenchmarkPositions). A blob this sovmap cannot
// read (another first line, damage) is not used: the files serve, as for
// versions stored without one.
//
// The head is JSON, as in the stored inventory, and decoded as that is
// (decodeStoredInventory), so that the two are the same inventory;
// encoding/gob would keep the Pos fields itself, but needs the types in
// the knowledge section's maps registered process-wide.
//
// The components' positions are their own Pos only: the stream of a
// version's report attaches no other to its specs (their options have
// none), as it never did.
const positionsMagic = "sovmap positions 1\n"

// maxPositionNumber bounds lines and columns read back, so that a damaged
// blob gives an error rather than a position no file has.
const maxPositionNumber = math.MaxInt32

// encodePositions returns the positions blob of an inventory decoded from
// its files.
func encodePositions(inv *sovmap.Inventory) ([]byte, error) {
	head := *inv
	head.Components = nil
	headJSON, err := json.Marshal(&head)
	if err != nil {
		return nil, fmt.Errorf("positions: %w", err)
	}
	var heads []sovmap.Pos
	headPositions(&head, func(p *sovmap.Pos) { heads = append(heads, *p) })
	e := posEncoder{index: map[string]int{}}
	for _, p := range heads {
		e.file(p.File)
	}
	for i := range inv.Components {
		e.file(inv.Components[i].Pos.File)
	}
	b := make([]byte, 0, len(positionsMagic)+len(headJSON)+64+4*(len(heads)+len(inv.Components)))
	b = append(b, positionsMagic...)
	b = appendBytes(b, headJSON)
	b = binary.AppendUvarint(b, uint64(len(e.names)))
	for _, name := range e.names {
		b = appendBytes(b, []byte(name))
	}
	b = binary.AppendUvarint(b, uint64(len(heads)))
	for _, p := range heads {
		b = e.append(b, p)
	}
	b = binary.AppendUvarint(b, uint64(len(inv.Components)))
	for i := range inv.Components {
		b = e.append(b, inv.Components[i].Pos)
	}
	return b, nil
}

func appendBytes(b, p []byte) []byte { return append(binary.AppendUvarint(b, uint64(len(p))), p...) }

// posEncoder numbers the file names and keeps the line of the position
// written last.
type posEncoder struct {
	names []string
	index map[string]int
	line  int
}

func (e *posEncoder) file(name string) {
	if _, ok := e.index[name]; !ok {
		e.index[name] = len(e.names)
		e.names = append(e.names, name)
	}
}

func (e *posEncoder) append(b []byte, p sovmap.Pos) []byte {
	b = binary.AppendUvarint(b, uint64(e.index[p.File]))
	b = binary.AppendVarint(b, int64(p.Line)-int64(e.line))
	e.line = p.Line
	return binary.AppendUvarint(b, uint64(p.Col))
}

// decodePositions reads a positions blob back into a streamInventory: the
// inventory's head with its positions, and those of its components, of
// which the version has n. Damaged bytes give an error, never a panic (a
// fuzz test holds it to that).
func decodePositions(b []byte, n int) (*streamInventory, error) {
	d := posDecoder{b: b}
	if len(b) < len(positionsMagic) || string(b[:len(positionsMagic)]) != positionsMagic {
		return nil, errors.New("positions: not a positions blob of this sovmap")
	}
	d.b = d.b[len(positionsMagic):]
	headJSON := d.bytes()
	names := make([]string, d.count(1))
	for i := range names {
		names[i] = string(d.bytes())
	}
	heads := make([]sovmap.Pos, d.count(3))
	for i := range heads {
		heads[i] = d.pos(names)
	}
	c := d.count(3)
	if d.err == nil && c != n {
		d.fail(fmt.Sprintf("%d components where the version has %d", c, n))
	}
	if d.err != nil {
		return nil, d.err
	}
	si := &streamInventory{pos: make([]sovmap.Pos, c)}
	for i := range si.pos {
		si.pos[i] = d.pos(names)
	}
	if d.err == nil && len(d.b) != 0 {
		d.fail(fmt.Sprintf("%d bytes after the positions", len(d.b)))
	}
	if d.err != nil {
		return nil, d.err
	}
	head, err := decodeStoredInventory(headJSON)
	if err != nil {
		return nil, fmt.Errorf("positions: inventory: %w", err)
	}
	si.head = head
	if si.head.Components != nil {
		return nil, errors.New("positions: the inventory has components")
	}
	at := 0
	headPositions(si.head, func(p *sovmap.Pos) {
		if at < len(heads) {
			*p = heads[at]
		}
		at++
	})
	if at != len(heads) {
		return nil, fmt.Errorf("positions: %d for the inventory's %d positioned entities", len(heads), at)
	}
	return si, nil
}

// posDecoder reads a positions blob, keeping the first error: once it is
// set, every read returns zero.
type posDecoder struct {
	b    []byte
	line int
	err  error
}

func (d *posDecoder) fail(what string) {
	if d.err == nil {
		d.err = fmt.Errorf("positions: %s", what)
	}
	d.b = nil
}

func (d *posDecoder) uvarint() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail("truncated or overlong number")
		return 0
	}
	d.b = d.b[n:]
	return v
}

// count reads a number of items that take at least min bytes each, so
// that no count allocates more than the blob could hold.
func (d *posDecoder) count(min int) int {
	v := d.uvarint()
	if v > uint64(len(d.b)/min) {
		d.fail(fmt.Sprintf("%d items in %d bytes", v, len(d.b)))
		return 0
	}
	return int(v)
}

func (d *posDecoder) bytes() []byte {
	n := d.count(1)
	p := d.b[:n]
	d.b = d.b[n:]
	return p
}

func (d *posDecoder) pos(names []string) sovmap.Pos {
	file := d.uvarint()
	delta, n := binary.Varint(d.b)
	if n <= 0 {
		d.fail("truncated or overlong line")
		return sovmap.Pos{}
	}
	d.b = d.b[n:]
	col := d.uvarint()
	line := int64(d.line) + delta
	switch {
	case d.err != nil:
		return sovmap.Pos{}
	case file >= uint64(len(names)):
		d.fail(fmt.Sprintf("file %d of %d", file, len(names)))
	case line < 0 || line > maxPositionNumber || delta < -maxPositionNumber || delta > maxPositionNumber:
		d.fail(fmt.Sprintf("line %d", line))
	case col > maxPositionNumber:
		d.fail(fmt.Sprintf("column %d", col))
	default:
		d.line = int(line)
		return sovmap.Pos{File: names[file], Line: int(line), Col: int(col)}
	}
	return sovmap.Pos{}
}

var posType = reflect.TypeFor[sovmap.Pos]()

// headPositions calls fn with every Pos of an inventory, in the order of
// its fields and of its lists' items: the same order for an inventory and
// for its JSON decoded again, since the walk goes only where the JSON
// does. It skips fields that JSON does not keep (json:"-", other than the
// positions themselves), maps and interfaces (the knowledge section,
// whose order is not fixed and which has no positions).
func headPositions(inv *sovmap.Inventory, fn func(*sovmap.Pos)) {
	walkPositions(reflect.ValueOf(inv).Elem(), fn)
}

func walkPositions(v reflect.Value, fn func(*sovmap.Pos)) {
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			walkPositions(v.Elem(), fn)
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			walkPositions(v.Index(i), fn)
		}
	case reflect.Struct:
		if v.Type() == posType {
			fn(v.Addr().Interface().(*sovmap.Pos))
			return
		}
		t := v.Type()
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() || f.Type != posType && f.Tag.Get("json") == "-" {
				continue
			}
			walkPositions(v.Field(i), fn)
		}
	}
}
