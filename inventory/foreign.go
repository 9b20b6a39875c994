package inventory

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/go-json-experiment/json/jsontext"
	"go.yaml.in/yaml/v3"

	"github.com/sovmap/sovmap/internal/strictyaml"
)

// foreignFile reports why a file found in a directory that failed to decode
// as an inventory is not one at all (a JSON Schema written beside the
// inventory, a CI workflow, a strategy profile) and is better skipped with a
// note than reported as broken. A file is foreign when its top level is not
// a mapping, or when none of its top-level keys is an inventory key or a
// misspelling of one: a team file whose "components" is misspelt must still
// fail, or a CI gate would pass without it. A file that cannot be parsed far
// enough to tell is not foreign: its syntax error is the better message.
func foreignFile(name string, data []byte) (reason string, foreign bool) {
	var keys []string
	var ok bool
	if isJSON(name) {
		keys, ok = jsonTopKeys(data)
	} else {
		keys, ok = yamlTopKeys(data)
	}
	if !ok {
		return "", false
	}
	if keys == nil {
		return "its top level is not a mapping of keys", true
	}
	names := topMemberNames()
	for _, k := range keys {
		for _, n := range names {
			if k == n || strings.EqualFold(k, n) {
				return "", false
			}
		}
		if strictyaml.Suggest(k, names) != "" {
			return "", false
		}
	}
	shown := keys
	if len(shown) > 4 {
		shown = append(shown[:4:4], "...")
	}
	if len(keys) == 0 {
		return "it has no top-level keys", true
	}
	return fmt.Sprintf("its top-level keys %s are none of an inventory's", strings.Join(shown, ", ")), true
}

func topMemberNames() []string {
	names := make([]string, len(topMembers))
	for i, m := range topMembers {
		names[i] = m.name
	}
	return names
}

// jsonTopKeys lists the keys of a JSON object document; nil keys and ok
// mean the document is not an object; !ok means it could not be read far
// enough to tell.
func jsonTopKeys(data []byte) (keys []string, ok bool) {
	dec := jsontext.NewDecoder(bytes.NewReader(data))
	tok, err := dec.ReadToken()
	if err != nil {
		return nil, false
	}
	if tok.Kind() != '{' {
		return nil, true
	}
	keys = []string{}
	for dec.PeekKind() != '}' {
		key, err := dec.ReadToken()
		if err != nil {
			return nil, false
		}
		keys = append(keys, key.String())
		if err := dec.SkipValue(); err != nil {
			// A broken value after a key still tells what the file is.
			return keys, true
		}
	}
	return keys, true
}

// yamlTopKeys is jsonTopKeys for the first document of a YAML file.
func yamlTopKeys(data []byte) (keys []string, ok bool) {
	var doc yaml.Node
	if err := yaml.NewDecoder(bytes.NewReader(data)).Decode(&doc); err != nil || len(doc.Content) == 0 {
		return nil, false
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, true
	}
	keys = []string{}
	for i := 0; i+1 < len(root.Content); i += 2 {
		keys = append(keys, root.Content[i].Value)
	}
	return keys, true
}
