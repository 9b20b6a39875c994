// Package jsonstream writes a JSON document a piece at a time, indented by
// two spaces, with the bytes json.MarshalWrite gives for the document built
// whole (jsontext.WithIndent("  "), json.Deterministic, a final newline).
// A writer of a report of a million components opens the document's
// objects and arrays itself and marshals one item at a time, so that it
// never holds the items: the SARIF, OSCAL and full JSON report writers
// stream this way.
//
// Errors are sticky: after the first, every call does nothing and Err and
// Close return it, so that a writer checks once per item, not per call.
package jsonstream

import (
	"bufio"
	"io"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// Writer writes one JSON document.
type Writer struct {
	bw  *bufio.Writer
	enc *jsontext.Encoder
	err error
}

// New returns a writer of one document to w. Call Close at the end.
func New(w io.Writer) *Writer {
	// The encoder hands over a few KiB at a time: a larger buffer spares
	// a network connection or a file small writes.
	bw := bufio.NewWriterSize(w, 1<<16)
	return &Writer{bw: bw, enc: jsontext.NewEncoder(bw, jsontext.WithIndent("  "))}
}

func (w *Writer) token(t jsontext.Token) {
	if w.err == nil {
		w.err = w.enc.WriteToken(t)
	}
}

// BeginObject opens an object.
func (w *Writer) BeginObject() { w.token(jsontext.BeginObject) }

// EndObject closes the innermost object.
func (w *Writer) EndObject() { w.token(jsontext.EndObject) }

// BeginArray opens an array.
func (w *Writer) BeginArray() { w.token(jsontext.BeginArray) }

// EndArray closes the innermost array.
func (w *Writer) EndArray() { w.token(jsontext.EndArray) }

// Name writes the name of the next member of the innermost object.
func (w *Writer) Name(name string) { w.token(jsontext.String(name)) }

// Value marshals v as the next value: an item of the innermost array, the
// value of the member just named, or the document.
func (w *Writer) Value(v any) {
	if w.err == nil {
		w.err = json.MarshalEncode(w.enc, v, json.Deterministic(true))
	}
}

// Member writes a member of the innermost object: its name, then v.
func (w *Writer) Member(name string, v any) {
	w.Name(name)
	w.Value(v)
}

// Err returns the first error met, or nil.
func (w *Writer) Err() error { return w.err }

// Close writes out what is buffered and returns the first error met. It
// does not close the objects and arrays left open.
func (w *Writer) Close() error {
	if w.err == nil {
		w.err = w.bw.Flush()
	}
	return w.err
}

// Array is an array member of an object that is named and opened at its
// first item, so that an empty one is left out, as a struct field tagged
// omitempty is.
type Array struct {
	w    *Writer
	name string
	open bool
}

// OmitEmptyArray returns the array member called name of the innermost
// object. Write its items with Add and end it with End before writing the
// object's next member.
func (w *Writer) OmitEmptyArray(name string) *Array { return &Array{w: w, name: name} }

// Add writes v as the array's next item.
func (a *Array) Add(v any) {
	if !a.open {
		a.open = true
		a.w.Name(a.name)
		a.w.BeginArray()
	}
	a.w.Value(v)
}

// End closes the array if it has an item.
func (a *Array) End() {
	if a.open {
		a.w.EndArray()
	}
}
