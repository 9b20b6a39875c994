package importer

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// LineCol returns the 1-based line and column (in characters) of byte
// offset off in data. An offset past the end points just after the last
// character.
func LineCol(data []byte, off int64) (line, col int) {
	if off < 0 {
		off = 0
	}
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	line, col = 1, 1
	for i := 0; i < int(off); {
		r, size := utf8.DecodeRune(data[i:])
		i += size
		if r == '\n' {
			line++
			col = 1
			continue
		}
		col++
	}
	return line, col
}

// JSONError rewrites an encoding/json error so that it names the file, the
// line and the column: "plan.json:12:5: invalid character '}' ...". Other
// errors are prefixed with the file name only.
func JSONError(name string, data []byte, err error) error {
	var syn *json.SyntaxError
	if errors.As(err, &syn) {
		off := syn.Offset
		if off < int64(len(data)) || !strings.Contains(syn.Error(), "unexpected end") {
			// The offset is just past the offending byte; point at the byte.
			off--
		}
		line, col := LineCol(data, off)
		return fmt.Errorf("%s:%d:%d: %v", name, line, col, syn)
	}
	var typ *json.UnmarshalTypeError
	if errors.As(err, &typ) {
		line, col := LineCol(data, valueStart(data, typ.Offset))
		where := typ.Field
		if where == "" {
			where = "value"
		}
		return fmt.Errorf("%s:%d:%d: %s: expected %s, found JSON %s", name, line, col, where, typ.Type, typ.Value)
	}
	return fmt.Errorf("%s: %w", name, err)
}

// valueStart backs up from the offset encoding/json reports for a type
// error, which is just past the opening bracket of an object or array or
// just past a whole literal, to where the value starts.
func valueStart(data []byte, off int64) int64 {
	if off <= 0 || off > int64(len(data)) {
		return off
	}
	switch c := data[off-1]; {
	case c == '{' || c == '[':
		return off - 1
	case c == '"':
		for i := off - 2; i >= 0; i-- {
			if data[i] == '"' {
				backslashes := 0
				for j := i - 1; j >= 0 && data[j] == '\\'; j-- {
					backslashes++
				}
				if backslashes%2 == 0 {
					return i
				}
			}
		}
	default:
		i := off
		for i > 0 && strings.IndexByte("0123456789+-.eEtruefalsn", data[i-1]) >= 0 {
			i--
		}
		return i
	}
	return off
}

// TrailingComma is where a lenient reader removed a comma that stood
// before a closing '}' or ']'.
type TrailingComma struct {
	Line, Col int
}

// StripTrailingCommas returns a copy of data in which every comma that is
// followed only by white space and then '}' or ']' is replaced by a space,
// and where each was. Replacing rather than deleting keeps every byte
// offset, so later error positions still point at the original text.
// Strings, with their escapes, are left alone.
func StripTrailingCommas(data []byte) ([]byte, []TrailingComma) {
	var out []byte
	var found []TrailingComma
	inString, escaped := false, false
	line, col := 1, 0
	for i := 0; i < len(data); i++ {
		c := data[i]
		// Columns count characters: continuation bytes of UTF-8 add none.
		switch {
		case c == '\n':
			line, col = line+1, 0
		case c&0xC0 != 0x80:
			col++
		}
		if inString {
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
			continue
		}
		switch c {
		case '"':
			inString = true
		case ',':
			j := i + 1
			for j < len(data) && (data[j] == ' ' || data[j] == '\t' || data[j] == '\n' || data[j] == '\r') {
				j++
			}
			if j < len(data) && (data[j] == '}' || data[j] == ']') {
				if out == nil {
					out = append([]byte(nil), data...)
				}
				out[i] = ' '
				found = append(found, TrailingComma{Line: line, Col: col})
			}
		}
	}
	if out == nil {
		return data, nil
	}
	return out, found
}

// FindPath returns the byte offset where the value at path starts in a
// JSON document: path steps are object keys (string) and array indexes
// (int). It reads the document again, so it is meant for error messages,
// not for every value. ok is false when the path is not there.
func FindPath(data []byte, path ...any) (off int64, ok bool) {
	dec := json.NewDecoder(bytes.NewReader(data))
	for _, step := range path {
		tok, err := dec.Token()
		if err != nil {
			return 0, false
		}
		switch want := step.(type) {
		case string:
			if tok != json.Delim('{') {
				return 0, false
			}
			for {
				key, err := dec.Token()
				if err != nil || key == json.Delim('}') {
					return 0, false
				}
				if key == want {
					break
				}
				if skipValue(dec) != nil {
					return 0, false
				}
			}
		case int:
			if tok != json.Delim('[') {
				return 0, false
			}
			for i := 0; i < want; i++ {
				if !dec.More() || skipValue(dec) != nil {
					return 0, false
				}
			}
			if !dec.More() {
				return 0, false
			}
		default:
			return 0, false
		}
	}
	// InputOffset is where the previous token ended: skip the separator and
	// white space to the value itself.
	off = dec.InputOffset()
	for off < int64(len(data)) && strings.IndexByte(" \t\r\n:,", data[off]) >= 0 {
		off++
	}
	return off, off < int64(len(data))
}

// skipValue reads one whole value from dec.
func skipValue(dec *json.Decoder) error {
	var depth int
	for {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			depth++
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
		if depth == 0 {
			return nil
		}
	}
}

// PathError formats a message about the value at path, with its line and
// column when the path can be found: "bom.json:12:9: message".
func PathError(name string, data []byte, path []any, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	if off, ok := FindPath(data, path...); ok {
		line, col := LineCol(data, off)
		return fmt.Errorf("%s:%d:%d: %s", name, line, col, msg)
	}
	return fmt.Errorf("%s: %s", name, msg)
}
