package report

import (
	"bufio"
	"bytes"
	"errors"
	"io"

	"github.com/go-json-experiment/json"

	"github.com/sovmap/sovmap"
)

// WriteJSONStream writes what WriteJSON writes for a report with head's
// organization, home, flows, providers, layers, summary and notes (head's
// Components are not read) and the components that each gives: each calls
// yield with every component's JSON as WriteJSON writes it (see
// AppendStoredComponent), in order, and returns yield's first error. A
// component's bytes are written before each goes on, so a report of a
// million components is never held whole: the server streams downloads
// this way.
//
// If each fails, what was written so far is a truncated report, not a
// complete one: the caller must make the failure visible (abort the
// connection, remove the file).
func WriteJSONStream(w io.Writer, head *sovmap.Report, each func(yield func(component []byte) error) error) error {
	if head == nil {
		return errors.New("json: no report to write")
	}
	return writeJSON(w, head, func(bw io.Writer) (int, error) {
		n := 0
		err := each(func(c []byte) error {
			sep := itemSep(n)
			n++
			if _, err := io.WriteString(bw, sep); err != nil {
				return err
			}
			_, err := bw.Write(c)
			return err
		})
		return n, err
	})
}

// AppendStoredComponent appends a component's JSON as WriteJSON writes it,
// given its whole result as AppendComponentResult wrote it (the server
// stores that): the same bytes up to the factor breakdown, so they are cut
// there rather than decoded and encoded again. A result the cut cannot be
// trusted on, such as one encoding/json wrote (as the server stored results
// before AppendComponentResult: null lists, \u escapes), is decoded and
// written anew, which is what WriteJSON would make of it.
func AppendStoredComponent(dst, stored []byte) ([]byte, error) {
	if head, ok := cutFactors(stored); ok {
		return append(append(dst, head...), '}'), nil
	}
	var c sovmap.ComponentResult
	if err := json.Unmarshal(stored, &c); err != nil {
		return dst, err
	}
	return appendComponent(dst, &c)
}

// cutFactors returns stored up to its factor breakdown, without the
// closing brace, when stored has the shape only AppendComponentResult
// gives: it opens with the id, its reasons list comes last before the
// factors, which close it, and nothing in it is written differently by
// other encoders (null for a missing list, a \u escape). A JSON string
// cannot hold an unescaped quote, so the first `,"factors":[` is the key
// (no object inside a result has a key of that name).
func cutFactors(stored []byte) ([]byte, bool) {
	i := bytes.Index(stored, []byte(`,"factors":[`))
	if i < 0 || !bytes.HasPrefix(stored, []byte(`{"id":"`)) || !bytes.HasSuffix(stored, []byte("]}")) {
		return nil, false
	}
	head := stored[:i]
	if !bytes.HasSuffix(head, []byte("]")) || !bytes.Contains(head, []byte(`,"reasons":[`)) ||
		bytes.Contains(head, []byte(":null")) || bytes.Contains(head, []byte(`\u`)) {
		return nil, false
	}
	return head, true
}

// output is a buffered writer that keeps the first error of the writer
// under it, for a stream writer's yield to return: a download whose client
// went away then stops reading components instead of reading them all
// into a buffer that writes nothing.
type output struct {
	*bufio.Writer
	under *failure
}

// failure is a writer that remembers its first error.
type failure struct {
	w   io.Writer
	err error
}

func (f *failure) Write(p []byte) (int, error) {
	n, err := f.w.Write(p)
	if err != nil && f.err == nil {
		f.err = err
	}
	return n, err
}

func newOutput(w io.Writer, size int) output {
	f := &failure{w: w}
	return output{Writer: bufio.NewWriterSize(f, size), under: f}
}

// err is the first error of the writer under the buffer, if any.
func (o output) err() error { return o.under.err }
