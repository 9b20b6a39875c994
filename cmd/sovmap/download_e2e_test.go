//go:build !noserver

package main

import (
	"bytes"
	"fmt"
	"io"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/sovmap/sovmap/gen"
	"github.com/sovmap/sovmap/internal/reporttest"
	"github.com/sovmap/sovmap/kb"
)

// TestServeStreamsLargeReports: `sovmap serve` streams the report of a
// version too large to cache (more than a 32nd of the default gigabyte at
// a KiB a component) in JSON and in every format it has a stream writer
// for, and each download is what `sovmap assess FILE --format FORMAT`
// prints for the uploaded file (reporttest.Same: the same bytes but for
// what a format writes anew each time; a workbook's cells).
func TestServeStreamsLargeReports(t *testing.T) {
	k, err := kb.Default()
	if err != nil {
		t.Fatal(err)
	}
	const n = 33000 // just past the 32,768 components the default cache streams from
	var file bytes.Buffer
	if err := gen.WriteJSON(&file, gen.Inventory(k, gen.Options{Components: n, Seed: 5})); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "estate.json")
	if err := os.WriteFile(path, file.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "sovmap.db")
	p := startServe(t, db)
	token := addToken(t, db)
	if code, body := apiCall(t, "POST", p.base+"/api/v1/workspaces/default/versions?name=estate.json", token, bytes.NewReader(file.Bytes())); code != http.StatusCreated {
		t.Fatalf("upload: %d %.300s", code, body)
	}
	formats := append([]string{"json"}, slices.Sorted(maps.Keys(streamFormats()))...)
	// Every format of `sovmap assess` is streamed: one added without a
	// stream writer would be written whole, and go untested here.
	if all := slices.Sorted(maps.Keys(assessFormats())); !slices.Equal(slices.Sorted(slices.Values(formats)), all) {
		t.Errorf("streamed formats %v, want every format of sovmap assess %v", formats, all)
	}
	for _, format := range formats {
		t.Run(format, func(t *testing.T) {
			want, stderr, code := runBin(t, dir, "assess", "estate.json", "--format", format)
			if code > 1 { // 1 says there are findings, as a generated estate has
				t.Fatalf("sovmap assess: exit %d: %s", code, stderr)
			}
			req, _ := http.NewRequest("GET", p.base+"/api/v1/workspaces/default/versions/1/report?format="+format, nil)
			req.Header.Set("Authorization", "Bearer "+token)
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			got, err := io.ReadAll(res.Body)
			if err != nil || res.StatusCode != http.StatusOK {
				t.Fatalf("download: %d %v", res.StatusCode, err)
			}
			if res.ContentLength != -1 {
				t.Errorf("the report of %d components came with Content-Length %d: written whole, not streamed", n, res.ContentLength)
			}
			if !reporttest.Same(t, format, got, []byte(want)) {
				i := reporttest.FirstDifference(got, []byte(want))
				t.Fatalf("the download (%d bytes) differs from sovmap assess (%d bytes) near byte %d:\n%s", len(got), len(want), i,
					fmt.Sprintf("got  …%.120s\nwant …%.120s", got[max(0, i-40):], want[max(0, i-40):]))
			}
		})
	}
}
