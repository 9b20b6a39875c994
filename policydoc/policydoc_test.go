package policydoc

import (
	"bytes"
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	goldenfile "github.com/sovmap/sovmap/internal/golden"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/assess"
	"github.com/sovmap/sovmap/inventory"
	"github.com/sovmap/sovmap/kb"
)

func load(t *testing.T, example string) (*sovmap.Inventory, *kb.KB) {
	t.Helper()
	k, err := kb.Default()
	if err != nil {
		t.Fatal(err)
	}
	inv, err := inventory.Load(context.Background(), k, filepath.Join("..", "examples", example, "inventory.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return inv, k
}

func build(t *testing.T, inv *sovmap.Inventory, k *kb.KB) (*Document, string) {
	t.Helper()
	rep, err := assess.Assess(context.Background(), inv, k, assess.Options{})
	if err != nil {
		t.Fatal(err)
	}
	d, err := Build(inv, rep, k)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := WriteMarkdown(&b, d); err != nil {
		t.Fatal(err)
	}
	return d, b.String()
}

func group(d *Document, tier, country string) (JurisdictionGroup, bool) {
	for _, g := range d.Jurisdictions {
		if g.Tier == tier && slices.Contains(g.Countries, country) {
			return g, true
		}
	}
	return JurisdictionGroup{}, false
}

// TestRestrictedListChangesDocument: replacing the sanctions default by
// the organization's own restricted list moves the countries and the basis.
func TestRestrictedListChangesDocument(t *testing.T) {
	inv, k := load(t, "bank-dora")
	before, mdBefore := build(t, inv, k)
	if g, ok := group(before, "restricted", "RU"); !ok || g.Basis != sovmap.BasisDefault {
		t.Fatalf("before: RU restricted by default expected, got %+v %v", g, ok)
	}
	inv.Organization.Restricted = []string{"CN"}
	after, mdAfter := build(t, inv, k)
	if g, ok := group(after, "restricted", "CN"); !ok || g.Basis != sovmap.BasisPolicy {
		t.Errorf("after: CN restricted by policy expected, got %+v %v", g, ok)
	}
	if _, ok := group(after, "restricted", "RU"); ok {
		t.Error("after: RU still restricted though the organization's list replaces the default")
	}
	if mdBefore == mdAfter || !strings.Contains(mdAfter, "| restricted | CN | listed as restricted by the organization (CN) | policy |") {
		t.Errorf("markdown does not show the new restricted list")
	}
	if slices.ContainsFunc(after.Questions, func(q string) bool { return strings.Contains(q, "no restricted list") }) {
		t.Error("the question about the missing restricted list is still asked")
	}
}

// TestRuleChangesDocument: a rule's expression and its plain reading
// follow the inventory.
func TestRuleChangesDocument(t *testing.T) {
	inv, k := load(t, "bank-dora")
	if len(inv.Rules) == 0 {
		t.Fatal("bank-dora has no rules")
	}
	inv.Rules[0].When = `"personal.financial" in component.data`
	d, md := build(t, inv, k)
	if d.Rules[0].Plain != `the component holds data of class "personal.financial"` {
		t.Errorf("plain %q", d.Rules[0].Plain)
	}
	if !strings.Contains(md, "when the component holds data of class \"personal.financial\"") || !strings.Contains(md, "`\"personal.financial\" in component.data`") {
		t.Error("markdown lacks the changed rule")
	}
}

// TestDocumentMatchesInventory checks the document against the inventory
// and the assessment, counted independently here.
func TestDocumentMatchesInventory(t *testing.T) {
	for _, ex := range []string{"bank-dora", "hospital-group"} {
		inv, k := load(t, ex)
		rep, err := assess.Assess(context.Background(), inv, k, assess.Options{})
		if err != nil {
			t.Fatal(err)
		}
		d, err := Build(inv, rep, k)
		if err != nil {
			t.Fatal(err)
		}
		violations := 0
		for _, f := range rep.Flows {
			if f.Verdict == "violation" {
				violations++
			}
		}
		if len(d.Annex) != len(rep.Flows) || d.Violations != violations || d.Allowed != len(rep.Flows)-violations {
			t.Errorf("%s: annex %d flows, %d violations; assessment %d, %d", ex, len(d.Annex), d.Violations, len(rep.Flows), violations)
		}
		for _, c := range inv.Components {
			for _, class := range c.Data {
				i := slices.IndexFunc(d.DataClasses, func(p ClassPolicy) bool { return p.Class == class })
				if i < 0 || !slices.Contains(d.DataClasses[i].Components, c.ID) {
					t.Errorf("%s: class %s of %s missing", ex, class, c.ID)
				}
			}
		}
		if len(d.Rules) != len(inv.Rules) {
			t.Errorf("%s: %d rules, inventory has %d", ex, len(d.Rules), len(inv.Rules))
		}
		if g, ok := group(d, "home", inv.Organization.Home); !ok || g.Basis != sovmap.BasisPolicy {
			t.Errorf("%s: home group %+v", ex, g)
		}
	}
}

// TestDeclaredClassWins: an organization's declared class decides before
// sovmap's default, with its own basis.
func TestDeclaredClassWins(t *testing.T) {
	inv, k := load(t, "bank-dora")
	inv.Organization.DataClasses = append(inv.Organization.DataClasses, sovmap.DataClass{ID: "personal.financial", Level: sovmap.SovereignPartner, Category: sovmap.CategorySecurity, Basis: sovmap.BasisPolicy, Reason: "bank secrecy"})
	d, _ := build(t, inv, k)
	i := slices.IndexFunc(d.DataClasses, func(p ClassPolicy) bool { return p.Class == "personal.financial" })
	if i < 0 {
		t.Fatal("no personal.financial")
	}
	if c := d.DataClasses[i]; c.Level != sovmap.SovereignPartner || c.Basis != sovmap.BasisPolicy || c.Reason != "bank secrecy" {
		t.Errorf("declared class not used: %+v", c)
	}
}

func TestGolden(t *testing.T) {
	for _, ex := range []string{"bank-dora", "hospital-group"} {
		inv, k := load(t, ex)
		d, md := build(t, inv, k)
		// The rendered policies are the examples' own documents.
		goldenfile.Check(t, filepath.Join("..", "examples", ex, "policy.md"), []byte(md))
		var h bytes.Buffer
		if err := WriteHTML(&h, d); err != nil {
			t.Fatal(err)
		}
		goldenfile.Check(t, filepath.Join("..", "examples", ex, "policy.html"), h.Bytes())
	}
}

// TestShared: the shared document carries the same sections and rows as
// the policy, so DOCX says what Markdown says.
func TestShared(t *testing.T) {
	inv, k := load(t, "hospital-group")
	d, _ := build(t, inv, k)
	s := Shared(d)
	if len(s.Sections) != 7 || s.Sections[6].Number != "Annex" {
		t.Fatalf("sections %d", len(s.Sections))
	}
	rows := func(sec int, block int) int { return len(s.Sections[sec].Blocks[block].Rows) }
	if rows(1, 0) != len(d.Jurisdictions) || rows(2, 0) != len(d.DataClasses) || rows(3, 0) != len(d.Destinations) || rows(6, 1) != len(d.Annex) {
		t.Errorf("rows: jurisdictions %d/%d, classes %d/%d, destinations %d/%d, flows %d/%d",
			rows(1, 0), len(d.Jurisdictions), rows(2, 0), len(d.DataClasses), rows(3, 0), len(d.Destinations), rows(6, 1), len(d.Annex))
	}
	if len(s.Sections[5].Blocks[0].Items) != len(d.Questions) {
		t.Errorf("questions %d, want %d", len(s.Sections[5].Blocks[0].Items), len(d.Questions))
	}
}
