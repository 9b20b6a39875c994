package cloud

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/importer"
	"github.com/sovmap/sovmap/importer/internal/golden"
	"github.com/sovmap/sovmap/kb"
)

func knowledge(t testing.TB) *kb.KB { return golden.Knowledge(t) }

type importFunc func(context.Context, string, []byte, importer.Options) (*importer.Result, error)

func importFile(t *testing.T, imp importFunc, file string) *importer.Result {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", file))
	if err != nil {
		t.Fatal(err)
	}
	r, err := imp(context.Background(), file, data, importer.Options{KB: knowledge(t)})
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	return r
}

// want is what one component must be: its layer, its provider and the
// country it is in, written by hand from the fixture and from where each
// cloud documents its regions (eu-central-1 is Frankfurt, westeurope the
// Netherlands, europe-west1 Belgium, ...); "-" for no location.
type want struct{ layer, provider, country string }

func check(t *testing.T, r *importer.Result, wants map[string]want, skipped map[string]int) {
	t.Helper()
	k := knowledge(t)
	got := map[string]sovmap.Component{}
	for _, c := range r.Inventory.Components {
		got[c.ID] = c
	}
	if len(got) != len(wants) {
		ids := make([]string, 0, len(got))
		for id := range got {
			ids = append(ids, id)
		}
		t.Errorf("components %v, want %d", ids, len(wants))
	}
	for id, w := range wants {
		c, ok := got[id]
		if !ok {
			t.Errorf("no component %s", id)
			continue
		}
		country := "-"
		if len(c.Locations) == 1 {
			reg, ok := k.Region(c.Locations[0])
			if !ok {
				t.Errorf("%s: location %s is not a knowledge-base region", id, c.Locations[0])
			}
			country = reg.Country
		}
		if string(c.Layer) != w.layer || c.Provider != w.provider || country != w.country {
			t.Errorf("%s = %s, %q, %s; want %s, %q, %s", id, c.Layer, c.Provider, country, w.layer, w.provider, w.country)
		}
	}
	for reason, n := range skipped {
		if r.Skipped[reason] != n {
			t.Errorf("skipped %q: %d, want %d (all: %v)", reason, r.Skipped[reason], n, r.Skipped)
		}
	}
	if len(r.Skipped) != len(skipped) {
		t.Errorf("skipped %v, want %v", r.Skipped, skipped)
	}
	if len(r.Inventory.Components) > 0 {
		golden.CheckLoads(t, k, r.Inventory)
	}
}

func TestAWSConfig(t *testing.T) {
	r := importFile(t, ImportAWS, "aws-config-snapshot.json")
	check(t, r, map[string]want{
		"arn:aws:s3:::patient-scans":                                                     {"storage", "aws", "DE"},
		"arn:aws:ec2:eu-central-1:111122223333:instance/i-0a1b2c3d4e5f60001":             {"compute", "aws", "DE"},
		"arn:aws:ec2:eu-central-1:111122223333:volume/vol-0a1b2c3d4e5f60002":             {"storage", "aws", "DE"},
		"arn:aws:ec2:eu-central-1:111122223333:vpc/vpc-0a1b2c3d":                         {"connectivity", "aws", "DE"},
		"arn:aws:sagemaker:us-east-1:111122223333:endpoint/llm-endpoint":                 {"model", "aws", "US"},
		"arn:aws:kms:eu-central-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab": {"security", "aws", "DE"},
		"arn:aws:s3:::future-data":                                                       {"storage", "aws", "-"}, // region xx-new-1: unknown, reported
	}, map[string]int{"deleted resource": 1, "no layer mapping: aws AWS::EC2::SecurityGroup": 1, "no layer mapping: aws AWS::IAM::Role": 1})
	// The instance depends on its volume and its VPC (Config relates them
	// both ways); the security group is not a component.
	for _, c := range r.Inventory.Components {
		if strings.HasSuffix(c.ID, "instance/i-0a1b2c3d4e5f60001") {
			var deps []string
			for _, d := range c.DependsOn {
				deps = append(deps, d.ID)
			}
			if strings.Join(deps, " ") != "arn:aws:ec2:eu-central-1:111122223333:volume/vol-0a1b2c3d4e5f60002 arn:aws:ec2:eu-central-1:111122223333:vpc/vpc-0a1b2c3d" {
				t.Errorf("instance depends on %v", deps)
			}
		}
		if strings.HasSuffix(c.ID, "volume/vol-0a1b2c3d4e5f60002") && len(c.DependsOn) != 0 {
			t.Errorf("the volume depends on %v; the instance depends on it, not the reverse", c.DependsOn)
		}
	}
}

func TestAWSResourceExplorer(t *testing.T) {
	r := importFile(t, ImportAWS, "aws-resource-explorer.json")
	check(t, r, map[string]want{
		"arn:aws:s3:::feature-lake":                              {"storage", "aws", "FR"},
		"arn:aws:dynamodb:eu-west-3:111122223333:table/sessions": {"storage", "aws", "FR"},
		"arn:aws:sagemaker:eu-west-3:111122223333:model/ranker":  {"model", "aws", "FR"},
	}, map[string]int{"no layer mapping: aws ec2:subnet": 1, "no layer mapping: aws iam:role": 1})
}

func TestAzureResourceGraph(t *testing.T) {
	r := importFile(t, ImportAzure, "azure-resource-graph.json")
	check(t, r, map[string]want{
		"ml-prod/corpusstore": {"storage", "microsoft-azure", "FR"},
		"ml-prod/chat-openai": {"model", "microsoft-azure", "SE"},
		"ml-prod/gpu-os":      {"storage", "microsoft-azure", "NL"},
		"ml-prod/ml-keys":     {"security", "microsoft-azure", "NL"},
	}, map[string]int{"no layer mapping: azure microsoft.network/dnszones": 1, "no layer mapping: azure microsoft.network/networksecuritygroups": 1})
	// The bare list older az versions write reads the same.
	data, _ := os.ReadFile("testdata/azure-resource-graph.json")
	s := string(data)
	list := s[strings.Index(s, "[") : strings.LastIndex(s, "]")+1]
	r2, err := ImportAzure(context.Background(), "list.json", []byte(list), importer.Options{KB: knowledge(t)})
	if err != nil || len(r2.Inventory.Components) != 4 {
		t.Errorf("bare list: err %v", err)
	}
}

func TestGCPExport(t *testing.T) {
	r := importFile(t, ImportGCP, "gcp-asset-export.jsonl")
	check(t, r, map[string]want{
		"storage.googleapis.com/training-shards":                                                 {"storage", "google-cloud", "DE"},
		"aiplatform.googleapis.com/projects/demo-ml/locations/europe-west4/endpoints/1234567890": {"model", "google-cloud", "NL"},
		"compute.googleapis.com/projects/demo-ml/zones/europe-west3-b/instances/a3-train-0":      {"compute", "google-cloud", "DE"},
		"storage.googleapis.com/archive-eu":                                                      {"storage", "google-cloud", "-"}, // the EU multi-region
	}, map[string]int{"no layer mapping: gcp iam.googleapis.com/ServiceAccount": 1})
}

func TestGCPSearch(t *testing.T) {
	r := importFile(t, ImportGCP, "gcp-search-all-resources.json")
	check(t, r, map[string]want{
		"bigquery.googleapis.com/projects/demo-ml/datasets/claims":                          {"storage", "google-cloud", "BE"},
		"container.googleapis.com/projects/demo-ml/locations/europe-west1/clusters/serving": {"platform", "google-cloud", "BE"},
		"cloudkms.googleapis.com/projects/demo-ml/locations/europe-west1/keyRings/ml":       {"security", "google-cloud", "BE"},
	}, map[string]int{"no layer mapping: gcp compute.googleapis.com/Firewall": 1})
}

func TestKubernetes(t *testing.T) {
	r := importFile(t, ImportKubernetes, "kubectl-nodes-pods.json")
	check(t, r, map[string]want{
		"node/ip-10-0-1-15.eu-central-1.compute.internal": {"compute", "aws", "DE"},
		"node/gke-serving-pool-1-abcd":                    {"compute", "google-cloud", "NL"}, // zone europe-west4-a in the providerID
		"node/aks-gpu-12345678-vmss000000":                {"compute", "microsoft-azure", "SE"},
		"node/rack3-node7":                                {"compute", "", "-"}, // on premises: the organization's own
		"pod/inference/llama-vllm-6d9f7c8b5-x2x9k":        {"model", "", "DE"},
		"pod/inference/tgi-0":                             {"model", "", "NL"},
		"pod/lab/ollama-7c5d":                             {"model", "", "-"},
	}, map[string]int{"pod without a model server image": 1})
	for _, c := range r.Inventory.Components {
		switch c.ID {
		case "pod/inference/llama-vllm-6d9f7c8b5-x2x9k":
			if c.Tags["model-server"] != "vllm" || len(c.DependsOn) != 1 || c.DependsOn[0].ID != "node/ip-10-0-1-15.eu-central-1.compute.internal" {
				t.Errorf("vllm pod: %+v", c)
			}
		case "node/ip-10-0-1-15.eu-central-1.compute.internal", "node/rack3-node7":
			if c.Tags["accelerator"] != "gpu" {
				t.Errorf("%s: no gpu tag, though its capacity lists nvidia.com/gpu", c.ID)
			}
		}
	}
}

func TestModelServer(t *testing.T) {
	for image, want := range map[string]string{
		"vllm/vllm-openai:v0.6.3": "vllm", "docker.io/vllm/vllm-openai@sha256:abc": "vllm",
		"ghcr.io/huggingface/text-generation-inference:2.4.0": "tgi", "ollama/ollama": "ollama",
		"nvcr.io/nvidia/tritonserver:24.10-py3": "triton", "nvcr.io/nim/meta/llama-3.1-8b-instruct:1.3": "nvidia-nim",
		"lmsysorg/sglang:latest": "sglang", "ghcr.io/ggml-org/llama.cpp:server": "llama.cpp",
		"registry.k8s.io/coredns/coredns:v1.11.1": "", "nginx:1.27": "", "myorg/ollama-proxy:1": "",
	} {
		if got := modelServer(image); got != want {
			t.Errorf("modelServer(%q) = %q, want %q", image, got, want)
		}
	}
}

// TestBadInput checks that documents of the wrong shape are refused with
// the file and, for syntax errors, the line and column.
func TestBadInput(t *testing.T) {
	opts := importer.Options{KB: knowledge(t)}
	tests := []struct {
		imp  importFunc
		data string
		want string
	}{
		{ImportAWS, `{"foo": 1}`, "x.json: neither an AWS Config snapshot"},
		{ImportAWS, `[1]`, "x.json: expected a JSON object"},
		{ImportAWS, "{\n  \"configurationItems\": [\n    {\"resourceType\": 1}\n  ]\n}", "x.json:3:22: configurationItems.resourceType: expected string"},
		{ImportAzure, `{"value": []}`, "x.json: no data: not the output of az graph query"},
		{ImportAzure, `[{"name": "x"}]`, "x.json: row 1 has no id or type"},
		{ImportGCP, "{\"name\": \"//a\", \"asset_type\": \"b\"}\n{\"name\": ", "x.json:2:9: unexpected end of JSON input"},
		{ImportGCP, `[{"foo": 1}]`, "x.json: asset 1 has no name or asset type"},
		{ImportKubernetes, `{"kind": "Deployment"}`, `x.json: kind "Deployment": not the output of kubectl get nodes,pods`},
	}
	for _, tt := range tests {
		_, err := tt.imp(context.Background(), "x.json", []byte(tt.data), opts)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: err %v, want %q", tt.data, err, tt.want)
		}
	}
}
