package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// notRun are the example lines a test cannot run, and why.
var notRun = map[string]string{
	"serve": "starts a server that runs until stopped (server tests start it for real)",
}

// TestHelpExamplesRun walks the whole command tree and runs every line of
// every Example, as a user pastes it at the repository root: each exits 0
// (clean) or 1 (findings), never 2. The lines run in a directory that
// mirrors the repository root (a link to each of its entries), so that
// what they write lands in the test's directory; a line's "> FILE" and
// ">> FILE" write the output there, "A && B" runs B after A, and
// "echo 'WORDS' | sovmap ..." gives sovmap the words as its input. Lines that
// start with another program (terraform show ... | sovmap ...) are the
// user's shell, not sovmap's, and are left out.
func TestHelpExamplesRun(t *testing.T) {
	root := repoRoot(t)
	var commands []*cobra.Command
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if c.Example != "" {
			commands = append(commands, c)
		}
		for _, sub := range c.Commands() {
			if sub.IsAvailableCommand() {
				walk(sub)
			}
		}
	}
	walk(newRootCmd(&app{status: &statusLine{}}))
	if len(commands) < 20 {
		t.Fatalf("found %d commands with examples; the walk is broken", len(commands))
	}
	ran := 0
	for _, c := range commands {
		t.Run(strings.ReplaceAll(c.CommandPath(), " ", "_"), func(t *testing.T) {
			dir := mirror(t, root)
			for _, line := range strings.Split(c.Example, "\n") {
				line = strings.TrimSpace(line)
				if i := strings.Index(line, "   # "); i >= 0 {
					line = strings.TrimSpace(line[:i])
				}
				// echo 'WORDS' | sovmap ...: the words are sovmap's input.
				stdin := ""
				if echo, rest, ok := strings.Cut(line, " | sovmap "); ok && strings.HasPrefix(echo, "echo ") {
					stdin = strings.Join(shellWords(t, echo)[1:], " ") + "\n"
					line = "sovmap " + rest
				}
				if line == "" || !strings.HasPrefix(line, "sovmap ") || strings.Contains(line, "|") {
					continue
				}
				if why, skip := notRun[strings.Fields(line)[1]]; skip {
					t.Logf("not run: %s (%s)", line, why)
					continue
				}
				for _, part := range strings.Split(line, " && ") {
					runExampleLine(t, dir, stdin, part)
					ran++
				}
			}
		})
	}
	if ran < 60 {
		t.Errorf("ran %d example lines; expected the examples of every command", ran)
	}
}

// runExampleLine runs one "sovmap ..." command line in dir with stdin as
// its input.
func runExampleLine(t *testing.T, dir, stdin, line string) {
	t.Helper()
	args := shellWords(t, line)
	var redirect string
	appendTo := false
	if n := len(args); n >= 3 && (args[n-2] == ">" || args[n-2] == ">>") {
		redirect, appendTo = args[n-1], args[n-2] == ">>"
		args = args[:n-2]
	}
	out, stderr, code := runBinIn(t, dir, stdin, args[1:]...)
	if code != exitClean && code != exitFindings {
		t.Errorf("%s: exit %d\n%s", line, code, stderr)
		return
	}
	if redirect != "" {
		flag := os.O_CREATE | os.O_WRONLY | os.O_TRUNC
		if appendTo {
			flag = os.O_CREATE | os.O_WRONLY | os.O_APPEND
		}
		f, err := os.OpenFile(filepath.Join(dir, redirect), flag, 0o644)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if _, err := f.WriteString(out); err != nil {
			t.Fatal(err)
		}
	}
}

// shellWords splits a command line the way a shell does for the examples:
// words separated by spaces, single or double quotes keeping spaces.
func shellWords(t *testing.T, line string) []string {
	t.Helper()
	var words []string
	var cur strings.Builder
	var quote rune
	inWord := false
	for _, r := range line {
		switch {
		case quote != 0 && r == quote:
			quote = 0
		case quote != 0:
			cur.WriteRune(r)
		case r == '\'' || r == '"':
			quote, inWord = r, true
		case r == ' ':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteRune(r)
			inWord = true
		}
	}
	if quote != 0 {
		t.Fatalf("unclosed quote in %q", line)
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words
}

// mirror makes a directory whose entries link to those of root.
func mirror(t *testing.T, root string) string {
	t.Helper()
	dir := t.TempDir()
	entries, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if err := os.Symlink(filepath.Join(root, e.Name()), filepath.Join(dir, e.Name())); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}
