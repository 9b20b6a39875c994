package inventory_test

import (
	"context"
	"errors"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/sovmap/sovmap/inventory"
)

// mapFS builds a file system of files (markers removed).
func mapFS(files map[string]string) fstest.MapFS {
	m := fstest.MapFS{}
	for name, src := range files {
		clean, _, _ := marked(src)
		m[name] = &fstest.MapFile{Data: []byte(clean), Mode: 0o444}
	}
	return m
}

// TestLoadFS loads a directory tree held in memory: files are found and
// merged as on disk, and positions name files by their names in the file
// system, nothing else.
func TestLoadFS(t *testing.T) {
	files := map[string]string{
		"00-org.yaml":        head,
		"team-a/a.yaml":      "components:\n  - «{id: a, layer: storage, depends_on: [b]}\n",
		"team-b/b.json":      `{"components": [«{"id": "b", "layer": "storage"}]}`,
		".hidden/x.yaml":     "not: [valid",
		"team-b/.swap.yaml":  "nor: [this",
		"team-b/README.md":   "# team b",
		"elsewhere/c.yml":    "components:\n  - {id: c, layer: storage}\n",
		"elsewhere/bad.json": "{",
	}
	fsys := mapFS(files)
	ctx := context.Background()
	inv, err := inventory.LoadFS(ctx, knowledge(t), fsys, "00-org.yaml", "team-a", "team-b", "team-a/a.yaml", "./team-b")
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, c := range inv.Components {
		ids = append(ids, c.ID)
	}
	if got := strings.Join(ids, " "); got != "a b" {
		t.Errorf("components %s, want a b (each file read once)", got)
	}
	if got, want := inv.Components[0].Pos.String(), posIn(t, "team-a/a.yaml", files["team-a/a.yaml"], 0); got != want {
		t.Errorf("a at %s, want %s", got, want)
	}
	if got, want := inv.Components[1].Pos.String(), posIn(t, "team-b/b.json", files["team-b/b.json"], 0); got != want {
		t.Errorf("b at %s, want %s", got, want)
	}

	// No names: the whole file system, here with a broken file.
	_, err = inventory.LoadFS(ctx, knowledge(t), fsys)
	sameLines(t, problems(t, err), []string{"elsewhere/bad.json:1:2: malformed JSON: unexpected EOF"})

	// Problems name the files as the file system does.
	delete(fsys, "elsewhere/bad.json")
	fsys["team-c/dup.yaml"] = &fstest.MapFile{Data: []byte("components:\n  - {id: a, layer: storage, data: [health]}\n")}
	_, err = inventory.LoadFS(ctx, knowledge(t), fsys, ".")
	sameLines(t, problems(t, err), []string{
		`team-c/dup.yaml:2:10: duplicate component id "a" (first at team-a/a.yaml:2:5)`,
		`team-c/dup.yaml:2:36: component a: unknown data class "health" (did you mean "personal.health"?): use classified, personal, confidential, internal, public or a class below them, or declare it under organization.data_classes`,
	})

	// A name that is not there is an I/O error, not a content problem.
	_, err = inventory.LoadFS(ctx, knowledge(t), fsys, "nothing.yaml")
	var ie *inventory.Error
	if !errors.Is(err, fs.ErrNotExist) || errors.As(err, &ie) {
		t.Errorf("missing name: %v", err)
	}
}

// TestLoadFSLimits: the size and count limits hold for a file system too.
func TestLoadFSLimits(t *testing.T) {
	fsys := fstest.MapFS{
		"org.yaml":   {Data: []byte(head + "components: []\n")},
		"big.yaml":   {Data: []byte("components: []\n" + strings.Repeat("# padding\n", 20))},
		"other.yaml": {Data: []byte("components: []\n")},
	}
	l := &inventory.Loader{KB: knowledge(t), MaxYAMLBytes: 100}
	_, err := l.LoadFS(context.Background(), fsys, ".")
	sameLines(t, problems(t, err), []string{"big.yaml: file is 215 bytes, over the limit of 100 bytes for this format (split it into a directory of files, or use JSON for very large inventories)"})
	l = &inventory.Loader{KB: knowledge(t), MaxFiles: 2}
	if _, err := l.LoadFS(context.Background(), fsys, "."); err == nil || !strings.Contains(err.Error(), "3 inventory files is more than the limit of 2") {
		t.Errorf("file limit: %v", err)
	}
}
