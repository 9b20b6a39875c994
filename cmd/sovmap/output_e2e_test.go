package main

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/cobra"
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

// TestE2EBinaryFormatsRefusedOnTerminal: every command whose --format
// offers a binary format (binaryFormats) refuses to write it to a terminal,
// where its bytes would garble the screen, and does so before its work.
// The commands and their formats are read from the command tree (the
// formats from the completion of --format), so a command or a binary format
// added later is held to this too: one missing from the table fails.
func TestE2EBinaryFormatsRefusedOnTerminal(t *testing.T) {
	// Arguments each command would run with from the repository root.
	runs := map[string][]string{
		"sovmap assess":        {"examples/hospital-group"},
		"sovmap vendors":       {"examples/bank-dora"},
		"sovmap policy":        {"examples/bank-dora"},
		"sovmap tia":           {"examples/bank-transfers", "--all"},
		"sovmap embassy draft": {"examples/embassy-host-comparison/inventory.yaml", "host-lu"},
	}
	root := newRootCmd(&app{stdout: &bytes.Buffer{}, stderr: &bytes.Buffer{}, status: &statusLine{}})
	var checked []string
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		for _, sub := range c.Commands() {
			walk(sub)
		}
		complete, ok := c.GetFlagCompletionFunc("format")
		if !ok || c.LocalFlags().Lookup("format") == nil {
			return
		}
		formats, _ := complete(c, nil, "")
		for _, format := range formats {
			if _, binary := binaryFormats[format]; !binary {
				continue
			}
			path := c.CommandPath()
			args, ok := runs[path]
			if !ok {
				t.Errorf("%s --format %s: add the command to this test's table", path, format)
				continue
			}
			args = append(append(strings.Fields(path)[1:], args...), "--format", format)
			out, code := runOnTerminal(t, args...)
			if code != 2 || !strings.Contains(out, "--format "+format+" writes a binary") {
				t.Errorf("%v on a terminal: exit %d, want 2 and the refusal:\n%.1000s", args, code, out)
			}
			checked = append(checked, path)
		}
	}
	walk(root)
	for path := range runs {
		if !slices.Contains(checked, path) {
			t.Errorf("%s offers no binary format any more: take it out of the table", path)
		}
	}
}
