package kb

import "testing"

// TestLocalisationAllowsNameKnownPlaces keeps every place a localisation
// law allows resolvable: a country, a bloc or "adequacy".
func TestLocalisationAllowsNameKnownPlaces(t *testing.T) {
	k, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	for _, l := range k.Laws(Localisation) {
		for _, place := range l.Allows {
			seen++
			if place == "adequacy" {
				continue
			}
			if _, ok := k.Expand(place); !ok {
				t.Errorf("law %s allows %q, which is neither a country nor a bloc", l.ID, place)
			}
		}
	}
	if seen == 0 {
		t.Error("no localisation law allows any place; the EU health-data laws should")
	}
}
