package server

import (
	"errors"
	"fmt"
	"html/template"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/diff"
	"github.com/sovmap/sovmap/store"
)

// versionPage is what every page about one version shares.
type versionPage struct {
	VersionCount int
	LatestNumber int
	// VersionParam is the ?v= of the request, kept in links; VersionQuery is
	// "v=N&" or empty, to start a query string with.
	VersionParam string
	VersionQuery template.URL
}

// loadVersion finds the version a page shows and fills the view's version
// bar. It answers the request itself (and returns false) when there is
// nothing to show.
func (s *Server) loadVersion(w http.ResponseWriter, r *http.Request, q *req, v *view) (store.Version, versionPage, bool) {
	ctx := r.Context()
	param := r.URL.Query().Get("v")
	latest, err := s.store.LatestVersion(ctx, q.ws.ID)
	if errors.Is(err, store.ErrNotFound) {
		s.render(w, r, http.StatusOK, "empty", v)
		return store.Version{}, versionPage{}, false
	}
	if err != nil {
		s.pageError(w, r, q, http.StatusInternalServerError, err)
		return store.Version{}, versionPage{}, false
	}
	ver := latest
	if param != "" && param != "latest" {
		if ver, err = s.versionOf(ctx, q.ws, param); err != nil {
			s.pageError(w, r, q, 0, err)
			return store.Version{}, versionPage{}, false
		}
	}
	vp := versionPage{VersionCount: latest.Number, LatestNumber: latest.Number, VersionQuery: versionQuery(ver, latest)}
	if ver.Number != latest.Number {
		vp.VersionParam = strconv.Itoa(ver.Number)
	}
	v.Version = &ver
	return ver, vp, true
}

// versionQuery is the query a page of ver starts its links with: none for
// the workspace's latest version, whose pages link without one, "v=N&" for
// an older one.
func versionQuery(ver, latest store.Version) template.URL {
	if ver.Number == latest.Number {
		return ""
	}
	return template.URL("v=" + strconv.Itoa(ver.Number) + "&")
}

// componentQuery reads the filters of the components page and API.
func componentQuery(vals url.Values) (store.ComponentQuery, error) {
	q := store.ComponentQuery{Layer: vals.Get("layer"), Provider: vals.Get("provider"), Jurisdiction: vals.Get("jurisdiction"),
		Search: vals.Get("q"), Sort: vals.Get("sort"), Desc: vals.Get("desc") == "1" || vals.Get("desc") == "true"}
	num := func(name string, lo, hi int) (int, error) {
		s := vals.Get(name)
		if s == "" {
			return 0, nil
		}
		n, err := strconv.Atoi(s)
		if err != nil || n < lo || n > hi {
			return 0, &badInput{fmt.Errorf("%s=%q: want a whole number from %d to %d", name, s, lo, hi)}
		}
		return n, nil
	}
	var err error
	if vals.Get("level") != "" {
		l, err := num("level", 0, int(sovmap.MaxLevel))
		if err != nil {
			return q, err
		}
		q.Level = &l
	}
	if q.MinGap, err = num("min_gap", 0, int(sovmap.MaxLevel)); err != nil {
		return q, err
	}
	if q.Offset, err = num("offset", 0, 1<<30); err != nil {
		return q, err
	}
	if q.Limit, err = num("limit", 0, 1000); err != nil {
		return q, err
	}
	if q.Sort != "" && !slices.Contains(store.SortKeys, q.Sort) {
		return q, &badInput{fmt.Errorf("sort=%q: one of %s", q.Sort, strings.Join(store.SortKeys, ", "))}
	}
	if q.Layer != "" && !sovmap.Layer(q.Layer).Valid() {
		return q, &badInput{fmt.Errorf("layer=%q is not a layer", q.Layer)}
	}
	return q, nil
}

type column struct {
	Label  string
	Href   string
	Num    bool
	Sorted string
}

func (s *Server) handleComponents(w http.ResponseWriter, r *http.Request, q *req) {
	v := s.newView(q, "Components", "components")
	ver, vp, ok := s.loadVersion(w, r, q, v)
	if !ok {
		return
	}
	vals := r.URL.Query()
	cq, err := componentQuery(vals)
	if err != nil {
		s.pageError(w, r, q, 0, err)
		return
	}
	if cq.Limit == 0 {
		cq.Limit = 50
	}
	f, err := componentFilterOf(vals)
	if err != nil {
		s.pageError(w, r, q, 0, err)
		return
	}
	rows, total, err := s.listComponents(r.Context(), ver, cq, f)
	if err != nil {
		s.pageError(w, r, q, 0, err)
		return
	}
	facets, err := s.facets(r.Context(), ver.ID)
	if err != nil {
		s.pageError(w, r, q, 0, err)
		return
	}
	link := func(set map[string]string) string {
		nv := url.Values{}
		for k, vs := range vals {
			nv[k] = vs
		}
		for k, val := range set {
			if val == "" {
				nv.Del(k)
			} else {
				nv.Set(k, val)
			}
		}
		return "components?" + nv.Encode()
	}
	var cols []column
	for _, c := range []struct{ label, key string }{{"Component", "id"}, {"Layer", "layer"}, {"Provider", "provider"},
		{"Own level", "level"}, {"Effective", "effective"}, {"Required", "required"}, {"Gap", "gap"}, {"Reason", ""}, {"Sourcing", ""}, {"Jurisdictions", ""}} {
		col := column{Label: c.label, Num: c.key == "level" || c.key == "effective" || c.key == "required" || c.key == "gap"}
		if c.key != "" {
			desc := ""
			if cq.Sort == c.key && !cq.Desc {
				desc = "1"
			}
			col.Href = link(map[string]string{"sort": c.key, "desc": desc, "offset": ""})
			if cq.Sort == c.key {
				col.Sorted = "ascending"
				if cq.Desc {
					col.Sorted = "descending"
				}
			}
		}
		cols = append(cols, col)
	}
	// The select boxes' options, with the chosen one marked, are built here
	// rather than compared option by option in the template: the list page
	// is the hottest page of the dashboard.
	levelOpts := make([]option, 0, sovmap.MaxLevel+1)
	for l := sovmap.Exposed; l <= sovmap.MaxLevel; l++ {
		v := strconv.Itoa(int(l))
		levelOpts = append(levelOpts, option{v, v + " " + l.String(), vals.Get("level") == v})
	}
	gapOpts := make([]option, 0, sovmap.MaxLevel)
	for g := 1; g <= int(sovmap.MaxLevel); g++ {
		gapOpts = append(gapOpts, option{strconv.Itoa(g), strconv.Itoa(g) + " or more", cq.MinGap == g})
	}
	layerNames := make([]string, len(sovmap.Layers))
	for i, l := range sovmap.Layers {
		layerNames[i] = string(l)
	}
	data := struct {
		versionPage
		Q                store.ComponentQuery
		LevelParam       string
		Rows             []store.ComponentRecord
		Total, From, To  int
		Page, Pages      int
		Limit            int
		Prev, Next       string
		Facets           store.Facets
		RowsHTML         template.HTML
		LayerOpts        template.HTML
		LevelOpts        template.HTML
		GapOpts          template.HTML
		ProviderOpts     template.HTML
		JurisdictionOpts template.HTML
		SortOpts         template.HTML
		Columns          []column
		filterView
	}{filterView: newFilterView(f, vals), versionPage: vp, Q: cq, LevelParam: vals.Get("level"), Rows: rows, Total: total, Limit: cq.Limit,
		RowsHTML: componentRowsHTML(rows, string(vp.VersionQuery)),
		Facets:   facets, LayerOpts: optionsHTML(options(layerNames, cq.Layer)), LevelOpts: optionsHTML(levelOpts), GapOpts: optionsHTML(gapOpts),
		ProviderOpts: optionsHTML(options(facets.Providers, cq.Provider)), JurisdictionOpts: optionsHTML(options(facets.Jurisdictions, cq.Jurisdiction)),
		SortOpts: optionsHTML(options(store.SortKeys, cq.Sort)), Columns: cols}
	if total > 0 && len(rows) > 0 {
		data.From, data.To = cq.Offset+1, cq.Offset+len(rows)
	}
	data.Page, data.Pages = cq.Offset/cq.Limit+1, max(1, (total+cq.Limit-1)/cq.Limit)
	if cq.Offset > 0 {
		data.Prev = link(map[string]string{"offset": strconv.Itoa(max(0, cq.Offset-cq.Limit))})
	}
	if cq.Offset+cq.Limit < total {
		data.Next = link(map[string]string{"offset": strconv.Itoa(cq.Offset + cq.Limit)})
	}
	v.Data = data
	s.render(w, r, http.StatusOK, "components", v)
}

func (s *Server) handleComponent(w http.ResponseWriter, r *http.Request, q *req) {
	id := r.URL.Query().Get("id")
	v := s.newView(q, id, "components")
	ver, vp, ok := s.loadVersion(w, r, q, v)
	if !ok {
		return
	}
	rec, err := s.store.Component(r.Context(), ver.ID, id)
	if err != nil {
		s.pageError(w, r, q, 0, fmt.Errorf("version %d has no component %q: %w", ver.Number, id, err))
		return
	}
	c, spec, err := componentOf(rec)
	if err != nil {
		s.pageError(w, r, q, http.StatusInternalServerError, err)
		return
	}
	dependents, err := s.store.Dependents(r.Context(), ver.ID, id)
	if err != nil {
		s.pageError(w, r, q, http.StatusInternalServerError, err)
		return
	}
	v.Data = struct {
		versionPage
		Result     *sovmap.ComponentResult
		Spec       *sovmap.Component
		DependsOn  dependencyList
		Dependents dependencyList
	}{vp, c, spec, dependencyList{mergeDependencies(rec.DependsOn), vp.VersionQuery, "dependencies", id},
		dependencyList{mergeDependencies(dependents), vp.VersionQuery, "dependents", id}}
	s.render(w, r, http.StatusOK, "component", v)
}

// dependencyLink is one component a component depends on (or is
// depended on by), once, with every kind of dependency between them and
// how many times the inventory lists it.
type dependencyLink struct {
	ID    string
	Kinds []string
	Times int
}

// dependencyList is what the component page's "deplist" template shows:
// the links and the query that keeps them on the version shown. Param
// and Of are the components list's filter of the same components
// (dependencies=ID or dependents=ID).
type dependencyList struct {
	Links        []dependencyLink
	VersionQuery template.URL
	Param, Of    string
}

// mergeDependencies folds repeated dependencies: an inventory may list
// the same one twice, or once as runtime and once as supply, and the page
// should name each component once. The first listing's order is kept.
func mergeDependencies(deps []store.Dependency) []dependencyLink {
	var out []dependencyLink
	at := make(map[string]int, len(deps))
	for _, d := range deps {
		i, ok := at[d.ID]
		if !ok {
			i = len(out)
			at[d.ID] = i
			out = append(out, dependencyLink{ID: d.ID})
		}
		l := &out[i]
		l.Times++
		if d.Kind != "" && !slices.Contains(l.Kinds, d.Kind) {
			l.Kinds = append(l.Kinds, d.Kind)
		}
	}
	return out
}

func (s *Server) handleVersions(w http.ResponseWriter, r *http.Request, q *req) {
	all, err := s.store.ListVersions(r.Context(), q.ws.ID)
	if err != nil {
		s.pageError(w, r, q, http.StatusInternalServerError, err)
		return
	}
	v := s.newView(q, "Versions", "versions")
	if len(all) == 0 {
		s.render(w, r, http.StatusOK, "empty", v)
		return
	}
	v.Data = struct{ Versions []store.Version }{all}
	s.render(w, r, http.StatusOK, "versions", v)
}

// compareVersions loads two versions' reports and compares them with the
// same engine as `sovmap diff`.
func (s *Server) compareVersions(r *http.Request, q *req, from, to string) (*diff.Diff, store.Version, store.Version, error) {
	if from == "" || to == "" {
		return nil, store.Version{}, store.Version{}, &badInput{errors.New("name two versions: from=N&to=M")}
	}
	a, err := s.versionOf(r.Context(), q.ws, from)
	if err != nil {
		return nil, a, a, err
	}
	b, err := s.versionOf(r.Context(), q.ws, to)
	if err != nil {
		return nil, a, b, err
	}
	d, err := s.compare(r.Context(), a, b)
	return d, a, b, err
}

func (s *Server) handleCompare(w http.ResponseWriter, r *http.Request, q *req) {
	d, a, b, err := s.compareVersions(r, q, r.URL.Query().Get("from"), r.URL.Query().Get("to"))
	if err != nil {
		s.pageError(w, r, q, 0, err)
		return
	}
	// The report heads (no components) say whose inventories these are.
	ha, err := s.head(r.Context(), a)
	if err != nil {
		s.pageError(w, r, q, http.StatusInternalServerError, err)
		return
	}
	hb, err := s.head(r.Context(), b)
	if err != nil {
		s.pageError(w, r, q, http.StatusInternalServerError, err)
		return
	}
	v := s.newView(q, fmt.Sprintf("Version %d → %d", a.Number, b.Number), "versions")
	v.Data = struct {
		Diff             *diff.Diff
		From, To         int
		Rows             []changeRow
		OrgFrom, OrgTo   string
		HomeFrom, HomeTo string
		OtherOrg         bool
	}{d, a.Number, b.Number, changeRows(d.Before, d.After), ha.Organization, hb.Organization, ha.Home, hb.Home,
		ha.Organization != hb.Organization || ha.Home != hb.Home}
	s.render(w, r, http.StatusOK, "compare", v)
}

// changeRow is one figure of the comparison's summary: its value in each
// version and the change, which says in words whether it is worse.
type changeRow struct {
	Label         string
	Before, After int
	Change        string
	// Class is "worse", "better" or "" (no change, or no direction).
	Class string
}

// changeRows lists the summary figures. For every figure but the
// component count, more is worse.
func changeRows(before, after sovmap.Summary) []changeRow {
	figures := []struct {
		label         string
		before, after int
		direction     bool
	}{
		{"Components", before.Components, after.Components, false},
		{"With a gap", before.Gaps, after.Gaps, true},
		{"Largest gap", before.MaxGap, after.MaxGap, true},
		{"Flow violations", before.Violations, after.Violations, true},
		{"Reached by foreign law", before.Exposed, after.Exposed, true},
	}
	out := make([]changeRow, len(figures))
	for i, f := range figures {
		row := changeRow{Label: f.label, Before: f.before, After: f.after, Change: "no change"}
		if d := f.after - f.before; d != 0 {
			row.Change = fmt.Sprintf("%+d", d)
			if f.direction {
				row.Class = "better"
				if d > 0 {
					row.Class = "worse"
				}
				row.Change += " (" + row.Class + ")"
			}
		}
		out[i] = row
	}
	return out
}

// formatInfo says how a download of each known format is named and typed;
// formats not listed download as .txt.
var formatInfo = map[string]struct{ label, ext, mime string }{
	"table":     {"Plain-text table", "txt", "text/plain; charset=utf-8"},
	"json":      {"JSON (the assessment contract)", "json", "application/json"},
	"json-full": {"JSON with factor breakdown", "full.json", "application/json"},
	"markdown":  {"Markdown", "md", "text/markdown; charset=utf-8"},
	"html":      {"HTML report with pictures", "html", "text/html; charset=utf-8"},
	"sarif":     {"SARIF 2.1.0 (code scanning)", "sarif", "application/sarif+json"},
	"oscal":     {"OSCAL assessment results", "oscal.json", "application/json"},
	"cyclonedx": {"CycloneDX BOM", "cdx.json", "application/vnd.cyclonedx+json"},
	"csv":       {"CSV", "csv", "text/csv; charset=utf-8"},
	"xlsx":      {"Excel workbook", "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
}

type formatLink struct{ Name, Label string }

func (s *Server) formatLinks() []formatLink {
	var out []formatLink
	for name := range s.cfg.Writers {
		label := name
		if fi, ok := formatInfo[name]; ok {
			label = fi.label
		}
		out = append(out, formatLink{name, label})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Label < out[j].Label })
	return out
}

func (s *Server) handleDownloads(w http.ResponseWriter, r *http.Request, q *req) {
	v := s.newView(q, "Downloads", "downloads")
	ver, vp, ok := s.loadVersion(w, r, q, v)
	if !ok {
		return
	}
	files, err := s.store.VersionFiles(r.Context(), ver.ID)
	if err != nil {
		s.pageError(w, r, q, 0, err)
		return
	}
	// The stored files: the inventory as uploaded or as an import produced
	// it, and the originals of an import.
	type fileLink struct {
		Index int
		Name  string
		Role  string // what the file is to the version
		Size  int
	}
	links := make([]fileLink, len(files))
	for i, f := range files {
		name, role := f.Name, "inventory"
		if n, ok := strings.CutPrefix(f.Name, sourcePrefix); ok {
			name, role = n, "original of the import"
		} else if n, ok := strings.CutPrefix(f.Name, notesPrefix); ok {
			name, role = n, "the import's warnings"
		}
		links[i] = fileLink{i, name, role, len(f.Data)}
	}
	v.Data = struct {
		versionPage
		Formats []formatLink
		Files   []fileLink
	}{vp, s.formatLinks(), links}
	s.render(w, r, http.StatusOK, "downloads", v)
}

// download is a report ready to send: its file name and type, and either
// its bytes or, for a streamed report, what writes it.
type download struct {
	name, mime string
	body       []byte
	// stream writes the report; release gives back its heavy slot.
	stream  func(w io.Writer) error
	release func()
}

// prepareReport does all that can fail before a report's first byte, so
// that a failure is still a clean error response: the format, and either
// the report in memory, written once per version and format
// (cache_reports.go), or for a streamed one the version's head, the
// stream's inventory when its writer reads it (reportStream), and a slot
// of heavy work (503 when the queue is full).
func (s *Server) prepareReport(r *http.Request, q *req, ver store.Version, format string) (download, error) {
	write, ok := s.cfg.Writers[format]
	if !ok {
		names := make([]string, 0, len(s.cfg.Writers))
		for n := range s.cfg.Writers {
			names = append(names, n)
		}
		sort.Strings(names)
		return download{}, &badInput{fmt.Errorf("unknown format %q (one of %s)", format, strings.Join(names, ", "))}
	}
	fi, ok := formatInfo[format]
	if !ok {
		fi.ext, fi.mime = "txt", "text/plain; charset=utf-8"
	}
	d := download{name: fmt.Sprintf("%s-v%d.%s", q.ws.Slug, ver.Number, fi.ext), mime: fi.mime}
	if s.streams(ver, format) {
		ctx := r.Context()
		head, err := s.head(ctx, ver)
		if err != nil {
			return download{}, err
		}
		if format == "json" {
			d.stream = func(w io.Writer) error { return s.streamJSON(ctx, w, ver, head) }
		} else {
			// Before the slot: it may take one to build.
			sf := s.cfg.Streams[format]
			rs, err := s.reportStream(ctx, ver, head, sf.ComponentsOnly)
			if err != nil {
				return download{}, err
			}
			d.stream = func(w io.Writer) error { return sf.Write(w, rs) }
		}
		if d.release, err = s.cache.heavySlot(ctx); err != nil {
			return download{}, err
		}
	} else {
		body, err := s.renderedReport(r.Context(), ver, format, write)
		if err != nil {
			return download{}, err
		}
		d.body = body
	}
	s.audit(r, q.p, q.ws.Slug, "report.download", fmt.Sprintf("version %d", ver.Number), format)
	return d, nil
}

// sendReport sends a prepared report. fail answers a failure before the
// first byte: an error page, or the API's error. A failure after it cannot
// become an error response any more, and the bytes sent so far must not
// pass for the whole report: the connection is aborted (http.ErrAbortHandler),
// so that the client sees a truncated response (no final chunk), never a
// short file that looks complete.
func (s *Server) sendReport(w http.ResponseWriter, r *http.Request, d download, fail func(error)) {
	if d.stream == nil {
		attachment(w, d.name, d.mime, d.body)
		return
	}
	defer d.release()
	out := &lazyAttachment{w: w, rc: http.NewResponseController(w), name: d.name, mime: d.mime}
	err := d.stream(out)
	switch {
	case err == nil:
	case out.started:
		s.log.Warn("download aborted mid-stream", "path", r.URL.Path, "file", d.name, "err", err)
		panic(http.ErrAbortHandler)
	default:
		fail(err)
	}
}

// lazyAttachment sets a download's headers at its first byte, so that a
// stream that fails before it still answers with a clean error. Before
// each write it moves the connection's write deadline streamStall ahead:
// the server's WriteTimeout (5 minutes) bounds a whole response, which a
// million components' report outlasts at a modest rate, so a streamed
// download is cut only when one write (at most the JSON writer's MiB)
// waits that long on its client.
type lazyAttachment struct {
	w          http.ResponseWriter
	rc         *http.ResponseController
	name, mime string
	started    bool
}

// streamStall is how long a streamed download waits on a client that
// reads nothing before the connection is cut.
const streamStall = time.Minute

func (a *lazyAttachment) Write(p []byte) (int, error) {
	first := !a.started
	if first {
		a.started = true
		attachmentHeaders(a.w, a.name, a.mime)
	}
	// Not every ResponseWriter can (http.ErrNotSupported); the server's
	// own timeout then applies.
	_ = a.rc.SetWriteDeadline(time.Now().Add(streamStall))
	n, err := a.w.Write(p)
	if first && err == nil {
		// The first bytes (a table's title, a page's header) leave now,
		// not when the response's buffer fills: a writer may read every
		// component before it writes more.
		if ferr := a.rc.Flush(); !errors.Is(ferr, http.ErrNotSupported) {
			err = ferr
		}
	}
	return n, err
}

// attachmentHeaders mark a response as a download. Reports and files may be
// confidential: neither the browser nor a proxy keeps a copy (no-store).
func attachmentHeaders(w http.ResponseWriter, name, mime string) {
	w.Header().Set("Content-Type", mime)
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", name))
}

// attachment sends a download held in memory.
func attachment(w http.ResponseWriter, name, mime string, body []byte) {
	attachmentHeaders(w, name, mime)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.Write(body)
}

func (s *Server) handleDownload(w http.ResponseWriter, r *http.Request, q *req) {
	ver, err := s.versionOf(r.Context(), q.ws, r.URL.Query().Get("v"))
	if err != nil {
		s.pageError(w, r, q, 0, err)
		return
	}
	d, err := s.prepareReport(r, q, ver, r.URL.Query().Get("format"))
	if err != nil {
		s.pageError(w, r, q, 0, err)
		return
	}
	s.sendReport(w, r, d, func(err error) { s.pageError(w, r, q, 0, err) })
}

// handleFile sends an uploaded file back byte for byte.
func (s *Server) handleFile(w http.ResponseWriter, r *http.Request, q *req) {
	ver, err := s.versionOf(r.Context(), q.ws, r.URL.Query().Get("v"))
	if err != nil {
		s.pageError(w, r, q, 0, err)
		return
	}
	files, err := s.store.VersionFiles(r.Context(), ver.ID)
	if err != nil {
		s.pageError(w, r, q, 0, err)
		return
	}
	i, err := strconv.Atoi(r.URL.Query().Get("i"))
	if err != nil || i < 0 || i >= len(files) {
		s.pageError(w, r, q, http.StatusNotFound, fmt.Errorf("version %d has %d files", ver.Number, len(files)))
		return
	}
	s.audit(r, q.p, q.ws.Slug, "file.download", fmt.Sprintf("version %d", ver.Number), files[i].Name)
	name := strings.NewReplacer("/", "_", ":", "_").Replace(files[i].Name)
	attachment(w, name, "application/octet-stream", files[i].Data)
}

// uploadForm is the upload page's model: the kinds to choose from and what
// was entered, kept when an upload is refused.
type uploadForm struct {
	Kind, Home, Org string
	Kinds           []uploadKind
}

func (f uploadForm) withKinds() uploadForm {
	f.Kinds = uploadKinds
	return f
}

func (s *Server) handleUploadForm(w http.ResponseWriter, r *http.Request, q *req) {
	v := s.newView(q, "Upload", "upload")
	v.Data = uploadForm{Kind: kindInventory}.withKinds()
	s.render(w, r, http.StatusOK, "upload", v)
}

func (s *Server) handleUpload(w http.ResponseWriter, r *http.Request, q *req) {
	var headers []*multipart.FileHeader
	if r.MultipartForm != nil {
		headers = append(r.MultipartForm.File["files"], r.MultipartForm.File["dir"]...)
	}
	form := uploadForm{Kind: r.PostFormValue("kind"), Home: strings.TrimSpace(r.PostFormValue("home")), Org: strings.TrimSpace(r.PostFormValue("org"))}
	if form.Kind == "" {
		form.Kind = kindInventory
	}
	var err error
	if !validKind(form.Kind) {
		err = &badInput{fmt.Errorf("unknown kind of upload %q", form.Kind)}
	}
	var files []store.File
	if err == nil {
		files, err = readUploads(headers, form.Kind == kindInventory)
	}
	var overlays []store.File
	if err == nil {
		overlays, err = readOverlays(r.MultipartForm, form.Kind)
	}
	var warnings []string
	if err == nil {
		files, warnings, err = s.importUpload(r.Context(), form.Kind, files, importOptions{Home: form.Home, Org: form.Org, Overlays: overlays})
	}
	if err == nil {
		var ver store.Version
		ver, _, err = s.storeUpload(r.Context(), q, files, "upload", strings.TrimSpace(r.PostFormValue("note")), clientAddr(r))
		if err == nil {
			to := fmt.Sprintf("/w/%s/?uploaded=%d", q.ws.Slug, ver.Number)
			if len(warnings) > 0 {
				to += fmt.Sprintf("&warnings=%d", len(warnings))
			}
			http.Redirect(w, r, to, http.StatusSeeOther)
			return
		}
	}
	status := statusOf(err)
	v := s.newView(q, "Upload", "upload")
	v.Data = form.withKinds()
	v.Error = "The inventory was not stored: " + err.Error()
	if status >= 500 {
		s.log.Error("upload", "workspace", q.ws.Slug, "err", err)
		v.Error = "The inventory was not stored because of a server error; the log has the details."
	}
	if p := problemsOf(err); p != nil {
		v.Error, v.Problems = fmt.Sprintf("The inventory was not stored: %d problem(s) to fix.", len(p)), p
	}
	s.render(w, r, status, "upload", v)
}

// option is one entry of a select box.
type option struct {
	Value, Label string
	Selected     bool
}

func options(values []string, chosen string) []option {
	out := make([]option, len(values))
	for i, v := range values {
		out[i] = option{v, v, v == chosen}
	}
	return out
}
