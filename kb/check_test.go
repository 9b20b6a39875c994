package kb

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/sovmap/sovmap/internal/golden"
)

// TestCheckMessages pins every message of check, its position and the
// order a load and Check report them in. Rewrite the golden files with
// go test ./kb -run TestCheckMessages -update, and review the diff.
func TestCheckMessages(t *testing.T) {
	t.Run("fatal", func(t *testing.T) {
		k := mustDefault(t)
		err := k.Overlay(os.DirFS("testdata/check/broken"))
		var le *LoadError
		if !errors.As(err, &le) {
			t.Fatalf("overlay: err = %v, want a LoadError", err)
		}
		golden.Check(t, "testdata/check/broken.golden", problemLines(le.Problems))
	})
	t.Run("provenance", func(t *testing.T) {
		k := mustDefault(t)
		if err := k.Overlay(os.DirFS("testdata/check/unsourced")); err != nil {
			t.Fatal(err)
		}
		ps := k.Check()
		for _, p := range ps {
			if p.Fatal {
				t.Errorf("fatal problem in a loaded knowledge base: %s", p)
			}
		}
		golden.Check(t, "testdata/check/unsourced.golden", problemLines(ps))
	})
}

func problemLines(ps []Problem) []byte {
	var b strings.Builder
	for _, p := range ps {
		b.WriteString(p.String())
		b.WriteString("\n")
	}
	return []byte(b.String())
}
