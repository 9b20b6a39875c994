package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestE2EDataClasses runs validate and assess on inventories with a data
// class sovmap does not know: both exit 2 and print the file, line and
// column of the class with a suggestion; a declared class is accepted.
func TestE2EDataClasses(t *testing.T) {
	const advice = ": use classified, personal, confidential, internal, public or a class below them, or declare it under organization.data_classes\n"
	cases := []struct {
		name, file, content string
		code                int
		stderr, stdout      string
	}{
		{"yaml", "inv.yaml", "version: 1\norganization: {name: X, home: DE}\ncomponents:\n  - id: db\n    layer: storage\n    data: [health]\n", 2,
			"sovmap: inv.yaml:6:12: component db: unknown data class \"health\" (did you mean \"personal.health\"?)" + advice, ""},
		{"json", "inv.json", "{\"version\": 1, \"organization\": {\"name\": \"X\", \"home\": \"DE\"},\n \"components\": [{\"id\": \"db\", \"layer\": \"storage\", \"data\": [\"public\", \"helth\"]}]}\n", 2,
			"sovmap: inv.json:2:69: component db: unknown data class \"helth\" (did you mean \"personal.health\"?)" + advice, ""},
		{"declared", "inv.yaml", "version: 1\norganization:\n  name: X\n  home: DE\n  data_classes:\n    - {id: telemetry, level: 2, category: security, reason: Positions of staff.}\ncomponents:\n  - {id: db, layer: storage, data: [telemetry.vehicle]}\n", 0,
			"", "ok: 1 component, 0 providers, 0 flows, 0 arrangements, 0 rules\n"},
		{"regulatory rule without law", "inv.yaml", "version: 1\norganization: {name: X, home: DE}\ncomponents: []\nrules:\n  - {id: r, when: 'true', require: 3, category: regulatory}\n", 2,
			"sovmap: inv.yaml:5:49: rule r: category regulatory needs basis law or guidance and a citation of the article or text (the organization's own choices are category security or operational, basis policy)\n", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, tc.file), []byte(tc.content), 0o644); err != nil {
				t.Fatal(err)
			}
			out, stderr, code := runBin(t, dir, "validate", tc.file)
			if code != tc.code || stderr != tc.stderr || out != tc.stdout {
				t.Errorf("validate: exit %d, stdout %q, stderr:\n%s\nwant exit %d, stdout %q and:\n%s", code, out, stderr, tc.code, tc.stdout, tc.stderr)
			}
			if tc.code != 0 {
				if _, stderr, code := runBin(t, dir, "assess", tc.file); code != tc.code || stderr != tc.stderr {
					t.Errorf("assess: exit %d, stderr:\n%s", code, stderr)
				}
			} else if !strings.HasPrefix(out, "ok:") {
				t.Errorf("validate printed %q", out)
			}
		})
	}
}
