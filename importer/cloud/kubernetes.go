package cloud

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/importer"
)

// Well-known node labels (kubernetes.io/docs/reference/labels-annotations-taints).
const (
	labelRegion       = "topology.kubernetes.io/region"
	labelZone         = "topology.kubernetes.io/zone"
	labelRegionLegacy = "failure-domain.beta.kubernetes.io/region"
)

// modelServers recognise pods that serve models by their container
// images: the image repository, without registry host or tag, as the
// projects publish them.
var modelServers = []struct {
	pattern *regexp.Regexp
	server  string
}{
	{regexp.MustCompile(`(^|/)vllm/vllm-openai$|(^|/)vllm-project/`), "vllm"},
	{regexp.MustCompile(`huggingface/text-generation-inference$`), "tgi"},
	{regexp.MustCompile(`huggingface/text-embeddings-inference$`), "tei"},
	{regexp.MustCompile(`(^|/)ollama/ollama$`), "ollama"},
	{regexp.MustCompile(`nvidia/tritonserver$`), "triton"},
	{regexp.MustCompile(`(^|/)nim/`), "nvidia-nim"},
	{regexp.MustCompile(`(^|/)lmsysorg/sglang$`), "sglang"},
	{regexp.MustCompile(`(ggerganov|ggml-org)/llama\.cpp$`), "llama.cpp"},
	{regexp.MustCompile(`(^|/)kserve/`), "kserve"},
	{regexp.MustCompile(`(^|/)localai/localai$`), "localai"},
}

// k8sList is the output of kubectl get nodes,pods -A -o json.
type k8sList struct {
	Kind  string      `json:"kind"`
	Items []k8sObject `json:"items"`
}

type k8sObject struct {
	Kind     string `json:"kind"`
	Metadata struct {
		Name      string            `json:"name"`
		Namespace string            `json:"namespace"`
		Labels    map[string]string `json:"labels"`
	} `json:"metadata"`
	Spec struct {
		ProviderID string `json:"providerID"`
		NodeName   string `json:"nodeName"`
		Containers []struct {
			Name  string `json:"name"`
			Image string `json:"image"`
		} `json:"containers"`
	} `json:"spec"`
	Status struct {
		Capacity map[string]any `json:"capacity"`
		Phase    string         `json:"phase"`
	} `json:"status"`
}

// ImportKubernetes reads kubectl get nodes,pods -A -o json: each node
// becomes a compute component, located by its providerID (aws:///ZONE/ID,
// gce://PROJECT/ZONE/NAME, azure:///subscriptions/...) and its topology
// labels; each pod whose image is a model server (vLLM, TGI, Ollama,
// Triton, NIM, SGLang, llama.cpp, KServe, LocalAI) becomes a model
// component on its node. Other pods are counted, not imported.
func ImportKubernetes(ctx context.Context, name string, data []byte, opts importer.Options) (*importer.Result, error) {
	r, err := newRun(name, opts)
	if err != nil {
		return nil, err
	}
	if firstByte(data) != '{' {
		return nil, fmt.Errorf("%s: expected a JSON object: the output of kubectl get nodes,pods -A -o json", name)
	}
	var list k8sList
	if err := decodeJSON(name, data, &list); err != nil {
		return nil, err
	}
	if list.Kind != "List" && list.Kind != "NodeList" && list.Kind != "PodList" {
		return nil, fmt.Errorf("%s: kind %q: not the output of kubectl get nodes,pods -A -o json (kind List)", name, list.Kind)
	}
	nodes := map[string]*sovmap.Component{}
	nodeIDs := map[string]string{}
	for i, it := range list.Items {
		if i%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		opts.Report(i+1, len(list.Items))
		if it.Kind != "Node" {
			continue
		}
		cloud, region := nodeLocation(&it)
		t := tags("kubernetes.node", it.Metadata.Name, "kubernetes.provider-id", it.Spec.ProviderID,
			"kubernetes.instance-type", it.Metadata.Labels["node.kubernetes.io/instance-type"])
		if gpu, ok := it.Status.Capacity["nvidia.com/gpu"]; ok && fmt.Sprint(gpu) != "0" {
			t["accelerator"] = "gpu"
		}
		id := "node/" + it.Metadata.Name
		var c *sovmap.Component
		if cloud == "" {
			// On premises, or a provider sovmap does not read: the
			// organization's own until an overlay says otherwise.
			r.res.Warn(r.name+": "+id, "no cloud provider ID and no region label; read as the organization's own, without a location")
			c = r.addOwn(id, it.Metadata.Name, sovmap.LayerCompute, t)
		} else {
			c = r.add(cloud, id, it.Metadata.Name, sovmap.LayerCompute, region, t)
		}
		nodes[it.Metadata.Name] = c
		nodeIDs[it.Metadata.Name] = c.ID
	}
	for _, it := range list.Items {
		switch it.Kind {
		case "Node":
			continue
		case "Pod":
		default:
			r.res.Skip("kubernetes " + it.Kind)
			continue
		}
		server, image := "", ""
		for _, ctr := range it.Spec.Containers {
			if s := modelServer(ctr.Image); s != "" {
				server, image = s, ctr.Image
				break
			}
		}
		if server == "" {
			r.res.Skip("pod without a model server image")
			continue
		}
		id := "pod/" + it.Metadata.Namespace + "/" + it.Metadata.Name
		t := tags("kubernetes.namespace", it.Metadata.Namespace, "kubernetes.pod", it.Metadata.Name,
			"model-server", server, "image", image, "kubernetes.node", it.Spec.NodeName)
		// A model server runs where its node runs, by the node's provider.
		c := r.addOwn(id, it.Metadata.Name, sovmap.LayerModel, t)
		if n, ok := nodes[it.Spec.NodeName]; ok {
			c.Locations = append([]string(nil), n.Locations...)
			addDependency(c, nodeIDs[it.Spec.NodeName])
		} else {
			r.res.Warn(r.name+": "+id, "its node %q is not in the document; no location recorded", it.Spec.NodeName)
		}
	}
	return r.res, nil
}

// addOwn adds a component without a provider: one the organization runs.
func (r *run) addOwn(id, name string, layer sovmap.Layer, tags map[string]string) *sovmap.Component {
	inv := r.res.Inventory
	inv.Components = append(inv.Components, sovmap.Component{ID: r.ids.Unique(id), Name: name, Layer: layer, Tags: tags})
	return &inv.Components[len(inv.Components)-1]
}

// nodeLocation returns a node's cloud and region: the cloud from its
// providerID's scheme, the region from the topology labels, else from the
// zone in the providerID (AWS and Google write it there).
func nodeLocation(n *k8sObject) (cloud, region string) {
	pid := n.Spec.ProviderID
	scheme, rest, _ := strings.Cut(pid, "://")
	switch scheme {
	case "aws":
		cloud = "aws"
	case "gce":
		cloud = "gcp"
	case "azure":
		cloud = "azure"
	default:
		return "", ""
	}
	labels := n.Metadata.Labels
	region = labels[labelRegion]
	if region == "" {
		region = labels[labelRegionLegacy]
	}
	if region == "" {
		zone := labels[labelZone]
		if zone == "" {
			// aws:///eu-central-1a/i-0abc, gce://project/europe-west3-b/name
			parts := strings.Split(strings.TrimPrefix(rest, "/"), "/")
			if cloud == "aws" && len(parts) >= 2 {
				zone = parts[0]
			} else if cloud == "gcp" && len(parts) >= 3 {
				zone = parts[1]
			}
		}
		region = zoneRegion(cloud, zone)
	}
	return cloud, region
}

// modelServer names the model server an image runs, or "".
func modelServer(image string) string {
	repo := image
	if i := strings.LastIndex(repo, "@"); i >= 0 {
		repo = repo[:i]
	}
	if i := strings.LastIndex(repo, ":"); i > strings.LastIndex(repo, "/") {
		repo = repo[:i]
	}
	repo = strings.ToLower(repo)
	for _, m := range modelServers {
		if m.pattern.MatchString(repo) {
			return m.server
		}
	}
	return ""
}
