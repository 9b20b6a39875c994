package terraform

import (
	"regexp"
	"strings"
)

// regionSource says where a resource's region was read, for the messages.
type regionFinding struct {
	// raw is the region as the source wrote it, before normalising.
	raw string
	// from says where it was read: "attribute region", "provider aws.east".
	from string
	// unknown is set when the value exists but is known only after apply,
	// with what it depends on.
	unknown string
	// zoneOnly is set when what is unknown is an AWS availability zone
	// (not a region): the zone then lies in the region of the provider
	// configuration, since an AWS provider talks to one region's endpoints.
	zoneOnly bool
}

// regionAttributes are the attributes that carry a resource's region or
// location, by cloud, in the order they are tried.
var regionAttributes = map[string][]string{
	"aws":   {"region"},
	"azure": {"location"},
	"gcp":   {"region", "location", "zone"},
}

// attributesOf returns the region attributes of a cloud; clouds other than
// the three big ones use "region" or "location".
func attributesOf(cloud string) []string {
	if a, ok := regionAttributes[cloud]; ok {
		return a
	}
	return []string{"region", "location"}
}

// regionAndZoneAttributes lists a cloud's region attributes, then its zone
// attributes, in a new slice.
func regionAndZoneAttributes(cloud string) []string {
	out := append([]string(nil), attributesOf(cloud)...)
	for _, z := range zoneAttributes[cloud] {
		if !contains(out, z) {
			out = append(out, z)
		}
	}
	return out
}

// zoneAttributes carry an availability zone from which the region follows.
var zoneAttributes = map[string][]string{
	"aws": {"availability_zone"},
	"gcp": {"zone"},
}

var (
	awsZone  = regexp.MustCompile(`^([a-z]{2}(?:-gov)?-[a-z]+-\d+)[a-z]$`)
	gcpZone  = regexp.MustCompile(`^([a-z]+-[a-z]+\d+)-[a-z]$`)
	arnParts = regexp.MustCompile(`^arn:aws[a-z-]*:[a-z0-9-]+:([a-z]{2}(?:-gov)?-[a-z]+-\d+):`)
)

// zoneRegion returns the region of an availability zone, or "" when s is
// not written like one.
func zoneRegion(cloud, s string) string {
	var m []string
	switch cloud {
	case "aws":
		m = awsZone.FindStringSubmatch(s)
	case "gcp":
		m = gcpZone.FindStringSubmatch(s)
	}
	if m == nil {
		return ""
	}
	return m[1]
}

// normaliseRegion writes a region the way knowledge-base region ids do:
// Azure display names ("West Europe") become names ("westeurope"), and
// Google's upper-case multi-regions ("EU") become lower case.
func normaliseRegion(cloud, s string) string {
	s = strings.TrimSpace(s)
	switch cloud {
	case "azure":
		return strings.ToLower(strings.ReplaceAll(s, " ", ""))
	case "gcp":
		return strings.ToLower(s)
	}
	return s
}

// isUnknown reports whether attribute key is marked unknown in a plan's
// after_unknown.
func isUnknown(afterUnknown any, key string) bool {
	if afterUnknown == true {
		return true
	}
	m, ok := afterUnknown.(map[string]any)
	if !ok {
		return false
	}
	return m[key] == true
}

// regionFromValues looks for the region in a resource's own attributes.
// found is false when no attribute carries it; a finding with unknown set
// means an attribute carries it but only after apply.
func regionFromValues(cloud string, vals map[string]any, afterUnknown any) (regionFinding, bool) {
	for _, attr := range attributesOf(cloud) {
		if s, ok := vals[attr].(string); ok && s != "" {
			return regionFinding{raw: s, from: "attribute " + attr}, true
		}
	}
	for _, attr := range zoneAttributes[cloud] {
		if s, ok := vals[attr].(string); ok && s != "" {
			if r := zoneRegion(cloud, s); r != "" {
				return regionFinding{raw: r, from: "zone " + s}, true
			}
		}
	}
	// Google snapshots and images: storage_locations names one region or
	// multi-region ("eu"), which the caller resolves or reports.
	if list, ok := vals["storage_locations"].([]any); ok && cloud == "gcp" && len(list) == 1 {
		if s, ok := list[0].(string); ok && s != "" {
			return regionFinding{raw: s, from: "attribute storage_locations"}, true
		}
	}
	if cloud == "aws" {
		if s, ok := vals["arn"].(string); ok {
			if m := arnParts.FindStringSubmatch(s); m != nil {
				return regionFinding{raw: m[1], from: "arn"}, true
			}
		}
	}
	return regionFinding{}, false
}
