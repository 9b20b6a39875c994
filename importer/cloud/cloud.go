// Package cloud imports what cloud accounts and clusters say they hold:
// an AWS Config configuration snapshot or AWS Resource Explorer search
// output, Azure Resource Graph results (az graph query -o json), Google
// Cloud Asset Inventory exports (JSON lines) and search results (gcloud
// asset search-all-resources --format=json), and Kubernetes nodes and pods
// (kubectl get nodes,pods -A -o json).
//
// Each resource whose type maps to a layer becomes a component, located
// by its region through the knowledge base (aws:eu-central-1,
// azure:westeurope, gcp:europe-west3) and run by its cloud's provider.
// Every type that is not mapped is counted among the skipped entries, so
// the summary says what was left out; a region the knowledge base does not
// know, or a multi-region, is reported and left unlocated, never guessed.
//
// The shapes are those of the providers' documentation; SOURCES.md in
// testdata says where each was learnt.
package cloud

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/importer"
)

// defaultProvider is the knowledge-base provider of each cloud, when a
// region does not name its own.
var defaultProvider = map[string]string{
	"aws":   "aws",
	"azure": "microsoft-azure",
	"gcp":   "google-cloud",
}

// run is one import in progress: the result, the ids handed out, the
// source's name for messages.
type run struct {
	name string
	opts importer.Options
	res  *importer.Result
	ids  *importer.IDs
}

func newRun(name string, opts importer.Options) (*run, error) {
	if opts.KB == nil {
		return nil, fmt.Errorf("%s: no knowledge base given", name)
	}
	return &run{name: name, opts: opts, res: importer.NewResult(), ids: importer.NewIDs()}, nil
}

// add makes a component of a resource of a cloud: id (cleaned into the
// inventory's alphabet), its display name, layer, region (as the cloud
// writes it; "" when it has none) and the source's own identifiers as
// tags.
func (r *run) add(cloud, id, name string, layer sovmap.Layer, region string, tags map[string]string) *sovmap.Component {
	inv := r.res.Inventory
	c := sovmap.Component{ID: r.ids.Unique(id), Name: name, Layer: layer, Tags: tags}
	provider := defaultProvider[cloud]
	if loc, p, ok := r.locate(cloud, id, region); ok {
		c.Locations = []string{loc}
		if p != "" {
			provider = p
		}
	}
	if provider != "" {
		c.Provider = provider
		importer.EnsureProvider(inv, r.opts.KB, sovmap.Provider{ID: provider})
	}
	inv.Components = append(inv.Components, c)
	return &inv.Components[len(inv.Components)-1]
}

// locate resolves a cloud's region through the knowledge base; what it
// cannot resolve it reports, and returns ok false.
func (r *run) locate(cloud, id, region string) (loc, provider string, ok bool) {
	where := r.name + ": " + id
	region = strings.ToLower(strings.TrimSpace(region))
	switch {
	case region == "":
		r.res.Warn(where, "no region; no location recorded")
		return "", "", false
	case region == "global":
		r.res.Warn(where, "global resource without a region; no location recorded (set locations in an overlay if it matters)")
		return "", "", false
	}
	if cloud == "azure" {
		region = strings.ReplaceAll(region, " ", "")
	}
	if reg, found := importer.LookupRegion(r.opts.KB, cloud, region, zoneRegion(cloud, region)); found {
		return reg.ID, reg.Provider, true
	}
	if importer.MultiRegion(cloud, region) {
		r.res.Warn(where, "location %q is a multi-region spanning several countries; no location recorded", region)
		return "", "", false
	}
	r.res.Warn(where, "region %s:%s is not in the knowledge base; no location recorded (add it with --kb)", cloud, region)
	return "", "", false
}

// zoneRegion returns the region of an availability zone (eu-central-1a,
// europe-west3-b, or Azure's westeurope-1), or "".
func zoneRegion(cloud, zone string) string {
	switch cloud {
	case "aws":
		if n := len(zone); n > 1 && zone[n-1] >= 'a' && zone[n-1] <= 'z' && zone[n-2] >= '0' && zone[n-2] <= '9' {
			return zone[:n-1]
		}
	case "gcp", "azure":
		if i := strings.LastIndex(zone, "-"); i > 0 && len(zone)-i <= 2 {
			return zone[:i]
		}
	}
	return ""
}

// skip counts a resource whose type is not mapped.
func (r *run) skip(cloud, typ string) {
	r.res.Skip(fmt.Sprintf("no layer mapping: %s %s", cloud, typ))
}

// decodeJSON decodes a JSON document, with the file, line and column of a
// syntax error.
func decodeJSON(name string, data []byte, v any) error {
	if err := json.Unmarshal(data, v); err != nil {
		return importer.JSONError(name, data, err)
	}
	return nil
}

// firstByte returns the first byte of data that is not white space, or 0.
func firstByte(data []byte) byte {
	t := bytes.TrimLeft(data, " \t\r\n\ufeff")
	if len(t) == 0 {
		return 0
	}
	return t[0]
}

// tags builds a tag map from pairs, leaving out empty values.
func tags(kv ...string) map[string]string {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] != "" {
			m[kv[i]] = kv[i+1]
		}
	}
	return m
}
