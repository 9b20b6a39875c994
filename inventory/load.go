package inventory

import (
	"bytes"
	"context"
	"fmt"
	"github.com/sovmap/sovmap/graph"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/kb"
)

// Size limits. A JSON inventory of a million components is about 400 MB;
// YAML is for hand-written files and is held to less, since its node tree
// costs about a hundred times the file's size while the file is decoded
// (measured: a 16 MiB file of 244,000 components peaks at 1.6 GB).
const (
	DefaultMaxJSONBytes = 2 << 30
	DefaultMaxYAMLBytes = 16 << 20
	DefaultMaxFiles     = 10000
)

// Loader reads inventories. The zero value is not usable: KB is required.
type Loader struct {
	KB           *kb.KB
	MaxJSONBytes int64
	MaxYAMLBytes int64
	MaxFiles     int
	// Skipped, if not nil, is told of each file found in a directory that
	// is not an inventory at all (a JSON Schema, a CI workflow) and was
	// skipped, with the reason. Files named directly are never skipped.
	Skipped func(file, reason string)
}

// Load reads the inventory at paths (files or directories) with the default
// limits. See Loader.Load.
func Load(ctx context.Context, k *kb.KB, paths ...string) (*sovmap.Inventory, error) {
	return (&Loader{KB: k}).Load(ctx, paths...)
}

// LoadGraph reads the inventory at paths with the default limits, with its
// dependency graph. See Loader.LoadGraph.
func LoadGraph(ctx context.Context, k *kb.KB, paths ...string) (*sovmap.Inventory, *graph.Graph, error) {
	return (&Loader{KB: k}).LoadGraph(ctx, paths...)
}

// LoadFS reads the inventory at names (files or directories) of fsys with
// the default limits. See Loader.LoadFS.
func LoadFS(ctx context.Context, k *kb.KB, fsys fs.FS, names ...string) (*sovmap.Inventory, error) {
	return (&Loader{KB: k}).LoadFS(ctx, fsys, names...)
}

// Decode reads one inventory file given as bytes, such as an upload; name
// is used in positions and decides the format by its extension (.json, or
// YAML otherwise).
func Decode(ctx context.Context, k *kb.KB, name string, data []byte) (*sovmap.Inventory, error) {
	return (&Loader{KB: k}).Decode(ctx, name, data)
}

func (l *Loader) limits() (maxJSON, maxYAML int64, maxFiles int) {
	maxJSON, maxYAML, maxFiles = l.MaxJSONBytes, l.MaxYAMLBytes, l.MaxFiles
	if maxJSON <= 0 {
		maxJSON = DefaultMaxJSONBytes
	}
	if maxYAML <= 0 {
		maxYAML = DefaultMaxYAMLBytes
	}
	if maxFiles <= 0 {
		maxFiles = DefaultMaxFiles
	}
	return
}

// Load reads files and directories of the operating system (every .yaml,
// .yml and .json file below a directory, in name order) and merges them
// into one inventory. Exactly one file gives the organization; ids must be
// unique across files. Positions name files as paths spells them.
// Problems with the content are returned as an *Error.
func (l *Loader) Load(ctx context.Context, paths ...string) (*sovmap.Inventory, error) {
	if len(paths) == 0 {
		return nil, fmt.Errorf("no inventory given")
	}
	inv, _, err := l.load(ctx, osFiles{}, paths)
	return inv, err
}

// LoadGraph is Load that also returns the inventory's dependency graph,
// resolved while the ids were checked, for assess.Options.Graph: a large
// inventory's million ids are then indexed once.
func (l *Loader) LoadGraph(ctx context.Context, paths ...string) (*sovmap.Inventory, *graph.Graph, error) {
	if len(paths) == 0 {
		return nil, nil, fmt.Errorf("no inventory given")
	}
	return l.load(ctx, osFiles{}, paths)
}

// LoadFS is Load over a file system: names are files or directories of
// fsys, named as io/fs names them (slash-separated, relative; "." is the
// whole of fsys, and no names means "."). Positions name files by their
// names in fsys, so that an upload's problems name only what was uploaded.
func (l *Loader) LoadFS(ctx context.Context, fsys fs.FS, names ...string) (*sovmap.Inventory, error) {
	if len(names) == 0 {
		names = []string{"."}
	}
	clean := make([]string, len(names))
	for i, n := range names {
		clean[i] = path.Clean(n) // ./team-b is team-b, as io/fs spells it
	}
	inv, _, err := l.load(ctx, fsFiles{fsys}, clean)
	return inv, err
}

// files is where Load and LoadFS find their files: the operating system's
// paths, or the names of an fs.FS.
type files interface {
	stat(name string) (fs.FileInfo, error)
	walkDir(root string, fn fs.WalkDirFunc) error
	open(name string) (fs.File, error)
	// key identifies a file, so that one named twice is read once.
	key(name string) string
}

// osFiles are the operating system's files, named by paths as given.
type osFiles struct{}

func (osFiles) stat(name string) (fs.FileInfo, error)        { return os.Stat(name) }
func (osFiles) walkDir(root string, fn fs.WalkDirFunc) error { return filepath.WalkDir(root, fn) }

func (osFiles) open(name string) (fs.File, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err // not a nil *os.File in a non-nil interface
	}
	return f, nil
}

func (osFiles) key(name string) string {
	if abs, err := filepath.Abs(name); err == nil {
		return abs
	}
	return filepath.Clean(name)
}

// fsFiles are the files of an fs.FS.
type fsFiles struct{ fsys fs.FS }

func (f fsFiles) stat(name string) (fs.FileInfo, error)        { return fs.Stat(f.fsys, name) }
func (f fsFiles) walkDir(root string, fn fs.WalkDirFunc) error { return fs.WalkDir(f.fsys, root, fn) }
func (f fsFiles) open(name string) (fs.File, error)            { return f.fsys.Open(name) }
func (f fsFiles) key(name string) string                       { return path.Clean(name) }

func (l *Loader) load(ctx context.Context, fsys files, paths []string) (*sovmap.Inventory, *graph.Graph, error) {
	_, _, maxFiles := l.limits()
	var files []string
	seen := map[string]bool{}
	named := map[string]bool{} // files named directly rather than found in a directory
	for _, p := range paths {
		found, err := inventoryFiles(fsys, p)
		if err != nil {
			return nil, nil, err
		}
		// A file named twice (a directory and a file in it) is read once,
		// or its ids would clash with themselves.
		for _, f := range found {
			key := fsys.key(f)
			if f == p {
				named[key] = true
			}
			if !seen[key] {
				seen[key] = true
				files = append(files, f)
			}
		}
	}
	if len(files) == 0 {
		return nil, nil, fmt.Errorf("%s: no .yaml, .yml or .json files found", strings.Join(paths, ", "))
	}
	if len(files) > maxFiles {
		return nil, nil, fmt.Errorf("%d inventory files is more than the limit of %d", len(files), maxFiles)
	}
	var parts []*part
	var ps problems
	var skipped []string
	for _, name := range files {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		data, err := l.readFile(fsys, name)
		if err != nil {
			return nil, nil, err
		}
		p, err := l.decode(name, data)
		if err != nil {
			if !named[fsys.key(name)] {
				if reason, foreign := foreignFile(name, data); foreign {
					skipped = append(skipped, name)
					if l.Skipped != nil {
						l.Skipped(name, reason)
					}
					continue
				}
			}
			if addProblems(&ps, err) {
				continue
			}
			return nil, nil, err
		}
		parts = append(parts, p)
	}
	if err := ps.err(); err != nil {
		return nil, nil, err
	}
	if len(parts) == 0 {
		return nil, nil, fmt.Errorf("%s: no inventory files found (skipped %s: not inventories)", strings.Join(paths, ", "), strings.Join(skipped, ", "))
	}
	return l.merge(ctx, parts)
}

// Decode reads one inventory from bytes. See the package function Decode.
func (l *Loader) Decode(ctx context.Context, name string, data []byte) (*sovmap.Inventory, error) {
	maxJSON, maxYAML, _ := l.limits()
	limit := maxYAML
	if isJSON(name) {
		limit = maxJSON
	}
	if int64(len(data)) > limit {
		return nil, &Error{Problems: []Problem{{Pos: sovmap.Pos{File: name}, Msg: tooLarge(int64(len(data)), limit)}}}
	}
	p, err := l.decode(name, data)
	if err != nil {
		var ps problems
		if addProblems(&ps, err) {
			return nil, ps.err()
		}
		return nil, err
	}
	inv, _, err := l.merge(ctx, []*part{p})
	return inv, err
}

func (l *Loader) decode(name string, data []byte) (*part, error) {
	src := &source{name: name, data: data, isJSON: isJSON(name)}
	if src.isJSON {
		return decodeJSON(src)
	}
	return decodeYAML(src)
}

// addProblems moves the problems carried by err into ps and reports whether
// err was a content problem (as opposed to an I/O failure).
func addProblems(ps *problems, err error) bool {
	switch e := err.(type) {
	case *Error:
		ps.list = append(ps.list, e.Problems...)
		return true
	case *positioned:
		ps.list = append(ps.list, e.Problem)
		return true
	}
	return false
}

func (l *Loader) readFile(fsys files, name string) ([]byte, error) {
	maxJSON, maxYAML, _ := l.limits()
	limit := maxYAML
	if isJSON(name) {
		limit = maxJSON
	}
	f, err := fsys.open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if st.Size() > limit {
		return nil, &Error{Problems: []Problem{{Pos: sovmap.Pos{File: name}, Msg: tooLarge(st.Size(), limit)}}}
	}
	// Read into a buffer of the file's size plus the room ReadFrom wants
	// free before each read (so it notices a file that grew without first
	// doubling the buffer): growing a buffer for a file of hundreds of
	// megabytes would copy it over.
	buf := bytes.NewBuffer(make([]byte, 0, st.Size()+bytes.MinRead))
	_, err = buf.ReadFrom(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	data := buf.Bytes()
	if int64(len(data)) > limit {
		return nil, &Error{Problems: []Problem{{Pos: sovmap.Pos{File: name}, Msg: tooLarge(int64(len(data)), limit)}}}
	}
	return data, nil
}

func tooLarge(size, limit int64) string {
	return fmt.Sprintf("file is %d bytes, over the limit of %d bytes for this format (split it into a directory of files, or use JSON for very large inventories)", size, limit)
}

func isJSON(name string) bool { return strings.EqualFold(filepath.Ext(name), ".json") }

func isInventoryFile(name string) bool {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".yaml", ".yml", ".json":
		return true
	}
	return false
}

// inventoryFiles lists the inventory files a path stands for.
func inventoryFiles(fsys files, path string) ([]string, error) {
	st, err := fsys.stat(path)
	if err != nil {
		return nil, err
	}
	if !st.IsDir() {
		return []string{path}, nil
	}
	var out []string
	err = fsys.walkDir(path, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && p != path && strings.HasPrefix(d.Name(), ".") {
			return fs.SkipDir
		}
		if !d.IsDir() && isInventoryFile(p) && !strings.HasPrefix(d.Name(), ".") {
			out = append(out, p)
		}
		return nil
	})
	sort.Strings(out)
	return out, err
}

// merge joins the parts into one inventory and validates it.
func (l *Loader) merge(ctx context.Context, parts []*part) (*sovmap.Inventory, *graph.Graph, error) {
	var ps problems
	inv := &sovmap.Inventory{}
	var orgPart *part
	var origins origins
	var knowledgeAt sovmap.Pos // where the first knowledge: section is
	for _, p := range parts {
		if p.hasVer {
			if p.inv.Version != sovmap.Version {
				ps.add(p.src.locate(p.verPos, "version"), "unsupported inventory version %d (this sovmap reads version %d)", p.inv.Version, sovmap.Version)
			}
			inv.Version = p.inv.Version
		}
		if p.hasOrg {
			if orgPart != nil {
				ps.add(p.inv.Organization.Pos, "organization is already given in %s; give it in one file only", orgPart.src.name)
			} else {
				orgPart = p
				inv.Organization = p.inv.Organization
			}
		}
		origins.add(p, inv)
		inv.Providers = append(inv.Providers, p.inv.Providers...)
		inv.Components = append(inv.Components, p.inv.Components...)
		inv.Flows = append(inv.Flows, p.inv.Flows...)
		inv.Arrangements = append(inv.Arrangements, p.inv.Arrangements...)
		inv.Rules = append(inv.Rules, p.inv.Rules...)
		inv.Assessments = append(inv.Assessments, p.inv.Assessments...)
		inv.Scenarios = append(inv.Scenarios, p.inv.Scenarios...)
		if p.inv.Knowledge != nil {
			if inv.Knowledge == nil {
				inv.Knowledge = map[string]any{}
				knowledgeAt = p.topKeys["knowledge"]
			}
			for k, v := range p.inv.Knowledge {
				// Lists (regions, providers, ...) from several files add up.
				if have, ok := inv.Knowledge[k].([]any); ok {
					if more, ok := v.([]any); ok {
						v = append(slices.Clip(have), more...)
					}
				}
				inv.Knowledge[k] = v
			}
		}
	}
	if orgPart == nil {
		first := parts[0]
		ps.add(sovmap.Pos{File: first.src.name, Line: 1, Col: 1}, "no organization: one file must say organization: {name: ..., home: ...}")
	} else if !orgPart.hasVer {
		ps.add(sovmap.Pos{File: orgPart.src.name, Line: 1, Col: 1}, "version is missing: start the file with \"version: %d\"", sovmap.Version)
	}
	if err := ps.err(); err != nil {
		return nil, nil, err
	}
	k, err := WithKnowledge(l.KB, inv)
	if err != nil {
		ps.add(knowledgeAt, "%v", err)
		return nil, nil, ps.err()
	}
	v := &validator{kb: k, inv: inv, origins: &origins}
	if err := v.run(ctx); err != nil {
		return nil, nil, err
	}
	return inv, v.graph, nil
}

// WithKnowledge returns k with the inventory's knowledge: section (regions,
// providers, laws, ... in the shape of a knowledge-base data file) laid over
// a copy of it, or k itself when the inventory has none. Load validates the
// inventory against this result, so callers must assess with it too.
func WithKnowledge(k *kb.KB, inv *sovmap.Inventory) (*kb.KB, error) {
	if len(inv.Knowledge) == 0 {
		return k, nil
	}
	k = k.Clone()
	if err := k.OverlayKnowledge(inv.Knowledge); err != nil {
		return nil, fmt.Errorf("knowledge: %w", err)
	}
	return k, nil
}

// origin says which file an entity came from and its index there, so that
// a field of it can be located on the error path.
type origin struct {
	src   *source
	index int
}

// origins records, per kind of entity, where each one came from. Spans are
// kept per file rather than per entity: a million components from one file
// cost one entry.
type origins struct {
	spans map[string][]span
}

type span struct {
	src   *source
	start int // index of the file's first entity of the kind in the merged list
}

func (o *origins) add(p *part, merged *sovmap.Inventory) {
	if o.spans == nil {
		o.spans = map[string][]span{}
	}
	o.spans["providers"] = append(o.spans["providers"], span{p.src, len(merged.Providers)})
	o.spans["components"] = append(o.spans["components"], span{p.src, len(merged.Components)})
	o.spans["flows"] = append(o.spans["flows"], span{p.src, len(merged.Flows)})
	o.spans["arrangements"] = append(o.spans["arrangements"], span{p.src, len(merged.Arrangements)})
	o.spans["rules"] = append(o.spans["rules"], span{p.src, len(merged.Rules)})
	o.spans["assessments"] = append(o.spans["assessments"], span{p.src, len(merged.Assessments)})
	o.spans["scenarios"] = append(o.spans["scenarios"], span{p.src, len(merged.Scenarios)})
}

// of returns the origin of the i-th entity of a kind in the merged inventory.
func (o *origins) of(kind string, i int) origin {
	spans := o.spans[kind]
	j := sort.Search(len(spans), func(j int) bool { return spans[j].start > i }) - 1
	if j < 0 {
		j = 0
	}
	// Several files may start at the same index when some have none of the
	// kind; the last of them is the one that holds entity i.
	return origin{src: spans[j].src, index: i - spans[j].start}
}
