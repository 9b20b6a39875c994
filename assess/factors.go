package assess

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/kb"
)

// Tier to level, per factor. Location is gentler than control and
// operations: data abroad in a trusted jurisdiction, still controlled and
// operated from home, is "abroad but under home control in practice"
// (level 3); control or hands-on operation by a trusted partner is a
// trusted-partner arrangement (level 2).
var (
	controlLevel  = [...]sovmap.Level{sovmap.TierHome: 4, sovmap.TierTrusted: 2, sovmap.TierNeutral: 1, sovmap.TierRestricted: 0, sovmap.TierUnknown: 0}
	locationLevel = [...]sovmap.Level{sovmap.TierHome: 4, sovmap.TierTrusted: 3, sovmap.TierNeutral: 1, sovmap.TierRestricted: 0, sovmap.TierUnknown: 0}
	legalLevel    = [...]sovmap.Level{sovmap.TierHome: 4, sovmap.TierTrusted: 2, sovmap.TierNeutral: 1, sovmap.TierRestricted: 0, sovmap.TierUnknown: 0}
)

// control describes who ultimately controls a provider.
type control struct {
	chain      []string // provider ids, from the provider up to the controller
	countries  []string // countries of incorporation along the chain
	controller string
	country    string // the ultimate controller's country; "" if unknown
	factor     sovmap.Factor
	exposures  []exposure // through control
	exposureID int32      // exposures, interned: equal lists share an id
	technology *technology
}

// technology is the licensed stack an offer runs: whose it is and how its
// controller stands from home.
type technology struct {
	provider   string
	controller string
	country    string
	tier       sovmap.Tier
}

// facts resolves and memoises the facts factors need: provider chains and
// location countries. Inventories repeat the same providers and locations
// across many components, so each is resolved once.
type facts struct {
	kb        *kb.KB
	tiers     *Tiers
	providers map[string]*sovmap.Provider
	controls  map[string]*control
	locations map[string][]string
	laws      map[string][]kb.Law // compelled-access laws by jurisdiction
	// lists interns exposure lists, so that the legal factor is memoised
	// by what reaches a component rather than by who and where it is:
	// every US-controlled provider exposes the same way.
	lists map[string]int32
}

// intern returns the id of an exposure list; equal lists get equal ids.
func (f *facts) intern(list []exposure) int32 {
	var b strings.Builder
	for _, e := range list {
		b.WriteString(e.fact)
		b.WriteByte(0)
	}
	key := b.String()
	id, ok := f.lists[key]
	if !ok {
		id = int32(len(f.lists))
		f.lists[key] = id
	}
	return id
}

func newFacts(k *kb.KB, t *Tiers, inv *sovmap.Inventory) *facts {
	f := &facts{kb: k, tiers: t, providers: make(map[string]*sovmap.Provider, len(inv.Providers)),
		controls: map[string]*control{}, locations: map[string][]string{}, laws: map[string][]kb.Law{}, lists: map[string]int32{}}
	for i := range inv.Providers {
		f.providers[inv.Providers[i].ID] = &inv.Providers[i]
	}
	home, _ := k.Expand(t.Home())
	for _, l := range k.Laws(kb.CompelledAccess) {
		members, ok := k.Expand(l.Jurisdiction)
		if !ok {
			continue
		}
		// A law of a bloc home belongs to (e-Evidence for an EU member)
		// is home law, not foreign exposure.
		if _, bloc := k.Bloc(l.Jurisdiction); bloc && overlaps(members, home) {
			continue
		}
		for _, c := range members {
			f.laws[c] = append(f.laws[c], l)
		}
	}
	return f
}

// provider returns a provider's name, country and parent, from the
// inventory first and the knowledge base second.
func (f *facts) provider(id string) (name, country, parent string, ok bool) {
	if p, found := f.providers[id]; found {
		name, country, parent = p.Name, p.Country, p.Parent
		if country == "" || parent == "" {
			// The inventory may give only some facts; the knowledge base fills in.
			if kp, inKB := f.kb.Provider(id); inKB {
				if country == "" {
					country = kp.Country
				}
				if parent == "" {
					parent = kp.Parent
				}
			}
		}
		return name, country, parent, true
	}
	if kp, found := f.kb.Provider(id); found {
		return kp.Name, kp.Country, kp.Parent, true
	}
	return "", "", "", false
}

// control follows a provider's parent chain to its ultimate controller.
func (f *facts) control(providerID string) *control {
	if c, ok := f.controls[providerID]; ok {
		return c
	}
	c := &control{}
	seen := map[string]bool{}
	for id := providerID; id != "" && !seen[id]; {
		seen[id] = true
		_, country, parent, ok := f.provider(id)
		if !ok {
			break
		}
		c.chain = append(c.chain, id)
		if country != "" {
			c.countries = append(c.countries, country)
		}
		c.controller, c.country = id, country
		id = parent
	}
	tier := sovmap.TierUnknown
	if c.country != "" {
		tier = f.tiers.Of(c.country)
	}
	fact := fmt.Sprintf("provider %s, controlled by %s", providerID, strings.Join(c.chain[1:], " -> "))
	if len(c.chain) <= 1 {
		fact = fmt.Sprintf("provider %s, not controlled by another entity", providerID)
	}
	c.factor = sovmap.Factor{Name: sovmap.FactorControl, Level: controlLevel[tier], Facts: []string{fact}}
	switch {
	case c.country == "":
		c.factor.Reason = fmt.Sprintf("the country of %s's ultimate controller is unknown", providerID)
		c.factor.Remedy = "state the provider's country and parent so that its ultimate controller is known"
	default:
		c.factor.Facts = append(c.factor.Facts, fmt.Sprintf("ultimate controller %s in %s", c.controller, c.country))
		c.factor.Reason = fmt.Sprintf("ultimately controlled from %s, a %s jurisdiction (%s)", c.country, tier, f.tiers.Why(c.country))
		if tier != sovmap.TierHome {
			c.factor.Remedy = "choose a provider controlled from the home jurisdiction (or at least a trusted one)"
		}
	}
	c.exposures = exposures(f, c.countries, sovmap.ViaControl)
	c.exposureID = f.intern(c.exposures)
	f.controls[providerID] = c
	for _, id := range c.chain {
		if kp, ok := f.kb.Provider(id); ok && kp.Technology != "" {
			tc := f.control(kp.Technology)
			tier := sovmap.TierUnknown
			if tc.country != "" {
				tier = f.tiers.Of(tc.country)
			}
			c.technology = &technology{provider: kp.Technology, controller: tc.controller, country: tc.country, tier: tier}
			break
		}
	}
	return c
}

// countries turns locations (countries, blocs, provider:region ids) into
// the countries they are in, deduplicated.
func (f *facts) countries(locations []string) []string {
	if len(locations) == 1 {
		if c, ok := f.locations[locations[0]]; ok {
			return c
		}
	}
	key := strings.Join(locations, ",")
	if c, ok := f.locations[key]; ok {
		return c
	}
	var out []string
	for _, loc := range locations {
		if kb.IsRegionID(loc) {
			if r, ok := f.kb.Region(loc); ok {
				out = appendUnique(out, r.Country)
			}
			continue
		}
		if members, ok := f.kb.Expand(loc); ok {
			for _, m := range members {
				out = appendUnique(out, m)
			}
		}
	}
	f.locations[key] = out
	return out
}

// immunity returns the first certification whose scheme asserts immunity
// from laws outside its own jurisdiction and applies where the component
// is located and operated, or "": a SecNumCloud qualification says nothing
// of a service delivered from the United States.
func (f *facts) immunity(certs, located, operated []string) string {
	for _, id := range certs {
		s, ok := f.kb.Scheme(id)
		if !ok || !s.HasAssertion(kb.AssertsImmunity) || s.Status == kb.StatusWithdrawn {
			continue
		}
		if applies, _ := f.certificationApplies(s, located, operated); applies {
			return s.ID
		}
	}
	return ""
}

// expand turns countries and blocs into the countries they stand for.
func (f *facts) expand(codes []string) []string {
	var out []string
	for _, code := range codes {
		members, _ := f.kb.Expand(code)
		for _, m := range members {
			out = appendUnique(out, m)
		}
	}
	return out
}

func appendUnique(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}

// embassy is a qualifying arrangement covering a component, if any.
type embassy struct {
	id, host, why string
}

func locationFactor(f *facts, c *sovmap.Component, countries []string, emb *embassy) sovmap.Factor {
	fac := sovmap.Factor{Name: sovmap.FactorLocation, Level: sovmap.Domestic}
	if len(countries) == 0 {
		fac.Level = sovmap.Exposed
		fac.Reason = "no location is stated, so it cannot be placed"
		fac.Remedy = "state the locations (countries or provider:region ids)"
		return fac
	}
	fac.Facts = []string{"locations: " + strings.Join(c.Locations, ", ") + " (" + strings.Join(countries, ", ") + ")"}
	worstAt := ""
	for _, country := range countries {
		tier := f.tiers.Of(country)
		lvl := locationLevel[tier]
		if emb != nil && country == emb.host && lvl < sovmap.SovereignPartner {
			lvl = sovmap.SovereignPartner
		}
		if worstAt == "" || lvl < fac.Level {
			fac.Level, worstAt = lvl, country
		}
	}
	tier := f.tiers.Of(worstAt)
	switch {
	case emb != nil && worstAt == emb.host:
		fac.Reason = fmt.Sprintf("hosted in %s under the qualifying digital-embassy arrangement %s (%s): counts as home, abroad", worstAt, emb.id, emb.why)
		fac.Facts = append(fac.Facts, "arrangement "+emb.id+" qualifies")
	default:
		fac.Reason = fmt.Sprintf("located in %s, a %s jurisdiction (%s)", worstAt, tier, f.tiers.Why(worstAt))
	}
	switch {
	case fac.Level == sovmap.Domestic:
	case tier == sovmap.TierTrusted || (emb != nil && worstAt == emb.host):
		fac.Remedy = "move it to a region in the home jurisdiction"
	default:
		fac.Remedy = "move it to a region in the home jurisdiction or a trusted one, or host it under a qualifying digital embassy"
	}
	return fac
}

func tierFactor(name sovmap.FactorName, f *facts, what string, countries []string, levels [5]sovmap.Level) sovmap.Factor {
	tier, at := f.tiers.Worst(countries)
	return sovmap.Factor{Name: name, Level: levels[tier], Facts: []string{what + ": " + strings.Join(countries, ", ")},
		Reason: fmt.Sprintf("%s %s, a %s jurisdiction (%s)", what, at, tier, f.tiers.Why(at))}
}

func operationsFactor(f *facts, c *sovmap.Component) sovmap.Factor {
	if len(c.OperatedFrom) == 0 {
		if c.Provider == "" {
			return sovmap.Factor{Name: sovmap.FactorOperations, Level: sovmap.Domestic, Facts: []string{"no provider"},
				Reason: "operated by the organization itself, from home"}
		}
		return sovmap.Factor{Name: sovmap.FactorOperations, Level: sovmap.Exposed,
			Reason: "operated_from is not stated, so who administers it is unknown",
			Remedy: "state where it is administered and supported from (operated_from)"}
	}
	var countries []string
	for _, o := range c.OperatedFrom {
		members, _ := f.kb.Expand(o)
		for _, m := range members {
			countries = appendUnique(countries, m)
		}
	}
	fac := tierFactor(sovmap.FactorOperations, f, "operated from", countries, controlLevel)
	fac.Facts = []string{"operated_from: " + strings.Join(c.OperatedFrom, ", ")}
	if fac.Level < sovmap.Domestic {
		fac.Remedy = "have it administered and supported from home, for example by a home-controlled sovereign operator"
	}
	return fac
}

// exposure is a compelled-access exposure with its fact already written,
// since the same exposures recur across many components.
type exposure struct {
	sovmap.Exposure
	fact    string
	country string // the country through which the law reaches, for its tier
}

// exposures lists the foreign compelled-access laws that reach data
// through via in the given countries. The home jurisdiction's own laws are
// not foreign exposure.
func exposures(f *facts, countries []string, via sovmap.Via) []exposure {
	var out []exposure
	for _, country := range countries {
		tier := f.tiers.Of(country)
		if tier == sovmap.TierHome {
			continue
		}
		for _, law := range f.laws[country] {
			if law.Reaches(string(via)) {
				// A bloc's law (e-Evidence) is one instrument: it is
				// reported under the bloc, once, not once per member.
				j := country
				if _, bloc := f.kb.Bloc(law.Jurisdiction); bloc {
					j = law.Jurisdiction
				}
				e := sovmap.Exposure{Jurisdiction: j, Law: law.Name, Via: via, Tier: tier.String()}
				out = append(out, exposure{Exposure: e, fact: e.Law + " (" + j + ") via " + string(via), country: country})
			}
		}
	}
	return out
}

// legalFactor judges the foreign compelled-access laws that reach the
// component through its controller, its locations or its operators (each
// list computed once per controller, placement and operator set), and
// whether the organization's keys blunt them.
func legalFactor(f *facts, c *sovmap.Component, immune string, parts ...[]exposure) (sovmap.Factor, []sovmap.Exposure) {
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	fac := sovmap.Factor{Name: sovmap.FactorLegal, Level: sovmap.Domestic}
	if n == 0 {
		fac.Reason = "no foreign compelled-access law in the knowledge base reaches it"
		return fac, nil
	}
	all := make([]exposure, 0, n)
	for _, p := range parts {
		all = append(all, p...)
	}
	all = dedupeExposure(all)
	exp := make([]sovmap.Exposure, len(all))
	fac.Facts = make([]string, len(all))
	worst := sovmap.TierHome
	var worstJ string
	for i, e := range all {
		exp[i], fac.Facts[i] = e.Exposure, e.fact
		if t := f.tiers.Of(e.country); worstJ == "" || t > worst {
			worst, worstJ = t, e.Jurisdiction
		}
	}
	fac.Level = legalLevel[worst]
	fac.Reason = worstJ + " can compel access through " + viaList(exp, worstJ) + " (" + worst.String() + " jurisdiction)"
	outside := "choose a provider, location and operators outside the reach of " + worstJ + "'s laws"
	keysMitigate := (c.KeyCustody == sovmap.KeysCustomerHeld || c.KeyCustody == sovmap.KeysDomesticHSM) && c.Layer != sovmap.LayerCompute
	switch {
	case keysMitigate || immune != "":
		for i := range exp {
			exp[i].Mitigated = true
		}
		// Keys and certified immunity each blunt compelled access; together
		// they still regain one level only, since neither removes the law.
		if fac.Level < sovmap.SovereignPartner {
			fac.Level++
		}
		if keysMitigate {
			fac.Reason += "; keys held by the customer mean compelled access yields ciphertext, so one level is regained"
		} else {
			fac.Reason += "; certified " + immune + ", which asserts immunity from foreign law, so one level is regained"
			fac.Facts = append(fac.Facts, "certification "+immune+" asserts immunity")
		}
		fac.Remedy = outside
	case c.Layer == sovmap.LayerCompute:
		fac.Remedy = "use confidential computing with customer-held keys, or " + outside
	default:
		fac.Remedy = "hold keys yourself (customer-held or a domestic HSM), or " + outside
	}
	return fac, exp
}

func viaList(exp []sovmap.Exposure, j string) string {
	var vias []string
	for _, e := range exp {
		if e.Jurisdiction == j {
			vias = appendUnique(vias, string(e.Via))
		}
	}
	return strings.Join(vias, " and ")
}

func dedupeExposure(exp []exposure) []exposure {
	sort.SliceStable(exp, func(i, j int) bool {
		a, b := &exp[i].Exposure, &exp[j].Exposure
		if a.Jurisdiction != b.Jurisdiction {
			return a.Jurisdiction < b.Jurisdiction
		}
		if a.Law != b.Law {
			return a.Law < b.Law
		}
		return a.Via < b.Via
	})
	out := exp[:0]
	for i, e := range exp {
		// A bloc's law reached through several members is one exposure.
		if i > 0 && e.Jurisdiction == exp[i-1].Jurisdiction && e.Law == exp[i-1].Law && e.Via == exp[i-1].Via {
			continue
		}
		out = append(out, e)
	}
	return out
}

func keysFactor(c *sovmap.Component, holder keyHolder) sovmap.Factor {
	fac := sovmap.Factor{Name: sovmap.FactorKeys}
	if !c.Holds() {
		fac.Level, fac.Reason = sovmap.Domestic, "holds no data, so key custody does not apply"
		return fac
	}
	fac.Facts = []string{"key_custody: " + string(c.KeyCustody)}
	switch c.KeyCustody {
	case sovmap.KeysDomesticHSM:
		fac.Level, fac.Reason = sovmap.Domestic, "keys are in an HSM located and operated at home"
	case sovmap.KeysCustomerHeld:
		fac.Level, fac.Reason = sovmap.SovereignPartner, "keys are held by the organization, outside the provider"
		fac.Remedy = "keep the keys in a domestic HSM"
	case sovmap.KeysCustomerManaged, sovmap.KeysProvider:
		who := "the provider holds the keys"
		if c.KeyCustody == sovmap.KeysCustomerManaged {
			who = "keys are managed by the organization inside the provider's key service"
		}
		// Keys are as safe as whoever holds them: a provider under home
		// control, operated from home and reached by no foreign law can
		// only be compelled under home law.
		switch {
		case holder == holderHome:
			fac.Level, fac.Reason = sovmap.Domestic, who+", a provider controlled and operated from home that no foreign compelled-access law reaches"
			fac.Facts = append(fac.Facts, "key holder under home control and home operations")
		case holder == holderTrusted:
			fac.Level, fac.Reason = sovmap.Safeguarded, who+", a provider controlled and operated from home or trusted jurisdictions, reached by no compelled-access law from outside them"
			fac.Facts = append(fac.Facts, "key holder under trusted control and operations")
			fac.Remedy = "hold keys yourself (customer-held or a domestic HSM)"
		case c.KeyCustody == sovmap.KeysCustomerManaged:
			fac.Level, fac.Reason = sovmap.Safeguarded, who+", which the provider could be compelled to use"
			fac.Remedy = "hold keys yourself (customer-held or a domestic HSM)"
		default:
			fac.Level, fac.Reason = sovmap.Contractual, who+", and it is foreign-controlled, operated from abroad or reached by a foreign compelled-access law"
			fac.Remedy = "hold keys yourself (customer-held or a domestic HSM), or choose a provider controlled and operated from home"
		}
	default:
		if c.Provider == "" {
			fac.Level, fac.Reason = sovmap.Domestic, "run by the organization itself, which holds its keys"
			fac.Facts = []string{"no provider"}
			return fac
		}
		fac.Level, fac.Reason = sovmap.Contractual, "key custody is not stated, so the provider is assumed to hold the keys"
		fac.Facts = []string{"key_custody not stated"}
		fac.Remedy = "state key_custody, and hold keys yourself (customer-held or a domestic HSM)"
	}
	return fac
}

// technologyFactor charges a licensed technology stack as a supply
// dependency: at most one level below what the other factors allow
// (other), nothing when the stack is controlled from home.
func technologyFactor(t *technology, other sovmap.Level) sovmap.Factor {
	stack := controlLevel[t.tier]
	fac := sovmap.Factor{Name: sovmap.FactorTechnology, Level: min(other, max(stack, other-1)),
		Facts: []string{"runs the technology of " + t.provider + " under licence (knowledge base)"}}
	if t.country == "" {
		fac.Reason = "runs the technology stack of " + t.provider + ", whose controller's country is unknown: a supply dependency (licences, updates), which costs at most one level"
	} else {
		fac.Facts = append(fac.Facts, "technology controlled by "+t.controller+" in "+t.country)
		fac.Reason = fmt.Sprintf("runs the technology stack of %s, controlled from %s (a %s jurisdiction): a supply dependency (licences, updates), which costs at most one level", t.provider, t.country, t.tier)
	}
	if fac.Level < other {
		fac.Remedy = "negotiate continuity of licences and updates (source escrow, a local build) or choose a stack controlled from home"
	}
	return fac
}

// SwitchingRights reports whether the EU Data Act's switching rights
// (chapter VI) protect an organization at home on day now: home is in the
// Union and the chapter applies (from 12 September 2025).
func SwitchingRights(k *kb.KB, home string, now time.Time) bool {
	if now.Before(time.Date(2025, 9, 12, 0, 0, 0, 0, time.UTC)) {
		return false
	}
	if home == "EU" {
		return true
	}
	members, _ := k.Expand(home)
	eu, _ := k.Expand("EU")
	for _, c := range members {
		if !slices.Contains(eu, c) {
			return false
		}
	}
	return len(members) > 0
}

// exitFactor judges whether the organization can leave a third-party
// component: a right to its data back, a standard format, a notice period,
// and a contract enforceable under a law it trusts.
//
// With statutory set, the EU Data Act's switching rights set a floor: a
// data processing service offered in the Union must accept notice of at
// most two months, complete the switch in 30 days and hand the data over,
// whatever the contract says.
func exitFactor(f *facts, c *sovmap.Component, statutory bool) sovmap.Factor {
	fac := contractExit(f, c)
	if statutory && fac.Level < sovmap.SovereignPartner {
		fac.Level = sovmap.SovereignPartner
		fac.Facts = append(fac.Facts, statutoryExitFact)
		fac.Reason += "; but the EU Data Act's switching rights apply whatever the contract says (notice of at most two months, a 30-day transition, export of the data, switching charges abolished from 12 January 2027; Regulation (EU) 2023/2854, art. 25 and 29), so the exit stands at the statutory floor"
		if fac.Remedy == "" {
			fac.Remedy = "record the contract's exit terms (contract:)"
		}
	}
	return fac
}

// statutoryExitFact is the fact an exit factor lists when the EU Data Act's
// switching rights hold it at their floor, whatever the governing law.
const statutoryExitFact = "EU Data Act, chapter VI (Regulation (EU) 2023/2854, art. 23-31): statutory switching rights"

// StatutoryExit reports whether the EU Data Act's switching rights set a
// floor under the exit factor of component c: they protect home
// (switching, from SwitchingRights), c is a third party's data processing
// service, and its controller is not in a restricted jurisdiction, against
// which the right is not counted on. Whatever law governs the contract,
// exit then stays at least at level 3 (SovereignPartner).
func StatutoryExit(switching bool, c *sovmap.Component, controller sovmap.Tier) bool {
	return switching && c.Provider != "" && processingLayers[c.Layer] && controller != sovmap.TierRestricted
}

// contractExit judges the exit terms the contract records.
func contractExit(f *facts, c *sovmap.Component) sovmap.Factor {
	fac := sovmap.Factor{Name: sovmap.FactorExit, Level: sovmap.Domestic}
	if c.Provider == "" {
		fac.Reason = "run by the organization itself: no provider to exit"
		return fac
	}
	k := c.Contract
	if k == nil {
		fac.Level = sovmap.Exposed
		fac.Reason = "no contract terms are recorded, so exit rights are unknown"
		fac.Remedy = "add an exit clause: data return, a standard export format and a notice period (contract:)"
		return fac
	}
	var why, fix []string
	lower := func(l sovmap.Level, reason, remedy string) {
		fac.Level = sovmap.Min(fac.Level, l)
		why = append(why, reason)
		if remedy != "" {
			fix = append(fix, remedy)
		}
	}
	switch {
	case k.DataReturn == nil:
		lower(sovmap.Contractual, "the right to get data back is not stated", "add a data-return clause")
	case !*k.DataReturn:
		lower(sovmap.Contractual, "the contract gives no right to get data back", "add a data-return clause")
	default:
		fac.Facts = append(fac.Facts, "data_return: true")
	}
	switch k.Portability {
	case sovmap.PortabilityStandard, sovmap.PortabilityOpen:
		fac.Facts = append(fac.Facts, "portability: "+string(k.Portability))
	case "":
		lower(sovmap.Safeguarded, "portability is not stated", "require export in a standard or open format")
	default:
		lower(sovmap.Safeguarded, "data leaves only in a "+string(k.Portability)+" format", "require export in a standard or open format")
	}
	if k.ExitNoticeDays == nil {
		lower(sovmap.Safeguarded, "no exit notice period is stated", "agree an exit notice period long enough to migrate")
	} else {
		fac.Facts = append(fac.Facts, fmt.Sprintf("exit_notice_days: %d", *k.ExitNoticeDays))
	}
	if k.GoverningLaw == "" {
		// Unknown facts never raise a level: an unstated law could be a
		// restricted jurisdiction's, which allows 0.
		lower(sovmap.Exposed, "the governing law is not stated, so whether the terms are enforceable at home is unknown", "agree a governing law of the home or a trusted jurisdiction")
	} else {
		members, _ := f.kb.Expand(k.GoverningLaw)
		tier, _ := f.tiers.Worst(members)
		fac.Facts = append(fac.Facts, "governing_law: "+k.GoverningLaw)
		switch tier {
		case sovmap.TierHome, sovmap.TierTrusted:
		case sovmap.TierRestricted:
			lower(sovmap.Exposed, "the contract is governed by the law of "+k.GoverningLaw+", a restricted jurisdiction", "agree a governing law of the home or a trusted jurisdiction")
		default:
			lower(sovmap.Contractual, "the contract is governed by the law of "+k.GoverningLaw+", a "+tier.String()+" jurisdiction, so commitments may not be enforceable at home", "agree a governing law of the home or a trusted jurisdiction")
		}
	}
	if len(why) == 0 {
		fac.Reason = "data return, standard portability, a notice period and a trusted governing law are agreed"
		return fac
	}
	fac.Reason = strings.Join(why, "; ")
	fac.Remedy = strings.Join(fix, "; ")
	return fac
}

// exportLevel maps an export-control restriction's severity (none, capped,
// licence, denial) to the level it allows accelerator supply.
var exportLevel = [...]sovmap.Level{4, 2, 1, 0}

// exportFactor judges whether export controls of the hardware's controlling
// country can cut its supply to home, as of the assessment day.
func (e *engine) exportFactor(ctl *control) sovmap.Factor {
	fac := sovmap.Factor{Name: sovmap.FactorExport, Level: sovmap.Domestic}
	if ctl == nil {
		fac.Reason = "made or held by the organization itself: no export licence stands between it and home"
		return fac
	}
	if f, ok := e.exports[ctl]; ok {
		return f
	}
	defer func() { e.exports[ctl] = fac }()
	switch {
	case ctl.country == "":
		fac.Level = sovmap.Exposed
		fac.Reason = "the supplier's controlling country is unknown, so export controls cannot be ruled out"
		fac.Remedy = "state the supplier's country and parent"
		return fac
	case e.tiers.Of(ctl.country) == sovmap.TierHome:
		fac.Reason = "supplied from home (" + ctl.country + "): no foreign export licence is needed"
		return fac
	}
	home, _ := e.kb.Expand(e.tiers.Home())
	worst := -1
	var rule kb.ExportControl
	for _, h := range home {
		for _, x := range e.kb.ExportControl(h, e.now) {
			if x.Regime != ctl.country {
				continue
			}
			if s := x.Severity(); s > worst {
				worst, rule = s, x
			}
		}
	}
	if worst < 0 {
		fac.Reason = "no export control of " + ctl.country + " on advanced accelerators applies to home on " + e.now.Format(time.DateOnly)
		return fac
	}
	fac.Level = exportLevel[min(worst, 3)]
	fac.Facts = []string{rule.Name + ": home is in " + rule.Group + " (" + rule.Restriction + ") since " + rule.Effective}
	fac.Reason = ctl.country + "'s export controls put home in " + rule.Group + " (" + rule.Restriction + ")"
	if fac.Level < sovmap.Domestic {
		fac.Remedy = "secure supply from a jurisdiction without export restrictions on home, or hold stock and a second source"
	}
	return fac
}
