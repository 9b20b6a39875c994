package cloud

import (
	"context"
	"fmt"
	"strings"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/importer"
)

// azureLayers maps Azure resource types, as Resource Graph writes them (in
// lower case), to layers, data-bearing types first.
var azureLayers = map[string]sovmap.Layer{
	"microsoft.storage/storageaccounts":                            sovmap.LayerStorage,
	"microsoft.compute/disks":                                      sovmap.LayerStorage,
	"microsoft.compute/snapshots":                                  sovmap.LayerStorage,
	"microsoft.documentdb/databaseaccounts":                        sovmap.LayerStorage,
	"microsoft.sql/servers":                                        sovmap.LayerStorage,
	"microsoft.sql/servers/databases":                              sovmap.LayerStorage,
	"microsoft.dbforpostgresql/flexibleservers":                    sovmap.LayerStorage,
	"microsoft.dbformysql/flexibleservers":                         sovmap.LayerStorage,
	"microsoft.cache/redis":                                        sovmap.LayerStorage,
	"microsoft.recoveryservices/vaults":                            sovmap.LayerStorage,
	"microsoft.search/searchservices":                              sovmap.LayerData,
	"microsoft.purview/accounts":                                   sovmap.LayerData,
	"microsoft.cognitiveservices/accounts":                         sovmap.LayerModel,
	"microsoft.machinelearningservices/workspaces/onlineendpoints": sovmap.LayerModel,
	"microsoft.compute/virtualmachines":                            sovmap.LayerCompute,
	"microsoft.compute/virtualmachinescalesets":                    sovmap.LayerCompute,
	"microsoft.web/sites":                                          sovmap.LayerCompute,
	"microsoft.containerinstance/containergroups":                  sovmap.LayerCompute,
	"microsoft.containerservice/managedclusters":                   sovmap.LayerPlatform,
	"microsoft.machinelearningservices/workspaces":                 sovmap.LayerPlatform,
	"microsoft.databricks/workspaces":                              sovmap.LayerPlatform,
	"microsoft.containerregistry/registries":                       sovmap.LayerPlatform,
	"microsoft.keyvault/vaults":                                    sovmap.LayerSecurity,
	"microsoft.keyvault/managedhsms":                               sovmap.LayerSecurity,
	"microsoft.network/virtualnetworks":                            sovmap.LayerConnectivity,
	"microsoft.network/expressroutecircuits":                       sovmap.LayerConnectivity,
	"microsoft.network/virtualnetworkgateways":                     sovmap.LayerConnectivity,
	"microsoft.network/applicationgateways":                        sovmap.LayerConnectivity,
	"microsoft.network/loadbalancers":                              sovmap.LayerConnectivity,
	"microsoft.operationalinsights/workspaces":                     sovmap.LayerOperations,
	"microsoft.insights/components":                                sovmap.LayerOperations,
}

// azureResource is one row of Resource Graph's Resources table, as
// az graph query -o json writes it.
type azureResource struct {
	ID             string `json:"id"`
	Name           string `json:"name"`
	Type           string `json:"type"`
	Location       string `json:"location"`
	ResourceGroup  string `json:"resourceGroup"`
	SubscriptionID string `json:"subscriptionId"`
	Kind           string `json:"kind"`
}

// ImportAzure reads Azure Resource Graph results: the output of
// az graph query -q "Resources | ..." -o json, an object whose data holds
// the rows (current az CLI), or a bare list of rows (older versions and the
// portal's JSON export).
func ImportAzure(ctx context.Context, name string, data []byte, opts importer.Options) (*importer.Result, error) {
	r, err := newRun(name, opts)
	if err != nil {
		return nil, err
	}
	var rows []azureResource
	switch firstByte(data) {
	case '{':
		var out struct {
			Data  *[]azureResource `json:"data"`
			Count *int             `json:"count"`
		}
		if err := decodeJSON(name, data, &out); err != nil {
			return nil, err
		}
		if out.Data == nil {
			return nil, fmt.Errorf("%s: no data: not the output of az graph query -o json", name)
		}
		rows = *out.Data
	case '[':
		if err := decodeJSON(name, data, &rows); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("%s: expected JSON: the output of az graph query -o json", name)
	}
	for i, row := range rows {
		if i%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		opts.Report(i+1, len(rows))
		if row.ID == "" || row.Type == "" {
			return nil, fmt.Errorf("%s: row %d has no id or type: project at least id, name, type and location in the query", name, i+1)
		}
		typ := strings.ToLower(row.Type)
		layer, ok := azureLayers[typ]
		if !ok {
			r.skip("azure", typ)
			continue
		}
		id := strings.ToLower(row.ResourceGroup) + "/" + row.Name
		if row.ResourceGroup == "" {
			id = strings.TrimPrefix(row.ID, "/")
		}
		r.add("azure", id, row.Name, layer, row.Location,
			tags("azure.id", row.ID, "azure.type", typ, "azure.kind", row.Kind, "azure.subscription", row.SubscriptionID))
	}
	return r.res, nil
}
