package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/sovmap/sovmap/gen"
	"github.com/sovmap/sovmap/kb"
	"github.com/sovmap/sovmap/store"
	"github.com/sovmap/sovmap/store/sqlite"
)

// serveBinary builds sovmap once for the serve tests.
var serveBinary = func() (string, error) { return e2eBin, nil } // built once by TestMain

// serveProc is a running `sovmap serve`, killed when the test ends.
type serveProc struct {
	cmd      *exec.Cmd
	base     string
	password string
	mu       sync.Mutex
	log      []string
	logLine  chan string
	exited   chan struct{}
}

var listenRe = regexp.MustCompile(`listening on (http://\S+)`)
var passwordRe = regexp.MustCompile(`one-time password (\S+)`)

func startServe(t *testing.T, db string) *serveProc {
	t.Helper()
	bin, err := serveBinary()
	if err != nil {
		t.Fatalf("building sovmap: %v", err)
	}
	cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--db", db, "--log-format", "json")
	stdout, _ := cmd.StdoutPipe()
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &serveProc{cmd: cmd, logLine: make(chan string, 1024), exited: make(chan struct{})}
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-p.exited
	})
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			p.mu.Lock()
			p.log = append(p.log, sc.Text())
			p.mu.Unlock()
			select {
			case p.logLine <- sc.Text():
			default:
			}
		}
	}()
	ready := make(chan struct{})
	started := ready
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			line := sc.Text()
			if m := passwordRe.FindStringSubmatch(line); m != nil {
				p.password = m[1]
			}
			if m := listenRe.FindStringSubmatch(line); m != nil {
				p.base = m[1]
			}
			if p.base != "" && ready != nil {
				close(ready) // the address comes last, after any password
				ready = nil
			}
		}
		cmd.Wait()
		close(p.exited)
	}()
	select {
	case <-started:
	case <-p.exited:
		t.Fatalf("sovmap serve exited early: %s", p.logText())
	case <-time.After(2 * time.Minute):
		t.Fatal("sovmap serve did not start")
	}
	return p
}

func (p *serveProc) logText() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return strings.Join(p.log, "\n")
}

// addToken puts an editor API token for the default workspace straight into
// the database, as a test fixture; the server reads it from there.
func addToken(t *testing.T, db string) string {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ws, err := st.WorkspaceBySlug(ctx, "default")
	if err != nil {
		t.Fatal(err)
	}
	admin, err := st.UserByLogin(ctx, "admin")
	if err != nil {
		t.Fatal(err)
	}
	secret := fmt.Sprintf("sovmap_test%d", time.Now().UnixNano())
	h := sha256.Sum256([]byte(secret))
	if _, err := st.CreateToken(ctx, store.Token{Hash: h[:], Name: "test", UserID: admin.ID, WorkspaceID: ws.ID, Role: store.RoleEditor}); err != nil {
		t.Fatal(err)
	}
	return secret
}

func apiCall(t *testing.T, method, url, token string, body io.Reader) (int, []byte) {
	t.Helper()
	req, _ := http.NewRequest(method, url, body)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, []byte(err.Error())
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, b
}

func TestServeFirstStartAndGracefulStop(t *testing.T) {
	db := filepath.Join(t.TempDir(), "sovmap.db")
	p := startServe(t, db)
	if p.password == "" {
		t.Fatal("first start printed no one-time password")
	}
	res, err := http.Get(p.base + "/healthz")
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("healthz: %v %v", res, err)
	}
	res.Body.Close()
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.exited:
	case <-time.After(time.Minute):
		t.Fatal("SIGTERM did not stop the server")
	}
	if code := p.cmd.ProcessState.ExitCode(); code != 0 {
		t.Fatalf("exit code %d after SIGTERM: %s", code, p.logText())
	}
	if !strings.Contains(p.logText(), "shutting down") {
		t.Fatalf("no graceful shutdown in the log: %s", p.logText())
	}
	// The second start finds the admin and prints no password.
	p2 := startServe(t, db)
	if p2.password != "" {
		t.Fatal("a second start printed a new one-time password")
	}
}

// TestServeSurvivesKillDuringUpload kills the server with SIGKILL while it
// writes a large upload, restarts it, and checks that the previous version
// is intact and that nothing of the interrupted one remains.
func TestServeSurvivesKillDuringUpload(t *testing.T) {
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "sovmap.db")
	p := startServe(t, db)
	token := addToken(t, db)
	hospital, err := os.ReadFile("../../examples/hospital-group/inventory.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if code, body := apiCall(t, "POST", p.base+"/api/v1/workspaces/default/versions", token, bytes.NewReader(hospital)); code != http.StatusCreated {
		t.Fatalf("first upload: %d %s", code, body)
	}
	_, before := apiCall(t, "GET", p.base+"/api/v1/workspaces/default/versions/1/report?format=json", token, nil)

	k, err := kb.Default()
	if err != nil {
		t.Fatal(err)
	}
	const big = 30000
	var large bytes.Buffer
	if err := gen.WriteJSON(&large, gen.Inventory(k, gen.Options{Components: big, Seed: 7})); err != nil {
		t.Fatal(err)
	}
	go apiCall(t, "POST", p.base+"/api/v1/workspaces/default/versions?name=large.json", token, bytes.NewReader(large.Bytes()))
	deadline := time.After(5 * time.Minute)
wait:
	for {
		select {
		case line := <-p.logLine:
			if strings.Contains(line, `"msg":"storing version"`) && strings.Contains(line, fmt.Sprintf(`"components":%d`, big)) {
				break wait
			}
		case <-p.exited:
			t.Fatalf("the server died before storing: %s", p.logText())
		case <-deadline:
			t.Fatalf("the large upload never reached the store: %s", p.logText())
		}
	}
	p.cmd.Process.Kill()
	<-p.exited
	if strings.Contains(p.logText(), `"msg":"stored version"`+`,"workspace":"default","version":2`) {
		t.Fatal("the kill came after the commit: the test proved nothing; make the upload larger")
	}

	// The database as the crash left it.
	st, err := sqlite.Open(ctx, db)
	if err != nil {
		t.Fatalf("reopening after the crash: %v", err)
	}
	var check string
	if err := st.DB().QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
		t.Fatalf("integrity check: %q %v", check, err)
	}
	for _, q := range []string{
		`SELECT COUNT(*) FROM components WHERE version_id NOT IN (SELECT id FROM versions)`,
		`SELECT COUNT(*) FROM dependencies WHERE version_id NOT IN (SELECT id FROM versions)`,
		`SELECT COUNT(*) FROM version_files WHERE version_id NOT IN (SELECT id FROM versions)`,
		`SELECT COUNT(*) FROM version_blobs WHERE version_id NOT IN (SELECT id FROM versions)`,
		`SELECT COUNT(*) FROM component_details WHERE version_id NOT IN (SELECT id FROM versions)`,
		`SELECT COUNT(*) FROM component_blocks WHERE version_id NOT IN (SELECT id FROM versions)`,
		`SELECT COUNT(*) FROM dependency_blocks WHERE version_id NOT IN (SELECT id FROM versions)`,
		`SELECT COUNT(*) FROM dependent_buckets WHERE version_id NOT IN (SELECT id FROM versions)`,
		`SELECT COUNT(*) FROM version_layouts WHERE version_id NOT IN (SELECT id FROM versions)`,
		`SELECT COUNT(*) FROM component_lists WHERE version_id NOT IN (SELECT id FROM versions)`,
		`SELECT COUNT(*) FROM component_ids WHERE version_id NOT IN (SELECT id FROM versions)`,
		`SELECT COUNT(*) FROM versions WHERE number > 1`,
	} {
		var n int
		if err := st.DB().QueryRowContext(ctx, q).Scan(&n); err != nil || n != 0 {
			t.Fatalf("%s = %d (%v): a partial version remains", q, n, err)
		}
	}
	st.Close()

	// The restarted server serves version 1 as before and takes new uploads.
	p2 := startServe(t, db)
	code, body := apiCall(t, "GET", p2.base+"/api/v1/workspaces/default/versions", token, nil)
	var vs struct {
		Versions []struct{ Number, Components int }
	}
	if err := json.Unmarshal(body, &vs); err != nil || code != http.StatusOK || len(vs.Versions) != 1 || vs.Versions[0].Components != 9 {
		t.Fatalf("versions after the crash: %d %s", code, body)
	}
	if _, after := apiCall(t, "GET", p2.base+"/api/v1/workspaces/default/versions/1/report?format=json", token, nil); !bytes.Equal(before, after) {
		t.Fatal("version 1's report changed across the crash")
	}
	if code, body := apiCall(t, "POST", p2.base+"/api/v1/workspaces/default/versions?name=large.json", token, bytes.NewReader(large.Bytes())); code != http.StatusCreated || !strings.Contains(string(body), `"number": 2`) {
		t.Fatalf("upload after the crash: %d %.300s", code, body)
	}
}
