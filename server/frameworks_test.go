package server

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/framework"
	"github.com/sovmap/sovmap/inventory"
	"github.com/sovmap/sovmap/store"
)

func TestFrameworks(t *testing.T) { eachBackend(t, testFrameworks) }

func testFrameworks(t *testing.T, e *testEnv) {
	hosts, err := os.ReadFile("../examples/embassy-host-comparison/inventory.yaml")
	if err != nil {
		t.Fatal(err)
	}
	c := e.signInAdmin()
	if r := c.upload("default", map[string][]byte{"inventory.yaml": hosts}, ""); r.status != http.StatusSeeOther {
		t.Fatalf("upload: %d %s", r.status, r.body)
	}
	tok := e.token("default", store.RoleViewer)

	list := decode[struct{ Frameworks []framework.Summary }](t, e.api("GET", "/api/v1/frameworks", tok, nil, ""))
	ids := map[string]string{}
	for _, f := range list.Frameworks {
		ids[f.ID] = f.Subject
	}
	if len(list.Frameworks) != len(e.srv.cfg.Frameworks.List()) || ids["eu-csf"] != "provider" || ids["digital-embassy"] != "arrangement" {
		t.Fatalf("framework list = %+v", list.Frameworks)
	}
	if r := e.api("GET", "/api/v1/frameworks", "", nil, ""); r.status != http.StatusUnauthorized {
		t.Errorf("framework list without a token: %d", r.status)
	}

	got := decode[frameworksOut](t, e.api("GET", "/api/v1/workspaces/default/versions/latest/frameworks", tok, nil, ""))
	// The example declares three assessments: lu-ai-operator and
	// no-ai-operator on eu-csf@1.2.1, no-ai-operator on secnumcloud.
	if len(got.Assessments) != 3 {
		t.Fatalf("assessments = %+v", got.Assessments)
	}
	lu := got.Assessments[0]
	if lu.Provider != "lu-ai-operator" || lu.Framework != "eu-csf@1.2.1" || lu.Error != "" || lu.Result == nil {
		t.Fatalf("first assessment = %+v", lu)
	}
	// SOV-5.1 is answered SEAL-1 and the gate is the minimum, so the
	// supply-chain objective and the whole assessment are at SEAL-1.
	if lu.Result.LevelName != "SEAL-1" {
		t.Errorf("overall = %s, want SEAL-1", lu.Result.LevelName)
	}
	if d, ok := lu.Result.Dimension("SOV-5"); !ok || d.LevelName != "SEAL-1" {
		t.Errorf("SOV-5 = %+v", d)
	}
	if d, ok := lu.Result.Dimension("SOV-7"); !ok || d.LevelName != "SEAL-4" {
		t.Errorf("SOV-7 = %+v", d)
	}

	// Every result is the framework package's own, given the inventory's
	// answers and facts.
	inv, err := inventory.Decode(context.Background(), e.srv.cfg.KB, "inventory.yaml", hosts)
	if err != nil {
		t.Fatal(err)
	}
	for i, as := range inv.Assessments {
		f, err := e.srv.cfg.Frameworks.Lookup(as.Framework)
		if err != nil {
			t.Fatal(err)
		}
		facts, err := framework.ProviderFacts(inv, e.srv.cfg.KB, as.Provider)
		if err != nil {
			t.Fatal(err)
		}
		want, err := f.Evaluate(framework.Input{Answers: as.Answers, Evidence: as.Evidence, Facts: facts})
		if err != nil {
			t.Fatal(err)
		}
		wantJSON, _ := json.Marshal(want)
		gotJSON, _ := json.Marshal(got.Assessments[i].Result)
		var a, b any
		json.Unmarshal(wantJSON, &a)
		json.Unmarshal(gotJSON, &b)
		if !reflect.DeepEqual(a, b) {
			t.Errorf("assessment %d (%s on %s) differs from framework.Evaluate", i, as.Provider, as.Framework)
		}
	}

	r := c.get("/w/default/frameworks")
	if r.status != http.StatusOK {
		t.Fatalf("frameworks page: %d", r.status)
	}
	mustContain(t, "frameworks page", r.body, "<h1>Frameworks</h1>", "Frameworks shipped with sovmap", "eu-csf", "secnumcloud",
		"lu-ai-operator: level and score per objective", "Supply chain sovereignty", "SEAL-1", `<a href="/w/default/frameworks" aria-current="page">Frameworks</a>`)

	// A workspace without assessments says so.
	c.upload("default", map[string][]byte{"inventory.yaml": e.hospital}, "")
	mustContain(t, "frameworks page without assessments", c.get("/w/default/frameworks").body, "This inventory records no provider assessment")
	if r := c.get("/w/default/frameworks?v=9"); r.status != http.StatusNotFound {
		t.Errorf("unknown version: %d", r.status)
	}
}

// An assessment the library cannot score is reported on its own row; the
// loader refuses such inventories, so this guards a library that differs
// from the one the inventory was validated with.
func TestScoreAssessmentErrors(t *testing.T) {
	e := newEnv(t)
	inv := &sovmap.Inventory{}
	for _, c := range []struct{ framework, want string }{
		{"no-such-framework", "no-such-framework"},
		{"digital-embassy", "scores arrangements, not providers"},
	} {
		as := sovmap.Assessment{Provider: "ovh", Framework: c.framework, Pos: sovmap.Pos{File: "inv.yaml", Line: 3, Col: 5}}
		got := e.srv.scoreAssessment(inv, e.srv.cfg.KB, &as)
		if got.Result != nil || !strings.HasPrefix(got.Error, "inv.yaml:3:5: ") || !strings.Contains(got.Error, c.want) {
			t.Errorf("%s: %+v", c.framework, got)
		}
	}
}
