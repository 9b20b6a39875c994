package oscal

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	goldenfile "github.com/sovmap/sovmap/internal/golden"

	"github.com/defenseunicorns/go-oscal/src/pkg/validation"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/internal/sample"
)

var fixed = Options{Now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC), ToolVersion: "test"}

func write(t *testing.T, r *sovmap.Report, inv *sovmap.Inventory, opts Options) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteOptions(&buf, r, inv, opts); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// validate checks a document with go-oscal against the OSCAL schema of the
// version it declares.
func validate(data []byte) error {
	v, err := validation.NewValidator(data)
	if err != nil {
		return err
	}
	if v.GetModelType() != "assessment-results" {
		return &modelError{v.GetModelType()}
	}
	if err := v.Validate(); err != nil {
		res, _ := v.GetValidationResult()
		var msgs []string
		for _, e := range res.Errors {
			msgs = append(msgs, e.InstanceLocation+": "+e.Error)
		}
		return &schemaError{err, msgs}
	}
	return nil
}

type modelError struct{ got string }

func (e *modelError) Error() string { return "model type " + e.got + ", want assessment-results" }

type schemaError struct {
	err  error
	msgs []string
}

func (e *schemaError) Error() string { return e.err.Error() + "\n" + strings.Join(e.msgs, "\n") }

func TestValidatesWithGoOSCAL(t *testing.T) {
	tests := []struct {
		name string
		r    *sovmap.Report
		inv  *sovmap.Inventory
	}{
		{"sample", sample.Report(), sample.Inventory()},
		{"without inventory", sample.Report(), nil},
		{"empty report", &sovmap.Report{}, nil},
		{"odd names", &sovmap.Report{Organization: "  ", Home: "EU", Components: []sovmap.ComponentResult{
			{ID: "a b", Layer: "", Gap: 3, RequiredLevel: 3, Exposure: []string{"US"}, Factors: []sovmap.Factor{{Name: "keys", Remedy: "hold keys"}}, Binding: []sovmap.FactorName{"keys"}},
		}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := write(t, tt.r, tt.inv, fixed)
			if err := validate(data); err != nil {
				t.Fatalf("not valid OSCAL: %v", err)
			}
		})
	}
}

func TestValidatorRejectsBrokenDocument(t *testing.T) {
	data := write(t, sample.Report(), sample.Inventory(), fixed)
	broken := strings.Replace(string(data), `"state": "not-satisfied"`, `"state": "maybe"`, 1)
	if broken == string(data) {
		t.Fatal("sample has no not-satisfied finding to break")
	}
	if err := validate([]byte(broken)); err == nil {
		t.Fatal("go-oscal accepted a finding status of \"maybe\"")
	}
}

func TestGolden(t *testing.T) {
	data := write(t, sample.Report(), sample.Inventory(), fixed)
	golden := filepath.Join("testdata", "sample.oscal.json")
	goldenfile.Check(t, golden, data)
}

type doc struct {
	AR struct {
		UUID    string `json:"uuid"`
		Results []struct {
			LocalDefinitions struct {
				Components []struct {
					Title string `json:"title"`
				} `json:"components"`
			} `json:"local-definitions"`
			Observations []struct {
				UUID  string `json:"uuid"`
				Title string `json:"title"`
			} `json:"observations"`
			Risks []struct {
				UUID              string `json:"uuid"`
				Title             string `json:"title"`
				Description       string `json:"description"`
				Props             []prop `json:"props"`
				Characterizations []struct {
					Facets []struct {
						Name  string `json:"name"`
						Value string `json:"value"`
					} `json:"facets"`
				} `json:"characterizations"`
				Remediations []struct {
					Description string `json:"description"`
				} `json:"remediations"`
			} `json:"risks"`
			Findings []struct {
				UUID        string `json:"uuid"`
				Title       string `json:"title"`
				Description string `json:"description"`
				Props       []prop `json:"props"`
				Target      struct {
					TargetID string `json:"target-id"`
					Status   struct {
						State string `json:"state"`
					} `json:"status"`
				} `json:"target"`
				RelatedRisks []struct {
					RiskUUID string `json:"risk-uuid"`
				} `json:"related-risks"`
			} `json:"findings"`
		} `json:"results"`
		BackMatter struct {
			Resources []struct {
				Rlinks []struct {
					Href string `json:"href"`
				} `json:"rlinks"`
			} `json:"resources"`
		} `json:"back-matter"`
	} `json:"assessment-results"`
}

func propValue(ps []prop, name string) string {
	for _, p := range ps {
		if p.Name == name && p.NS == NS {
			return p.Value
		}
	}
	return ""
}

func TestFindingsRisksAndProps(t *testing.T) {
	var d doc
	if err := json.Unmarshal(write(t, sample.Report(), sample.Inventory(), fixed), &d); err != nil {
		t.Fatal(err)
	}
	res := d.AR.Results[0]
	// 7 components + 3 flows observed.
	if len(res.Observations) != 10 {
		t.Errorf("%d observations, want 10", len(res.Observations))
	}
	// 3 gaps, 1 unmet legal condition, 1 violation, 3 exposures, 1 restricted.
	if len(res.Risks) != 9 {
		t.Errorf("%d risks, want 9", len(res.Risks))
	}
	risks := map[string]bool{}
	for _, r := range res.Risks {
		risks[r.UUID] = true
	}
	var notSatisfied, satisfied int
	var sawRestricted bool
	for _, f := range res.Findings {
		switch f.Target.Status.State {
		case "not-satisfied":
			notSatisfied++
			if len(f.RelatedRisks) != 1 || !risks[f.RelatedRisks[0].RiskUUID] {
				t.Errorf("finding %q does not point at its risk", f.Title)
			}
		case "satisfied":
			satisfied++
		}
		if f.Target.TargetID == objectiveRestricted {
			sawRestricted = true
			if propValue(f.Props, "jurisdiction") != "RU" || propValue(f.Props, "level") != "0" || propValue(f.Props, "required-level") != "2" {
				t.Errorf("restricted finding props = %+v", f.Props)
			}
		}
	}
	if notSatisfied != 9 {
		t.Errorf("%d not-satisfied findings, want 9", notSatisfied)
	}
	// ehr-db, gpu-pool, cuda and support meet their requirement (support
	// has a mitigated exposure note but no gap).
	if satisfied != 4 {
		t.Errorf("%d satisfied findings, want 4", satisfied)
	}
	if !sawRestricted {
		t.Error("no restricted-jurisdiction finding")
	}
	for _, r := range res.Risks {
		if propValue(r.Props, "component") == "train-cluster" && propValue(r.Props, "finding-kind") == "gap" {
			if len(r.Remediations) != 1 || !strings.Contains(r.Remediations[0].Description, "Hold the keys yourself") {
				t.Errorf("train-cluster remediations = %+v", r.Remediations)
			}
			if propValue(r.Props, "gap") != "2" || propValue(r.Props, "effective-level") != "1" {
				t.Errorf("train-cluster props = %+v", r.Props)
			}
		}
	}
}

func TestUUIDsStableExceptDocument(t *testing.T) {
	var a, b doc
	later := fixed
	later.Now = fixed.Now.Add(time.Hour)
	if err := json.Unmarshal(write(t, sample.Report(), sample.Inventory(), fixed), &a); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(write(t, sample.Report(), sample.Inventory(), later), &b); err != nil {
		t.Fatal(err)
	}
	if a.AR.UUID == b.AR.UUID {
		t.Error("two documents share a UUID")
	}
	for i := range a.AR.Results[0].Risks {
		if a.AR.Results[0].Risks[i].UUID != b.AR.Results[0].Risks[i].UUID {
			t.Errorf("risk %q changed UUID between runs", a.AR.Results[0].Risks[i].Title)
		}
	}
}

func TestUUID5KnownVector(t *testing.T) {
	// RFC 9562 / Python uuid.uuid5(uuid.NAMESPACE_DNS, "python.org").
	dns := [16]byte{0x6b, 0xa7, 0xb8, 0x10, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8}
	if got := format(uuid5(dns, "python.org")); got != "886313e1-3b8a-5372-9b90-0c9aee199e5d" {
		t.Errorf("uuid5 = %s", got)
	}
}

func TestWriteNilReport(t *testing.T) {
	if err := Write(&bytes.Buffer{}, nil, nil); err == nil {
		t.Fatal("Write(nil report) succeeded")
	}
}

func TestExamplesValidate(t *testing.T) {
	examples, err := sample.Examples(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	for _, ex := range examples {
		t.Run(ex.Name, func(t *testing.T) {
			if err := validate(write(t, ex.Report, ex.Inventory, fixed)); err != nil {
				t.Fatalf("not valid OSCAL: %v", err)
			}
		})
	}
}
