package transfer_test

import (
	"context"
	"strings"
	"testing"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/assess"
	"github.com/sovmap/sovmap/kb"
	"github.com/sovmap/sovmap/transfer"
)

// checkFrom assesses one flow from a component in from to one in to, for an
// organization with the given home and restricted list.
func checkFrom(t *testing.T, home string, restricted []string, from, to, data, mech string, toOps ...string) sovmap.FlowResult {
	t.Helper()
	k, err := kb.Default()
	if err != nil {
		t.Fatal(err)
	}
	dst := sovmap.Component{ID: "dst", Layer: sovmap.LayerStorage, Locations: []string{to}, Provider: "p", OperatedFrom: toOps}
	if len(toOps) == 0 {
		dst.OperatedFrom = []string{to}
	}
	inv := &sovmap.Inventory{Version: 1, Organization: sovmap.Organization{Home: home, Restricted: restricted},
		Providers: []sovmap.Provider{{ID: "p", Country: to}},
		Components: []sovmap.Component{
			{ID: "src", Layer: sovmap.LayerStorage, Locations: []string{from}},
			dst,
		},
		Flows: []sovmap.Flow{{ID: "f", From: "src", To: "dst", Data: []string{data}, Mechanism: sovmap.Mechanism(mech)}}}
	r, err := assess.Assess(context.Background(), inv, k, assess.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return r.Flows[0]
}

// TestFlowBasis: every flow verdict says what its deciding reason rests on,
// reasoned from the instruments: a restricted list is policy (sovmap's
// sanctions-based default when the organization gives none), the transfer
// rules are law cited to their articles, remote access is the EDPB's
// reading (guidance), and non-personal data is never a transfer under
// data-protection law.
func TestFlowBasis(t *testing.T) {
	cases := []struct {
		name                          string
		home                          string
		restricted                    []string
		from, to, data, mech          string
		ops                           []string
		verdict                       sovmap.Verdict
		code                          string
		basis                         sovmap.Basis
		citation, reason, notInReason string
	}{
		{name: "restricted by the organization, personal data", home: "DE", restricted: []string{"CN"}, from: "DE", to: "CN", data: "personal", mech: "scc",
			verdict: sovmap.Violation, code: transfer.CodeRestricted, basis: sovmap.BasisPolicy, reason: "needs a transfer mechanism (GDPR art. 46-47) and a transfer impact assessment"},
		{name: "restricted by sovmap's default list", home: "DE", from: "DE", to: "RU", data: "personal", mech: "scc",
			verdict: sovmap.Violation, code: transfer.CodeRestricted, basis: sovmap.BasisDefault, reason: "sovmap's default restricted list"},
		{name: "restricted, public data: not a transfer in law", home: "DE", restricted: []string{"CN"}, from: "DE", to: "CN", data: "public",
			verdict: sovmap.Violation, code: transfer.CodeRestricted, basis: sovmap.BasisPolicy, reason: "no personal data, so the transfer rules of data-protection law do not apply"},
		// GDPR art. 44-46: a third country without adequacy needs a mechanism.
		{name: "GDPR chapter V", home: "DE", from: "DE", to: "IN", data: "personal",
			verdict: sovmap.Violation, code: transfer.CodeNoMechanism, basis: sovmap.BasisLaw, citation: "GDPR chapter V"},
		// UK GDPR has the same structure, its own citation.
		{name: "UK GDPR chapter V", home: "GB", from: "GB", to: "IN", data: "personal",
			verdict: sovmap.Violation, code: transfer.CodeNoMechanism, basis: sovmap.BasisLaw, citation: "UK GDPR chapter V"},
		// The United States has no general rule on transfers abroad that
		// sovmap records: nothing to violate.
		{name: "US home, no transfer regime", home: "US", from: "US", to: "DE", data: "personal",
			verdict: sovmap.Allowed, reason: "records no cross-border transfer rules"},
		{name: "non-personal data abroad", home: "DE", from: "DE", to: "IN", data: "confidential",
			verdict: sovmap.Allowed, reason: "no personal data"},
		// EDPB Guidelines 05/2021: administration from a third country is a
		// transfer; the location inside the EU does not make it none.
		{name: "inside the EU, administered from India", home: "DE", from: "DE", to: "FR", data: "personal", ops: []string{"IN"},
			verdict: sovmap.Violation, code: transfer.CodeRemoteAccess, basis: sovmap.BasisGuidance, citation: "EDPB Guidelines 05/2021", notInReason: "no transfer mechanism is needed"},
		{name: "inside the EU, administered inside", home: "DE", from: "DE", to: "FR", data: "personal",
			verdict: sovmap.Allowed, basis: sovmap.BasisLaw, reason: "no transfer mechanism is needed"},
		// Canada's decision covers commercial organisations under PIPEDA.
		{name: "Canada, adequacy named", home: "DE", from: "DE", to: "CA", data: "personal", mech: "adequacy",
			verdict: sovmap.Allowed, basis: sovmap.BasisLaw, reason: "commercial organisations subject to PIPEDA"},
		{name: "Canada, nothing named", home: "DE", from: "DE", to: "CA", data: "personal",
			verdict: sovmap.Violation, code: transfer.CodeNoMechanism, basis: sovmap.BasisLaw, reason: "commercial organisations subject to PIPEDA"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := checkFrom(t, tc.home, tc.restricted, tc.from, tc.to, tc.data, tc.mech, tc.ops...)
			all := strings.Join(r.Reasons, " | ")
			if r.Verdict != tc.verdict {
				t.Fatalf("%s %v, want %s (%s)", r.Verdict, r.Codes, tc.verdict, all)
			}
			if tc.code != "" && (len(r.Codes) == 0 || r.Codes[0] != tc.code) {
				t.Errorf("codes %v, want %s first", r.Codes, tc.code)
			}
			if !r.Basis.Valid() {
				t.Errorf("basis %q is not one of the four", r.Basis)
			}
			if tc.basis != "" && r.Basis != tc.basis {
				t.Errorf("basis %s, want %s (%s)", r.Basis, tc.basis, r.Reasons[0])
			}
			if !strings.Contains(r.Citation, tc.citation) {
				t.Errorf("citation %q, want it to name %q", r.Citation, tc.citation)
			}
			if !strings.Contains(all, tc.reason) {
				t.Errorf("reasons %q lack %q", all, tc.reason)
			}
			if tc.notInReason != "" && strings.Contains(all, tc.notInReason) {
				t.Errorf("reasons say %q: %s", tc.notInReason, all)
			}
		})
	}
}

// TestLocalisationRefusesFlows: a law that keeps data in the country
// whatever the host (My Health Records Act 2012 (Cth) s. 77: records must
// not be held, taken, processed or handled outside Australia) refuses a
// flow abroad, cited to its section; the same flow inside Australia passes.
func TestLocalisationRefusesFlows(t *testing.T) {
	k, err := kb.Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		to   string
		want sovmap.Verdict
	}{{"US", sovmap.Violation}, {"AU", sovmap.Allowed}} {
		inv := &sovmap.Inventory{Version: 1, Organization: sovmap.Organization{Home: "AU", Sectors: []string{"health"}},
			Components: []sovmap.Component{
				{ID: "src", Layer: sovmap.LayerStorage, Locations: []string{"AU"}},
				{ID: "dst", Layer: sovmap.LayerStorage, Locations: []string{tc.to}},
			},
			Flows: []sovmap.Flow{{ID: "f", From: "src", To: "dst", Data: []string{"personal.health"}}}}
		r, err := assess.Assess(context.Background(), inv, k, assess.Options{})
		if err != nil {
			t.Fatal(err)
		}
		f := r.Flows[0]
		if f.Verdict != tc.want {
			t.Errorf("to %s: %s %v, want %s (%v)", tc.to, f.Verdict, f.Codes, tc.want, f.Reasons)
		}
		if tc.want == sovmap.Violation && (f.Codes[0] != transfer.CodeLocalisation || f.Basis != sovmap.BasisLaw || !strings.Contains(f.Citation, "s. 77")) {
			t.Errorf("to %s: codes %v, basis %s, citation %q; want localisation, law, s. 77", tc.to, f.Codes, f.Basis, f.Citation)
		}
	}
}
