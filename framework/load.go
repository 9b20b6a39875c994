package framework

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"path"
	"reflect"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/sovmap/sovmap/internal/strictyaml"
)

//go:embed data/*.yaml
var embedded embed.FS

// MaxFileSize bounds a framework file: the shipped ones are a few dozen
// kilobytes, and a bound keeps a hostile file from exhausting memory.
const MaxFileSize = 1 << 20

// Library is a set of frameworks by id. It is read-only once loaded, so one
// library can be shared by concurrent requests.
type Library struct {
	byID map[string]*Framework
	ids  []string
}

// Default returns the library of the frameworks shipped in the binary.
func Default() (*Library, error) { return Load(embedded) }

// Load reads every *.yaml file of fsys (recursively) as a framework.
func Load(fsys fs.FS) (*Library, error) {
	lib := &Library{byID: map[string]*Framework{}}
	if err := lib.addFS(fsys); err != nil {
		return nil, err
	}
	return lib, nil
}

// Overlay returns a library holding lib's frameworks plus those of fsys; a
// framework with an id lib already has replaces it.
func (lib *Library) Overlay(fsys fs.FS) (*Library, error) {
	out := &Library{byID: make(map[string]*Framework, len(lib.byID))}
	for id, f := range lib.byID {
		out.byID[id] = f
	}
	out.ids = append(out.ids, lib.ids...)
	if err := out.addFS(fsys); err != nil {
		return nil, err
	}
	return out, nil
}

func (lib *Library) addFS(fsys fs.FS) error {
	var names []string
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && (strings.HasSuffix(p, ".yaml") || strings.HasSuffix(p, ".yml")) {
			names = append(names, p)
		}
		return nil
	})
	if err != nil {
		return err
	}
	sort.Strings(names)
	var errs []error
	for _, name := range names {
		data, err := readLimited(fsys, name)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		f, err := Parse(path.Base(name), data)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if _, dup := lib.byID[f.ID]; !dup {
			lib.ids = append(lib.ids, f.ID)
		}
		lib.byID[f.ID] = f
	}
	sort.Strings(lib.ids)
	return errors.Join(errs...)
}

func readLimited(fsys fs.FS, name string) ([]byte, error) {
	fh, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	data, err := io.ReadAll(io.LimitReader(fh, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(data) > MaxFileSize {
		return nil, fmt.Errorf("%s: larger than %d bytes", name, MaxFileSize)
	}
	return data, nil
}

// Get returns the framework with the given id.
func (lib *Library) Get(id string) (*Framework, bool) {
	f, ok := lib.byID[id]
	return f, ok
}

// Lookup returns the framework with the given id or an error listing the
// ids there are.
func (lib *Library) Lookup(id string) (*Framework, error) {
	if f, ok := lib.byID[id]; ok {
		return f, nil
	}
	return nil, fmt.Errorf("unknown framework %q (have %s)", id, strings.Join(lib.ids, ", "))
}

// List returns the frameworks sorted by id.
func (lib *Library) List() []*Framework {
	out := make([]*Framework, len(lib.ids))
	for i, id := range lib.ids {
		out[i] = lib.byID[id]
	}
	return out
}

// Parse decodes and validates one framework file. Errors name the file and,
// where the problem sits on one entry, its line and column.
func Parse(name string, data []byte) (*Framework, error) {
	if len(data) > MaxFileSize {
		return nil, fmt.Errorf("%s: larger than %d bytes", name, MaxFileSize)
	}
	// The file is read strictly: a key the format does not have is an error
	// at its line and column, with the key meant.
	var root yaml.Node
	if err := yaml.NewDecoder(bytes.NewReader(data)).Decode(&root); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%s: empty framework file", name)
		}
		p := strictyaml.SyntaxError(data, err)
		return nil, fmt.Errorf("%s:%d:%d: %s", name, p.Line, p.Col, p.Msg)
	}
	if len(root.Content) == 0 {
		return nil, fmt.Errorf("%s: empty framework file", name)
	}
	if ps := strictyaml.Check(root.Content[0], reflect.TypeFor[Framework](), ""); len(ps) > 0 {
		errs := make([]error, len(ps))
		for i, p := range ps {
			errs[i] = fmt.Errorf("%s:%d:%d: %s", name, p.Line, p.Col, p.Msg)
		}
		return nil, errors.Join(errs...)
	}
	var f Framework
	if err := root.Content[0].Decode(&f); err != nil {
		return nil, fmt.Errorf("%s:%d:%d: %s", name, root.Content[0].Line, root.Content[0].Column, strictyaml.CleanMessage(err.Error()))
	}
	// Positions are looked up by id so that semantic errors can point at
	// the entry.
	pos := map[string]string{}
	collectIDPositions(&root, pos, 0)
	f.file = name
	if err := f.validate(func(id string) string {
		if p, ok := pos[id]; ok {
			return name + ":" + p
		}
		return name
	}); err != nil {
		return nil, err
	}
	return &f, nil
}

// collectIDPositions records line:column of every mapping that has an id.
func collectIDPositions(n *yaml.Node, pos map[string]string, depth int) {
	if n == nil || depth > 64 {
		return
	}
	if n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == "id" && n.Content[i+1].Kind == yaml.ScalarNode {
				if _, seen := pos[n.Content[i+1].Value]; !seen {
					pos[n.Content[i+1].Value] = fmt.Sprintf("%d:%d", n.Line, n.Column)
				}
			}
		}
	}
	for _, c := range n.Content {
		collectIDPositions(c, pos, depth+1)
	}
}

// validate checks the framework's consistency and builds its index. at
// gives the position of the entry with the given id.
func (f *Framework) validate(at func(id string) string) error {
	var errs []error
	bad := func(id, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", at(id), fmt.Sprintf(format, args...)))
	}
	if f.ID == "" {
		bad("", "framework has no id")
	}
	if f.Name == "" {
		bad(f.ID, "framework %s has no name", f.ID)
	}
	if f.Subject != "provider" && f.Subject != "arrangement" {
		bad(f.ID, "framework %s: subject must be provider or arrangement, not %q", f.ID, f.Subject)
	}
	if len(f.Sources) == 0 {
		bad(f.ID, "framework %s cites no source", f.ID)
	}
	if len(f.Levels) < 2 {
		bad(f.ID, "framework %s needs at least two levels", f.ID)
	}
	top := f.Top()
	if len(f.Dimensions) == 0 {
		bad(f.ID, "framework %s has no dimensions", f.ID)
	}
	f.index = map[string]critRef{}
	dims := map[string]bool{}
	for di := range f.Dimensions {
		d := &f.Dimensions[di]
		if d.ID == "" {
			bad(f.ID, "dimension %d has no id", di+1)
		} else if dims[d.ID] {
			bad(d.ID, "dimension id %q used twice", d.ID)
		}
		dims[d.ID] = true
		if len(d.Criteria) == 0 {
			bad(d.ID, "dimension %s has no criteria", d.ID)
		}
		for ci := range d.Criteria {
			c := &d.Criteria[ci]
			if c.ID == "" {
				bad(d.ID, "criterion %d of dimension %s has no id", ci+1, d.ID)
				continue
			}
			if _, dup := f.index[c.ID]; dup {
				bad(c.ID, "criterion id %q used twice", c.ID)
				continue
			}
			f.index[c.ID] = critRef{di, ci}
			if c.Weight < 0 || math.IsNaN(c.Weight) || math.IsInf(c.Weight, 0) {
				bad(c.ID, "criterion %s: weight must be a positive number", c.ID)
			}
			for _, msg := range c.check(top) {
				bad(c.ID, "criterion %s: %s", c.ID, msg)
			}
		}
	}
	if len(f.WeightSets) == 0 {
		bad(f.ID, "framework %s has no weight set", f.ID)
	}
	sets := map[string]bool{}
	for _, w := range f.WeightSets {
		if w.ID == "" || sets[w.ID] {
			bad(f.ID, "weight set id %q missing or used twice", w.ID)
		}
		sets[w.ID] = true
		sum := 0.0
		for id, x := range w.Weights {
			if !dims[id] {
				bad(w.ID, "weight set %s weighs unknown dimension %q", w.ID, id)
			}
			if x < 0 || math.IsNaN(x) || math.IsInf(x, 0) {
				bad(w.ID, "weight set %s: weight of %s must be a positive number", w.ID, id)
				continue
			}
			sum += x
		}
		for _, d := range f.Dimensions {
			if _, ok := w.Weights[d.ID]; !ok && d.ID != "" {
				bad(w.ID, "weight set %s gives no weight to dimension %s", w.ID, d.ID)
			}
		}
		if !(sum > 0) {
			bad(w.ID, "weight set %s: weights sum to zero", w.ID)
		}
	}
	for _, v := range f.Views {
		seen := map[string]string{}
		for _, vd := range v.Dimensions {
			for _, id := range vd.Criteria {
				if _, ok := f.index[id]; !ok {
					bad(vd.ID, "view %s: dimension %s names unknown criterion %q", v.ID, vd.ID, id)
					continue
				}
				if prev, dup := seen[id]; dup {
					bad(vd.ID, "view %s: criterion %s is in both %s and %s", v.ID, id, prev, vd.ID)
				}
				seen[id] = vd.ID
			}
		}
		for _, d := range f.Dimensions {
			for _, c := range d.Criteria {
				if _, ok := seen[c.ID]; !ok && c.ID != "" {
					bad(v.ID, "view %s leaves criterion %s out", v.ID, c.ID)
				}
			}
		}
	}
	return errors.Join(errs...)
}

// check returns what is wrong with the criterion's ladder.
func (c *Criterion) check(top int) []string {
	var out []string
	if c.Title == "" {
		out = append(out, "no title")
	}
	switch c.Kind {
	case Ordinal, YesPartialNo, YesNo:
		if len(c.Bands) > 0 {
			out = append(out, "bands are for number criteria")
		}
		ladder := c.ladder(top)
		if len(ladder) < 2 {
			out = append(out, "ladder needs at least two answers")
		}
		seen, aliasSeen := map[string]bool{}, map[string]bool{}
		for _, a := range ladder {
			v := normalize(a.Value)
			if v == "" || seen[v] || aliasSeen[v] {
				out = append(out, fmt.Sprintf("answer %q empty or listed twice", a.Value))
			}
			seen[v] = true
			for _, alias := range a.Aliases {
				if al := normalize(alias); al == "" || seen[al] || aliasSeen[al] {
					out = append(out, fmt.Sprintf("alias %q of answer %q empty or listed twice", alias, a.Value))
				} else {
					aliasSeen[al] = true
				}
			}
			if a.Level < 0 || a.Level > top {
				out = append(out, fmt.Sprintf("answer %q: level %d outside 0..%d", a.Value, a.Level, top))
			}
			if a.Score != nil && !validScore(*a.Score) {
				out = append(out, fmt.Sprintf("answer %q: score must be between 0 and 1", a.Value))
			}
		}
		if c.Kind != Ordinal && len(c.Answers) > 0 {
			want := map[string]bool{"yes": true, "no": true}
			if c.Kind == YesPartialNo {
				want["partial"] = true
			}
			if len(seen) != len(want) {
				out = append(out, fmt.Sprintf("a %s ladder lists exactly %d answers", c.Kind, len(want)))
			}
			for v := range seen {
				if !want[v] {
					out = append(out, fmt.Sprintf("a %s ladder cannot answer %q", c.Kind, v))
				}
			}
		}
	case Number:
		if len(c.Answers) > 0 {
			out = append(out, "number criteria use bands, not answers")
		}
		if len(c.Bands) == 0 {
			out = append(out, "number criterion without bands")
		}
		for i, b := range c.Bands {
			if b.AtLeast == nil && b.AtMost == nil {
				out = append(out, fmt.Sprintf("band %d has neither at_least nor at_most", i+1))
			}
			for _, x := range []*float64{b.AtLeast, b.AtMost} {
				if x != nil && (math.IsNaN(*x) || math.IsInf(*x, 0)) {
					out = append(out, fmt.Sprintf("band %d: bound is not a finite number", i+1))
				}
			}
			if b.Level < 0 || b.Level > top {
				out = append(out, fmt.Sprintf("band %d: level %d outside 0..%d", i+1, b.Level, top))
			}
			if b.Score != nil && !validScore(*b.Score) {
				out = append(out, fmt.Sprintf("band %d: score must be between 0 and 1", i+1))
			}
		}
	default:
		out = append(out, fmt.Sprintf("kind %q is not one of ordinal, yes-partial-no, yes-no, number", c.Kind))
	}
	return out
}

// normalize makes answers compare case- and space-insensitively.
func normalize(s string) string { return strings.ToLower(strings.TrimSpace(s)) }
