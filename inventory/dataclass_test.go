package inventory_test

import (
	"testing"
)

// unknownClass is the message for a class that is neither sovmap's nor
// declared; hint is the suggestion, if any, as it is printed.
func unknownClass(class, hint string) string {
	return `unknown data class "` + class + `"` + hint + `: use classified, personal, confidential, internal, public or a class below them, or declare it under organization.data_classes`
}

func mean(s string) string { return ` (did you mean "` + s + `"?)` }

const regulatoryAdvice = "category regulatory needs basis law or guidance and a citation of the article or text (the organization's own choices are category security or operational, basis policy)"

func TestDataClassErrorsYAML(t *testing.T) {
	runErrorCases(t, "inv.yaml", []errorCase{
		{"a well-known child without its root", head + `components:
  - {id: a, layer: storage, data: [personal, «health]}
`, []string{`component a: ` + unknownClass("health", mean("personal.health"))}},
		{"every place a class appears", head + `components:
  - id: a
    layer: storage
    data:
      - «financial.accounts
      - «customer.biometric
    depends_on:
      - {id: b, data: [«helth]}
  - {id: b, layer: storage, data: [«persnal.financial, «confidental, «zzz]}
flows:
  - {id: f, from: a, to: b, data: [«internl, public.web]}
`, []string{
			`component a: ` + unknownClass("financial.accounts", mean("personal.financial.accounts")),
			`component a: ` + unknownClass("customer.biometric", mean("personal.biometric")),
			`component a: dependency on b: ` + unknownClass("helth", mean("personal.health")),
			`component b: ` + unknownClass("persnal.financial", mean("personal.financial")),
			`component b: ` + unknownClass("confidental", mean("confidential")),
			`component b: ` + unknownClass("zzz", ""),
			`flow f: ` + unknownClass("internl", mean("internal")),
		}},
		{"malformed class", head + `components:
  - {id: a, layer: storage, data: [«Personal, «Health Records]}
`, []string{
			`component a: data class "Personal" is not a dotted lower-case name such as personal.health (did you mean "personal"?)`,
			`component a: data class "Health Records" is not a dotted lower-case name such as personal.health`,
		}},
		{"declared classes are known, with their children", `version: 1
organization:
  name: Acme
  home: DE
  data_classes:
    - {id: telemetry, level: 2, category: security}
    - {id: fleet.positions, level: 1, category: operational, basis: policy}
components:
  - {id: a, layer: storage, data: [telemetry, telemetry.vehicle, fleet.positions.live, «fleet, «telemetri.vehicle, «fleet.position]}
`, []string{
			`component a: ` + unknownClass("fleet", ""),
			`component a: ` + unknownClass("telemetri.vehicle", mean("telemetry.vehicle")),
			`component a: ` + unknownClass("fleet.position", mean("fleet.positions")),
		}},
		{"declared classes", `version: 1
organization:
  name: Acme
  home: DE
  data_classes:
    - {id: ¤telemetry, level: 2, category: security}
    - {id: «telemetry, level: 3, category: security}
    - {id: «personal.telemetry, level: 3, category: security}
    - {id: «Telemetry.Vehicle, level: 3, category: security}
    - «{level: 1, category: security}
    - {id: a, level: «7, category: «legal}
    - {id: b, level: 3, category: regulatory, basis: «law}
    - {id: c, level: 3, category: «regulatory}
    - {id: d, level: 3, category: «regulatory, basis: policy, citation: nothing}
    - {id: e, level: 3, category: security, basis: «default}
    - {id: f, level: 2, category: security, basis: «guidance}
    - «{id: g, level: 2}
    - {id: h, level: 4, category: regulatory, basis: guidance, citation: EDPB Recommendations 01/2020}
components:
  - {id: x, layer: storage, data: [telemetry.x, h]}
`, []string{
			`organization.data_classes: duplicate data class "telemetry" (first at @0)`,
			`organization.data_classes: "personal.telemetry" is below sovmap's class "personal": declare classes outside classified, personal, confidential, internal or public (their levels are sovmap's defaults, or a rule's)`,
			`organization.data_classes: data class "Telemetry.Vehicle" is not a dotted lower-case name such as telemetry.vehicle`,
			`organization.data_classes[4]: id is required (a dotted lower-case name such as telemetry.vehicle)`,
			`organization.data_classes: a: level must be a level from 0 to 4`,
			`organization.data_classes: a: category "legal" is not regulatory, security or operational`,
			`organization.data_classes: b: basis law needs a citation: the article or text it rests on`,
			`organization.data_classes: c: ` + regulatoryAdvice,
			`organization.data_classes: d: ` + regulatoryAdvice,
			`organization.data_classes: e: basis "default" is not law, guidance or policy`,
			`organization.data_classes: f: basis guidance needs a citation: the article or text it rests on`,
			`organization.data_classes: g: category is required (regulatory, security or operational)`,
		}},
		{"rules", head + `components: []
rules:
  - {id: r1, when: "true", require: 3, category: «regulatory, reason: our policy}
  - {id: r2, when: "true", require: 3, category: «regulatory, basis: policy}
  - {id: r3, when: "true", require: 3, category: regulatory, basis: «law}
  - {id: r4, when: "true", require: 3, category: security, basis: «statute}
  - {id: r5, when: "true", require: 3, category: security, basis: «guidance, citation: " "}
  - {id: r6, when: "true", require: 3, category: regulatory, basis: law, citation: GDPR art. 9}
  - {id: r7, when: "true", require: 2, category: operational, basis: policy}
  - {id: r8, when: "true", require: 2, category: security}
`, []string{
			`rule r1: ` + regulatoryAdvice,
			`rule r2: ` + regulatoryAdvice,
			`rule r3: basis law needs a citation: the article or text it rests on`,
			`rule r4: basis "statute" is not law, guidance or policy`,
			`rule r5: basis guidance needs a citation: the article or text it rests on`,
		}},
	})
}

func TestDataClassErrorsJSON(t *testing.T) {
	runErrorCases(t, "inv.json", []errorCase{
		{"classes and rules", `{
  "version": 1,
  "organization": {"name": "Acme", "home": "DE",
    "data_classes": [{"id": "telemetry", "level": 2, "category": "security"},
                     {"id": «"personal.x", "level": 2, "category": "security"},
                     {"id": "t2", "level": 2, "category": "security", "basis": «"law"}]},
  "components": [
    {"id": "a", "layer": "storage", "data": [«"health", "telemetry.gps"],
     "depends_on": [{"id": "b", "data": [«"telemetri"]}]},
    {"id": "b", "layer": "storage", "data": ["public", «"secret"]}
  ],
  "flows": [{"id": "f", "from": "a", "to": "b", "data": [«"genetic.samples"]}],
  "rules": [{"id": "r", "when": "true", "require": 3, "category": «"regulatory", "basis": "policy"},
            {"id": "s", "when": "true", "require": 3, "category": "security", "basis": «"whim"}]
}`, []string{
			`organization.data_classes: "personal.x" is below sovmap's class "personal": declare classes outside classified, personal, confidential, internal or public (their levels are sovmap's defaults, or a rule's)`,
			`organization.data_classes: t2: basis law needs a citation: the article or text it rests on`,
			`component a: ` + unknownClass("health", mean("personal.health")),
			`component a: dependency on b: ` + unknownClass("telemetri", mean("telemetry")),
			`component b: ` + unknownClass("secret", ""),
			`flow f: ` + unknownClass("genetic.samples", mean("personal.genetic.samples")),
			`rule r: ` + regulatoryAdvice,
			`rule s: basis "whim" is not law, guidance or policy`,
		}},
	})
}
