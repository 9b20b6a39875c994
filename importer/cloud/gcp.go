package cloud

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/importer"
)

// gcpLayers maps Cloud Asset Inventory asset types to layers, data-bearing
// types first.
var gcpLayers = map[string]sovmap.Layer{
	"storage.googleapis.com/Bucket":              sovmap.LayerStorage,
	"compute.googleapis.com/Disk":                sovmap.LayerStorage,
	"compute.googleapis.com/RegionDisk":          sovmap.LayerStorage,
	"compute.googleapis.com/Snapshot":            sovmap.LayerStorage,
	"sqladmin.googleapis.com/Instance":           sovmap.LayerStorage,
	"bigquery.googleapis.com/Dataset":            sovmap.LayerStorage,
	"bigquery.googleapis.com/Table":              sovmap.LayerStorage,
	"spanner.googleapis.com/Instance":            sovmap.LayerStorage,
	"bigtableadmin.googleapis.com/Instance":      sovmap.LayerStorage,
	"file.googleapis.com/Instance":               sovmap.LayerStorage,
	"redis.googleapis.com/Instance":              sovmap.LayerStorage,
	"alloydb.googleapis.com/Cluster":             sovmap.LayerStorage,
	"firestore.googleapis.com/Database":          sovmap.LayerStorage,
	"aiplatform.googleapis.com/Dataset":          sovmap.LayerData,
	"aiplatform.googleapis.com/Featurestore":     sovmap.LayerData,
	"aiplatform.googleapis.com/Index":            sovmap.LayerData,
	"aiplatform.googleapis.com/Endpoint":         sovmap.LayerModel,
	"aiplatform.googleapis.com/Model":            sovmap.LayerModel,
	"compute.googleapis.com/Instance":            sovmap.LayerCompute,
	"container.googleapis.com/NodePool":          sovmap.LayerCompute,
	"run.googleapis.com/Service":                 sovmap.LayerCompute,
	"cloudfunctions.googleapis.com/Function":     sovmap.LayerCompute,
	"tpu.googleapis.com/Node":                    sovmap.LayerCompute,
	"container.googleapis.com/Cluster":           sovmap.LayerPlatform,
	"artifactregistry.googleapis.com/Repository": sovmap.LayerPlatform,
	"cloudkms.googleapis.com/KeyRing":            sovmap.LayerSecurity,
	"cloudkms.googleapis.com/CryptoKey":          sovmap.LayerSecurity,
	"secretmanager.googleapis.com/Secret":        sovmap.LayerSecurity,
	"compute.googleapis.com/Network":             sovmap.LayerConnectivity,
	"compute.googleapis.com/Interconnect":        sovmap.LayerConnectivity,
	"compute.googleapis.com/VpnGateway":          sovmap.LayerConnectivity,
	"compute.googleapis.com/Router":              sovmap.LayerConnectivity,
	"logging.googleapis.com/LogBucket":           sovmap.LayerOperations,
}

// gcpAsset is one asset of an export (asset_type, resource.location) or
// one result of a search (assetType, location).
type gcpAsset struct {
	Name        string `json:"name"`
	AssetType   string `json:"asset_type"`
	AssetType2  string `json:"assetType"`
	Location    string `json:"location"`
	DisplayName string `json:"displayName"`
	Project     string `json:"project"`
	Resource    *struct {
		Location string `json:"location"`
		Parent   string `json:"parent"`
	} `json:"resource"`
}

// maxLine bounds one line of a JSON-lines export.
const maxLine = 16 << 20

// ImportGCP reads Google Cloud Asset Inventory data: an export (gcloud
// asset export, JSON lines with asset_type and resource.location) or
// search results (gcloud asset search-all-resources --format=json, a list
// with assetType and location).
func ImportGCP(ctx context.Context, name string, data []byte, opts importer.Options) (*importer.Result, error) {
	r, err := newRun(name, opts)
	if err != nil {
		return nil, err
	}
	var assets []gcpAsset
	switch firstByte(data) {
	case '[':
		if err := decodeJSON(name, data, &assets); err != nil {
			return nil, err
		}
	case '{':
		sc := bufio.NewScanner(bytes.NewReader(data))
		sc.Buffer(make([]byte, 64<<10), maxLine)
		for line := 1; sc.Scan(); line++ {
			text := bytes.TrimSpace(sc.Bytes())
			if len(text) == 0 {
				continue
			}
			var a gcpAsset
			if err := json.Unmarshal(text, &a); err != nil {
				// JSONError places the problem within the line, which
				// is a document of its own: "NAME:1:COL: ...".
				where := fmt.Sprintf("%s:%d", name, line)
				msg := importer.JSONError(where, text, err).Error()
				return nil, errors.New(strings.Replace(msg, where+":1:", where+":", 1))
			}
			assets = append(assets, a)
		}
		if err := sc.Err(); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
	default:
		return nil, fmt.Errorf("%s: expected JSON: gcloud asset export output (JSON lines) or gcloud asset search-all-resources --format=json", name)
	}
	for i, a := range assets {
		if i%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		opts.Report(i+1, len(assets))
		typ := a.AssetType
		if typ == "" {
			typ = a.AssetType2
		}
		if a.Name == "" || typ == "" {
			return nil, fmt.Errorf("%s: asset %d has no name or asset type: not Cloud Asset Inventory output", name, i+1)
		}
		layer, ok := gcpLayers[typ]
		if !ok {
			r.skip("gcp", typ)
			continue
		}
		loc := a.Location
		if loc == "" && a.Resource != nil {
			loc = a.Resource.Location
		}
		display := a.DisplayName
		if display == "" {
			display = a.Name[strings.LastIndex(a.Name, "/")+1:]
		}
		r.add("gcp", strings.TrimPrefix(a.Name, "//"), display, layer, loc,
			tags("gcp.name", a.Name, "gcp.type", typ, "gcp.project", a.Project))
	}
	return r.res, nil
}
