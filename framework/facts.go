package framework

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/internal/plural"
	"github.com/sovmap/sovmap/kb"
)

// The provider facts sovmap derives from the inventory and the knowledge
// base. Criteria name them in their fact field.
const (
	// FactSeatEU is "yes" when the provider is registered in an EU member
	// state, "no" when it is registered elsewhere.
	FactSeatEU = "provider.seat_eu"
	// FactEUControl is "yes" when the provider and every parent up to the
	// ultimate controller are registered in the EU, "no" as soon as one is
	// not.
	FactEUControl = "provider.eu_control"
	// FactForeignOwnershipTotal is the share (percent) of capital held
	// outside the EU, from Provider.ForeignOwnership. It is left out when
	// the recorded share is not between 0 and 100 (the inventory's checks
	// report that).
	FactForeignOwnershipTotal = "provider.foreign_ownership_total"
	// FactForeignOwnershipSingle is the largest share of a single non-EU
	// holder. It is known only when the total is at most 24%, which bounds
	// every single share.
	FactForeignOwnershipSingle = "provider.foreign_ownership_single"
	// FactNoNonEUAccess is "no" when a component of the provider is
	// operated from outside the EU, or when a non-EU parent controls the
	// provider and the provider can read the data (it holds the keys);
	// "yes" when every component is operated from the EU and no non-EU
	// controller can reach readable data.
	FactNoNonEUAccess = "provider.no_non_eu_access"
	// FactHPCSovereignty caps the EU calculator's HPC and AI compute
	// criterion (SOV-6.5) from the provider's accelerators: designed by a
	// vendor controlled outside the EU they can at best be co-designed or
	// integrated in the EU; located outside the EU as well, they are
	// imported machines.
	FactHPCSovereignty = "provider.hpc_sovereignty"
	// FactAIChips caps the EU calculator's AI criterion (SOV-3.5): chips
	// from a vendor controlled outside the EU allow at best "EU-led AI on
	// foreign accelerators"; chips whose vendor's country restricts their
	// export to where they are installed (a licence or a presumption of
	// denial) are restricted chips.
	FactAIChips = "provider.ai_chips"
)

// ProviderFacts derives the facts above for one provider. The provider and
// its parents are looked up in the inventory first, then in the knowledge
// base. A fact whose inputs are unknown is left out, so the assessment's
// answer (or, failing that, the worst answer) applies.
//
// SecNumCloud and the Gaia-X labels speak of the EU whatever the
// organization's home, so these facts use the EU as defined in the
// knowledge base; the share of foreign ownership is read as the non-EU share.
func ProviderFacts(inv *sovmap.Inventory, k *kb.KB, providerID string) (map[string]Fact, error) {
	return ProviderFactsAt(inv, k, providerID, time.Now())
}

// ProviderFactsAt is ProviderFacts with export controls judged on day at.
func ProviderFactsAt(inv *sovmap.Inventory, k *kb.KB, providerID string, at time.Time) (map[string]Fact, error) {
	eu, ok := k.Expand("EU")
	if !ok {
		return nil, fmt.Errorf("the knowledge base has no EU bloc")
	}
	inEU := func(country string) bool { return slices.Contains(eu, country) }
	chain, err := parentChain(inv, k, providerID)
	if err != nil {
		return nil, err
	}
	facts := map[string]Fact{}
	self := chain[0]
	if self.country != "" {
		facts[FactSeatEU] = Fact{
			Value:  yesNo(inEU(self.country)),
			Detail: fmt.Sprintf("%s: provider %s is registered in %s", self.from, self.id, self.country),
		}
	}
	control, controlDetail := "", ""
	var path []string
	for _, p := range chain {
		path = append(path, fmt.Sprintf("%s (%s)", p.id, orUnknown(p.country)))
		if p.country == "" {
			control, controlDetail = "", ""
			break
		}
		if !inEU(p.country) {
			control = "no"
			controlDetail = fmt.Sprintf("%s: %s is registered in %s, outside the EU (chain %s)", p.from, p.id, p.country, strings.Join(path, " -> "))
			break
		}
		control = "yes"
	}
	if control == "yes" {
		controlDetail = "control chain all in the EU: " + strings.Join(path, " -> ")
	}
	if control != "" {
		facts[FactEUControl] = Fact{Value: control, Detail: controlDetail}
	}
	if share := self.foreignOwnership; share != nil && *share >= 0 && *share <= 100 {
		// A non-EU controller up the parent chain holds the provider
		// indirectly, which the recorded share may not show.
		var doubt string
		if control == "no" && *share <= 39 {
			doubt = fmt.Sprintf("the inventory records %s%% non-EU capital for %s, yet its parent chain reaches a controller outside the EU (%s); §19.6 counts indirect holdings, so the recorded share may understate them", num(*share), self.id, controlDetail)
		}
		facts[FactForeignOwnershipTotal] = Fact{
			Value:  *share,
			Detail: fmt.Sprintf("inventory: provider %s has foreign_ownership %s%% (capital)", self.id, num(*share)),
			Note:   doubt,
		}
		if *share <= 24 {
			facts[FactForeignOwnershipSingle] = Fact{
				Value:  *share,
				Detail: fmt.Sprintf("inventory: total non-EU capital of %s is %s%%, so no single non-EU holder exceeds it", self.id, num(*share)),
				Note:   doubt,
			}
		}
	}
	own := components(inv, func(c *sovmap.Component) bool { return c.Provider == providerID })
	if f, ok := accessFact(own, providerID, inEU, control); ok {
		facts[FactNoNonEUAccess] = f
	}
	if err := acceleratorFacts(facts, inv, k, own, inEU, at); err != nil {
		return nil, err
	}
	return facts, nil
}

// components lists the components of inv that pick picks, in the
// inventory's order: the one pass over the inventory that each subject's
// facts (a provider's, an arrangement's) start from.
func components(inv *sovmap.Inventory, pick func(*sovmap.Component) bool) []*sovmap.Component {
	if inv == nil {
		return nil
	}
	var out []*sovmap.Component
	for i := range inv.Components {
		if c := &inv.Components[i]; pick(c) {
			out = append(out, c)
		}
	}
	return out
}

// accelerator is a hardware component a provider's service runs on, with
// the country of its vendor's ultimate controller.
type accelerator struct {
	c             *sovmap.Component
	vendor, owner string // vendor id and its ultimate controller's country
}

// accelerators lists the hardware the picked components run on: the picked
// hardware-layer components themselves and the hardware-layer components
// the picked ones depend on, in that order. Hardware without a vendor (run
// by the organization itself) is left out. Only the dependencies named are
// looked up, in one pass, rather than an index of the whole inventory
// built for every provider and arrangement.
func accelerators(inv *sovmap.Inventory, k *kb.KB, picked []*sovmap.Component) ([]accelerator, error) {
	deps := map[string]*sovmap.Component{}
	for _, c := range picked {
		for _, d := range c.DependsOn {
			deps[d.ID] = nil
		}
	}
	if len(deps) > 0 {
		for i := range inv.Components {
			if c := &inv.Components[i]; c.Layer == sovmap.LayerHardware {
				if _, named := deps[c.ID]; named {
					deps[c.ID] = c
				}
			}
		}
	}
	seen := map[string]bool{}
	var out []accelerator
	add := func(c *sovmap.Component) error {
		if c == nil || c.Layer != sovmap.LayerHardware || c.Provider == "" || seen[c.ID] {
			return nil
		}
		seen[c.ID] = true
		chain, err := parentChain(inv, k, c.Provider)
		if err != nil {
			return fmt.Errorf("hardware %s: %w", c.ID, err)
		}
		out = append(out, accelerator{c: c, vendor: c.Provider, owner: chain[len(chain)-1].country})
		return nil
	}
	for _, c := range picked {
		if err := add(c); err != nil {
			return nil, err
		}
		for _, d := range c.DependsOn {
			if err := add(deps[d.ID]); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// acceleratorFacts sets the caps the provider's accelerators put on the EU
// calculator's AI and HPC criteria. Nothing is set when no accelerator is
// known or every vendor is EU-controlled: the inventory cannot tell EU
// design from EU fabrication, so the answer stands.
func acceleratorFacts(facts map[string]Fact, inv *sovmap.Inventory, k *kb.KB, own []*sovmap.Component, inEU func(string) bool, at time.Time) error {
	accs, err := accelerators(inv, k, own)
	if err != nil {
		return err
	}
	var foreign, outside, restricted, questions []string
	for _, a := range accs {
		if a.owner == "" {
			questions = append(questions, fmt.Sprintf("Which country controls %s, the vendor of the accelerators %s? The inventory does not say, so whether they were designed in the EU, or are under export restrictions, is open.", a.vendor, a.c.ID))
			continue
		}
		if inEU(a.owner) {
			continue
		}
		foreign = append(foreign, fmt.Sprintf("%s from %s (%s)", a.c.ID, a.vendor, a.owner))
		for _, loc := range a.c.Locations {
			country := loc
			if len(loc) != 2 {
				// A provider:region id: its country comes from the
				// knowledge base (or the inventory's own regions).
				r, ok := k.Region(loc)
				if !ok || r.Country == "" {
					questions = append(questions, fmt.Sprintf("In which country is %s (location of the accelerators %s)?", loc, a.c.ID))
					continue
				}
				country = r.Country
			}
			if !inEU(country) {
				outside = append(outside, fmt.Sprintf("%s in %s", a.c.ID, loc))
			}
			for _, x := range k.ExportControl(country, at) {
				if x.Regime == a.owner && x.Severity() >= 2 {
					restricted = append(restricted, fmt.Sprintf("%s in %s: %s", a.c.ID, loc, controlText(x, country)))
					break
				}
			}
		}
	}
	question := strings.Join(questions, " ")
	if len(foreign) == 0 {
		if question != "" {
			facts[FactHPCSovereignty] = Fact{Question: question}
			facts[FactAIChips] = Fact{Question: question}
		}
		return nil
	}
	vendors := "inventory: accelerators designed outside the EU: " + strings.Join(foreign, ", ")
	hpc := Fact{Value: "eu-co-designed", Cap: true, Detail: vendors + "; so at best co-designed or integrated in the EU"}
	if len(outside) > 0 {
		hpc = Fact{Value: "imported-black-box", Cap: true, Detail: vendors + "; installed outside the EU: " + strings.Join(outside, ", ")}
	}
	chips := Fact{Value: "eu-ai-foreign-accelerators", Cap: true, Detail: vendors + "; so at best EU-led AI on foreign accelerators"}
	if len(restricted) > 0 {
		chips = Fact{Value: "black-box-restricted-chips", Cap: true, Detail: vendors + "; under export restrictions on " + at.UTC().Format(time.DateOnly) + ": " + strings.Join(restricted, "; ")}
	}
	// Imported black boxes and restricted chips are the floors of their
	// ladders: nothing unknown can lower them, so nothing is asked.
	if hpc.Value != "imported-black-box" {
		hpc.Question = question
	}
	if chips.Value != "black-box-restricted-chips" {
		chips.Question = question
	}
	facts[FactHPCSovereignty] = hpc
	facts[FactAIChips] = chips
	return nil
}

// accessFact decides whether a non-EU party can reach the data the
// provider's components (own) hold.
func accessFact(own []*sovmap.Component, providerID string, inEU func(string) bool, control string) (Fact, bool) {
	if len(own) == 0 {
		return Fact{}, false
	}
	var (
		allStated  = true
		readableBy []string
	)
	for _, c := range own {
		for _, country := range c.OperatedFrom {
			if !inEU(country) {
				return Fact{Value: "no", Detail: fmt.Sprintf("inventory: component %s is operated from %s", c.ID, country)}, true
			}
		}
		if len(c.OperatedFrom) == 0 {
			allStated = false
		}
		if c.Holds() && (c.KeyCustody == "" || c.KeyCustody == sovmap.KeysProvider || c.KeyCustody == sovmap.KeysCustomerManaged) {
			readableBy = append(readableBy, c.ID)
		}
	}
	if control == "no" && len(readableBy) > 0 {
		return Fact{Value: "no", Detail: fmt.Sprintf("inventory: a non-EU parent controls %s and the keys of %s are not held by the customer", providerID, strings.Join(readableBy, ", "))}, true
	}
	if !allStated || control == "" && len(readableBy) > 0 {
		return Fact{}, false
	}
	return Fact{Value: "yes", Detail: fmt.Sprintf("inventory: %s %s of %s %s operated from the EU and no non-EU controller holds readable data", plural.Pick(len(own), "the", "all"), plural.Count(len(own), "component"), providerID, plural.Pick(len(own), "is", "are"))}, true
}

// entity is one link of a provider's control chain.
type entity struct {
	id, country, from string
	foreignOwnership  *float64
}

// parentChain follows parent links from the provider to its ultimate
// controller, through the inventory and then the knowledge base.
func parentChain(inv *sovmap.Inventory, k *kb.KB, id string) ([]entity, error) {
	var chain []entity
	seen := map[string]bool{}
	for cur := id; cur != ""; {
		if seen[cur] {
			return nil, fmt.Errorf("provider %s: parent chain loops at %s", id, cur)
		}
		seen[cur] = true
		e, parent, ok := lookupEntity(inv, k, cur)
		if !ok {
			if len(chain) == 0 {
				return nil, fmt.Errorf("unknown provider %q (neither in the inventory nor in the knowledge base)", id)
			}
			// An unknown parent is an unknown country: the chain stops there.
			chain = append(chain, entity{id: cur, from: "unknown"})
			break
		}
		chain = append(chain, e)
		cur = parent
	}
	return chain, nil
}

func lookupEntity(inv *sovmap.Inventory, k *kb.KB, id string) (entity, string, bool) {
	if inv != nil {
		for i := range inv.Providers {
			if p := &inv.Providers[i]; p.ID == id {
				return entity{id: id, country: p.Country, from: "inventory", foreignOwnership: p.ForeignOwnership}, p.Parent, true
			}
		}
	}
	if p, ok := k.Provider(id); ok {
		return entity{id: id, country: p.Country, from: "knowledge base"}, p.Parent, true
	}
	return entity{}, "", false
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown country"
	}
	return s
}

// FactAcceleratorSupply caps the digital-embassy capacity criterion by
// the export controls that the hosted accelerators' vendor country puts on
// the host (see ArrangementFacts).
const FactAcceleratorSupply = "arrangement.accelerator_supply"

// supplyAnswers maps an export control's severity (kb.ExportControl.
// Severity: none, capped, licence, denial) to the most the capacity
// criterion can answer. This is sovmap's reading, not the rules': the rules
// say only that exports need a licence, fit within a quota, or are
// presumed denied. A capacity that needs a licence or a quota for every
// shipment can be reserved only in part; one presumed denied cannot be
// reserved at all.
var supplyAnswers = [...]string{"yes", "partial", "partial", "no"}

// supplyReading says why each severity caps the answer where it does.
var supplyReading = [...]string{
	"sovmap's reading: export controls set no cap",
	"sovmap's reading: with exports within quotas, reserved accelerator capacity is guaranteed only in part",
	"sovmap's reading: with a licence needed for every export, reserved accelerator capacity is guaranteed only in part",
	"sovmap's reading: with exports presumed denied, accelerator capacity cannot be guaranteed",
}

// ArrangementFacts derives the fact about an arrangement that needs the
// knowledge base: how far the export controls of the hosted accelerators'
// vendor countries on the host, on day at, let the host guarantee
// accelerator capacity (FactAcceleratorSupply, a ceiling on the capacity
// criterion).
//
// The accelerators are the hardware-layer components hosted under the
// arrangement and those the hosted components depend on; a vendor's
// country is the country of its ultimate controller. The fact names every
// accelerator, the rule and group that binds with its source, whether the
// knowledge base marks it contested, and, when none applies, the rules
// that applied before but ended (the AI diffusion rule, rescinded in May
// 2025). What the inventory cannot tell becomes the fact's Question: a vendor whose
// country is unknown, hardware without a vendor, hosted compute without
// known hardware, a host the knowledge base does not know. No fact at all
// is set when the arrangement hosts neither hardware nor compute.
func ArrangementFacts(inv *sovmap.Inventory, k *kb.KB, a sovmap.Arrangement, at time.Time) (map[string]Fact, error) {
	facts := map[string]Fact{}
	if inv == nil || a.Host == "" {
		return facts, nil
	}
	hosted := components(inv, func(c *sovmap.Component) bool { return c.Arrangement == a.ID })
	accs, err := accelerators(inv, k, hosted)
	if err != nil {
		return nil, fmt.Errorf("arrangement %s: %w", a.ID, err)
	}
	day := at.UTC().Format(time.DateOnly)
	var questions, unvendored, compute []string
	for _, c := range hosted {
		switch {
		case c.Layer == sovmap.LayerHardware && c.Provider == "":
			unvendored = append(unvendored, c.ID)
		case c.Layer == sovmap.LayerCompute:
			compute = append(compute, c.ID)
		}
	}
	if len(unvendored) > 0 {
		questions = append(questions, fmt.Sprintf("Who makes the accelerators in %s, hosted under %s? The inventory names no vendor, so export controls on them cannot be checked.", strings.Join(unvendored, ", "), a.ID))
	}
	if len(accs) == 0 && len(unvendored) == 0 {
		if len(compute) == 0 {
			return facts, nil
		}
		questions = append(questions, fmt.Sprintf("Does the compute hosted under %s (%s) run on accelerators, and from which vendor? List them as hardware components it depends on, so that export controls on them can be checked.", a.ID, strings.Join(compute, ", ")))
	}
	if _, known := k.Country(a.Host); !known {
		questions = append(questions, fmt.Sprintf("Which export controls apply to %s? The knowledge base does not know the host country.", a.Host))
		accs = nil
	}
	worst := -1
	var binding, names []string
	var ended []string
	for _, acc := range accs {
		if acc.owner == "" {
			questions = append(questions, fmt.Sprintf("Which country controls %s, the vendor of the accelerators %s? Its export controls on %s decide how far accelerator capacity can be guaranteed.", acc.vendor, acc.c.ID, a.Host))
			continue
		}
		names = append(names, fmt.Sprintf("%s from %s (controlled from %s)", acc.c.ID, acc.vendor, acc.owner))
		sev, why := supplyControl(k, acc.owner, a.Host, at)
		switch {
		case sev > worst:
			worst, binding = sev, []string{why}
		case sev == worst && !slices.Contains(binding, why):
			binding = append(binding, why)
		}
		for _, x := range k.ExportControlHistory(a.Host) {
			if x.Regime != acc.owner || x.Until == "" || x.Until > day {
				continue
			}
			if t := endedText(x, a.Host); !slices.Contains(ended, t) {
				ended = append(ended, t)
			}
		}
	}
	f := Fact{Question: strings.Join(questions, " ")}
	if worst >= 0 {
		f.Value, f.Cap = supplyAnswers[worst], true
		f.Detail = fmt.Sprintf("inventory: accelerators %s, hosted in %s; on %s %s; %s", strings.Join(names, ", "), a.Host, day, strings.Join(binding, "; "), supplyReading[worst])
		if worst == 0 && len(ended) > 0 {
			// Say why a rule the reader may remember no longer caps.
			f.Detail += "; no longer in force: " + strings.Join(ended, "; ")
		}
		if worst == 3 {
			// Nothing unknown can lower the answer further.
			f.Question = ""
		}
	}
	if f.Value == nil && f.Question == "" {
		return facts, nil
	}
	facts[FactAcceleratorSupply] = f
	return facts, nil
}

// supplyControl finds the export controls of regime on host on day at: the
// severity of the most restrictive group (0 when none applies) and a
// description of it. ExportControl lists the most restrictive group first;
// the milder ones of the same regime are named too (China's case-by-case
// lane for lesser chips beside the presumption of denial), since the
// inventory does not say which chips these are.
func supplyControl(k *kb.KB, regime, host string, at time.Time) (int, string) {
	var groups []kb.ExportControl
	for _, x := range k.ExportControl(host, at) {
		if x.Regime == regime {
			groups = append(groups, x)
		}
	}
	if len(groups) == 0 {
		return 0, fmt.Sprintf("the knowledge base records no export control of %s on advanced AI accelerators to %s", regime, host)
	}
	why := controlText(groups[0], host)
	var milder []string
	for _, x := range groups[1:] {
		milder = append(milder, fmt.Sprintf("%s (%s): %s", x.ID, x.Group, restrictionText[x.Restriction]))
	}
	if len(milder) > 0 {
		why += "; also in force, for some items: " + strings.Join(milder, ", ")
	}
	return groups[0].Severity(), why
}

// endedText describes a group that no longer applies and what ended it.
func endedText(x kb.ExportControl, host string) string {
	return fmt.Sprintf("%s (%s) put %s in %s, %s, from %s until %s, %s", x.ID, source(x), host, x.Group, restrictionText[x.Restriction], x.Effective, x.Until, x.Ended)
}

// controlText describes one export-control group as it reaches a host,
// with its source and whether the knowledge base marks it contested.
func controlText(x kb.ExportControl, host string) string {
	s := fmt.Sprintf("%s puts %s in %s: %s (%s, %s, in force since %s", x.Regime, host, x.Group, restrictionText[x.Restriction], x.ID, source(x), x.Effective)
	if x.Contested {
		s += "; marked contested in the knowledge base, see sovmap kb jurisdiction " + host
	}
	return s + ")"
}

// source is the first source of an export-control group: for most shipped
// rules their Federal Register citation, otherwise a commentary on them.
func source(x kb.ExportControl) string {
	if len(x.Sources) == 0 {
		return "no source recorded"
	}
	return x.Sources[0]
}

// restrictionText says what each restriction of kb.ExportControl means.
var restrictionText = map[string]string{
	kb.RestrictionNone:    "no licence required",
	kb.RestrictionCapped:  "exports within country quotas",
	kb.RestrictionLicence: "licence required, reviewed case by case",
	kb.RestrictionDenial:  "licence required with a presumption of denial",
}
