package diff

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/sovmap/sovmap"
)

// MaxReportBytes bounds a saved report read back as a baseline.
const MaxReportBytes = 1 << 30

// LooksLikeReport reports whether data is a saved `sovmap assess --format
// json` output rather than an inventory: a JSON object with a "summary" and
// no "version" (every inventory has a version).
func LooksLikeReport(data []byte) bool {
	data = bytes.TrimSpace(data)
	if len(data) == 0 || data[0] != '{' {
		return false
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil {
		return false
	}
	_, hasSummary := top["summary"]
	_, hasVersion := top["version"]
	return hasSummary && !hasVersion
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

// DecodeReport decodes a saved assessment from bytes.
func DecodeReport(name string, data []byte) (*sovmap.Report, error) {
	var rep sovmap.Report
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&rep); err != nil {
		return nil, positioned(name, data, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("%s: more than one JSON value; expected one assessment", name)
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
	}
	for i, f := range rep.Flows {
		if f.ID == "" {
			return nil, fmt.Errorf("%s: flows[%d] has no id: not a sovmap assessment", name, i)
		}
	}
	return &rep, nil
}

// positioned turns a JSON error into one naming the file, line and column.
func positioned(name string, data []byte, err error) error {
	var off int64 = -1
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		off = syn.Offset
	case errors.As(err, &typ):
		off = typ.Offset
	case errors.Is(err, io.EOF):
		return fmt.Errorf("%s: empty file, expected a sovmap assessment (JSON)", name)
	case errors.Is(err, io.ErrUnexpectedEOF):
		off = int64(len(data))
	}
	if off < 0 {
		return fmt.Errorf("%s: %w", name, err)
	}
	line, col := 1, 1
	for _, b := range data[:min(int(off), len(data))] {
		if b == '\n' {
			line++
			col = 1
		} else {
			col++
		}
	}
	return fmt.Errorf("%s:%d:%d: %w", name, line, col, err)
}
