package kb

import (
	"fmt"
	"io"
	"io/fs"
	"path"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/sovmap/sovmap/internal/strictyaml"
)

// Size limits on what a knowledge-base overlay may read, so that a hostile
// or broken --kb directory cannot exhaust memory.
const (
	maxFileBytes  = 4 << 20  // one data file
	maxTotalBytes = 64 << 20 // all files of one overlay
)

// Problem is one thing wrong with a knowledge base: a broken reference, a
// malformed entry, a missing source. Fatal problems stop a load; the others
// (missing provenance) are reported by Check and flagged by Stale.
type Problem struct {
	// Position is file:line:col, or file alone when unknown.
	Position string `json:"position"`
	Kind     string `json:"kind,omitempty"`
	ID       string `json:"id,omitempty"`
	Message  string `json:"message"`
	Fatal    bool   `json:"fatal"`
}

func (p Problem) String() string {
	var b strings.Builder
	if p.Position != "" {
		b.WriteString(p.Position)
		b.WriteString(": ")
	}
	if p.Kind != "" {
		b.WriteString(p.Kind)
		if p.ID != "" {
			b.WriteString(" " + p.ID)
		}
		b.WriteString(": ")
	}
	b.WriteString(p.Message)
	return b.String()
}

// LoadError is returned when a knowledge base or an overlay has fatal
// problems. Nothing of the overlay is applied.
type LoadError struct {
	Problems []Problem
}

func (e *LoadError) Error() string {
	const shown = 20
	var b strings.Builder
	fmt.Fprintf(&b, "knowledge base: %d problem", len(e.Problems))
	if len(e.Problems) != 1 {
		b.WriteString("s")
	}
	for i, p := range e.Problems {
		if i == shown {
			fmt.Fprintf(&b, "\n  ... and %d more", len(e.Problems)-shown)
			break
		}
		b.WriteString("\n  ")
		b.WriteString(p.String())
	}
	return b.String()
}

// parsedFile is one data file decoded but not yet applied.
type parsedFile struct {
	header    Meta
	cloud     string
	provider  string
	countries []Country
	blocs     []Bloc
	decisions []Adequacy
	programs  []Sanction
	laws      []Law
	regions   []Region
	providers []Provider
	schemes   []Scheme
	exports   []ExportControl
	problems  []Problem
}

// header is the part of a data file that is not a list of entries.
type header struct {
	Meta     `yaml:",inline"`
	Cloud    string `yaml:"cloud"`
	Provider string `yaml:"provider"`
}

// Top-level keys of a data file. A list key holds entries of one kind.
var (
	headerKeys = []string{"sources", "checked", "notes", "cloud", "provider"}
	listKeys   = []string{"countries", "blocs", "decisions", "programmes", "laws", "regions", "providers", "schemes", "export_controls"}
)

// parseFile decodes one data file. name is used in positions; when lines is
// false (a section re-encoded from an inventory) positions name the list
// and index instead of a line.
func parseFile(name string, data []byte, lines bool) *parsedFile {
	pf := &parsedFile{}
	fail := func(line, col int, msg string, args ...any) {
		pos := name
		if lines && line > 0 {
			pos = fmt.Sprintf("%s:%d:%d", name, line, col)
		}
		pf.problems = append(pf.problems, Problem{Position: pos, Message: fmt.Sprintf(msg, args...), Fatal: true})
	}
	if len(data) > maxFileBytes {
		fail(0, 0, "file is %d bytes, more than the limit of %d", len(data), maxFileBytes)
		return pf
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		p := strictyaml.SyntaxError(data, err)
		fail(p.Line, p.Col, "malformed YAML: %s", p.Msg)
		return pf
	}
	if len(doc.Content) == 0 {
		return pf // an empty file adds nothing
	}
	root := doc.Content[0]
	if alias := findAlias(root); alias != nil {
		fail(alias.Line, alias.Column, "YAML aliases are not allowed in knowledge-base files")
		return pf
	}
	if root.Kind != yaml.MappingNode {
		fail(root.Line, root.Column, "want a mapping of %s or %s", strings.Join(headerKeys, ", "), strings.Join(listKeys, ", "))
		return pf
	}
	var h header
	if err := root.Decode(&h); err != nil {
		fail(root.Line, root.Column, "%v", err)
		return pf
	}
	pf.header, pf.cloud, pf.provider = h.Meta, h.Cloud, h.Provider
	pf.header.File = name
	for i := 0; i+1 < len(root.Content); i += 2 {
		key, value := root.Content[i], root.Content[i+1]
		switch {
		case slices.Contains(headerKeys, key.Value):
		case slices.Contains(listKeys, key.Value):
			if value.Kind != yaml.SequenceNode {
				if value.Tag == "!!null" {
					continue
				}
				fail(value.Line, value.Column, "%s: want a list", key.Value)
				continue
			}
			pf.decodeList(name, key.Value, value, lines, fail)
		default:
			fail(key.Line, key.Column, "unknown key %q%s (want %s or %s)", key.Value, strictyaml.Suggest(key.Value, append(slices.Clip(headerKeys), listKeys...)),
				strings.Join(headerKeys, ", "), strings.Join(listKeys, ", "))
		}
	}
	return pf
}

func (pf *parsedFile) decodeList(name, key string, seq *yaml.Node, lines bool, fail func(int, int, string, ...any)) {
	switch key {
	case "countries":
		pf.countries = decodeSeq[Country](name, key, seq, lines, fail)
	case "blocs":
		pf.blocs = decodeSeq[Bloc](name, key, seq, lines, fail)
	case "decisions":
		pf.decisions = decodeSeq[Adequacy](name, key, seq, lines, fail)
	case "programmes":
		pf.programs = decodeSeq[Sanction](name, key, seq, lines, fail)
	case "laws":
		pf.laws = decodeSeq[Law](name, key, seq, lines, fail)
	case "regions":
		pf.regions = decodeSeq[Region](name, key, seq, lines, fail)
	case "providers":
		pf.providers = decodeSeq[Provider](name, key, seq, lines, fail)
	case "schemes":
		pf.schemes = decodeSeq[Scheme](name, key, seq, lines, fail)
	case "export_controls":
		pf.exports = decodeSeq[ExportControl](name, key, seq, lines, fail)
	}
}

// decodeSeq decodes each item of seq into a T, refusing unknown keys, and
// records where each came from.
func decodeSeq[T any, P interface {
	*T
	meta() *Meta
}](name, key string, seq *yaml.Node, lines bool, fail func(int, int, string, ...any)) []T {
	var out []T
	for i, item := range seq.Content {
		if item.Kind != yaml.MappingNode {
			fail(item.Line, item.Column, "%s[%d]: want a mapping", key, i)
			continue
		}
		// Every key, nested ones too (a law's condition), must be one the
		// entry type has; values must be of their field's kind.
		c := &strictyaml.Checker{ListKnown: true}
		c.Check(item, reflect.TypeFor[T](), "")
		problems := c.Problems
		for _, p := range problems {
			fail(p.Line, p.Col, "%s[%d]: %s", key, i, p.Msg)
		}
		if len(problems) > 0 {
			continue // decoding would report the same problems again, without columns
		}
		var v T
		if err := item.Decode(&v); err != nil {
			fail(item.Line, item.Column, "%s[%d]: %s", key, i, strings.TrimPrefix(err.Error(), "yaml: unmarshal errors:\n  "))
			continue
		}
		m := P(&v).meta()
		if lines {
			m.File, m.Line, m.Column = name, item.Line, item.Column
		} else {
			m.File = fmt.Sprintf("%s.%s[%d]", name, key, i)
		}
		out = append(out, v)
	}
	return out
}

// findAlias returns the first alias node under n, or nil. Aliases are
// refused because a few bytes of them can expand to gigabytes.
func findAlias(n *yaml.Node) *yaml.Node {
	if n.Kind == yaml.AliasNode {
		return n
	}
	for _, c := range n.Content {
		if a := findAlias(c); a != nil {
			return a
		}
	}
	return nil
}

// Overlay reads every .yaml or .yml file of fsys over k: an entry whose id
// is already known replaces it (Overrides lists it), a new id is added. An
// id given twice within fsys is an error. The overlay is applied whole or,
// when it has fatal problems, not at all.
func (k *KB) Overlay(fsys fs.FS) error {
	var files []*parsedFile
	total := 0
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || (path.Ext(p) != ".yaml" && path.Ext(p) != ".yml") {
			return nil
		}
		b, err := readLimited(fsys, p)
		if err != nil {
			return err
		}
		total += len(b)
		if total > maxTotalBytes {
			return fmt.Errorf("knowledge base: files add up to more than %d bytes", maxTotalBytes)
		}
		files = append(files, parseFile(p, b, true))
		return nil
	})
	if err != nil {
		return err
	}
	return k.apply(files)
}

func readLimited(fsys fs.FS, name string) ([]byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxFileBytes+1))
	if err != nil {
		return nil, fmt.Errorf("knowledge base %s: %w", name, err)
	}
	return b, nil
}

// OverlayKnowledge lays an inventory's knowledge: section over k. The
// section has the shape of a data file: optional sources and checked
// defaults, then lists under countries, blocs, decisions, programmes, laws,
// regions (each with a cloud, or an id written cloud:region), providers,
// schemes and export_controls. Positions in errors name the list and the
// index, such as knowledge.providers[2].
func (k *KB) OverlayKnowledge(section map[string]any) error {
	if len(section) == 0 {
		return nil
	}
	b, err := yaml.Marshal(section)
	if err != nil {
		return fmt.Errorf("knowledge: %w", err)
	}
	return k.apply([]*parsedFile{parseFile("knowledge", b, false)})
}

// apply lays parsed files over a copy of k, checks the result and, when it
// has no fatal problems, makes the copy k.
func (k *KB) apply(files []*parsedFile) error {
	var problems []Problem
	for _, pf := range files {
		problems = append(problems, pf.problems...)
	}
	if len(problems) > 0 {
		return &LoadError{Problems: problems}
	}
	next := k.Clone()
	a := applier{k: next, old: k, seen: map[string]Meta{}}
	for _, pf := range files {
		a.file(pf)
	}
	next.reindex()
	problems = append(a.problems, next.check(true)...)
	if len(problems) > 0 {
		sortProblems(problems)
		return &LoadError{Problems: problems}
	}
	*k = *next
	return nil
}

type applier struct {
	k, old   *KB
	seen     map[string]Meta // kind + "\x00" + id -> first occurrence in this overlay
	problems []Problem
}

// note records an entry of the overlay: it refuses a second entry with the
// same kind and id, and records an override of an existing entry.
func (a *applier) note(kind, id string, m Meta) bool {
	key := kind + "\x00" + id
	if first, dup := a.seen[key]; dup {
		a.problems = append(a.problems, Problem{Position: m.Position(), Kind: kind, ID: id, Fatal: true,
			Message: "duplicate id (first at " + first.Position() + ")"})
		return false
	}
	a.seen[key] = m
	if old, ok := a.old.find(kind, id); ok {
		a.k.overrides = append(a.k.overrides, Override{Entry: Entry{Kind: kind, ID: id, Meta: m}, Replaced: old})
	}
	return true
}

func (a *applier) file(pf *parsedFile) {
	h := pf.header
	for _, c := range pf.countries {
		c.inheritAt(h)
		if a.note(KindCountry, c.Code, c.Meta) {
			a.k.countries[c.Code] = c
		}
	}
	for _, b := range pf.blocs {
		b.inheritAt(h)
		if a.note(KindBloc, b.ID, b.Meta) {
			a.k.blocs[b.ID] = b
		}
	}
	for _, d := range pf.decisions {
		d.inheritAt(h)
		if a.note(KindAdequacy, adequacyID(d), d.Meta) {
			a.k.adequacy[adequacyID(d)] = d
		}
	}
	for _, s := range pf.programs {
		s.inheritAt(h)
		if a.note(KindSanction, s.Country, s.Meta) {
			a.k.sanctions[s.Country] = s
		}
	}
	for _, l := range pf.laws {
		l.inheritAt(h)
		if a.note(KindLaw, l.ID, l.Meta) {
			a.k.laws[l.ID] = l
		}
	}
	for _, r := range pf.regions {
		r.inheritAt(h)
		if !a.regionID(&r, pf) {
			continue
		}
		if a.note(KindRegion, r.ID, r.Meta) {
			a.k.regions[r.ID] = r
		}
	}
	for _, p := range pf.providers {
		p.inheritAt(h)
		if a.note(KindProvider, p.ID, p.Meta) {
			a.k.providers[p.ID] = p
		}
	}
	for _, s := range pf.schemes {
		s.inheritAt(h)
		if a.note(KindScheme, s.ID, s.Meta) {
			a.k.schemes[s.ID] = s
		}
	}
	for _, e := range pf.exports {
		e.inheritAt(h)
		if a.note(KindExportControl, e.ID, e.Meta) {
			a.k.exports[e.ID] = e
		}
	}
}

// regionID gives a region its cloud (its own, the file's, or the one its
// id is written with), its provider (its own or the file's) and its id
// cloud:region. It reports false, with a problem, when the cloud is missing
// or contradicts the id.
func (a *applier) regionID(r *Region, pf *parsedFile) bool {
	if r.Cloud == "" {
		r.Cloud = pf.cloud
	}
	if cloud, name, ok := strings.Cut(r.Name, ":"); ok {
		if r.Cloud != "" && r.Cloud != cloud {
			a.problems = append(a.problems, Problem{Position: r.Position(), Kind: KindRegion, ID: r.Name, Fatal: true,
				Message: fmt.Sprintf("id names cloud %q but the entry's cloud is %q", cloud, r.Cloud)})
			return false
		}
		r.Cloud, r.Name = cloud, name
	}
	if r.Cloud == "" {
		a.problems = append(a.problems, Problem{Position: r.Position(), Kind: KindRegion, ID: r.Name, Fatal: true,
			Message: "no cloud: give a top-level cloud, a cloud field, or an id written cloud:region"})
		return false
	}
	if r.Provider == "" {
		r.Provider = pf.provider
	}
	r.ID = r.Cloud + ":" + r.Name
	return true
}

// inheritAt fills missing provenance from the file header while keeping the
// entry's own position.
func (m *Meta) inheritAt(file Meta) {
	file0, line, col := m.File, m.Line, m.Column
	m.inherit(file)
	if file0 != "" {
		m.File, m.Line, m.Column = file0, line, col
	}
}

// sortProblems orders problems by file, then line and column as numbers.
func sortProblems(ps []Problem) {
	sort.SliceStable(ps, func(i, j int) bool { return positionLess(ps[i].Position, ps[j].Position) })
}

func positionLess(a, b string) bool {
	fa, la, ca := splitPosition(a)
	fb, lb, cb := splitPosition(b)
	if fa != fb {
		return fa < fb
	}
	if la != lb {
		return la < lb
	}
	return ca < cb
}

func splitPosition(p string) (file string, line, col int) {
	parts := strings.Split(p, ":")
	if len(parts) >= 3 {
		l, err1 := strconv.Atoi(parts[len(parts)-2])
		c, err2 := strconv.Atoi(parts[len(parts)-1])
		if err1 == nil && err2 == nil {
			return strings.Join(parts[:len(parts)-2], ":"), l, c
		}
	}
	return p, 0, 0
}
