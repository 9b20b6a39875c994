package inventory_test

import (
	"context"
	"errors"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/inventory"
)

func load(t *testing.T, paths ...string) (*sovmap.Inventory, error) {
	t.Helper()
	return inventory.Load(context.Background(), knowledge(t), paths...)
}

// posIn returns "path:line:col" of the n-th « marker of a test file.
func posIn(t *testing.T, path, src string, n int) string {
	t.Helper()
	_, at, _ := marked(src)
	if n >= len(at) {
		t.Fatalf("%s has %d markers, want marker %d", path, len(at), n)
	}
	return path + ":" + at[n]
}

func TestLoadDirectoryMerges(t *testing.T) {
	files := map[string]string{
		"00-org.yaml": head + `providers:
  - {id: acme, name: Acme Cloud, country: DE, parent: acme-holding}
`,
		"holding/providers.yml": `providers:
  - {id: acme-holding, country: DE}
`,
		"team-a/compute.yaml": `components:
  - «id: train
    layer: compute
    provider: acme
    depends_on: [store, {id: model, kind: supply}]
`,
		"team-b/storage.json": `{"components": [
  «{"id": "store", "layer": "storage", "provider": "aws-emea", "locations": ["aws:eu-central-1"]},
  {"id": "model", "layer": "model"}
],
"flows": [{"id": "f", "from": "store", "to": "train", "data": ["personal"]}]}
`,
		// Hidden files and directories and other extensions are not inventory files.
		".hidden/broken.yaml": "this: [is not valid",
		".editor-swap.yaml":   "nor: [this",
		"README.md":           "# teams",
		"notes.txt":           "{",
	}
	dir := writeTree(t, files)
	inv, err := load(t, dir)
	if err != nil {
		t.Fatal(err)
	}
	if inv.Organization.Name != "Acme" || inv.Organization.Home != "DE" || inv.Version != 1 {
		t.Errorf("organization = %+v, version %d", inv.Organization, inv.Version)
	}
	var ids []string
	for _, c := range inv.Components {
		ids = append(ids, c.ID)
	}
	// Files are read in path order: team-a before team-b.
	if got := strings.Join(ids, " "); got != "train store model" {
		t.Errorf("components = %s, want train store model", got)
	}
	if got := inv.Components[0].Pos.String(); got != posIn(t, filepath.Join(dir, "team-a/compute.yaml"), files["team-a/compute.yaml"], 0) {
		t.Errorf("train at %s", got)
	}
	if got := inv.Components[1].Pos.String(); got != posIn(t, filepath.Join(dir, "team-b/storage.json"), files["team-b/storage.json"], 0) {
		t.Errorf("store at %s", got)
	}
	if d := inv.Components[0].DependsOn; len(d) != 2 || d[0].ID != "store" || d[0].Kind != sovmap.Runtime || d[1].Kind != sovmap.Supply {
		t.Errorf("depends_on = %+v", d)
	}
	if len(inv.Providers) != 2 || len(inv.Flows) != 1 {
		t.Errorf("%d providers, %d flows; want 2 and 1", len(inv.Providers), len(inv.Flows))
	}
}

func TestLoadSeveralPaths(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"org.yaml":        head,
		"teams/a.yaml":    "components:\n  - {id: a, layer: storage, depends_on: [b]}\n",
		"elsewhere/b.yml": "components:\n  - {id: b, layer: storage}\n",
	})
	// Files named more than once (directly, through another spelling, through
	// their directory) are read once.
	inv, err := load(t, filepath.Join(dir, "org.yaml"), filepath.Join(dir, "teams"), filepath.Join(dir, "elsewhere/b.yml"), dir+"/./org.yaml", dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(inv.Components) != 2 {
		t.Errorf("%d components, want 2", len(inv.Components))
	}
}

func TestLoadDirectoryErrors(t *testing.T) {
	type file struct{ name, src string }
	cases := []struct {
		name  string
		files []file
		// want builds the expected problems from the files' markers:
		// pos(i, n) is the n-th marker of file i.
		want func(pos func(i, n int) string, dir string) []string
	}{
		{"duplicate component id across files", []file{
			{"a.yaml", head + "components:\n  - «{id: db, layer: storage}\n"},
			{"b.yaml", "components:\n  - {id: x, layer: storage}\n  - {id: «db, layer: storage}\n"},
		}, func(pos func(i, n int) string, dir string) []string {
			return []string{pos(1, 0) + `: duplicate component id "db" (first at ` + pos(0, 0) + ")"}
		}},
		{"duplicate provider id across files", []file{
			{"a.yaml", head + "providers:\n  - «{id: p, country: DE}\ncomponents: []\n"},
			{"b.json", `{"providers": [{"id": «"p", "country": "FR"}]}`},
		}, func(pos func(i, n int) string, dir string) []string {
			return []string{pos(1, 0) + `: duplicate provider id "p" (first at ` + pos(0, 0) + ")"}
		}},
		{"organization given twice", []file{
			{"a.yaml", head + "components: []\n"},
			{"b.yaml", "organization: «{name: Other, home: FR}\n"},
		}, func(pos func(i, n int) string, dir string) []string {
			return []string{pos(1, 0) + ": organization is already given in " + filepath.Join(dir, "a.yaml") + "; give it in one file only"}
		}},
		{"no organization in any file", []file{
			{"a.yaml", "«components: []\n"},
			{"b.yaml", "components: []\n"},
		}, func(pos func(i, n int) string, dir string) []string {
			return []string{pos(0, 0) + ": no organization: one file must say organization: {name: ..., home: ...}"}
		}},
		{"version missing in the organization's file", []file{
			{"a.yaml", "components: []\n"},
			{"b.yaml", "«organization: {name: Acme, home: DE}\n"},
		}, func(pos func(i, n int) string, dir string) []string {
			return []string{pos(1, 0) + `: version is missing: start the file with "version: 1"`}
		}},
		{"unsupported version in a team file", []file{
			{"a.yaml", head},
			{"b.yaml", "version: «3\ncomponents: []\n"},
		}, func(pos func(i, n int) string, dir string) []string {
			return []string{pos(1, 0) + ": unsupported inventory version 3 (this sovmap reads version 1)"}
		}},
		{"decode problems of every file are reported", []file{
			{"a.yaml", head + "components:\n  - {id: a, «layr: storage}\n"},
			{"b.json", `{"components": [{"id": "b", "layer": "storage"«,}]}`},
			{"c.yaml", "components: [\n«"},
		}, func(pos func(i, n int) string, dir string) []string {
			return []string{
				pos(0, 0) + `: unknown field "layr" (did you mean "layer"?)`,
				pos(1, 0) + `: malformed JSON: invalid character ',' at start of value`,
				pos(2, 0) + `: malformed YAML: did not find expected node content`,
			}
		}},
		{"problems are located in the right file when files lack a kind", []file{
			{"a.yaml", head + "components:\n  - {id: a, layer: storage}\n"},
			{"b.yaml", "providers:\n  - {id: p, country: DE}\n"},
			{"c.yaml", "flows: []\n"},
			{"d.yaml", "components:\n  - {id: d, layer: storage}\n  - {id: e, layer: «nope, provider: «q}\n"},
		}, func(pos func(i, n int) string, dir string) []string {
			return []string{
				pos(3, 0) + `: component e: unknown layer "nope" (one of energy, facility, hardware, compute, storage, connectivity, platform, model, data, application, security, operations)`,
				pos(3, 1) + `: component e: unknown provider "q" (declare it under providers:, or use a provider of the knowledge base: sovmap kb search)`,
			}
		}},
		{"references resolve across files, in any order", []file{
			{"a.yaml", head + "components:\n  - {id: a, layer: storage, provider: p, depends_on: [b, «c]}\n"},
			{"b.yaml", "components:\n  - {id: b, layer: storage, provider: p}\nproviders:\n  - {id: p, parent: «ghost}\n"},
		}, func(pos func(i, n int) string, dir string) []string {
			return []string{
				pos(0, 0) + `: component a: depends on unknown component "c"`,
				pos(1, 0) + `: provider p: unknown parent "ghost" (not a provider of the inventory or the knowledge base)`,
			}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tree := map[string]string{}
			for _, f := range tc.files {
				tree[f.name] = f.src
			}
			dir := writeTree(t, tree)
			pos := func(i, n int) string { return posIn(t, filepath.Join(dir, tc.files[i].name), tc.files[i].src, n) }
			want := tc.want(pos, dir)
			_, err := load(t, dir)
			sameLines(t, problems(t, err), want)
		})
	}
}

func TestLoadPathErrors(t *testing.T) {
	dir := writeTree(t, map[string]string{"notes/readme.md": "# nothing"})
	if _, err := load(t); err == nil || err.Error() != "no inventory given" {
		t.Errorf("no paths: %v", err)
	}
	_, err := load(t, filepath.Join(dir, "notes"))
	if err == nil || !strings.HasSuffix(err.Error(), "notes: no .yaml, .yml or .json files found") {
		t.Errorf("empty directory: %v", err)
	}
	_, err = load(t, filepath.Join(dir, "missing.yaml"))
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file: %v, want a not-exist error", err)
	}
}

func TestSizeLimits(t *testing.T) {
	k := knowledge(t)
	ctx := context.Background()
	yamlSrc := head + "components:\n  - {id: a, layer: storage}\n"
	jsonSrc := `{"version": 1, "organization": {"name": "Acme", "home": "DE"}, "components": []}`
	dir := writeTree(t, map[string]string{"inv.yaml": yamlSrc, "inv.json": jsonSrc})

	tooLarge := func(size, limit int) string {
		return "file is " + strconv.Itoa(size) + " bytes, over the limit of " + strconv.Itoa(limit) + " bytes for this format (split it into a directory of files, or use JSON for very large inventories)"
	}
	cases := []struct {
		name   string
		loader inventory.Loader
		run    func(l *inventory.Loader) error
		want   string
	}{
		{"YAML file over the limit", inventory.Loader{KB: k, MaxYAMLBytes: 40}, func(l *inventory.Loader) error {
			_, err := l.Load(ctx, filepath.Join(dir, "inv.yaml"))
			return err
		}, filepath.Join(dir, "inv.yaml") + ": " + tooLarge(len(yamlSrc), 40)},
		{"JSON file over the limit", inventory.Loader{KB: k, MaxJSONBytes: 50}, func(l *inventory.Loader) error {
			_, err := l.Load(ctx, filepath.Join(dir, "inv.json"))
			return err
		}, filepath.Join(dir, "inv.json") + ": " + tooLarge(len(jsonSrc), 50)},
		{"YAML bytes over the limit", inventory.Loader{KB: k, MaxYAMLBytes: 40}, func(l *inventory.Loader) error {
			_, err := l.Decode(ctx, "upload.yaml", []byte(yamlSrc))
			return err
		}, "upload.yaml: " + tooLarge(len(yamlSrc), 40)},
		{"JSON limit does not apply to YAML", inventory.Loader{KB: k, MaxJSONBytes: 10}, func(l *inventory.Loader) error {
			_, err := l.Decode(ctx, "upload.yaml", []byte(yamlSrc))
			return err
		}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.run(&tc.loader)
			if tc.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			got := problems(t, err)
			sameLines(t, got, []string{tc.want})
		})
	}

	// The default YAML limit refuses a file before parsing it.
	big := make([]byte, inventory.DefaultMaxYAMLBytes+1)
	for i := range big {
		big[i] = ' '
	}
	_, err := inventory.Decode(ctx, k, "big.yml", big)
	sameLines(t, problems(t, err), []string{"big.yml: " + tooLarge(len(big), inventory.DefaultMaxYAMLBytes)})

	// Too many files.
	many := writeTree(t, map[string]string{"a.yaml": head, "b.yaml": "components: []\n", "c.yaml": "components: []\n"})
	l := inventory.Loader{KB: k, MaxFiles: 2}
	_, err = l.Load(ctx, many)
	if err == nil || err.Error() != "3 inventory files is more than the limit of 2" {
		t.Errorf("too many files: %v", err)
	}
}

func TestKnowledgeSection(t *testing.T) {
	src := head + `knowledge:
  providers:
    - {id: acme, name: Acme Cloud GmbH, country: DE}
  regions:
    - {id: "acme:fra-1", country: DE, provider: acme, sources: ["https://acme.example/regions"]}
components:
  - {id: a, layer: storage, provider: acme, locations: ["acme:fra-1"], operated_from: [DE]}
`
	inv, err := decode(t, "inv.yaml", src)
	if err != nil {
		t.Fatal(err)
	}
	base := knowledge(t)
	k, err := inventory.WithKnowledge(base, inv)
	if err != nil {
		t.Fatal(err)
	}
	if r, ok := k.Region("acme:fra-1"); !ok || r.Country != "DE" {
		t.Errorf("region from the knowledge section: %+v, %v", r, ok)
	}
	if _, ok := base.Region("acme:fra-1"); ok {
		t.Error("WithKnowledge changed the knowledge base it was given")
	}
	if k2, _ := inventory.WithKnowledge(base, &sovmap.Inventory{}); k2 != base {
		t.Error("without a knowledge section, WithKnowledge should return the same knowledge base")
	}

	// Sections of several files add up.
	dir := writeTree(t, map[string]string{
		"a.yaml": head + "knowledge:\n  providers:\n    - {id: acme, name: Acme, country: DE}\ncomponents:\n  - {id: a, layer: storage, locations: [\"acme:fra-1\", \"acme:ber-1\"]}\n",
		"b.yaml": "knowledge:\n  regions:\n    - {id: \"acme:fra-1\", country: DE, provider: acme}\n",
		"c.yaml": "knowledge:\n  regions:\n    - {id: \"acme:ber-1\", country: DE, provider: acme}\n",
	})
	if _, err := load(t, dir); err != nil {
		t.Errorf("knowledge from several files: %v", err)
	}

	// A bad section is reported at its key.
	bad := head + "«knowledge:\n  regions:\n    - {id: \"fra-1\", country: DE}\ncomponents: []\n"
	_, err = decode(t, "inv.yaml", bad)
	got := problems(t, err)
	_, at, _ := marked(bad)
	if len(got) != 1 || !strings.HasPrefix(got[0], "inv.yaml:"+at[0]+": knowledge: ") || !strings.Contains(got[0], "fra-1") {
		t.Errorf("bad knowledge section: %q", got)
	}
}

// cancelledAfter is a context that reports cancellation from its n-th
// call of Err on: it lets a test cancel a load at an exact point.
type cancelledAfter struct {
	context.Context
	calls, n int
}

func (c *cancelledAfter) Err() error {
	c.calls++
	if c.calls > c.n {
		return context.Canceled
	}
	return nil
}

// TestCancelledLoadIsNotClean: a load cancelled while its components are
// checked returns the cancellation, never a half-checked inventory as
// valid (found in review).
func TestCancelledLoadIsNotClean(t *testing.T) {
	data := []byte(`{"version":1,"organization":{"home":"DE"},"components":[{"id":"a","layer":"no-such-layer"}]}`)
	for n := 0; n < 8; n++ {
		ctx := &cancelledAfter{Context: context.Background(), n: n}
		inv, err := inventory.Decode(ctx, knowledge(t), "c.json", data)
		if err == nil {
			t.Fatalf("cancelled after %d checks: no error, %d components with layer %q", n, len(inv.Components), inv.Components[0].Layer)
		}
	}
}

// A directory often holds files that are not inventories: the JSON Schema
// that `sovmap schema` writes beside the inventory, a CI workflow, a
// Kubernetes manifest. They are skipped with a note; a file that looks like
// a misspelt inventory, or one named directly, still fails.
func TestLoadDirectorySkipsForeignFiles(t *testing.T) {
	foreign := map[string]string{
		"sovmap.schema.json": `{"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object", "properties": {}}`,
		"workflow.yaml":      "name: ci\non: push\njobs: {}\n",
		"list.json":          `[1, 2, 3]`,
		"manifests.yaml":     "apiVersion: v1\nkind: Pod\n---\napiVersion: v1\nkind: Service\n",
	}
	files := map[string]string{"inventory.yaml": head + "components:\n  - {id: a, layer: storage}\n"}
	for name, src := range foreign {
		files[name] = src
	}
	dir := writeTree(t, files)
	var skipped []string
	l := &inventory.Loader{KB: knowledge(t), Skipped: func(file, reason string) {
		if reason == "" {
			t.Errorf("%s skipped without a reason", file)
		}
		skipped = append(skipped, filepath.Base(file))
	}}
	inv, err := l.Load(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(inv.Components) != 1 {
		t.Errorf("%d components, want 1", len(inv.Components))
	}
	if len(skipped) != len(foreign) {
		t.Errorf("skipped %v, want every one of the %d foreign files", skipped, len(foreign))
	}
	for _, name := range skipped {
		if _, ok := foreign[name]; !ok {
			t.Errorf("skipped %s, which is an inventory", name)
		}
	}

	// Named directly, a foreign file is an error: the user meant it.
	if _, err := l.Load(context.Background(), filepath.Join(dir, "inventory.yaml"), filepath.Join(dir, "workflow.yaml")); err == nil {
		t.Error("a foreign file named directly loaded without error")
	}

	// A misspelt top-level key is a broken inventory, not a foreign file.
	typo := writeTree(t, map[string]string{
		"inventory.yaml": head,
		"team.yaml":      "componets:\n  - {id: a, layer: storage}\n",
	})
	_, err = l.Load(context.Background(), typo)
	if err == nil || !strings.Contains(err.Error(), `did you mean "components"?`) {
		t.Errorf("misspelt file: err = %v, want an unknown key with a suggestion", err)
	}

	// A directory of foreign files only says so.
	only := writeTree(t, map[string]string{"workflow.yaml": foreign["workflow.yaml"]})
	_, err = l.Load(context.Background(), only)
	if err == nil || !strings.Contains(err.Error(), "no inventory files found") || !strings.Contains(err.Error(), "workflow.yaml") {
		t.Errorf("foreign-only directory: err = %v", err)
	}
}
