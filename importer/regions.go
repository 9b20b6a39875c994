package importer

import (
	"strings"

	"github.com/sovmap/sovmap/kb"
)

// LookupRegion finds a cloud's region in the knowledge base by the first
// of the candidate names it knows (a region, then the region of a zone);
// empty candidates are passed over.
func LookupRegion(k *kb.KB, cloud string, candidates ...string) (kb.Region, bool) {
	for _, c := range candidates {
		if c == "" {
			continue
		}
		if r, ok := k.Region(cloud + ":" + c); ok {
			return r, true
		}
	}
	return kb.Region{}, false
}

// MultiRegion reports whether a location is a Google Cloud multi-region
// (eu, us, asia), which spans several countries: Google's regions and
// zones all have a hyphen.
func MultiRegion(cloud, location string) bool {
	return cloud == "gcp" && !strings.Contains(location, "-")
}
