package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/sovmap/sovmap/finding"
)

// TestEveryGroupRefusesUnknownSubcommands walks the whole command tree:
// every command that has subcommands exits 2 for a missing or mistyped
// one, naming the closest, so that a typo never passes a CI step.
func TestEveryGroupRefusesUnknownSubcommands(t *testing.T) {
	var groups [][]string
	var walk func(c *cobra.Command, path []string)
	walk = func(c *cobra.Command, path []string) {
		for _, sub := range c.Commands() {
			if !sub.IsAvailableCommand() {
				continue
			}
			p := append(append([]string(nil), path...), sub.Name())
			if sub.HasAvailableSubCommands() {
				groups = append(groups, p)
				walk(sub, p)
			}
		}
	}
	walk(newRootCmd(&app{status: &statusLine{}}), nil)
	if len(groups) < 4 {
		t.Fatalf("found %d command groups (%v); the walk is broken", len(groups), groups)
	}
	for _, g := range groups {
		var out, errOut bytes.Buffer
		if code := run(context.Background(), g, strings.NewReader(""), &out, &errOut); code != exitBadInput || !strings.Contains(errOut.String(), "needs a subcommand") {
			t.Errorf("%v: exit %d, %q; want 2 and the list of subcommands", g, code, errOut.String())
		}
		// A typo of the first subcommand: its name with the last letter dropped.
		root := newRootCmd(&app{status: &statusLine{}})
		c, _, _ := root.Find(g)
		first := c.Commands()[0].Name()
		typo := first[:len(first)-1]
		out.Reset()
		errOut.Reset()
		args := append(append([]string(nil), g...), typo, "x")
		if code := run(context.Background(), args, strings.NewReader(""), &out, &errOut); code != exitBadInput || !strings.Contains(errOut.String(), `unknown command "`+typo+`"`) {
			t.Errorf("%v: exit %d, %q; want 2 and the unknown command named", args, code, errOut.String())
		}
	}
	// The root too.
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"asses", "x"}, strings.NewReader(""), &out, &errOut); code != exitBadInput {
		t.Errorf("sovmap asses: exit %d, want 2", code)
	}
}

// TestVersion: sovmap --version and sovmap version print the same line,
// naming sovmap, and exit 0.
func TestVersion(t *testing.T) {
	var lines []string
	for _, args := range [][]string{{"--version"}, {"version"}} {
		var out, errOut bytes.Buffer
		if code := run(context.Background(), args, strings.NewReader(""), &out, &errOut); code != exitClean {
			t.Fatalf("%v: exit %d: %s", args, code, errOut.String())
		}
		lines = append(lines, out.String())
	}
	if lines[0] != lines[1] || !strings.HasPrefix(lines[0], "sovmap ") || strings.Count(lines[0], "\n") != 1 {
		t.Errorf("--version %q, version %q: want one equal line starting with sovmap", lines[0], lines[1])
	}
}

// TestStdin: "-" reads the inventory from standard input, YAML or JSON, and
// errors name it stdin.
func TestStdin(t *testing.T) {
	yaml := "version: 1\norganization: {name: X, home: DE}\ncomponents:\n  - {id: db, layer: storage, locations: [DE]}\n"
	json := `{"version": 1, "organization": {"name": "X", "home": "DE"}, "components": [{"id": "db", "layer": "storage", "locations": ["DE"]}]}`
	for _, in := range []string{yaml, json} {
		var out, errOut bytes.Buffer
		if code := run(context.Background(), []string{"assess", "-", "--format", "json"}, strings.NewReader(in), &out, &errOut); code != exitClean || !strings.Contains(out.String(), `"id":"db"`) {
			t.Errorf("assess - : exit %d, %q %q", code, out.String(), errOut.String())
		}
	}
	var out, errOut bytes.Buffer
	bad := strings.Replace(yaml, "storage", "storag", 1)
	if code := run(context.Background(), []string{"validate", "-"}, strings.NewReader(bad), &out, &errOut); code != exitBadInput || !strings.Contains(errOut.String(), "stdin.yaml:4:") {
		t.Errorf("validate - on a bad layer: exit %d, %q", code, errOut.String())
	}
}

// TestGateCountsWhatFindingsGate: the gate's quick count equals the
// number of findings that finding.Gates fails, on every example and gate.
func TestGateCountsWhatFindingsGate(t *testing.T) {
	a := &app{stdin: strings.NewReader(""), stdout: &bytes.Buffer{}, stderr: &bytes.Buffer{}, status: &statusLine{}}
	for _, ex := range exampleInventories(t) {
		x, err := a.assess(context.Background(), []string{filepath.Join(repoRoot(t), ex)})
		if err != nil {
			t.Fatal(err)
		}
		r := x.report
		for failOn := 0; failOn <= 4; failOn++ {
			want := 0
			for _, f := range finding.FromReport(r, nil) {
				if f.Gates(failOn) {
					want++
				}
			}
			if got := findings(r, failOn); got != want {
				t.Errorf("%s --fail-on %d: the gate counts %d, the findings that gate are %d", ex, failOn, got, want)
			}
		}
	}
}

// TestOutputNeverOverwritesAnInput: -o naming an input, or an inventory
// file inside an input directory, is refused (exit 2) and the file is left
// as it was.
func TestOutputNeverOverwritesAnInput(t *testing.T) {
	dir := t.TempDir()
	inv := filepath.Join(dir, "inventory.yaml")
	src := "version: 1\norganization: {name: X, home: DE}\ncomponents:\n  - {id: db, layer: storage, locations: [DE]}\n"
	if err := os.WriteFile(inv, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"assess", inv, "-o", inv, "--format", "markdown"},
		{"assess", dir, "-o", filepath.Join(dir, "report.json"), "--format", "json"},
		{"vendors", inv, "-o", inv},
	} {
		var out, errOut bytes.Buffer
		if code := run(context.Background(), args, strings.NewReader(""), &out, &errOut); code != exitBadInput {
			t.Errorf("%v: exit %d, want 2 (%s)", args, code, errOut.String())
		}
	}
	if got, _ := os.ReadFile(inv); string(got) != src {
		t.Errorf("the inventory was changed:\n%s", got)
	}
	if _, err := os.Stat(filepath.Join(dir, "report.json")); err == nil {
		t.Error("a report was written inside the input directory")
	}
	// Elsewhere is fine.
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"assess", inv, "-o", filepath.Join(t.TempDir(), "r.md"), "--format", "markdown"}, strings.NewReader(""), &out, &errOut); code != exitClean {
		t.Errorf("assess -o elsewhere: exit %d (%s)", code, errOut.String())
	}
}

// TestCompletion: the shell completes --format names, component ids for
// explain, arrangement ids for embassy and regions for kb region.
func TestCompletion(t *testing.T) {
	hospital := filepath.Join(repoRoot(t), "examples", "hospital-group")
	hosts := filepath.Join(repoRoot(t), "examples", "embassy-host-comparison")
	cases := []struct {
		args []string
		want []string
	}{
		{[]string{"__complete", "explain", hospital, "gpu"}, []string{"gpu-training"}},
		{[]string{"__complete", "assess", hospital, "--format", "s"}, []string{"sarif"}},
		{[]string{"__complete", "embassy", "compare", hosts, "host-lu", "host-n"}, []string{"host-no"}},
		{[]string{"__complete", "kb", "region", "aws:eu-central-"}, []string{"aws:eu-central-1", "aws:eu-central-2"}},
	}
	for _, tc := range cases {
		var out, errOut bytes.Buffer
		if code := run(context.Background(), tc.args, strings.NewReader(""), &out, &errOut); code != exitClean {
			t.Fatalf("%v: exit %d %s", tc.args, code, errOut.String())
		}
		var got []string
		for _, line := range strings.Split(out.String(), "\n") {
			if line != "" && !strings.HasPrefix(line, ":") {
				got = append(got, line)
			}
		}
		if strings.Join(got, ",") != strings.Join(tc.want, ",") {
			t.Errorf("%v: completions %v, want %v", tc.args[1:], got, tc.want)
		}
	}
}

// TestOutputNeedsForceToReplace: no command replaces an existing file
// without --force; `sovmap import` may refresh a file it wrote itself, but
// never a hand-written one.
func TestOutputNeedsForceToReplace(t *testing.T) {
	dir := t.TempDir()
	kept := "a file someone wrote by hand\n"
	hospital := filepath.Join(repoRoot(t), "examples", "hospital-group")
	plan := filepath.Join(repoRoot(t), "..", "shared", "fixtures", "third-party", "terraform", "infracost-azure-firewall-plan.json")
	for _, c := range []struct {
		args []string
		ok   int // the exit code of the command when it may write
	}{
		{[]string{"assess", hospital, "--format", "markdown"}, exitFindings},
		{[]string{"vendors", hospital}, exitClean},
		{[]string{"graph", hospital}, exitClean},
		{[]string{"diff", hospital, hospital}, exitClean},
		{[]string{"import", "terraform", plan, "--home", "DE"}, exitClean},
	} {
		out := filepath.Join(dir, c.args[0]+".out")
		if err := os.WriteFile(out, []byte(kept), 0o644); err != nil {
			t.Fatal(err)
		}
		args := append(append([]string{}, c.args...), "-o", out)
		if c.args[0] == "import" {
			if _, err := os.Stat(plan); err != nil {
				t.Fatalf("fixture missing: %v", err)
			}
		}
		_, stderr, code := runBin(t, dir, args...)
		if code != exitBadInput || !strings.Contains(stderr, "use --force") {
			t.Errorf("%v over an existing file: exit %d, %q; want 2 and a hint at --force", c.args[:2], code, stderr)
		}
		if got, _ := os.ReadFile(out); string(got) != kept {
			t.Errorf("%v replaced the existing file without --force", c.args[:2])
		}
		if _, stderr, code := runBin(t, dir, append(args, "--force")...); code != c.ok {
			t.Errorf("%v --force: exit %d, want %d (%s)", c.args[:2], code, c.ok, stderr)
		}
		if got, _ := os.ReadFile(out); string(got) == kept {
			t.Errorf("%v --force left the file as it was", c.args[:2])
		}
		if c.args[0] == "import" {
			// Now the file is the importer's own: refreshing it needs no --force.
			if _, stderr, code := runBin(t, dir, args...); code != exitClean {
				t.Errorf("re-import over its own file: exit %d (%s)", code, stderr)
			}
		}
	}
}
