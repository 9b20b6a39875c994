// Package browser drives the sovmap dashboard in headless Chromium: sign in,
// upload an example, read the overview, open a component, compare two
// versions, run a scenario, compare two embassies and download a report.
// Screenshots of each step are kept in $SOVMAP_TEST_SCREENSHOTS, or under
// artifacts/ (not committed).
//
// The tests need Debian's chromium and run when SOVMAP_TEST_CHROMIUM=1
// (.ci/run installs chromium and sets it).
package browser

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/chromedp"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/assess"
	"github.com/sovmap/sovmap/embassy"
	"github.com/sovmap/sovmap/kb"
	"github.com/sovmap/sovmap/report"
	"github.com/sovmap/sovmap/report/sarif"
	"github.com/sovmap/sovmap/server"
	"github.com/sovmap/sovmap/store/sqlite"
)

const chromium = "/usr/bin/chromium"

// startServer runs the dashboard on a fresh SQLite database and returns
// its address and the first administrator's one-time password; configure,
// when given, changes the server's Config first.
func startServer(t *testing.T, configure ...func(*server.Config)) (string, string) {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "sovmap.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	cheap := &server.PasswordParams{Time: 1, Memory: 8 * 1024, Threads: 1}
	_, pw, _, err := server.Bootstrap(ctx, st, cheap)
	if err != nil {
		t.Fatal(err)
	}
	k, err := kb.Default()
	if err != nil {
		t.Fatal(err)
	}
	cfg := server.Config{Store: st, KB: k, Password: cheap,
		Writers: map[string]server.Writer{"json": report.WriteJSON, "markdown": report.WriteMarkdown, "sarif": sarif.Write},
		AssessOptions: func(inv *sovmap.Inventory, k *kb.KB) assess.Options {
			return assess.Options{Qualifies: embassy.QualifierFor(inv, embassy.Options{KB: k})}
		}}
	for _, c := range configure {
		c(&cfg)
	}
	srv, err := server.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return ts.URL, pw
}

// newBrowser starts headless Chromium with a fresh profile, for a test of
// at most four minutes.
func newBrowser(t *testing.T) context.Context { return newBrowserFor(t, 4*time.Minute) }

// newBrowserFor starts headless Chromium for a test of at most limit.
func newBrowserFor(t *testing.T, limit time.Duration) context.Context {
	t.Helper()
	if os.Getenv("SOVMAP_TEST_CHROMIUM") != "1" {
		t.Skip("SOVMAP_TEST_CHROMIUM is not 1; .ci/run sets it after installing chromium")
	}
	if _, err := os.Stat(chromium); err != nil {
		t.Fatalf("SOVMAP_TEST_CHROMIUM=1 but %s is missing: %v", chromium, err)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, limit)
	t.Cleanup(func() {
		cancelTimeout()
		cancelCtx()
		cancelAlloc() // stops the browser process
	})
	return ctx
}

// screenshotDir is where screenshots go: $SOVMAP_TEST_SCREENSHOTS (CI sets
// it to a directory it keeps as artifacts), or artifacts/ beside the tests.
func screenshotDir() string {
	if d := os.Getenv("SOVMAP_TEST_SCREENSHOTS"); d != "" {
		return d
	}
	return "artifacts"
}

// shot saves a full-page screenshot in screenshotDir.
func shot(name string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		png, err := chromedp.FullScreenshot(100)(ctx, t)
		if err != nil {
			// Chromium refuses pages taller than its largest texture (a
			// long register at phone width): keep the first screen then.
			if png, err = chromedp.CaptureScreenshot()(ctx, t); err != nil {
				return err
			}
		}
		dir := screenshotDir()
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644)
	})
}

func run(t *testing.T, ctx context.Context, step string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, actions...); err != nil {
		t.Fatalf("%s: %v", step, err)
	}
}

func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("read %s: %v", sel, err)
	}
	return s
}

func mustHave(t *testing.T, what, got string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(got, w) {
			t.Errorf("%s lacks %q; it reads:\n%.2000s", what, w, got)
		}
	}
}

// unlabelled counts form controls no label names: every control must have one.
const unlabelled = `Array.from(document.querySelectorAll('input:not([type=hidden]):not([hidden]), select')).filter(e => e.labels.length === 0 && !e.getAttribute('aria-label')).length`

func checkLabels(t *testing.T, ctx context.Context, page string) {
	t.Helper()
	n, err := chromedp.Run(ctx, chromedp.Evaluate[int](unlabelled))
	if err != nil {
		t.Fatalf("label check: %v", err)
	}
	if n != 0 {
		t.Errorf("%s has %d form controls without a label", page, n)
	}
}

func writeTemp(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// signIn signs in with the one-time password and chooses pw; the change
// keeps this session.
func signIn(t *testing.T, ctx context.Context, base, oneTime, pw string) {
	t.Helper()
	run(t, ctx, "first sign-in",
		chromedp.Navigate(base+"/w/default/"),
		chromedp.WaitVisible(chromedp.CSS(`#login`)),
		shot("01-login"),
		chromedp.SendKeys(chromedp.CSS(`#login`), "admin"),
		chromedp.SendKeys(chromedp.CSS(`#password`), oneTime),
		chromedp.Submit(chromedp.CSS(`#password`)),
		chromedp.WaitVisible(chromedp.CSS(`#new`)),
	)
	checkLabels(t, ctx, "the password page")
	run(t, ctx, "password change",
		chromedp.SendKeys(chromedp.CSS(`#current`), oneTime),
		chromedp.SendKeys(chromedp.CSS(`#new`), pw),
		chromedp.SendKeys(chromedp.CSS(`#confirm`), pw),
		chromedp.Submit(chromedp.CSS(`#confirm`)),
		// The change keeps this session (it signs out the others).
		chromedp.WaitVisible(chromedp.Search(`//h1[text()="Workspaces"]`)),
	)
}

// signInWith signs in as signIn does and uploads the inventory at path
// (relative to this package) as the default workspace's first version.
func signInWith(t *testing.T, ctx context.Context, base, oneTime, path string) {
	t.Helper()
	inv, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	signIn(t, ctx, base, oneTime, "correct horse battery staple")
	run(t, ctx, "upload",
		chromedp.Navigate(base+"/w/default/upload"),
		chromedp.WaitVisible(chromedp.CSS(`#files`)),
		chromedp.SetUploadFiles(chromedp.CSS(`#files`), []string{writeTemp(t, filepath.Base(path), inv)}),
		chromedp.Submit(chromedp.CSS(`#note`)),
		chromedp.WaitVisible(chromedp.CSS(`.flash`)),
	)
}

func TestDashboard(t *testing.T) {
	ctx := newBrowser(t)
	base, oneTime := startServer(t)
	hospital, err := os.ReadFile("../../examples/hospital-group/inventory.yaml")
	if err != nil {
		t.Fatal(err)
	}
	hosts, err := os.ReadFile("../../examples/embassy-host-comparison/inventory.yaml")
	if err != nil {
		t.Fatal(err)
	}
	moved := bytes.Replace(hospital, []byte("locations: [DE]\n    operated_from: [DE]\n    data: [confidential]"), []byte("locations: [US]\n    operated_from: [US]\n    data: [confidential]"), 1)
	const pw = "correct horse battery staple"

	signIn(t, ctx, base, oneTime, pw)

	// Upload the example and read the overview.
	run(t, ctx, "upload",
		chromedp.Navigate(base+"/w/default/upload"),
		chromedp.WaitVisible(chromedp.CSS(`#files`)),
		chromedp.SetUploadFiles(chromedp.CSS(`#files`), []string{writeTemp(t, "inventory.yaml", hospital)}),
		chromedp.SendKeys(chromedp.CSS(`#note`), "first inventory"),
		chromedp.Submit(chromedp.CSS(`#note`)),
		chromedp.WaitVisible(chromedp.CSS(`.flash`)),
		shot("02-overview"),
	)
	mustHave(t, "the overview", text(t, ctx, "main"), "Version 1 was stored", "Rhein-Main Kliniken Gruppe", "The spectrum", "Gaps by reason", "Trend over versions")
	svgs, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('main svg[role=img]').length`))
	if err != nil {
		t.Fatal(err)
	}
	if svgs < 3 {
		t.Errorf("the overview has %d accessible pictures, want the spectrum, gaps and trend", svgs)
	}

	// Filter the components and open one.
	run(t, ctx, "components",
		chromedp.Navigate(base+"/w/default/components"),
		chromedp.WaitVisible(chromedp.CSS(`#f-layer`)),
		chromedp.SetValue(chromedp.CSS(`#f-gap`), "1"),
		chromedp.Submit(chromedp.CSS(`#f-gap`)),
		chromedp.WaitVisible(chromedp.Search(`//a[text()="inference-api"]`)),
		shot("03-components"),
	)
	checkLabels(t, ctx, "the components page")
	run(t, ctx, "component",
		chromedp.Click(chromedp.Search(`//a[text()="inference-api"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#factors`)),
		shot("04-component"),
	)
	mustHave(t, "the component page", text(t, ctx, "main"), "inference-api", "Binding factors", "Remediation", "Depended on by", "clinician-app")

	// A second version, then compare the two.
	run(t, ctx, "second upload",
		chromedp.Navigate(base+"/w/default/upload"),
		chromedp.WaitVisible(chromedp.CSS(`#files`)),
		chromedp.SetUploadFiles(chromedp.CSS(`#files`), []string{writeTemp(t, "inventory.yaml", moved)}),
		chromedp.Submit(chromedp.CSS(`#note`)),
		chromedp.WaitVisible(chromedp.CSS(`.flash`)),
		chromedp.Navigate(base+"/w/default/versions"),
		chromedp.WaitVisible(chromedp.CSS(`#from`)),
		chromedp.Submit(chromedp.CSS(`#from`)),
		chromedp.WaitVisible(chromedp.CSS(`#moved`)),
		shot("05-compare"),
	)
	mustHave(t, "the comparison", text(t, ctx, "main"), "Version 1 → 2", "model-registry", "New exposure", "is now reached by US")

	// Run a scenario.
	run(t, ctx, "scenario",
		chromedp.Navigate(base+"/w/default/scenarios"),
		chromedp.WaitVisible(chromedp.CSS(`#sc-name`)),
		chromedp.SetValue(chromedp.CSS(`#sc-name`), "compel:US"),
		chromedp.Submit(chromedp.CSS(`#sc-name`)),
		chromedp.WaitVisible(chromedp.CSS(`#sc-result`)),
		shot("06-scenario"),
	)
	mustHave(t, "the scenario", text(t, ctx, "main"), "compel:US", "Components hit", "inference-api", "Time to restore")

	// Download a report through the browser.
	downloads := t.TempDir()
	run(t, ctx, "download setup",
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
				Behavior: browser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: downloads, EventsEnabled: &[]bool{true}[0]})
			return err
		}),
		chromedp.Navigate(base+"/w/default/downloads"),
		chromedp.WaitVisible(chromedp.Search(`//a[contains(., "JSON (the assessment contract)")]`)),
		shot("07-downloads"),
	)
	dctx, cancel := context.WithTimeout(ctx, time.Minute)
	progress := chromedp.Events(dctx, browser.DownloadProgress)
	run(t, ctx, "download", chromedp.Click(chromedp.Search(`//a[contains(., "JSON (the assessment contract)")]`)))
	guid := ""
	for ev, err := range progress {
		if err != nil {
			t.Fatalf("waiting for the download: %v", err)
		}
		if ev.State == browser.DownloadProgressStateCompleted {
			guid = ev.GUID
			break
		}
	}
	cancel()
	data, err := os.ReadFile(filepath.Join(downloads, guid))
	if err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Components []struct{ ID string } `json:"components"`
	}
	if err := json.Unmarshal(data, &rep); err != nil || len(rep.Components) != 9 {
		t.Fatalf("downloaded report: %v, %d components", err, len(rep.Components))
	}

	// Compare two digital-embassy hosts.
	run(t, ctx, "embassies",
		chromedp.Navigate(base+"/w/default/upload"),
		chromedp.WaitVisible(chromedp.CSS(`#files`)),
		chromedp.SetUploadFiles(chromedp.CSS(`#files`), []string{writeTemp(t, "hosts.yaml", hosts)}),
		chromedp.Submit(chromedp.CSS(`#note`)),
		chromedp.WaitVisible(chromedp.CSS(`.flash`)),
		chromedp.Navigate(base+"/w/default/embassies"),
		chromedp.WaitVisible(chromedp.CSS(`#cmp-host-lu`)),
		chromedp.Click(chromedp.CSS(`#cmp-host-lu`)),
		chromedp.Click(chromedp.CSS(`#cmp-host-no`)),
		chromedp.Submit(chromedp.CSS(`#cmp-host-no`)),
		chromedp.WaitVisible(chromedp.CSS(`#cmp-r`)),
		shot("08-embassies"),
	)
	mustHave(t, "the embassy comparison", text(t, ctx, "main"), "Side by side", "Ranking:", "host-lu", "host-no")

	// The provider assessments of the embassy example, scored per objective.
	run(t, ctx, "frameworks",
		chromedp.Navigate(base+"/w/default/"),
		chromedp.Click(chromedp.Search(`//nav[@aria-label="Workspace"]//a[text()="Frameworks"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#assessments-h`)),
		shot("10-frameworks"),
	)
	mustHave(t, "the frameworks page", text(t, ctx, "main"), "Frameworks shipped with sovmap", "eu-csf", "secnumcloud",
		"lu-ai-operator: level and score per objective", "Supply chain sovereignty", "SEAL-1")

	// The stack picture, with its table as the text alternative.
	run(t, ctx, "stack",
		chromedp.Click(chromedp.Search(`//nav[@aria-label="Workspace"]//a[text()="Stack"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#deps-h`)),
		shot("11-stack"),
	)
	mustHave(t, "the stack page", text(t, ctx, "main"), "Stack and dependencies", "Components and what they depend on")
	titled, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('main figure svg[role=img] > title').length`))
	if err != nil || titled != 1 {
		t.Errorf("the stack picture has %d titles (%v), want 1", titled, err)
	}

	// Import a Terraform plan from the upload page.
	plan, err := os.ReadFile("../../importer/terraform/testdata/ai-stack-plan.json")
	if err != nil {
		t.Fatal(err)
	}
	run(t, ctx, "upload form",
		chromedp.Navigate(base+"/w/default/upload"),
		chromedp.WaitVisible(chromedp.CSS(`#kind-terraform`)),
	)
	checkLabels(t, ctx, "the upload form")
	run(t, ctx, "terraform import",
		chromedp.Click(chromedp.CSS(`#kind-terraform`)),
		chromedp.SetUploadFiles(chromedp.CSS(`#files`), []string{writeTemp(t, "plan.json", plan)}),
		chromedp.SendKeys(chromedp.CSS(`#home`), "DE"),
		chromedp.Submit(chromedp.CSS(`#home`)),
		chromedp.WaitVisible(chromedp.CSS(`.flash`)),
		shot("12-terraform-import"),
		chromedp.Navigate(base+"/w/default/downloads"),
		chromedp.WaitVisible(chromedp.CSS(`#files-h`)),
	)
	checkLabels(t, ctx, "the downloads page")
	mustHave(t, "the downloads of the import", text(t, ctx, "main"), "plan.inventory.yaml", "plan.json", "original of the import")

	// A bad upload shows the loader's positions on the page.
	bad := bytes.Replace(hospital, []byte("criticality: vital"), []byte("criticality: extreme"), 1)
	run(t, ctx, "bad upload",
		chromedp.Navigate(base+"/w/default/upload"),
		chromedp.WaitVisible(chromedp.CSS(`#files`)),
		chromedp.SetUploadFiles(chromedp.CSS(`#files`), []string{writeTemp(t, "broken.yaml", bad)}),
		chromedp.Submit(chromedp.CSS(`#note`)),
		chromedp.WaitVisible(chromedp.CSS(`.error .problems`)),
		shot("09-bad-upload"),
	)
	mustHave(t, "the bad upload", text(t, ctx, ".error"), "was not stored", "broken.yaml:", "extreme")
}
