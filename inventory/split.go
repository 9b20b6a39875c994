package inventory

import (
	"bytes"
	"context"
	"runtime"
	"sync/atomic"

	"github.com/sovmap/sovmap/internal/fanout"
)

// This file finds the structure of a JSON inventory (its top-level members
// and the elements of its lists) in one quick pass over the bytes, without
// checking the JSON inside the elements: the library decoder checks every
// element when it decodes it, in parallel. The scan itself checks only what
// lies between the elements (white space, colons, commas, brackets), so a
// file passes the scan and the element decodes only if it is valid JSON as
// a whole. Anything the scan does not expect makes it give up, and the file
// is then decoded by the stream decoder, which names the exact place
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
				m.elems, i, ok = splitArrayParallel(data, i, runtime.GOMAXPROCS(0), parallelSplitBytes)
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
// empty. Names with escapes are left to the stream decoder.
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
	elems, end, closed, ok := scanElements(data, i, -1, nil)
	return elems, end, ok && closed
}

// parallelSplitBytes is the size of file left after a list's start above
// which the list is split on several cores.
const parallelSplitBytes = 32 << 20

// splitArrayParallel is splitArray on several cores, for the list of
// components that makes most of a large file. The rest of the file is cut
// into equal parts; each part after the first starts at a guess, the first
// object after it that follows a comma, and is scanned from there, element
// by element, until it lands exactly on the next part's guess. A guess is
// only trusted when the part before it, itself scanned from a trusted
// start, lands on it: landing between two elements of the list proves the
// guess is one of its elements. The first part starts at the list itself.
// If the list ends in a part, the parts after it are ignored; if any guess
// is not confirmed, the list is split again on one core.
func splitArrayParallel(data []byte, i, workers, minBytes int) ([]byteRange, int, bool) {
	rest := len(data) - i
	if workers < 2 || rest < minBytes {
		return splitArray(data, i)
	}
	starts := []int{i}
	for k := 1; k < workers; k++ {
		p := objectAfterComma(data, i+k*rest/workers)
		if p < 0 || p <= starts[len(starts)-1] {
			break
		}
		starts = append(starts, p)
	}
	type part struct {
		elems  []byteRange
		end    int
		closed bool // the list ended in this part
		ok     bool
	}
	parts := make([]part, len(starts))
	// A short list (the providers before the components) closes in the
	// first part: the later parts, scanning what follows the list for
	// nothing, stop as soon as they see that.
	var closedIn atomic.Int32
	closedIn.Store(int32(len(starts)))
	// One job per guessed part, all at once: each part's end decides
	// whether the next part's guess is confirmed.
	_ = fanout.Jobs(context.Background(), len(starts), len(starts), func() func(int) {
		return func(k int) {
			stop := -1
			if k+1 < len(starts) {
				stop = starts[k+1]
			}
			p := &parts[k]
			from := starts[k]
			if k == 0 {
				from = skipSpace(data, from+1) // past the list's [
				if from < len(data) && data[from] == ']' {
					p.end, p.closed, p.ok = from+1, true, true
					closedIn.Store(0)
					return
				}
			}
			abandon := func() bool { return closedIn.Load() < int32(k) }
			p.elems, p.end, p.closed, p.ok = scanElements(data, from, stop, abandon)
			if p.closed && p.ok {
				lowerTo(&closedIn, int32(k))
			}
		}
	})
	var elems []byteRange
	for k := range parts {
		p := parts[k]
		if !p.ok {
			break
		}
		elems = append(elems, p.elems...)
		if p.closed {
			return elems, p.end, true
		}
	}
	return splitArray(data, i)
}

// lowerTo sets a to v if v is lower.
func lowerTo(a *atomic.Int32, v int32) {
	for {
		old := a.Load()
		if v >= old || a.CompareAndSwap(old, v) {
			return
		}
	}
}

// scanElements scans the elements of a list from the element at i: up to
// the end of the list (closed), or until the next element would start at
// stop (then end is stop; -1 means no stop). It fails on anything else,
// past stop included, and when abandon (if not nil), asked every few
// thousand elements, says to stop.
func scanElements(data []byte, i, stop int, abandon func() bool) (elems []byteRange, end int, closed, ok bool) {
	for {
		if abandon != nil && len(elems)%4096 == 4095 && abandon() {
			return nil, 0, false, false
		}
		from := i
		end, ok := skipValue(data, i)
		if !ok {
			return nil, 0, false, false
		}
		elems = append(elems, byteRange{int64(from), int64(end)})
		i = skipSpace(data, end)
		if i >= len(data) {
			return nil, 0, false, false
		}
		switch data[i] {
		case ',':
			i = skipSpace(data, i+1)
			if stop >= 0 && i >= stop {
				return elems, i, false, i == stop
			}
		case ']':
			return elems, i + 1, true, true
		default:
			return nil, 0, false, false
		}
	}
}

// objectAfterComma returns the offset of the first { at or after i whose
// preceding non-space byte is a comma, or -1.
func objectAfterComma(data []byte, i int) int {
	for {
		j := bytes.IndexByte(data[i:], '{')
		if j < 0 {
			return -1
		}
		i += j
		k := i - 1
		for k >= 0 && (data[k] == ' ' || data[k] == '\t' || data[k] == '\n' || data[k] == '\r') {
			k--
		}
		if k >= 0 && data[k] == ',' {
			return i
		}
		i++
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
				if depth > maxScanDepth {
					return 0, false
				}
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

// maxScanDepth bounds the nesting the scan accepts inside one value. The
// library limits nesting from the file's root (10,000 levels); the scan sees
// each value on its own, so a value nested nearly that deep would pass here
// and fail there. No inventory comes close: deeper values go to the
// stream decoder, which applies the library's limit exactly.
const maxScanDepth = 1000

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
