package server

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"strconv"
	"time"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/store"
)

// The JSON API mirrors the pages; openapi.json describes it.

type workspaceOut struct {
	Slug string     `json:"slug"`
	Name string     `json:"name"`
	Role store.Role `json:"role"`
}

func (s *Server) apiWorkspaces(w http.ResponseWriter, r *http.Request, q *req) {
	out := []workspaceOut{}
	if q.p.token != nil {
		// A token sees its own workspace only.
		ws, err := s.store.WorkspacesOf(r.Context(), q.p.user.ID)
		if err != nil {
			s.apiError(w, http.StatusInternalServerError, err)
			return
		}
		for _, x := range ws {
			if x.Workspace.ID == q.p.token.WorkspaceID {
				role, _ := s.roleIn(r.Context(), q.p, x.Workspace)
				out = append(out, workspaceOut{x.Workspace.Slug, x.Workspace.Name, role})
			}
		}
		writeJSON(w, http.StatusOK, map[string]any{"workspaces": out})
		return
	}
	ws, err := s.store.WorkspacesOf(r.Context(), q.p.user.ID)
	if err != nil {
		s.apiError(w, http.StatusInternalServerError, err)
		return
	}
	for _, x := range ws {
		out = append(out, workspaceOut{x.Workspace.Slug, x.Workspace.Name, x.Role})
	}
	writeJSON(w, http.StatusOK, map[string]any{"workspaces": out})
}

type versionOut struct {
	Number     int             `json:"number"`
	CreatedAt  time.Time       `json:"created_at"`
	CreatedBy  string          `json:"created_by"`
	Source     string          `json:"source"`
	Note       string          `json:"note,omitempty"`
	Components int             `json:"components"`
	Summary    json.RawMessage `json:"summary"`
	// ImportWarnings are the warnings of the import that made the version,
	// given in the answer to the upload only (they are kept with the version
	// as import-warnings.txt).
	ImportWarnings []string `json:"import_warnings,omitempty"`
}

func versionJSON(v store.Version) (versionOut, error) {
	o, err := decodeOverview(v)
	if err != nil {
		return versionOut{}, err
	}
	sum, err := json.Marshal(o.Summary)
	return versionOut{Number: v.Number, CreatedAt: v.CreatedAt, CreatedBy: v.CreatedByLogin, Source: v.Source, Note: v.Note,
		Components: v.Components, Summary: sum}, err
}

func (s *Server) apiVersions(w http.ResponseWriter, r *http.Request, q *req) {
	all, err := s.store.ListVersions(r.Context(), q.ws.ID)
	if err != nil {
		s.apiError(w, http.StatusInternalServerError, err)
		return
	}
	out := make([]versionOut, 0, len(all))
	for _, v := range all {
		vo, err := versionJSON(v)
		if err != nil {
			s.apiError(w, http.StatusInternalServerError, err)
			return
		}
		out = append(out, vo)
	}
	writeJSON(w, http.StatusOK, map[string]any{"versions": out})
}

// apiVersion returns a version with its report head: summary, layers,
// providers, flows and notes (components are paged separately).
func (s *Server) apiVersion(w http.ResponseWriter, r *http.Request, q *req) {
	v, err := s.versionOf(r.Context(), q.ws, r.PathValue("n"))
	if err != nil {
		s.apiFail(w, err)
		return
	}
	s.writeCachedJSON(w, r, cacheKey{v.ID, "api-version", ""}, func(ctx context.Context) (any, error) {
		vo, err := versionJSON(v)
		if err != nil {
			return nil, err
		}
		head, err := s.head(ctx, v)
		if err != nil {
			return nil, err
		}
		return struct {
			versionOut
			Organization string                  `json:"organization"`
			Home         string                  `json:"home"`
			Layers       []sovmap.LayerSummary   `json:"layers"`
			Providers    []sovmap.ProviderResult `json:"providers"`
			Notes        []string                `json:"notes,omitempty"`
		}{vo, head.Organization, head.Home, head.Layers, head.Providers, head.Notes}, nil
	})
}

type componentRow struct {
	ID             string   `json:"id"`
	Name           string   `json:"name,omitempty"`
	Layer          string   `json:"layer"`
	Provider       string   `json:"provider,omitempty"`
	Controller     string   `json:"controller,omitempty"`
	Level          int      `json:"level"`
	EffectiveLevel int      `json:"effective_level"`
	RequiredLevel  int      `json:"required_level"`
	Gap            int      `json:"gap"`
	Category       string   `json:"category,omitempty"`
	Sourcing       string   `json:"sourcing"`
	Jurisdictions  []string `json:"jurisdictions"`
}

func (s *Server) apiComponents(w http.ResponseWriter, r *http.Request, q *req) {
	v, err := s.versionOf(r.Context(), q.ws, r.PathValue("n"))
	if err != nil {
		s.apiFail(w, err)
		return
	}
	cq, err := componentQuery(r.URL.Query())
	if err != nil {
		s.apiError(w, http.StatusBadRequest, err)
		return
	}
	f, err := componentFilterOf(r.URL.Query())
	if err != nil {
		s.apiError(w, http.StatusBadRequest, err)
		return
	}
	recs, total, err := s.listComponents(r.Context(), v, cq, f)
	if errors.As(err, new(*badInput)) {
		s.apiError(w, http.StatusBadRequest, err)
		return
	}
	if err != nil {
		s.apiFail(w, err)
		return
	}
	rows := make([]componentRow, len(recs))
	for i, c := range recs {
		rows[i] = componentRow{c.ID, c.Name, c.Layer, c.Provider, c.Controller, c.Level, c.EffectiveLevel, c.RequiredLevel, c.Gap, c.Category, c.Sourcing, c.Jurisdictions}
		if rows[i].Jurisdictions == nil {
			rows[i].Jurisdictions = []string{}
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"version": v.Number, "total": total, "offset": cq.Offset, "components": rows})
}

func (s *Server) apiComponent(w http.ResponseWriter, r *http.Request, q *req) {
	v, err := s.versionOf(r.Context(), q.ws, r.PathValue("n"))
	if err != nil {
		s.apiFail(w, err)
		return
	}
	id := r.PathValue("id")
	rec, err := s.store.Component(r.Context(), v.ID, id)
	if err != nil {
		s.apiError(w, statusOf(err), fmt.Errorf("version %d has no component %q", v.Number, id))
		return
	}
	deps, err := s.store.Dependents(r.Context(), v.ID, id)
	if err != nil {
		s.apiError(w, http.StatusInternalServerError, err)
		return
	}
	dependents := make([]string, len(deps))
	for i, d := range deps {
		dependents[i] = d.ID
	}
	writeJSON(w, http.StatusOK, map[string]any{"version": v.Number, "result": json.RawMessage(rec.Result),
		"spec": json.RawMessage(rec.Spec), "dependents": dependents})
}

func (s *Server) apiFlows(w http.ResponseWriter, r *http.Request, q *req) {
	v, err := s.versionOf(r.Context(), q.ws, r.PathValue("n"))
	if err != nil {
		s.apiFail(w, err)
		return
	}
	s.writeCachedJSON(w, r, cacheKey{v.ID, "api-flows", ""}, func(ctx context.Context) (any, error) {
		head, err := s.head(ctx, v)
		if err != nil {
			return nil, err
		}
		flows := head.Flows
		if flows == nil {
			flows = []sovmap.FlowResult{}
		}
		return map[string]any{"version": v.Number, "flows": flows}, nil
	})
}

func (s *Server) apiReport(w http.ResponseWriter, r *http.Request, q *req) {
	v, err := s.versionOf(r.Context(), q.ws, r.PathValue("n"))
	if err != nil {
		s.apiFail(w, err)
		return
	}
	format := r.URL.Query().Get("format")
	if format == "" {
		format = "json"
	}
	d, err := s.prepareReport(r, q, v, format)
	if err != nil {
		s.apiFail(w, err)
		return
	}
	s.sendReport(w, r, d, func(err error) { s.apiFail(w, err) })
}

func (s *Server) apiCompare(w http.ResponseWriter, r *http.Request, q *req) {
	d, a, b, err := s.compareVersions(r, q, r.URL.Query().Get("from"), r.URL.Query().Get("to"))
	if err != nil {
		s.apiFail(w, err)
		return
	}
	s.writeCachedJSON(w, r, cacheKey{a.ID, "api-compare", strconv.FormatInt(b.ID, 10)}, func(context.Context) (any, error) {
		return map[string]any{"from": a.Number, "to": b.Number, "diff": d}, nil
	})
}

func (s *Server) apiAudit(w http.ResponseWriter, r *http.Request, q *req) {
	before, _ := strconv.ParseInt(r.URL.Query().Get("before"), 10, 64)
	limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
	events, err := s.store.ListAudit(r.Context(), store.AuditQuery{Workspace: q.ws.Slug, BeforeID: before, Limit: min(max(limit, 0), 1000)})
	if err != nil {
		s.apiError(w, http.StatusInternalServerError, err)
		return
	}
	type eventOut struct {
		ID     int64     `json:"id"`
		At     time.Time `json:"at"`
		Actor  string    `json:"actor"`
		Action string    `json:"action"`
		Target string    `json:"target,omitempty"`
		Detail string    `json:"detail,omitempty"`
		Remote string    `json:"remote,omitempty"`
	}
	out := make([]eventOut, len(events))
	for i, e := range events {
		out[i] = eventOut{e.ID, e.At, e.Actor, e.Action, e.Target, e.Detail, e.Remote}
	}
	writeJSON(w, http.StatusOK, map[string]any{"events": out})
}

// requestFiles reads the inventory of an API request: a multipart form
// (fields "files", and "overlay" for the overlays of an import), or a raw
// body named by ?name= (default inventory.yaml, or inventory.json for a
// JSON content type).
func (s *Server) requestFiles(w http.ResponseWriter, r *http.Request) (files, overlays []store.File, err error) {
	r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxUploadBytes)
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	kind := r.URL.Query().Get("kind")
	inventoryOnly := kind == "" || kind == kindInventory
	if ct == "multipart/form-data" {
		if err := r.ParseMultipartForm(32 << 20); err != nil {
			return nil, nil, s.bodyError(err)
		}
		files, err := readUploads(append(r.MultipartForm.File["files"], r.MultipartForm.File["file"]...), inventoryOnly)
		if err != nil {
			return nil, nil, err
		}
		overlays, err := readOverlays(r.MultipartForm, kind)
		return files, overlays, err
	}
	name := r.URL.Query().Get("name")
	if name == "" {
		name = "inventory.yaml"
		if ct == "application/json" {
			name = "inventory.json"
		}
	}
	name, err = cleanUploadName(name)
	if err != nil {
		return nil, nil, &badInput{err}
	}
	if inventoryOnly && !isInventoryName(name) {
		return nil, nil, &badInput{fmt.Errorf("name=%s: an inventory is a .yaml, .yml or .json file", name)}
	}
	data, err := readBody(r.Body, r.ContentLength, s.cfg.MaxUploadBytes)
	if err != nil {
		return nil, nil, s.bodyError(err)
	}
	return []store.File{{Name: name, Data: data}}, nil, nil
}

// readBody reads a request body or an uploaded form part whole, into one
// buffer of the length announced (the request's Content-Length, the part's
// size) when there is one, where io.ReadAll grows its
// buffer by doubling: for a million-component inventory, a 400 MB body
// copied and cleared several times over on one core. The body's reader
// (http.MaxBytesReader) caps what is read whatever is announced, and no
// more than limit is made room for on a client's word.
func readBody(body io.Reader, announced, limit int64) ([]byte, error) {
	if announced <= 0 || announced > limit {
		return io.ReadAll(body)
	}
	// Room for bytes.MinRead more than announced, so that ReadFrom sees
	// the end without growing. Not io.ReadFull: it reports a body cut
	// short (net/http's io.ErrUnexpectedEOF) as it reports a short one,
	// where only io.EOF ends a body whole.
	b := bytes.NewBuffer(make([]byte, 0, announced+bytes.MinRead))
	if _, err := b.ReadFrom(body); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// errTooLarge is an upload over Config.MaxUploadBytes.
var errTooLarge = errors.New("the upload is larger than the server accepts")

func (s *Server) bodyError(err error) error {
	var mb *http.MaxBytesError
	var pathErr *fs.PathError
	switch {
	case errors.As(err, &mb):
		return fmt.Errorf("%w (%d bytes)", errTooLarge, mb.Limit)
	case errors.As(err, &pathErr):
		// The server's temporary files, not the client's fault: logged here,
		// answered 500 without the path.
		return s.bodyReadError(err)
	}
	return &badInput{fmt.Errorf("the request body could not be read: %w", err)}
}

func (s *Server) apiUpload(w http.ResponseWriter, r *http.Request, q *req) {
	query := r.URL.Query()
	if !validKind(query.Get("kind")) {
		s.apiError(w, http.StatusBadRequest, fmt.Errorf("kind=%s: want one of inventory, terraform, cyclonedx, sheet", query.Get("kind")))
		return
	}
	files, overlays, err := s.requestFiles(w, r)
	var warnings []string
	if err == nil {
		files, warnings, err = s.importUpload(r.Context(), query.Get("kind"), files, importOptions{Home: query.Get("home"), Org: query.Get("org"), Overlays: overlays})
	}
	if err != nil {
		s.apiUploadError(w, err)
		return
	}
	v, _, err := s.storeUpload(r.Context(), q, files, "api", r.URL.Query().Get("note"), clientAddr(r))
	if err != nil {
		s.apiUploadError(w, err)
		return
	}
	vo, err := versionJSON(v)
	if err != nil {
		s.apiError(w, http.StatusInternalServerError, err)
		return
	}
	vo.ImportWarnings = warnings
	w.Header().Set("Location", fmt.Sprintf("/api/v1/workspaces/%s/versions/%d", q.ws.Slug, v.Number))
	writeJSON(w, http.StatusCreated, vo)
}

func (s *Server) apiUploadError(w http.ResponseWriter, err error) {
	if errors.Is(err, errTooLarge) {
		s.apiError(w, http.StatusRequestEntityTooLarge, err)
		return
	}
	s.apiFail(w, err)
}

// writeJSONList answers {"key": [...]} with n items, encoding and sending
// one item at a time, so that a list of a million rows is streamed rather
// than built in memory first.
func writeJSONList(w http.ResponseWriter, key string, n int, item func(i int) any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	bw := bufio.NewWriterSize(w, 64<<10)
	k, _ := json.Marshal(key)
	fmt.Fprintf(bw, "{\n  %s: [", k)
	enc := json.NewEncoder(bw)
	for i := range n {
		if i > 0 {
			bw.WriteString(",")
		}
		bw.WriteString("\n    ")
		// Encode ends each item with a newline, which JSON allows.
		if err := enc.Encode(item(i)); err != nil {
			return
		}
	}
	bw.WriteString("]\n}\n")
	bw.Flush()
}

// writeCachedJSON answers with the JSON of what build returns, encoded once
// per key: the answers about a stored version never change, and encoding a
// large one (every flow, every vendor) costs more than sending it.
func (s *Server) writeCachedJSON(w http.ResponseWriter, r *http.Request, key cacheKey, build func(ctx context.Context) (any, error)) {
	// Light: build asks for heavy entries itself, which take their slots.
	body, err := cachedLight(r.Context(), s.cache, key, func(ctx context.Context) ([]byte, int64, error) {
		v, err := build(ctx)
		if err != nil {
			return nil, 0, err
		}
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetIndent("", "  ")
		if err := enc.Encode(v); err != nil {
			return nil, 0, err
		}
		return b.Bytes(), int64(b.Len()), nil
	})
	if err != nil {
		s.apiFail(w, err)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	w.Write(body)
}
