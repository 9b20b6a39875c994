package scan

import (
	_ "embed"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/sovmap/sovmap/internal/strictyaml"
)

//go:embed rules.yaml
var defaultRules []byte

// MaxRulesSize is the largest rules file accepted.
const MaxRulesSize = 4 << 20

// Kinds are the kinds of file the scanner reads, as rules name them in
// `files`: source code in five languages and three kinds of configuration
// (with Java's .properties as a fourth).
var Kinds = []string{"python", "javascript", "go", "java", "csharp", "env", "yaml", "json", "properties"}

// EndpointService is the service value of a switch case that means "the
// service the endpoint URL in the call names" (see Rules).
const EndpointService = "$endpoint"

// UnknownEndpointService is the service a call is given when its endpoint is
// set but names no known host: an OpenAI-compatible API whose operator the
// scan cannot tell. The default rules define it.
const UnknownEndpointService = "openai-compatible"

// Rules are the detection rules: the services that can be found, the hosts
// of their endpoints, and the patterns of code and configuration that call
// them. sovmap embeds a default set (scan/rules.yaml); an organization adds
// its own with LoadRules and Merge. docs/scan.md describes the format.
type Rules struct {
	Version  int       `yaml:"version"`
	Services []Service `yaml:"services"`
	Hosts    []Host    `yaml:"hosts"`
	Rules    []Rule    `yaml:"rules"`

	byID map[string]*Service
}

// Service is a hosted or self-hosted AI service that calls can reach.
type Service struct {
	ID   string `yaml:"id"`
	Name string `yaml:"name"`
	// Provider is the knowledge-base provider who runs the service for the
	// organization; empty for a self-hosted service (the organization's own)
	// and for one whose operator is unknown (then Unknown is set).
	Provider   string `yaml:"provider,omitempty"`
	SelfHosted bool   `yaml:"self_hosted,omitempty"`
	Unknown    bool   `yaml:"unknown_operator,omitempty"`
	// Cloud is the knowledge base's namespace of the service's regions
	// (aws, azure, gcp): a region r found for a call is the location cloud:r.
	Cloud string `yaml:"cloud,omitempty"`
	// Data are the data classes of the flows from the calling applications.
	Data []string `yaml:"data,omitempty"`
	// RegionPatterns find the region in the call, or once in the file: each
	// regular expression has one group, the region.
	RegionPatterns []string `yaml:"region_patterns,omitempty"`
	// RegionKeys are configuration keys (.env, YAML, JSON, properties) that
	// give the region for the whole application, such as AWS_REGION.
	RegionKeys []string `yaml:"region_keys,omitempty"`

	pos      pos
	regionRE []*regexp.Regexp
	keyRE    *regexp.Regexp
}

// Host classifies an endpoint: a regular expression over a URL's host (and
// port), with optional named groups region and endpoint.
type Host struct {
	Match   string `yaml:"match"`
	Service string `yaml:"service"`
	// OnlyInCalls hosts classify the endpoint a call is given but are no
	// finding on their own (localhost:8000 in a web app is no AI service).
	OnlyInCalls bool `yaml:"only_in_calls,omitempty"`
	// Unless is a regular expression of lines where the host is only an
	// example (a placeholder, "your-resource"): such lines are no finding.
	Unless string `yaml:"unless,omitempty"`

	pos    pos
	re     *regexp.Regexp
	unless *regexp.Regexp
	lits   []string
}

// Rule finds calls of a service in lines of code or configuration.
type Rule struct {
	ID      string   `yaml:"id"`
	Service string   `yaml:"service"`
	Files   []string `yaml:"files"`
	// Match is a regular expression applied to each line, with optional
	// named groups region and endpoint.
	Match string `yaml:"match"`
	// Switch changes the service when the call (the match and its
	// arguments, across lines) matches a case: the first case that matches
	// wins.
	Switch []Case `yaml:"switch,omitempty"`
	// Wrapper names the library the call goes through (langchain,
	// llamaindex, litellm, spring-ai, ...), for the record.
	Wrapper string `yaml:"wrapper,omitempty"`
	// Requires is a regular expression the whole file must match for the
	// rule to apply, such as the import that says which library a bare
	// class name (Ollama, Bedrock) comes from.
	Requires string `yaml:"requires,omitempty"`
	// Call is a regular expression the call (the match and its arguments,
	// across lines) must match, such as the service name a generic AWS
	// client is given ("bedrock-runtime").
	Call string `yaml:"call,omitempty"`

	pos   pos
	re    *regexp.Regexp
	req   *regexp.Regexp
	call  *regexp.Regexp
	lits  []string
	kinds map[string]bool
}

// Case is one branch of a rule's switch.
type Case struct {
	If      string `yaml:"if"`
	Service string `yaml:"service"`
	// InFile tests If on the whole file rather than on the call, for
	// clients configured on other lines (config.BaseURL = ...).
	InFile bool `yaml:"in_file,omitempty"`

	pos pos
	re  *regexp.Regexp
}

// pos is where an entry was written, for messages.
type pos struct {
	file      string
	line, col int
}

func (p pos) String() string { return fmt.Sprintf("%s:%d:%d", p.file, p.line, p.col) }

// Default returns the embedded rules.
func Default() (*Rules, error) {
	r, err := parseRules("scan/rules.yaml", defaultRules)
	if err != nil {
		return nil, err
	}
	return r, r.compile()
}

// LoadRules parses a rules file named name (for messages) and merges it
// over base: a service, host or rule with the id (for hosts, the pattern)
// of one in base replaces it, others are added. Every problem is reported
// with the file, line and column.
func LoadRules(base *Rules, name string, data []byte) (*Rules, error) {
	extra, err := parseRules(name, data)
	if err != nil {
		return nil, err
	}
	merged := base.Merge(extra)
	return merged, merged.compile()
}

var (
	idRE       = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]*$`)
	keyRE      = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_.-]*$`)
	dataRE     = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]*(\.[a-z0-9][a-z0-9_-]*)*$`)
	groupNames = map[string]bool{"region": true, "endpoint": true}
)

// parseRules reads a rules document strictly: unknown keys, wrong types
// and missing fields are errors at their line and column.
func parseRules(name string, data []byte) (*Rules, error) {
	root, err := strictyaml.Parse(name, data, strictyaml.Limits{What: "a rules file", MaxBytes: MaxRulesSize, MaxAliases: strictyaml.MaxConfigAliases})
	if err != nil {
		return nil, err
	}
	if root == nil {
		return nil, fmt.Errorf("%s:1:1: empty rules file: write version: 1 and services, hosts or rules", name)
	}
	r := &Rules{}
	c := &strictyaml.Checker{ListKnown: true}
	c.Check(root, reflect.TypeOf(Rules{}), "")
	if len(c.Problems) > 0 {
		return nil, problemsError(name, c.Problems)
	}
	if err := root.Decode(r); err != nil {
		return nil, fmt.Errorf("%s:%d:%d: %s", name, root.Line, root.Column, strictyaml.CleanMessage(err.Error()))
	}
	// Record where each entry is, from the node tree.
	var ps []strictyaml.Problem
	if r.Version != 1 {
		ps = append(ps, strictyaml.At(valueNode(root, "version", root), "version: want 1, found %d", r.Version))
	}
	at := func(list string, i int) pos {
		n := valueNode(root, list, root)
		if n.Kind == yaml.SequenceNode && i < len(n.Content) {
			n = n.Content[i]
		}
		return pos{name, n.Line, n.Column}
	}
	field := func(list string, i int, key string) *yaml.Node {
		n := valueNode(root, list, root)
		if n.Kind == yaml.SequenceNode && i < len(n.Content) {
			return valueNode(n.Content[i], key, n.Content[i])
		}
		return n
	}
	for i := range r.Services {
		r.Services[i].pos = at("services", i)
	}
	for i := range r.Hosts {
		r.Hosts[i].pos = at("hosts", i)
	}
	for i := range r.Rules {
		r.Rules[i].pos = at("rules", i)
		sw := field("rules", i, "switch")
		for j := range r.Rules[i].Switch {
			p := r.Rules[i].pos
			if sw.Kind == yaml.SequenceNode && j < len(sw.Content) {
				p = pos{name, sw.Content[j].Line, sw.Content[j].Column}
			}
			r.Rules[i].Switch[j].pos = p
		}
	}
	// Merge lets an entry replace one of the base; within one file an id
	// given twice is a mistake.
	seen := map[string]pos{}
	for _, s := range r.Services {
		if p, dup := seen["service "+s.ID]; dup {
			ps = append(ps, strictyaml.Problem{Line: s.pos.line, Col: s.pos.col, Msg: fmt.Sprintf("service %s is defined twice (first at %s)", s.ID, p)})
		}
		seen["service "+s.ID] = s.pos
	}
	for _, ru := range r.Rules {
		if p, dup := seen["rule "+ru.ID]; dup {
			ps = append(ps, strictyaml.Problem{Line: ru.pos.line, Col: ru.pos.col, Msg: fmt.Sprintf("rule %s is defined twice (first at %s)", ru.ID, p)})
		}
		seen["rule "+ru.ID] = ru.pos
	}
	if len(ps) > 0 {
		return nil, problemsError(name, ps)
	}
	return r, nil
}

// valueNode returns the value of key in mapping m, or def.
func valueNode(m *yaml.Node, key string, def *yaml.Node) *yaml.Node {
	if m.Kind != yaml.MappingNode {
		return def
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return def
}

func problemsError(name string, ps []strictyaml.Problem) error {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = fmt.Sprintf("%s:%d:%d: %s", name, p.Line, p.Col, p.Msg)
	}
	return fmt.Errorf("%s", strings.Join(lines, "\n"))
}

// Merge returns base with extra laid over it: entries of extra replace
// those of base with the same id (hosts: the same pattern), the others are
// appended.
func (base *Rules) Merge(extra *Rules) *Rules {
	out := &Rules{Version: 1}
	out.Services = mergeBy(base.Services, extra.Services, func(s Service) string { return s.ID })
	out.Hosts = mergeBy(base.Hosts, extra.Hosts, func(h Host) string { return h.Match })
	out.Rules = mergeBy(base.Rules, extra.Rules, func(r Rule) string { return r.ID })
	return out
}

func mergeBy[T any](base, extra []T, id func(T) string) []T {
	out := slices.Clone(base)
	index := map[string]int{}
	for i, x := range out {
		index[id(x)] = i
	}
	for _, x := range extra {
		if i, ok := index[id(x)]; ok {
			out[i] = x
			continue
		}
		index[id(x)] = len(out)
		out = append(out, x)
	}
	return out
}

// compile checks every entry and compiles its regular expressions. All
// problems are reported, each at the entry's position.
func (r *Rules) compile() error {
	var errs []string
	bad := func(p pos, format string, args ...any) {
		errs = append(errs, p.String()+": "+fmt.Sprintf(format, args...))
	}
	services := map[string]*Service{}
	for i := range r.Services {
		s := &r.Services[i]
		if !idRE.MatchString(s.ID) {
			bad(s.pos, "service id %q: want lower-case letters, digits, '.', '_' or '-'", s.ID)
		}
		services[s.ID] = s
		if s.Name == "" {
			bad(s.pos, "service %s: name is required", s.ID)
		}
		if s.SelfHosted && (s.Provider != "" || s.Unknown) {
			bad(s.pos, "service %s: a self-hosted service has no provider and no unknown_operator", s.ID)
		}
		if !s.SelfHosted && !s.Unknown && s.Provider == "" {
			bad(s.pos, "service %s: give its provider (a knowledge-base provider id), or self_hosted: true, or unknown_operator: true", s.ID)
		}
		for _, d := range s.Data {
			if !dataRE.MatchString(d) {
				bad(s.pos, "service %s: data class %q: want dotted lower-case names such as personal.health", s.ID, d)
			}
		}
		s.regionRE = nil
		for _, p := range s.RegionPatterns {
			re, err := regexp.Compile(p)
			switch {
			case err != nil:
				bad(s.pos, "service %s: region pattern %q: %v", s.ID, p, err)
			case re.NumSubexp() != 1:
				bad(s.pos, "service %s: region pattern %q: want exactly one group (the region), found %d", s.ID, p, re.NumSubexp())
			default:
				s.regionRE = append(s.regionRE, re)
			}
		}
		s.keyRE = nil
		if len(s.RegionKeys) > 0 {
			quoted := make([]string, 0, len(s.RegionKeys))
			for _, k := range s.RegionKeys {
				if !keyRE.MatchString(k) {
					bad(s.pos, "service %s: region key %q: want a configuration key such as AWS_REGION", s.ID, k)
					continue
				}
				quoted = append(quoted, regexp.QuoteMeta(k))
			}
			// KEY=value, KEY: value, "KEY": "value", - KEY=value, export KEY=value.
			s.keyRE = regexp.MustCompile(`^\s*(?:-\s*)?(?:export\s+)?["']?(?:` + strings.Join(quoted, "|") + `)["']?\s*[:=]\s*["']?([A-Za-z0-9_-]+)`)
		}
	}
	known := func(p pos, what, id string, allowEndpoint bool) {
		if id == EndpointService && allowEndpoint {
			return
		}
		if services[id] == nil {
			bad(p, "%s: unknown service %q (known: %s)", what, id, strings.Join(sortedKeys(services), ", "))
		}
	}
	// compileRE compiles a pattern; multiline ones are matched against a
	// whole file, with ^ and $ at each line.
	compileRE := func(p pos, what, src string, multiline bool) *regexp.Regexp {
		if src == "" {
			bad(p, "%s: the pattern is empty", what)
			return nil
		}
		if _, err := regexp.Compile(src); err != nil {
			bad(p, "%s: %v", what, err)
			return nil
		}
		if multiline {
			src = "(?m)" + src
		}
		re := regexp.MustCompile(src)
		for _, g := range re.SubexpNames()[1:] {
			if g != "" && !groupNames[g] {
				bad(p, "%s: unknown group name %q (only region and endpoint are read)", what, g)
			}
		}
		// A pattern that matches the empty string would match every line.
		if re.MatchString("") {
			bad(p, "%s: the pattern matches an empty line, so it would match every line", what)
			return nil
		}
		return re
	}
	for i := range r.Hosts {
		h := &r.Hosts[i]
		known(h.pos, "host "+h.Match, h.Service, false)
		h.re = compileRE(h.pos, "host", h.Match, true)
		h.lits = requiredLiterals(h.Match)
		h.unless = nil
		if h.Unless != "" {
			h.unless = compileRE(h.pos, "host "+h.Match+": unless", h.Unless, false)
		}
	}
	for i := range r.Rules {
		ru := &r.Rules[i]
		if !idRE.MatchString(ru.ID) {
			bad(ru.pos, "rule id %q: want lower-case letters, digits, '.', '_' or '-'", ru.ID)
		}
		known(ru.pos, "rule "+ru.ID, ru.Service, true)
		ru.re = compileRE(ru.pos, "rule "+ru.ID, ru.Match, true)
		ru.lits = requiredLiterals(ru.Match)
		ru.req, ru.call = nil, nil
		if ru.Call != "" {
			ru.call = compileRE(ru.pos, "rule "+ru.ID+": call", ru.Call, false)
		}
		if ru.Requires != "" {
			ru.req = compileRE(ru.pos, "rule "+ru.ID+": requires", ru.Requires, false)
		}
		ru.kinds = map[string]bool{}
		if len(ru.Files) == 0 {
			bad(ru.pos, "rule %s: files is required: a list of %s", ru.ID, strings.Join(Kinds, ", "))
		}
		for _, k := range ru.Files {
			if !slices.Contains(Kinds, k) {
				bad(ru.pos, "rule %s: unknown kind of file %q (one of %s)%s", ru.ID, k, strings.Join(Kinds, ", "), strictyaml.Suggest(k, Kinds))
			}
			ru.kinds[k] = true
		}
		for j := range ru.Switch {
			c := &ru.Switch[j]
			known(c.pos, "rule "+ru.ID+": switch", c.Service, true)
			c.re = compileRE(c.pos, "rule "+ru.ID+": switch", c.If, false)
		}
	}
	if services[UnknownEndpointService] == nil {
		errs = append(errs, fmt.Sprintf("the rules define no service %q, which calls to an unknown endpoint are given", UnknownEndpointService))
	}
	if len(errs) > 0 {
		return fmt.Errorf("%s", strings.Join(errs, "\n"))
	}
	r.byID = services
	return nil
}

// Service returns the service with the id.
func (r *Rules) Service(id string) (*Service, bool) {
	s, ok := r.byID[id]
	return s, ok
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
