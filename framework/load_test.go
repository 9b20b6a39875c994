package framework

import (
	"os"
	"strings"
	"testing"
	"testing/fstest"
)

func TestParseRejectsBadFrameworks(t *testing.T) {
	toy, err := os.ReadFile("testdata/toy.yaml")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		edit    func(string) string
		wantErr []string
	}{
		{"unknown field, with its line", func(s string) string {
			return strings.Replace(s, "version: \"1\"", "version: \"1\"\nvesion: 2", 1)
		}, []string{`toy.yaml:6:1: unknown field "vesion" (did you mean "version"?)`}},
		{"criterion id used twice, with the position of the first", func(s string) string {
			return strings.Replace(s, "id: a2,", "id: a1,", 1)
		}, []string{`toy.yaml:21:9: criterion id "a1" used twice`}},
		{"unknown kind", func(s string) string {
			return strings.Replace(s, "kind: yes-no", "kind: boolean", 1)
		}, []string{`toy.yaml:22:9: criterion a2: kind "boolean" is not one of`}},
		{"level beyond the scale", func(s string) string {
			return strings.Replace(s, "{value: good, level: 4}", "{value: good, level: 5}", 1)
		}, []string{`criterion a3: answer "good": level 5 outside 0..4`}},
		{"score outside 0..1", func(s string) string {
			return strings.Replace(s, "score: 0.25", "score: 1.5", 1)
		}, []string{`criterion a3: answer "fair": score must be between 0 and 1`}},
		{"duplicate ladder value", func(s string) string {
			return strings.Replace(s, "{value: bad, level: 0}", "{value: good, level: 0}", 1)
		}, []string{`answer "good" empty or listed twice`}},
		{"alias clashing with a value", func(s string) string {
			return strings.Replace(s, `aliases: ["2"]`, `aliases: ["bad"]`, 1)
		}, []string{`alias "bad" of answer "fair" empty or listed twice`}},
		{"number criterion without bands", func(s string) string {
			return strings.Replace(s, "          - {at_most: 24, level: 4}\n          - {at_least: 24, at_most: 39, level: 1}\n", "", 1)
		}, []string{"criterion b2: number criterion without bands"}},
		{"band without bounds", func(s string) string {
			return strings.Replace(s, "{at_most: 24, level: 4}", "{level: 4}", 1)
		}, []string{"criterion b2: band 1 has neither at_least nor at_most"}},
		{"weight set missing a dimension", func(s string) string {
			return strings.Replace(s, "{a: 3, b: 1}", "{a: 3}", 1)
		}, []string{"weight set a-heavy gives no weight to dimension b"}},
		{"weight set naming an unknown dimension", func(s string) string {
			return strings.Replace(s, "{a: 3, b: 1}", "{a: 3, b: 1, c: 1}", 1)
		}, []string{`weight set a-heavy weighs unknown dimension "c"`}},
		{"weights summing to zero", func(s string) string {
			return strings.Replace(s, "{a: 3, b: 1}", "{a: 0, b: 0}", 1)
		}, []string{"weight set a-heavy: weights sum to zero"}},
		{"negative weight", func(s string) string {
			return strings.Replace(s, "weight: 3", "weight: -3", 1)
		}, []string{"criterion a2: weight must be a positive number"}},
		{"view leaving a criterion out", func(s string) string {
			return strings.Replace(s, "[a2, a3, b2]", "[a2, a3]", 1)
		}, []string{"view regrouped leaves criterion b2 out"}},
		{"view naming a criterion twice", func(s string) string {
			return strings.Replace(s, "[a2, a3, b2]", "[a1, a2, a3, b2]", 1)
		}, []string{"view regrouped: criterion a1 is in both x and y"}},
		{"view naming an unknown criterion", func(s string) string {
			return strings.Replace(s, "[a2, a3, b2]", "[a2, a3, b2, c9]", 1)
		}, []string{`view regrouped: dimension y names unknown criterion "c9"`}},
		{"bad subject", func(s string) string {
			return strings.Replace(s, "subject: provider", "subject: country", 1)
		}, []string{`subject must be provider or arrangement, not "country"`}},
		{"no sources", func(s string) string {
			return strings.Replace(s, "sources: [{title: engine tests}]", "sources: []", 1)
		}, []string{"framework toy cites no source"}},
		{"explicit yes/no ladder with a stranger", func(s string) string {
			return strings.Replace(s, "{id: a2, title: Yes no, kind: yes-no, weight: 3}",
				"{id: a2, title: Yes no, kind: yes-no, weight: 3, answers: [{value: yes, level: 4}, {value: maybe, level: 1}]}", 1)
		}, []string{`a yes-no ladder cannot answer "maybe"`}},
		{"several problems reported together", func(s string) string {
			s = strings.Replace(s, "score: 0.25", "score: 2", 1)
			return strings.Replace(s, "[a2, a3, b2]", "[a2, a3]", 1)
		}, []string{"score must be between 0 and 1", "leaves criterion b2 out"}},
		{"empty file", func(string) string { return "" }, []string{"toy.yaml: empty framework file"}},
		{"not a mapping", func(string) string { return "- a\n- b\n" }, []string{"toy.yaml:1:1: expected a mapping of keys, found a list"}},
		{"alias bomb", func(string) string {
			return "a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n" +
				"d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n" +
				"g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\nh: [*g,*g,*g,*g,*g,*g,*g,*g,*g]\n"
		}, []string{`toy.yaml:1:1: unknown field "a"`}},
		// 101 aliases, one a line from line 3: the 101st, one too many, is
		// on line 103, after the list's "  - ".
		{"too many aliases", func(string) string {
			return "a: &a x\nl:\n" + strings.Repeat("  - *a\n", 101)
		}, []string{"toy.yaml:103:5: too many YAML aliases (more than 100 in a framework file)"}},
		// The list left open is on line 6, the subject's.
		{"syntax error", func(s string) string {
			return strings.Replace(s, "subject: provider", "subject: [provider", 1)
		}, []string{"toy.yaml:6:1: did not find expected ',' or ']'"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := tt.edit(string(toy))
			if src == string(toy) && tt.name != "empty file" {
				t.Fatal("the edit did not change the file")
			}
			_, err := Parse("toy.yaml", []byte(src))
			if err == nil {
				t.Fatal("Parse accepted a bad framework")
			}
			for _, w := range tt.wantErr {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q\nwant it to contain %q", err, w)
				}
			}
		})
	}
}

func TestParseRejectsOversizedFiles(t *testing.T) {
	big := make([]byte, MaxFileSize+1)
	if _, err := Parse("big.yaml", big); err == nil || err.Error() != "big.yaml: 1048577 bytes is more than the 1048576 a framework file may have" {
		t.Errorf("err = %v", err)
	}
	_, err := Load(fstest.MapFS{"big.yaml": {Data: big}})
	if err == nil || !strings.Contains(err.Error(), "big.yaml: larger than") {
		t.Errorf("Load: err = %v", err)
	}
}

func TestLibrary(t *testing.T) {
	lib, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, f := range lib.List() {
		keys = append(keys, f.Key())
	}
	if got := strings.Join(keys, ","); got != "digital-embassy@2026.1,eu-csf@1.2.1,eu-csf@2026,gaia-x@22.11,secnumcloud@3.2" {
		t.Errorf("shipped frameworks = %s", got)
	}
	if _, err := lib.Lookup("c3a"); err == nil || !strings.Contains(err.Error(), `unknown framework "c3a" (have digital-embassy, eu-csf, eu-csf@1.2.1, eu-csf@2026, gaia-x, secnumcloud)`) {
		t.Errorf("Lookup: err = %v", err)
	}
	// The bare id names the latest released version; id@version any.
	for name, want := range map[string]string{"eu-csf": "2026", "eu-csf@2026": "2026", "eu-csf@1.2.1": "1.2.1"} {
		if f, err := lib.Lookup(name); err != nil || f.Version != want {
			t.Errorf("Lookup(%s) = %v, %v; want version %s", name, f, err, want)
		}
	}
	if _, err := lib.Lookup("eu-csf@2025"); err == nil {
		t.Error("Lookup of an unknown version succeeded")
	}
	if !lib.Same("eu-csf", "eu-csf@2026") || lib.Same("eu-csf", "eu-csf@1.2.1") {
		t.Error("Same does not resolve the bare id to the latest version")
	}
	toy, err := os.ReadFile("testdata/toy.yaml")
	if err != nil {
		t.Fatal(err)
	}
	renamed := strings.Replace(strings.Replace(string(toy), "id: toy", "id: eu-csf", 1), `version: "1"`, `version: "2026"`, 1)
	newer := strings.Replace(strings.Replace(string(toy), "id: toy", "id: gaia-x", 1), `version: "1"`, "version: \"99\"\nreleased: \"2099-01\"", 1)
	over, err := lib.Overlay(fstest.MapFS{"mine/toy.yaml": {Data: toy}, "mine/csf.yml": {Data: []byte(renamed)}, "mine/gx.yaml": {Data: []byte(newer)}, "README.md": {Data: []byte("not yaml")}})
	if err != nil {
		t.Fatal(err)
	}
	if len(over.List()) != 7 {
		t.Errorf("overlay holds %d frameworks, want 7 (the toy and a new gaia-x version added)", len(over.List()))
	}
	if f, _ := over.Get("eu-csf@2026"); f.Name != "Toy framework" {
		t.Errorf("overlay did not replace eu-csf@2026: %s", f.Name)
	}
	if f, _ := over.Get("gaia-x"); f.Version != "99" {
		t.Errorf("gaia-x names version %s after a later release was laid over, want 99", f.Version)
	}
	if f, _ := over.Get("eu-csf@1.2.1"); f.Name == "Toy framework" {
		t.Error("overlay replaced another version")
	}
	if f, _ := lib.Get("eu-csf"); f.Name == "Toy framework" {
		t.Error("Overlay changed the library it was called on")
	}
	if _, err := lib.Overlay(fstest.MapFS{"bad.yaml": {Data: []byte("id: x\n")}}); err == nil || !strings.Contains(err.Error(), "bad.yaml") {
		t.Errorf("overlay of a bad file: err = %v", err)
	}
}

// TestShippedFrameworks holds the shipped data to the rules docs/frameworks.md
// promises: sources on every framework, a clause on every criterion, a top
// answer reachable on every criterion.
func TestShippedFrameworks(t *testing.T) {
	lib, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range lib.List() {
		for _, s := range f.Sources {
			if s.Title == "" || s.Checked == "" {
				t.Errorf("%s: source %+v lacks a title or a checked date", f.ID, s)
			}
		}
		for _, d := range f.Dimensions {
			for i := range d.Criteria {
				c := &d.Criteria[i]
				if strings.TrimSpace(c.Clause) == "" {
					t.Errorf("%s: criterion %s has no clause", f.ID, c.ID)
				}
				if TopAnswer(f, c) == nil {
					t.Errorf("%s: criterion %s cannot reach the top level", f.ID, c.ID)
				}
			}
		}
	}
}

func TestEUCSFWeights(t *testing.T) {
	lib, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	f, _ := lib.Get("eu-csf@1.2.1")
	// The figures of research/frameworks.md.
	want := map[string][8]float64{
		"v1.2.1": {15, 10, 10, 15, 20, 15, 10, 5},
		"2026":   {20, 10, 10, 15, 10, 15, 15, 5},
	}
	for set, w := range want {
		ws, err := f.WeightSet(set)
		if err != nil {
			t.Fatal(err)
		}
		sum := 0.0
		for i, d := range f.Dimensions {
			if d.ID != "SOV-"+string(rune('1'+i)) || ws.Weights[d.ID] != w[i] {
				t.Errorf("%s: %s weight %v, want SOV-%d at %v", set, d.ID, ws.Weights[d.ID], i+1, w[i])
			}
			sum += ws.Weights[d.ID]
		}
		if sum != 100 {
			t.Errorf("%s weights sum to %v", set, sum)
		}
	}
	if ws, _ := f.WeightSet(""); ws.ID != "v1.2.1" {
		t.Errorf("default weight set = %s, want v1.2.1", ws.ID)
	}
	if f.Top() != 4 || f.LevelName(0) != "SEAL-0" || f.LevelName(4) != "SEAL-4" {
		t.Errorf("SEAL scale = %v", f.Levels)
	}
}

// FuzzParse feeds arbitrary bytes to the framework parser: it must never
// panic, and whatever it accepts must evaluate with no answers to the
// worst level with every criterion listed as missing.
func FuzzParse(f *testing.F) {
	for _, name := range []string{"testdata/toy.yaml", "data/eu-csf-1.2.1.yaml", "data/eu-csf-2026.yaml", "data/gaia-x.yaml", "data/secnumcloud.yaml", "data/digital-embassy.yaml"} {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("id: x\nlevels: [{id: a}, {id: b}]\n"))
	f.Add([]byte("{"))
	f.Add([]byte("a: &a x\nl:\n" + strings.Repeat("  - *a\n", 101)))
	f.Fuzz(func(t *testing.T, data []byte) {
		fw, err := Parse("fuzz.yaml", data)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "fuzz.yaml") {
				t.Errorf("error does not name the file: %v", err)
			}
			return
		}
		res, err := fw.Evaluate(Input{})
		if err != nil {
			t.Fatalf("accepted framework fails on no answers: %v", err)
		}
		if len(res.Missing) != fw.Criteria() {
			t.Errorf("missing = %d, criteria = %d", len(res.Missing), fw.Criteria())
		}
		if res.Level < 0 || res.Level > fw.Top() || res.Score < 0 || res.Score > 100 {
			t.Errorf("level %d score %v out of range", res.Level, res.Score)
		}
	})
}
