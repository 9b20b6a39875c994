package server

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sovmap/sovmap/gen"
	"github.com/sovmap/sovmap/internal/reporttest"
	"github.com/sovmap/sovmap/report"
	"github.com/sovmap/sovmap/report/cyclonedx"
	"github.com/sovmap/sovmap/report/html"
	"github.com/sovmap/sovmap/report/oscal"
	"github.com/sovmap/sovmap/report/sarif"
	"github.com/sovmap/sovmap/report/sheet"
	"github.com/sovmap/sovmap/store"
)

// streamedFormats are the streamed formats, with their whole and stream
// writers as `sovmap serve` configures them (cmd/sovmap assessFormats and
// streamFormats) and as `sovmap assess --format FORMAT` writes them. JSON
// is cut from the stored results and needs no stream writer.
var streamedFormats = map[string]struct {
	whole  Writer
	stream *StreamFormat
}{
	"json":      {report.WriteJSON, nil},
	"csv":       {sheet.WriteCSV, &StreamFormat{Write: sheet.WriteCSVStream, ComponentsOnly: true}},
	"xlsx":      {sheet.WriteXLSX, &StreamFormat{Write: sheet.WriteXLSXStream}},
	"cyclonedx": {cyclonedx.Write, &StreamFormat{Write: report.WithOptions(cyclonedx.WriteStream, cyclonedx.Options{})}},
	"html":      {html.Write, &StreamFormat{Write: report.WithOptions(html.WriteStream, html.Options{})}},
	"sarif":     {sarif.Write, &StreamFormat{Write: report.WithOptions(sarif.WriteStream, sarif.Options{})}},
	"oscal":     {oscal.Write, &StreamFormat{Write: report.WithOptions(oscal.WriteStream, oscal.Options{})}},
	"table":     {report.WriteTable, &StreamFormat{Write: report.WriteTableStream, ComponentsOnly: true}},
	"markdown":  {report.WriteMarkdown, &StreamFormat{Write: report.WriteMarkdownStream, ComponentsOnly: true}},
	"json-full": {report.WriteJSONDetail, &StreamFormat{Write: report.WriteJSONDetailStream, ComponentsOnly: true}},
}

// testedFormats are the streamed formats the download tests check: all of
// them, or under the race detector (several times slower) JSON, cut from
// the stored results, CSV, a stream of components only, and SARIF, one
// with the inventory and positions: the concurrency under test is the
// same for every format.
func testedFormats() []string {
	if raceDetector {
		return []string{"csv", "json", "sarif"}
	}
	return slices.Sorted(maps.Keys(streamedFormats))
}

// storeFile assesses files as an upload of them would and stores the
// version. It returns the version and what `sovmap assess --format FORMAT`
// writes of the same files in each streamed format: the format's writer
// over the fresh assessment.
func storeFile(t testing.TB, e *testEnv, files []store.File) (store.Version, map[string][]byte) {
	t.Helper()
	out := map[string]*bytes.Buffer{}
	tested := testedFormats()
	v := storeFileTo(t, e, files, func(format string) io.Writer {
		if !slices.Contains(tested, format) {
			return nil
		}
		out[format] = &bytes.Buffer{}
		return out[format]
	})
	cli := map[string][]byte{}
	for format, b := range out {
		cli[format] = b.Bytes()
	}
	return v, cli
}

// storeFileTo is storeFile writing each streamed format to the writer
// that sink gives for it, none when it gives nil.
func storeFileTo(t testing.TB, e *testEnv, files []store.File, sink func(format string) io.Writer) store.Version {
	t.Helper()
	ctx := context.Background()
	inv, rep, k, err := e.srv.assessFiles(ctx, files)
	if err != nil {
		t.Fatal(err)
	}
	for format, f := range streamedFormats {
		w := sink(format)
		if w == nil {
			continue
		}
		if err := f.whole(w, rep, inv); err != nil {
			t.Fatal(err)
		}
	}
	nv, err := newVersion(inv, rep, k, files)
	if err != nil {
		t.Fatal(err)
	}
	return addAsAdmin(t, e, nv)
}

// withStreamedWriters adds the streamed formats to a test server's writers.
func withStreamedWriters(c *Config) {
	c.Streams = map[string]StreamFormat{}
	for format, f := range streamedFormats {
		c.Writers[format] = f.whole
		if f.stream != nil {
			c.Streams[format] = *f.stream
		}
	}
}

// generatedFile is a generated inventory of n components as a JSON file.
func generatedFile(t testing.TB, e *testEnv, n int) []store.File {
	t.Helper()
	var b bytes.Buffer
	if err := gen.WriteJSON(&b, gen.Inventory(e.srv.cfg.KB, gen.Options{Components: n, Seed: 1})); err != nil {
		t.Fatal(err)
	}
	return []store.File{{Name: "generated.json", Data: b.Bytes()}}
}

// bufferedReport is how the server wrote every download before streams:
// the configured writer over the whole report decoded from the store.
func bufferedReport(t *testing.T, e *testEnv, v store.Version, format string) []byte {
	t.Helper()
	ctx := context.Background()
	rep, err := e.srv.fullReport(ctx, v)
	if err != nil {
		t.Fatal(err)
	}
	inv, err := e.srv.inventoryOf(ctx, v)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := e.srv.cfg.Writers[format](&b, rep, inv); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// get fetches a URL with an API token and returns the response with its
// body, and the error reading the body ended with.
func get(t *testing.T, url, token string) (*http.Response, []byte, error) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return res, b, err
}

// TestStreamedDownload: the JSON and CSV reports of a large version are
// streamed (no Content-Length, nothing cached), and each is byte for byte
// what the buffered writer made of it and what `sovmap assess --format
// FORMAT` writes of the same file, on every example and a generated
// inventory of several groups of blocks, through the API and the Downloads
// page; a small version's report is still cached whole.
func TestStreamedDownload(t *testing.T) {
	for _, be := range backends {
		t.Run(be.name, func(t *testing.T) {
			// A cache of 32 KiB streams the reports of any version of more
			// than one component (a 32nd of it at a KiB each).
			e := newEnvWith(t, be.open(t), func(c *Config) {
				c.CacheBytes = 32 << 10
				withStreamedWriters(c)
			})
			tok := e.token("default", store.RoleViewer)
			c := e.signInAdmin()
			files := exampleUploads(t, e, 2500)
			formats := testedFormats()
			for _, f := range files {
				v, cli := storeFile(t, e, f)
				for _, format := range formats {
					want := cli[format]
					// One example has a single component: its report is
					// cached whole, and must be the same.
					streamed := v.Components > 1
					if e.srv.streams(v, format) != streamed {
						t.Fatalf("version %d of %d components: %s streamed %v", v.Number, v.Components, format, !streamed)
					}
					if buffered := bufferedReport(t, e, v, format); !reporttest.Same(t, format, buffered, want) {
						t.Fatalf("version %d: the buffered %s differs from sovmap assess's", v.Number, format)
					}
					res, body, err := get(t, fmt.Sprintf("%s/api/v1/workspaces/default/versions/%d/report?format=%s", e.ts.URL, v.Number, format), tok)
					if err != nil || res.StatusCode != http.StatusOK {
						t.Fatalf("version %d: API %s report %d %v", v.Number, format, res.StatusCode, err)
					}
					if !reporttest.Same(t, format, body, want) {
						t.Fatalf("version %d (%d components, %s): the streamed %s differs from sovmap assess's at byte %d",
							v.Number, v.Components, f[0].Name, format, reporttest.FirstDifference(body, want))
					}
					// A streamed report larger than the server's buffer (a
					// few KiB) goes out in chunks, without a Content-Length;
					// one held whole has it.
					if streamed && len(want) > 8<<10 && res.ContentLength != -1 || !streamed && res.ContentLength != int64(len(body)) ||
						res.Header.Get("Content-Disposition") == "" || res.Header.Get("Cache-Control") != "no-store" {
						t.Errorf("version %d %s: Content-Length %d, headers %v", v.Number, format, res.ContentLength, res.Header)
					}
					if r := c.get(fmt.Sprintf("/w/default/download?v=%d&format=%s", v.Number, format)); r.status != http.StatusOK || !reporttest.Same(t, format, []byte(r.body), want) {
						t.Errorf("version %d: the Downloads page's %s (%d) differs from sovmap assess's", v.Number, format, r.status)
					}
				}
				if v.Components <= 1 {
					continue
				}
				// Nothing is cached (the examples' reports would fit).
				e.srv.cache.mu.Lock()
				for k := range e.srv.cache.entries {
					if k.version == v.ID && k.kind == "report" {
						t.Errorf("a streamed report is cached: %v", k)
					}
				}
				e.srv.cache.mu.Unlock()
			}
		})
	}

	t.Run("small versions are cached", func(t *testing.T) {
		e := newEnv(t)
		tok := e.token("default", store.RoleViewer)
		v, out := storeFile(t, e, []store.File{{Name: "inventory.yaml", Data: e.hospital}})
		cli := out["json"]
		if e.srv.streams(v, "json") {
			t.Fatalf("a version of %d components is streamed with the default cache", v.Components)
		}
		for pass := range 2 {
			before := e.srv.cache.computations.Load()
			res, body, err := get(t, e.ts.URL+"/api/v1/workspaces/default/versions/latest/report?format=json", tok)
			if err != nil || res.StatusCode != http.StatusOK || !bytes.Equal(body, cli) || res.ContentLength != int64(len(cli)) {
				t.Fatalf("pass %d: %d, Content-Length %d, %d bytes (%v), want %d", pass, res.StatusCode, res.ContentLength, len(body), err, len(cli))
			}
			if computed := e.srv.cache.computations.Load() - before; (pass == 0) != (computed > 0) {
				t.Errorf("pass %d computed %d times", pass, computed)
			}
		}
	})
}

// failingStore is a store whose EachComponent fails after failAt
// components (never when negative), or when short is set stops there
// without an error, as a broken store might; block, when set, holds it
// until closed.
type failingStore struct {
	store.Store
	failAt atomic.Int64
	short  atomic.Bool
	block  atomic.Pointer[chan struct{}]
}

var errStoreGone = errors.New("the database went away")

func (f *failingStore) EachComponent(ctx context.Context, versionID int64, fn func(store.ComponentRecord) error) error {
	if b := f.block.Load(); b != nil {
		<-*b
	}
	at := int(f.failAt.Load())
	errShort := errors.New("short")
	err := f.Store.EachComponent(ctx, versionID, func(rec store.ComponentRecord) error {
		if at >= 0 && rec.Index == at {
			if f.short.Load() {
				return errShort
			}
			return errStoreGone
		}
		return fn(rec)
	})
	if errors.Is(err, errShort) {
		return nil
	}
	return err
}

// TestStreamedDownloadFailure: a store that fails before the first byte
// gives a clean error response; one that fails, or stops short, after it
// aborts the connection, so that the client sees a truncated download and
// never a shorter report that looks complete.
func TestStreamedDownloadFailure(t *testing.T) {
	for _, be := range backends {
		t.Run(be.name, func(t *testing.T) {
			fs := &failingStore{Store: be.open(t)}
			fs.failAt.Store(-1)
			e := newEnvWith(t, fs, func(c *Config) { c.CacheBytes = 128 << 10 })
			tok := e.token("default", store.RoleViewer)
			c := e.signInAdmin()
			v, out := storeFile(t, e, generatedFile(t, e, 3000))
			cli := out["json"]
			url := fmt.Sprintf("%s/api/v1/workspaces/default/versions/%d/report?format=json", e.ts.URL, v.Number)

			// Before the first byte: the report's first megabyte is not yet written.
			fs.failAt.Store(10)
			res, body, err := get(t, url, tok)
			if err != nil || res.StatusCode != http.StatusInternalServerError || res.Header.Get("Content-Disposition") != "" ||
				!bytes.Contains(body, []byte(`"error"`)) {
				t.Errorf("API, failure before the first byte: %d %v %q %.200s", res.StatusCode, err, res.Header.Get("Content-Disposition"), body)
			}
			if r := c.get(fmt.Sprintf("/w/default/download?v=%d&format=json", v.Number)); r.status != http.StatusInternalServerError ||
				r.header.Get("Content-Disposition") != "" || !bytes.Contains([]byte(r.body), []byte("<html")) {
				t.Errorf("Downloads page, failure before the first byte: %d %q", r.status, r.header.Get("Content-Disposition"))
			}

			// After it: more than the writer's megabyte has gone.
			for _, short := range []bool{false, true} {
				fs.failAt.Store(2900)
				fs.short.Store(short)
				res, body, err := get(t, url, tok)
				if res.StatusCode != http.StatusOK || len(body) == 0 || !bytes.HasPrefix(cli, body) {
					t.Fatalf("short=%v: %d, %d bytes, not a prefix of the report", short, res.StatusCode, len(body))
				}
				if !errors.Is(err, io.ErrUnexpectedEOF) || len(body) >= len(cli) {
					t.Errorf("short=%v: a failure mid-stream read %d of %d bytes and ended with %v, want a truncated body (unexpected EOF)", short, len(body), len(cli), err)
				}
			}
			fs.failAt.Store(-1)
			fs.short.Store(false)
			if _, body, err := get(t, url, tok); err != nil || !bytes.Equal(body, cli) {
				t.Errorf("after the failures: %d bytes (%v), want the report's %d", len(body), err, len(cli))
			}
		})
	}
}

// TestStreamedDownloadsAreBounded: a streamed download takes a slot of
// heavy work for as long as it streams: with the one slot and no queue, a
// second is refused with 503 while the first streams, and served after.
func TestStreamedDownloadsAreBounded(t *testing.T) {
	fs := &failingStore{Store: backends[0].open(t)}
	fs.failAt.Store(-1)
	e := newEnvWith(t, fs, func(c *Config) { c.CacheBytes, c.HeavyWork, c.HeavyQueue = 128<<10, 1, -1 })
	tok := e.token("default", store.RoleViewer)
	v, out := storeFile(t, e, generatedFile(t, e, 200))
	cli := out["json"]
	url := fmt.Sprintf("%s/api/v1/workspaces/default/versions/%d/report", e.ts.URL, v.Number)
	gate := make(chan struct{})
	fs.block.Store(&gate)
	first := make(chan []byte)
	go func() {
		_, body, _ := get(t, url, tok)
		first <- body
	}()
	// The first download holds the slot once it waits in the store.
	for busy := false; !busy; time.Sleep(time.Millisecond) {
		e.srv.cache.mu.Lock()
		busy = e.srv.cache.heavyFlights == 1
		e.srv.cache.mu.Unlock()
	}
	res, body, _ := get(t, url, tok)
	if res.StatusCode != http.StatusServiceUnavailable || res.Header.Get("Retry-After") == "" || !bytes.Contains(body, []byte("busy")) {
		t.Errorf("a second download while one streams: %d %q, want 503 saying busy", res.StatusCode, body)
	}
	fs.block.Store(nil)
	close(gate)
	if got := <-first; !bytes.Equal(got, cli) {
		t.Errorf("the first download: %d bytes, want %d", len(got), len(cli))
	}
	if res, body, err := get(t, url, tok); res.StatusCode != http.StatusOK || err != nil || !bytes.Equal(body, cli) {
		t.Errorf("once the slot is free: %d %v", res.StatusCode, err)
	}
}

// deadlineRecorder is a ResponseWriter that records the write deadlines
// set on it through http.ResponseController.
type deadlineRecorder struct {
	http.ResponseWriter
	deadlines []time.Time
}

func (d *deadlineRecorder) SetWriteDeadline(t time.Time) error {
	d.deadlines = append(d.deadlines, t)
	return nil
}

// TestStreamMovesTheWriteDeadline: each write of a streamed download moves
// the connection's write deadline about streamStall ahead, so that the
// server's WriteTimeout does not cut a long download that is being read.
func TestStreamMovesTheWriteDeadline(t *testing.T) {
	rec := &deadlineRecorder{ResponseWriter: httptest.NewRecorder()}
	out := &lazyAttachment{w: rec, rc: http.NewResponseController(&statusWriter{ResponseWriter: rec}), name: "r.json", mime: "application/json"}
	for i := range 3 {
		before := time.Now()
		if _, err := out.Write([]byte("chunk")); err != nil {
			t.Fatal(err)
		}
		if len(rec.deadlines) != i+1 {
			t.Fatalf("after %d writes, %d deadlines set", i+1, len(rec.deadlines))
		}
		if d := rec.deadlines[i].Sub(before); d < streamStall || d > streamStall+time.Second {
			t.Errorf("write %d set the deadline %v ahead, want %v", i+1, d, streamStall)
		}
	}
	if got := rec.Header().Get("Content-Disposition"); got != `attachment; filename="r.json"` {
		t.Errorf("Content-Disposition %q", got)
	}
}
