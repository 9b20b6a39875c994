package kb

import (
	"slices"
	"strings"
)

// AppliesToSectors reports whether a law binds an organization in the given
// sectors. A law with no sector binds everyone; a sectoral law binds an
// organization that names a sector appearing in the law's sector text (for
// example "health" matches "health and statutory health insurance").
func (l Law) AppliesToSectors(sectors []string) bool {
	if len(l.Sectors) > 0 {
		// Sector ids match exactly: "insurance" is not "statutory health
		// insurance".
		for _, s := range sectors {
			if slices.Contains(l.Sectors, strings.ToLower(strings.TrimSpace(s))) {
				return true
			}
		}
		return false
	}
	if l.Sector == "" {
		return true
	}
	text := strings.ToLower(l.Sector)
	for _, s := range sectors {
		if s = strings.ToLower(strings.TrimSpace(s)); s != "" && strings.Contains(text, s) {
			return true
		}
	}
	return false
}
