package checks

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
	"sigs.k8s.io/kind/pkg/apis/config/v1alpha4"
	sigsyaml "sigs.k8s.io/yaml"
)

const kindConfigPath = "../../../kind-config.yaml"

// loadKindConfig decodes the file as kind does: strictly, so an unknown or misspelled field fails,
// then with kind's defaults applied.
func loadKindConfig(t *testing.T) (v1alpha4.Cluster, []byte) {
	t.Helper()
	raw, err := os.ReadFile(kindConfigPath)
	if err != nil {
		t.Fatal(err)
	}
	var cluster v1alpha4.Cluster
	if err := sigsyaml.UnmarshalStrict(raw, &cluster); err != nil {
		t.Fatalf("kind-config.yaml does not decode as kind's v1alpha4 Cluster: %v", err)
	}
	v1alpha4.SetDefaultsCluster(&cluster)
	return cluster, raw
}

func TestKindConfigDecodesStrictlyAsKindV1alpha4(t *testing.T) {
	cluster, _ := loadKindConfig(t)
	if cluster.Kind != "Cluster" || cluster.APIVersion != "kind.x-k8s.io/v1alpha4" {
		t.Fatalf("kind/apiVersion are %q/%q", cluster.Kind, cluster.APIVersion)
	}
	if cluster.Name != "quire" {
		t.Errorf("the cluster is named %q; the Tiltfile expects the context kind-quire", cluster.Name)
	}
}

func TestKindConfigHasAControlPlaneAndOneWorkerPerZoneWithItsPool(t *testing.T) {
	cluster, _ := loadKindConfig(t)
	var controlPlanes int
	zones := map[string]bool{}
	for i, node := range cluster.Nodes {
		if !strings.Contains(node.Image, "@sha256:") {
			t.Errorf("node %d's image %q is not pinned by digest", i, node.Image)
		}
		switch node.Role {
		case v1alpha4.ControlPlaneRole:
			controlPlanes++
		case v1alpha4.WorkerRole:
			zone := node.Labels["topology.kubernetes.io/zone"]
			pool := node.Labels["platform.quire.dev/pool"]
			if zone == "" || pool == "" {
				t.Errorf("worker %d lacks its zone or pool label: %v", i, node.Labels)
			}
			if zones[zone] {
				t.Errorf("two workers in zone %q", zone)
			}
			zones[zone] = true
		}
	}
	if controlPlanes != 1 || len(zones) != 3 {
		t.Errorf("want 1 control plane and workers in 3 zones, got %d and %v", controlPlanes, zones)
	}
	for _, zone := range []string{"zone-a", "zone-b", "zone-c"} {
		if !zones[zone] {
			t.Errorf("no worker in %s, a zone of the Platform's default topology", zone)
		}
	}
}

func TestKindConfigCommentsEveryField(t *testing.T) {
	_, raw := loadKindConfig(t)
	var doc yaml.Node
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	var walk func(node *yaml.Node, path string, itemCommented bool)
	walk = func(node *yaml.Node, path string, itemCommented bool) {
		switch node.Kind {
		case yaml.DocumentNode:
			for _, child := range node.Content {
				walk(child, path, false)
			}
		case yaml.SequenceNode:
			for _, item := range node.Content {
				// A comment above a list item describes the fields of that item.
				commented := item.HeadComment != ""
				if item.Kind == yaml.MappingNode && len(item.Content) > 0 {
					commented = commented || item.Content[0].HeadComment != ""
				}
				walk(item, path+"[]", commented)
			}
		case yaml.MappingNode:
			for i := 0; i+1 < len(node.Content); i += 2 {
				key, value := node.Content[i], node.Content[i+1]
				keyPath := path + "." + key.Value
				documented := key.HeadComment != "" || key.LineComment != "" || itemCommented
				if !seen[keyPath] && !documented {
					t.Errorf("kind-config.yaml:%d: %s has no comment", key.Line, strings.TrimPrefix(keyPath, "."))
				}
				seen[keyPath] = true
				walk(value, keyPath, itemCommented && value.Kind == yaml.MappingNode)
			}
		}
	}
	walk(&doc, "", false)
	_ = filepath.Base(kindConfigPath)
}
