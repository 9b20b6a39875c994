package svg

import (
	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/assess"
	"github.com/sovmap/sovmap/kb"
)

// kbPlaces resolves places with a knowledge base and the tiers the
// assessment gives the organization.
type kbPlaces struct {
	kb    *kb.KB
	tiers *assess.Tiers
}

// KBPlaces returns the Places of an organization as the knowledge base k
// sees them: region ids resolve to their country, tiers are the
// assessment's (assess.NewTiers).
func KBPlaces(k *kb.KB, org sovmap.Organization) (Places, error) {
	t, err := assess.NewTiers(k, org)
	if err != nil {
		return nil, err
	}
	return kbPlaces{k, t}, nil
}

func (p kbPlaces) Country(loc string) string {
	if kb.IsRegionID(loc) {
		if r, ok := p.kb.Region(loc); ok {
			return r.Country
		}
		return ""
	}
	if _, ok := p.kb.Country(loc); ok {
		return loc
	}
	return ""
}

func (p kbPlaces) Tier(country string) string { return p.tiers.Of(country).String() }
