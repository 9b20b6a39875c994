package main

import (
	"bytes"
	"context"
	"os"
	"testing"
)

// TestStatusLine checks that a stage shows on a terminal while it runs and
// is erased when it ends, and that nothing at all is written elsewhere.
func TestStatusLine(t *testing.T) {
	var term bytes.Buffer
	a := &app{status: &statusLine{w: &term, enabled: true}}
	a.begin("loading %s", "big.json")
	if got := term.String(); got != eraseLine+"loading big.json…" {
		t.Fatalf("while loading the terminal shows %q", got)
	}
	a.mark("load")
	if got := term.String(); got != eraseLine+"loading big.json…"+eraseLine {
		t.Fatalf("after loading the terminal got %q, want the line erased", got)
	}
	a.mark("assess") // nothing shown: nothing to erase
	if got := term.String(); got != eraseLine+"loading big.json…"+eraseLine {
		t.Fatalf("a stage without a status wrote %q", got)
	}

	var log bytes.Buffer
	b := &app{status: &statusLine{w: &log, enabled: false}}
	b.begin("loading %s", "big.json")
	b.mark("load")
	if log.Len() != 0 {
		t.Fatalf("not a terminal, yet the status wrote %q", log.String())
	}
}

// TestNoStatusInPipes runs assess with stderr captured (not a terminal), as
// in CI, and checks that no status line leaks into it.
func TestNoStatusInPipes(t *testing.T) {
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"validate", "../../examples/hospital-group"}, nil, &stdout, &stderr)
	if code != exitClean {
		t.Fatalf("validate exited %d: %s", code, stderr.String())
	}
	if bytes.Contains(stderr.Bytes(), []byte(eraseLine)) || bytes.Contains(stdout.Bytes(), []byte(eraseLine)) {
		t.Fatalf("a status line leaked into captured output: %q %q", stdout.String(), stderr.String())
	}
}

// TestDumbTerminal: the status line's escape codes are for terminals that
// understand them; TERM=dumb gets none. /dev/null stands in for a terminal:
// it is a character device, as a terminal is.
func TestDumbTerminal(t *testing.T) {
	dev, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer dev.Close()
	for term, want := range map[string]bool{"xterm-256color": true, "": true, "dumb": false} {
		if got := canRewrite(dev, term); got != want {
			t.Errorf("TERM=%q: canRewrite = %v, want %v", term, got, want)
		}
	}
	if canRewrite(&bytes.Buffer{}, "xterm") {
		t.Error("a buffer is not a terminal")
	}
}
