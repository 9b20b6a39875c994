package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/sovmap/sovmap/store"
)

func decode[T any](t *testing.T, r resp) T {
	t.Helper()
	var v T
	if err := json.Unmarshal([]byte(r.body), &v); err != nil {
		t.Fatalf("status %d, body not JSON: %v\n%s", r.status, err, r.body)
	}
	return v
}

func TestAPI(t *testing.T) { eachBackend(t, testAPI) }

func testAPI(t *testing.T, e *testEnv) {
	tok := e.token("default", store.RoleEditor)

	if r := e.api("GET", "/api/v1/workspaces", "", nil, ""); r.status != http.StatusUnauthorized || r.header.Get("WWW-Authenticate") == "" {
		t.Fatalf("no token: %d", r.status)
	}
	if r := e.api("GET", "/api/v1/workspaces", "sovmap_forged", nil, ""); r.status != http.StatusUnauthorized {
		t.Fatalf("forged token: %d", r.status)
	}
	ws := decode[struct{ Workspaces []workspaceOut }](t, e.api("GET", "/api/v1/workspaces", tok, nil, ""))
	if len(ws.Workspaces) != 1 || ws.Workspaces[0].Slug != "default" || ws.Workspaces[0].Role != store.RoleEditor {
		t.Fatalf("workspaces = %+v", ws)
	}
	if r := e.api("GET", "/api/v1/workspaces/default/versions/latest", tok, nil, ""); r.status != http.StatusNotFound {
		t.Fatalf("latest of an empty workspace: %d", r.status)
	}

	r := e.api("POST", "/api/v1/workspaces/default/versions?name=hospital.yaml&note=ci", tok, e.hospital, "application/yaml")
	if r.status != http.StatusCreated || r.loc != "/api/v1/workspaces/default/versions/1" {
		t.Fatalf("upload: %d %q %s", r.status, r.loc, r.body)
	}
	v := decode[versionOut](t, r)
	if v.Number != 1 || v.Components != 9 || v.Source != "api" || v.Note != "ci" || v.CreatedBy != "admin" {
		t.Fatalf("uploaded version = %+v", v)
	}
	// A JSON inventory, named by its content type.
	invJSON := yamlToJSON(t, e.hospitalV2())
	if r := e.api("POST", "/api/v1/workspaces/default/versions", tok, invJSON, "application/json"); r.status != http.StatusCreated {
		t.Fatalf("JSON upload: %d %s", r.status, r.body)
	}

	vs := decode[struct{ Versions []versionOut }](t, e.api("GET", "/api/v1/workspaces/default/versions", tok, nil, ""))
	if len(vs.Versions) != 2 || vs.Versions[0].Number != 2 {
		t.Fatalf("versions = %+v", vs)
	}
	one := decode[struct {
		Number       int
		Organization string
		Layers       []json.RawMessage
	}](t, e.api("GET", "/api/v1/workspaces/default/versions/1", tok, nil, ""))
	if one.Number != 1 || one.Organization != "Rhein-Main Kliniken Gruppe" || len(one.Layers) == 0 {
		t.Fatalf("version 1 = %+v", one)
	}

	list := decode[struct {
		Total      int
		Components []componentRow
	}](t, e.api("GET", "/api/v1/workspaces/default/versions/1/components?sort=gap&desc=true&limit=3", tok, nil, ""))
	if list.Total != 9 || len(list.Components) != 3 || list.Components[0].Gap < list.Components[2].Gap {
		t.Fatalf("components = %+v", list)
	}
	if r := e.api("GET", "/api/v1/workspaces/default/versions/1/components?min_gap=x", tok, nil, ""); r.status != http.StatusBadRequest {
		t.Fatalf("bad filter: %d", r.status)
	}
	comp := decode[struct {
		Result struct {
			ID      string
			Factors []json.RawMessage
		}
		Spec       struct{ Layer string }
		Dependents []string
	}](t, e.api("GET", "/api/v1/workspaces/default/versions/latest/components/ehr-db", tok, nil, ""))
	if comp.Result.ID != "ehr-db" || len(comp.Result.Factors) == 0 || comp.Spec.Layer != "storage" ||
		!slices.Equal(comp.Dependents, []string{"clinician-app", "feature-store"}) {
		t.Fatalf("component = %+v", comp)
	}
	flows := decode[struct {
		Flows []struct{ ID, Verdict string }
	}](t, e.api("GET", "/api/v1/workspaces/default/versions/1/flows", tok, nil, ""))
	if len(flows.Flows) != 3 {
		t.Fatalf("flows = %+v", flows)
	}
	r = e.api("GET", "/api/v1/workspaces/default/versions/2/report?format=markdown", tok, nil, "")
	if r.status != http.StatusOK || !strings.Contains(r.body, "model-registry") {
		t.Fatalf("markdown report: %d", r.status)
	}
	cmp := decode[struct {
		From, To int
		Diff     struct {
			Moved       []struct{ ID string }
			NewExposure []struct{ Component, Jurisdiction string } `json:"new_exposure"`
		}
	}](t, e.api("GET", "/api/v1/workspaces/default/compare?from=1&to=latest", tok, nil, ""))
	if cmp.From != 1 || cmp.To != 2 || len(cmp.Diff.NewExposure) == 0 || cmp.Diff.NewExposure[0].Component != "model-registry" {
		t.Fatalf("compare = %+v", cmp)
	}
	// An editor token cannot read the audit log; an admin's session can.
	if r := e.api("GET", "/api/v1/workspaces/default/audit", tok, nil, ""); r.status != http.StatusForbidden {
		t.Fatalf("audit with an editor token: %d", r.status)
	}
	admin := e.signInAdmin()
	r = admin.get("/api/v1/workspaces/default/audit?limit=2")
	audit := decode[struct {
		Events []struct{ Action, Actor string }
	}](t, r)
	if len(audit.Events) != 2 {
		t.Fatalf("audit = %+v", audit)
	}
	found := false
	for _, ev := range decode[struct {
		Events []struct{ Action, Actor string }
	}](t, admin.get("/api/v1/workspaces/default/audit")).Events {
		if ev.Action == "version.api" && ev.Actor == "admin (token ci)" {
			found = true
		}
	}
	if !found {
		t.Fatal("API uploads are not audited with the token's name")
	}
}

func TestAPITokenScope(t *testing.T) { eachBackend(t, testAPITokenScope) }

func testAPITokenScope(t *testing.T, e *testEnv) {
	admin := e.signInAdmin()
	admin.post("/workspaces", map[string][]string{"slug": {"other"}, "name": {"Other"}})
	viewerTok := e.token("default", store.RoleViewer)
	otherTok := e.token("other", store.RoleEditor)
	if r := e.api("POST", "/api/v1/workspaces/default/versions", viewerTok, e.hospital, "application/yaml"); r.status != http.StatusForbidden {
		t.Fatalf("viewer token upload: %d", r.status)
	}
	if r := e.api("GET", "/api/v1/workspaces/default/versions", otherTok, nil, ""); r.status != http.StatusNotFound {
		t.Fatalf("token of another workspace: %d", r.status)
	}
	// A token never does more than its user may: demote the creator.
	ctx := t.Context()
	w, _ := e.st.WorkspaceBySlug(ctx, "other")
	u, _ := e.st.CreateUser(ctx, store.User{Login: "low", PasswordHash: "x"})
	e.st.SetRole(ctx, w.ID, u.ID, store.RoleViewer)
	secret, tk, _ := newToken("ci", u.ID, w.ID, store.RoleEditor)
	e.st.CreateToken(ctx, tk)
	if r := e.api("POST", "/api/v1/workspaces/other/gate", secret, e.hospital, ""); r.status != http.StatusForbidden {
		t.Fatalf("editor token of a viewer: %d", r.status)
	}
}

func TestGate(t *testing.T) { eachBackend(t, testGate) }

func testGate(t *testing.T, e *testEnv) {
	tok := e.token("default", store.RoleEditor)
	type gate struct {
		Verdict  string
		FailOn   int `json:"fail_on"`
		Baseline int
		Version  int
		Failing  []struct{ Subject, Kind string }
		Findings int
	}
	g := decode[gate](t, e.api("POST", "/api/v1/workspaces/default/gate", tok, e.hospital, ""))
	if g.Verdict != "fail" || g.FailOn != 1 || len(g.Failing) == 0 || g.Findings < len(g.Failing) || g.Version != 0 {
		t.Fatalf("gate = %+v", g)
	}
	if vs, _ := e.st.ListVersions(t.Context(), 1); len(vs) != 0 {
		t.Fatal("a gate run without record=true stored a version")
	}
	if g := decode[gate](t, e.api("POST", "/api/v1/workspaces/default/gate?fail_on=0", tok, e.hospital, "")); g.Verdict != "pass" || len(g.Failing) != 0 {
		t.Fatalf("fail_on=0 = %+v", g)
	}
	g = decode[gate](t, e.api("POST", "/api/v1/workspaces/default/gate?record=true&note=main", tok, e.hospital, ""))
	if g.Version != 1 {
		t.Fatalf("record=true: %+v", g)
	}
	// Against the stored baseline, the same inventory has nothing new...
	if g := decode[gate](t, e.api("POST", "/api/v1/workspaces/default/gate?baseline=latest", tok, e.hospital, "")); g.Verdict != "pass" || g.Baseline != 1 {
		t.Fatalf("same inventory against its baseline: %+v", g)
	}
	// ...and moving the registry abroad is new and fails.
	g = decode[gate](t, e.api("POST", "/api/v1/workspaces/default/gate?baseline=latest", tok, e.hospitalV2(), ""))
	if g.Verdict != "fail" {
		t.Fatalf("worse inventory against its baseline: %+v", g)
	}
	for _, f := range g.Failing {
		if f.Subject != "model-registry" && f.Subject != "notes-model" && f.Subject != "clinician-app" {
			t.Errorf("unexpected failing finding on %s (%s)", f.Subject, f.Kind)
		}
	}
	bad := strings.Replace(string(e.hospital), "criticality: vital", "criticality: extreme", 1)
	r := e.api("POST", "/api/v1/workspaces/default/gate?name=inv.yaml", tok, []byte(bad), "")
	body := decode[apiErrorBody](t, r)
	if r.status != http.StatusUnprocessableEntity || len(body.Problems) == 0 || body.Problems[0].File != "inv.yaml" || body.Problems[0].Line == 0 {
		t.Fatalf("bad inventory: %d %+v", r.status, body)
	}
	for _, q := range []string{"fail_on=7", "baseline=first"} {
		if r := e.api("POST", "/api/v1/workspaces/default/gate?"+q, tok, e.hospital, ""); r.status != http.StatusBadRequest {
			t.Errorf("%s: %d", q, r.status)
		}
	}
	// Multipart works too.
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	fw, _ := mw.CreateFormFile("files", "inventory.yaml")
	fw.Write(e.hospital)
	mw.Close()
	if g := decode[gate](t, e.api("POST", "/api/v1/workspaces/default/gate", tok, b.Bytes(), mw.FormDataContentType())); g.Verdict != "fail" {
		t.Fatalf("multipart gate: %+v", g)
	}
}

func TestUploadLimit(t *testing.T) {
	e := newEnv(t)
	e.srv.cfg.MaxUploadBytes = 1000
	tok := e.token("default", store.RoleEditor)
	if r := e.api("POST", "/api/v1/workspaces/default/versions", tok, e.hospital, ""); r.status != http.StatusRequestEntityTooLarge {
		t.Fatalf("oversized upload: %d %s", r.status, r.body)
	}
}

// TestOpenAPIMatchesRoutes holds openapi.json and the API routes together.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	e := newEnv(t)
	r := e.client().get("/api/openapi.json")
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal([]byte(r.body), &doc); err != nil || doc.OpenAPI != "3.1.0" {
		t.Fatalf("openapi.json: %v %q", err, doc.OpenAPI)
	}
	var documented, served []string
	for p, ops := range doc.Paths {
		for m := range ops {
			if m != "parameters" {
				documented = append(documented, strings.ToUpper(m)+" "+p)
			}
		}
	}
	for _, rt := range e.srv.apiRoutes() {
		served = append(served, rt.pattern)
	}
	sort.Strings(documented)
	sort.Strings(served)
	if !slices.Equal(documented, served) {
		t.Fatalf("openapi.json documents\n%s\nbut the server serves\n%s", strings.Join(documented, "\n"), strings.Join(served, "\n"))
	}
	onDisk, err := os.ReadFile("openapi.json")
	if err != nil || string(onDisk) != r.body {
		t.Fatal("/api/openapi.json is not the embedded file")
	}
}

func TestHealthAndHeaders(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	r := c.get("/healthz")
	if r.status != http.StatusOK || !strings.Contains(r.body, `"ok"`) {
		t.Fatalf("healthz: %d %s", r.status, r.body)
	}
	r = c.get("/login")
	csp := r.header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "default-src 'none'") || strings.Contains(csp, "script-src") {
		t.Fatalf("CSP %q", csp)
	}
	if r.header.Get("X-Content-Type-Options") != "nosniff" || r.header.Get("X-Frame-Options") != "DENY" {
		t.Fatal("missing security headers")
	}
	if r := c.get("/assets/style.css"); r.status != http.StatusOK || !strings.Contains(r.body, "focus-visible") {
		t.Fatalf("style sheet: %d", r.status)
	}
	e.st.Close()
	if r := c.get("/healthz"); r.status != http.StatusServiceUnavailable {
		t.Fatalf("healthz with the database closed: %d", r.status)
	}
}

// TestReadBody reads bodies shorter than, as long as and longer than the
// length announced, and without one, and gives a reader's error back.
func TestReadBody(t *testing.T) {
	body := strings.Repeat("0123456789", 1000)
	// 1<<20 is over the limit: no room is made on its word.
	for _, announced := range []int64{-1, 0, 1, 9999, 10000, 10001, 1 << 20} {
		got, err := readBody(strings.NewReader(body), announced, 1<<16)
		if err != nil || string(got) != body {
			t.Errorf("announced %d: read %d bytes, %v; want all %d", announced, len(got), err, len(body))
		}
	}
	// A client gone before the length it announced: net/http's body
	// says io.ErrUnexpectedEOF, which is no end of the body.
	if got, err := readBody(io.MultiReader(strings.NewReader("abc"), iotest.ErrReader(io.ErrUnexpectedEOF)), 10, 100); err == nil {
		t.Errorf("a body cut short: read %q without an error", got)
	}
	fail := errors.New("connection reset")
	if _, err := readBody(io.MultiReader(strings.NewReader("abc"), iotest.ErrReader(fail)), 10, 100); !errors.Is(err, fail) {
		t.Errorf("a failing reader: %v, want %v", err, fail)
	}
}
