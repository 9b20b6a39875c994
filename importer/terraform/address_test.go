package terraform

import (
	"testing"
)

func TestParseAddress(t *testing.T) {
	tests := []struct {
		in, module, moduleInstance, key string
		ok                              bool
	}{
		{"aws_instance.web", "", "", "aws_instance.web", true},
		{"aws_instance.web[3]", "", "", "aws_instance.web", true},
		{`aws_instance.web["a.b"]`, "", "", "aws_instance.web", true},
		{"data.aws_region.current", "", "", "data.aws_region.current", true},
		{`module.net["eu"].aws_vpc.main`, "module.net", `module.net["eu"]`, "module.net.aws_vpc.main", true},
		{"module.a.module.b[0].data.x_y.z", "module.a.module.b", "module.a.module.b[0]", "module.a.module.b.data.x_y.z", true},
		{`aws_instance.web["a\"]b"]`, "", "", "aws_instance.web", true},
		{"aws_instance", "", "", "", false},
		{"module.x", "", "", "", false},
		{"a.b.c", "", "", "", false},
		{"", "", "", "", false},
	}
	for _, tt := range tests {
		a, ok := parseAddress(tt.in)
		if ok != tt.ok {
			t.Errorf("parseAddress(%q) ok = %v, want %v", tt.in, ok, tt.ok)
			continue
		}
		if ok && (a.module != tt.module || a.moduleInstance != tt.moduleInstance || a.configKey() != tt.key) {
			t.Errorf("parseAddress(%q) = %q %q %q, want %q %q %q", tt.in, a.module, a.moduleInstance, a.configKey(), tt.module, tt.moduleInstance, tt.key)
		}
	}
}

func TestProviderConfigFor(t *testing.T) {
	c := &config{providers: map[string]providerConfig{
		"aws":          {Name: "aws"},
		"aws.east":     {Name: "aws", Alias: "east"},
		"module.a:aws": {Name: "aws", ModuleAddress: "module.a", Expressions: map[string]any{"region": map[string]any{"constant_value": "eu-west-1"}}},
		// A required_providers entry: a version constraint, no settings.
		"module.a.module.d:aws": {Name: "aws", ModuleAddress: "module.a.module.d"},
		"foo:null.aliased":      {Name: "null", Alias: "aliased", ModuleAddress: "foo"},
		"null":                  {Name: "null"},
		"module.b:aws.west":     {Name: "aws", Alias: "west", ModuleAddress: "module.b"},
	}}
	tests := []struct{ key, found string }{
		{"aws", "aws"},
		{"aws.east", "aws.east"},
		{"module.a:aws", "module.a:aws"},
		{"module.a.module.c:aws", "module.a:aws"}, // inherited from the nearest module that configures it
		{"module.z:aws", "aws"},
		{"module.a.module.d:aws", "module.a:aws"}, // a version constraint only: still the parent's configuration
		{"foo:null", "null"},                      // Terraform 0.12 key
		{"foo:null.aliased", "foo:null.aliased"},
		{"module.b:aws.west", "module.b:aws.west"},
		{"module.c:aws.west", ""}, // aliases are never inherited
		{"google", ""},
	}
	for _, tt := range tests {
		_, found, ok := c.providerConfigFor(tt.key)
		if tt.found == "" {
			if ok {
				t.Errorf("providerConfigFor(%q) found %q, want nothing", tt.key, found)
			}
			continue
		}
		if !ok || found != tt.found {
			t.Errorf("providerConfigFor(%q) = %q, %v; want %q", tt.key, found, ok, tt.found)
		}
	}
}

func TestAccelerator(t *testing.T) {
	tests := []struct {
		cloud, typ string
		vals       map[string]any
		want       string
	}{
		{"aws", "aws_instance", map[string]any{"instance_type": "p5.48xlarge"}, "gpu"},
		{"aws", "aws_instance", map[string]any{"instance_type": "g6e.xlarge"}, "gpu"},
		{"aws", "aws_instance", map[string]any{"instance_type": "trn1n.32xlarge"}, "trainium"},
		{"aws", "aws_instance", map[string]any{"instance_type": "inf2.xlarge"}, "inferentia"},
		{"aws", "aws_instance", map[string]any{"instance_type": "c6g.large"}, ""},
		{"aws", "aws_instance", map[string]any{"instance_type": "m5.large"}, ""},
		{"aws", "aws_eks_node_group", map[string]any{"instance_types": []any{"m5.large", "g5.2xlarge"}}, "gpu"},
		{"aws", "aws_sagemaker_endpoint_configuration", map[string]any{"production_variants": []any{map[string]any{"instance_type": "ml.g5.2xlarge"}}}, "gpu"},
		{"azure", "azurerm_linux_virtual_machine", map[string]any{"size": "Standard_NC24ads_A100_v4"}, "gpu"},
		{"azure", "azurerm_linux_virtual_machine", map[string]any{"size": "Standard_D4s_v5"}, ""},
		{"azure", "azurerm_storage_account", map[string]any{"sku_name": "Standard_LRS"}, ""},
		{"gcp", "google_compute_instance", map[string]any{"machine_type": "a3-highgpu-8g"}, "gpu"},
		{"gcp", "google_compute_instance", map[string]any{"machine_type": "n2-standard-8", "guest_accelerator": []any{map[string]any{"type": "nvidia-l4"}}}, "gpu"},
		{"gcp", "google_compute_instance", map[string]any{"machine_type": "n2-standard-8", "guest_accelerator": []any{}}, ""},
		{"gcp", "google_compute_instance", map[string]any{"machine_type": "ct5lp-hightpu-4t"}, "tpu"},
		{"gcp", "google_tpu_v2_vm", nil, "tpu"},
	}
	for _, tt := range tests {
		if got := accelerator(tt.cloud, tt.typ, tt.vals); got != tt.want {
			t.Errorf("accelerator(%s, %v) = %q, want %q", tt.typ, tt.vals, got, tt.want)
		}
	}
}

func TestLayerOf(t *testing.T) {
	tests := []struct {
		typ  string
		want string
	}{
		{"aws_s3_bucket", "storage"},
		{"aws_dx_gateway", "connectivity"},
		{"aws_dx_gateway_association", ""}, // a setting, not a building block
		{"aws_fsx_lustre_file_system", "storage"},
		{"google_vertex_ai_featurestore", "data"},
		{"google_vertex_ai_endpoint", "model"},
		{"google_vertex_ai_workbench_thing", "platform"},
		{"aws_s3_bucket_policy", ""},
		{"null_resource", ""},
	}
	for _, tt := range tests {
		got, ok := layerOf(tt.typ)
		if string(got) != tt.want || ok != (tt.want != "") {
			t.Errorf("layerOf(%s) = %q, %v; want %q", tt.typ, got, ok, tt.want)
		}
	}
}
