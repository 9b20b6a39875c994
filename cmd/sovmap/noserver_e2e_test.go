package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestNoServerBuild: the build the README's first command makes
// (-tags noserver) leaves the server and its databases out, as `go list`
// sees the dependencies, still assesses an example as the whole binary
// does, and says how to get the server when asked for it.
func TestNoServerBuild(t *testing.T) {
	deps, err := exec.Command("go", "list", "-tags", "noserver", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, pkg := range strings.Fields(string(deps)) {
		for _, heavy := range []string{"github.com/sovmap/sovmap/server", "github.com/sovmap/sovmap/store", "modernc.org/sqlite", "github.com/jackc/pgx"} {
			if pkg == heavy || strings.HasPrefix(pkg, heavy+"/") {
				t.Errorf("the noserver build compiles %s", pkg)
			}
		}
	}
	bin := filepath.Join(t.TempDir(), "sovmap")
	if out, err := exec.Command("go", "build", "-tags", "noserver", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build -tags noserver: %v\n%s", err, out)
	}
	run := func(args ...string) (string, string, int) {
		cmd := exec.Command(bin, args...)
		cmd.Dir = repoRoot(t)
		var stdout, stderr strings.Builder
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return stdout.String(), stderr.String(), code
	}
	got, _, code := run("assess", "examples/hospital-group")
	want, _, wantCode := runAtRoot(t, "assess", "examples/hospital-group")
	if got != want || code != wantCode {
		t.Errorf("the noserver build's assessment (exit %d) differs from the whole binary's (exit %d)", code, wantCode)
	}
	for _, name := range []string{"serve", "admin"} {
		db := filepath.Join(t.TempDir(), "x.db")
		_, stderr, code := run(name, "--db", db)
		if code == 0 || !strings.Contains(stderr, "go build ./cmd/sovmap") {
			t.Errorf("sovmap %s in the noserver build: exit %d, %q", name, code, stderr)
		}
		if _, err := os.Stat(db); err == nil {
			t.Errorf("sovmap %s in the noserver build created a database", name)
		}
	}
}
