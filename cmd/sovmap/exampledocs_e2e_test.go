package main

import (
	"path/filepath"
	"testing"

	goldenfile "github.com/sovmap/sovmap/internal/golden"
)

// TestExampleDocuments runs the binary for the documents the bank and
// hospital examples carry (their transfer policy, a comparison of their
// main vendors) and for the CLI output the server's vendor pages are
// tested against, and checks each against its committed file: a change of
// the engines shows there, to review (go test ./cmd/sovmap -run
// TestExampleDocuments -update rewrites them).
func TestExampleDocuments(t *testing.T) {
	root := filepath.Join("..", "..")
	docs := []struct {
		file string
		args []string
	}{
		{"examples/bank-dora/policy.md", []string{"policy", "examples/bank-dora"}},
		{"examples/bank-dora/policy.html", []string{"policy", "examples/bank-dora", "--format", "html"}},
		{"examples/bank-dora/vendor-comparison.md", []string{"vendors", "compare", "examples/bank-dora", "gcp-france", "s3ns", "mistral", "--format", "markdown"}},
		{"examples/hospital-group/policy.md", []string{"policy", "examples/hospital-group"}},
		{"examples/hospital-group/policy.html", []string{"policy", "examples/hospital-group", "--format", "html"}},
		{"examples/hospital-group/vendor-comparison.md", []string{"vendors", "compare", "examples/hospital-group", "stackit", "aws-emea", "openai-ireland", "--format", "markdown"}},
		{"server/testdata/hospital-vendors.json", []string{"vendors", "examples/hospital-group", "--format", "json"}},
		{"server/testdata/hospital-compare.json", []string{"vendors", "compare", "examples/hospital-group", "stackit", "aws-emea", "openai-ireland", "--format", "json"}},
	}
	for _, d := range docs {
		t.Run(d.file, func(t *testing.T) {
			stdout, stderr, code := runAtRoot(t, d.args...)
			if code != 0 || stderr != "" {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			goldenfile.Check(t, filepath.Join(root, d.file), []byte(stdout))
		})
	}
}
