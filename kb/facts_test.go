package kb

import "testing"

// Facts re-checked on 2026-12-05 (docs/kb-recheck-2026-12.md): these pin
// the readings a later edit should not undo without a new source.
func TestRecheckedFacts202612(t *testing.T) {
	k := mustDefault(t)
	for id, want := range map[string]string{
		"s3ns": "google", "bleu": "microsoft", "delos-cloud": "microsoft", "core42": "microsoft",
		"aws-esc": "amazon", "sinnet": "amazon", "nwcd": "amazon",
	} {
		p, ok := k.Provider(id)
		if !ok || p.Technology != want {
			t.Errorf("%s: technology %q, want %q", id, p.Technology, want)
		}
	}
	if p, _ := k.Provider("aws-esc"); p.Parent != "amazon" {
		t.Errorf("aws-esc parent = %q, want amazon", p.Parent)
	}
	if p, _ := k.Provider("aleph-alpha"); p.Parent != "" || !p.Contested {
		t.Errorf("aleph-alpha: parent %q contested %v; the Cohere deal had not closed", p.Parent, p.Contested)
	}
	if l, _ := k.Law("ru-374-fz"); l.Reaches(ReachControl) || !l.Reaches(ReachLocation) || !l.Reaches(ReachOperations) {
		t.Errorf("ru-374-fz reach = %v, want location and operations", l.Reach)
	}
	for _, name := range []string{"C5:2026", "C5 Type 1", "C5 Type 2", "C5:2020 Type 2", "C5:2026 Type 2"} {
		if s, ok := k.Scheme(name); !ok || s.ID != "c5" {
			t.Errorf("Scheme(%q) = %q, %v; want c5", name, s.ID, ok)
		}
	}
	if s, _ := k.Scheme("c3a"); s.HasAssertion(AssertsOperations) || s.HasAssertion(AssertsImmunity) {
		t.Errorf("c3a asserts %v; a report may cover a subset of the criteria", s.Asserts)
	}
	if s, _ := k.Scheme("hds"); s.Location != "EEA" {
		t.Errorf("hds location = %q, want EEA", s.Location)
	}
	for _, id := range []string{"salesforce", "slack", "microsoft-ireland", "google-ireland", "stripe", "openai", "anthropic", "mistral", "xai", "perplexity"} {
		if _, ok := k.Provider(id); !ok {
			t.Errorf("provider %s missing", id)
		}
	}
	if chain := k.ParentChain("confluent"); len(chain) < 2 || chain[1].ID != "ibm" {
		t.Errorf("confluent chain = %v, want confluent -> ibm", chain)
	}
}
