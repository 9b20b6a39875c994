package browser

import (
	"context"
	"encoding/json"
	"io"
	"math"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// TestQuestionnaireFlow sends a vendor questionnaire, answers it through
// the link in a browser context of its own (no account, no cookie of the
// editor's), and reads the score, which must be what `sovmap framework
// score` gives on the export.
func TestQuestionnaireFlow(t *testing.T) {
	ctx := newBrowser(t)
	base, oneTime := startServer(t)
	hosts, err := os.ReadFile("../../examples/embassy-host-comparison/inventory.yaml")
	if err != nil {
		t.Fatal(err)
	}
	const pw = "correct horse battery staple"
	signIn(t, ctx, base, oneTime, pw)
	run(t, ctx, "upload",
		chromedp.Navigate(base+"/w/default/upload"),
		chromedp.WaitVisible(chromedp.CSS(`#files`)),
		chromedp.SetUploadFiles(chromedp.CSS(`#files`), []string{writeTemp(t, "inventory.yaml", hosts)}),
		chromedp.Submit(chromedp.CSS(`#note`)),
		chromedp.WaitVisible(chromedp.CSS(`.flash`)),
	)

	// The editor sends the EU CSF questionnaire to lu-ai-operator.
	run(t, ctx, "send form",
		chromedp.Navigate(base+"/w/default/frameworks"),
		chromedp.Click(chromedp.Search(`//main//a[text()="questionnaire"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#provider`)),
	)
	checkLabels(t, ctx, "the questionnaire send form")
	run(t, ctx, "send",
		chromedp.SetValue(chromedp.CSS(`#provider`), "lu-ai-operator"),
		chromedp.SetValue(chromedp.CSS(`#framework`), "eu-csf@2026"),
		chromedp.SendKeys(chromedp.CSS(`#recipient`), "sales@lu.example"),
		chromedp.Submit(chromedp.CSS(`#recipient`)),
		chromedp.WaitVisible(chromedp.CSS(`#questionnaire-link`)),
		shot("q1-sent"),
	)
	link := strings.TrimSpace(text(t, ctx, "#questionnaire-link"))
	if !strings.HasPrefix(link, base+"/q/") {
		t.Fatalf("link = %q", link)
	}

	// The vendor, in a browser context of its own, opens the link, answers,
	// attaches a file, saves a draft, comes back and submits.
	vctx, cancel := chromedp.NewContext(ctx, chromedp.WithNewBrowserContext())
	defer cancel()
	run(t, vctx, "vendor form",
		chromedp.Navigate(link),
		chromedp.WaitVisible(chromedp.CSS(`[id="c-SOV-1.1"]`)),
	)
	checkLabels(t, vctx, "the vendor form")
	mustHave(t, "the vendor form", text(t, vctx, "main"), "questionnaire for lu-ai-operator", "It needs no account", "Not answered", "Save a draft", "Submit")
	// Every criterion gets an answer: the real clicks pick the first
	// dimension's, a script the rest (the rung after the worst, or the worst
	// when there is only one more).
	run(t, vctx, "answers",
		chromedp.Click(chromedp.CSS(`label[for="a-SOV-1.1-2"]`)),
		chromedp.Click(chromedp.CSS(`label[for="a-SOV-1.2-1"]`)),
		chromedp.SendKeys(chromedp.CSS(`[id="e-SOV-1.1"]`), "Commercial register extract B123"),
		chromedp.SetUploadFiles(chromedp.CSS(`[id="f-SOV-1.1"]`), []string{writeTemp(t, "extract.pdf", []byte("%PDF-1.4 extract\n"))}),
	)
	answered, err := chromedp.Run(vctx, chromedp.Evaluate[int](`(() => { let n = 0;
		for (const fs of document.querySelectorAll('fieldset')) {
			if (fs.querySelector('input[type=radio]:checked:not([value=""])')) { n++; continue; }
			const r = fs.querySelectorAll('input[type=radio]:not([value=""])');
			if (r.length) { r[Math.min(1, r.length - 1)].click(); n++; }
		}
		return n; })()`))
	if err != nil || answered != 48 {
		t.Fatalf("answered %d criteria (%v), want 48", answered, err)
	}
	run(t, vctx, "draft",
		chromedp.Click(chromedp.CSS(`button[value="save"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.flash`)),
		shot("q2-vendor-draft"),
	)
	mustHave(t, "the saved draft", text(t, vctx, "main"), "Your draft was saved", "Attached: extract.pdf")
	kept, err := chromedp.Run(vctx, chromedp.Evaluate[int](`document.querySelectorAll('input[type=radio]:checked:not([value=""])').length`))
	if err != nil || kept != 48 {
		t.Errorf("the draft reopened with %d answers (%v), want 48", kept, err)
	}
	// The link reaches that questionnaire only.
	run(t, vctx, "vendor elsewhere",
		chromedp.Navigate(base+"/w/default/"),
		chromedp.WaitVisible(chromedp.CSS(`#login`)),
		chromedp.Navigate(link),
		chromedp.WaitVisible(chromedp.CSS(`button[value="submit"]`)),
		chromedp.Click(chromedp.CSS(`button[value="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#message`)),
		shot("q3-vendor-submitted"),
	)
	mustHave(t, "the submission", text(t, vctx, "#message"), "were submitted", "The link is now spent")
	run(t, vctx, "spent link",
		chromedp.Navigate(link),
		chromedp.WaitVisible(chromedp.CSS(`#message`)),
	)
	mustHave(t, "the spent link", text(t, vctx, "#message"), "The link is spent")

	// The editor sees the score, and the export scores the same in the CLI.
	run(t, ctx, "editor sees the answers",
		chromedp.Navigate(base+"/w/default/questionnaires"),
		chromedp.WaitVisible(chromedp.CSS(`#list-h`)),
		chromedp.Click(chromedp.Search(`//main//table//a[text()="1"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#score`)),
		shot("q4-editor-score"),
	)
	mustHave(t, "the questionnaire page", text(t, ctx, "main"), "submitted", "48 of 48 criteria", "Commercial register extract B123", "extract.pdf")
	export := exportWithSession(t, ctx)
	bin := filepath.Join(t.TempDir(), "sovmap")
	if out, err := exec.Command("go", "build", "-o", bin, "../../cmd/sovmap").CombinedOutput(); err != nil {
		t.Fatalf("building sovmap: %v\n%s", err, out)
	}
	out, err := exec.Command(bin, "framework", "score", writeTemp(t, "export.yaml", []byte(export)),
		"--framework", "eu-csf@2026", "--provider", "lu-ai-operator", "--format", "json").Output()
	if err != nil {
		t.Fatalf("sovmap framework score: %v", err)
	}
	var cli struct {
		Result struct {
			LevelName string  `json:"level_name"`
			Score     float64 `json:"score"`
		} `json:"result"`
	}
	if err := json.Unmarshal(out, &cli); err != nil {
		t.Fatal(err)
	}
	score := text(t, ctx, "#score")
	m := regexp.MustCompile(`Overall: (\S+?)[ ,].*weighted score ([0-9.]+) of 100`).FindStringSubmatch(score)
	// The page shows one decimal, JSON two: they differ by less than both roundings.
	if m == nil || m[1] != cli.Result.LevelName || math.Abs(atof(m[2])-cli.Result.Score) > 0.0551 {
		t.Errorf("the page says %q; sovmap framework score: %s %.1f", score, cli.Result.LevelName, cli.Result.Score)
	}

	// Every step is in the workspace's audit log.
	run(t, ctx, "audit",
		chromedp.Navigate(base+"/w/default/audit"),
		chromedp.WaitVisible(chromedp.CSS(`main table`)),
	)
	mustHave(t, "the audit log", text(t, ctx, "main"), "questionnaire.send", "questionnaire.open", "questionnaire.draft",
		"questionnaire.submit", "questionnaire.export", "vendor of lu-ai-operator")
}

// exportWithSession downloads the export the page links to with the
// editor's session cookie (the page's CSP forbids a script's fetch).
func exportWithSession(t *testing.T, ctx context.Context) string {
	t.Helper()
	href, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('a[href^="questionnaire/export"]').href`))
	if err != nil {
		t.Fatal(err)
	}
	var cookies []*network.Cookie
	run(t, ctx, "cookies", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		res, err := cdp.Call(ctx, tg, network.GetCookies, network.GetCookiesParams{URLs: []string{href}})
		cookies = res.Cookies
		return err
	}))
	req, _ := http.NewRequest("GET", href, nil)
	for _, c := range cookies {
		req.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("export: %d %v", res.StatusCode, err)
	}
	return string(body)
}

func atof(s string) float64 {
	x, _ := strconv.ParseFloat(s, 64)
	return x
}
