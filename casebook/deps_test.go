package casebook_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// trackSources reads the status of every source and data file the built
// binary is made of. The cases run that binary, which go test cannot see;
// touching its sources here makes go test's cache depend on them, so a
// change to the engine or the knowledge base reruns the casebook instead
// of reporting a cached pass.
func trackSources(t *testing.T) {
	t.Helper()
	root := filepath.Join("..")
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			switch d.Name() {
			case ".git", "testdata", "casebook", "node_modules":
				return filepath.SkipDir
			}
			return nil
		}
		if strings.HasSuffix(path, ".go") || strings.HasSuffix(path, ".yaml") || strings.HasSuffix(path, ".tmpl") || path == filepath.Join(root, "go.mod") {
			_, err := os.Stat(path) // os.Stat is what go test's cache records
			return err
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
