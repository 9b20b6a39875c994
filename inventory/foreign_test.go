package inventory

import (
	"strings"
	"testing"
)

// FuzzForeignFile: telling a foreign file from a broken inventory never
// panics, and a document with an inventory key is never called foreign.
func FuzzForeignFile(f *testing.F) {
	f.Add("a.json", []byte(`{"$schema": "x", "type": "object"}`))
	f.Add("a.json", []byte(`{"components": [`))
	f.Add("a.yaml", []byte("name: ci\non: push\n"))
	f.Add("a.yaml", []byte("organization: {name: x\n"))
	f.Add("a.yaml", []byte("- 1\n- 2\n"))
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		reason, foreign := foreignFile(name, data)
		if foreign && reason == "" {
			t.Fatal("foreign without a reason")
		}
		if !foreign {
			return
		}
		keys, _ := yamlTopKeys(data)
		if isJSON(name) {
			keys, _ = jsonTopKeys(data)
		}
		for _, k := range keys {
			for _, n := range topMemberNames() {
				if strings.EqualFold(k, n) {
					t.Fatalf("key %q is an inventory's, yet the file is foreign (%s)", k, reason)
				}
			}
		}
	})
}
