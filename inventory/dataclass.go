package inventory

import (
	"fmt"
	"slices"
	"strings"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/internal/strictyaml"
)

// wellKnownPersonal are the children of personal that sovmap's defaults
// name (the special categories of GDPR art. 9 and 10, and financial data):
// a class written without its root, such as "health", is nearly always one
// of them.
var wellKnownPersonal = []string{
	"health", "genetic", "biometric", "ethnic", "political", "religious",
	"union", "sexual", "criminal", "financial",
}

// classBases are the bases a declared data class or a rule may rest on;
// "default" is sovmap's own and is not the organization's to claim.
var classBases = []sovmap.Basis{sovmap.BasisLaw, sovmap.BasisGuidance, sovmap.BasisPolicy}

// classChecker judges the data classes an inventory uses: a class is
// sovmap's (one of DataClassRoots or a dotted child of one) or below a class
// the organization declares in organization.data_classes. Verdicts are
// kept per distinct class, since a large inventory repeats a few classes
// millions of times.
type classChecker struct {
	declared []string          // the declared ids that are valid, in order
	verdicts map[string]string // class -> problem, "" when the class is fine
}

// newClassChecker returns a checker that knows the given declared ids.
func newClassChecker(declared []string) *classChecker {
	return &classChecker{declared: declared, verdicts: map[string]string{}}
}

// check returns what is wrong with a data class, or "".
func (c *classChecker) check(class string) string {
	if msg, ok := c.verdicts[class]; ok {
		return msg
	}
	msg := c.judge(class)
	c.verdicts[class] = msg
	return msg
}

func (c *classChecker) judge(class string) string {
	if !dataClassRE.MatchString(class) {
		msg := fmt.Sprintf("data class %q is not a dotted lower-case name such as personal.health", class)
		if lower := strings.ToLower(class); lower != class && dataClassRE.MatchString(lower) && c.known(lower) {
			msg += fmt.Sprintf(" (did you mean %q?)", lower)
		}
		return msg
	}
	if c.known(class) {
		return ""
	}
	hint := ""
	if s := c.suggest(class); s != "" {
		hint = fmt.Sprintf(" (did you mean %q?)", s)
	}
	return fmt.Sprintf("unknown data class %q%s: use %s or a class below them, or declare it under organization.data_classes",
		class, hint, strings.Join(sovmap.DataClassRoots, ", "))
}

// known reports whether a well-formed class is sovmap's or declared.
func (c *classChecker) known(class string) bool {
	if underRoot(class) != "" {
		return true
	}
	for _, d := range c.declared {
		if under(class, d) {
			return true
		}
	}
	return false
}

// under reports whether class is id or a dotted child of it.
func under(class, id string) bool {
	return class == id || strings.HasPrefix(class, id) && len(class) > len(id) && class[len(id)] == '.'
}

// underRoot returns the sovmap root a class is, or is below, or "".
func underRoot(class string) string {
	for _, r := range sovmap.DataClassRoots {
		if under(class, r) {
			return r
		}
	}
	return ""
}

// suggest proposes a known class for an unknown one: a well-known child of
// personal when the class names one without its root (health, or
// health.records), else the closest root or declared class by edit
// distance, keeping the rest of the class (persnal.health).
func (c *classChecker) suggest(class string) string {
	segs := strings.Split(class, ".")
	if slices.Contains(wellKnownPersonal, segs[0]) {
		return "personal." + class
	}
	if last := segs[len(segs)-1]; slices.Contains(wellKnownPersonal, last) {
		return "personal." + last
	}
	best, bestD := "", 0
	try := func(candidate, rest string) {
		n := strings.Count(candidate, ".") + 1
		if n > len(segs) {
			return
		}
		d := strictyaml.Distance(strings.Join(segs[:n], "."), candidate)
		// A close name, not a rewrite: at most two edits, and fewer than
		// half the candidate's letters.
		if d == 0 || d > 2 || 2*d >= len(candidate) {
			return
		}
		s := strings.Join(append([]string{rest}, segs[n:]...), ".")
		if best == "" || d < bestD || d == bestD && s < best {
			best, bestD = s, d
		}
	}
	for _, r := range sovmap.DataClassRoots {
		try(r, r)
	}
	for _, k := range wellKnownPersonal {
		try(k, "personal."+k)
	}
	for _, d := range c.declared {
		try(d, d)
	}
	return best
}

// orList writes a list as "a, b or c".
func orList(xs []string) string {
	switch len(xs) {
	case 0:
		return ""
	case 1:
		return xs[0]
	}
	return strings.Join(xs[:len(xs)-1], ", ") + " or " + xs[len(xs)-1]
}

// basisNames lists the bases the organization may give.
func basisNames() string {
	names := make([]string, len(classBases))
	for i, b := range classBases {
		names[i] = string(b)
	}
	return orList(names)
}

// regulatoryNeedsLaw is the advice given when a requirement of the
// organization's own is called regulatory without law or guidance.
const regulatoryNeedsLaw = "category regulatory needs basis law or guidance and a citation of the article or text (the organization's own choices are category security or operational, basis policy)"

// checkBasis checks what a rule or a declared class rests on: a basis the
// organization may give, and a citation for law and guidance. owner names
// it; where locates a field. It reports whether the basis is one of
// classBases or empty.
func (v *validator) checkBasis(owner string, basis sovmap.Basis, citation string, where func(field string) sovmap.Pos) bool {
	if basis != "" && !slices.Contains(classBases, basis) {
		v.ps.add(where("basis"), "%s: basis %q is not %s", owner, basis, basisNames())
		return false
	}
	if basis.Legal() && strings.TrimSpace(citation) == "" {
		v.ps.add(where("basis"), "%s: basis %s needs a citation: the article or text it rests on", owner, basis)
	}
	return true
}

// checkRegulatory checks that a requirement of category regulatory rests
// on law or guidance.
func (v *validator) checkRegulatory(owner string, category sovmap.Category, basis sovmap.Basis, where func(field string) sovmap.Pos) {
	if category == sovmap.CategoryRegulatory && !basis.Legal() {
		v.ps.add(where("category"), "%s: %s", owner, regulatoryNeedsLaw)
	}
}

// declaredClasses checks organization.data_classes and returns the ids that
// components may use.
func (v *validator) declaredClasses(where func(path ...any) sovmap.Pos) []string {
	classes := v.inv.Organization.DataClasses
	var ids []string
	first := map[string]int{}
	for j := range classes {
		d := &classes[j]
		at := func(field string) sovmap.Pos { return where("data_classes", j, field) }
		owner := "organization.data_classes: " + d.ID
		switch {
		case d.ID == "":
			owner = fmt.Sprintf("organization.data_classes[%d]", j)
			v.ps.add(where("data_classes", j), "%s: id is required (a dotted lower-case name such as telemetry.vehicle)", owner)
		case !dataClassRE.MatchString(d.ID):
			v.ps.add(at("id"), "organization.data_classes: data class %q is not a dotted lower-case name such as telemetry.vehicle", d.ID)
		case underRoot(d.ID) != "":
			v.ps.add(at("id"), "organization.data_classes: %q is below sovmap's class %q: declare classes outside %s (their levels are sovmap's defaults, or a rule's)",
				d.ID, underRoot(d.ID), orList(sovmap.DataClassRoots))
		default:
			if k, dup := first[d.ID]; dup {
				v.ps.add(at("id"), "organization.data_classes: duplicate data class %q (first at %s)", d.ID, where("data_classes", k, "id"))
			} else {
				first[d.ID] = j
				ids = append(ids, d.ID)
			}
		}
		if !d.Level.Valid() {
			v.ps.add(at("level"), "%s: level must be a level from 0 to 4", owner)
		}
		switch {
		case d.Category == "":
			v.ps.add(where("data_classes", j), "%s: category is required (regulatory, security or operational)", owner)
		case !d.Category.Valid():
			v.ps.add(at("category"), "%s: category %q is not regulatory, security or operational", owner, d.Category)
		}
		if v.checkBasis(owner, d.Basis, d.Citation, at) {
			v.checkRegulatory(owner, d.Category, d.Basis, at)
		}
	}
	return ids
}

// dataClasses checks the classes of a list and reports what is wrong with
// its j-th entry to report, which names the owner and places it only then:
// a national inventory has millions of lists to check.
func (v *validator) dataClasses(classes []string, report func(j int, msg string)) {
	for j, d := range classes {
		if msg := v.classes.check(d); msg != "" {
			report(j, msg)
		}
	}
}
