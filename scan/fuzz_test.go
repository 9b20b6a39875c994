package scan

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
)

// FuzzLoadRules parses arbitrary rules files: an error names the file and a
// position, and nothing panics.
//
//	go test ./scan -run '^$' -fuzz FuzzLoadRules -fuzztime 60s
func FuzzLoadRules(f *testing.F) {
	f.Add(defaultRules)
	f.Add([]byte("version: 1\nrules:\n  - {id: x, service: openai, files: [go], match: 'a('}\n"))
	f.Add([]byte("version: 1\nservices: [{id: a, name: b, provider: c, region_patterns: ['(x)']}]\n"))
	f.Add([]byte("a: &x [*x, *x]\n"))
	base := mustDefault(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := LoadRules(base, "fuzz.yaml", data)
		if err != nil {
			if !strings.Contains(err.Error(), "fuzz.yaml:") && !strings.Contains(err.Error(), "scan/rules.yaml:") && !strings.Contains(err.Error(), "the rules define no service") {
				t.Fatalf("error without a position: %v", err)
			}
			return
		}
		// Accepted rules must scan without trouble.
		r.detect("python", "x.py", data)
	})
}

// FuzzDetect runs the default rules over arbitrary text of every kind: no
// panic, and every finding is on a line of the input with a known service.
//
//	go test ./scan -run '^$' -fuzz FuzzDetect -fuzztime 60s
func FuzzDetect(f *testing.F) {
	for _, name := range []string{"python/litellm_calls.py", "go/go_openai_azure.go", "config/litellm/config.yaml", "javascript/azure_via_openai.ts"} {
		data, err := os.ReadFile("testdata/corpus/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("x = OpenAI(\n(((((\"'`\\"))
	f.Add([]byte("\"\"\"\nOpenAI(\n"))
	r := mustDefault(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		lines := len(splitLines(data))
		for _, kind := range Kinds {
			res := r.detect(kind, "f", data)
			for _, fd := range res.findings {
				if fd.Line < 1 || fd.Line > lines || fd.Col < 1 {
					t.Fatalf("%s: finding at %d:%d of %d lines", kind, fd.Line, fd.Col, lines)
				}
				if _, ok := r.Service(fd.Service); !ok {
					t.Fatalf("%s: unknown service %q", kind, fd.Service)
				}
			}
		}
	})
}

// BenchmarkDetectLargeFile runs the default rules over a 10,000-line file
// of calls, the shape that made an earlier version quadratic.
//
//	go test ./scan -run '^$' -bench DetectLargeFile -benchmem
func BenchmarkDetectLargeFile(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("package main\n\nimport openai \"github.com/sashabaranov/go-openai\"\n")
	for i := range 10000 {
		if i%2 == 0 {
			sb.WriteString("\tc := openai.NewClientWithConfig(cfg) // http://localhost:11434\n")
		} else {
			sb.WriteString("\tcfg.BaseURL = \"http://localhost:11434/v1\"\n")
		}
	}
	data := []byte(sb.String())
	r := mustDefault(b)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		r.detect("go", "big.go", data)
	}
}

// BenchmarkScanTree scans a tree of 5,000 files (one in ten calls a
// service, the rest are ordinary code), the shape of a large monorepo.
//
//	go test ./scan -run '^$' -bench ScanTree -benchmem
func BenchmarkScanTree(b *testing.B) {
	root := b.TempDir()
	ordinary := strings.Repeat("def handler(event):\n    total = sum(x['amount'] for x in event['items'])\n    return {'total': total}\n", 40)
	for i := range 5000 {
		dir := fmt.Sprintf("%s/svc%02d/pkg%03d", root, i%50, i%500)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			b.Fatal(err)
		}
		body := ordinary
		if i%10 == 0 {
			body += "from openai import OpenAI\nclient = OpenAI()\n"
		}
		if err := os.WriteFile(fmt.Sprintf("%s/f%d.py", dir, i), []byte(body), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	rules := mustDefault(b)
	b.ResetTimer()
	for b.Loop() {
		res, err := Scan(context.Background(), root, Options{Rules: rules})
		if err != nil || len(res.Findings) != 500 {
			b.Fatalf("%v, %d findings", err, len(res.Findings))
		}
	}
}
