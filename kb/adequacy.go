package kb

import "strings"

// Partial reports whether an adequacy decision covers only some recipients
// in the country (for example organisations certified under a framework),
// which sovmap does not treat as trust in the whole jurisdiction.
func (a Adequacy) Partial() bool {
	return a.Scope != "" && a.Scope != "full" && (strings.Contains(a.Scope, "only") || strings.Contains(a.Scope, "certified"))
}
