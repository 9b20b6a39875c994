package terraform

import (
	"regexp"
	"sort"
	"strings"

	"github.com/sovmap/sovmap"
)

// The layer of a resource follows from its type. The tables below cover the
// AWS (aws_), Azure (azurerm_) and Google Cloud (google_) resources that
// matter for an AI stack: compute and accelerators, clusters, object storage
// and databases, key services, networks and interconnects, managed ML
// platforms and model endpoints. Resource types are those of the providers'
// documentation on registry.terraform.io (hashicorp/aws, hashicorp/azurerm,
// hashicorp/google).
//
// Types that are only settings of another resource (policies, rules,
// attachments, IAM bindings, subnets) are left out on purpose: they are not
// building blocks, and an inventory of thousands of them would hide the ones
// that matter. Dependencies still pass through them (see Import).

// layerByType maps exact resource types to layers.
var layerByType = map[string]sovmap.Layer{
	// AWS: compute.
	"aws_instance":                    sovmap.LayerCompute,
	"aws_spot_instance_request":       sovmap.LayerCompute,
	"aws_autoscaling_group":           sovmap.LayerCompute,
	"aws_ec2_capacity_reservation":    sovmap.LayerCompute,
	"aws_ec2_fleet":                   sovmap.LayerCompute,
	"aws_eks_node_group":              sovmap.LayerCompute,
	"aws_eks_fargate_profile":         sovmap.LayerCompute,
	"aws_ecs_service":                 sovmap.LayerCompute,
	"aws_batch_compute_environment":   sovmap.LayerCompute,
	"aws_lambda_function":             sovmap.LayerCompute,
	"aws_emr_cluster":                 sovmap.LayerCompute,
	"aws_sagemaker_notebook_instance": sovmap.LayerCompute,
	// AWS: hardware.
	"aws_ec2_host":         sovmap.LayerHardware,
	"aws_outposts_outpost": sovmap.LayerHardware,
	// AWS: platform.
	"aws_eks_cluster":            sovmap.LayerPlatform,
	"aws_ecs_cluster":            sovmap.LayerPlatform,
	"aws_batch_job_queue":        sovmap.LayerPlatform,
	"aws_mwaa_environment":       sovmap.LayerPlatform,
	"aws_glue_job":               sovmap.LayerPlatform,
	"aws_sfn_state_machine":      sovmap.LayerPlatform,
	"aws_ecr_repository":         sovmap.LayerPlatform,
	"aws_sagemaker_domain":       sovmap.LayerPlatform,
	"aws_sagemaker_pipeline":     sovmap.LayerPlatform,
	"aws_sagemaker_user_profile": sovmap.LayerPlatform,
	"aws_sagemaker_space":        sovmap.LayerPlatform,
	"aws_kinesis_stream":         sovmap.LayerPlatform,
	"aws_msk_cluster":            sovmap.LayerPlatform,
	// AWS: model.
	"aws_sagemaker_model":                      sovmap.LayerModel,
	"aws_sagemaker_endpoint":                   sovmap.LayerModel,
	"aws_sagemaker_model_package_group":        sovmap.LayerModel,
	"aws_bedrock_custom_model":                 sovmap.LayerModel,
	"aws_bedrock_provisioned_model_throughput": sovmap.LayerModel,
	"aws_bedrock_inference_profile":            sovmap.LayerModel,
	"aws_bedrockagent_agent":                   sovmap.LayerApplication,
	"aws_bedrock_guardrail":                    sovmap.LayerSecurity,
	// AWS: data.
	"aws_sagemaker_feature_group":     sovmap.LayerData,
	"aws_bedrockagent_knowledge_base": sovmap.LayerData,
	"aws_bedrockagent_data_source":    sovmap.LayerData,
	"aws_glue_catalog_database":       sovmap.LayerData,
	"aws_lakeformation_resource":      sovmap.LayerData,
	"aws_kendra_index":                sovmap.LayerData,
	// AWS: storage (data at rest: object, block and file storage, databases).
	"aws_s3_bucket":                       sovmap.LayerStorage,
	"aws_s3_directory_bucket":             sovmap.LayerStorage,
	"aws_s3tables_table_bucket":           sovmap.LayerStorage,
	"aws_ebs_volume":                      sovmap.LayerStorage,
	"aws_efs_file_system":                 sovmap.LayerStorage,
	"aws_glacier_vault":                   sovmap.LayerStorage,
	"aws_backup_vault":                    sovmap.LayerStorage,
	"aws_db_instance":                     sovmap.LayerStorage,
	"aws_rds_cluster":                     sovmap.LayerStorage,
	"aws_rds_global_cluster":              sovmap.LayerStorage,
	"aws_dynamodb_table":                  sovmap.LayerStorage,
	"aws_dynamodb_global_table":           sovmap.LayerStorage,
	"aws_elasticache_cluster":             sovmap.LayerStorage,
	"aws_elasticache_replication_group":   sovmap.LayerStorage,
	"aws_elasticache_serverless_cache":    sovmap.LayerStorage,
	"aws_memorydb_cluster":                sovmap.LayerStorage,
	"aws_redshift_cluster":                sovmap.LayerStorage,
	"aws_redshiftserverless_namespace":    sovmap.LayerStorage,
	"aws_docdb_cluster":                   sovmap.LayerStorage,
	"aws_neptune_cluster":                 sovmap.LayerStorage,
	"aws_neptune_cluster_instance":        sovmap.LayerStorage,
	"aws_neptune_cluster_snapshot":        sovmap.LayerStorage,
	"aws_rds_cluster_instance":            sovmap.LayerStorage,
	"aws_docdb_cluster_instance":          sovmap.LayerStorage,
	"aws_db_snapshot":                     sovmap.LayerStorage,
	"aws_db_snapshot_copy":                sovmap.LayerStorage,
	"aws_db_cluster_snapshot":             sovmap.LayerStorage,
	"aws_docdb_cluster_snapshot":          sovmap.LayerStorage,
	"aws_ebs_snapshot":                    sovmap.LayerStorage,
	"aws_ebs_snapshot_copy":               sovmap.LayerStorage,
	"aws_ebs_snapshot_import":             sovmap.LayerStorage,
	"aws_s3_object":                       sovmap.LayerStorage,
	"aws_s3_object_copy":                  sovmap.LayerStorage,
	"aws_s3_bucket_object":                sovmap.LayerStorage,
	"aws_opensearch_domain":               sovmap.LayerStorage,
	"aws_opensearchserverless_collection": sovmap.LayerStorage,
	"aws_elasticsearch_domain":            sovmap.LayerStorage,
	"aws_keyspaces_keyspace":              sovmap.LayerStorage,
	"aws_timestreamwrite_database":        sovmap.LayerStorage,
	// AWS: security (keys, secrets, identity).
	"aws_kms_key":                      sovmap.LayerSecurity,
	"aws_kms_external_key":             sovmap.LayerSecurity,
	"aws_kms_replica_key":              sovmap.LayerSecurity,
	"aws_kms_custom_key_store":         sovmap.LayerSecurity,
	"aws_cloudhsm_v2_cluster":          sovmap.LayerSecurity,
	"aws_secretsmanager_secret":        sovmap.LayerSecurity,
	"aws_acmpca_certificate_authority": sovmap.LayerSecurity,
	"aws_cognito_user_pool":            sovmap.LayerSecurity,
	"aws_networkfirewall_firewall":     sovmap.LayerSecurity,
	"aws_wafv2_web_acl":                sovmap.LayerSecurity,
	// AWS: connectivity.
	"aws_vpc":                           sovmap.LayerConnectivity,
	"aws_default_vpc":                   sovmap.LayerConnectivity,
	"aws_vpn_connection":                sovmap.LayerConnectivity,
	"aws_vpn_gateway":                   sovmap.LayerConnectivity,
	"aws_customer_gateway":              sovmap.LayerConnectivity,
	"aws_ec2_transit_gateway":           sovmap.LayerConnectivity,
	"aws_vpc_peering_connection":        sovmap.LayerConnectivity,
	"aws_nat_gateway":                   sovmap.LayerConnectivity,
	"aws_lb":                            sovmap.LayerConnectivity,
	"aws_alb":                           sovmap.LayerConnectivity,
	"aws_elb":                           sovmap.LayerConnectivity,
	"aws_globalaccelerator_accelerator": sovmap.LayerConnectivity,
	"aws_cloudfront_distribution":       sovmap.LayerConnectivity,
	"aws_route53_zone":                  sovmap.LayerConnectivity,
	"aws_api_gateway_rest_api":          sovmap.LayerConnectivity,
	"aws_apigatewayv2_api":              sovmap.LayerConnectivity,
	"aws_vpc_endpoint":                  sovmap.LayerConnectivity,
	// AWS: operations.
	"aws_cloudtrail":           sovmap.LayerOperations,
	"aws_cloudwatch_log_group": sovmap.LayerOperations,
	"aws_ssm_document":         sovmap.LayerOperations,

	// Azure: compute.
	"azurerm_linux_virtual_machine":                  sovmap.LayerCompute,
	"azurerm_windows_virtual_machine":                sovmap.LayerCompute,
	"azurerm_virtual_machine":                        sovmap.LayerCompute,
	"azurerm_linux_virtual_machine_scale_set":        sovmap.LayerCompute,
	"azurerm_windows_virtual_machine_scale_set":      sovmap.LayerCompute,
	"azurerm_orchestrated_virtual_machine_scale_set": sovmap.LayerCompute,
	"azurerm_virtual_machine_scale_set":              sovmap.LayerCompute,
	"azurerm_kubernetes_cluster_node_pool":           sovmap.LayerCompute,
	"azurerm_batch_pool":                             sovmap.LayerCompute,
	"azurerm_container_group":                        sovmap.LayerCompute,
	"azurerm_container_app":                          sovmap.LayerCompute,
	"azurerm_linux_function_app":                     sovmap.LayerCompute,
	"azurerm_windows_function_app":                   sovmap.LayerCompute,
	"azurerm_machine_learning_compute_cluster":       sovmap.LayerCompute,
	"azurerm_machine_learning_compute_instance":      sovmap.LayerCompute,
	"azurerm_machine_learning_inference_cluster":     sovmap.LayerCompute,
	// Azure: hardware.
	"azurerm_dedicated_host": sovmap.LayerHardware,
	// Azure: platform.
	"azurerm_kubernetes_cluster":         sovmap.LayerPlatform,
	"azurerm_machine_learning_workspace": sovmap.LayerPlatform,
	"azurerm_ai_foundry":                 sovmap.LayerPlatform,
	"azurerm_ai_foundry_project":         sovmap.LayerPlatform,
	"azurerm_databricks_workspace":       sovmap.LayerPlatform,
	"azurerm_synapse_workspace":          sovmap.LayerPlatform,
	"azurerm_data_factory":               sovmap.LayerPlatform,
	"azurerm_batch_account":              sovmap.LayerPlatform,
	"azurerm_container_registry":         sovmap.LayerPlatform,
	"azurerm_container_app_environment":  sovmap.LayerPlatform,
	"azurerm_eventhub_namespace":         sovmap.LayerPlatform,
	"azurerm_servicebus_namespace":       sovmap.LayerPlatform,
	// Azure: model (Azure OpenAI and the other AI services are cognitive accounts).
	"azurerm_cognitive_account":    sovmap.LayerModel,
	"azurerm_cognitive_deployment": sovmap.LayerModel,
	"azurerm_ai_services":          sovmap.LayerModel,
	// Azure: data.
	"azurerm_search_service":  sovmap.LayerData,
	"azurerm_purview_account": sovmap.LayerData,
	// Azure: storage.
	"azurerm_storage_account":                   sovmap.LayerStorage,
	"azurerm_managed_disk":                      sovmap.LayerStorage,
	"azurerm_snapshot":                          sovmap.LayerStorage,
	"azurerm_storage_container":                 sovmap.LayerStorage,
	"azurerm_storage_share":                     sovmap.LayerStorage,
	"azurerm_storage_blob":                      sovmap.LayerStorage,
	"azurerm_storage_data_lake_gen2_filesystem": sovmap.LayerStorage,
	"azurerm_cosmosdb_gremlin_database":         sovmap.LayerStorage,
	"azurerm_netapp_volume":                     sovmap.LayerStorage,
	"azurerm_cosmosdb_account":                  sovmap.LayerStorage,
	"azurerm_mssql_server":                      sovmap.LayerStorage,
	"azurerm_mssql_managed_instance":            sovmap.LayerStorage,
	"azurerm_postgresql_flexible_server":        sovmap.LayerStorage,
	"azurerm_postgresql_server":                 sovmap.LayerStorage,
	"azurerm_mysql_flexible_server":             sovmap.LayerStorage,
	"azurerm_redis_cache":                       sovmap.LayerStorage,
	"azurerm_kusto_cluster":                     sovmap.LayerStorage,
	"azurerm_data_lake_store":                   sovmap.LayerStorage,
	"azurerm_recovery_services_vault":           sovmap.LayerStorage,
	// Azure: security.
	"azurerm_key_vault": sovmap.LayerSecurity,
	"azurerm_key_vault_managed_hardware_security_module": sovmap.LayerSecurity,
	"azurerm_dedicated_hardware_security_module":         sovmap.LayerSecurity,
	"azurerm_firewall":                        sovmap.LayerSecurity,
	"azurerm_web_application_firewall_policy": sovmap.LayerSecurity,
	// Azure: connectivity.
	"azurerm_virtual_network":         sovmap.LayerConnectivity,
	"azurerm_express_route_circuit":   sovmap.LayerConnectivity,
	"azurerm_express_route_gateway":   sovmap.LayerConnectivity,
	"azurerm_express_route_port":      sovmap.LayerConnectivity,
	"azurerm_virtual_network_gateway": sovmap.LayerConnectivity,
	"azurerm_vpn_gateway":             sovmap.LayerConnectivity,
	"azurerm_virtual_wan":             sovmap.LayerConnectivity,
	"azurerm_virtual_hub":             sovmap.LayerConnectivity,
	"azurerm_application_gateway":     sovmap.LayerConnectivity,
	"azurerm_lb":                      sovmap.LayerConnectivity,
	"azurerm_nat_gateway":             sovmap.LayerConnectivity,
	"azurerm_frontdoor":               sovmap.LayerConnectivity,
	"azurerm_cdn_frontdoor_profile":   sovmap.LayerConnectivity,
	"azurerm_api_management":          sovmap.LayerConnectivity,
	"azurerm_private_dns_zone":        sovmap.LayerConnectivity,
	"azurerm_dns_zone":                sovmap.LayerConnectivity,
	// Azure: operations.
	"azurerm_log_analytics_workspace": sovmap.LayerOperations,
	"azurerm_application_insights":    sovmap.LayerOperations,

	// Google Cloud: compute.
	"google_compute_instance":                      sovmap.LayerCompute,
	"google_compute_instance_group_manager":        sovmap.LayerCompute,
	"google_compute_region_instance_group_manager": sovmap.LayerCompute,
	"google_container_node_pool":                   sovmap.LayerCompute,
	"google_tpu_node":                              sovmap.LayerCompute,
	"google_tpu_v2_vm":                             sovmap.LayerCompute,
	"google_cloud_run_service":                     sovmap.LayerCompute,
	"google_cloud_run_v2_service":                  sovmap.LayerCompute,
	"google_cloud_run_v2_job":                      sovmap.LayerCompute,
	"google_cloudfunctions_function":               sovmap.LayerCompute,
	"google_cloudfunctions2_function":              sovmap.LayerCompute,
	"google_dataproc_cluster":                      sovmap.LayerCompute,
	"google_notebooks_instance":                    sovmap.LayerCompute,
	"google_workbench_instance":                    sovmap.LayerCompute,
	// Google Cloud: hardware.
	"google_compute_node_group": sovmap.LayerHardware,
	// Google Cloud: platform.
	"google_container_cluster":                  sovmap.LayerPlatform,
	"google_vertex_ai_metadata_store":           sovmap.LayerPlatform,
	"google_vertex_ai_tensorboard":              sovmap.LayerPlatform,
	"google_vertex_ai_index_endpoint":           sovmap.LayerPlatform,
	"google_vertex_ai_deployment_resource_pool": sovmap.LayerCompute,
	"google_composer_environment":               sovmap.LayerPlatform,
	"google_dataflow_job":                       sovmap.LayerPlatform,
	"google_dataflow_flex_template_job":         sovmap.LayerPlatform,
	"google_artifact_registry_repository":       sovmap.LayerPlatform,
	"google_pubsub_topic":                       sovmap.LayerPlatform,
	// Google Cloud: model.
	"google_vertex_ai_endpoint": sovmap.LayerModel,
	// Google Cloud: data.
	"google_vertex_ai_dataset":              sovmap.LayerData,
	"google_vertex_ai_featurestore":         sovmap.LayerData,
	"google_vertex_ai_feature_online_store": sovmap.LayerData,
	"google_vertex_ai_feature_group":        sovmap.LayerData,
	"google_vertex_ai_index":                sovmap.LayerData,
	"google_dataplex_lake":                  sovmap.LayerData,
	"google_data_catalog_entry_group":       sovmap.LayerData,
	// Google Cloud: storage.
	"google_storage_bucket":        sovmap.LayerStorage,
	"google_compute_disk":          sovmap.LayerStorage,
	"google_compute_region_disk":   sovmap.LayerStorage,
	"google_compute_snapshot":      sovmap.LayerStorage,
	"google_compute_image":         sovmap.LayerStorage,
	"google_storage_bucket_object": sovmap.LayerStorage,
	"google_filestore_instance":    sovmap.LayerStorage,
	"google_sql_database_instance": sovmap.LayerStorage,
	"google_spanner_instance":      sovmap.LayerStorage,
	"google_bigtable_instance":     sovmap.LayerStorage,
	"google_bigquery_dataset":      sovmap.LayerStorage,
	"google_redis_instance":        sovmap.LayerStorage,
	"google_memorystore_instance":  sovmap.LayerStorage,
	"google_alloydb_cluster":       sovmap.LayerStorage,
	"google_firestore_database":    sovmap.LayerStorage,
	// Google Cloud: security.
	"google_kms_key_ring":                    sovmap.LayerSecurity,
	"google_kms_ekm_connection":              sovmap.LayerSecurity,
	"google_secret_manager_secret":           sovmap.LayerSecurity,
	"google_privateca_certificate_authority": sovmap.LayerSecurity,
	// Google Cloud: connectivity.
	"google_compute_network":                 sovmap.LayerConnectivity,
	"google_compute_interconnect":            sovmap.LayerConnectivity,
	"google_compute_interconnect_attachment": sovmap.LayerConnectivity,
	"google_compute_vpn_gateway":             sovmap.LayerConnectivity,
	"google_compute_ha_vpn_gateway":          sovmap.LayerConnectivity,
	"google_compute_router":                  sovmap.LayerConnectivity,
	"google_compute_global_forwarding_rule":  sovmap.LayerConnectivity,
	"google_compute_forwarding_rule":         sovmap.LayerConnectivity,
	"google_network_connectivity_hub":        sovmap.LayerConnectivity,
	"google_dns_managed_zone":                sovmap.LayerConnectivity,
	// Google Cloud: operations.
	"google_logging_project_bucket_config": sovmap.LayerOperations,
}

// layerByPrefix maps families of resource types to layers when no exact
// type matches. The longest matching prefix wins.
var layerByPrefix = []struct {
	prefix string
	layer  sovmap.Layer
}{
	{"aws_dx_", sovmap.LayerConnectivity}, // Direct Connect
	{"aws_fsx_", sovmap.LayerStorage},     // FSx file systems
	{"aws_networkmanager_", sovmap.LayerConnectivity},
	{"google_vertex_ai_", sovmap.LayerPlatform},
	{"azurerm_machine_learning_", sovmap.LayerPlatform},
}

// layerOf returns the layer of a resource type, and false for types the
// tables do not cover.
func layerOf(typ string) (sovmap.Layer, bool) {
	if l, ok := layerByType[typ]; ok {
		return l, true
	}
	best := -1
	var layer sovmap.Layer
	for _, p := range layerByPrefix {
		if strings.HasPrefix(typ, p.prefix) && len(p.prefix) > best {
			best, layer = len(p.prefix), p.layer
		}
	}
	if best > 0 && !settingType(typ) {
		return layer, true
	}
	return "", false
}

// settingSuffixes end the names of types that configure another resource
// rather than being one; prefix families do not claim them.
var settingSuffixes = []string{"_policy", "_association", "_attachment", "_permission", "_rule", "_iam_member", "_iam_binding", "_iam_policy", "_tag", "_tags"}

func settingType(typ string) bool {
	for _, s := range settingSuffixes {
		if strings.HasSuffix(typ, s) {
			return true
		}
	}
	return false
}

// cloudOf returns the cloud a resource type belongs to: aws, azure or gcp,
// as knowledge-base region ids are prefixed, or "" for other providers.
func cloudOf(typ string) string {
	switch {
	case strings.HasPrefix(typ, "aws_"):
		return "aws"
	case strings.HasPrefix(typ, "azurerm_"):
		return "azure"
	case strings.HasPrefix(typ, "google_"):
		return "gcp"
	}
	return ""
}

// defaultProvider is the knowledge-base provider of each cloud, used when a
// region does not name its own.
var defaultProvider = map[string]string{
	"aws":   "aws",
	"azure": "microsoft-azure",
	"gcp":   "google-cloud",
}

// providerNames name the default providers, for a providers: entry when
// the knowledge base in use does not know them.
var providerNames = map[string]string{
	"aws":             "Amazon Web Services Inc.",
	"microsoft-azure": "Microsoft Azure (Microsoft Corporation)",
	"google-cloud":    "Google Cloud (Google LLC)",
}

// globalTypes are resources that have no region: they are reported with a
// message that says so, rather than as unresolved.
var globalTypes = map[string]bool{
	"aws_cloudfront_distribution":       true,
	"aws_route53_zone":                  true,
	"aws_globalaccelerator_accelerator": true,
	"aws_dynamodb_global_table":         true,
	"aws_rds_global_cluster":            true,
	"azurerm_frontdoor":                 true,
	"azurerm_cdn_frontdoor_profile":     true,
	"azurerm_dns_zone":                  true,
	"azurerm_private_dns_zone":          true,
	"google_compute_network":            true,
	// Snapshots and images are stored in a multi-region by default; their
	// storage_locations, when given, say where.
	"google_compute_snapshot":               true,
	"google_compute_image":                  true,
	"google_compute_global_forwarding_rule": true,
	"google_dns_managed_zone":               true,
	"google_network_connectivity_hub":       true,
}

// Accelerators. Instance families are from the providers' own lists of
// accelerated computing instances: AWS P, G, Trn, Inf and DL families;
// Azure N-series (NC, ND, NV, NG); Google A- and G-series machine types and
// TPU resources.
var (
	awsAccelerated   = regexp.MustCompile(`^(?:ml\.)?(p\d|g\d|gr\d|trn\d|inf\d|dl\d)[a-z0-9-]*\.`)
	azureAccelerated = regexp.MustCompile(`(?i)^standard_n[cdvg]`)
	gcpAccelerated   = regexp.MustCompile(`^(a\d|g\d|ct\d)[a-z]*-`)
)

// acceleratorKeys are the attributes that name a machine size.
var acceleratorKeys = map[string]bool{
	"instance_type": true, "instance_types": true, "vm_size": true, "size": true,
	"sku": true, "sku_name": true, "machine_type": true,
}

// accelerator says what accelerator a resource's machine sizes imply:
// "gpu", "trainium", "inferentia", "tpu" or "" for none found.
func accelerator(cloud, typ string, vals map[string]any) string {
	if strings.HasPrefix(typ, "google_tpu_") {
		return "tpu"
	}
	found := map[string]bool{}
	walkValues(vals, 0, func(key string, v any) {
		switch {
		case key == "guest_accelerator":
			if list, ok := v.([]any); ok && len(list) > 0 {
				found["gpu"] = true
			}
		case acceleratorKeys[key]:
			if s, ok := v.(string); ok {
				if kind := acceleratorOf(cloud, s); kind != "" {
					found[kind] = true
				}
			}
		}
	})
	kinds := make([]string, 0, len(found))
	for k := range found {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	return strings.Join(kinds, ",")
}

func acceleratorOf(cloud, size string) string {
	switch cloud {
	case "aws":
		m := awsAccelerated.FindStringSubmatch(size)
		if m == nil {
			return ""
		}
		switch {
		case strings.HasPrefix(m[1], "trn"):
			return "trainium"
		case strings.HasPrefix(m[1], "inf"):
			return "inferentia"
		case strings.HasPrefix(m[1], "dl"):
			return "gaudi"
		}
		return "gpu"
	case "azure":
		if azureAccelerated.MatchString(size) {
			return "gpu"
		}
	case "gcp":
		if m := gcpAccelerated.FindStringSubmatch(size); m != nil {
			if strings.HasPrefix(m[1], "ct") {
				return "tpu"
			}
			return "gpu"
		}
	}
	return ""
}

// walkValues calls fn for every key and value of a decoded JSON value,
// nested blocks included, to a bounded depth.
func walkValues(v any, depth int, fn func(key string, v any)) {
	if depth > 16 {
		return
	}
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if list, ok := e.([]any); ok && k != "guest_accelerator" {
				for _, item := range list {
					fn(k, item)
				}
			}
			fn(k, e)
			walkValues(e, depth+1, fn)
		}
	case []any:
		for _, e := range x {
			walkValues(e, depth+1, fn)
		}
	}
}
