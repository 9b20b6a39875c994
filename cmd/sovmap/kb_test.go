package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The golden files are rewritten with: go test ./cmd/sovmap -run TestKBGolden -update
// The flag is looked up rather than declared so that other test files of
// this package may declare it too.
func init() {
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite the golden files")
	}
}

func updating() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

// on pins the day so that export controls and staleness do not depend on
// when the tests run.
const on = "--on=2026-11-26"

func runCLI(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), args, strings.NewReader(""), &out, &errb)
	return out.String(), errb.String(), code
}

func TestKBGolden(t *testing.T) {
	overlay := filepath.Join("testdata", "kb", "overlay")
	tests := []struct {
		golden string
		args   []string
	}{
		{"jurisdiction-us.txt", []string{"kb", "jurisdiction", "US", on}},
		{"jurisdiction-cn.json", []string{"kb", "jurisdiction", "cn", on, "--format", "json"}},
		{"jurisdiction-eu.txt", []string{"kb", "jurisdiction", "EU", on}},
		{"jurisdiction-de-2025-03.txt", []string{"kb", "jurisdiction", "DE", "--on", "2025-03-01"}},
		{"region-aws-eu-central-1.txt", []string{"kb", "region", "aws:eu-central-1"}},
		{"region-aws-eu-central-1.json", []string{"kb", "region", "aws:eu-central-1", "--format", "json"}},
		{"region-aws-eusc.txt", []string{"kb", "region", "aws:eusc-de-east-1"}},
		{"provider-microsoft.txt", []string{"kb", "provider", "microsoft"}},
		{"provider-exoscale.txt", []string{"kb", "provider", "exoscale"}},
		{"provider-bleu.json", []string{"kb", "provider", "bleu", "--format", "json"}},
		{"scheme-secnumcloud.txt", []string{"kb", "scheme", "secnumcloud"}},
		{"scheme-iso27001.json", []string{"kb", "scheme", "ISO/IEC 27001", "--format", "json"}},
		{"law-us-cloud-act.txt", []string{"kb", "law", "us-cloud-act"}},
		{"search-frankfurt.txt", []string{"kb", "search", "frankfurt", "--kind", "region"}},
		{"search-cloud-act.json", []string{"kb", "search", "cloud", "act", "--kind", "law", "--format", "json"}},
		{"overlay-provider.txt", []string{"kb", "provider", "acme-cloud", "--kb", overlay}},
		{"overlay-region.json", []string{"kb", "region", "acme:muc1", "--kb", overlay, "--format", "json"}},
		{"overlay-stale.txt", []string{"kb", "stale", "--older-than", "365d", "--kb", overlay, on}},
		{"overlay-stale.json", []string{"kb", "stale", "--older-than", "52w", "--kb", overlay, on, "--format", "json"}},
		{"check.txt", []string{"kb", "check", "--kb", overlay}},
	}
	for _, tt := range tests {
		t.Run(tt.golden, func(t *testing.T) {
			out, errOut, code := runCLI(t, tt.args...)
			if code != 0 {
				t.Fatalf("exit %d, stderr %s", code, errOut)
			}
			path := filepath.Join("testdata", "kb", tt.golden)
			if updating() {
				if err := os.WriteFile(path, []byte(out), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if out != string(want) {
				t.Errorf("output differs from %s (run with -update after checking the change):\n%s", path, out)
			}
			if strings.HasSuffix(tt.golden, ".json") && !json.Valid([]byte(out)) {
				t.Errorf("%s is not valid JSON", tt.golden)
			}
		})
	}
}

func TestKBErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
		want string // substring of stderr
	}{
		{"unknown region", []string{"kb", "region", "aws:mars-1"}, 2, `sovmap: unknown region "aws:mars-1"`},
		{"region without cloud", []string{"kb", "region", "eu-central-1"}, 2, "write it cloud:region"},
		{"unknown provider suggests", []string{"kb", "provider", "microsof"}, 2, "did you mean microsoft"},
		{"unknown scheme", []string{"kb", "scheme", "nope"}, 2, `unknown scheme "nope"`},
		{"unknown jurisdiction", []string{"kb", "jurisdiction", "XX"}, 2, `unknown country "XX"`},
		{"unknown law", []string{"kb", "law", "xx-law"}, 2, `unknown law "xx-law"`},
		{"bad format", []string{"kb", "region", "aws:eu-central-1", "--format", "xml"}, 2, `--format "xml"`},
		{"bad date", []string{"kb", "jurisdiction", "US", "--on", "tomorrow"}, 2, `--on "tomorrow"`},
		{"bad age", []string{"kb", "stale", "--older-than", "a year"}, 2, "--older-than"},
		{"missing argument", []string{"kb", "region"}, 2, "accepts 1 arg"},
		{"stale with --fail", []string{"kb", "stale", "--older-than", "365d", "--kb", "testdata/kb/overlay", on, "--fail"}, 1, "entries checked before 2025-11-26"},
	}
	broken := t.TempDir()
	tests = append(tests, struct {
		name string
		args []string
		code int
		want string
	}{"broken overlay", []string{"kb", "provider", "sap", "--kb", broken}, 2, `broken.yaml:4:5: provider x: country "QQ"`})
	if err := os.WriteFile(filepath.Join(broken, "broken.yaml"), []byte("sources: [x]\nchecked: 2026-01-01\nproviders:\n  - {id: x, name: X, country: QQ}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, errOut, code := runCLI(t, tt.args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d (stderr %q)", code, tt.code, errOut)
			}
			if !strings.Contains(errOut, tt.want) {
				t.Errorf("stderr %q does not contain %q", errOut, tt.want)
			}
		})
	}
}

func TestParseAge(t *testing.T) {
	for in, want := range map[string]float64{"365d": 365 * 24, "2w": 14 * 24, "720h": 720, "0d": 0} {
		d, err := parseAge(in)
		if err != nil || d.Hours() != want {
			t.Errorf("parseAge(%q) = %v, %v; want %vh", in, d, err, want)
		}
	}
	for _, bad := range []string{"", "d", "-3d", "1y", "x7d"} {
		if _, err := parseAge(bad); err == nil {
			t.Errorf("parseAge(%q) succeeded", bad)
		}
	}
}

// TestKBBinary builds sovmap and runs it as a user would, checking the
// JSON contract for a region and the exit code for an unknown one.
func TestKBBinary(t *testing.T) {
	bin := e2eBin // built once by TestMain
	out, err := exec.Command(bin, "kb", "region", "aws:eu-central-1", "--format", "json").Output()
	if err != nil {
		t.Fatalf("kb region: %v", err)
	}
	var region map[string]any
	if err := json.Unmarshal(out, &region); err != nil {
		t.Fatalf("kb region output is not JSON: %v\n%s", err, out)
	}
	for key, want := range map[string]any{"id": "aws:eu-central-1", "provider": "aws", "country": "DE", "checked": "2026-11-26"} {
		if region[key] != want {
			t.Errorf("%s = %v, want %v", key, region[key], want)
		}
	}
	if srcs, _ := region["sources"].([]any); len(srcs) == 0 {
		t.Errorf("sources = %v, want at least one", region["sources"])
	}
	cmd := exec.Command(bin, "kb", "provider", "no-such-provider")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err = cmd.Run()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 2 {
		t.Errorf("unknown provider: err %v, want exit 2", err)
	}
	if !strings.Contains(stderr.String(), `unknown provider "no-such-provider"`) {
		t.Errorf("stderr %q", stderr.String())
	}
}
