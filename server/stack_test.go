package server

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/store"
)

func TestStack(t *testing.T) { eachBackend(t, testStack) }

func testStack(t *testing.T, e *testEnv) {
	c := e.signInAdmin()
	if r := c.upload("default", map[string][]byte{"inventory.yaml": e.hospital}, ""); r.status != http.StatusSeeOther {
		t.Fatalf("upload: %d %s", r.status, r.body)
	}
	r := c.get("/w/default/stack")
	if r.status != http.StatusOK {
		t.Fatalf("stack page: %d", r.status)
	}
	mustContain(t, "stack page", r.body, "<h1>Stack and dependencies</h1>", `<a href="/w/default/stack" aria-current="page">Stack</a>`,
		`role="img"`, "<title", "<desc", "Components and what they depend on (1–9 of 9)")
	// The picture draws an arrow per dependency; the table lists them.
	row := regexp.MustCompile(`(?s)<th scope="row"><a href="component\?id=notes-model">notes-model</a>.*?</tr>`).FindString(r.body)
	mustContain(t, "notes-model row", row, `id=model-registry">model-registry</a>`, `id=gpu-training">gpu-training</a> <span class="hint">(supply)</span>`)
	row = regexp.MustCompile(`(?s)<th scope="row"><a href="component\?id=ehr-db">ehr-db</a>.*?</tr>`).FindString(r.body)
	if !strings.Contains(row, `<td class="num"><a href="components?dependents=ehr-db" title="list them">2</a></td></tr>`) {
		t.Errorf("ehr-db is depended on by feature-store and clinician-app: %s", row)
	}
	if r := c.get("/w/default/stack?offset=-1"); r.status != http.StatusUnprocessableEntity {
		t.Errorf("negative offset: %d", r.status)
	}

	tok := e.token("default", store.RoleViewer)
	got := decode[struct{ Components []dependencyRow }](t, e.api("GET", "/api/v1/workspaces/default/versions/1/dependencies", tok, nil, ""))
	if len(got.Components) != 9 {
		t.Fatalf("dependencies: %+v", got)
	}
	byID := map[string]dependencyRow{}
	for _, row := range got.Components {
		byID[row.ID] = row
	}
	clin := byID["clinician-app"]
	if len(clin.DependsOn) != 3 || clin.DependsOn[0].ID != "notes-model" || clin.Layer != sovmap.Layer("application") {
		t.Errorf("clinician-app = %+v", clin)
	}
	if byID["ehr-db"].DependedOnBy != 2 || byID["clinician-app"].DependedOnBy != 0 {
		t.Errorf("depended on by: ehr-db %d, clinician-app %d", byID["ehr-db"].DependedOnBy, byID["clinician-app"].DependedOnBy)
	}
	if r := e.api("GET", "/api/v1/workspaces/default/versions/7/dependencies", tok, nil, ""); r.status != http.StatusNotFound {
		t.Errorf("unknown version: %d", r.status)
	}
}
