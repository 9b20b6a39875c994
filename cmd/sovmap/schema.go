package main

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"

	"github.com/spf13/cobra"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/inventory"
)

func newSchemaCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "schema",
		Short: "Print the JSON Schema of the inventory format (for editors)",
		Long: `schema prints the JSON Schema (draft 2020-12) of the inventory format. Save it and
point yaml-language-server at it to get completion and checks in editors:

  # yaml-language-server: $schema=./sovmap.schema.json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			s := inventorySchema()
			enc := json.NewEncoder(a.stdout)
			enc.SetIndent("", "  ")
			return enc.Encode(s)
		},
	}
}

type schema = map[string]any

// enums lists the allowed values of enumerated Go types.
func enums() map[reflect.Type][]string {
	str := func(xs ...string) []string { return xs }
	layers := make([]string, len(sovmap.Layers))
	for i, l := range sovmap.Layers {
		layers[i] = string(l)
	}
	var crit, keys []string
	for _, c := range sovmap.Criticalities {
		crit = append(crit, string(c))
	}
	for _, k := range sovmap.KeyCustodies {
		keys = append(keys, string(k))
	}
	return map[reflect.Type][]string{
		reflect.TypeOf(sovmap.Layer("")):          layers,
		reflect.TypeOf(sovmap.Criticality("")):    crit,
		reflect.TypeOf(sovmap.KeyCustody("")):     keys,
		reflect.TypeOf(sovmap.DependencyKind("")): str(string(sovmap.Runtime), string(sovmap.Supply)),
		reflect.TypeOf(sovmap.Category("")):       str(string(sovmap.CategoryRegulatory), string(sovmap.CategorySecurity), string(sovmap.CategoryOperational)),
		// "default" is sovmap's own basis, not one an inventory may give.
		reflect.TypeOf(sovmap.Basis("")): str(string(sovmap.BasisLaw), string(sovmap.BasisGuidance), string(sovmap.BasisPolicy)),
	}
}

// fieldEnums gives enumerations of plain string fields, by JSON name.
var fieldEnums = map[string][]string{
	"portability": sovmap.Names(sovmap.Portabilities),
	"mechanism":   sovmap.Names(sovmap.Mechanisms),
	"kind":        inventory.ScenarioKinds,
}

func inventorySchema() schema {
	defs := schema{}
	root := typeSchema(reflect.TypeOf(sovmap.Inventory{}), defs, "")
	root["$schema"] = "https://json-schema.org/draft/2020-12/schema"
	root["$id"] = "https://sovmap.dev/schema/inventory-v1.json"
	root["title"] = "sovmap inventory, version 1"
	root["$defs"] = defs
	root["required"] = []string{"version", "organization", "components"}
	return root
}

func typeSchema(t reflect.Type, defs schema, field string) schema {
	if vals, ok := enums()[t]; ok {
		return schema{"type": "string", "enum": vals}
	}
	switch t {
	case reflect.TypeOf(sovmap.Level(0)):
		return schema{"type": "integer", "minimum": 0, "maximum": 4, "description": "a level of the spectrum: 0 exposed .. 4 domestic"}
	case reflect.TypeOf(sovmap.Dependency{}):
		obj := structSchema(t, defs)
		obj["required"] = []string{"id"}
		defs["Dependency"] = schema{"oneOf": []any{schema{"type": "string", "description": "a component id (a runtime dependency)"}, obj}}
		return schema{"$ref": "#/$defs/Dependency"}
	}
	switch t.Kind() {
	case reflect.Pointer:
		return typeSchema(t.Elem(), defs, field)
	case reflect.String:
		if vals, ok := fieldEnums[field]; ok {
			return schema{"type": "string", "enum": vals}
		}
		if field == "data" {
			return dataClassSchema()
		}
		return schema{"type": "string"}
	case reflect.Bool:
		return schema{"type": "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return schema{"type": "integer"}
	case reflect.Float32, reflect.Float64:
		return schema{"type": "number"}
	case reflect.Slice:
		// An empty key (`flows:`) is null in YAML; the loader reads it as
		// an empty list, so editors must not flag it.
		return schema{"type": []string{"array", "null"}, "items": typeSchema(t.Elem(), defs, field)}
	case reflect.Map:
		if t.Elem().Kind() == reflect.Interface {
			return schema{"type": []string{"object", "null"}}
		}
		return schema{"type": []string{"object", "null"}, "additionalProperties": typeSchema(t.Elem(), defs, "")}
	case reflect.Interface:
		return schema{}
	case reflect.Struct:
		name := t.Name()
		if t == reflect.TypeOf(sovmap.Inventory{}) {
			return structSchema(t, defs)
		}
		if _, done := defs[name]; !done {
			defs[name] = schema{} // placeholder against recursion
			defs[name] = structSchema(t, defs)
		}
		return schema{"$ref": "#/$defs/" + name}
	}
	panic(fmt.Sprintf("schema: unhandled type %s", t))
}

var requiredFields = map[string][]string{
	"Organization": {"home"},
	"Provider":     {"id"},
	"Component":    {"id", "layer"},
	"Flow":         {"id", "from", "to"},
	"Arrangement":  {"id", "host", "guest"},
	"Rule":         {"id", "when", "require", "category"},
	"Assessment":   {"provider", "framework"},
	"Scenario":     {"id", "kind", "target"},
	"Option":       {"id"},
	"DataClass":    {"id", "level", "category"},
}

// dataClassPattern is the syntax of a data class: dotted lower-case names.
const dataClassPattern = `^[a-z0-9][a-z0-9_-]*(\.[a-z0-9][a-z0-9_-]*)*$`

// dataClassSchema describes a data class as written in a list of classes.
// Whether its root is known depends on organization.data_classes, which a
// schema cannot follow: the loader checks that.
func dataClassSchema() schema {
	return schema{"type": "string", "pattern": dataClassPattern,
		"description": "a data class: " + strings.Join(sovmap.DataClassRoots, ", ") + " or a class below them (personal.health), or one declared under organization.data_classes"}
}

// basisRules says, for a rule or a declared data class, that law and
// guidance are cited and, if regulatory, that category regulatory rests on
// law or guidance (true for both today).
func basisRules(regulatory bool) []any {
	legal := []string{string(sovmap.BasisLaw), string(sovmap.BasisGuidance)}
	cited := schema{"required": []string{"citation"}, "properties": schema{"citation": schema{"type": "string", "pattern": `\S`}}}
	out := []any{schema{
		"if":   schema{"required": []string{"basis"}, "properties": schema{"basis": schema{"enum": legal}}},
		"then": cited,
	}}
	if regulatory {
		out = append(out, schema{
			"if":   schema{"required": []string{"category"}, "properties": schema{"category": schema{"const": string(sovmap.CategoryRegulatory)}}},
			"then": schema{"required": []string{"basis"}, "properties": schema{"basis": schema{"enum": legal}}},
		})
	}
	return out
}

func structSchema(t reflect.Type, defs schema) schema {
	props := schema{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == "-" || name == "" || !f.IsExported() {
			continue
		}
		props[name] = typeSchema(f.Type, defs, name)
	}
	s := schema{"type": "object", "properties": props, "additionalProperties": false}
	if req, ok := requiredFields[t.Name()]; ok {
		s["required"] = req
	}
	switch t {
	case reflect.TypeOf(sovmap.Rule{}):
		s["allOf"] = basisRules(true)
	case reflect.TypeOf(sovmap.DataClass{}):
		s["allOf"] = basisRules(true)
		props["id"] = schema{"type": "string", "pattern": dataClassPattern,
			"not":         schema{"pattern": `^(` + strings.Join(sovmap.DataClassRoots, "|") + `)(\.|$)`},
			"description": "a class of the organization's own, outside " + strings.Join(sovmap.DataClassRoots, ", ")}
	}
	return s
}
