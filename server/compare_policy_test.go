package server

import (
	"bytes"
	"encoding/json"
	"html"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/sovmap/sovmap/diff"
)

// TestComparePolicyChanges: comparing two versions on the server lists the
// transfer-policy changes that `sovmap diff` lists for the same two
// inventories (the oracle: the built binary's JSON), on the page and in
// the API; GB moved from trusted to restricted is one of them.
func TestComparePolicyChanges(t *testing.T) {
	bin := buildCLI(t)
	old, err := os.ReadFile("../examples/bank-dora/inventory.yaml")
	if err != nil {
		t.Fatal(err)
	}
	changed := bytes.Replace(old, []byte("  trusted: [EU, EEA, CH, GB]\n"), []byte("  trusted: [EU, EEA, CH]\n  restricted: [GB]\n"), 1)
	if bytes.Equal(changed, old) {
		t.Fatal("the bank example no longer has the trusted line this test edits")
	}
	dir := t.TempDir()
	for name, data := range map[string][]byte{"old.yaml": old, "new.yaml": changed} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(bin, "diff", filepath.Join(dir, "old.yaml"), filepath.Join(dir, "new.yaml"), "--format", "json")
	out, err := cmd.Output()
	if ee, ok := err.(*exec.ExitError); err != nil && (!ok || ee.ExitCode() > 1) {
		t.Fatalf("sovmap diff: %v\n%s", err, out)
	}
	var cli diff.Diff
	if err := json.Unmarshal(out, &cli); err != nil {
		t.Fatal(err)
	}
	if cli.Policy == nil || len(cli.Policy.Changes) == 0 {
		t.Fatalf("sovmap diff lists no policy change: %s", out)
	}

	eachBackend(t, func(t *testing.T, e *testEnv) {
		c := e.signInAdmin()
		for _, inv := range [][]byte{old, changed} {
			if r := c.upload("default", map[string][]byte{"inventory.yaml": inv}, ""); r.status != http.StatusSeeOther {
				t.Fatalf("upload: %d", r.status)
			}
		}
		r := e.api("GET", "/api/v1/workspaces/default/compare?from=1&to=2", e.token("default", "viewer"), nil, "")
		if r.status != http.StatusOK {
			t.Fatalf("compare API: %d %s", r.status, r.body)
		}
		var body struct {
			Diff diff.Diff `json:"diff"`
		}
		if err := json.Unmarshal([]byte(r.body), &body); err != nil {
			t.Fatal(err)
		}
		got := body.Diff
		if got.Policy == nil || !reflect.DeepEqual(got.Policy.Changes, cli.Policy.Changes) {
			t.Errorf("the API's policy changes differ from sovmap diff's:\nAPI: %+v\nCLI: %+v", got.Policy, cli.Policy.Changes)
		}
		page := c.get("/w/default/compare?from=1&to=2").body
		mustContain(t, "compare page", page, "Transfer policy changes")
		for _, ch := range cli.Policy.Changes {
			if !strings.Contains(page, ">"+html.EscapeString(ch.Subject)+"<") {
				t.Errorf("the compare page does not list the change of %q", ch.Subject)
			}
		}
	})
}
