package importer

import (
	"regexp"
	"strings"
)

// dataClasses maps the classification labels sources commonly write to
// sovmap's data classes (docs/inventory.md "Requirements": dotted, hierarchical,
// with the GDPR art. 9 special categories under personal). Keys are
// lower case with runs of spaces, '_' and '-' folded to one space.
var dataClasses = map[string]string{
	"pii":                                 "personal",
	"personal":                            "personal",
	"personal data":                       "personal",
	"personally identifiable information": "personal",
	"gdpr":                                "personal",
	"customer data":                       "personal",
	"pifi":                                "personal.financial",
	"personal financial":                  "personal.financial",
	"financial":                           "personal.financial",
	"pci":                                 "personal.financial",
	"cardholder":                          "personal.financial",
	"cardholder data":                     "personal.financial",
	"phi":                                 "personal.health",
	"ephi":                                "personal.health",
	"health":                              "personal.health",
	"medical":                             "personal.health",
	"protected health information":        "personal.health",
	"biometric":                           "personal.biometric",
	"genetic":                             "personal.genetic",
	"criminal":                            "personal.criminal",
	"public":                              "public",
	"open":                                "public",
	"tlp clear":                           "public",
	"tlp white":                           "public",
	"internal":                            "internal",
	"internal use":                        "internal",
	"tlp green":                           "internal",
	"confidential":                        "confidential",
	"sensitive":                           "confidential",
	"restricted":                          "confidential",
	"proprietary":                         "confidential",
	"trade secret":                        "confidential",
	"tlp amber":                           "confidential",
	"tlp red":                             "confidential",
	"classified":                          "classified",
	"secret":                              "classified",
	"top secret":                          "classified",
}

// roots are the top classes of sovmap's data-class hierarchy.
var roots = map[string]bool{"classified": true, "personal": true, "confidential": true, "internal": true, "public": true}

var (
	foldSeparators = regexp.MustCompile(`[\s_-]+`)
	// classPattern is the shape of a data class in an inventory.
	classPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]*(\.[a-z0-9][a-z0-9_-]*)*$`)
)

// DataClass maps a classification label to a data class. known is false
// when the label is not one sovmap recognises: the class is then the label
// written as a class (lower case, dotted), so that nothing is lost and the
// organization's own rules or an overlay can give it meaning. An empty
// label gives "".
func DataClass(label string) (class string, known bool) {
	key := strings.TrimSpace(foldSeparators.ReplaceAllString(strings.ToLower(label), " "))
	if key == "" {
		return "", false
	}
	if c, ok := dataClasses[key]; ok {
		return c, true
	}
	// Already a class of sovmap's hierarchy, such as personal.health or
	// personal.health.pseudonymised.
	if root, _, _ := strings.Cut(key, "."); IsDataClass(key) && roots[root] {
		return key, true
	}
	// A label sovmap does not know becomes a class below confidential: the
	// source classified the data, so it is not public, and the inventory
	// refuses classes outside sovmap's roots unless the organization
	// declares them. The importer's warning says so.
	if IsDataClass(key) {
		return "confidential." + strings.ReplaceAll(key, ".", "-"), false
	}
	var b strings.Builder
	for _, part := range strings.Split(key, ".") {
		p := strings.Trim(Slug(part), "._-")
		if p == "" || p == "unnamed" {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(strings.ReplaceAll(p, ".", "-"))
	}
	if b.Len() == 0 {
		return "", false
	}
	return "confidential." + strings.ReplaceAll(b.String(), ".", "-"), false
}

// IsDataClass reports whether s is written as a data class: dotted lower
// case names, such as personal.health.
func IsDataClass(s string) bool { return classPattern.MatchString(s) }
