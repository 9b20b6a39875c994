package server

import (
	"context"
	"errors"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/sovmap/sovmap/store"
)

// TestDirectoryUploadProblemsNameUploads: the problems of a directory
// upload name the uploaded files, as uploaded, and nothing of the server.
func TestDirectoryUploadProblemsNameUploads(t *testing.T) {
	e := newEnv(t)
	files := []store.File{
		{Name: "inv/a.yaml", Data: []byte("version: 1\norganization: {name: X, home: DE}\ncomponents:\n  - {id: db, layer: storage}\n")},
		{Name: "inv/team/b.yaml", Data: []byte("components:\n  - {id: db, layer: computer}\n")},
		{Name: "inv/.hidden/c.yaml", Data: []byte("not: [valid")},
	}
	_, _, err := e.srv.decodeFiles(context.Background(), files)
	if !errors.As(err, new(*badInput)) {
		t.Fatalf("error %v (%T), want a bad input", err, err)
	}
	got := problemsOf(err)
	var lines []string
	for _, p := range got {
		lines = append(lines, p.Where+": "+p.Message)
	}
	want := []string{
		`inv/team/b.yaml:2:10: duplicate component id "db" (first at inv/a.yaml:4:5)`,
		`inv/team/b.yaml:2:21: component db: unknown layer "computer" (did you mean "compute"?) (one of energy, facility, hardware, compute, storage, connectivity, platform, model, data, application, security, operations)`,
	}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
	if tmp := os.TempDir(); strings.Contains(err.Error(), tmp) {
		t.Errorf("the error names the server's %s: %v", tmp, err)
	}

	// The upload page shows them too.
	c := e.signInAdmin()
	up := map[string][]byte{}
	for _, f := range files {
		up[f.Name] = f.Data
	}
	r := c.upload("default", up, "")
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("bad directory upload: %d", r.status)
	}
	mustContain(t, "bad directory upload page", r.body, "<code>inv/team/b.yaml:2:10</code>", "first at inv/a.yaml:4:5")

	// A good split inventory loads, with positions in the uploaded names.
	files[1].Data = []byte("components:\n  - {id: web, layer: compute, depends_on: [db]}\n")
	inv, _, err := e.srv.decodeFiles(context.Background(), files)
	if err != nil {
		t.Fatal(err)
	}
	if len(inv.Components) != 2 || inv.Components[1].Pos.String() != "inv/team/b.yaml:2:5" || inv.Organization.Pos.File != "inv/a.yaml" {
		t.Errorf("components %+v, organization at %v", inv.Components, inv.Organization.Pos)
	}
}
