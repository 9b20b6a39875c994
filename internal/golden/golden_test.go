package golden

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDiffNamesTheFirstDifferingLines(t *testing.T) {
	got := Diff("a\nb\nc\n", "a\nx\nc\ny")
	for _, want := range []string{"line 2:\n  want: b\n  got:  x", "line 4:\n  want: \n  got:  y"} {
		if !strings.Contains(got, want) {
			t.Errorf("Diff = %q, lacks %q", got, want)
		}
	}
	if Diff("same", "same") != "" {
		t.Error("Diff of equal texts is not empty")
	}
}

// fakeT records failures instead of stopping the test.
type fakeT struct {
	testing.TB
	failed bool
}

func (f *fakeT) Helper()               {}
func (f *fakeT) Errorf(string, ...any) { f.failed = true }
func (f *fakeT) Fatalf(string, ...any) { f.failed = true }
func (f *fakeT) Fatal(...any)          { f.failed = true }

func TestCheckComparesWithTheFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "out.golden")
	if err := os.WriteFile(path, []byte("hello\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	ok := &fakeT{}
	Check(ok, path, []byte("hello\n"))
	if ok.failed {
		t.Error("equal output failed the check")
	}
	bad := &fakeT{}
	Check(bad, path, []byte("hullo\n"))
	if !bad.failed {
		t.Error("different output passed the check")
	}
}
