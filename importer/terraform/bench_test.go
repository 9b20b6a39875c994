package terraform

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/sovmap/sovmap/importer"
)

// syntheticPlan builds a reproducible plan of n resources: one VPC, a
// security group and a bucket per 8 instances, GPU instances referencing
// their group (not a component) and depending on their bucket, spread over
// modules so that provider keys and references cross module boundaries.
func syntheticPlan(n int) []byte {
	type obj = map[string]any
	var changes []obj
	root := obj{"resources": []obj{}, "module_calls": obj{}}
	add := func(module, typ, name string, after obj, expr obj, deps []string) {
		addr := typ + "." + name
		full := addr
		if module != "" {
			full = "module." + module + "." + addr
		}
		c := obj{"address": full, "mode": "managed", "type": typ, "name": name,
			"provider_name": "registry.terraform.io/hashicorp/aws",
			"change":        obj{"actions": []string{"create"}, "after": after, "after_unknown": obj{"id": true, "arn": true}}}
		if module != "" {
			c["module_address"] = "module." + module
		}
		changes = append(changes, c)
		res := obj{"address": addr, "mode": "managed", "type": typ, "name": name, "provider_config_key": "aws", "expressions": expr}
		if deps != nil {
			res["depends_on"] = deps
		}
		target := root
		if module != "" {
			calls := root["module_calls"].(obj)
			mc, ok := calls[module].(obj)
			if !ok {
				mc = obj{"source": "./m", "module": obj{"resources": []obj{}}}
				calls[module] = mc
			}
			target = mc["module"].(obj)
		}
		target["resources"] = append(target["resources"].([]obj), res)
	}
	add("", "aws_vpc", "main", obj{"cidr_block": "10.0.0.0/8"}, obj{}, nil)
	for i := 0; len(changes) < n; i++ {
		module := fmt.Sprintf("m%d", i/64)
		sg, bucket := fmt.Sprintf("sg%d", i), fmt.Sprintf("b%d", i)
		add(module, "aws_security_group", sg, obj{"name": sg}, obj{"vpc_id": obj{"references": []string{"var.vpc_id"}}}, nil)
		add(module, "aws_s3_bucket", bucket, obj{"bucket": bucket}, obj{}, nil)
		for j := 0; j < 8 && len(changes) < n; j++ {
			name := fmt.Sprintf("gpu%d_%d", i, j)
			add(module, "aws_instance", name, obj{"instance_type": "p5.48xlarge"},
				obj{"vpc_security_group_ids": obj{"references": []string{"aws_security_group." + sg + ".id", "aws_security_group." + sg}}},
				[]string{"aws_s3_bucket." + bucket})
		}
	}
	for _, mc := range root["module_calls"].(obj) {
		mc.(obj)["expressions"] = obj{"vpc_id": obj{"references": []string{"aws_vpc.main.id", "aws_vpc.main"}}}
	}
	doc := obj{"format_version": "1.2", "resource_changes": changes, "configuration": obj{
		"provider_config": obj{"aws": obj{"name": "aws", "expressions": obj{"region": obj{"constant_value": "eu-central-1"}}}},
		"root_module":     root,
	}}
	data, err := json.Marshal(doc)
	if err != nil {
		panic(err)
	}
	return data
}

func TestSyntheticPlan(t *testing.T) {
	r, err := Import(context.Background(), "synthetic.json", syntheticPlan(1000), Options{Options: importer.Options{KB: knowledge(t)}})
	if err != nil {
		t.Fatal(err)
	}
	inv := r.Inventory
	// 1000 resources: the VPC, then groups of a security group (skipped),
	// a bucket and up to 8 instances.
	if len(inv.Components) != 1+(999/10)*9+(999%10-1) || len(r.Warnings) != 0 {
		t.Fatalf("%d components, %d warnings", len(inv.Components), len(r.Warnings))
	}
	gpu := component(t, inv, "module.m0.aws_instance.gpu0_0")
	if got := fmt.Sprint(dependsOn(gpu)); got != "[aws_vpc.main module.m0.aws_s3_bucket.b0]" {
		t.Errorf("gpu0_0 depends on %s", got)
	}
	if gpu.Locations[0] != "aws:eu-central-1" || gpu.Tags["accelerator"] != "gpu" {
		t.Errorf("gpu0_0 = %v %v", gpu.Locations, gpu.Tags)
	}
}

func benchmarkImport(b *testing.B, n int) {
	data := syntheticPlan(n)
	opts := Options{Options: importer.Options{KB: knowledge(b)}}
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Import(context.Background(), "synthetic.json", data, opts); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkImport10k and BenchmarkImport100k measure plans of 10,000 and
// 100,000 resources:
//
//	go test ./importer/terraform -run '^$' -bench Import -benchmem
func BenchmarkImport10k(b *testing.B)  { benchmarkImport(b, 10_000) }
func BenchmarkImport100k(b *testing.B) { benchmarkImport(b, 100_000) }
