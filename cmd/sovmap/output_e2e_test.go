package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestE2EOutputCheckedFirst: every command that writes its report to -o
// refuses an existing file (without --force) before it reads its input,
// so the refusal comes first even when the input is broken, and the file
// is left alone.
func TestE2EOutputCheckedFirst(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	out := filepath.Join(dir, "kept.txt")
	for path, data := range map[string]string{bad: "version: 1\ncomponents: [\n", out: "kept by hand\n"} {
		if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, args := range [][]string{
		{"assess", bad},
		{"diff", bad, bad},
		{"graph", bad},
		{"scenario", bad, "--sweep"},
		{"vendors", bad},
		{"tia", bad, "--all"},
		{"policy", bad},
		{"embassy", "draft", bad, "host-lu"},
		{"scan", filepath.Join(dir, "no-such-directory")},
	} {
		_, stderr, code := runAtRoot(t, append(args, "-o", out)...)
		if code != 2 || !strings.Contains(stderr, out+" exists; use --force to replace it") {
			t.Errorf("%s over an existing file: exit %d, %s", args[0], code, stderr)
		}
	}
	if data, _ := os.ReadFile(out); string(data) != "kept by hand\n" {
		t.Errorf("the existing file was changed: %q", data)
	}
}
