package server

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/internal/benchdata"
	"github.com/sovmap/sovmap/internal/reporttest"
	"github.com/sovmap/sovmap/inventory"
	"github.com/sovmap/sovmap/kb"
	"github.com/sovmap/sovmap/store"
)

// listedPositions lists an inventory's positions field by field, as
// docs/inventory.md's entities are written (the organization and its data
// classes, providers, flows, arrangements, rules, assessments, scenarios),
// then its components': written out by hand rather than by the
// reflection that positions.go walks with, so that a position that walk
// misses or misplaces shows.
func listedPositions(inv *sovmap.Inventory) (head, components []sovmap.Pos) {
	head = append(head, inv.Organization.Pos)
	for _, d := range inv.Organization.DataClasses {
		head = append(head, d.Pos)
	}
	for _, p := range inv.Providers {
		head = append(head, p.Pos)
	}
	for _, f := range inv.Flows {
		head = append(head, f.Pos)
	}
	for _, a := range inv.Arrangements {
		head = append(head, a.Pos)
	}
	for _, r := range inv.Rules {
		head = append(head, r.Pos)
	}
	for _, a := range inv.Assessments {
		head = append(head, a.Pos)
	}
	for _, s := range inv.Scenarios {
		head = append(head, s.Pos)
	}
	for _, c := range inv.Components {
		components = append(components, c.Pos)
	}
	return head, components
}

// exampleUploads are every example inventory, and a generated one of n
// components, as uploads of them.
func exampleUploads(t *testing.T, e *testEnv, n int) [][]store.File {
	t.Helper()
	examples, err := filepath.Glob("../examples/*/inventory.yaml")
	if err != nil || len(examples) == 0 {
		t.Fatalf("examples: %v %v", examples, err)
	}
	var uploads [][]store.File
	for _, p := range examples {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		uploads = append(uploads, []store.File{{Name: "inventory.yaml", Data: data}})
	}
	return append(uploads, generatedFile(t, e, n))
}

// TestPositionsRoundTrip: the positions kept at upload give back, for
// every example and a generated inventory, each position the files gave
// (listed by hand, field by field), and the inventory without its
// components as the stored inventory has it.
func TestPositionsRoundTrip(t *testing.T) {
	e := newEnv(t)
	for _, files := range exampleUploads(t, e, 300) {
		inv, _, err := e.srv.decodeFiles(context.Background(), files)
		if err != nil {
			t.Fatal(err)
		}
		b, err := encodePositions(inv)
		if err != nil {
			t.Fatal(err)
		}
		si, err := decodePositions(b, len(inv.Components))
		if err != nil {
			t.Fatalf("%s: %v", inv.Organization.Name, err)
		}
		wantHead, wantComponents := listedPositions(inv)
		gotHead, _ := listedPositions(si.head)
		if fmt.Sprint(gotHead) != fmt.Sprint(wantHead) {
			t.Errorf("%s: head positions\n%v\nwant\n%v", inv.Organization.Name, gotHead, wantHead)
		}
		if fmt.Sprint(si.pos) != fmt.Sprint(wantComponents) {
			t.Errorf("%s: component positions differ", inv.Organization.Name)
		}
		// The oracle is not empty: the files give every entity a line.
		for _, p := range append(wantHead, wantComponents...) {
			if p.File == "" || p.Line == 0 || p.Col == 0 {
				t.Fatalf("%s: a position %+v without file, line or column", inv.Organization.Name, p)
			}
		}
		// The head is the stored inventory's, positions aside.
		stored, err := decodeStoredInventory([]byte(mustJSON(t, inv)))
		if err != nil {
			t.Fatal(err)
		}
		stored.Components = nil
		if got, want := mustJSON(t, si.head), mustJSON(t, stored); got != want {
			t.Errorf("%s: head %s\nwant %s", inv.Organization.Name, got, want)
		}
		// A million components stay small: a few bytes each beside the
		// head's.
		bare := *inv
		bare.Components = nil
		b0, err := encodePositions(&bare)
		if err != nil {
			t.Fatal(err)
		}
		if per := float64(len(b)-len(b0)) / float64(len(inv.Components)); per > 8 {
			t.Errorf("%s: %.1f bytes a component", inv.Organization.Name, per)
		}
	}
}

// TestPositionsRefuseDamage: a blob cut short, with bytes after it, or
// for another number of components is refused, and a version whose blob
// does not decode is read from its files.
func TestPositionsRefuseDamage(t *testing.T) {
	e := newEnv(t)
	inv, _, err := e.srv.decodeFiles(context.Background(), []store.File{{Name: "inventory.yaml", Data: e.hospital}})
	if err != nil {
		t.Fatal(err)
	}
	b, err := encodePositions(inv)
	if err != nil {
		t.Fatal(err)
	}
	n := len(inv.Components)
	for name, c := range map[string]struct {
		b []byte
		n int
	}{
		"cut":               {b[:len(b)-1], n},
		"longer":            {append(bytes.Clone(b), 0), n},
		"other count":       {b, n + 1},
		"not positions":     {[]byte(`{"version":1}`), n},
		"empty":             {nil, n},
		"file out of range": {append(bytes.Clone(b[:len(b)-3]), 99, 0, 0), n},
	} {
		if _, err := decodePositions(c.b, c.n); err == nil {
			t.Errorf("%s: decoded", name)
		}
	}
}

// FuzzDecodePositions: any bytes give positions or an error, never a
// panic; positions that decode encode again to a blob that decodes to
// the same.
func FuzzDecodePositions(f *testing.F) {
	hospital, err := os.ReadFile("../examples/hospital-group/inventory.yaml")
	if err != nil {
		f.Fatal(err)
	}
	e := newEnv(f)
	inv, _, err := e.srv.decodeFiles(context.Background(), []store.File{{Name: "inventory.yaml", Data: hospital}})
	if err != nil {
		f.Fatal(err)
	}
	b, err := encodePositions(inv)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b, len(inv.Components))
	f.Add([]byte(positionsMagic+"\x02{}\x01\x00\x00\x01\x00\x02\x00"), 1)
	f.Fuzz(func(t *testing.T, b []byte, n int) {
		si, err := decodePositions(b, n)
		if err != nil {
			return
		}
		again := *si.head
		again.Components = make([]sovmap.Component, len(si.pos))
		for i, p := range si.pos {
			again.Components[i].Pos = p
		}
		b2, err := encodePositions(&again)
		if err != nil {
			t.Fatal(err)
		}
		si2, err := decodePositions(b2, n)
		if err != nil {
			t.Fatalf("re-encoded positions do not decode: %v", err)
		}
		h1, _ := listedPositions(si.head)
		h2, _ := listedPositions(si2.head)
		if fmt.Sprint(h1, si.pos) != fmt.Sprint(h2, si2.pos) {
			t.Fatalf("positions changed on a second round")
		}
	})
}

// coldServer is a new Server over e's store (an empty cache, as after a
// restart) that counts the reads of uploaded files, and its URL.
func coldServer(t *testing.T, e *testEnv) (*filesCounter, string) {
	t.Helper()
	st := &filesCounter{Store: e.st}
	cfg := e.srv.cfg
	cfg.Store = st
	_, ts := startServer(t, cfg)
	return st, ts.URL
}

// TestColdDownloadReadsNoFiles: after an upload through the API, a new
// server over the same store (its cache cold, as after a restart) streams
// the reports that show file positions byte for byte as `sovmap assess`
// writes them of the uploaded files, without reading those files: the
// positions kept at upload serve. A version stored without them (as
// before schema 9) still gets its positions, from its files.
func TestColdDownloadReadsNoFiles(t *testing.T) {
	formats := []string{"sarif", "csv", "xlsx", "oscal"}
	for _, be := range backends {
		t.Run(be.name, func(t *testing.T) {
			e := newEnvWith(t, be.open(t), func(c *Config) {
				c.CacheBytes = 32 << 10 // every version of more than one component streams
				withStreamedWriters(c)
			})
			editor := e.token("default", store.RoleEditor)
			ctx := context.Background()
			uploads := [][]byte{e.hospital, generatedFile(t, e, 2500)[0].Data}
			for i, data := range uploads {
				ctype := "application/yaml"
				if i == 1 {
					ctype = "application/json"
				}
				if r := e.api("POST", "/api/v1/workspaces/default/versions?kind=inventory", editor, data, ctype); r.status != http.StatusCreated {
					t.Fatalf("upload: %d %s", r.status, r.body)
				}
			}
			e.srv.warming.Wait()
			// The same files stored without positions, as before schema 9.
			v1 := mustVersion(t, e, 1)
			files, err := e.st.VersionFiles(ctx, v1.ID)
			if err != nil {
				t.Fatal(err)
			}
			inv, rep, k, err := e.srv.assessFiles(ctx, files)
			if err != nil {
				t.Fatal(err)
			}
			nv, err := newVersion(inv, rep, k, files)
			if err != nil {
				t.Fatal(err)
			}
			nv.Positions = nil
			addAsAdmin(t, e, nv)

			tok := e.token("default", store.RoleViewer)
			for number, kept := range map[int]bool{1: true, 2: true, 3: false} {
				v := mustVersion(t, e, number)
				files, err := e.st.VersionFiles(ctx, v.ID)
				if err != nil {
					t.Fatal(err)
				}
				want := cliReports(t, e, files, formats)
				for _, format := range formats {
					st, url := coldServer(t, e)
					res, body, err := get(t, fmt.Sprintf("%s/api/v1/workspaces/default/versions/%d/report?format=%s", url, number, format), tok)
					if err != nil || res.StatusCode != http.StatusOK {
						t.Fatalf("version %d %s: %d %v", number, format, res.StatusCode, err)
					}
					if !reporttest.Same(t, format, body, want[format]) {
						t.Errorf("version %d (%d components): the cold %s differs from sovmap assess's at byte %d",
							number, v.Components, format, reporttest.FirstDifference(body, want[format]))
					}
					reads := st.reads.Load()
					if kept && reads != 0 {
						t.Errorf("version %d %s: the files were read %d times, the kept positions serve", number, format, reads)
					}
					// Where the positions show, a version without them
					// reads its files for them.
					if !kept && format != "csv" && reads == 0 {
						t.Errorf("version %d %s: stored without positions, yet its files were not read", number, format)
					}
				}
			}
		})
	}
}

// mustVersion returns version n of the default workspace.
func mustVersion(t *testing.T, e *testEnv, n int) store.Version {
	t.Helper()
	v, err := e.st.VersionByNumber(context.Background(), mustWorkspace(t, e, "default").ID, n)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// cliReports returns what `sovmap assess --format FORMAT` writes of files
// in each of formats: the whole writer over a fresh assessment.
func cliReports(t *testing.T, e *testEnv, files []store.File, formats []string) map[string][]byte {
	t.Helper()
	inv, rep, _, err := e.srv.assessFiles(context.Background(), files)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, format := range formats {
		var b bytes.Buffer
		if err := streamedFormats[format].whole(&b, rep, inv); err != nil {
			t.Fatal(err)
		}
		out[format] = b.Bytes()
	}
	return out
}

// BenchmarkPositions measures what keeping the positions adds to an
// upload (encode: the blob from the decoded inventory, before the store
// compresses it) and what a cold streamed download spends on them
// (decode), on a generated inventory of 100,000 components (gen, seed 1):
//
//	go test ./server -run '^$' -bench Positions
//
// It reports the blob's size, whole and per component.
func BenchmarkPositions(b *testing.B) {
	k, err := kb.Default()
	if err != nil {
		b.Fatal(err)
	}
	const n = 100_000
	data, err := benchdata.JSON(k, n)
	if err != nil {
		b.Fatal(err)
	}
	inv, err := inventory.Decode(context.Background(), k, "generated.json", data)
	if err != nil {
		b.Fatal(err)
	}
	blob, err := encodePositions(inv)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("encode", func(b *testing.B) {
		for b.Loop() {
			if _, err := encodePositions(inv); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(len(blob))/(1<<20), "MiB-blob")
		b.ReportMetric(float64(len(blob))/n, "bytes/component")
	})
	b.Run("decode", func(b *testing.B) {
		for b.Loop() {
			if _, err := decodePositions(blob, n); err != nil {
				b.Fatal(err)
			}
		}
	})
}
