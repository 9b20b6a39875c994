package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// runScanE2E runs the binary at the repository root with extra
// environment variables.
func runScanE2E(t *testing.T, env []string, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(e2eBin, args...)
	cmd.Dir = repoRoot(t)
	cmd.Env = append(os.Environ(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		return stdout.String(), stderr.String(), ee.ExitCode()
	case err != nil:
		t.Fatal(err)
	}
	return stdout.String(), stderr.String(), 0
}

// TestScanE2E scans the demo tree with its overlay, then assesses the
// fragment beside an organization's inventory: the Azure OpenAI resource
// is located in the region its .env gives, the flows carry the overlay's
// data classes, and the vendored copy under node_modules is not read.
func TestScanE2E(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "ai.yaml")
	_, stderr, code := runScanE2E(t, nil, "scan", "scan/testdata/demo", "--overlay", "scan/testdata/demo-overlay.yaml", "-o", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"skipped 1: directory node_modules", "6 calls of 5 services", "into " + out} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr does not say %q:\n%s", want, stderr)
		}
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	for _, want := range []string{
		"- azure:swedencentral", "- aws:eu-central-1", "- gcp:europe-west4",
		"# evidence: chatbot/.env:1, chatbot/app.py:7",
		"scan.evidence: search/src/rank.ts:6",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the fragment lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "node_modules") || strings.Contains(text, "organization:") {
		t.Errorf("the fragment reads node_modules or writes an organization:\n%s", text)
	}
	org := filepath.Join(dir, "org.yaml")
	if err := os.WriteFile(org, []byte("version: 1\norganization: {name: Acme, home: DE}\ncomponents: []\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, code := runScanE2E(t, nil, "assess", org, out, "--format", "json", "--fail-on", "0")
	if code != 0 {
		t.Fatalf("assess of the fragment: exit %d: %s", code, stderr)
	}
	var report struct {
		Flows []struct {
			ID   string   `json:"id"`
			Data []string `json:"data"`
		} `json:"flows"`
	}
	if err := json.Unmarshal([]byte(stdout), &report); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, f := range report.Flows {
		if f.ID == "scan:chatbot:bedrock:eu-central-1" && len(f.Data) == 1 && f.Data[0] == "personal" {
			found = true
		}
	}
	if !found {
		t.Errorf("the assessment has no flow scan:chatbot:bedrock:eu-central-1 with the overlay's personal data: %+v", report.Flows)
	}
}

// TestScanSARIFE2E writes SARIF by the output's extension, with URIs
// relative to the scanned directory.
func TestScanSARIFE2E(t *testing.T) {
	out := filepath.Join(t.TempDir(), "scan.sarif")
	_, stderr, code := runScanE2E(t, nil, "scan", "scan/testdata/demo", "-o", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var log struct {
		Runs []struct {
			Results []struct {
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct{ URI string }
						Region           struct{ StartLine int }
					}
				}
			}
		}
	}
	if err := json.Unmarshal(data, &log); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	var got []string
	for _, r := range log.Runs[0].Results {
		l := r.Locations[0].PhysicalLocation
		got = append(got, l.ArtifactLocation.URI+":"+strconv.Itoa(l.Region.StartLine))
	}
	want := "chatbot/.env:1 chatbot/app.py:7 chatbot/app.py:13 search/src/rank.ts:6 search/src/rank.ts:7 search/src/rank.ts:8"
	if strings.Join(got, " ") != want {
		t.Errorf("results at %v, want %s", got, want)
	}
}

// TestScanOwnOutputE2E: a fragment written inside the scanned tree, YAML
// or JSON, is not read back as configuration on the next scan.
func TestScanOwnOutputE2E(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "app.py"), []byte("from openai import OpenAI\nc = OpenAI()\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"ai.yaml", "ai.json"} {
		if _, stderr, code := runScanE2E(t, nil, "scan", dir, "-o", filepath.Join(dir, name)); code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
	}
	_, stderr, code := runScanE2E(t, nil, "scan", dir)
	if code != 0 || !strings.Contains(stderr, "1 call of 1 service") || !strings.Contains(stderr, "skipped 2: written by sovmap") {
		t.Errorf("exit %d: %s", code, stderr)
	}
}

// TestScanBadInputE2E: a broken rules file names its line and column, and
// usage mistakes exit 2.
func TestScanBadInputE2E(t *testing.T) {
	dir := t.TempDir()
	rules := filepath.Join(dir, "rules.yaml")
	if err := os.WriteFile(rules, []byte("version: 1\nrules:\n  - {id: x, service: nope, files: [python], match: 'a('}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, stderr, code := runScanE2E(t, nil, "scan", "scan/testdata/demo", "--rules", rules)
	if code != 2 || !strings.Contains(stderr, rules+":3:5: rule x: unknown service \"nope\"") || !strings.Contains(stderr, "missing closing )") {
		t.Errorf("exit %d, stderr:\n%s", code, stderr)
	}
	for _, args := range [][]string{
		{"scan", "scan/testdata/demo", "--format", "html"},
		{"scan", "README.md"},
		{"scan"},
		{"scan", "scan/testdata/no-such-dir"},
	} {
		if _, stderr, code := runScanE2E(t, nil, args...); code != 2 {
			t.Errorf("%v: exit %d, want 2: %s", args, code, stderr)
		}
	}
}

// TestScanProgressE2E: --progress writes whole lines when the terminal is
// dumb (or stderr is not a terminal), never a carriage return.
func TestScanProgressE2E(t *testing.T) {
	_, stderr, code := runScanE2E(t, []string{"TERM=dumb", "NO_COLOR=1"}, "scan", "scan/testdata/corpus", "--progress", "-o", filepath.Join(t.TempDir(), "x.yaml"))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stderr, "scanning scan/testdata/corpus: ") || strings.ContainsAny(stderr, "\r\x1b") {
		t.Errorf("progress on stderr: %q", stderr)
	}
}
