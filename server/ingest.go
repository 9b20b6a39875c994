package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"mime/multipart"
	"path"
	"slices"
	"sort"
	"strings"
	"testing/fstest"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/assess"
	"github.com/sovmap/sovmap/internal/fanout"
	"github.com/sovmap/sovmap/internal/plural"
	"github.com/sovmap/sovmap/inventory"
	"github.com/sovmap/sovmap/kb"
	"github.com/sovmap/sovmap/report"
	"github.com/sovmap/sovmap/store"
)

// maxUploadFiles caps the files of one upload (a directory upload).
const maxUploadFiles = 1000

// badInput is an upload that is not a valid inventory: the client's fault,
// answered with 422 and the positioned problems.
type badInput struct{ err error }

func (e *badInput) Error() string { return e.err.Error() }
func (e *badInput) Unwrap() error { return e.err }

// problemOut is one positioned problem, as pages and the API show it.
type problemOut struct {
	File    string `json:"file,omitempty"`
	Line    int    `json:"line,omitempty"`
	Column  int    `json:"column,omitempty"`
	Message string `json:"message"`
	// Where is file:line:col, the form editors jump to.
	Where string `json:"-"`
}

// problemsOf lists the positioned problems an inventory error carries.
func problemsOf(err error) []problemOut {
	var ie *inventory.Error
	if !errors.As(err, &ie) {
		return nil
	}
	out := make([]problemOut, 0, len(ie.Problems))
	for _, p := range ie.Problems {
		out = append(out, problemOut{File: p.Pos.File, Line: p.Pos.Line, Column: p.Pos.Col, Message: p.Msg, Where: p.Pos.String()})
	}
	return out
}

// isInventoryName reports whether a file of a directory upload is read;
// other files (a README, a picture) are left out, as `sovmap assess DIR` does.
func isInventoryName(name string) bool {
	switch strings.ToLower(path.Ext(name)) {
	case ".yaml", ".yml", ".json":
		return true
	}
	return false
}

// cleanUploadName keeps the relative path a browser sends for a directory
// upload, without any way out of it.
func cleanUploadName(name string) (string, error) {
	name = strings.ReplaceAll(name, `\`, "/")
	clean := path.Clean("/" + name)[1:]
	if clean == "" || clean == "." || strings.ContainsAny(clean, "\x00:") || len(clean) > 255 {
		return "", fmt.Errorf("unusable file name %q", name)
	}
	return clean, nil
}

// uploadName is the name a browser gave an uploaded file: for a directory
// upload, its path relative to the directory. (multipart keeps only the
// last element of it in FileHeader.Filename, which would merge team-a/x.yaml
// and team-b/x.yaml into one name.)
func uploadName(h *multipart.FileHeader) string {
	if _, params, err := mime.ParseMediaType(h.Header.Get("Content-Disposition")); err == nil && params["filename"] != "" {
		return params["filename"]
	}
	return h.Filename
}

// readUploads collects the files of a multipart form field: the inventory
// files when inventoryOnly, else every file (the sources of an import).
func readUploads(headers []*multipart.FileHeader, inventoryOnly bool) ([]store.File, error) {
	var files []store.File
	for _, h := range headers {
		name, err := cleanUploadName(uploadName(h))
		if err != nil {
			return nil, &badInput{err}
		}
		if inventoryOnly && !isInventoryName(name) {
			if len(headers) == 1 {
				return nil, &badInput{fmt.Errorf("%s: an inventory is a .yaml, .yml or .json file", name)}
			}
			continue
		}
		if len(files) == maxUploadFiles {
			return nil, &badInput{fmt.Errorf("more than %d inventory files in one upload", maxUploadFiles)}
		}
		f, err := h.Open()
		if err != nil {
			return nil, err
		}
		// The part is already received (in memory or a temporary file):
		// its size is known, and read into one buffer of it.
		data, err := readBody(f, h.Size, h.Size)
		f.Close()
		if err != nil {
			return nil, err
		}
		files = append(files, store.File{Name: name, Data: data})
	}
	sort.SliceStable(files, func(i, j int) bool { return files[i].Name < files[j].Name })
	for i := 1; i < len(files); i++ {
		if files[i].Name == files[i-1].Name {
			return nil, &badInput{fmt.Errorf("%s: uploaded twice", files[i].Name)}
		}
	}
	return files, nil
}

// decodeFiles reads and validates an uploaded inventory, one file or many,
// with the same loader as the CLI, and returns the knowledge base the
// inventory's own knowledge: section extends.
func (s *Server) decodeFiles(ctx context.Context, files []store.File) (*sovmap.Inventory, *kb.KB, error) {
	files = inventoryFiles(files)
	if len(files) == 0 {
		return nil, nil, &badInput{errors.New("no inventory file (.yaml, .yml or .json) was uploaded")}
	}
	var inv *sovmap.Inventory
	var err error
	if len(files) == 1 {
		inv, err = inventory.Decode(ctx, s.cfg.KB, files[0].Name, files[0].Data)
	} else {
		inv, err = s.loadMany(ctx, files)
	}
	if err != nil {
		var ie *inventory.Error
		if errors.As(err, &ie) {
			return nil, nil, &badInput{err}
		}
		return nil, nil, err
	}
	k, err := inventory.WithKnowledge(s.cfg.KB, inv)
	if err != nil {
		return nil, nil, &badInput{err}
	}
	return inv, k, nil
}

// loadMany loads several files as `sovmap assess DIR` would, from memory:
// positions and errors name the uploaded files and nothing else.
func (s *Server) loadMany(ctx context.Context, files []store.File) (*sovmap.Inventory, error) {
	fsys := make(fstest.MapFS, len(files))
	for _, f := range files {
		fsys[f.Name] = &fstest.MapFile{Data: f.Data, Mode: 0o444}
	}
	return inventory.LoadFS(ctx, s.cfg.KB, fsys, ".")
}

// assessFiles decodes and assesses an upload.
func (s *Server) assessFiles(ctx context.Context, files []store.File) (*sovmap.Inventory, *sovmap.Report, *kb.KB, error) {
	inv, k, err := s.decodeFiles(ctx, files)
	if err != nil {
		return nil, nil, nil, err
	}
	rep, err := assess.Assess(ctx, inv, k, s.cfg.AssessOptions(inv, k))
	if err != nil {
		return nil, nil, nil, &badInput{err}
	}
	return inv, rep, k, nil
}

// overview is what the overview page and the trend read from a version
// without loading its components: stored as the version's Summary.
type overview struct {
	Organization string                `json:"organization"`
	Home         string                `json:"home"`
	Summary      sovmap.Summary        `json:"summary"`
	Layers       []sovmap.LayerSummary `json:"layers"`
}

// newVersion turns an assessed inventory into what the store keeps. The
// components' records are made while the store writes them (see
// componentSource).
func newVersion(inv *sovmap.Inventory, rep *sovmap.Report, k *kb.KB, files []store.File) (store.NewVersion, error) {
	if len(rep.Components) != len(inv.Components) {
		return store.NewVersion{}, fmt.Errorf("the assessment has %d components, the inventory %d", len(rep.Components), len(inv.Components))
	}
	nv := store.NewVersion{Files: files}
	var specs []int
	var err error
	uploaded := 0
	for _, f := range files {
		uploaded += len(f.Data)
	}
	if nv.Inventory, specs, err = inventoryJSON(inv, 2*uploaded+1<<20); err != nil {
		return nv, err
	}
	if nv.Positions, err = encodePositions(inv); err != nil {
		return nv, err
	}
	head := *rep
	head.Components = nil
	if nv.Head, err = json.Marshal(&head); err != nil {
		return nv, err
	}
	if nv.Summary, err = json.Marshal(overview{Organization: rep.Organization, Home: rep.Home, Summary: rep.Summary, Layers: rep.Layers}); err != nil {
		return nv, err
	}
	src := &componentSource{inv: inv, rep: rep, k: k, controllerCountry: map[string]string{}, invJSON: nv.Inventory, specs: specs}
	for _, p := range rep.Providers {
		src.controllerCountry[p.ID] = p.ControllerCountry
	}
	nv.Components = src
	return nv, nil
}

// componentSource makes the store's record of each component, a batch at a
// time on every core, reusing the buffers of the batch before: a result's
// JSON is written by report.AppendComponentResult, as fast as the CLI's
// report, rather than by reflection.
type componentSource struct {
	inv               *sovmap.Inventory
	rep               *sovmap.Report
	k                 *kb.KB
	controllerCountry map[string]string
	// invJSON is the inventory as JSON, and component i's spec is
	// invJSON[specs[i]:specs[i+1]-1] (less the comma or bracket after it).
	invJSON []byte
	specs   []int
}

// inventoryJSON returns json.Marshal(inv), and where each component is in
// it (see componentSource.specs). The components, most of it, are
// written by inventory.AppendComponentJSON (json.Marshal's bytes without
// reflection) on every core, a range each; json.Marshal of a component is
// the same bytes inside the inventory as alone (a test holds the two
// together), and the components field is the only one named so before it.
//
// The inventory is tens of megabytes at 100,000 components, and every
// copy or doubling of it costs (fresh memory is slow to touch): each range
// is written in place, in its region of one buffer sized from a sample of
// the components with room to spare, and the regions are then closed up.
// The buffer is at most maxRoom bytes, whatever the sample says: a sample
// is the client's to choose (a few huge components where it is taken), and
// a range that outgrows its region only costs a copy.
func inventoryJSON(inv *sovmap.Inventory, maxRoom int) ([]byte, []int, error) {
	head := *inv
	head.Components = nil
	b, err := json.Marshal(&head)
	if err != nil || inv.Components == nil {
		return b, []int{0}, err
	}
	const empty = `"components":null`
	at := bytes.Index(b, []byte(empty))
	if at < 0 {
		return nil, nil, fmt.Errorf("inventory JSON without %s", empty)
	}
	prefix, suffix := b[:at+len(empty)-len("null")], b[at+len(empty):]
	n := len(inv.Components)
	per, err := componentRoom(inv.Components)
	if err != nil {
		return nil, nil, err
	}
	base := len(prefix) + 1 // and the bracket
	per = max(0, min(per, (maxRoom-base-1-len(suffix))/max(n, 1)))
	out := make([]byte, base+n*per+1+len(suffix))
	// Not copy(out, prefix) straight after the make: the compiler fuses
	// the two into one call that clears the whole buffer first, on one
	// core and where the collector cannot stop it (1.7 s at a million
	// components), where the make alone leaves fresh memory to be cleared
	// by the system as the ranges write it, on every core.
	out[len(prefix)] = '['
	copy(out, prefix)
	// parts[w] is range w's JSON, in its region of out unless it outgrew
	// it (then append moved it), of size room[w].
	parts := make([][]byte, fanout.Workers(n, 256))
	room := make([]int, len(parts))
	lens := make([]int, n)
	err = fanout.Ranges(n, 256, func(w, lo, hi int) error {
		part := out[base+lo*per : base+lo*per : base+hi*per]
		for i := lo; i < hi; i++ {
			start := len(part)
			var err error
			if part, err = inventory.AppendComponentJSON(part, &inv.Components[i]); err != nil {
				return fmt.Errorf("component %s: %w", inv.Components[i].ID, err)
			}
			part = append(part, ',')
			lens[i] = len(part) - start
		}
		parts[w], room[w] = part, (hi-lo)*per
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	specs := make([]int, n+1)
	specs[0] = base
	for i, l := range lens {
		specs[i+1] = specs[i] + l
	}
	pos := base
	for w, p := range parts {
		if len(p) > room[w] {
			// A range outgrew its room: close up into a new buffer.
			pos = -1
			break
		}
	}
	if pos < 0 {
		out = append(make([]byte, 0, specs[n]+1+len(suffix)), out[:base]...)
		for _, p := range parts {
			out = append(out, p...)
		}
	} else {
		// Each part moves down, never over the parts after it: it ends
		// within its own region.
		for _, p := range parts {
			pos += copy(out[pos:], p)
		}
		out = out[:pos]
	}
	if n > 0 {
		out = out[:len(out)-1] // the last comma
	}
	out = append(append(out, ']'), suffix...)
	return out, specs, nil
}

// componentRoom is how many bytes to set aside for each component's JSON
// and comma: the mean of a sample spread over them, and a quarter more.
func componentRoom(cs []sovmap.Component) (int, error) {
	step := max(1, len(cs)/256)
	var buf []byte
	sampled, size := 0, 0
	for i := 0; i < len(cs); i += step {
		var err error
		if buf, err = inventory.AppendComponentJSON(buf[:0], &cs[i]); err != nil {
			return 0, fmt.Errorf("component %s: %w", cs[i].ID, err)
		}
		sampled, size = sampled+1, size+len(buf)+1
	}
	if sampled == 0 {
		return 0, nil
	}
	return size/sampled + size/sampled/4 + 16, nil
}

// Len is the number of components.
func (s *componentSource) Len() int { return len(s.rep.Components) }

// Fill makes the records of components start to start+len(recs).
func (s *componentSource) Fill(start int, recs []store.ComponentRecord) error {
	return fanout.Ranges(len(recs), 256, func(_, lo, hi int) error {
		last := 0
		for i := lo; i < hi; i++ {
			// A record not yet used would grow its result from nothing,
			// doubling a dozen times: start it at about its neighbour's
			// size instead (results are a few kilobytes each).
			if cap(recs[i].Result) < last {
				recs[i].Result = make([]byte, 0, last+last/4)
			}
			if err := s.record(start+i, &recs[i]); err != nil {
				return err
			}
			last = len(recs[i].Result)
		}
		return nil
	})
}

func (s *componentSource) record(i int, rec *store.ComponentRecord) error {
	c, spec := &s.rep.Components[i], &s.inv.Components[i]
	*rec = store.ComponentRecord{
		Index: i, ID: c.ID, Name: spec.Name, Layer: string(c.Layer), Provider: c.Provider, Controller: c.Controller,
		Level: int(c.Level), EffectiveLevel: int(c.EffectiveLevel), RequiredLevel: int(c.RequiredLevel), Gap: c.Gap,
		Category: string(bindingCategory(c)), Sourcing: string(c.Sourcing),
		Jurisdictions: jurisdictions(rec.Jurisdictions[:0], spec, c, s.k, s.controllerCountry[c.Provider]),
		DependsOn:     rec.DependsOn[:0],
		Result:        rec.Result[:0],
	}
	for _, d := range spec.DependsOn {
		rec.DependsOn = append(rec.DependsOn, store.Dependency{ID: d.ID, Kind: string(d.Kind)})
	}
	var err error
	if rec.Result, err = report.AppendComponentResult(rec.Result, c); err != nil {
		return fmt.Errorf("component %s: %w", c.ID, err)
	}
	// Shared with the inventory, and capped, so that no append writes
	// into it.
	end := s.specs[i+1] - 1
	rec.Spec = s.invJSON[s.specs[i]:end:end]
	return nil
}

// bindingCategory is the category of the strongest requirement, the one
// that sets the required level.
func bindingCategory(c *sovmap.ComponentResult) sovmap.Category {
	for _, r := range c.Reasons {
		if r.Level == c.RequiredLevel {
			return r.Category
		}
	}
	return ""
}

// jurisdictions appends to out the countries a component touches, sorted
// and once each: where it is, where it is run from, who controls it and
// whose laws reach it.
func jurisdictions(out []string, spec *sovmap.Component, c *sovmap.ComponentResult, k *kb.KB, controllerCountry string) []string {
	for _, l := range spec.Locations {
		if kb.IsRegionID(l) {
			if r, ok := k.Region(l); ok {
				out = append(out, r.Country)
			}
			continue
		}
		out = append(out, l)
	}
	out = append(out, spec.OperatedFrom...)
	out = append(out, controllerCountry)
	out = append(out, c.Exposure...)
	slices.Sort(out)
	out = slices.Compact(out)
	if len(out) > 0 && out[0] == "" {
		out = slices.Delete(out, 0, 1)
	}
	return out
}

// storeUpload assesses an upload and stores it as a new version, with its audit
// record in the same transaction, then warms the version's first views in
// the background (cache_warm.go).
func (s *Server) storeUpload(ctx context.Context, q *req, files []store.File, source, note, remote string) (store.Version, *sovmap.Report, error) {
	inv, rep, k, err := s.assessFiles(ctx, files)
	if err != nil {
		if errors.As(err, new(*badInput)) {
			s.metrics.uploadsBad.Add(1)
		}
		return store.Version{}, nil, err
	}
	nv, err := newVersion(inv, rep, k, files)
	if err != nil {
		return store.Version{}, nil, err
	}
	nv.WorkspaceID, nv.CreatedBy, nv.Source, nv.Note = q.ws.ID, q.p.user.ID, source, note
	names := make([]string, len(files))
	for i, f := range files {
		names[i] = f.Name
	}
	nv.Audit = &store.Event{ActorID: q.p.user.ID, Actor: q.p.actor(), Workspace: q.ws.Slug, Action: "version." + source,
		Detail: fmt.Sprintf("%s from %s", plural.Count(len(inv.Components), "component"), strings.Join(names, ", ")), Remote: remote}
	s.log.Info("storing version", "workspace", q.ws.Slug, "components", nv.Components.Len(), "files", len(files), "by", q.p.actor())
	v, err := s.store.AddVersion(ctx, nv)
	if err != nil {
		return store.Version{}, nil, err
	}
	s.metrics.uploads.Add(1)
	s.log.Info("stored version", "workspace", q.ws.Slug, "version", v.Number, "components", v.Components)
	// Every way in (the API, the form, the CI gate) warms the first views.
	s.warm(v, inv, rep)
	return v, rep, nil
}
