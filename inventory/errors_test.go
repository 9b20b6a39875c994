package inventory_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/sovmap/sovmap/inventory"
)

// head is the start of most test inventories: version and organization.
const head = "version: 1\norganization: {name: Acme, home: DE}\n"

// errorCase is one bad inventory and the exact problems it must produce.
type errorCase struct {
	name string
	src  string   // with « before each reported position, ¤ before referenced ones
	msgs []string // one per «, in order; @N is replaced by the N-th ¤ position
}

func runErrorCases(t *testing.T, file string, cases []errorCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, at, refs := marked(tc.src)
			want := expected(t, file, at, refs, tc.msgs)
			_, err := decode(t, file, tc.src)
			sameLines(t, problems(t, err), want)
		})
	}
}

func TestValidationErrorsYAML(t *testing.T) {
	runErrorCases(t, "inv.yaml", []errorCase{
		{"unknown dependency", head + `components:
  - {id: a, layer: storage, depends_on: [b, «ghost]}
  - {id: b, layer: storage}
`, []string{`component a: depends on unknown component "ghost"`}},
		{"unknown dependency in object form", head + `components:
  - id: a
    layer: storage
    depends_on:
      - «{id: ghost, kind: supply}
`, []string{`component a: depends on unknown component "ghost"`}},
		{"renamed_from a current component", head + `components:
  - {id: a, layer: storage, renamed_from: [«b]}
  - {id: b, layer: storage}
`, []string{`component a: renamed_from "b", but "b" is still a component of the inventory`}},
		{"renamed_from claimed twice", head + `components:
  - {id: a, layer: storage, renamed_from: [old]}
  - {id: b, layer: storage, renamed_from: [«old]}
`, []string{`component b: renamed_from "old", which component a already claims`}},
		{"dependency kind", head + `components:
  - {id: a, layer: storage, depends_on: [{id: b, kind: «weekly}]}
  - {id: b, layer: storage}
`, []string{`component a: dependency kind "weekly" is not runtime or supply`}},
		{"data-carrying dependency", head + `components:
  - {id: a, layer: storage, depends_on: [{id: b, data: [personal, «Health Records], mechanism: «magic}]}
  - {id: b, layer: storage}
`, []string{
			`component a: dependency on b: data class "Health Records" is not a dotted lower-case name such as personal.health`,
			`component a: dependency on b: mechanism "magic" is not one of none, adequacy, scc, bcr, derogation, treaty`,
		}},
		{"unknown provider", head + `components:
  - {id: a, layer: storage, provider: «nobody}
`, []string{`component a: unknown provider "nobody" (declare it under providers:, or use a provider of the knowledge base: sovmap kb search)`}},
		{"provider from the knowledge base is known", head + `components:
  - {id: a, layer: storage, provider: aws-emea}
  - {id: b, layer: storage, provider: «aws-emeaa}
`, []string{`component b: unknown provider "aws-emeaa" (did you mean "aws-emea"?) (declare it under providers:, or use a provider of the knowledge base: sovmap kb search)`}},
		{"unknown layer", head + `components:
  - id: a
    layer: «computee
`, []string{`component a: unknown layer "computee" (did you mean "compute"?) (one of energy, facility, hardware, compute, storage, connectivity, platform, model, data, application, security, operations)`}},
		{"missing layer", head + `components:
  - «id: a
    provider: aws
`, []string{`component a: layer is required (one of energy, facility, hardware, compute, storage, connectivity, platform, model, data, application, security, operations)`}},
		{"component without id", head + `components:
  - «{layer: storage}
`, []string{`component without an id`}},
		{"component id characters", head + `components:
  - {id: «a b, layer: storage}
`, []string{`component id "a b": use letters, digits and - _ . : / @ +`}},
		{"unknown location country", head + `components:
  - {id: a, layer: storage, locations: [DE, «ZZ]}
`, []string{`component a: unknown location "ZZ" (use an ISO 3166-1 alpha-2 code, a bloc or a provider:region id)`}},
		{"lower-case country code", head + `components:
  - {id: a, layer: storage, locations: [«de]}
`, []string{`component a: unknown location "de" (use an ISO 3166-1 alpha-2 code, a bloc or a provider:region id)`}},
		{"unknown region", head + `components:
  - {id: a, layer: storage, locations: [aws:eu-central-1, «aws:mars-1, «nocloud:x]}
`, []string{
			`component a: unknown region "aws:mars-1" (see sovmap kb search; add it under knowledge: regions, or use a country code)`,
			`component a: unknown region "nocloud:x" (see sovmap kb search; add it under knowledge: regions, or use a country code)`,
		}},
		{"unknown operated_from", head + `components:
  - {id: a, layer: storage, operated_from: [EU, «XX]}
`, []string{`component a: operated_from: unknown country or bloc "XX"`}},
		{"unknown provider country and parent", head + `providers:
  - {id: p, country: «XX, parent: «nobody}
components: []
`, []string{
			`provider p: unknown country "XX" (use an ISO 3166-1 alpha-2 code)`,
			`provider p: unknown parent "nobody" (not a provider of the inventory or the knowledge base)`,
		}},
		{"provider country must be a country, not a bloc", head + `providers:
  - {id: p, country: «EU}
components: []
`, []string{`provider p: unknown country "EU" (use an ISO 3166-1 alpha-2 code)`}},
		{"provider without id", head + `providers:
  - «{name: Nameless}
components: []
`, []string{`provider without an id`}},
		{"unknown alternative provider", head + `providers:
  - {id: p, country: DE, alternatives: [aws, «ghost]}
components: []
`, []string{`provider p: unknown alternative provider "ghost"`}},
		{"foreign ownership out of range", head + `providers:
  - {id: p, country: DE, foreign_ownership: «150}
components: []
`, []string{`provider p: foreign_ownership is a percentage from 0 to 100`}},
		{"parent cycle of two", head + `providers:
  - {id: p1, country: DE, parent: «p2}
  - {id: p2, country: DE, parent: «p1}
components: []
`, []string{
			`provider p1: parent chain loops: p1 -> p2 -> p1`,
			`provider p2: parent chain loops: p2 -> p1 -> p2`,
		}},
		{"parent is itself", head + `providers:
  - {id: p, country: DE, parent: «p}
components: []
`, []string{`provider p: parent chain loops: p -> p`}},
		{"parent cycle through a chain", head + `providers:
  - {id: a, parent: «b}
  - {id: b, parent: «c}
  - {id: c, parent: «b}
components: []
`, []string{
			`provider a: parent chain loops: a -> b -> c -> b`,
			`provider b: parent chain loops: b -> c -> b`,
			`provider c: parent chain loops: c -> b -> c`,
		}},
		{"duplicate component id", head + `components:
  - ¤{id: a, layer: storage}
  - {id: «a, layer: compute}
`, []string{`duplicate component id "a" (first at @0)`}},
		{"duplicate provider id", head + `providers:
  - ¤{id: p, country: DE}
  - {id: «p, country: FR}
components: []
`, []string{`duplicate provider id "p" (first at @0)`}},
		{"duplicate flow, rule, arrangement and scenario ids", head + `components:
  - {id: a, layer: storage}
flows:
  - {id: f, from: a, to: a}
  - {id: «f, from: a, to: a}
arrangements:
  - {id: x, host: LU, guest: EE}
  - {id: «x, host: LU, guest: EE}
rules:
  - {id: r, when: "true", require: 1, category: security}
  - {id: «r, when: "true", require: 1, category: security}
scenarios:
  - {id: s, kind: provider-exit, target: aws}
  - {id: «s, kind: provider-exit, target: aws}
`, []string{
			`duplicate flow id "f"`,
			`duplicate arrangement id "x"`,
			`duplicate rule id "r"`,
			`duplicate scenario id "s"`,
		}},
		{"criticality, key custody and data class", head + `components:
  - id: a
    layer: storage
    criticality: «extreme
    key_custody: «mine
    data: [personal, «Personal Health]
`, []string{
			`component a: unknown criticality "extreme" (vital, high, medium or low)`,
			`component a: unknown key_custody "mine" (provider, customer-managed, customer-held or domestic-hsm)`,
			`component a: data class "Personal Health" is not a dotted lower-case name such as personal.health`,
		}},
		{"contract terms", head + `components:
  - id: a
    layer: storage
    provider: aws
    contract: {governing_law: «XY, exit_notice_days: «-1, portability: «weird}
`, []string{
			`component a: governing_law: unknown country or bloc "XY"`,
			`component a: exit_notice_days cannot be negative`,
			`component a: portability "weird" is not one of none, proprietary, standard, open`,
		}},
		{"alternatives and migration days", head + `components:
  - {id: a, layer: storage, alternatives: [«b], migration_days: «-3}
`, []string{
			`component a: unknown alternative component "b"`,
			`component a: migration_days cannot be negative`,
		}},
		{"unknown arrangement", head + `components:
  - {id: a, layer: storage, arrangement: «lux}
`, []string{`component a: unknown arrangement "lux" (declare it under arrangements:)`}},
		{"options", head + `components:
  - id: a
    layer: storage
    options:
      - «{provider: «ghost, locations: [«ZZ], key_custody: «mine, arrangement: «nope, cost_once: «-1}
      - id: b
        operated_from: [«QQ]
        contract: {governing_law: «XY, portability: «weird}
        cost_yearly: «-5
`, []string{
			`component a: option 1 has no id`,
			`component a: option 1: unknown provider "ghost"`,
			`component a: option 1: unknown location "ZZ" (use an ISO 3166-1 alpha-2 code, a bloc or a provider:region id)`,
			`component a: option 1: unknown key_custody "mine"`,
			`component a: option 1: unknown arrangement "nope"`,
			`component a: option 1: cost_once cannot be negative`,
			`component a: option b: operated_from: unknown country or bloc "QQ"`,
			`component a: option b: governing_law: unknown country or bloc "XY"`,
			`component a: option b: portability "weird" is not one of none, proprietary, standard, open`,
			`component a: option b: cost_yearly cannot be negative`,
		}},
		{"duplicate option ids", head + `components:
  - id: a
    layer: storage
    options:
      - {id: ¤x, cost_once: 1}
      - {id: y, cost_once: 2}
      - {id: «x, cost_once: 3}
`, []string{`component a: duplicate option id "x" (first at @0)`}},
		{"flow ends and mechanism", head + `components:
  - {id: a, layer: storage}
flows:
  - {id: f, from: «nowhere, to: «elsewhere, data: [«Bad], mechanism: «magic}
`, []string{
			`flow f: from: unknown component "nowhere"`,
			`flow f: to: unknown component "elsewhere"`,
			`flow f: data class "Bad" is not a dotted lower-case name such as personal.health`,
			`flow f: mechanism "magic" is not one of none, adequacy, scc, bcr, derogation, treaty`,
		}},
		{"flow without id", head + `components:
  - {id: a, layer: storage}
flows:
  - «{from: a, to: a}
`, []string{`flow without an id`}},
		{"arrangement host and guest", head + `arrangements:
  - {id: x, host: «XX, guest: «EU}
components: []
`, []string{
			`arrangement x: host: unknown country "XX"`,
			`arrangement x: guest: unknown country "EU"`,
		}},
		{"rules", head + `components: []
rules:
  - {id: r1, when: «"  ", require: 1, category: security}
  - {id: r2, when: "true", require: «7, category: security}
  - {id: r3, when: "true", require: 1, category: «legal}
  - «{when: "true", require: 1, category: security}
`, []string{
			`rule r1: when is required (a CEL expression over component)`,
			`rule r2: require must be a level from 0 to 4`,
			`rule r3: category "legal" is not regulatory, security or operational`,
			`rule without an id`,
		}},
		{"assessments and scenarios", head + `components: []
assessments:
  - {provider: «ghost, framework: eu-csf}
  - «{provider: aws}
scenarios:
  - {id: s, kind: «meteor, target: aws}
  - «{id: t, kind: region-cut}
`, []string{
			`assessment: unknown provider "ghost"`,
			`assessment of aws: framework is required`,
			`scenario s: kind "meteor" is not one of compel, export-control, provider-exit, revoke-arrangement, region-cut, energy-shortage`,
			`scenario t: target is required`,
		}},
		{"organization home", `version: 1
organization: {name: Acme, home: «XX, trusted: [EU, «QQ], restricted: [«ZZ], neutral: [«YY]}
components: []
`, []string{
			`organization.home: unknown country or bloc "XX"`,
			`organization.trusted: unknown country or bloc "QQ"`,
			`organization.restricted: unknown country or bloc "ZZ"`,
			`organization.neutral: unknown country or bloc "YY"`,
		}},
		{"organization home missing", `version: 1
organization: «{name: Acme}
components: []
`, []string{`organization.home is required: an ISO 3166-1 alpha-2 country code (DE) or a bloc (EU)`}},
		{"problems are sorted by position", head + `components:
  - {id: b, layer: «x}
  - {id: a, layer: «y}
`, []string{
			`component b: unknown layer "x" (one of energy, facility, hardware, compute, storage, connectivity, platform, model, data, application, security, operations)`,
			`component a: unknown layer "y" (one of energy, facility, hardware, compute, storage, connectivity, platform, model, data, application, security, operations)`,
		}},
	})
}

func TestDecodeErrorsYAML(t *testing.T) {
	runErrorCases(t, "inv.yaml", []errorCase{
		{"unknown field with a suggestion", head + `components:
  - id: a
    layer: storage
    «key_custdy: provider
`, []string{`unknown field "key_custdy" (did you mean "key_custody"?)`}},
		{"unknown nested field with a suggestion", head + `components:
  - id: a
    layer: storage
    contract: {«governing_lw: DE}
    depends_on: [{id: a, «knd: supply}]
`, []string{
			`unknown field "governing_lw" (did you mean "governing_law"?)`,
			`unknown field "knd" (did you mean "kind"?)`,
		}},
		{"unknown field without a suggestion", head + `components:
  - {id: a, layer: storage, «colour: red}
`, []string{`unknown field "colour"`}},
		{"unknown organization field", `version: 1
organization: {name: Acme, home: DE, «trustd: [EU]}
components: []
`, []string{`unknown field "trustd" (did you mean "trusted"?)`}},
		{"unknown top-level key", head + `«component: []
`, []string{`unknown top-level key "component" (did you mean "components"?)`}},
		{"unknown top-level key without a suggestion", head + `«colour: []
`, []string{`unknown top-level key "colour" (expected one of version, organization, providers, components, flows, arrangements, rules, assessments, scenarios, knowledge)`}},
		{"duplicate keys", head + `components:
  - {id: a, layer: storage, «layer: compute}
«components: []
`, []string{`duplicate key "layer"`, `duplicate key "components"`}},
		{"list where a string is expected", head + `components:
  - {id: a, layer: «[storage]}
`, []string{`layer: expected a string, found a list`}},
		{"string where a list is expected", head + `components:
  - {id: a, layer: storage, data: «personal}
`, []string{`data: expected a list, found "personal"`}},
		{"mapping where a list item string is expected", head + `components:
  - {id: a, layer: storage, locations: [DE, «{country: FR}]}
`, []string{`locations[1]: expected a string, found a mapping`}},
		{"word where a number is expected", head + `components:
  - id: a
    layer: storage
    migration_days: «many
`, []string{`migration_days: expected a whole number, found "many"`}},
		{"fraction where a whole number is expected", head + `components:
  - {id: a, layer: storage, contract: {exit_notice_days: «1.5}}
`, []string{`exit_notice_days: expected a whole number, found "1.5"`}},
		{"word where a boolean is expected", head + `components:
  - {id: a, layer: storage, contract: {data_return: «maybe}}
`, []string{`data_return: expected true or false, found "maybe"`}},
		{"word where a level is expected", head + `components: []
rules:
  - {id: r, when: "true", require: «high, category: security}
`, []string{`require: expected a whole number, found "high"`}},
		{"tags must map to strings", head + `components:
  - {id: a, layer: storage, tags: {team: «[a, b]}}
`, []string{`tags.team: expected a string, found a list`}},
		{"tags must be a mapping", head + `components:
  - {id: a, layer: storage, tags: «[x]}
`, []string{`tags: expected a mapping, found a list`}},
		{"components must be a list", head + `components: «{id: a}
`, []string{`components: expected a list, found a mapping`}},
		{"a component must be a mapping", head + `components:
  - «just-an-id
`, []string{`expected a mapping of keys, found "just-an-id"`}},
		{"organization must be a mapping", `version: 1
organization: «DE
components: []
`, []string{`organization: expected a mapping of keys, found "DE"`}},
		{"version is a number", `version: «one
organization: {name: Acme, home: DE}
components: []
`, []string{`version: expected a whole number, found "one"`}},
		{"unsupported version", `version: «2
organization: {name: Acme, home: DE}
components: []
`, []string{`unsupported inventory version 2 (this sovmap reads version 1)`}},
		{"missing version", `«organization: {name: Acme, home: DE}
components: []
`, []string{`version is missing: start the file with "version: 1"`}},
		{"missing organization", `«version: 1
components: []
`, []string{`no organization: one file must say organization: {name: ..., home: ...}`}},
		{"empty file", "«", []string{"the file is empty"}},
		{"only comments", "«# nothing here yet\n\n", []string{"the file is empty"}},
		{"a list, not a mapping", "«- id: a\n  layer: storage\n", []string{`an inventory is a mapping of keys (version, organization, components, ...)`}},
		{"a second document", head + "components: []\n«---\nversion: 2\n", []string{`a second YAML document: a file holds one inventory (split it into files of a directory instead)`}},
		{"unclosed flow mapping", "version: 1\n«organization: {name: Acme, home: DE\ncomponents: []\n", []string{`malformed YAML: did not find expected ',' or '}'`}},
		{"unclosed flow sequence", head + "components:\n  «- {id: a, layer: storage, data: [personal\n  - {id: b, layer: storage}\n", []string{`malformed YAML: did not find expected ',' or ']'`}},
		{"bad indentation", "version: 1\norganization:\n  name: Acme\n   «home: DE\ncomponents: []\n", []string{`malformed YAML: mapping values are not allowed in this context`}},
		// yaml.v3 reports scanner errors at the start of the scalar being
		// scanned: here the line before the tab, and the quoted string's line.
		{"tab indentation", "version: 1\norganization:\n  «name: Acme\n\thome: DE\n", []string{`malformed YAML: found a tab character that violates indentation`}},
		{"unterminated string", head + "components:\n  «- {id: \"a, layer: storage}\n", []string{`malformed YAML: found unexpected end of stream`}},
		{"unknown anchor", head + "components: «*nothing\n", []string{`malformed YAML: unknown anchor 'nothing' referenced`}},
	})
}

func TestValidationErrorsJSON(t *testing.T) {
	const jhead = "{\n  \"version\": 1,\n  \"organization\": {\"name\": \"Acme\", \"home\": \"DE\"},\n"
	runErrorCases(t, "inv.json", []errorCase{
		{"unknown dependency", jhead + `  "components": [
    {"id": "a", "layer": "storage", "depends_on": ["b", «"ghost"]},
    {"id": "b", "layer": "storage", "depends_on": [«{"id": "nope", "kind": "supply"}]}
  ]
}`, []string{
			`component a: depends on unknown component "ghost"`,
			`component b: depends on unknown component "nope"`,
		}},
		{"unknown layer, provider, country, region", jhead + `  "providers": [{"id": "p", "country": «"XX"}],
  "components": [
    {"id": "a", "layer": «"computee", "provider": «"nobody",
     "locations": [«"aws:mars-1", «"ZZ"], "operated_from": [«"QQ"]}
  ]
}`, []string{
			`provider p: unknown country "XX" (use an ISO 3166-1 alpha-2 code)`,
			`component a: unknown layer "computee" (did you mean "compute"?) (one of energy, facility, hardware, compute, storage, connectivity, platform, model, data, application, security, operations)`,
			`component a: unknown provider "nobody" (declare it under providers:, or use a provider of the knowledge base: sovmap kb search)`,
			`component a: unknown region "aws:mars-1" (see sovmap kb search; add it under knowledge: regions, or use a country code)`,
			`component a: unknown location "ZZ" (use an ISO 3166-1 alpha-2 code, a bloc or a provider:region id)`,
			`component a: operated_from: unknown country or bloc "QQ"`,
		}},
		{"missing layer", jhead + `  "components": [«{"id": "a"}]
}`, []string{`component a: layer is required (one of energy, facility, hardware, compute, storage, connectivity, platform, model, data, application, security, operations)`}},
		{"duplicate ids", jhead + `  "providers": [¤{"id": "p"}, {"id": «"p"}],
  "components": [¤{"id": "a", "layer": "storage"},
                 {"id": «"a", "layer": "storage"}]
}`, []string{
			`duplicate provider id "p" (first at @0)`,
			`duplicate component id "a" (first at @1)`,
		}},
		{"parent cycle", jhead + `  "providers": [{"id": "p1", "parent": «"p2"}, {"id": "p2", "parent": «"p1"}],
  "components": []
}`, []string{
			`provider p1: parent chain loops: p1 -> p2 -> p1`,
			`provider p2: parent chain loops: p2 -> p1 -> p2`,
		}},
		{"contract and criticality", jhead + `  "components": [{"id": "a", "layer": "storage", "criticality": «"extreme",
    "contract": {"governing_law": «"XY", "exit_notice_days": «-1}}]
}`, []string{
			`component a: unknown criticality "extreme" (vital, high, medium or low)`,
			`component a: governing_law: unknown country or bloc "XY"`,
			`component a: exit_notice_days cannot be negative`,
		}},
		{"flows, arrangements, rules, assessments and scenarios", jhead + `  "components": [{"id": "a", "layer": "storage"}],
  "flows": [{"id": "f", "from": "a", "to": «"b", "mechanism": «"magic"}, {"id": «"f", "from": "a", "to": "a"}],
  "arrangements": [{"id": "x", "host": «"XX", "guest": "EE"}],
  "rules": [{"id": "r", "when": «" ", "require": «9, "category": «"legal"}],
  "assessments": [{"provider": «"ghost", "framework": "eu-csf"}],
  "scenarios": [{"id": "s", "kind": «"meteor", "target": "aws"}]
}`, []string{
			`flow f: to: unknown component "b"`,
			`flow f: mechanism "magic" is not one of none, adequacy, scc, bcr, derogation, treaty`,
			`duplicate flow id "f"`,
			`arrangement x: host: unknown country "XX"`,
			`rule r: when is required (a CEL expression over component)`,
			`rule r: require must be a level from 0 to 4`,
			`rule r: category "legal" is not regulatory, security or operational`,
			`assessment: unknown provider "ghost"`,
			`scenario s: kind "meteor" is not one of compel, export-control, provider-exit, revoke-arrangement, region-cut, energy-shortage`,
		}},
		{"organization", "{\n  \"version\": 1,\n  \"organization\": {\"name\": \"Acme\", \"home\": «\"XX\", \"trusted\": [«\"QQ\"]},\n  \"components\": []\n}", []string{
			`organization.home: unknown country or bloc "XX"`,
			`organization.trusted: unknown country or bloc "QQ"`,
		}},
	})
}

func TestDecodeErrorsJSON(t *testing.T) {
	const jhead = "{\n  \"version\": 1,\n  \"organization\": {\"name\": \"Acme\", \"home\": \"DE\"},\n"
	runErrorCases(t, "inv.json", []errorCase{
		{"unknown field with a suggestion", jhead + `  "components": [{"id": "a", "layer": "storage", «"key_custdy": "provider"}]
}`, []string{`unknown field "key_custdy" (did you mean "key_custody"?)`}},
		{"unknown nested field", jhead + `  "components": [{"id": "a", "layer": "storage", "depends_on": [{"id": "a", «"knd": "supply"}]}]
}`, []string{`unknown field "knd" (did you mean "kind"?)`}},
		{"unknown organization field", "{\n  \"version\": 1,\n  \"organization\": {\"name\": \"Acme\", «\"hme\": \"DE\"},\n  \"components\": []\n}", []string{`unknown field "hme" (did you mean "home"?)`}},
		{"unknown top-level key", jhead + `  «"component": []
}`, []string{`unknown top-level key "component" (did you mean "components"?)`}},
		{"duplicate key", jhead + `  "components": [{"id": "a", "layer": "storage", «"layer": "compute"}]
}`, []string{`duplicate key "layer"`}},
		{"number where a string is expected", jhead + `  "components": [{"id": "a", "layer": «5}]
}`, []string{`layer: expected a string, found a number`}},
		{"string where a list is expected", jhead + `  "components": [{"id": "a", "layer": "storage", "data": «"personal"}]
}`, []string{`data: expected a list, found a string`}},
		{"number where a dependency is expected", jhead + `  "components": [{"id": "a", "layer": "storage", "depends_on": [«5]}]
}`, []string{`depends_on[0]: expected an object, found a number`}},
		{"string where a boolean is expected", jhead + `  "components": [{"id": "a", "layer": "storage", "contract": {"data_return": «"yes"}}]
}`, []string{`data_return: expected true or false, found a string`}},
		{"components must be a list", jhead + `  "components": «{"id": "a"}
}`, []string{`expected a list, found an object`}},
		{"version is a number", "{\n  \"version\": «\"1\",\n  \"organization\": {\"name\": \"Acme\", \"home\": \"DE\"},\n  \"components\": []\n}", []string{`version: expected a whole number, found a string`}},
		{"unsupported version", "{\n  \"version\": «2,\n  \"organization\": {\"name\": \"Acme\", \"home\": \"DE\"},\n  \"components\": []\n}", []string{`unsupported inventory version 2 (this sovmap reads version 1)`}},
		{"missing version", "«{\n  \"organization\": {\"name\": \"Acme\", \"home\": \"DE\"},\n  \"components\": []\n}", []string{`version is missing: start the file with "version: 1"`}},
		{"missing organization", "«{\"version\": 1, \"components\": []}", []string{`no organization: one file must say organization: {name: ..., home: ...}`}},
		{"empty file", "«", []string{"the file is empty"}},
		{"blank file", "«  \n\n", []string{"the file is empty"}},
		{"not an object", "«[1, 2]", []string{"an inventory is a JSON object, found a list"}},
		{"trailing comma", jhead + `  "components": [{"id": "a", "layer": "storage"«,}]
}`, []string{`malformed JSON: invalid character ',' at start of value`}},
		{"missing colon", "{\n  \"version\" «1\n}", []string{`malformed JSON: invalid character '1' after object name (expecting ':')`}},
		{"unterminated", jhead + `  "components": [{"id": "a", "layer": "storage"}«`, []string{`malformed JSON: unexpected EOF`}},
		{"data after the object", jhead + "  \"components\": []\n}\n«{}", []string{`unexpected data after the inventory object`}},
		{"invalid UTF-8", jhead + "  \"components\": [{\"id\": \"a\", \"layer\": \"storage\", \"name\": \"«\xff\"}]\n}", []string{`malformed JSON: invalid UTF-8`}},
	})
}

// TestErrorMessageLimit checks that a huge number of problems is listed up
// to a cap and counted beyond it, so that a broken generated inventory does
// not print a million lines.
func TestErrorMessageLimit(t *testing.T) {
	var b strings.Builder
	b.WriteString(head + "components:\n")
	for i := 0; i < 120; i++ {
		b.WriteString("  - {id: c" + strings.Repeat("x", i) + ", layer: nope}\n")
	}
	_, err := decode(t, "big.yaml", b.String())
	ps := problems(t, err)
	if len(ps) != 120 {
		t.Fatalf("%d problems, want 120", len(ps))
	}
	msg := err.Error()
	if got := strings.Count(msg, "\n") + 1; got != 51 {
		t.Errorf("message has %d lines, want 50 problems and a count", got)
	}
	if !strings.HasSuffix(msg, "... and 70 more problems") {
		t.Errorf("message ends %q", msg[len(msg)-40:])
	}
}

// TestManyProblemsJSON checks positions in a JSON file with a problem in
// every component: the first problems point at the field, later ones at
// their component (locating every field took quadratic time).
func TestManyProblemsJSON(t *testing.T) {
	var b strings.Builder
	b.WriteString("{\"version\": 1, \"organization\": {\"name\": \"X\", \"home\": \"DE\"},\n\"components\": [\n")
	const n = 500
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteString(",\n")
		}
		b.WriteString(`«{"id": "c` + strconv.Itoa(i) + `", "locations": ["DE"], "layer": «"nope"}`)
	}
	b.WriteString("\n]}\n")
	src := b.String()
	_, at, _ := marked(src)
	_, err := decode(t, "many.json", src)
	got := problems(t, err)
	if len(got) != n {
		t.Fatalf("%d problems, want %d", len(got), n)
	}
	for i, p := range got {
		// Marker 2i is the component, 2i+1 its layer.
		want := "many.json:" + at[2*i+1] + ":"
		if i >= 200 {
			want = "many.json:" + at[2*i] + ":"
		}
		if !strings.HasPrefix(p, want) {
			t.Fatalf("problem %d at %q, want %s", i, p, want)
		}
	}
}

// BenchmarkManyProblemsJSON measures validating a JSON inventory with a
// problem in each of 20,000 components.
func BenchmarkManyProblemsJSON(b *testing.B) {
	var sb strings.Builder
	sb.WriteString(`{"version": 1, "organization": {"name": "X", "home": "DE"}, "components": [`)
	for i := 0; i < 20000; i++ {
		if i > 0 {
			sb.WriteString(",\n")
		}
		sb.WriteString(`{"id": "c` + strconv.Itoa(i) + `", "layer": "nope", "provider": "ghost"}`)
	}
	sb.WriteString("]}")
	data := []byte(sb.String())
	k := knowledge(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := inventory.Decode(context.Background(), k, "many.json", data); err == nil {
			b.Fatal("no error")
		}
	}
}

// TestDecodeErrorInALongJSONList checks the position of a decode error deep
// in a list long enough to be decoded on several cores: the first error in
// file order is reported, at the field.
func TestDecodeErrorInALongJSONList(t *testing.T) {
	var b strings.Builder
	b.WriteString("{\"version\": 1, \"organization\": {\"name\": \"X\", \"home\": \"DE\"},\n\"components\": [\n")
	for i := 0; i < 5000; i++ {
		if i > 0 {
			b.WriteString(",\n")
		}
		switch i {
		case 3100:
			b.WriteString(`{"id": "c3100", "layer": "storage", «"colour": "red"}`)
		case 4700:
			b.WriteString(`{"id": "c4700", "layer": 7}`)
		default:
			b.WriteString(`{"id": "c` + strconv.Itoa(i) + `", "layer": "storage"}`)
		}
	}
	b.WriteString("\n]}\n")
	src := b.String()
	_, at, _ := marked(src)
	_, err := decode(t, "long.json", src)
	sameLines(t, problems(t, err), []string{"long.json:" + at[0] + `: unknown field "colour"`})
}
