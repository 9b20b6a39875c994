package jsonstream

import (
	"bytes"
	"errors"
	"testing"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

type item struct {
	Name  string         `json:"name"`
	Tags  []string       `json:"tags,omitempty"`
	Props map[string]any `json:"props,omitempty"`
}

type doc struct {
	Title string `json:"title"`
	Items []item `json:"items"`
	Extra []item `json:"extra,omitempty"`
	Inner struct {
		Deep []item `json:"deep,omitempty"`
	} `json:"inner"`
	End string `json:"end"`
}

// whole is what json.MarshalWrite writes for d, the bytes a streamed
// document must equal.
func whole(t *testing.T, d doc) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := json.MarshalWrite(&buf, d, json.Deterministic(true), jsontext.WithIndent("  ")); err != nil {
		t.Fatal(err)
	}
	return append(buf.Bytes(), '\n')
}

func stream(t *testing.T, d doc) []byte {
	t.Helper()
	var buf bytes.Buffer
	j := New(&buf)
	j.BeginObject()
	j.Member("title", d.Title)
	j.Name("items")
	j.BeginArray()
	for _, it := range d.Items {
		j.Value(it)
	}
	j.EndArray()
	extra := j.OmitEmptyArray("extra")
	for _, it := range d.Extra {
		extra.Add(it)
	}
	extra.End()
	j.Name("inner")
	j.BeginObject()
	deep := j.OmitEmptyArray("deep")
	for _, it := range d.Inner.Deep {
		deep.Add(it)
	}
	deep.End()
	j.EndObject()
	j.Member("end", d.End)
	j.EndObject()
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestStreamedEqualsWhole(t *testing.T) {
	full := item{Name: "a <b> & \"c\"", Tags: []string{"x", "y"}, Props: map[string]any{"z": 1, "a": []int{2}, "m": "é\u2028"}}
	var many []item
	for range 3000 { // more than the encoder's buffer: it flushes midway
		many = append(many, full)
	}
	tests := []struct {
		name string
		d    doc
	}{
		{"empty", doc{}},
		{"empty items, no extra", doc{Title: "t", Items: []item{}}},
		{"one of each", func() doc {
			d := doc{Title: "t", Items: []item{full}, Extra: []item{{Name: "e"}}, End: "end"}
			d.Inner.Deep = []item{{Name: "d"}}
			return d
		}()},
		{"many", doc{Items: many, Extra: many}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want, got := whole(t, tt.d), stream(t, tt.d)
			if !bytes.Equal(got, want) {
				t.Errorf("streamed:\n%s\nwhole:\n%s", got, want)
			}
		})
	}
}

type failingWriter struct{ n int }

var errFull = errors.New("disk full")

func (w *failingWriter) Write(p []byte) (int, error) {
	if w.n -= len(p); w.n < 0 {
		return 0, errFull
	}
	return len(p), nil
}

// TestErrorsStick checks that a write error is kept and returned, and
// that the calls after it do nothing (no panic, no second error).
func TestErrorsStick(t *testing.T) {
	j := New(&failingWriter{n: 10})
	j.BeginObject()
	j.Name("items")
	j.BeginArray()
	for range 20000 {
		j.Value(item{Name: "abcdefghijklmnopqrstuvwxyz"})
		if j.Err() != nil {
			break
		}
	}
	if !errors.Is(j.Err(), errFull) {
		t.Fatalf("Err() = %v, want %v", j.Err(), errFull)
	}
	j.EndArray()
	j.EndObject()
	if err := j.Close(); !errors.Is(err, errFull) {
		t.Fatalf("Close() = %v, want %v", err, errFull)
	}
}

// TestMisuseIsAnError checks that a token out of place (a value where a
// name is due) is an error, not a broken document.
func TestMisuseIsAnError(t *testing.T) {
	var buf bytes.Buffer
	j := New(&buf)
	j.BeginObject()
	j.Value(1)
	j.EndObject()
	if j.Close() == nil {
		t.Fatalf("a value without a name was accepted: %s", buf.String())
	}
}
