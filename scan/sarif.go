package scan

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"regexp"
	"strings"

	"github.com/sovmap/sovmap/report/sarif"
)

// HelpURI is the documentation of the scan's services, which every SARIF
// rule points to (its section).
const HelpURI = sarif.InformationURI + "/blob/main/docs/scan.md"

// SARIFOptions tune the SARIF log.
type SARIFOptions struct {
	// ToolVersion is sovmap's version.
	ToolVersion string
	// AutomationID names the run for code scanning (runs with the same id
	// replace each other); "sovmap/scan/" when empty.
	AutomationID string
}

// The SARIF 2.1.0 objects the scan writes, as the specification names
// their properties (OASIS SARIF 2.1.0, section 3), following the
// conventions of report/sarif: locations relative to %SRCROOT%, stable
// partialFingerprints.
type (
	sarifLog struct {
		Schema  string     `json:"$schema"`
		Version string     `json:"version"`
		Runs    []sarifRun `json:"runs"`
	}
	sarifRun struct {
		Tool               sarifTool                   `json:"tool"`
		AutomationDetails  map[string]string           `json:"automationDetails"`
		OriginalURIBaseIDs map[string]sarifArtifactLoc `json:"originalUriBaseIds,omitempty"`
		Results            []sarifResult               `json:"results"`
		ColumnKind         string                      `json:"columnKind"`
	}
	sarifTool struct {
		Driver sarifDriver `json:"driver"`
	}
	sarifDriver struct {
		Name            string      `json:"name"`
		FullName        string      `json:"fullName"`
		Version         string      `json:"version,omitempty"`
		SemanticVersion string      `json:"semanticVersion,omitempty"`
		InformationURI  string      `json:"informationUri"`
		Rules           []sarifRule `json:"rules"`
	}
	sarifRule struct {
		ID                   string            `json:"id"`
		Name                 string            `json:"name"`
		ShortDescription     sarifMessage      `json:"shortDescription"`
		FullDescription      sarifMessage      `json:"fullDescription"`
		HelpURI              string            `json:"helpUri"`
		Help                 sarifMessage      `json:"help"`
		DefaultConfiguration map[string]string `json:"defaultConfiguration"`
		Properties           map[string]any    `json:"properties"`
	}
	sarifMessage struct {
		Text string `json:"text"`
	}
	sarifArtifactLoc struct {
		URI       string `json:"uri"`
		URIBaseID string `json:"uriBaseId,omitempty"`
	}
	sarifResult struct {
		RuleID              string            `json:"ruleId"`
		RuleIndex           int               `json:"ruleIndex"`
		Kind                string            `json:"kind"`
		Level               string            `json:"level"`
		Message             sarifMessage      `json:"message"`
		Locations           []sarifLocation   `json:"locations"`
		PartialFingerprints map[string]string `json:"partialFingerprints"`
		Properties          map[string]any    `json:"properties"`
	}
	sarifLocation struct {
		PhysicalLocation sarifPhysical `json:"physicalLocation"`
	}
	sarifPhysical struct {
		ArtifactLocation sarifArtifactLoc `json:"artifactLocation"`
		Region           sarifRegion      `json:"region"`
	}
	sarifRegion struct {
		StartLine   int `json:"startLine"`
		StartColumn int `json:"startColumn"`
	}
)

// RuleID is the SARIF rule id of a service's calls.
func RuleID(service string) string { return "sovmap-scan/" + service }

// FingerprintName is the key of the scan's entry in partialFingerprints.
const FingerprintName = "sovmapScan/v1"

var semver = regexp.MustCompile(`^v?(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)`)

// WriteSARIF writes the findings as a SARIF 2.1.0 log: one rule per
// service found, one result (level note: a fact for the inventory, not a
// defect) per finding, at its line and column, with a URI relative to the
// scanned directory.
func WriteSARIF(w io.Writer, res *Result, rules *Rules, opts SARIFOptions) error {
	d := sarifDriver{
		Name: "sovmap", FullName: "sovmap scan: AI services in code and configuration",
		Version: opts.ToolVersion, InformationURI: sarif.InformationURI,
	}
	if m := semver.FindStringSubmatch(opts.ToolVersion); m != nil {
		d.SemanticVersion = m[1]
	}
	index := map[string]int{}
	for _, id := range res.Services() {
		s, _ := rules.Service(id)
		index[id] = len(d.Rules)
		operator := "its provider " + s.Provider
		switch {
		case s.SelfHosted:
			operator = "the organization itself (self-hosted)"
		case s.Unknown:
			operator = "an operator the scan cannot identify"
		}
		d.Rules = append(d.Rules, sarifRule{
			ID: RuleID(id), Name: sarifName(id),
			ShortDescription:     sarifMessage{Text: "Calls " + s.Name + "."},
			FullDescription:      sarifMessage{Text: fmt.Sprintf("The code or configuration calls %s, run by %s: data sent in the calls (prompts, documents, embeddings) flows there. sovmap scan records it as a component and a flow of the inventory.", s.Name, operator)},
			HelpURI:              HelpURI + "#services",
			Help:                 sarifMessage{Text: "Check that the data classes and the location of this flow are recorded (sovmap scan --overlay), then assess the inventory with the fragment: sovmap assess inventory.yaml ai-services.yaml."},
			DefaultConfiguration: map[string]string{"level": "note"},
			Properties:           map[string]any{"tags": []string{"ai-service", "sovereignty", "data-flow"}, "precision": "high"},
		})
	}
	run := sarifRun{
		Tool:              sarifTool{Driver: d},
		AutomationDetails: map[string]string{"id": opts.AutomationID},
		Results:           []sarifResult{},
		ColumnKind:        "unicodeCodePoints",
	}
	if run.AutomationDetails["id"] == "" {
		run.AutomationDetails["id"] = "sovmap/scan/"
	}
	if uri, err := sarif.RootURI(res.Root); err == nil {
		run.OriginalURIBaseIDs = map[string]sarifArtifactLoc{sarif.SourceRootID: {URI: uri}}
	}
	seen := map[string]int{}
	for _, f := range res.Findings {
		s, _ := rules.Service(f.Service)
		msg := fmt.Sprintf("%s calls %s", f.App, s.Name)
		if f.Wrapper != "" {
			msg += " through " + f.Wrapper
		}
		switch {
		case f.Region != "":
			msg += fmt.Sprintf(" in region %s (from the %s)", f.Region, f.RegionVia)
		case s.Cloud != "":
			msg += " (region not found: location unknown)"
		}
		if f.Endpoint != "" {
			msg += " at " + f.Endpoint
		}
		props := map[string]any{"sovmap/service": f.Service, "sovmap/app": f.App, "sovmap/rule": f.Rule}
		if s.Provider != "" {
			props["sovmap/provider"] = s.Provider
		}
		if f.Region != "" {
			props["sovmap/region"] = f.Region
		}
		if f.Endpoint != "" {
			props["sovmap/endpoint"] = f.Endpoint
		}
		// The fingerprint follows the call, not its line number, so that
		// code scanning tracks it when lines move: the service, the file,
		// the text matched and its occurrence among equal ones.
		base := f.Service + "\x00" + f.File + "\x00" + strings.Join(strings.Fields(f.match), " ")
		seen[base]++
		sum := sha256.Sum256([]byte(fmt.Sprintf("%s\x00%d", base, seen[base])))
		run.Results = append(run.Results, sarifResult{
			RuleID: RuleID(f.Service), RuleIndex: index[f.Service], Kind: "fail", Level: "note",
			Message: sarifMessage{Text: msg + "."},
			Locations: []sarifLocation{{PhysicalLocation: sarifPhysical{
				ArtifactLocation: sarifArtifactLoc{URI: (&url.URL{Path: f.File}).String(), URIBaseID: sarif.SourceRootID},
				Region:           sarifRegion{StartLine: f.Line, StartColumn: f.Col},
			}}},
			PartialFingerprints: map[string]string{FingerprintName: hex.EncodeToString(sum[:16])},
			Properties:          props,
		})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(sarifLog{Schema: sarif.SchemaURI, Version: "2.1.0", Runs: []sarifRun{run}})
}

// sarifName writes a service id as a rule name: azure-openai is
// CallsAzureOpenai.
func sarifName(id string) string {
	var b strings.Builder
	b.WriteString("Calls")
	for _, part := range strings.FieldsFunc(id, func(r rune) bool { return r == '-' || r == '.' || r == '_' }) {
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	return b.String()
}
