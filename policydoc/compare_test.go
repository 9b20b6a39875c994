package policydoc

import (
	"fmt"
	"strings"
	"testing"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/diff"
)

// TestCompare changes one thing of the bank's policy at a time, builds both
// documents from the real engines and checks the changes against what the
// change means, written out by hand.
func TestCompare(t *testing.T) {
	card := sovmap.DataClass{ID: "payments.card", Level: sovmap.Safeguarded, Category: sovmap.CategorySecurity, Basis: sovmap.BasisPolicy, Reason: "card scheme rules"}
	tests := []struct {
		name string
		// before and after edit the baseline and the candidate.
		before, after func(inv *sovmap.Inventory)
		want          []diff.PolicyChange
	}{
		{name: "unchanged", want: []diff.PolicyChange{}},
		{
			name:   "a restricted country added",
			before: func(inv *sovmap.Inventory) { inv.Organization.Restricted = []string{"RU"} },
			after:  func(inv *sovmap.Inventory) { inv.Organization.Restricted = []string{"RU", "CN"} },
			want: []diff.PolicyChange{{Section: "jurisdictions", Subject: "CN", Change: "tier",
				Old: "neutral: no trust or restriction applies (default)", New: "restricted: listed as restricted by the organization (CN) (policy)"}},
		},
		{
			name:  "a rule's expression changed",
			after: func(inv *sovmap.Inventory) { inv.Rules[0].When = `"personal.financial" in component.data` },
			want: []diff.PolicyChange{
				{Section: "rules", Subject: "dora-critical-functions", Change: "expression", Old: "component.criticality == 'vital' && component.provider != ''", New: `"personal.financial" in component.data`},
				{Section: "rules", Subject: "dora-critical-functions", Change: "in plain language",
					Old: `its criticality is "vital" and its provider is not ""`, New: `the component holds data of class "personal.financial"`},
			},
		},
		{
			name:  "a rule's level changed",
			after: func(inv *sovmap.Inventory) { inv.Rules[1].Require = sovmap.SovereignPartner },
			want:  []diff.PolicyChange{{Section: "rules", Subject: "dora-exit-plan", Change: "level required", Old: "2 safeguarded", New: "3 sovereign-partner"}},
		},
		{
			name:   "a data class's level changed",
			before: func(inv *sovmap.Inventory) { inv.Organization.DataClasses = []sovmap.DataClass{card} },
			after: func(inv *sovmap.Inventory) {
				c := card
				c.Level = sovmap.SovereignPartner
				inv.Organization.DataClasses = []sovmap.DataClass{c}
			},
			want: []diff.PolicyChange{{Section: "data classes", Subject: "payments.card", Change: "level required", Old: "2 safeguarded", New: "3 sovereign-partner"}},
		},
		{
			name:  "a data class declared",
			after: func(inv *sovmap.Inventory) { inv.Organization.DataClasses = []sovmap.DataClass{card} },
			want: []diff.PolicyChange{{Section: "data classes", Subject: "payments.card", Change: "added",
				New: "level 2 safeguarded, security, policy: card scheme rules"}},
		},
		{
			name:  "a rule removed",
			after: func(inv *sovmap.Inventory) { inv.Rules = inv.Rules[1:] },
			want: []diff.PolicyChange{{Section: "rules", Subject: "dora-critical-functions", Change: "removed",
				Old: `when its criticality is "vital" and its provider is not "" (component.criticality == 'vital' && component.provider != ''): requires 3 sovereign-partner, operational, policy`}},
		},
		{
			// A component that starts holding a class the policy already
			// decides (by sovmap's default) changes no policy.
			name: "a class newly used, decided as before",
			after: func(inv *sovmap.Inventory) {
				inv.Components[0].Data = append(inv.Components[0].Data, "personal.health")
			},
			want: []diff.PolicyChange{},
		},
		{
			name:  "sectors",
			after: func(inv *sovmap.Inventory) { inv.Organization.Sectors = []string{"banking"} },
			want:  []diff.PolicyChange{{Section: "scope", Subject: "sectors", Change: "changed", Old: "banking, payment", New: "banking"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			old, k := load(t, "bank-dora")
			cur, _ := load(t, "bank-dora")
			if tt.before != nil {
				tt.before(old)
				tt.before(cur)
			}
			if tt.after != nil {
				tt.after(cur)
			}
			a, _ := build(t, old, k)
			b, _ := build(t, cur, k)
			got := Compare(a, b)
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("changes:\n%s\nwant:\n%s", lines(got), lines(tt.want))
			}
			// The reverse comparison swaps every change.
			back := Compare(b, a)
			if len(back) != len(got) {
				t.Errorf("reverse: %d changes, want %d:\n%s", len(back), len(got), lines(back))
			}
		})
	}
}

func lines(cs []diff.PolicyChange) string {
	var b strings.Builder
	for _, c := range cs {
		fmt.Fprintf(&b, "  %s | %s | %s | %q -> %q\n", c.Section, c.Subject, c.Change, c.Old, c.New)
	}
	return b.String()
}

// TestCompareReplacingDefaults: an organization that writes its own
// restricted list drops the sanctions default, so countries only the
// default restricted become neutral, and the document says where the list
// now comes from; every country the knowledge base restricted by sanctions
// is accounted for.
func TestCompareReplacingDefaults(t *testing.T) {
	old, k := load(t, "bank-dora")
	cur, _ := load(t, "bank-dora")
	cur.Organization.Restricted = []string{"RU"}
	a, _ := build(t, old, k)
	b, _ := build(t, cur, k)
	got := Compare(a, b)
	moved := map[string]string{}
	for _, c := range got {
		if c.Section == "jurisdictions" {
			for _, country := range strings.Split(c.Subject, ", ") {
				moved[country] = c.New
			}
		}
	}
	for _, s := range k.Sanctions() {
		if !s.Restricted {
			continue
		}
		want := "neutral: no trust or restriction applies (default)"
		if s.Country == "RU" {
			want = "restricted: listed as restricted by the organization (RU) (policy)"
		}
		if moved[s.Country] != want {
			t.Errorf("%s: now %q, want %q", s.Country, moved[s.Country], want)
		}
	}
	has := func(section, subject, change string) bool {
		for _, c := range got {
			if c.Section == section && c.Subject == subject && c.Change == change {
				return true
			}
		}
		return false
	}
	if !has("transfers", "restricted", "basis") || !has("questions", "open question", "removed") {
		t.Errorf("the restricted list's source and the question about it did not change:\n%s", lines(got))
	}
}
