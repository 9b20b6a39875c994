package inventory

import "bytes"

// This file finds the structure of a JSON inventory (its top-level members
// and the elements of its lists) in one quick pass over the bytes, without
// checking the JSON inside the elements: the library decoder checks every
// element when it decodes it, in parallel. The scan itself checks only what
// lies between the elements (white space, colons, commas, brackets), so a
// file passes the scan and the element decodes only if it is valid JSON as
// a whole. Anything the scan does not expect makes it give up, and the file
// is then decoded by the sequential decoder, which names the exact place
// of the problem.

// byteRange is where one JSON value lies in a file.
type byteRange struct{ from, to int64 }

// member is one top-level member of an inventory object.
type member struct {
	name   string
	keyOff int64       // where the member name starts
	value  byteRange   // its value
	elems  []byteRange // the elements, when the value is an array
	isList bool        // the value is an array (possibly empty)
}

// splitInventory splits a JSON inventory into its top-level members. It
// reports false when the file is not a plain object of distinct,
// unescaped member names, or when its separators are not valid JSON.
func splitInventory(data []byte) ([]member, bool) {
	i := skipSpace(data, 0)
	if i >= len(data) || data[i] != '{' {
		return nil, false
	}
	i = skipSpace(data, i+1)
	var members []member
	seen := map[string]bool{}
	if i < len(data) && data[i] == '}' {
		i++
	} else {
		for {
			if i >= len(data) || data[i] != '"' {
				return nil, false
			}
			keyOff := i
			end := bytes.IndexByte(data[i+1:], '"')
			if end < 0 {
				return nil, false
			}
			name := data[i+1 : i+1+end]
			if !plainName(name) || seen[string(name)] {
				return nil, false
			}
			seen[string(name)] = true
			i = skipSpace(data, i+end+2)
			if i >= len(data) || data[i] != ':' {
				return nil, false
			}
			i = skipSpace(data, i+1)
			m := member{name: string(name), keyOff: int64(keyOff)}
			from := i
			var ok bool
			if i < len(data) && data[i] == '[' {
				m.isList = true
				m.elems, i, ok = splitArray(data, i)
			} else {
				i, ok = skipValue(data, i)
			}
			if !ok {
				return nil, false
			}
			m.value = byteRange{int64(from), int64(i)}
			members = append(members, m)
			i = skipSpace(data, i)
			if i < len(data) && data[i] == ',' {
				i = skipSpace(data, i+1)
				continue
			}
			if i < len(data) && data[i] == '}' {
				i++
				break
			}
			return nil, false
		}
	}
	if skipSpace(data, i) != len(data) {
		return nil, false
	}
	return members, true
}

// plainName reports whether a member name needs no unescaping and is not
// empty. Names with escapes are left to the sequential decoder.
func plainName(name []byte) bool {
	return len(name) > 0 && bytes.IndexByte(name, '\\') < 0
}

// splitArray returns the elements of the array that starts at data[i] and
// the offset just past it.
func splitArray(data []byte, i int) ([]byteRange, int, bool) {
	i = skipSpace(data, i+1)
	if i < len(data) && data[i] == ']' {
		return nil, i + 1, true
	}
	var elems []byteRange
	for {
		from := i
		end, ok := skipValue(data, i)
		if !ok {
			return nil, 0, false
		}
		elems = append(elems, byteRange{int64(from), int64(end)})
		i = skipSpace(data, end)
		if i >= len(data) {
			return nil, 0, false
		}
		switch data[i] {
		case ',':
			i = skipSpace(data, i+1)
		case ']':
			return elems, i + 1, true
		default:
			return nil, 0, false
		}
	}
}

// skipValue returns the offset just past the value that starts at data[i].
// Containers are matched by depth alone and strings by their quotes: the
// decoder checks what is inside.
func skipValue(data []byte, i int) (int, bool) {
	if i >= len(data) {
		return 0, false
	}
	switch data[i] {
	case '"':
		return skipString(data, i)
	case '{', '[':
		depth := 0
		for i < len(data) {
			switch data[i] {
			case '"':
				end, ok := skipString(data, i)
				if !ok {
					return 0, false
				}
				i = end
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1, true
				}
			}
			i++
		}
		return 0, false
	case ',', ':', '}', ']':
		return 0, false
	default: // a number, true, false or null
		for i < len(data) {
			switch data[i] {
			case ',', '}', ']', ' ', '\t', '\r', '\n':
				return i, true
			}
			i++
		}
		return i, true
	}
}

// skipString returns the offset just past the string that starts at data[i].
func skipString(data []byte, i int) (int, bool) {
	i++
	for {
		end := bytes.IndexByte(data[i:], '"')
		if end < 0 {
			return 0, false
		}
		q := i + end
		// The quote ends the string unless an odd number of backslashes
		// escapes it.
		bs := 0
		for j := q - 1; j >= i && data[j] == '\\'; j-- {
			bs++
		}
		if bs%2 == 0 {
			return q + 1, true
		}
		i = q + 1
	}
}

// skipSpace returns the offset of the first byte at or after i that is not
// JSON white space.
func skipSpace(data []byte, i int) int {
	for i < len(data) {
		switch data[i] {
		case ' ', '\t', '\r', '\n':
			i++
		default:
			return i
		}
	}
	return i
}
