package terraform

import (
	"encoding/json"
	"sort"
	"strings"
)

// scope is one module of the configuration: the root or a module call.
type scope struct {
	// path is the module path as configuration writes it: "" for the root,
	// "module.net", "module.a.module.b".
	path     string
	parent   *scope
	call     *moduleCall // the call that made this module; nil at the root
	module   *configModule
	children map[string]*scope
}

func (s *scope) prefix() string {
	if s.path == "" {
		return ""
	}
	return s.path + "."
}

// config indexes a plan's configuration: every resource block by its
// absolute address, and every module by its path.
type config struct {
	root      *scope
	resources map[string]*configEntry
	// rootVars are the root module's variable values: the plan's, or the
	// declared defaults.
	rootVars map[string]any
	// providers is the configuration's provider_config map.
	providers map[string]providerConfig
}

// configEntry is one resource block of the configuration.
type configEntry struct {
	key   string // absolute address without instance keys
	scope *scope
	res   *configResource
}

// maxModuleDepth bounds module nesting, so that a crafted document cannot
// recurse without end.
const maxModuleDepth = 64

func newConfig(doc *document) *config {
	c := &config{resources: map[string]*configEntry{}, rootVars: map[string]any{}}
	if doc.Configuration == nil {
		return c
	}
	c.providers = doc.Configuration.ProviderConfig
	c.root = c.addScope(&doc.Configuration.RootModule, nil, nil, "", 0)
	for name, decl := range doc.Configuration.RootModule.Variables {
		var v any
		if len(decl.Default) > 0 && json.Unmarshal(decl.Default, &v) == nil && v != nil {
			c.rootVars[name] = v
		}
	}
	for name, val := range doc.Variables {
		var v any
		if len(val.Value) > 0 && json.Unmarshal(val.Value, &v) == nil && v != nil {
			c.rootVars[name] = v
		}
	}
	return c
}

func (c *config) addScope(m *configModule, parent *scope, call *moduleCall, path string, depth int) *scope {
	s := &scope{path: path, parent: parent, call: call, module: m, children: map[string]*scope{}}
	for i := range m.Resources {
		r := &m.Resources[i]
		key := s.prefix() + r.Address
		if r.Address == "" {
			continue
		}
		c.resources[key] = &configEntry{key: key, scope: s, res: r}
	}
	if depth >= maxModuleDepth {
		return s
	}
	names := make([]string, 0, len(m.ModuleCalls))
	for name := range m.ModuleCalls {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		mc := m.ModuleCalls[name]
		s.children[name] = c.addScope(&mc.Module, s, &mc, s.prefix()+"module."+name, depth+1)
	}
	return s
}

// scopeOf returns the scope of a module path ("" is the root).
func (c *config) scopeOf(path string) *scope {
	s := c.root
	if s == nil || path == "" {
		return s
	}
	steps, _ := splitAddress(path)
	for i := 0; i+1 < len(steps); i += 2 {
		if steps[i] != "module" {
			return nil
		}
		s = s.children[steps[i+1]]
		if s == nil {
			return nil
		}
	}
	return s
}

// resolver turns references into the resource blocks they name, following
// module inputs and outputs. It remembers what it is resolving so that a
// cyclic document cannot loop.
type resolver struct {
	c        *config
	visiting map[string]bool
}

// refs resolves the references of one scope into absolute resource block
// addresses, added to out.
func (r *resolver) refs(s *scope, refs []string, out map[string]bool) {
	for _, ref := range refs {
		r.ref(s, ref, out)
	}
}

func (r *resolver) ref(s *scope, ref string, out map[string]bool) {
	if s == nil {
		return
	}
	memo := s.path + "|" + ref
	if r.visiting[memo] {
		return
	}
	r.visiting[memo] = true
	defer delete(r.visiting, memo)

	steps, _ := splitAddress(ref)
	switch steps[0] {
	case "var":
		// An input variable of a module carries whatever the call passed in.
		if len(steps) < 2 || s.call == nil {
			return
		}
		if e, ok := s.call.Expressions[steps[1]]; ok {
			r.refs(s.parent, references(e, nil, 0), out)
		}
	case "module":
		if len(steps) < 2 {
			return
		}
		child := s.children[steps[1]]
		if child == nil {
			return
		}
		if len(steps) == 2 {
			// depends_on = [module.x]: every resource of the module.
			r.allOf(child, out, 0)
			return
		}
		if o, ok := child.module.Outputs[steps[2]]; ok {
			r.refs(child, o.Expression.References, out)
			r.refs(child, o.DependsOn, out)
		}
	case "data":
		if len(steps) >= 3 {
			r.add(s.prefix()+"data."+steps[1]+"."+steps[2], out)
		}
	case "local", "count", "each", "path", "terraform", "self":
		// Locals are not in the JSON output; the others are not resources.
	default:
		if len(steps) >= 2 {
			r.add(s.prefix()+steps[0]+"."+steps[1], out)
		}
	}
}

func (r *resolver) add(key string, out map[string]bool) {
	if _, ok := r.c.resources[key]; ok {
		out[key] = true
	}
}

func (r *resolver) allOf(s *scope, out map[string]bool, depth int) {
	for i := range s.module.Resources {
		r.add(s.prefix()+s.module.Resources[i].Address, out)
	}
	if depth >= maxModuleDepth {
		return
	}
	for _, child := range s.children {
		r.allOf(child, out, depth+1)
	}
}

// dependencies returns the resource blocks a resource block refers to or
// depends on, sorted.
func (c *config) dependencies(e *configEntry) []string {
	r := &resolver{c: c, visiting: map[string]bool{}}
	out := map[string]bool{}
	r.refs(e.scope, references(e.res.Expressions, nil, 0), out)
	r.refs(e.scope, e.res.DependsOn, out)
	// A module call's depends_on applies to every resource inside it.
	for s := e.scope; s != nil && s.call != nil; s = s.parent {
		r.refs(s.parent, s.call.DependsOn, out)
	}
	delete(out, e.key)
	keys := make([]string, 0, len(out))
	for k := range out {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// stringValue resolves an expression of a scope to a string known at plan
// time: a constant, or a variable whose value the plan records. ok is false
// when the value is known only at apply (or comes from a local, which the
// JSON output does not carry); why then names what it depends on.
func (c *config) stringValue(s *scope, e expression, depth int) (value string, ok bool, why string) {
	if str, isStr := e.ConstantValue.(string); isStr {
		return str, true, ""
	}
	if len(e.References) == 0 {
		return "", false, "no value"
	}
	why = strings.Join(e.References, ", ")
	if len(e.References) > 2 || depth > maxModuleDepth || s == nil {
		return "", false, why
	}
	// Terraform lists var.x once, or "var.x" and a longer path into it; only
	// a plain variable can be followed.
	steps, _ := splitAddress(e.References[0])
	if steps[0] != "var" || len(steps) != 2 {
		return "", false, why
	}
	name := steps[1]
	if s.call == nil {
		if str, isStr := c.rootVars[name].(string); isStr {
			return str, true, ""
		}
		return "", false, why
	}
	in, ok := asExpression(s.call.Expressions[name])
	if !ok {
		// Not set by the call: the module's declared default.
		if decl, declared := s.module.Variables[name]; declared && len(decl.Default) > 0 {
			var v any
			if json.Unmarshal(decl.Default, &v) == nil {
				if str, isStr := v.(string); isStr {
					return str, true, ""
				}
			}
		}
		return "", false, why
	}
	return c.stringValue(s.parent, in, depth+1)
}

// providerConfigFor finds the provider configuration a resource block uses.
// A key missing from the map belongs to a module that inherits its
// parent's default (unaliased) provider; Terraform 0.12 wrote such keys
// without normalising them, so the lookup walks up the module path. So
// does a module's entry with no settings and no alias: Terraform writes
// one for every required_providers entry of a module (a version
// constraint), and the module still uses its parent's configuration.
func (c *config) providerConfigFor(key string) (providerConfig, string, bool) {
	for depth := 0; depth <= maxModuleDepth; depth++ {
		if pc, ok := c.providers[key]; ok && (len(pc.Expressions) > 0 || pc.Alias != "" || pc.ModuleAddress == "") {
			return pc, key, true
		}
		mod, local, scoped := strings.Cut(key, ":")
		if !scoped || strings.Contains(local, ".") {
			// Root keys and aliased configurations are never inherited.
			return providerConfig{}, key, false
		}
		parent := parentModule(mod)
		if parent == "" {
			key = local
		} else {
			key = parent + ":" + local
		}
	}
	return providerConfig{}, key, false
}

// parentModule strips the last step of a module path: "module.a.module.b"
// -> "module.a" (Terraform 1.x), "a.b" -> "a" (0.12).
func parentModule(path string) string {
	if strings.HasPrefix(path, "module.") {
		if i := strings.LastIndex(path, ".module."); i >= 0 {
			return path[:i]
		}
		return ""
	}
	if i := strings.LastIndex(path, "."); i >= 0 {
		return path[:i]
	}
	return ""
}

// providerScope is the scope a provider configuration's expressions are
// evaluated in: its module, written "a" in 0.12 and "module.a" in 1.x.
func (c *config) providerScope(pc providerConfig) *scope {
	path := pc.ModuleAddress
	if path != "" && !strings.HasPrefix(path, "module.") {
		path = "module." + strings.ReplaceAll(path, ".", ".module.")
	}
	return c.scopeOf(path)
}
