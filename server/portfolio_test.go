package server

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/assess"
	"github.com/sovmap/sovmap/embassy"
	"github.com/sovmap/sovmap/inventory"
	"github.com/sovmap/sovmap/kb"
)

// ultimateControllers follows each component's provider to its ultimate
// controller through the inventory's providers and the knowledge base's, and counts the components under each: worked out here from the
// inventory, not from the stored reports the portfolio reads.
func ultimateControllers(t *testing.T, k *kb.KB, inv *sovmap.Inventory) map[string]int {
	t.Helper()
	parent := map[string]string{}
	for _, p := range inv.Providers {
		parent[p.ID] = p.Parent
	}
	out := map[string]int{}
	for _, c := range inv.Components {
		if c.Provider == "" {
			continue
		}
		id := c.Provider
		for range 20 {
			// The inventory's parent when it states one, else the
			// knowledge base's (an inventory may declare a known
			// provider without repeating its parent).
			next := parent[id]
			if next == "" {
				if kp, found := k.Provider(id); found {
					next = kp.Parent
				}
			}
			if next == "" {
				break
			}
			id = next
		}
		out[id]++
	}
	return out
}

// TestPortfolio: the home page shows each workspace's latest state side by
// side, how gaps and violations moved since the version before, and the
// provider groups both workspaces depend on.
func TestPortfolio(t *testing.T) {
	e := newEnv(t)
	c := e.signInAdmin()
	if r := c.post("/workspaces", url.Values{"slug": {"fund"}, "name": {"The Fund"}}); r.status != http.StatusSeeOther {
		t.Fatalf("create workspace: %d", r.status)
	}
	c.upload("default", map[string][]byte{"inventory.yaml": e.hospital}, "")
	c.upload("default", map[string][]byte{"inventory.yaml": e.hospitalV2()}, "")
	c.upload("fund", map[string][]byte{"inventory.yaml": mustRead(t, "../examples/strategy-sourcing-plan/inventory.yaml")}, "")

	k, err := kb.Default()
	if err != nil {
		t.Fatal(err)
	}
	load := func(path string, data []byte) (*sovmap.Inventory, *sovmap.Report) {
		t.Helper()
		inv, err := inventory.LoadFS(context.Background(), k, fstest.MapFS{path: {Data: data}}, path)
		if err != nil {
			t.Fatal(err)
		}
		ik, err := inventory.WithKnowledge(k, inv)
		if err != nil {
			t.Fatal(err)
		}
		rep, err := assess.Assess(context.Background(), inv, ik, assess.Options{Qualifies: embassy.Qualifies})
		if err != nil {
			t.Fatal(err)
		}
		return inv, rep
	}
	_, h1 := load("inventory.yaml", e.hospital)
	h2inv, h2 := load("inventory.yaml", e.hospitalV2())
	fundInv, fund := load("inventory.yaml", mustRead(t, "../examples/strategy-sourcing-plan/inventory.yaml"))

	body := html.UnescapeString(c.get("/").body)
	row := func(name string) string {
		t.Helper()
		m := regexp.MustCompile(`(?s)<tr><th scope="row"><a href="/w/[a-z-]+/">` + regexp.QuoteMeta(name) + `</a>.*?</tr>`).FindString(body)
		if m == "" {
			t.Fatalf("the portfolio has no row for %s:\n%s", name, body)
		}
		return m
	}
	cells := func(s sovmap.Summary) string {
		return fmt.Sprintf(`>%d</td>.*>%d</td>.*>%d</td>.*>%d</td>.*>%d</td>`, s.Components, s.Gaps, s.MaxGap, s.Violations, s.Exposed)
	}
	for _, tc := range []struct {
		name string
		sum  sovmap.Summary
	}{{"Default workspace", h2.Summary}, {"The Fund", fund.Summary}} {
		if r := row(tc.name); !regexp.MustCompile(`(?s)` + cells(tc.sum)).MatchString(r) {
			t.Errorf("%s's row does not show %+v:\n%s", tc.name, tc.sum, r)
		}
	}
	// The trend, from the two assessments of the hospital.
	dg, dv := h2.Summary.Gaps-h1.Summary.Gaps, h2.Summary.Violations-h1.Summary.Violations
	if dg <= 0 || dv != 0 {
		t.Fatalf("the hospital's second version changes gaps by %d and violations by %d; the test expects more gaps only", dg, dv)
	}
	mustContain(t, "the hospital's trend", row("Default workspace"), fmt.Sprintf("gaps +%d (worse)", dg), "version 2")
	mustContain(t, "the fund's trend", row("The Fund"), "first version")

	// Systemic dependencies: the controllers both inventories use.
	a, b := ultimateControllers(t, k, h2inv), ultimateControllers(t, k, fundInv)
	var shared []string
	for ctl := range a {
		if b[ctl] > 0 {
			shared = append(shared, ctl)
		}
	}
	sort.Strings(shared)
	if len(shared) == 0 {
		t.Fatal("the hospital and the fund share no provider group; choose examples that do")
	}
	section := regexp.MustCompile(`(?s)<h2 id="systemic-h">.*?</section>`).FindString(body)
	rows := regexp.MustCompile(`(?s)<tr><th scope="row">.*?</tr>`).FindAllString(section, -1)
	if len(rows) != len(shared) {
		t.Errorf("the page lists %d systemic dependencies, want %d (%v):\n%s", len(rows), len(shared), shared, section)
	}
	for _, ctl := range shared {
		i := slices.IndexFunc(rows, func(r string) bool { return strings.Contains(r, ctl) })
		if i < 0 {
			t.Errorf("%s, used by both, is not listed", ctl)
			continue
		}
		mustContain(t, ctl, rows[i], ">2 of 2</td>", fmt.Sprintf(">%d</td>", a[ctl]+b[ctl]), "Default workspace, The Fund")
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
