package diff

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/internal/strictyaml"
)

// MaxReportBytes bounds a saved report read back as a baseline.
const MaxReportBytes = 1 << 30

// Sniff tells a saved assessment from a JSON inventory, data being a file
// that starts with '{', and decodes the assessment in the same pass: a
// JSON object with a "version" is an inventory (nil, nil), one with a
// "summary" and no version is an assessment, returned as DecodeReport
// returns it. Anything else, JSON cut short or of another shape, is an
// error that names the file, line and column and says it is not a sovmap
// assessment, rather than a puzzle from the inventory loader. An inventory
// that gives its version first is only read through, not decoded: its
// loader decodes it.
func Sniff(name string, data []byte) (*sovmap.Report, error) {
	start := len(data) - len(bytes.TrimLeft(data, " \t\r\n"))
	if start < len(data) && data[start] != '{' {
		line, col := strictyaml.Position(data, start)
		return nil, fmt.Errorf("%s:%d:%d: not a sovmap assessment: a saved assessment is a JSON object", name, line, col)
	}
	if versionFirst(data) {
		return nil, nil
	}
	doc, err := decode(name, data)
	var typ *json.UnmarshalTypeError
	switch {
	case doc.Version != nil:
		// An inventory, whose loader judges the rest: its fields need not
		// fit a report's.
		return nil, nil
	case doc.Summary == nil && (err == nil || errors.As(err, &typ)):
		return nil, fmt.Errorf("%s:1:1: not a sovmap assessment: a JSON object without \"summary\" (a saved 'sovmap assess --format json') or \"version\" (an inventory)", name)
	case err != nil:
		return nil, err
	}
	return doc.report(name, data)
}

// versionFirst reports whether data is a well-formed JSON object whose
// first key is "version", matched as encoding/json matches the key of
// saved.Version (ignoring case): an inventory as sovmap writes them
// (import, scan, sovmap-gen) and as the docs show them. It reads the
// object through without decoding a value, so that such an inventory is
// decoded once, by its loader, and not first as a report. A saved
// assessment has no version, and its first key fails this at once, so it
// is decoded without a read through first. Whatever this is false for
// goes to the decoding, which tells an inventory with its version further
// down as before, and reports malformed JSON in encoding/json's words.
func versionFirst(data []byte) bool {
	// encoding/json takes duplicate keys and invalid UTF-8; so must this.
	dec := jsontext.NewDecoder(bytes.NewReader(data), jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true))
	if tok, err := dec.ReadToken(); err != nil || tok.Kind() != '{' {
		return false
	}
	if dec.PeekKind() != '"' {
		return false
	}
	if key, err := dec.ReadToken(); err != nil || !strings.EqualFold(key.String(), "version") {
		return false
	}
	for {
		if err := dec.SkipValue(); err != nil {
			return false
		}
		if dec.PeekKind() == '}' {
			_, err := dec.ReadToken()
			return err == nil
		}
		if _, err := dec.ReadToken(); err != nil {
			return false
		}
	}
}

// saved is a saved assessment as it is decoded, with what tells it from
// an inventory: a "version" key, and whether "summary" is there at all
// (Summary shadows the report's own field, which report fills).
type saved struct {
	sovmap.Report
	Version json.RawMessage `json:"version"`
	Summary *sovmap.Summary `json:"summary"`
}

// decode decodes data, one JSON value, into a saved: the one decoding
// that Sniff and DecodeReport do. A syntax error leaves doc empty (the
// value is read whole before it is decoded); a value of the wrong type
// for a report does not stop the decoding, so that Version is still seen.
func decode(name string, data []byte) (*saved, error) {
	doc := &saved{}
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(doc); err != nil {
		return doc, notAssessment(name, data, err)
	}
	if dec.More() {
		return doc, fmt.Errorf("%s: more than one JSON value; expected one assessment", name)
	}
	return doc, nil
}

// notAssessment reports JSON that does not decode as "not a sovmap
// assessment", at its position.
func notAssessment(name string, data []byte, err error) error {
	if len(bytes.TrimSpace(data)) == 0 {
		return fmt.Errorf("%s: empty file, expected a sovmap assessment (JSON)", name)
	}
	line, col := strictyaml.Position(data, offset(data, err))
	return fmt.Errorf("%s:%d:%d: not a sovmap assessment (cut short, or another kind of file): %w", name, line, col, err)
}

// ReadReport reads a saved assessment (the JSON of `sovmap assess --format
// json`). name is used in errors, which give line and column.
func ReadReport(name string, r io.Reader) (*sovmap.Report, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxReportBytes+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(data) > MaxReportBytes {
		return nil, fmt.Errorf("%s: larger than %d bytes", name, MaxReportBytes)
	}
	return DecodeReport(name, data)
}

// DecodeReport decodes a saved assessment from bytes. It refuses one that
// cannot pin every verdict: a foreign exposure without its details (saved
// by a sovmap whose JSON left them out) would read as unmitigated.
func DecodeReport(name string, data []byte) (*sovmap.Report, error) {
	doc, err := decode(name, data)
	if err != nil {
		return nil, err
	}
	return doc.report(name, data)
}

// report checks the decoded assessment and returns it; data, its bytes,
// places the errors.
func (doc *saved) report(name string, data []byte) (*sovmap.Report, error) {
	rep := &doc.Report
	if doc.Summary != nil {
		rep.Summary = *doc.Summary
	}
	for i, c := range rep.Components {
		if c.ID == "" {
			return nil, fmt.Errorf("%s: components[%d] has no id: not a sovmap assessment", name, i)
		}
		for _, l := range []sovmap.Level{c.Level, c.EffectiveLevel, c.RequiredLevel} {
			if !l.Valid() {
				return nil, fmt.Errorf("%s: component %s has level %d, outside 0..4", name, c.ID, l)
			}
		}
		if len(c.Exposure) > 0 && len(c.ExposureDetails) == 0 {
			line, col := strictyaml.Position(data, componentOffset(data, c.ID))
			return nil, fmt.Errorf("%s:%d:%d: component %s: foreign exposure (%s) without exposure_details, so whether keys mitigate it is unknown and the comparison would misread it: an incomplete baseline; save it again with this sovmap ('sovmap assess INVENTORY --format json -o %s --fail-on 0'), whose JSON includes them",
				name, line, col, c.ID, strings.Join(c.Exposure, ", "), name)
		}
	}
	for i, f := range rep.Flows {
		if f.ID == "" {
			return nil, fmt.Errorf("%s: flows[%d] has no id: not a sovmap assessment", name, i)
		}
	}
	return rep, nil
}

// offset is where in data a JSON error occurred, or -1 when unknown.
func offset(data []byte, err error) int {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		// Offset counts the offending byte: point at it, the last byte
		// included (a decoder reports a file cut short as
		// io.ErrUnexpectedEOF, below).
		return int(max(syn.Offset-1, 0))
	case errors.As(err, &typ):
		return int(typ.Offset)
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return len(data)
	}
	return -1
}

// componentOffset is where component id is written in a saved assessment
// (compact or indented), or -1.
func componentOffset(data []byte, id string) int {
	quoted, _ := json.Marshal(id)
	for _, sep := range []string{`"id":`, `"id": `} {
		if i := bytes.Index(data, append([]byte(sep), quoted...)); i >= 0 {
			return i
		}
	}
	return -1
}
