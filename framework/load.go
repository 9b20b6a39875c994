package framework

import (
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

// Library is a set of frameworks by id and version. It is read-only once
// loaded, so one library can be shared by concurrent requests.
//
// A framework is named id@version (eu-csf@1.2.1) or by its bare id, which
// names the latest released version of that id.
type Library struct {
	byKey map[string]*Framework
	// latest maps a bare id to the key of its latest released version.
	latest map[string]string
	keys   []string
}

// Default returns the library of the frameworks shipped in the binary.
func Default() (*Library, error) { return Load(embedded) }

// Load reads every *.yaml file of fsys (recursively) as a framework.
func Load(fsys fs.FS) (*Library, error) {
	lib := &Library{byKey: map[string]*Framework{}}
	if err := lib.addFS(fsys); err != nil {
		return nil, err
	}
	return lib, nil
}

// Overlay returns a library holding lib's frameworks plus those of fsys; a
// framework with an id and version lib already has replaces it, a new
// version of a known id joins it.
func (lib *Library) Overlay(fsys fs.FS) (*Library, error) {
	out := &Library{byKey: make(map[string]*Framework, len(lib.byKey))}
	for k, f := range lib.byKey {
		out.byKey[k] = f
	}
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
		lib.byKey[f.Key()] = f
	}
	lib.index()
	return errors.Join(errs...)
}

// index rebuilds the sorted keys and the latest version of each id.
func (lib *Library) index() {
	lib.keys = lib.keys[:0]
	lib.latest = map[string]string{}
	count := map[string]int{}
	for _, f := range lib.byKey {
		count[f.ID]++
	}
	for k, f := range lib.byKey {
		if v := count[f.ID] > 1; v != f.versioned {
			// Frameworks are shared between libraries (Overlay): mark a
			// copy rather than the shared value.
			c := *f
			c.versioned = v
			f = &c
			lib.byKey[k] = f
		}
		lib.keys = append(lib.keys, k)
		if cur, ok := lib.latest[f.ID]; !ok || newer(f, lib.byKey[cur]) {
			lib.latest[f.ID] = k
		}
	}
	sort.Strings(lib.keys)
}

// newer reports whether a was released after b; versions released the same
// day (or undated) compare by version string so the choice is stable.
func newer(a, b *Framework) bool {
	if a.Released != b.Released {
		return a.Released > b.Released
	}
	return a.Version > b.Version
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

// Get returns the framework named id@version, or the latest version of a
// bare id.
func (lib *Library) Get(name string) (*Framework, bool) {
	if k, ok := lib.latest[name]; ok {
		return lib.byKey[k], true
	}
	f, ok := lib.byKey[name]
	return f, ok
}

// Lookup returns the framework named id@version or by bare id (its latest
// version), or an error listing the names there are.
func (lib *Library) Lookup(name string) (*Framework, error) {
	if f, ok := lib.Get(name); ok {
		return f, nil
	}
	return nil, fmt.Errorf("unknown framework %q (have %s)", name, strings.Join(lib.Names(), ", "))
}

// Names lists the names a framework can be looked up by: each bare id
// (its latest version) and, for ids with several versions, each id@version.
func (lib *Library) Names() []string {
	count := map[string]int{}
	for _, f := range lib.byKey {
		count[f.ID]++
	}
	var out []string
	for id := range lib.latest {
		out = append(out, id)
	}
	for k, f := range lib.byKey {
		if count[f.ID] > 1 {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// Same reports whether two names (bare or id@version) resolve to the same
// framework version.
func (lib *Library) Same(a, b string) bool {
	fa, okA := lib.Get(a)
	fb, okB := lib.Get(b)
	return okA && okB && fa == fb
}

// List returns every framework version sorted by id@version.
func (lib *Library) List() []*Framework {
	out := make([]*Framework, len(lib.keys))
	for i, k := range lib.keys {
		out[i] = lib.byKey[k]
	}
	return out
}

// Parse decodes and validates one framework file. Errors name the file and,
// where the problem sits on one entry, its line and column.
func Parse(name string, data []byte) (*Framework, error) {
	// The file is read strictly: a key the format does not have is an error
	// at its line and column, with the key meant.
	root, err := strictyaml.Parse(name, data, strictyaml.Limits{What: "a framework file", MaxBytes: MaxFileSize, MaxAliases: strictyaml.MaxConfigAliases})
	if err != nil {
		return nil, err
	}
	if root == nil {
		return nil, fmt.Errorf("%s: empty framework file", name)
	}
	if ps := strictyaml.Check(root, reflect.TypeFor[Framework](), ""); len(ps) > 0 {
		errs := make([]error, len(ps))
		for i, p := range ps {
			errs[i] = fmt.Errorf("%s:%d:%d: %s", name, p.Line, p.Col, p.Msg)
		}
		return nil, errors.Join(errs...)
	}
	var f Framework
	if err := root.Decode(&f); err != nil {
		return nil, fmt.Errorf("%s:%d:%d: %s", name, root.Line, root.Column, strictyaml.CleanMessage(err.Error()))
	}
	// Positions are looked up by id so that semantic errors can point at
	// the entry.
	pos := map[string]string{}
	collectIDPositions(root, pos, 0)
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
	if strings.Contains(f.ID, "@") || strings.Contains(f.Version, "@") {
		bad(f.ID, "framework %s: id and version may not contain @ (it separates them)", f.ID)
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
	for _, d := range f.Dimensions {
		for i := range d.Criteria {
			c := &d.Criteria[i]
			if c.NotAbove == "" {
				continue
			}
			other, _, ok := f.Criterion(c.NotAbove)
			if !ok || other.Kind != Number || c.Kind != Number {
				bad(c.ID, "criterion %s: not_above must name another number criterion, not %q", c.ID, c.NotAbove)
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
		if w.PointsDivisor < 0 || math.IsNaN(w.PointsDivisor) || math.IsInf(w.PointsDivisor, 0) {
			bad(w.ID, "weight set %s: points_divisor must be a positive number", w.ID)
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
			if a.Points != nil && (*a.Points < 0 || math.IsNaN(*a.Points) || math.IsInf(*a.Points, 0)) {
				out = append(out, fmt.Sprintf("answer %q: points must be a positive number", a.Value))
			}
			if a.Points != nil && a.Score != nil {
				out = append(out, fmt.Sprintf("answer %q: give points or a score, not both", a.Value))
			}
		}
		withPoints := 0
		for _, a := range c.Answers {
			if a.Points != nil {
				withPoints++
			}
		}
		if withPoints > 0 && withPoints < len(c.Answers) {
			out = append(out, "give points to every answer or to none")
		}
		if m, ok := c.maxPoints(); ok && !(m > 0) {
			out = append(out, "the highest points must be above 0")
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
		if c.Min != nil && c.Max != nil && *c.Min > *c.Max {
			out = append(out, "min is above max")
		}
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
	if c.Kind != Number && (c.Min != nil || c.Max != nil || c.NotAbove != "") {
		out = append(out, "min, max and not_above are for number criteria")
	}
	return out
}

// normalize makes answers compare case- and space-insensitively.
func normalize(s string) string { return strings.ToLower(strings.TrimSpace(s)) }
