// Package sample builds a small, realistic assessment by hand, so that the
// exporters' tests share one fixture that does not depend on the engine.
//
// The numbers are what the engine would say for such an inventory under the
// rules of docs/inventory.md; they are written out, not computed, so a change in the
// engine never silently changes what an exporter test checks.
package sample

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/assess"
	"github.com/sovmap/sovmap/embassy"
	"github.com/sovmap/sovmap/gen"
	"github.com/sovmap/sovmap/inventory"
	"github.com/sovmap/sovmap/kb"
)

// File is the inventory file name the sample's positions point at.
const File = "examples/hospital/inventory.yaml"

func intp(i int) *int    { return &i }
func boolp(b bool) *bool { return &b }

// Inventory returns the sample inventory: a German hospital group with a
// hyperscaler training cluster, a national-cloud model endpoint, a chat
// front end run from a restricted jurisdiction and a US support contractor.
func Inventory() *sovmap.Inventory {
	pos := func(line int) sovmap.Pos { return sovmap.Pos{File: File, Line: line, Col: 5} }
	return &sovmap.Inventory{
		Version: 1,
		Organization: sovmap.Organization{
			Name: "Klinikverbund <Nord> & Söhne", Home: "DE",
			Trusted: []string{"EU", "CH"}, Restricted: []string{"RU", "BY"},
		},
		Providers: []sovmap.Provider{
			{ID: "aws-emea", Name: "Amazon Web Services EMEA SARL", Country: "LU", Parent: "amazon", Pos: pos(4)},
			{ID: "amazon", Name: "Amazon.com Inc.", Country: "US", Pos: pos(5)},
			{ID: "ionos", Name: "IONOS SE", Country: "DE", Pos: pos(6)},
			{ID: "yandex", Name: "Yandex LLC", Country: "RU", Pos: pos(7)},
			{ID: "acme-support", Name: "Acme Support Inc.", Country: "US", Pos: pos(8)},
		},
		Components: []sovmap.Component{
			{ID: "ehr-db", Name: "Electronic health records", Layer: sovmap.LayerStorage,
				Locations: []string{"DE"}, OperatedFrom: []string{"DE"}, Data: []string{"personal.health"},
				Criticality: sovmap.CriticalityVital, KeyCustody: sovmap.KeysDomesticHSM, Pos: pos(10)},
			{ID: "train-cluster", Name: "GPU training cluster", Layer: sovmap.LayerCompute, Provider: "aws-emea",
				Locations: []string{"aws:eu-central-1"}, OperatedFrom: []string{"IE", "US"},
				Data: []string{"personal.health"}, Criticality: sovmap.CriticalityHigh, KeyCustody: sovmap.KeysProvider,
				DependsOn:      []sovmap.Dependency{{ID: "gpu-pool", Kind: sovmap.Runtime}, {ID: "cuda", Kind: sovmap.Supply}},
				Certifications: []string{"ISO27001", "C5"},
				Contract:       &sovmap.Contract{GoverningLaw: "LU", ExitNoticeDays: intp(90), DataReturn: boolp(true), Portability: "standard"},
				Pos:            pos(18)},
			{ID: "gpu-pool", Layer: sovmap.LayerHardware, Provider: "aws-emea", Locations: []string{"aws:eu-central-1"}, Pos: pos(30)},
			{ID: "cuda", Name: "CUDA toolkit", Layer: sovmap.LayerPlatform, Provider: "amazon", Pos: pos(34)},
			{ID: "triage-model", Name: "Triage model endpoint", Layer: sovmap.LayerModel, Provider: "ionos",
				Locations: []string{"DE"}, OperatedFrom: []string{"DE"}, Data: []string{"personal.health"},
				Criticality: sovmap.CriticalityHigh, KeyCustody: sovmap.KeysCustomerHeld,
				DependsOn: []sovmap.Dependency{{ID: "train-cluster", Kind: sovmap.Runtime}}, Pos: pos(38)},
			{ID: "chat-app", Name: "Patient chat", Layer: sovmap.LayerApplication, Provider: "yandex",
				Locations: []string{"RU"}, Data: []string{"personal"}, Criticality: sovmap.CriticalityMedium, Pos: pos(46)},
			{ID: "support", Name: "24/7 support desk", Layer: sovmap.LayerOperations, Provider: "acme-support",
				OperatedFrom: []string{"US"}, KeyCustody: sovmap.KeysCustomerHeld, Data: []string{"internal"}, Pos: pos(52)},
		},
		Flows: []sovmap.Flow{
			{ID: "ehr-to-train", From: "ehr-db", To: "train-cluster", Data: []string{"personal.health"}, Mechanism: "none", Pos: pos(60)},
			{ID: "train-to-model", From: "train-cluster", To: "triage-model", Data: []string{"personal.health"}, Mechanism: "none", Pos: pos(61)},
			{ID: "chat-logs", From: "triage-model", To: "chat-app", Data: []string{"personal"}, Mechanism: "scc", Pos: pos(62)},
		},
	}
}

func factor(name sovmap.FactorName, l sovmap.Level, reason, remedy string) sovmap.Factor {
	return sovmap.Factor{Name: name, Level: l, Reason: reason, Remedy: remedy}
}

// Report returns the assessment of Inventory, written out by hand.
func Report() *sovmap.Report {
	inv := Inventory()
	at := func(id string) sovmap.Pos {
		for _, c := range inv.Components {
			if c.ID == id {
				return c.Pos
			}
		}
		return sovmap.Pos{}
	}
	cloudAct := sovmap.Exposure{Jurisdiction: "US", Law: "us-cloud-act", Via: sovmap.ViaControl, Tier: "trusted"}
	return &sovmap.Report{
		Organization: inv.Organization.Name,
		Home:         "DE",
		Components: []sovmap.ComponentResult{
			{ID: "ehr-db", Layer: sovmap.LayerStorage, Level: 4, EffectiveLevel: 4, RequiredLevel: 4, Gap: 0,
				Sourcing: sovmap.SourceDomestic, Binding: []sovmap.FactorName{}, Exposure: []string{},
				Reasons: []sovmap.Requirement{
					{Level: 3, Category: sovmap.CategorySecurity, Basis: sovmap.BasisDefault, Source: "data:personal.health", Reason: "health data is a special category; sovmap's default asks for home control"},
					{Level: 4, Category: sovmap.CategoryOperational, Basis: sovmap.BasisDefault, Source: "criticality:vital", Reason: "vital components stay domestic"},
				},
				Factors: []sovmap.Factor{factor(sovmap.FactorControl, 4, "operated by the organization itself", "")},
				Pos:     at("ehr-db")},
			{ID: "train-cluster", Layer: sovmap.LayerCompute, Provider: "aws-emea", Controller: "amazon",
				Level: 1, EffectiveLevel: 1, RequiredLevel: 3, Gap: 2, Sourcing: sovmap.SourceSovereignPartner,
				Binding:         []sovmap.FactorName{sovmap.FactorLegal, sovmap.FactorKeys},
				Exposure:        []string{"US"},
				ExposureDetails: []sovmap.Exposure{cloudAct, {Jurisdiction: "US", Law: "us-fisa-702", Via: sovmap.ViaOperations, Tier: "trusted"}},
				Reasons: []sovmap.Requirement{
					{Level: 3, Category: sovmap.CategorySecurity, Basis: sovmap.BasisDefault, Source: "data:personal.health", Reason: "health data is a special category; sovmap's default asks for home control"},
					{Level: 2, Category: sovmap.CategoryOperational, Basis: sovmap.BasisDefault, Source: "criticality:high", Reason: "high criticality needs a trusted partner"},
					{Level: 0, Category: sovmap.CategoryRegulatory, Basis: sovmap.BasisLaw, Source: "law:de-sgb-v-393", Reason: "Social Code Book V, § 393: cloud processing of health data with a current C5 Type 2 attestation",
						Citation: "SGB V § 393 (3) no. 2 and (4)", Condition: sovmap.ConditionUnmet,
						Checks: []sovmap.Check{{Part: "a current C5 Type 2 attestation", Status: sovmap.ConditionUnmet, Why: "no C5 certification is recorded"}}},
				},
				Factors: []sovmap.Factor{
					factor(sovmap.FactorControl, 2, "ultimate controller amazon is in US (trusted)", "choose a provider controlled from home"),
					factor(sovmap.FactorLocation, 4, "eu-central-1 is in DE", ""),
					factor(sovmap.FactorLegal, 1, "US CLOUD Act reaches it through control", "hold the keys yourself (customer-held or a domestic HSM)"),
					factor(sovmap.FactorKeys, 1, "the provider holds the keys", "hold the keys yourself (customer-held or a domestic HSM)"),
					factor(sovmap.FactorExit, 3, "90 days notice, data return, standard formats", "add an exit clause with a shorter notice"),
				},
				Pos: at("train-cluster")},
			{ID: "gpu-pool", Layer: sovmap.LayerHardware, Provider: "aws-emea", Controller: "amazon",
				Level: 2, EffectiveLevel: 2, RequiredLevel: 0, Gap: -2, Sourcing: sovmap.SourceOpenMarket,
				Binding: []sovmap.FactorName{sovmap.FactorControl}, Exposure: []string{"US"},
				ExposureDetails: []sovmap.Exposure{cloudAct},
				Reasons:         []sovmap.Requirement{},
				Factors:         []sovmap.Factor{factor(sovmap.FactorControl, 2, "ultimate controller amazon is in US (trusted)", "choose a provider controlled from home")},
				Pos:             at("gpu-pool")},
			{ID: "cuda", Layer: sovmap.LayerPlatform, Provider: "amazon", Controller: "amazon",
				Level: 2, EffectiveLevel: 2, RequiredLevel: 0, Gap: -2, Sourcing: sovmap.SourceOpenMarket,
				Binding: []sovmap.FactorName{sovmap.FactorControl}, Exposure: []string{}, Reasons: []sovmap.Requirement{},
				Factors: []sovmap.Factor{factor(sovmap.FactorControl, 2, "controller amazon is in US (trusted)", "choose a provider controlled from home")},
				Pos:     at("cuda")},
			{ID: "triage-model", Layer: sovmap.LayerModel, Provider: "ionos", Controller: "ionos",
				Level: 4, EffectiveLevel: 1, LimitedBy: "train-cluster", RequiredLevel: 3, Gap: 2,
				Sourcing: sovmap.SourceSovereignPartner, Binding: []sovmap.FactorName{}, Exposure: []string{},
				Reasons: []sovmap.Requirement{
					{Level: 3, Category: sovmap.CategorySecurity, Basis: sovmap.BasisDefault, Source: "data:personal.health", Reason: "health data is a special category; sovmap's default asks for home control"},
				},
				Factors: []sovmap.Factor{factor(sovmap.FactorControl, 4, "ionos is controlled from DE", "")},
				Pos:     at("triage-model")},
			{ID: "chat-app", Layer: sovmap.LayerApplication, Provider: "yandex", Controller: "yandex",
				Level: 0, EffectiveLevel: 0, RequiredLevel: 2, Gap: 2, Sourcing: sovmap.SourceTrustedPartner,
				Binding:         []sovmap.FactorName{sovmap.FactorControl, sovmap.FactorLocation},
				Exposure:        []string{"RU"},
				ExposureDetails: []sovmap.Exposure{{Jurisdiction: "RU", Law: "ru-sorm", Via: sovmap.ViaLocation, Tier: "restricted"}},
				Reasons: []sovmap.Requirement{
					{Level: 2, Category: sovmap.CategorySecurity, Basis: sovmap.BasisDefault, Source: "data:personal", Reason: "personal data: sovmap's default asks for a trusted partner"},
				},
				Factors: []sovmap.Factor{
					factor(sovmap.FactorControl, 0, "yandex is controlled from RU (restricted)", "choose a provider controlled from a trusted jurisdiction"),
					factor(sovmap.FactorLocation, 0, "located in RU (restricted)", "move to a region in a trusted jurisdiction"),
				},
				Pos: at("chat-app")},
			{ID: "support", Layer: sovmap.LayerOperations, Provider: "acme-support", Controller: "acme-support",
				Level: 2, EffectiveLevel: 2, RequiredLevel: 1, Gap: -1, Sourcing: sovmap.SourceOpenMarket,
				Binding: []sovmap.FactorName{sovmap.FactorOperations}, Exposure: []string{"US"},
				ExposureDetails: []sovmap.Exposure{{Jurisdiction: "US", Law: "us-cloud-act", Via: sovmap.ViaOperations, Tier: "trusted", Mitigated: true}},
				Reasons: []sovmap.Requirement{
					{Level: 1, Category: sovmap.CategorySecurity, Basis: sovmap.BasisDefault, Source: "data:internal", Reason: "internal data stays under contract"},
				},
				Factors: []sovmap.Factor{factor(sovmap.FactorOperations, 2, "operated from US (trusted)", "have it operated from home")},
				Pos:     at("support")},
		},
		Flows: []sovmap.FlowResult{
			{ID: "ehr-to-train", From: "ehr-db", To: "train-cluster", Data: []string{"personal.health"}, Mechanism: "none",
				FromJurisdictions: []string{"DE"}, ToJurisdictions: []string{"DE"}, Verdict: sovmap.Allowed,
				Reasons: []string{"stays in DE"}, Pos: inv.Flows[0].Pos},
			{ID: "train-to-model", From: "train-cluster", To: "triage-model", Data: []string{"personal.health"}, Mechanism: "none",
				FromJurisdictions: []string{"DE"}, ToJurisdictions: []string{"DE"}, Verdict: sovmap.Allowed,
				Reasons: []string{"stays in DE"}, Pos: inv.Flows[1].Pos},
			{ID: "chat-logs", From: "triage-model", To: "chat-app", Data: []string{"personal"}, Mechanism: "scc",
				FromJurisdictions: []string{"DE"}, ToJurisdictions: []string{"RU"}, Verdict: sovmap.Violation,
				Reasons: []string{"RU is a restricted jurisdiction: no mechanism makes the transfer lawful"}, Pos: inv.Flows[2].Pos},
		},
		Providers: []sovmap.ProviderResult{
			{ID: "aws-emea", Name: "Amazon Web Services EMEA SARL", Country: "LU", Controller: "amazon", ControllerCountry: "US",
				Tier: "trusted", Components: 2, Critical: 1, Share: 2.0 / 7, CriticalShare: 1.0 / 3, Exposure: []string{"US"}},
			{ID: "amazon", Name: "Amazon.com Inc.", Country: "US", Controller: "amazon", ControllerCountry: "US",
				Tier: "trusted", Components: 1, Critical: 0, Share: 1.0 / 7, Exposure: []string{"US"}},
			{ID: "ionos", Name: "IONOS SE", Country: "DE", Controller: "ionos", ControllerCountry: "DE",
				Tier: "home", Components: 1, Critical: 1, Share: 1.0 / 7, CriticalShare: 1.0 / 3, Exposure: []string{}},
			{ID: "yandex", Name: "Yandex LLC", Country: "RU", Controller: "yandex", ControllerCountry: "RU",
				Tier: "restricted", Components: 1, Critical: 0, Share: 1.0 / 7, Exposure: []string{"RU"}},
			{ID: "acme-support", Name: "Acme Support Inc.", Country: "US", Controller: "acme-support", ControllerCountry: "US",
				Tier: "trusted", Components: 1, Critical: 0, Share: 1.0 / 7, Exposure: []string{"US"}},
		},
		Layers: []sovmap.LayerSummary{
			{Layer: sovmap.LayerHardware, Components: 1, ByLevel: [5]int{0, 0, 1, 0, 0}, Lowest: 2},
			{Layer: sovmap.LayerCompute, Components: 1, ByLevel: [5]int{0, 1, 0, 0, 0}, Gaps: 1, Lowest: 1},
			{Layer: sovmap.LayerStorage, Components: 1, ByLevel: [5]int{0, 0, 0, 0, 1}, Lowest: 4},
			{Layer: sovmap.LayerPlatform, Components: 1, ByLevel: [5]int{0, 0, 1, 0, 0}, Lowest: 2},
			{Layer: sovmap.LayerModel, Components: 1, ByLevel: [5]int{0, 1, 0, 0, 0}, Gaps: 1, Lowest: 1},
			{Layer: sovmap.LayerApplication, Components: 1, ByLevel: [5]int{1, 0, 0, 0, 0}, Gaps: 1, Lowest: 0},
			{Layer: sovmap.LayerOperations, Components: 1, ByLevel: [5]int{0, 0, 1, 0, 0}, Lowest: 2},
		},
		Summary: sovmap.Summary{
			Components: 7, ByLevel: [5]int{1, 2, 3, 0, 1}, Gaps: 3, MaxGap: 2,
			GapsByCategory: map[sovmap.Category]int{sovmap.CategoryRegulatory: 3},
			Flows:          3, Violations: 1, HHIProvider: 2653, Exposed: 4,
		},
		Notes: []string{"sample report written by hand for exporter tests"},
	}
}

// SharedFixture returns the path of a file under the shared fixtures folder
// (../shared/fixtures beside the module root), found by walking up from the
// working directory to go.mod. It returns "" when there is none.
func SharedFixture(rel string) string {
	dir, err := os.Getwd()
	if err != nil {
		return ""
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			p := filepath.Join(dir, "..", "shared", "fixtures", filepath.FromSlash(rel))
			if _, err := os.Stat(p); err == nil {
				return p
			}
			return ""
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// Assessed is an example inventory with its assessment by the real engine.
type Assessed struct {
	Name      string
	Inventory *sovmap.Inventory
	Report    *sovmap.Report
}

// assessDay is the day Examples and Synthetic assess on, so that what
// depends on the date (laws that apply from a day, contracts that end)
// gives the same reports on every day the tests run.
func assessDay() time.Time { return time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC) }

// ModuleRoot is the module's root directory, found by walking up from the
// working directory to go.mod.
func ModuleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod above the working directory")
		}
		dir = parent
	}
}

// Examples loads and assesses every examples/*/inventory.yaml of the
// module, so that exporters are also checked on what the engine produces.
// It finds the module root by walking up from the working directory
// (ModuleRoot).
func Examples(ctx context.Context) ([]Assessed, error) {
	dir, err := ModuleRoot()
	if err != nil {
		return nil, err
	}
	paths, err := filepath.Glob(filepath.Join(dir, "examples", "*", "inventory.yaml"))
	if err != nil {
		return nil, err
	}
	if len(paths) == 0 {
		return nil, fmt.Errorf("no examples/*/inventory.yaml under %s", dir)
	}
	k, err := kb.Default()
	if err != nil {
		return nil, err
	}
	cwd, err := os.Getwd()
	if err != nil {
		return nil, err
	}
	var out []Assessed
	for _, p := range paths {
		// Loaded by a path relative to the working directory, so that the
		// positions the reports show are the same in every checkout.
		if rel, err := filepath.Rel(cwd, p); err == nil {
			p = rel
		}
		inv, err := inventory.Load(ctx, k, p)
		if err != nil {
			return nil, err
		}
		r, err := assess.Assess(ctx, inv, k, assess.Options{Now: assessDay(), Qualifies: embassy.QualifierFor(inv, embassy.Options{KB: k})})
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		out = append(out, Assessed{Name: filepath.Base(filepath.Dir(p)), Inventory: inv, Report: r})
	}
	return out, nil
}

// Synthetic generates an inventory of n components with the project's
// generator and assesses it, for benchmarks.
func Synthetic(ctx context.Context, n int) (*sovmap.Inventory, *sovmap.Report, error) {
	k, err := kb.Default()
	if err != nil {
		return nil, nil, err
	}
	inv := gen.Inventory(k, gen.Options{Components: n, Seed: 1})
	r, err := assess.Assess(ctx, inv, k, assess.Options{Now: assessDay(), Qualifies: embassy.QualifierFor(inv, embassy.Options{KB: k})})
	if err != nil {
		return nil, nil, err
	}
	return inv, r, nil
}
