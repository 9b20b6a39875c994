package inventory_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/inventory"
	"github.com/sovmap/sovmap/kb"
)

var (
	kbOnce sync.Once
	kbVal  *kb.KB
	kbErr  error
)

// knowledge returns the embedded knowledge base, loaded once per test binary.
func knowledge(t testing.TB) *kb.KB {
	t.Helper()
	kbOnce.Do(func() { kbVal, kbErr = kb.Default() })
	if kbErr != nil {
		t.Fatalf("kb.Default: %v", kbErr)
	}
	return kbVal
}

// Markers in test sources: « marks where a problem must be reported (in
// order), ¤ marks a position a message refers to (@0, @1, ... in the
// message). Both are removed before the source is decoded, so positions are
// computed by the test rather than counted by hand.
const (
	problemMark = '«'
	refMark     = '¤'
)

// marked strips the markers from src and returns the clean text with the
// line:col of each problem marker and each reference marker.
func marked(src string) (clean string, at, refs []string) {
	var b strings.Builder
	line, col := 1, 1
	for i := 0; i < len(src); {
		r, size := utf8.DecodeRuneInString(src[i:])
		raw := src[i : i+size] // kept as is, so invalid UTF-8 survives
		i += size
		switch r {
		case problemMark:
			at = append(at, fmt.Sprintf("%d:%d", line, col))
			continue
		case refMark:
			refs = append(refs, fmt.Sprintf("%d:%d", line, col))
			continue
		}
		b.WriteString(raw)
		if r == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return b.String(), at, refs
}

// expected turns messages into the full "file:line:col: message" lines the
// problems must print as.
func expected(t *testing.T, file string, at, refs, msgs []string) []string {
	t.Helper()
	if len(at) != len(msgs) {
		t.Fatalf("test case has %d « markers but %d messages", len(at), len(msgs))
	}
	out := make([]string, len(msgs))
	for i, m := range msgs {
		for j := len(refs) - 1; j >= 0; j-- {
			m = strings.ReplaceAll(m, fmt.Sprintf("@%d", j), file+":"+refs[j])
		}
		out[i] = file + ":" + at[i] + ": " + m
	}
	return out
}

// problems asserts that err is an *inventory.Error whose every problem has a
// position in a file, and returns the problems as printed.
func problems(t *testing.T, err error) []string {
	t.Helper()
	if err == nil {
		t.Fatal("no error, want problems")
	}
	var ie *inventory.Error
	if !errors.As(err, &ie) {
		t.Fatalf("error is %T (%v), want *inventory.Error", err, err)
	}
	if len(ie.Problems) == 0 {
		t.Fatal("*inventory.Error with no problems")
	}
	out := make([]string, len(ie.Problems))
	for i, p := range ie.Problems {
		if p.Pos.File == "" {
			t.Errorf("problem %q has no file", p.Msg)
		}
		out[i] = p.String()
	}
	return out
}

func sameLines(t *testing.T, got, want []string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// decode decodes src (markers removed) as file name.
func decode(t *testing.T, name, src string) (*sovmap.Inventory, error) {
	t.Helper()
	clean, _, _ := marked(src)
	return inventory.Decode(context.Background(), knowledge(t), name, []byte(clean))
}

// writeTree writes files (relative path -> content, markers removed) under
// a temporary directory and returns it.
func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		clean, _, _ := marked(content)
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(clean), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestMarked(t *testing.T) {
	clean, at, refs := marked("ab\n«cé«d\n¤x")
	if clean != "ab\ncéd\nx" {
		t.Errorf("clean = %q", clean)
	}
	if strings.Join(at, " ") != "2:1 2:3" || strings.Join(refs, " ") != "3:1" {
		t.Errorf("at = %v, refs = %v", at, refs)
	}
	if !utf8.ValidString(clean) {
		t.Error("invalid UTF-8")
	}
}
