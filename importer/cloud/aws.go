package cloud

import (
	"context"
	"fmt"
	"strings"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/importer"
)

// awsConfigLayers maps AWS Config resource types (AWS::Service::Type) to
// layers, data-bearing types first. Types that only configure another
// resource (security groups, subnets, network interfaces, IAM) are left
// out on purpose, and counted.
var awsConfigLayers = map[string]sovmap.Layer{
	"AWS::S3::Bucket":                           sovmap.LayerStorage,
	"AWS::EC2::Volume":                          sovmap.LayerStorage,
	"AWS::EC2::Snapshot":                        sovmap.LayerStorage,
	"AWS::RDS::DBInstance":                      sovmap.LayerStorage,
	"AWS::RDS::DBCluster":                       sovmap.LayerStorage,
	"AWS::RDS::DBSnapshot":                      sovmap.LayerStorage,
	"AWS::RDS::DBClusterSnapshot":               sovmap.LayerStorage,
	"AWS::DynamoDB::Table":                      sovmap.LayerStorage,
	"AWS::EFS::FileSystem":                      sovmap.LayerStorage,
	"AWS::Redshift::Cluster":                    sovmap.LayerStorage,
	"AWS::OpenSearch::Domain":                   sovmap.LayerStorage,
	"AWS::Elasticsearch::Domain":                sovmap.LayerStorage,
	"AWS::ElastiCache::CacheCluster":            sovmap.LayerStorage,
	"AWS::Backup::BackupVault":                  sovmap.LayerStorage,
	"AWS::SageMaker::FeatureGroup":              sovmap.LayerData,
	"AWS::Glue::Job":                            sovmap.LayerPlatform,
	"AWS::SageMaker::Model":                     sovmap.LayerModel,
	"AWS::SageMaker::Endpoint":                  sovmap.LayerModel,
	"AWS::EC2::Instance":                        sovmap.LayerCompute,
	"AWS::Lambda::Function":                     sovmap.LayerCompute,
	"AWS::AutoScaling::AutoScalingGroup":        sovmap.LayerCompute,
	"AWS::SageMaker::NotebookInstance":          sovmap.LayerCompute,
	"AWS::EKS::Cluster":                         sovmap.LayerPlatform,
	"AWS::ECS::Cluster":                         sovmap.LayerPlatform,
	"AWS::ECR::Repository":                      sovmap.LayerPlatform,
	"AWS::KMS::Key":                             sovmap.LayerSecurity,
	"AWS::SecretsManager::Secret":               sovmap.LayerSecurity,
	"AWS::EC2::VPC":                             sovmap.LayerConnectivity,
	"AWS::EC2::VPNConnection":                   sovmap.LayerConnectivity,
	"AWS::EC2::TransitGateway":                  sovmap.LayerConnectivity,
	"AWS::ElasticLoadBalancingV2::LoadBalancer": sovmap.LayerConnectivity,
	"AWS::CloudFront::Distribution":             sovmap.LayerConnectivity,
	"AWS::CloudTrail::Trail":                    sovmap.LayerOperations,
	"AWS::Logs::LogGroup":                       sovmap.LayerOperations,
}

// awsExplorerLayers maps AWS Resource Explorer types (service:type) to
// layers.
var awsExplorerLayers = map[string]sovmap.Layer{
	"s3:bucket":                             sovmap.LayerStorage,
	"ec2:volume":                            sovmap.LayerStorage,
	"ec2:snapshot":                          sovmap.LayerStorage,
	"rds:db":                                sovmap.LayerStorage,
	"rds:cluster":                           sovmap.LayerStorage,
	"rds:snapshot":                          sovmap.LayerStorage,
	"rds:cluster-snapshot":                  sovmap.LayerStorage,
	"dynamodb:table":                        sovmap.LayerStorage,
	"elasticfilesystem:file-system":         sovmap.LayerStorage,
	"redshift:cluster":                      sovmap.LayerStorage,
	"es:domain":                             sovmap.LayerStorage,
	"sagemaker:feature-group":               sovmap.LayerData,
	"sagemaker:model":                       sovmap.LayerModel,
	"sagemaker:endpoint":                    sovmap.LayerModel,
	"bedrock:custom-model":                  sovmap.LayerModel,
	"ec2:instance":                          sovmap.LayerCompute,
	"lambda:function":                       sovmap.LayerCompute,
	"sagemaker:notebook-instance":           sovmap.LayerCompute,
	"eks:cluster":                           sovmap.LayerPlatform,
	"ecs:cluster":                           sovmap.LayerPlatform,
	"ecr:repository":                        sovmap.LayerPlatform,
	"kms:key":                               sovmap.LayerSecurity,
	"secretsmanager:secret":                 sovmap.LayerSecurity,
	"ec2:vpc":                               sovmap.LayerConnectivity,
	"ec2:transit-gateway":                   sovmap.LayerConnectivity,
	"elasticloadbalancing:loadbalancer/app": sovmap.LayerConnectivity,
	"cloudtrail:trail":                      sovmap.LayerOperations,
	"logs:log-group":                        sovmap.LayerOperations,
}

// awsConfigSnapshot is an AWS Config configuration snapshot (or the
// output of aws configservice get-resource-config-history, with the same
// items).
type awsConfigSnapshot struct {
	FileVersion        string          `json:"fileVersion"`
	ConfigurationItems []awsConfigItem `json:"configurationItems"`
}

type awsConfigItem struct {
	ResourceType     string `json:"resourceType"`
	ResourceID       string `json:"resourceId"`
	ResourceName     string `json:"resourceName"`
	ARN              string `json:"arn"`
	AWSRegion        string `json:"awsRegion"`
	AvailabilityZone string `json:"availabilityZone"`
	AccountID        string `json:"accountId"`
	Status           string `json:"configurationItemStatus"`
	Relationships    []struct {
		ResourceType string `json:"resourceType"`
		ResourceID   string `json:"resourceId"`
		Name         string `json:"name"`
	} `json:"relationships"`
}

// awsExplorerOutput is the output of aws resource-explorer-2 search.
type awsExplorerOutput struct {
	Resources []struct {
		ARN             string `json:"Arn"`
		Region          string `json:"Region"`
		ResourceType    string `json:"ResourceType"`
		Service         string `json:"Service"`
		OwningAccountID string `json:"OwningAccountId"`
	} `json:"Resources"`
}

// ImportAWS reads an AWS Config configuration snapshot (configurationItems)
// or the output of aws resource-explorer-2 search (Resources), telling
// them apart by their keys.
func ImportAWS(ctx context.Context, name string, data []byte, opts importer.Options) (*importer.Result, error) {
	r, err := newRun(name, opts)
	if err != nil {
		return nil, err
	}
	if firstByte(data) != '{' {
		return nil, fmt.Errorf("%s: expected a JSON object: an AWS Config snapshot (configurationItems) or aws resource-explorer-2 search output (Resources)", name)
	}
	var keys map[string]any
	if err := decodeJSON(name, data, &keys); err != nil {
		return nil, err
	}
	switch {
	case keys["configurationItems"] != nil:
		var snap awsConfigSnapshot
		if err := decodeJSON(name, data, &snap); err != nil {
			return nil, err
		}
		return r.awsConfig(ctx, &snap)
	case keys["Resources"] != nil:
		var out awsExplorerOutput
		if err := decodeJSON(name, data, &out); err != nil {
			return nil, err
		}
		for i, res := range out.Resources {
			if i%1024 == 0 {
				if err := ctx.Err(); err != nil {
					return nil, err
				}
			}
			opts.Report(i+1, len(out.Resources))
			layer, ok := awsExplorerLayers[res.ResourceType]
			if !ok {
				r.skip("aws", res.ResourceType)
				continue
			}
			if res.ARN == "" {
				r.res.Warn(fmt.Sprintf("%s: Resources[%d]", name, i), "no Arn; skipped")
				r.res.Skip("no identifier")
				continue
			}
			r.add("aws", res.ARN, arnName(res.ARN), layer, res.Region,
				tags("aws.arn", res.ARN, "aws.type", res.ResourceType, "aws.account", res.OwningAccountID))
		}
		return r.res, nil
	}
	return nil, fmt.Errorf("%s: neither an AWS Config snapshot (no configurationItems) nor aws resource-explorer-2 search output (no Resources)", name)
}

func (r *run) awsConfig(ctx context.Context, snap *awsConfigSnapshot) (*importer.Result, error) {
	byResource := map[string]int{} // resourceId -> component index
	items := snap.ConfigurationItems
	comp := make([]int, len(items))
	for i, it := range items {
		if i%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		r.opts.Report(i+1, len(items))
		comp[i] = -1
		if it.Status == "ResourceDeleted" || it.Status == "ResourceDeletedNotRecorded" {
			r.res.Skip("deleted resource")
			continue
		}
		layer, ok := awsConfigLayers[it.ResourceType]
		if !ok {
			r.skip("aws", it.ResourceType)
			continue
		}
		id := it.ARN
		if id == "" {
			id = it.ResourceID
		}
		if id == "" {
			r.res.Warn(fmt.Sprintf("%s: configurationItems[%d]", r.name, i), "no arn or resourceId; skipped")
			r.res.Skip("no identifier")
			continue
		}
		region := it.AWSRegion
		if region == "" {
			region = zoneRegion("aws", it.AvailabilityZone)
		}
		if it.ResourceType == "AWS::CloudFront::Distribution" {
			region = "global"
		}
		name := it.ResourceName
		if name == "" {
			name = it.ResourceID
		}
		comp[i] = len(r.res.Inventory.Components)
		r.add("aws", id, name, layer, region, tags("aws.arn", it.ARN, "aws.type", it.ResourceType, "aws.resource-id", it.ResourceID, "aws.account", it.AccountID))
		if it.ResourceID != "" {
			byResource[it.ResourceID] = comp[i]
		}
	}
	// Relationships between mapped resources become dependencies. Config
	// records them on both sides with names that vary by type ("Is
	// attached to Instance", "Is contained in Vpc"); the direction comes
	// from the layers instead: what runs (compute, platform, model,
	// application) depends on the storage, keys and networks it is related
	// to, and anything depends on what it is contained in.
	inv := r.res.Inventory
	for i, it := range items {
		if comp[i] < 0 {
			continue
		}
		for _, rel := range it.Relationships {
			j, ok := byResource[rel.ResourceID]
			if !ok || j == comp[i] {
				continue
			}
			a, b := &inv.Components[comp[i]], &inv.Components[j]
			switch {
			case strings.HasPrefix(rel.Name, "Is contained in"):
				addDependency(a, b.ID)
			case runs(a.Layer) && !runs(b.Layer):
				addDependency(a, b.ID)
			case !runs(a.Layer) && runs(b.Layer):
				addDependency(b, a.ID)
			}
		}
	}
	return r.res, nil
}

// runs reports whether a layer's components run workloads, as opposed to
// holding data, keys or connections.
func runs(l sovmap.Layer) bool {
	switch l {
	case sovmap.LayerCompute, sovmap.LayerPlatform, sovmap.LayerModel, sovmap.LayerApplication:
		return true
	}
	return false
}

// addDependency adds a runtime dependency once.
func addDependency(c *sovmap.Component, id string) {
	for _, d := range c.DependsOn {
		if d.ID == id {
			return
		}
	}
	c.DependsOn = append(c.DependsOn, sovmap.Dependency{ID: id, Kind: sovmap.Runtime})
}

// arnName is the last part of an ARN's resource: the bucket, the key id.
func arnName(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	res := parts[len(parts)-1]
	if i := strings.LastIndexAny(res, "/:"); i >= 0 {
		res = res[i+1:]
	}
	return res
}
