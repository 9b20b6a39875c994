// Package scan finds the hosted and self-hosted AI services that an
// organization's code and configuration call (OpenAI, Azure OpenAI, AWS
// Bedrock, Google Vertex AI and the Gemini API, Anthropic, Mistral, Cohere,
// Hugging Face, Ollama, vLLM, TGI, directly or through LangChain, LlamaIndex
// and LiteLLM), and turns them into an inventory fragment: one component
// per service and location, one flow from each calling application, each
// with its evidence (file:line). It also writes the findings as SARIF.
//
// The detection rules are data (rules.yaml, embedded), which an
// organization extends with its own file; see docs/scan.md.
package scan

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"

	"github.com/sovmap/sovmap/internal/fanout"
)

// MaxFileSize is the default size above which a file is skipped: generated
// bundles and data dumps are not where applications call services.
const MaxFileSize = 1 << 20

// skipDirs are directories never entered: version control, dependencies
// vendored or installed, virtual environments and build caches. Their
// calls are other people's code.
var skipDirs = map[string]bool{
	".git": true, ".hg": true, ".svn": true, "node_modules": true, "vendor": true, "third_party": true,
	".venv": true, "venv": true, "site-packages": true, "__pycache__": true, ".tox": true, ".mypy_cache": true,
	"bower_components": true, ".next": true, ".nuxt": true, "dist": true, ".terraform": true, ".gradle": true,
	"obj": true, "target": true, "build": true,
}

// manifests mark the root of an application: the calls in the files below
// one are that application's.
var manifests = map[string]bool{
	"go.mod": true, "package.json": true, "pyproject.toml": true, "setup.py": true, "requirements.txt": true,
	"Pipfile": true, "pom.xml": true, "build.gradle": true, "build.gradle.kts": true,
}

// ownHeader starts the YAML files sovmap writes and ownTag is in every
// fragment the scan writes (JSON has no comments): the scan skips such
// files, since its own output names the services it found.
var (
	ownHeader = []byte("# Written by `sovmap")
	ownTag    = []byte(`scan.evidence`)
)

// Options tune a scan. Rules is required.
type Options struct {
	Rules *Rules
	// App names the application at the root of the scanned directory; the
	// directory's name when empty.
	App string
	// MaxFileSize overrides MaxFileSize when positive.
	MaxFileSize int64
	// Progress, when set, is told how many files of how many were read.
	Progress func(done, total int)
	// Workers bounds the parallel readers (GOMAXPROCS when 0).
	Workers int
}

// Result is what a scan found.
type Result struct {
	// Root is the scanned directory, as given.
	Root     string
	Findings []Finding
	// Apps are the calling applications, by name, with their directory
	// relative to Root ("." for the root).
	Apps map[string]string
	// Warnings are what the scan could not resolve, such as a region
	// named differently in two places.
	Warnings []string
	// Files counts the files read; Skipped the files left out, by reason.
	Files   int
	Skipped map[string]int
}

// Scan walks root and finds the calls of AI services in its files. The walk
// skips the directories in skipDirs, binary files and files over the size
// limit (counted in Result.Skipped); it reads files on several cores and
// returns the findings in path and line order.
func Scan(ctx context.Context, root string, opts Options) (*Result, error) {
	if opts.Rules == nil {
		return nil, fmt.Errorf("scan: no rules")
	}
	st, err := os.Stat(root)
	if err != nil {
		return nil, err
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("%s is not a directory: give the directory to scan", root)
	}
	limit := opts.MaxFileSize
	if limit <= 0 {
		limit = MaxFileSize
	}
	res := &Result{Root: root, Skipped: map[string]int{}, Apps: map[string]string{}}
	type entry struct {
		rel, kind string
	}
	var files []entry
	appDirs := map[string]bool{".": true}
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			res.Warnings = append(res.Warnings, fmt.Sprintf("%s: %v (skipped)", p, err))
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if rel != "." && skipDirs[d.Name()] {
				res.Skipped["directory "+d.Name()]++
				return fs.SkipDir
			}
			return nil
		}
		if manifests[d.Name()] || strings.HasSuffix(d.Name(), ".csproj") {
			appDirs[path.Dir(rel)] = true
		}
		if !d.Type().IsRegular() {
			return nil
		}
		kind := KindOf(d.Name())
		if kind == "" {
			return nil
		}
		files = append(files, entry{rel, kind})
		return nil
	})
	if err != nil {
		return nil, err
	}

	results := make([]*fileResult, len(files))
	skipped := make([]string, len(files))
	var done atomic.Int64
	err = fanout.Jobs(ctx, len(files), opts.Workers, func() func(int) {
		return func(i int) {
			f := files[i]
			data, why := readFile(filepath.Join(root, filepath.FromSlash(f.rel)), limit)
			if why != "" {
				skipped[i] = why
			} else {
				fr := opts.Rules.detect(f.kind, f.rel, data)
				results[i] = &fr
			}
			if opts.Progress != nil {
				opts.Progress(int(done.Add(1)), len(files))
			}
		}
	})
	if err != nil {
		return nil, err
	}

	rootName := opts.App
	if rootName == "" {
		if abs, err := filepath.Abs(root); err == nil {
			rootName = filepath.Base(abs)
		}
	}
	// appOf returns the application a file belongs to and its directory.
	appOf := func(rel string) (name, dir string) {
		for dir = path.Dir(rel); ; dir = path.Dir(dir) {
			if appDirs[dir] {
				if dir == "." {
					return rootName, dir
				}
				return dir, dir
			}
		}
	}
	appName := func(rel string) string {
		name, _ := appOf(rel)
		return name
	}
	// Regions the applications' configuration gives, by app and service.
	config := map[[2]string]map[string][]string{}
	// Endpoints the applications' configuration names, likewise: a call
	// that reads its endpoint from the environment (azure_endpoint=
	// os.environ[...]) is given the one its application's .env names.
	endpoints := map[[2]string]map[string][]string{}
	for i, fr := range results {
		if fr == nil {
			res.Skipped[skipped[i]]++
			continue
		}
		res.Files++
		for _, c := range fr.config {
			key := [2]string{appName(files[i].rel), c.service}
			if config[key] == nil {
				config[key] = map[string][]string{}
			}
			config[key][c.value] = append(config[key][c.value], fmt.Sprintf("%s:%d", files[i].rel, c.line))
		}
		if !isCode(files[i].kind) {
			for _, f := range fr.findings {
				if f.Endpoint == "" {
					continue
				}
				key := [2]string{appName(files[i].rel), f.Service}
				if endpoints[key] == nil {
					endpoints[key] = map[string][]string{}
				}
				endpoints[key][f.Endpoint] = append(endpoints[key][f.Endpoint], fmt.Sprintf("%s:%d", f.File, f.Line))
			}
		}
		for svc, values := range fr.ambiguous {
			res.Warnings = append(res.Warnings, fmt.Sprintf("%s: the region of %s is named as %s in this file; no region taken from it", files[i].rel, svc, strings.Join(values, " and ")))
		}
	}
	for i, fr := range results {
		if fr == nil {
			continue
		}
		for _, f := range fr.findings {
			var dir string
			f.App, dir = appOf(files[i].rel)
			// Only applications that call something become components.
			res.Apps[f.App] = dir
			if f.Region == "" {
				values := config[[2]string{f.App, f.Service}]
				switch len(values) {
				case 1:
					for v := range values {
						f.Region, f.RegionVia = v, viaConfig
					}
				case 0:
				default:
					res.Warnings = append(res.Warnings, fmt.Sprintf("%s:%d: %s: the configuration of %s gives several regions (%s); none taken", f.File, f.Line, f.Service, f.App, describe(values)))
				}
			}
			if f.Endpoint == "" {
				if values := endpoints[[2]string{f.App, f.Service}]; len(values) == 1 {
					for v := range values {
						f.Endpoint = v
					}
				}
			}
			res.Findings = append(res.Findings, f)
		}
	}
	delete(res.Skipped, "")
	return res, nil
}

func describe(values map[string][]string) string {
	keys := sortedKeys(values)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s at %s", k, strings.Join(values[k], ", "))
	}
	return strings.Join(parts, "; ")
}

// readFile reads a file for scanning, or says why it is skipped: too
// large, binary (a NUL byte in its first 8 KiB), unreadable, or written by
// sovmap.
func readFile(name string, limit int64) ([]byte, string) {
	f, err := os.Open(name)
	if err != nil {
		return nil, "unreadable"
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	switch {
	case err != nil:
		return nil, "unreadable"
	case int64(len(data)) > limit:
		return nil, fmt.Sprintf("larger than %d bytes", limit)
	case bytes.IndexByte(data[:min(len(data), 8<<10)], 0) >= 0:
		return nil, "binary"
	case bytes.HasPrefix(data, ownHeader) || bytes.Contains(data, ownTag):
		return nil, "written by sovmap"
	}
	return data, ""
}

// KindOf returns the kind of file a name is, as rules name them, or "" for
// a file the scan does not read.
func KindOf(name string) string {
	lower := strings.ToLower(name)
	switch {
	case lower == ".env" || strings.HasPrefix(lower, ".env.") || strings.HasSuffix(lower, ".env"):
		return "env"
	}
	switch path.Ext(lower) {
	case ".py":
		return "python"
	case ".js", ".mjs", ".cjs", ".jsx", ".ts", ".mts", ".cts", ".tsx":
		return "javascript"
	case ".go":
		return "go"
	case ".java":
		return "java"
	case ".cs":
		return "csharp"
	case ".yaml", ".yml":
		return "yaml"
	case ".json":
		if lower == "package-lock.json" || strings.HasSuffix(lower, ".lock.json") {
			return ""
		}
		return "json"
	case ".properties":
		return "properties"
	}
	return ""
}

// Services returns the ids of the services found, sorted.
func (r *Result) Services() []string {
	var out []string
	for _, f := range r.Findings {
		if !slices.Contains(out, f.Service) {
			out = append(out, f.Service)
		}
	}
	slices.Sort(out)
	return out
}
