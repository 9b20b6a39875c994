package terraform

import "encoding/json"

// The shapes below follow Terraform's JSON output format (the output of
// `terraform show -json`) for plans and states, format_version 0.1, 0.2 and
// 1.x. Only the fields the importer reads are declared; the format promises
// that new fields may appear in minor versions and never breaks old ones.

// document is a plan or a state.
type document struct {
	FormatVersion    string `json:"format_version"`
	TerraformVersion string `json:"terraform_version"`
	// Variables are a plan's root input variable values.
	Variables map[string]variableValue `json:"variables"`
	// PlannedValues and ResourceChanges are a plan's.
	PlannedValues   *values          `json:"planned_values"`
	ResourceChanges []resourceChange `json:"resource_changes"`
	Configuration   *configuration   `json:"configuration"`
	// Values is a state's.
	Values *values `json:"values"`
}

type variableValue struct {
	Value json.RawMessage `json:"value"`
}

type values struct {
	RootModule stateModule `json:"root_module"`
}

type stateModule struct {
	Address      string          `json:"address"`
	Resources    []stateResource `json:"resources"`
	ChildModules []stateModule   `json:"child_modules"`
}

type stateResource struct {
	Address      string         `json:"address"`
	Mode         string         `json:"mode"`
	Type         string         `json:"type"`
	Name         string         `json:"name"`
	Index        any            `json:"index"`
	ProviderName string         `json:"provider_name"`
	Values       map[string]any `json:"values"`
	// DependsOn lists the addresses of the resources it depends on (Terraform
	// 0.13 and later record them in state).
	DependsOn []string `json:"depends_on"`
}

type resourceChange struct {
	Address       string `json:"address"`
	ModuleAddress string `json:"module_address"`
	Mode          string `json:"mode"`
	Type          string `json:"type"`
	Name          string `json:"name"`
	Index         any    `json:"index"`
	ProviderName  string `json:"provider_name"`
	Change        change `json:"change"`
}

type change struct {
	Actions []string       `json:"actions"`
	After   map[string]any `json:"after"`
	// AfterUnknown mirrors After, with true where a value is known only
	// after apply.
	AfterUnknown any `json:"after_unknown"`
}

type configuration struct {
	ProviderConfig map[string]providerConfig `json:"provider_config"`
	RootModule     configModule              `json:"root_module"`
}

type providerConfig struct {
	Name          string `json:"name"`
	FullName      string `json:"full_name"`
	Alias         string `json:"alias"`
	ModuleAddress string `json:"module_address"`
	// Expressions may hold nested blocks (assume_role, features).
	Expressions map[string]any `json:"expressions"`
}

type configModule struct {
	Resources   []configResource         `json:"resources"`
	ModuleCalls map[string]moduleCall    `json:"module_calls"`
	Outputs     map[string]configOutput  `json:"outputs"`
	Variables   map[string]configVarDecl `json:"variables"`
}

type configVarDecl struct {
	Default json.RawMessage `json:"default"`
}

type configOutput struct {
	Expression expression `json:"expression"`
	DependsOn  []string   `json:"depends_on"`
}

type moduleCall struct {
	Source string `json:"source"`
	// Expressions are the module's input variables, set by the call.
	Expressions map[string]any `json:"expressions"`
	Module      configModule   `json:"module"`
	DependsOn   []string       `json:"depends_on"`
}

type configResource struct {
	Address           string `json:"address"`
	Mode              string `json:"mode"`
	Type              string `json:"type"`
	Name              string `json:"name"`
	ProviderConfigKey string `json:"provider_config_key"`
	// Expressions maps arguments to expressions, or to nested blocks of
	// them; it is walked generically for references.
	Expressions map[string]any `json:"expressions"`
	DependsOn   []string       `json:"depends_on"`
}

// expression is one expression of the configuration: a constant, or the
// references it is computed from.
type expression struct {
	ConstantValue any      `json:"constant_value"`
	References    []string `json:"references"`
}

// asExpression reads a generically decoded expression.
func asExpression(v any) (expression, bool) {
	m, ok := v.(map[string]any)
	if !ok {
		return expression{}, false
	}
	var e expression
	cv, hasConst := m["constant_value"]
	e.ConstantValue = cv
	refs, hasRefs := m["references"].([]any)
	for _, r := range refs {
		if s, ok := r.(string); ok {
			e.References = append(e.References, s)
		}
	}
	return e, hasConst || hasRefs
}

// references collects every reference in a generically decoded block of
// expressions, nested blocks included.
func references(v any, out []string, depth int) []string {
	if depth > 64 {
		return out
	}
	switch x := v.(type) {
	case map[string]any:
		if refs, ok := x["references"].([]any); ok {
			for _, r := range refs {
				if s, ok := r.(string); ok {
					out = append(out, s)
				}
			}
		}
		for k, e := range x {
			if k != "references" && k != "constant_value" {
				out = references(e, out, depth+1)
			}
		}
	case []any:
		for _, e := range x {
			out = references(e, out, depth+1)
		}
	}
	return out
}
