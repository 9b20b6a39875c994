// Package overlay merges an overlay file into an imported inventory. The
// overlay holds what machines cannot know (data classes, criticality,
// contracts, key custody, the organization) and survives re-import:
// import again, apply the same overlay, and the hand-written facts are
// back on the components they belong to.
//
// An overlay has the shape of an inventory (docs/inventory.md "Format")
// and its entries are matched by id. The merge rules:
//
//   - A field the overlay writes wins over the imported one; a field it
//     leaves out keeps the imported value.
//   - Lists (locations, data, depends_on, ...) replace the imported list
//     whole; maps (tags) and objects (contract) merge key by key, the
//     overlay's keys winning.
//   - Components are matched by id. An id with a wildcard (*, ? or [...],
//     as in shell patterns) applies to every imported component it
//     matches, before the entries with exact ids, so that exact entries
//     win. An overlay component that matches nothing is reported and left
//     out: the import is the source of truth for what exists.
//   - Providers and flows are matched by id and merged the same way; new
//     ones are added. Arrangements, rules, assessments and scenarios are
//     added, replacing an entry with the same id.
//   - The organization's fields merge like a component's.
package overlay

import (
	"fmt"
	"path"
	"reflect"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/importer"
	"github.com/sovmap/sovmap/internal/plural"
	"github.com/sovmap/sovmap/internal/strictyaml"
)

// MaxSize is the largest overlay file accepted.
const MaxSize = 16 << 20

// Overlay is a parsed overlay file.
type Overlay struct {
	name string
	org  *yaml.Node
	// The entity lists, as mapping nodes, in file order.
	components, providers, flows []*yaml.Node
	arrangements                 []sovmap.Arrangement
	rules                        []sovmap.Rule
	assessments                  []sovmap.Assessment
	scenarios                    []sovmap.Scenario
	knowledge                    map[string]any
}

// topLevel are the keys an overlay may have: those of an inventory.
var topLevel = []string{"version", "organization", "providers", "components", "flows", "arrangements", "rules", "assessments", "scenarios", "knowledge"}

// Load parses an overlay named name (for messages). It checks that every
// key is a field of the inventory format and that every value has the
// right type, with the line and column of what is wrong.
func Load(name string, data []byte) (*Overlay, error) {
	root, err := strictyaml.Parse(name, data, strictyaml.Limits{What: "an overlay", MaxBytes: MaxSize, MaxAliases: strictyaml.MaxInventoryAliases})
	if err != nil {
		return nil, err
	}
	o := &Overlay{name: name}
	if root == nil {
		return o, nil
	}
	if root.Kind != yaml.MappingNode {
		return nil, o.errorf(root, "an overlay is a mapping with the keys of an inventory (%s)", strings.Join(topLevel, ", "))
	}
	var errs []error
	for i := 0; i+1 < len(root.Content); i += 2 {
		key, val := root.Content[i], root.Content[i+1]
		var err error
		switch key.Value {
		case "version":
			var v int
			if err = o.decode(val, &v, "version"); err == nil && v != sovmap.Version {
				err = o.errorf(val, "version %d is not supported (this build reads version %d)", v, sovmap.Version)
			}
		case "organization":
			if err = o.check(val, reflect.TypeOf(sovmap.Organization{}), "organization"); err == nil {
				o.org = val
			}
		case "components":
			o.components, err = o.entities(val, reflect.TypeOf(sovmap.Component{}), "components")
		case "providers":
			o.providers, err = o.entities(val, reflect.TypeOf(sovmap.Provider{}), "providers")
		case "flows":
			o.flows, err = o.entities(val, reflect.TypeOf(sovmap.Flow{}), "flows")
		case "arrangements":
			err = o.decode(val, &o.arrangements, "arrangements")
		case "rules":
			err = o.decode(val, &o.rules, "rules")
		case "assessments":
			err = o.decode(val, &o.assessments, "assessments")
		case "scenarios":
			err = o.decode(val, &o.scenarios, "scenarios")
		case "knowledge":
			err = o.decode(val, &o.knowledge, "knowledge")
		default:
			err = o.errorf(key, "unknown key %q%s (an overlay has the keys of an inventory: %s)", key.Value, strictyaml.Suggest(key.Value, topLevel), strings.Join(topLevel, ", "))
		}
		if err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return nil, joinErrors(errs)
	}
	return o, nil
}

func joinErrors(errs []error) error {
	msgs := make([]string, len(errs))
	for i, e := range errs {
		msgs[i] = e.Error()
	}
	return fmt.Errorf("%s", strings.Join(msgs, "\n"))
}

func (o *Overlay) errorf(n *yaml.Node, format string, args ...any) error {
	return fmt.Errorf("%s:%d:%d: %s", o.name, n.Line, n.Column, fmt.Sprintf(format, args...))
}

// decode decodes a node into v, with the node's position on error.
func (o *Overlay) decode(n *yaml.Node, v any, where string) error {
	if err := n.Decode(v); err != nil {
		msg := err.Error()
		if te, ok := err.(*yaml.TypeError); ok {
			// The position is the node's: the messages' lines are dropped.
			for i := range te.Errors {
				te.Errors[i] = strictyaml.CleanMessage(te.Errors[i])
			}
			msg = strings.Join(te.Errors, "; ")
		}
		return o.errorf(n, "%s: %s", where, strictyaml.CleanMessage(msg))
	}
	return nil
}

// entities checks a list of entity mappings and returns them.
func (o *Overlay) entities(n *yaml.Node, t reflect.Type, where string) ([]*yaml.Node, error) {
	if n.Kind != yaml.SequenceNode {
		if n.Tag == "!!null" {
			return nil, nil
		}
		return nil, o.errorf(n, "%s is a list", where)
	}
	var errs []error
	for i, item := range n.Content {
		at := fmt.Sprintf("%s[%d]", where, i)
		if err := o.check(item, t, at); err != nil {
			errs = append(errs, err)
			continue
		}
		if id := value(item, "id"); id == nil || id.Value == "" {
			errs = append(errs, o.errorf(item, "%s has no id: overlay entries are matched by id", at))
		}
	}
	if len(errs) > 0 {
		return nil, joinErrors(errs)
	}
	return n.Content, nil
}

// value returns the value node of a key of a mapping node.
func value(m *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

// check verifies that a mapping node only has fields of t and that each
// value decodes into its field and holds an allowed value.
func (o *Overlay) check(n *yaml.Node, t reflect.Type, where string) error {
	if n.Kind != yaml.MappingNode {
		return o.errorf(n, "%s is a mapping of fields", where)
	}
	fields := strictyaml.Fields(t)
	var errs []error
	for i := 0; i+1 < len(n.Content); i += 2 {
		key, val := n.Content[i], n.Content[i+1]
		ft, ok := fields[key.Value]
		if !ok {
			errs = append(errs, o.errorf(key, "%s: unknown field %q%s (fields: %s)", where, key.Value,
				strictyaml.Suggest(key.Value, strictyaml.Keys(fields)), strings.Join(strictyaml.Names(t), ", ")))
			continue
		}
		if err := o.checkNested(val, ft, where+"."+key.Value); err != nil {
			errs = append(errs, err)
			continue
		}
		v := reflect.New(ft)
		if err := o.decode(val, v.Interface(), where+"."+key.Value); err != nil {
			errs = append(errs, err)
			continue
		}
		if err := validValue(v.Elem()); err != "" {
			errs = append(errs, o.errorf(val, "%s.%s: %s", where, key.Value, err))
		}
	}
	if len(errs) > 0 {
		return joinErrors(errs)
	}
	return nil
}

// checkNested checks the fields of nested objects (contract, options,
// dependencies written as objects): YAML decoding alone would let a
// misspelt field pass unnoticed.
func (o *Overlay) checkNested(n *yaml.Node, t reflect.Type, where string) error {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t.Kind() == reflect.Struct && n.Kind == yaml.MappingNode:
		return o.check(n, t, where)
	case t.Kind() == reflect.Slice && n.Kind == yaml.SequenceNode:
		elem := t.Elem()
		for elem.Kind() == reflect.Pointer {
			elem = elem.Elem()
		}
		if elem.Kind() != reflect.Struct {
			return nil
		}
		var errs []error
		for i, item := range n.Content {
			if item.Kind == yaml.MappingNode {
				if err := o.check(item, elem, fmt.Sprintf("%s[%d]", where, i)); err != nil {
					errs = append(errs, err)
				}
			}
		}
		if len(errs) > 0 {
			return joinErrors(errs)
		}
	}
	return nil
}

// validValue checks the values the domain types can check themselves:
// layers, criticalities, key custody, levels.
func validValue(v reflect.Value) string {
	switch x := v.Interface().(type) {
	case sovmap.Layer:
		if !x.Valid() {
			return fmt.Sprintf("unknown layer %q", string(x))
		}
	case sovmap.Criticality:
		if !x.Valid() {
			return fmt.Sprintf("unknown criticality %q (vital, high, medium or low)", string(x))
		}
	case sovmap.KeyCustody:
		if !x.Valid() {
			return fmt.Sprintf("unknown key custody %q (provider, customer-managed, customer-held or domestic-hsm)", string(x))
		}
	case []string:
		for _, s := range x {
			if strings.TrimSpace(s) == "" {
				return "empty entry in a list"
			}
		}
	}
	return ""
}

// structFields maps the YAML names of a struct's fields to the fields, for
// merging into them (the keys have been checked by strictyaml).
func structFields(t reflect.Type) map[string]reflect.StructField {
	out := map[string]reflect.StructField{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == "" || name == "-" || !f.IsExported() {
			continue
		}
		out[name] = f
	}
	return out
}

// Apply merges the overlay into inv and returns what it could not apply
// (overlay entries that match nothing) and a summary of what it changed.
func (o *Overlay) Apply(inv *sovmap.Inventory) (warnings []importer.Warning, summary string) {
	// Warnings are collected with their line, to be given in file order.
	type pending struct {
		line int
		w    importer.Warning
	}
	var unmatched []pending
	report := func(n *yaml.Node, format string, args ...any) {
		unmatched = append(unmatched, pending{n.Line, importer.Warning{
			Where: fmt.Sprintf("%s:%d:%d", o.name, n.Line, n.Column), Message: fmt.Sprintf(format, args...)}})
	}
	if o.org != nil {
		merge(reflect.ValueOf(&inv.Organization).Elem(), o.org)
	}
	// Components: patterns first, then exact ids.
	index := map[string]int{}
	for i, c := range inv.Components {
		index[c.ID] = i
	}
	touched := map[int]bool{}
	for _, pass := range []bool{true, false} {
		for _, n := range o.components {
			id := value(n, "id").Value
			if isPattern(id) != pass {
				continue
			}
			if !pass {
				i, ok := index[id]
				if !ok {
					report(n, "component %s is not in the import; left out (was it removed?)", id)
					continue
				}
				merge(reflect.ValueOf(&inv.Components[i]).Elem(), withoutID(n))
				touched[i] = true
				continue
			}
			matched := 0
			for i := range inv.Components {
				if ok, _ := path.Match(id, inv.Components[i].ID); ok {
					merge(reflect.ValueOf(&inv.Components[i]).Elem(), withoutID(n))
					touched[i] = true
					matched++
				}
			}
			if matched == 0 {
				report(n, "pattern %s matches no component of the import", id)
			}
		}
	}
	sort.SliceStable(unmatched, func(i, j int) bool { return unmatched[i].line < unmatched[j].line })
	for _, p := range unmatched {
		warnings = append(warnings, p.w)
	}
	addedProviders := mergeByID(&inv.Providers, o.providers, func(p *sovmap.Provider) string { return p.ID })
	addedFlows := mergeByID(&inv.Flows, o.flows, func(f *sovmap.Flow) string { return f.ID })
	inv.Arrangements = replaceByID(inv.Arrangements, o.arrangements, func(a sovmap.Arrangement) string { return a.ID })
	inv.Rules = replaceByID(inv.Rules, o.rules, func(r sovmap.Rule) string { return r.ID })
	inv.Assessments = replaceByID(inv.Assessments, o.assessments, func(a sovmap.Assessment) string { return a.ID + "\x00" + a.Provider + "\x00" + a.Framework })
	inv.Scenarios = replaceByID(inv.Scenarios, o.scenarios, func(s sovmap.Scenario) string { return s.ID })
	if len(o.knowledge) > 0 {
		if inv.Knowledge == nil {
			inv.Knowledge = map[string]any{}
		}
		for k, v := range o.knowledge {
			inv.Knowledge[k] = v
		}
	}
	summary = fmt.Sprintf("%s updated; providers: %d merged, %d added; flows: %d merged, %d added",
		plural.Count(len(touched), "component"), len(o.providers)-addedProviders, addedProviders, len(o.flows)-addedFlows, addedFlows)
	return warnings, summary
}

func isPattern(id string) bool { return strings.ContainsAny(id, "*?[") }

// withoutID returns a copy of a mapping node without its id key, so that
// a pattern is never written into the components it matches.
func withoutID(n *yaml.Node) *yaml.Node {
	c := *n
	c.Content = nil
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value != "id" {
			c.Content = append(c.Content, n.Content[i], n.Content[i+1])
		}
	}
	return &c
}

// mergeByID merges overlay entity nodes into a list by id, adding the new
// ones, and returns how many it added.
func mergeByID[T any](list *[]T, nodes []*yaml.Node, id func(*T) string) int {
	added := 0
	for _, n := range nodes {
		want := value(n, "id").Value
		found := false
		for i := range *list {
			if id(&(*list)[i]) == want {
				merge(reflect.ValueOf(&(*list)[i]).Elem(), n)
				found = true
				break
			}
		}
		if !found {
			var v T
			merge(reflect.ValueOf(&v).Elem(), n)
			*list = append(*list, v)
			added++
		}
	}
	return added
}

func replaceByID[T any](list, add []T, id func(T) string) []T {
	for _, a := range add {
		replaced := false
		for i := range list {
			if id(list[i]) == id(a) {
				list[i] = a
				replaced = true
				break
			}
		}
		if !replaced {
			list = append(list, a)
		}
	}
	return list
}

// merge writes the fields of a mapping node into the struct dst: objects
// (contract) and maps (tags) merge key by key, everything else replaces.
// The node has been checked, so decoding cannot fail here.
func merge(dst reflect.Value, n *yaml.Node) {
	fields := structFields(dst.Type())
	for i := 0; i+1 < len(n.Content); i += 2 {
		key, val := n.Content[i], n.Content[i+1]
		f, ok := fields[key.Value]
		if !ok {
			continue
		}
		field := dst.FieldByIndex(f.Index)
		switch {
		case val.Kind == yaml.MappingNode && field.Kind() == reflect.Pointer && field.Type().Elem().Kind() == reflect.Struct:
			if field.IsNil() {
				field.Set(reflect.New(field.Type().Elem()))
			}
			merge(field.Elem(), val)
		case val.Kind == yaml.MappingNode && field.Kind() == reflect.Map && field.Type().Key().Kind() == reflect.String:
			fresh := reflect.New(field.Type())
			if val.Decode(fresh.Interface()) != nil {
				continue
			}
			if field.IsNil() {
				field.Set(reflect.MakeMap(field.Type()))
			}
			iter := fresh.Elem().MapRange()
			for iter.Next() {
				field.SetMapIndex(iter.Key(), iter.Value())
			}
		default:
			fresh := reflect.New(field.Type())
			if val.Decode(fresh.Interface()) != nil {
				continue
			}
			field.Set(fresh.Elem())
		}
	}
}
