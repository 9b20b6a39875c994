package finding

import (
	"slices"
	"testing"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/internal/sample"
)

func TestFromReportSample(t *testing.T) {
	r := sample.Report()
	// Positions come from the inventory when the report has none, as after
	// a JSON round trip.
	for i := range r.Components {
		r.Components[i].Pos = sovmap.Pos{}
	}
	got := FromReport(r, sample.Inventory())
	want := []struct {
		key      string
		severity Severity
		gap      int
		line     int
	}{
		{"gap/chat-app", Error, 2, 46},
		{"gap/train-cluster", Error, 2, 18},
		{"gap/triage-model", Error, 2, 38},
		{"legal-condition/train-cluster/law:de-sgb-v-393", Error, 0, 18},
		{"flow-violation/chat-logs", Error, 0, 62},
		{"foreign-exposure/gpu-pool/US", Warning, 0, 30},
		{"foreign-exposure/support/US", Note, 0, 52},
		{"foreign-exposure/train-cluster/US", Warning, 0, 18},
		{"restricted-jurisdiction/chat-app/RU", Error, 0, 46},
	}
	if len(got) != len(want) {
		for _, f := range got {
			t.Logf("%s %s", f.Key(), f.Severity)
		}
		t.Fatalf("got %d findings, want %d", len(got), len(want))
	}
	for i, w := range want {
		f := got[i]
		if f.Key() != w.key || f.Severity != w.severity || f.Gap != w.gap || f.Pos.Line != w.line {
			t.Errorf("finding %d = %s %s gap %d line %d, want %s %s gap %d line %d",
				i, f.Key(), f.Severity, f.Gap, f.Pos.Line, w.key, w.severity, w.gap, w.line)
		}
	}
}

func TestGapRemediesFollowBindingFactors(t *testing.T) {
	fs := FromReport(sample.Report(), nil)
	byKey := map[string]Finding{}
	for _, f := range fs {
		byKey[f.Key()] = f
	}
	tests := []struct {
		key  string
		want []string
	}{
		// legal and keys bind, with the same remedy: listed once.
		{"gap/train-cluster", []string{"hold the keys yourself (customer-held or a domestic HSM)"}},
		// a dependency limits it: the dependency comes first, no factor binds.
		{"gap/triage-model", []string{"raise the level of dependency train-cluster, or depend on a more sovereign alternative"}},
		{"gap/chat-app", []string{"choose a provider controlled from a trusted jurisdiction", "move to a region in a trusted jurisdiction"}},
	}
	for _, tt := range tests {
		f, ok := byKey[tt.key]
		if !ok {
			t.Fatalf("no finding %s", tt.key)
		}
		if len(f.Remedies) != len(tt.want) {
			t.Fatalf("%s remedies = %q, want %q", tt.key, f.Remedies, tt.want)
		}
		for i := range tt.want {
			if f.Remedies[i] != tt.want[i] {
				t.Errorf("%s remedy %d = %q, want %q", tt.key, i, f.Remedies[i], tt.want[i])
			}
		}
	}
}

func TestGapSeverity(t *testing.T) {
	tests := []struct {
		gap  int
		want Severity
	}{{-3, Note}, {0, Note}, {1, Warning}, {2, Error}, {4, Error}}
	for _, tt := range tests {
		if got := GapSeverity(tt.gap); got != tt.want {
			t.Errorf("GapSeverity(%d) = %s, want %s", tt.gap, got, tt.want)
		}
	}
}

func TestGatesAndWorse(t *testing.T) {
	gap1 := Finding{Kind: Gap, Subject: "a", Gap: 1, Severity: Warning}
	gap2 := Finding{Kind: Gap, Subject: "a", Gap: 2, Severity: Error}
	flow := Finding{Kind: FlowViolation, Subject: "f", Severity: Error}
	expo := Finding{Kind: ForeignExposure, Subject: "a", Jurisdiction: "US", Severity: Warning}
	expoNote := expo
	expoNote.Severity = Note
	tests := []struct {
		name   string
		f      Finding
		failOn int
		gates  bool
	}{
		{"gap below threshold", gap1, 2, false},
		{"gap at threshold", gap2, 2, true},
		{"gap above threshold", gap2, 1, true},
		{"flow violation always", flow, 4, true},
		{"exposure never", expo, 1, false},
		{"gate off: gap", gap2, 0, false},
		{"gate off: flow", flow, 0, false},
	}
	for _, tt := range tests {
		if got := tt.f.Gates(tt.failOn); got != tt.gates {
			t.Errorf("%s: Gates(%d) = %v, want %v", tt.name, tt.failOn, got, tt.gates)
		}
	}
	if !gap2.Worse(gap1) || gap1.Worse(gap2) || gap1.Worse(gap1) {
		t.Error("Worse must compare gap sizes strictly")
	}
	if !expo.Worse(expoNote) || expoNote.Worse(expo) {
		t.Error("Worse must compare severities")
	}
	if gap1.Key() != gap2.Key() || gap1.Fingerprint() != gap2.Fingerprint() {
		t.Error("a finding that gets worse must keep its identity")
	}
	if expo.Fingerprint() == gap1.Fingerprint() {
		t.Error("different findings must not share a fingerprint")
	}
}

func TestFromReportNil(t *testing.T) {
	if got := FromReport(nil, nil); got != nil {
		t.Errorf("FromReport(nil) = %v, want nil", got)
	}
}

// TestFinderOrder checks the order a Finder gives the sample's findings
// in: component by component in the report's order (ehr-db, train-cluster,
// gpu-pool, cuda, triage-model, chat-app, support), each component's in
// the order of Kinds, then the flows' (see TestFromReportSample for the
// findings themselves).
func TestFinderOrder(t *testing.T) {
	r, inv := sample.Report(), sample.Inventory()
	fd := NewFinder(r)
	var got []string
	var fs []Finding
	for i := range r.Components {
		fs = fd.Component(fs[:0], &r.Components[i], &inv.Components[i])
		for _, f := range fs {
			got = append(got, f.Key())
		}
	}
	for _, f := range Flows(r, inv) {
		got = append(got, f.Key())
	}
	want := []string{
		"gap/train-cluster",
		"legal-condition/train-cluster/law:de-sgb-v-393",
		"foreign-exposure/train-cluster/US",
		"foreign-exposure/gpu-pool/US",
		"gap/triage-model",
		"gap/chat-app",
		"restricted-jurisdiction/chat-app/RU",
		"foreign-exposure/support/US",
		"flow-violation/chat-logs",
	}
	if !slices.Equal(got, want) {
		t.Errorf("findings in order\n%q\nwant\n%q", got, want)
	}
}

// TestFinderSortsKindsWithinAComponent checks a component reached by a
// restricted jurisdiction that sorts before a foreign one: its exposure
// findings come by jurisdiction, but the restricted one after the other
// kinds, as Kinds lists them.
func TestFinderSortsKindsWithinAComponent(t *testing.T) {
	c := sovmap.ComponentResult{ID: "x", Gap: 1, RequiredLevel: 2, EffectiveLevel: 1,
		Exposure: []string{"CN", "US", "IN"},
		ExposureDetails: []sovmap.Exposure{
			{Jurisdiction: "CN", Tier: sovmap.TierRestricted.String(), Law: "cn-nis"},
			{Jurisdiction: "US", Tier: sovmap.TierNeutral.String(), Law: "us-cloud-act"},
			{Jurisdiction: "IN", Tier: sovmap.TierNeutral.String(), Law: "in-it-act"},
		}}
	var got []string
	for _, f := range NewFinder(&sovmap.Report{}).Component(nil, &c, nil) {
		got = append(got, f.Key())
	}
	want := []string{"gap/x", "foreign-exposure/x/IN", "foreign-exposure/x/US", "restricted-jurisdiction/x/CN"}
	if !slices.Equal(got, want) {
		t.Errorf("findings %q, want %q", got, want)
	}
}
