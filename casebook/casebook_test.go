package casebook_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/sovmap/sovmap/internal/golden"
)

// The casebook runs every case of cases/ through the sovmap binary, built
// once by TestMain from ../cmd/sovmap (or taken from $SOVMAP_BIN), as
// `sovmap assess INVENTORY --format json`, and holds the JSON report to the
// case's expectations. Each case has two subtests: expect (what the case
// says the law requires) and contract (what every report must respect: a
// regulatory reason rests on law or guidance, a law's condition agrees
// with its checks, an unmet condition fails the gate, ...).

var sovmapBin string

func TestMain(m *testing.M) {
	os.Exit(buildAndRun(m))
}

func buildAndRun(m *testing.M) int {
	if bin := os.Getenv("SOVMAP_BIN"); bin != "" {
		sovmapBin = bin
		return m.Run()
	}
	dir, err := os.MkdirTemp("", "sovmap-casebook")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	defer os.RemoveAll(dir)
	sovmapBin = filepath.Join(dir, "sovmap")
	if out, err := exec.Command("go", "build", "-o", sovmapBin, "../cmd/sovmap").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "building sovmap: %v\n%s", err, out)
		return 2
	}
	return m.Run()
}

// Case is one worked case: cases/NN-short-name.yaml.
type Case struct {
	File string `yaml:"-"`
	ID   string `yaml:"-"` // NN
	Name string `yaml:"-"` // short-name

	Title    string `yaml:"title"`
	Home     string `yaml:"home"`
	Question string `yaml:"question"`
	// Facts say in words what the inventory records.
	Facts string `yaml:"facts"`
	// Conclusion is the answer to the question, in a sentence or two.
	Conclusion string `yaml:"conclusion"`
	// Basis is what the conclusion rests on: law, guidance, policy,
	// default or validation (the input itself is refused).
	Basis     string   `yaml:"basis"`
	Reasoning string   `yaml:"reasoning"`
	Citations []string `yaml:"citations"`
	// Contested says which part of the reading is unsettled, if any.
	Contested string    `yaml:"contested"`
	Inventory yaml.Node `yaml:"inventory"`
	Expect    Expect    `yaml:"expect"`
}

// Expect holds the checks on `sovmap assess --format json`.
type Expect struct {
	// Exit is the exit code with the default --fail-on 1: 0 clean, 1 a
	// finding (gap, flow violation, unmet law condition), 2 refused input.
	Exit *int `yaml:"exit"`
	// Stderr lists texts standard error must contain (case-insensitive).
	Stderr     []string      `yaml:"stderr"`
	Components []CompExpect  `yaml:"components"`
	Flows      []FlowExpect  `yaml:"flows"`
	Summary    *SummaryCheck `yaml:"summary"`
}

// CompExpect checks one component of the report.
type CompExpect struct {
	ID      string `yaml:"id"`
	Because string `yaml:"because"`
	// Levels are sovmap's default scale, not law: cases bound them only
	// where the engine contract fixes them.
	RequiredLevel *int     `yaml:"required_level"`
	LevelMin      *int     `yaml:"level_min"`
	LevelMax      *int     `yaml:"level_max"`
	EffectiveMin  *int     `yaml:"effective_min"`
	EffectiveMax  *int     `yaml:"effective_max"`
	ExposureHas   []string `yaml:"exposure_has"`
	ExposureLacks []string `yaml:"exposure_lacks"`
	ExposureEmpty bool     `yaml:"exposure_empty"`
	// NoRegulatory: no reason of the component is regulatory (no law or
	// guidance applies to it).
	NoRegulatory bool           `yaml:"no_regulatory"`
	Reasons      []ReasonExpect `yaml:"reasons"`
}

// ReasonExpect checks the reasons of a component with a given source.
type ReasonExpect struct {
	Source  string `yaml:"source"`
	Because string `yaml:"because"`
	// Absent: no reason has this source (the law does not apply).
	Absent      bool     `yaml:"absent"`
	Basis       string   `yaml:"basis"`
	BasisIn     []string `yaml:"basis_in"`
	Category    string   `yaml:"category"`
	CategoryNot string   `yaml:"category_not"`
	Condition   string   `yaml:"condition"`
	ConditionIn []string `yaml:"condition_in"`
	Contested   *bool    `yaml:"contested"`
	// CitationHas: the citation contains one of these texts.
	CitationHas []string      `yaml:"citation_has"`
	Checks      []CheckExpect `yaml:"checks"`
}

// CheckExpect checks one part of a law's condition, found by a keyword of
// its part (case-insensitive).
type CheckExpect struct {
	Part     string   `yaml:"part"`
	Status   string   `yaml:"status"`
	StatusIn []string `yaml:"status_in"`
}

// FlowExpect checks one flow of the report.
type FlowExpect struct {
	ID          string   `yaml:"id"`
	Because     string   `yaml:"because"`
	Verdict     string   `yaml:"verdict"`
	Codes       []string `yaml:"codes"`
	CodesAbsent []string `yaml:"codes_absent"`
	Basis       string   `yaml:"basis"`
	BasisIn     []string `yaml:"basis_in"`
	CitationHas []string `yaml:"citation_has"`
}

// SummaryCheck bounds the summary's counts of law conditions.
type SummaryCheck struct {
	UnmetMin *int `yaml:"unmet_min"`
	OpenMin  *int `yaml:"open_min"`
	Unmet    *int `yaml:"unmet"`
}

// The JSON report, as the engine contract names its fields.
type report struct {
	Components []component `json:"components"`
	Flows      []flow      `json:"flows"`
	Summary    struct {
		Unmet      *int `json:"unmet_conditions"`
		Open       *int `json:"open_conditions"`
		Violations int  `json:"violations"`
	} `json:"summary"`
}

type component struct {
	ID             string   `json:"id"`
	Provider       string   `json:"provider"`
	Level          int      `json:"level"`
	EffectiveLevel int      `json:"effective_level"`
	RequiredLevel  int      `json:"required_level"`
	Gap            int      `json:"gap"`
	Exposure       []string `json:"exposure"`
	Reasons        []reason `json:"reasons"`
}

type reason struct {
	Level     int     `json:"level"`
	Category  string  `json:"category"`
	Basis     string  `json:"basis"`
	Source    string  `json:"source"`
	Reason    string  `json:"reason"`
	Citation  string  `json:"citation"`
	Contested bool    `json:"contested"`
	Condition string  `json:"condition"`
	Checks    []check `json:"checks"`
}

type check struct {
	Part   string `json:"part"`
	Status string `json:"status"`
	Why    string `json:"why"`
}

type flow struct {
	ID       string   `json:"id"`
	Verdict  string   `json:"verdict"`
	Codes    []string `json:"codes"`
	Reasons  []string `json:"reasons"`
	Basis    string   `json:"basis"`
	Citation string   `json:"citation"`
}

var caseFile = regexp.MustCompile(`^([0-9]{2})-([a-z0-9]+(?:-[a-z0-9]+)*)\.yaml$`)

// loadCases reads every case of cases/, in file order.
func loadCases(t *testing.T) []*Case {
	t.Helper()
	entries, err := os.ReadDir("cases")
	if err != nil {
		t.Fatal(err)
	}
	var cases []*Case
	seen := map[string]string{}
	for _, e := range entries {
		if e.IsDir() || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		m := caseFile.FindStringSubmatch(e.Name())
		if m == nil {
			t.Fatalf("cases/%s: a case file is named NN-short-name.yaml", e.Name())
		}
		if prev, dup := seen[m[1]]; dup {
			t.Fatalf("cases/%s: case number %s is taken by %s", e.Name(), m[1], prev)
		}
		seen[m[1]] = e.Name()
		data, err := os.ReadFile(filepath.Join("cases", e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		c := &Case{File: e.Name(), ID: m[1], Name: m[2]}
		dec := yaml.NewDecoder(bytes.NewReader(data))
		dec.KnownFields(true)
		if err := dec.Decode(c); err != nil {
			t.Fatalf("cases/%s: %v", e.Name(), err)
		}
		cases = append(cases, c)
	}
	return cases
}

// inventoryYAML is the case's inventory as a file sovmap reads.
func (c *Case) inventoryYAML() ([]byte, error) {
	if c.Inventory.Kind == 0 {
		return nil, errors.New("no inventory")
	}
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(&c.Inventory); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// why is the citation a failure message gives: the expectation's own
// because, or the case's first citation.
func (c *Case) why(because string) string {
	if because != "" {
		return because
	}
	if len(c.Citations) > 0 {
		return c.Citations[0]
	}
	return "no citation"
}

// run runs sovmap assess on the case's inventory.
func (c *Case) run(t *testing.T) (stdout, stderr string, code int) {
	t.Helper()
	inv, err := c.inventoryYAML()
	if err != nil {
		t.Fatalf("case %s: %v", c.ID, err)
	}
	path := filepath.Join(t.TempDir(), "inventory.yaml")
	if err := os.WriteFile(path, inv, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(sovmapBin, "assess", path, "--format", "json")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err = cmd.Run()
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		code = ee.ExitCode()
	case err != nil:
		t.Fatalf("case %s: running sovmap: %v", c.ID, err)
	}
	return out.String(), errb.String(), code
}

func TestCasebook(t *testing.T) {
	trackSources(t)
	for _, c := range loadCases(t) {
		t.Run(c.ID+"-"+c.Name, func(t *testing.T) {
			t.Parallel()
			stdout, stderr, code := c.run(t)
			var r *report
			if code == 0 || code == 1 {
				r = &report{}
				if err := json.Unmarshal([]byte(stdout), r); err != nil {
					t.Fatalf("case %s: the report is not the JSON of the contract: %v\n%s", c.ID, err, firstLines(stdout, 5))
				}
			}
			t.Run("expect", func(t *testing.T) {
				for _, msg := range c.checkExpect(r, stderr, code) {
					t.Error(msg)
				}
			})
			t.Run("contract", func(t *testing.T) {
				if r == nil {
					return
				}
				for _, msg := range c.checkContract(r, code) {
					t.Error(msg)
				}
			})
		})
	}
}

// checkExpect compares the run with the case's expectations and returns
// one message per failed expectation.
func (c *Case) checkExpect(r *report, stderr string, code int) []string {
	var msgs []string
	fail := func(what, expected, because, got string) {
		msgs = append(msgs, fmt.Sprintf("case %s: %sexpected %s (because %s), got %s", c.ID, what, expected, c.why(because), got))
	}
	e := c.Expect
	if e.Exit != nil && *e.Exit != code {
		fail("", fmt.Sprintf("exit code %d", *e.Exit), "", fmt.Sprintf("exit code %d%s", code, stderrNote(stderr)))
	}
	for _, s := range e.Stderr {
		if !strings.Contains(strings.ToLower(stderr), strings.ToLower(s)) {
			fail("", fmt.Sprintf("standard error to contain %q", s), "", fmt.Sprintf("%q", strings.TrimSpace(stderr)))
		}
	}
	if len(e.Components) == 0 && len(e.Flows) == 0 && e.Summary == nil {
		return msgs
	}
	if r == nil {
		fail("", "a report", "", fmt.Sprintf("exit code %d%s", code, stderrNote(stderr)))
		return msgs
	}
	for _, ce := range e.Components {
		comp := r.component(ce.ID)
		what := "component " + ce.ID + ": "
		if comp == nil {
			fail(what, "the component in the report", ce.Because, "no such component")
			continue
		}
		intBound := func(name string, want *int, got int, min bool) {
			switch {
			case want == nil:
			case min && got < *want:
				fail(what, fmt.Sprintf("%s at least %d", name, *want), ce.Because, fmt.Sprintf("%s %d", name, got))
			case !min && got > *want:
				fail(what, fmt.Sprintf("%s at most %d", name, *want), ce.Because, fmt.Sprintf("%s %d", name, got))
			}
		}
		if ce.RequiredLevel != nil && comp.RequiredLevel != *ce.RequiredLevel {
			fail(what, fmt.Sprintf("required_level %d", *ce.RequiredLevel), ce.Because, fmt.Sprintf("required_level %d (reasons: %s)", comp.RequiredLevel, describeReasons(comp.Reasons)))
		}
		intBound("level", ce.LevelMin, comp.Level, true)
		intBound("level", ce.LevelMax, comp.Level, false)
		intBound("effective_level", ce.EffectiveMin, comp.EffectiveLevel, true)
		intBound("effective_level", ce.EffectiveMax, comp.EffectiveLevel, false)
		for _, j := range ce.ExposureHas {
			if !slices.Contains(comp.Exposure, j) {
				fail(what, "exposure to include "+j, ce.Because, fmt.Sprintf("exposure %v", comp.Exposure))
			}
		}
		for _, j := range ce.ExposureLacks {
			if slices.Contains(comp.Exposure, j) {
				fail(what, "no exposure to "+j, ce.Because, fmt.Sprintf("exposure %v", comp.Exposure))
			}
		}
		if ce.ExposureEmpty && len(comp.Exposure) > 0 {
			fail(what, "no foreign exposure", ce.Because, fmt.Sprintf("exposure %v", comp.Exposure))
		}
		if ce.NoRegulatory {
			for _, rs := range comp.Reasons {
				if rs.Category == "regulatory" {
					fail(what, "no regulatory reason (no law or guidance applies)", ce.Because, "regulatory reason "+describeReason(rs))
				}
			}
		}
		for _, re := range ce.Reasons {
			msgs = append(msgs, c.checkReason(comp, re)...)
		}
	}
	for _, fe := range e.Flows {
		f := r.flow(fe.ID)
		what := "flow " + fe.ID + ": "
		if f == nil {
			fail(what, "the flow in the report", fe.Because, fmt.Sprintf("flows %v", r.flowIDs()))
			continue
		}
		got := describeFlow(f)
		if fe.Verdict != "" && f.Verdict != fe.Verdict {
			fail(what, "verdict "+fe.Verdict, fe.Because, got)
		}
		for _, code := range fe.Codes {
			if !slices.Contains(f.Codes, code) {
				fail(what, "codes to include "+code, fe.Because, got)
			}
		}
		for _, code := range fe.CodesAbsent {
			if slices.Contains(f.Codes, code) {
				fail(what, "no code "+code, fe.Because, got)
			}
		}
		if fe.Basis != "" && f.Basis != fe.Basis {
			fail(what, "basis "+fe.Basis, fe.Because, got)
		}
		if len(fe.BasisIn) > 0 && !slices.Contains(fe.BasisIn, f.Basis) {
			fail(what, "basis one of "+strings.Join(fe.BasisIn, ", "), fe.Because, got)
		}
		if len(fe.CitationHas) > 0 && !containsAny(f.Citation, fe.CitationHas) {
			fail(what, "a citation naming "+quoteList(fe.CitationHas), fe.Because, fmt.Sprintf("citation %q", f.Citation))
		}
	}
	if s := e.Summary; s != nil {
		count := func(p *int) string {
			if p == nil {
				return "absent"
			}
			return fmt.Sprint(*p)
		}
		if s.UnmetMin != nil && (r.Summary.Unmet == nil || *r.Summary.Unmet < *s.UnmetMin) {
			fail("summary: ", fmt.Sprintf("unmet_conditions at least %d", *s.UnmetMin), "", "unmet_conditions "+count(r.Summary.Unmet))
		}
		if s.Unmet != nil && (r.Summary.Unmet == nil || *r.Summary.Unmet != *s.Unmet) {
			fail("summary: ", fmt.Sprintf("unmet_conditions %d", *s.Unmet), "", "unmet_conditions "+count(r.Summary.Unmet))
		}
		if s.OpenMin != nil && (r.Summary.Open == nil || *r.Summary.Open < *s.OpenMin) {
			fail("summary: ", fmt.Sprintf("open_conditions at least %d", *s.OpenMin), "", "open_conditions "+count(r.Summary.Open))
		}
	}
	return msgs
}

// checkReason checks the reasons of comp with re's source.
func (c *Case) checkReason(comp *component, re ReasonExpect) []string {
	var found []reason
	for _, rs := range comp.Reasons {
		if rs.Source == re.Source {
			found = append(found, rs)
		}
	}
	what := fmt.Sprintf("component %s: reason %s: ", comp.ID, re.Source)
	msg := func(expected, got string) string {
		return fmt.Sprintf("case %s: %sexpected %s (because %s), got %s", c.ID, what, expected, c.why(re.Because), got)
	}
	if re.Absent {
		if len(found) > 0 {
			return []string{msg("no such reason: the law does not apply here", describeReasons(found))}
		}
		return nil
	}
	if len(found) == 0 {
		return []string{msg("a reason with this source", "reasons "+describeReasons(comp.Reasons))}
	}
	// Several reasons may share a source: the expectation holds if one of
	// them meets all of it; otherwise report the failures of the first.
	var first []string
	for i, rs := range found {
		var fails []string
		got := describeReason(rs)
		if re.Basis != "" && rs.Basis != re.Basis {
			fails = append(fails, msg("basis "+re.Basis, got))
		}
		if len(re.BasisIn) > 0 && !slices.Contains(re.BasisIn, rs.Basis) {
			fails = append(fails, msg("basis one of "+strings.Join(re.BasisIn, ", "), got))
		}
		if re.Category != "" && rs.Category != re.Category {
			fails = append(fails, msg("category "+re.Category, got))
		}
		if re.CategoryNot != "" && rs.Category == re.CategoryNot {
			fails = append(fails, msg("a category other than "+re.CategoryNot, got))
		}
		if re.Condition != "" && rs.Condition != re.Condition {
			fails = append(fails, msg("condition "+re.Condition, got))
		}
		if len(re.ConditionIn) > 0 && !slices.Contains(re.ConditionIn, rs.Condition) {
			fails = append(fails, msg("condition one of "+strings.Join(re.ConditionIn, ", "), got))
		}
		if re.Contested != nil && rs.Contested != *re.Contested {
			fails = append(fails, msg(fmt.Sprintf("contested %v", *re.Contested), got))
		}
		if len(re.CitationHas) > 0 && !containsAny(rs.Citation, re.CitationHas) {
			fails = append(fails, msg("a citation naming "+quoteList(re.CitationHas), fmt.Sprintf("citation %q", rs.Citation)))
		}
		for _, ce := range re.Checks {
			ch := findCheck(rs.Checks, ce.Part)
			want := ce.StatusIn
			if ce.Status != "" {
				want = append([]string{ce.Status}, want...)
			}
			switch {
			case ch == nil:
				fails = append(fails, msg(fmt.Sprintf("a check on %q (%s)", ce.Part, strings.Join(want, " or ")), "checks "+describeChecks(rs.Checks)))
			case len(want) > 0 && !slices.Contains(want, ch.Status):
				fails = append(fails, msg(fmt.Sprintf("check %q %s", ce.Part, strings.Join(want, " or ")), fmt.Sprintf("check %q %s (%s)", ch.Part, ch.Status, ch.Why)))
			}
		}
		if len(fails) == 0 {
			return nil
		}
		if i == 0 {
			first = fails
		}
	}
	return first
}

// checkContract checks what every report must respect, whatever the case.
func (c *Case) checkContract(r *report, code int) []string {
	var msgs []string
	bad := func(where, rule, got string) {
		msgs = append(msgs, fmt.Sprintf("case %s: %s: contract: %s, got %s", c.ID, where, rule, got))
	}
	valid := []string{"law", "guidance", "policy", "default"}
	unmet := false
	for _, comp := range r.Components {
		for _, rs := range comp.Reasons {
			where := "component " + comp.ID + ": reason " + rs.Source
			got := describeReason(rs)
			if !slices.Contains(valid, rs.Basis) {
				// One message is enough: the rules below read the basis.
				bad(where, "every reason has a basis (law, guidance, policy or default)", got)
				continue
			}
			if rs.Category == "regulatory" && rs.Basis != "law" && rs.Basis != "guidance" {
				bad(where, "a regulatory reason rests on law or guidance", got)
			}
			if (rs.Basis == "law" || rs.Basis == "guidance") && strings.TrimSpace(rs.Citation) == "" {
				bad(where, "a reason resting on law or guidance cites its article", got)
			}
			if strings.HasPrefix(rs.Source, "criticality:") && rs.Basis != "default" {
				bad(where, "sovmap's criticality defaults are basis default", got)
			}
			if strings.HasPrefix(rs.Source, "data:") && c.builtinClass(strings.TrimPrefix(rs.Source, "data:")) && rs.Basis != "default" {
				bad(where, "sovmap's data-class defaults are basis default", got)
			}
			if strings.HasPrefix(rs.Source, "law:") && rs.Basis != "law" && rs.Basis != "guidance" {
				bad(where, "a law of the knowledge base is basis law or guidance", got)
			}
			if rs.Condition != "" && !strings.HasPrefix(rs.Source, "law:") {
				bad(where, "only laws judged by their condition carry one", got)
			}
			switch rs.Condition {
			case "":
			case "met":
				for _, ch := range rs.Checks {
					if ch.Status != "met" {
						bad(where, "a met condition has every check met", "checks "+describeChecks(rs.Checks))
						break
					}
				}
			case "unmet":
				unmet = true
				if findStatus(rs.Checks, "unmet") == nil {
					bad(where, "an unmet condition says which check failed", "checks "+describeChecks(rs.Checks))
				}
			case "open":
				if findStatus(rs.Checks, "unmet") != nil {
					bad(where, "a condition with a failed check is unmet, not open", "checks "+describeChecks(rs.Checks))
				}
				if findStatus(rs.Checks, "open") == nil {
					bad(where, "an open condition says which fact is missing", "checks "+describeChecks(rs.Checks))
				}
			default:
				bad(where, "a condition is met, unmet or open", got)
			}
		}
	}
	if unmet && code != 1 {
		bad("exit", "an unmet law condition fails the CI gate (exit code 1)", fmt.Sprintf("exit code %d", code))
	}
	for _, f := range r.Flows {
		where := "flow " + f.ID
		switch f.Verdict {
		case "violation":
			if len(f.Codes) == 0 {
				bad(where, "a violation names its codes", describeFlow(&f))
			}
			if !slices.Contains(valid, f.Basis) {
				bad(where, "a violation has a basis (law, guidance, policy or default)", describeFlow(&f))
			}
			if len(f.Codes) > 0 && f.Codes[0] == "restricted-jurisdiction" && f.Basis != "policy" && f.Basis != "default" {
				bad(where, "a restricted list is policy (or sovmap's default list), not law", describeFlow(&f))
			}
			if (f.Basis == "law" || f.Basis == "guidance") && strings.TrimSpace(f.Citation) == "" {
				bad(where, "a violation resting on law or guidance cites its article", describeFlow(&f))
			}
			if code != 1 {
				bad(where, "a flow violation fails the CI gate (exit code 1)", fmt.Sprintf("exit code %d", code))
			}
		case "allowed":
			if len(f.Codes) > 0 {
				bad(where, "an allowed flow has no violation codes", describeFlow(&f))
			}
		default:
			bad(where, "a verdict is allowed or violation", describeFlow(&f))
		}
	}
	return msgs
}

// builtinClass reports whether a data class is one of sovmap's own (its
// root is a built-in root and the organization did not declare it).
func (c *Case) builtinClass(class string) bool {
	root, _, _ := strings.Cut(class, ".")
	if !slices.Contains([]string{"classified", "personal", "confidential", "internal", "public"}, root) {
		return false
	}
	var inv struct {
		Organization struct {
			DataClasses []struct {
				ID string `yaml:"id"`
			} `yaml:"data_classes"`
		} `yaml:"organization"`
	}
	_ = c.Inventory.Decode(&inv)
	for _, d := range inv.Organization.DataClasses {
		if d.ID == class {
			return false
		}
	}
	return true
}

func (r *report) component(id string) *component {
	for i := range r.Components {
		if r.Components[i].ID == id {
			return &r.Components[i]
		}
	}
	return nil
}

func (r *report) flow(id string) *flow {
	for i := range r.Flows {
		if r.Flows[i].ID == id {
			return &r.Flows[i]
		}
	}
	return nil
}

func (r *report) flowIDs() []string {
	var ids []string
	for _, f := range r.Flows {
		ids = append(ids, f.ID)
	}
	return ids
}

func findCheck(checks []check, keyword string) *check {
	k := strings.ToLower(keyword)
	for i := range checks {
		if strings.Contains(strings.ToLower(checks[i].Part), k) {
			return &checks[i]
		}
	}
	return nil
}

func findStatus(checks []check, status string) *check {
	for i := range checks {
		if checks[i].Status == status {
			return &checks[i]
		}
	}
	return nil
}

func containsAny(s string, subs []string) bool {
	l := strings.ToLower(s)
	for _, sub := range subs {
		if strings.Contains(l, strings.ToLower(sub)) {
			return true
		}
	}
	return false
}

func quoteList(list []string) string {
	q := make([]string, len(list))
	for i, s := range list {
		q[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(q, " or ")
}

func describeReason(rs reason) string {
	var b strings.Builder
	fmt.Fprintf(&b, "{source %s, level %d, category %s, basis %q", rs.Source, rs.Level, rs.Category, rs.Basis)
	if rs.Condition != "" {
		fmt.Fprintf(&b, ", condition %s", rs.Condition)
	}
	if rs.Contested {
		b.WriteString(", contested")
	}
	if rs.Citation != "" {
		fmt.Fprintf(&b, ", citation %q", rs.Citation)
	}
	if len(rs.Checks) > 0 {
		fmt.Fprintf(&b, ", checks %s", describeChecks(rs.Checks))
	}
	b.WriteString("}")
	return b.String()
}

func describeReasons(list []reason) string {
	if len(list) == 0 {
		return "[]"
	}
	parts := make([]string, len(list))
	for i, rs := range list {
		parts[i] = describeReason(rs)
	}
	return "[" + strings.Join(parts, "; ") + "]"
}

func describeChecks(list []check) string {
	if len(list) == 0 {
		return "[]"
	}
	parts := make([]string, len(list))
	for i, ch := range list {
		parts[i] = fmt.Sprintf("%q %s", ch.Part, ch.Status)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

func describeFlow(f *flow) string {
	first := ""
	if len(f.Reasons) > 0 {
		first = f.Reasons[0]
	}
	return fmt.Sprintf("verdict %s, codes %v, basis %q, citation %q, first reason %q", f.Verdict, f.Codes, f.Basis, f.Citation, first)
}

func stderrNote(stderr string) string {
	s := strings.TrimSpace(stderr)
	if s == "" {
		return ""
	}
	return ": " + firstLines(s, 3)
}

func firstLines(s string, n int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > n {
		lines = append(lines[:n], "...")
	}
	return strings.Join(lines, "\n")
}

// TestCasebookCoverage holds the casebook to its brief: at least 40 cases,
// homes in the EU, the UK, Switzerland, the US and at least two others,
// and every case complete enough for counsel to review.
func TestCasebookCoverage(t *testing.T) {
	cases := loadCases(t)
	if len(cases) < 40 {
		t.Errorf("the casebook has %d cases, at least 40 are needed", len(cases))
	}
	eu := map[string]bool{"EU": true}
	for _, m := range strings.Fields("AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK") {
		eu[m] = true
	}
	homes := map[string]int{}
	others := map[string]bool{}
	for _, c := range cases {
		var inv struct {
			Version      int `yaml:"version"`
			Organization struct {
				Home string `yaml:"home"`
			} `yaml:"organization"`
		}
		if err := c.Inventory.Decode(&inv); err != nil {
			t.Errorf("case %s: inventory: %v", c.ID, err)
			continue
		}
		if inv.Version != 1 {
			t.Errorf("case %s: inventory version %d, want 1", c.ID, inv.Version)
		}
		if inv.Organization.Home != c.Home {
			t.Errorf("case %s: home %q but the inventory's organization.home is %q", c.ID, c.Home, inv.Organization.Home)
		}
		homes[c.Home]++
		if !eu[c.Home] && c.Home != "GB" && c.Home != "CH" && c.Home != "US" {
			others[c.Home] = true
		}
		for field, v := range map[string]string{"title": c.Title, "question": c.Question, "facts": c.Facts, "conclusion": c.Conclusion, "reasoning": c.Reasoning} {
			if strings.TrimSpace(v) == "" {
				t.Errorf("case %s: %s is empty", c.ID, field)
			}
		}
		if !slices.Contains([]string{"law", "guidance", "policy", "default", "validation"}, c.Basis) {
			t.Errorf("case %s: basis %q is not law, guidance, policy, default or validation", c.ID, c.Basis)
		}
		if len(c.Citations) == 0 {
			t.Errorf("case %s: no citation", c.ID)
		}
		e := c.Expect
		if e.Exit == nil && len(e.Stderr) == 0 && len(e.Components) == 0 && len(e.Flows) == 0 && e.Summary == nil {
			t.Errorf("case %s: no expectation", c.ID)
		}
	}
	hasEU := false
	for h := range homes {
		hasEU = hasEU || eu[h]
	}
	if !hasEU || homes["GB"] == 0 || homes["CH"] == 0 || homes["US"] == 0 || len(others) < 2 {
		t.Errorf("homes covered %v: the casebook needs the EU, GB, CH, US and two others", homes)
	}
}

// TestCasebookDoc keeps docs/casebook.md in step with the cases: run
// go test ./casebook -update to rewrite it, and review the diff.
func TestCasebookDoc(t *testing.T) {
	cases := loadCases(t)
	doc := renderDoc(t, cases)
	golden.Check(t, filepath.Join("..", "docs", "casebook.md"), []byte(doc))
	// Whatever the rendering, every case must be listed by its number.
	written, err := os.ReadFile(filepath.Join("..", "docs", "casebook.md"))
	if err != nil {
		return // golden.Check has reported it
	}
	for _, c := range cases {
		if !strings.Contains(string(written), "\n## "+c.ID+". ") {
			t.Errorf("docs/casebook.md does not list case %s (%s)", c.ID, c.File)
		}
	}
}

func renderDoc(t *testing.T, cases []*Case) string {
	t.Helper()
	var b strings.Builder
	b.WriteString(`# Casebook

Worked cases of sovmap's legal judgements, for counsel to review one by
one. Each case is a small inventory in [casebook/cases](../casebook/cases),
the question a client would ask about it, the answer a careful
data-protection officer would give from the law, and the checks that hold
sovmap's JSON output (` + "`sovmap assess FILE --format json`" + `) to that
answer. The expectations are reasoned from the texts cited, never copied
from sovmap's output; ` + "`go test ./casebook`" + ` runs every case through the
sovmap binary and reports, per case, what was expected, why (the citation),
and what sovmap said.

This file is generated from the cases: edit the case, then run
` + "`go test ./casebook -update`" + ` and review the diff.

How to read the checks:

- **basis**: what a verdict rests on. *law* and *guidance* are binding texts
  and supervisors' readings, cited to the article; *policy* is the
  organization's own choice (its restricted list, its rules); *default* is
  sovmap's opinion (the default levels of data classes and criticality),
  which the organization may override. Only law and guidance make a reason
  *regulatory*.
- **condition**: a localisation or sourcing law is judged by what it asks
  (a certification valid where the component runs, places, an
  establishment, exit terms): *met* (no gap under that law, whatever the
  spectrum level), *unmet* (a finding that fails the CI gate, with the part
  that failed) or *open* (a fact is missing, such as the type of a C5
  report).
- **levels** (0 exposed to 4 domestic) are sovmap's default scale, not law;
  a case bounds them only where the engine's contract fixes them, and says
  so.
- **exit code**: 0 clean, 1 a finding (a gap, a flow violation, an unmet
  condition), 2 the inventory is refused.

Nothing here is legal advice; every reading should be checked against the
text cited.

`)
	homes := map[string][]string{}
	for _, c := range cases {
		homes[c.Home] = append(homes[c.Home], c.ID)
	}
	var hs []string
	for h := range homes {
		hs = append(hs, h)
	}
	sort.Strings(hs)
	b.WriteString("## Index\n\n| case | home | question | conclusion | basis |\n|---|---|---|---|---|\n")
	for _, c := range cases {
		fmt.Fprintf(&b, "| [%s](#case-%s) | %s | %s | %s | %s |\n", c.ID, c.ID, c.Home, cell(c.Question), cell(c.Conclusion), c.Basis)
	}
	b.WriteString("\nCases by home: ")
	for i, h := range hs {
		if i > 0 {
			b.WriteString("; ")
		}
		fmt.Fprintf(&b, "%s %s", h, strings.Join(homes[h], ", "))
	}
	b.WriteString(".\n")
	for _, c := range cases {
		fmt.Fprintf(&b, "\n<a id=\"case-%s\"></a>\n\n## %s. %s\n\n", c.ID, c.ID, c.Title)
		fmt.Fprintf(&b, "*Home* %s · *case file* [%s](../casebook/cases/%s) · *basis* %s\n\n", c.Home, c.File, c.File, c.Basis)
		fmt.Fprintf(&b, "**Question.** %s\n\n", oneLine(c.Question))
		fmt.Fprintf(&b, "**Facts.** %s\n\n", oneLine(c.Facts))
		fmt.Fprintf(&b, "**Conclusion.** %s\n\n", oneLine(c.Conclusion))
		fmt.Fprintf(&b, "**Reasoning.** %s\n\n", oneLine(c.Reasoning))
		if c.Contested != "" {
			fmt.Fprintf(&b, "**Contested.** %s\n\n", oneLine(c.Contested))
		}
		b.WriteString("**Citations.**\n\n")
		for _, cit := range c.Citations {
			fmt.Fprintf(&b, "- %s\n", oneLine(cit))
		}
		b.WriteString("\n**What the test checks** (`sovmap assess --format json`):\n\n")
		for _, line := range describeExpect(c.Expect) {
			fmt.Fprintf(&b, "- %s\n", line)
		}
		inv, err := c.inventoryYAML()
		if err != nil {
			t.Fatalf("case %s: %v", c.ID, err)
		}
		fmt.Fprintf(&b, "\n<details><summary>Inventory</summary>\n\n```yaml\n%s```\n\n</details>\n", inv)
	}
	return b.String()
}

// cell is text fit for a Markdown table cell.
func cell(s string) string {
	return strings.ReplaceAll(oneLine(s), "|", "\\|")
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// describeExpect says in words what a case's expectations check.
func describeExpect(e Expect) []string {
	var out []string
	if e.Exit != nil {
		switch *e.Exit {
		case 0:
			out = append(out, "exit code 0: nothing fails the CI gate")
		case 1:
			out = append(out, "exit code 1: a finding fails the CI gate")
		case 2:
			out = append(out, "exit code 2: the inventory is refused")
		default:
			out = append(out, fmt.Sprintf("exit code %d", *e.Exit))
		}
	}
	for _, s := range e.Stderr {
		out = append(out, fmt.Sprintf("the error message contains %q", s))
	}
	bound := func(name string, lo, hi *int) string {
		switch {
		case lo != nil && hi != nil:
			return fmt.Sprintf("%s between %d and %d", name, *lo, *hi)
		case lo != nil:
			return fmt.Sprintf("%s at least %d", name, *lo)
		case hi != nil:
			return fmt.Sprintf("%s at most %d", name, *hi)
		}
		return ""
	}
	for _, ce := range e.Components {
		var parts []string
		if ce.RequiredLevel != nil {
			parts = append(parts, fmt.Sprintf("required level %d", *ce.RequiredLevel))
		}
		if s := bound("own level (sovmap's scale)", ce.LevelMin, ce.LevelMax); s != "" {
			parts = append(parts, s)
		}
		if s := bound("effective level (sovmap's scale)", ce.EffectiveMin, ce.EffectiveMax); s != "" {
			parts = append(parts, s)
		}
		if len(ce.ExposureHas) > 0 {
			parts = append(parts, "exposed to "+strings.Join(ce.ExposureHas, ", "))
		}
		if len(ce.ExposureLacks) > 0 {
			parts = append(parts, "not exposed to "+strings.Join(ce.ExposureLacks, ", "))
		}
		if ce.ExposureEmpty {
			parts = append(parts, "no foreign compelled-access law reaches it")
		}
		if ce.NoRegulatory {
			parts = append(parts, "no reason is regulatory")
		}
		for _, re := range ce.Reasons {
			parts = append(parts, describeReasonExpect(re))
		}
		out = append(out, fmt.Sprintf("component `%s`: %s", ce.ID, strings.Join(parts, "; ")))
	}
	for _, fe := range e.Flows {
		var parts []string
		if fe.Verdict != "" {
			parts = append(parts, fe.Verdict)
		}
		if len(fe.Codes) > 0 {
			parts = append(parts, "codes include "+strings.Join(fe.Codes, ", "))
		}
		if len(fe.CodesAbsent) > 0 {
			parts = append(parts, "no code "+strings.Join(fe.CodesAbsent, ", "))
		}
		if fe.Basis != "" {
			parts = append(parts, "basis "+fe.Basis)
		}
		if len(fe.BasisIn) > 0 {
			parts = append(parts, "basis "+strings.Join(fe.BasisIn, " or "))
		}
		if len(fe.CitationHas) > 0 {
			parts = append(parts, "citation names "+quoteList(fe.CitationHas))
		}
		out = append(out, fmt.Sprintf("flow `%s`: %s", fe.ID, strings.Join(parts, "; ")))
	}
	if s := e.Summary; s != nil {
		if s.UnmetMin != nil {
			out = append(out, fmt.Sprintf("summary: at least %d unmet condition(s)", *s.UnmetMin))
		}
		if s.Unmet != nil {
			out = append(out, fmt.Sprintf("summary: exactly %d unmet condition(s)", *s.Unmet))
		}
		if s.OpenMin != nil {
			out = append(out, fmt.Sprintf("summary: at least %d open condition(s)", *s.OpenMin))
		}
	}
	return out
}

func describeReasonExpect(re ReasonExpect) string {
	if re.Absent {
		return fmt.Sprintf("no reason `%s` (it does not apply)", re.Source)
	}
	var p []string
	if re.Condition != "" {
		p = append(p, "condition "+re.Condition)
	}
	if len(re.ConditionIn) > 0 {
		p = append(p, "condition "+strings.Join(re.ConditionIn, " or "))
	}
	for _, ch := range re.Checks {
		want := ch.StatusIn
		if ch.Status != "" {
			want = append([]string{ch.Status}, want...)
		}
		p = append(p, fmt.Sprintf("check on %q %s", ch.Part, strings.Join(want, " or ")))
	}
	if re.Basis != "" {
		p = append(p, "basis "+re.Basis)
	}
	if len(re.BasisIn) > 0 {
		p = append(p, "basis "+strings.Join(re.BasisIn, " or "))
	}
	if re.Category != "" {
		p = append(p, "category "+re.Category)
	}
	if re.CategoryNot != "" {
		p = append(p, "not "+re.CategoryNot)
	}
	if re.Contested != nil {
		if *re.Contested {
			p = append(p, "marked contested")
		} else {
			p = append(p, "not marked contested")
		}
	}
	if len(re.CitationHas) > 0 {
		p = append(p, "citation names "+quoteList(re.CitationHas))
	}
	return fmt.Sprintf("reason `%s`: %s", re.Source, strings.Join(p, ", "))
}
