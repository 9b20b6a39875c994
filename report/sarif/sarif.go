// Package sarif writes an assessment as a SARIF 2.1.0 log, the format code
// scanning services read, so that a pull request that lowers a component's
// level gets an annotation on the inventory line that declares it.
//
// One rule per finding kind (see package finding); one result per finding,
// at level error, warning or note; locations are relative to the source
// root (uriBaseId %SRCROOT%), and partialFingerprints are stable across runs
// so that services track a finding from one commit to the next.
package sarif

import (
	"cmp"
	"fmt"
	"io"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/finding"
	"github.com/sovmap/sovmap/internal/jsonstream"
	"github.com/sovmap/sovmap/report"
)

// SchemaURI is the published location of the SARIF 2.1.0 JSON schema.
const SchemaURI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"

// SourceRootID is the uriBaseId every relative location is resolved against.
const SourceRootID = "%SRCROOT%"

// FingerprintName is the key of sovmap's entry in partialFingerprints.
const FingerprintName = "sovmapFinding/v1"

// InformationURI is where people learn about the tool.
const InformationURI = "https://github.com/sovmap/sovmap"

// HelpBase is where the documentation of each rule lives: a section of
// docs/formats.md per finding kind, named "Rule KIND".
const HelpBase = InformationURI + "/blob/main/docs/formats.md#rule-"

// LineHashName is the partialFingerprints key GitHub code scanning
// matches alerts by. When a log lacks it, GitHub's upload computes it from
// the text of the result's line, so that two results of one rule on one
// line (an exposure to US law and one to Indian law, both on the
// component's line) would be taken for one alert; sovmap gives the
// finding's own identity instead.
const LineHashName = "primaryLocationLineHash"

// DefaultAutomationID is the run's automationDetails.id when Options gives
// none: the category "sovmap/assess" (GitHub reads what precedes the last
// '/' as the category, which keeps sovmap's alerts apart from other
// tools').
const DefaultAutomationID = "sovmap/assess/"

// Options tune the log. The zero value is valid.
type Options struct {
	// SourceRoot is the directory locations are made relative to, usually the
	// repository root. Positions already relative are kept as they are;
	// absolute ones outside SourceRoot become file: URIs.
	SourceRoot string
	// ToolVersion is sovmap's version, shown by code scanning services.
	// When it reads as a semantic version (1.4.2, v1.4.2 (2026-01-02)),
	// the driver's semanticVersion is set too.
	ToolVersion string
	// AutomationID identifies the analysis across runs
	// (runs[].automationDetails.id); DefaultAutomationID when empty.
	AutomationID string
}

// Write writes the report as a SARIF 2.1.0 log with default options.
// inv may be nil; it supplies positions a report read back from JSON lacks.
func Write(w io.Writer, r *sovmap.Report, inv *sovmap.Inventory) error {
	return WriteOptions(w, r, inv, Options{})
}

// WriteOptions writes the report as a SARIF 2.1.0 log: WriteStream over
// the report held whole, so that the command line and the server write
// the same bytes.
func WriteOptions(w io.Writer, r *sovmap.Report, inv *sovmap.Inventory, opts Options) error {
	if r == nil {
		return fmt.Errorf("sarif: no report to write")
	}
	return WriteStream(w, report.StreamOf(r, inv), opts)
}

// WriteStream writes a report stream as a SARIF 2.1.0 log, reading its
// components once. File positions are made relative to opts.SourceRoot, or
// to the working directory when it is empty; a component without one
// takes its inventory spec's.
//
// The results come a component at a time, each component's in the order
// of finding.Kinds, then the flow violations (finding.Finder), and are
// written as they come: the writer holds one component's findings and the
// set of files the results point at, whatever the report's size. That
// set, the run's artifacts, is written after the results for that reason.
// If the stream fails midway, what was written is a truncated log.
func WriteStream(w io.Writer, s report.Stream, opts Options) error {
	if s.Head == nil {
		return fmt.Errorf("sarif: no report to write")
	}
	r := s.Head
	j := jsonstream.New(w)
	j.BeginObject()
	j.Member("$schema", SchemaURI)
	j.Member("version", "2.1.0")
	j.Name("runs")
	j.BeginArray()
	j.BeginObject()
	j.Member("tool", tool{Driver: newDriver(opts)})
	j.Member("automationDetails", automationDetails{ID: cmp.Or(opts.AutomationID, DefaultAutomationID)})
	if root := opts.SourceRoot; root != "" {
		if uri, err := RootURI(root); err == nil {
			j.Member("originalUriBaseIds", map[string]artifactLocation{SourceRootID: {URI: uri}})
		}
	}
	j.Name("results")
	j.BeginArray()
	rs := newResults(cmp.Or(opts.SourceRoot, "."))
	fd := finding.NewFinder(r)
	var fs []finding.Finding
	err := s.Components(func(c *sovmap.ComponentResult, spec *sovmap.Component) error {
		fs = fd.Component(fs[:0], c, spec)
		for _, f := range fs {
			j.Value(rs.result(f))
		}
		return j.Err()
	})
	if err != nil {
		return fmt.Errorf("sarif: %w", err)
	}
	for _, f := range finding.Flows(r, s.Inventory) {
		j.Value(rs.result(f))
	}
	j.EndArray()
	if len(rs.artifacts) > 0 {
		j.Member("artifacts", rs.artifacts)
	}
	j.Member("columnKind", "unicodeCodePoints")
	j.Member("properties", map[string]any{
		"organization": r.Organization,
		"home":         r.Home,
		"components":   r.Summary.Components,
		"gaps":         r.Summary.Gaps,
		"violations":   r.Summary.Violations,
	})
	j.EndObject()
	j.EndArray()
	j.EndObject()
	if err := j.Close(); err != nil {
		return fmt.Errorf("sarif: %w", err)
	}
	return nil
}

// The SARIF object model, reduced to what sovmap writes. Field names follow
// the specification (OASIS SARIF 2.1.0, section 3).
type (
	tool struct {
		Driver driver `json:"driver"`
	}
	automationDetails struct {
		ID string `json:"id"`
	}
	driver struct {
		Name            string `json:"name"`
		FullName        string `json:"fullName,omitempty"`
		Version         string `json:"version,omitempty"`
		SemanticVersion string `json:"semanticVersion,omitempty"`
		InformationURI  string `json:"informationUri"`
		Rules           []rule `json:"rules"`
	}
	rule struct {
		ID                   string         `json:"id"`
		Name                 string         `json:"name"`
		ShortDescription     message        `json:"shortDescription"`
		FullDescription      message        `json:"fullDescription"`
		Help                 message        `json:"help"`
		HelpURI              string         `json:"helpUri"`
		DefaultConfiguration configuration  `json:"defaultConfiguration"`
		Properties           map[string]any `json:"properties,omitempty"`
	}
	configuration struct {
		Level string `json:"level"`
	}
	message struct {
		Text     string `json:"text"`
		Markdown string `json:"markdown,omitempty"`
	}
	artifact struct {
		Location artifactLocation `json:"location"`
		MimeType string           `json:"mimeType,omitempty"`
	}
	artifactLocation struct {
		URI       string `json:"uri"`
		URIBaseID string `json:"uriBaseId,omitempty"`
	}
	result struct {
		RuleID              string            `json:"ruleId"`
		RuleIndex           int               `json:"ruleIndex"`
		Kind                string            `json:"kind"`
		Level               string            `json:"level"`
		Message             message           `json:"message"`
		Locations           []location        `json:"locations"`
		PartialFingerprints map[string]string `json:"partialFingerprints"`
		Properties          map[string]any    `json:"properties,omitempty"`
	}
	location struct {
		PhysicalLocation *physicalLocation `json:"physicalLocation,omitempty"`
		LogicalLocations []logicalLocation `json:"logicalLocations,omitempty"`
	}
	physicalLocation struct {
		ArtifactLocation artifactLocation `json:"artifactLocation"`
		Region           *region          `json:"region,omitempty"`
	}
	region struct {
		StartLine   int `json:"startLine"`
		StartColumn int `json:"startColumn,omitzero"`
	}
	logicalLocation struct {
		Name               string `json:"name"`
		FullyQualifiedName string `json:"fullyQualifiedName"`
		Kind               string `json:"kind"`
	}
)

// ruleFor describes each finding kind as a SARIF rule. security-severity is
// the CVSS-like score GitHub code scanning uses to rank alerts.
func ruleFor(k finding.Kind) rule {
	switch k {
	case finding.Gap:
		return rule{
			ID: RuleID(k), Name: "SovereigntyGap",
			ShortDescription: message{Text: "A component's effective level is below the level it requires."},
			FullDescription:  message{Text: "The component's effective sovereignty level (its own level, lowered by what it runs on) is below the level its data classes, criticality, localisation laws or the organization's rules require."},
			Help: message{
				Text:     "Change what binds the level (see the result's remedies): hold keys yourself, add exit clauses, move to a region in a trusted jurisdiction, or choose a provider controlled from home. Run `sovmap explain FILE COMPONENT` for every factor.",
				Markdown: "Change what binds the level (see the result's `remedies`): hold keys yourself, add exit clauses, move to a region in a trusted jurisdiction, or choose a provider controlled from home.\n\nRun `sovmap explain FILE COMPONENT` to see every factor, its facts and what would raise it.",
			},
			DefaultConfiguration: configuration{Level: "error"},
			Properties:           map[string]any{"tags": []string{"security", "sovereignty", "gap"}, "precision": "high", "security-severity": "8.0"},
		}
	case finding.FlowViolation:
		return rule{
			ID: RuleID(k), Name: "DataFlowViolation",
			ShortDescription: message{Text: "A data flow breaks the cross-border transfer rules."},
			FullDescription:  message{Text: "The flow moves data classes between jurisdictions without a valid transfer mechanism, against a localisation law, or into a restricted jurisdiction."},
			Help: message{
				Text:     "Stop the flow, keep the data at home, or put a valid transfer mechanism (adequacy, SCC, BCR, treaty) in place. No mechanism makes a flow into a restricted jurisdiction lawful.",
				Markdown: "Stop the flow, keep the data at home, or put a valid transfer `mechanism` (adequacy, SCC, BCR, treaty) in place.\n\nNo mechanism makes a flow into a restricted jurisdiction lawful.",
			},
			DefaultConfiguration: configuration{Level: "error"},
			Properties:           map[string]any{"tags": []string{"security", "sovereignty", "data-transfer"}, "precision": "high", "security-severity": "7.5"},
		}
	case finding.LegalCondition:
		return rule{
			ID: RuleID(k), Name: "LegalConditionNotMet",
			ShortDescription: message{Text: "A law that covers the component asks something it does not meet, or that the inventory does not record."},
			FullDescription:  message{Text: "A localisation or sourcing law of home (a certified host, storage in given places, an establishment, exit terms) covers the component, judged by the law's own condition and cited to its articles. An unmet condition is an error; an open one (a fact not recorded) is a warning."},
			Help: message{
				Text:     "Meet the failing part of the condition (see the message), or record the missing fact. Run `sovmap explain FILE COMPONENT` for each check.",
				Markdown: "Meet the failing part of the condition (see the message), or record the missing fact.\n\nRun `sovmap explain FILE COMPONENT` to see each part of the condition and its outcome.",
			},
			DefaultConfiguration: configuration{Level: "error"},
			Properties:           map[string]any{"tags": []string{"security", "sovereignty", "compliance"}, "precision": "high", "security-severity": "8.0"},
		}
	case finding.ForeignExposure:
		return rule{
			ID: RuleID(k), Name: "ForeignCompelledAccess",
			ShortDescription: message{Text: "A foreign compelled-access law reaches the component."},
			FullDescription:  message{Text: "A foreign jurisdiction's compelled-access law reaches the component through its controller, its location or where it is operated from. Customer-held keys mitigate the exposure (reported as a note)."},
			Help: message{
				Text:     "Hold the keys outside the provider's reach, have the component operated from home, or choose a provider controlled from home.",
				Markdown: "Hold the keys outside the provider's reach (`key_custody: customer-held` or `domestic-hsm`), have the component operated from home, or choose a provider controlled from home.",
			},
			DefaultConfiguration: configuration{Level: "warning"},
			Properties:           map[string]any{"tags": []string{"security", "sovereignty", "legal-exposure"}, "precision": "medium", "security-severity": "5.0"},
		}
	default:
		return rule{
			ID: RuleID(k), Name: "RestrictedJurisdiction",
			ShortDescription: message{Text: "A restricted jurisdiction controls, hosts, operates or reaches the component."},
			FullDescription:  message{Text: "The component depends on a jurisdiction the organization treats as restricted (by default, one under comprehensive sanctions). Its level is exposed whatever safeguards are in place."},
			Help: message{
				Text:     "Replace the provider or move the component out of the restricted jurisdiction.",
				Markdown: "Replace the provider or move the component out of the restricted jurisdiction; safeguards do not help here.",
			},
			DefaultConfiguration: configuration{Level: "error"},
			Properties:           map[string]any{"tags": []string{"security", "sovereignty", "sanctions"}, "precision": "high", "security-severity": "9.0"},
		}
	}
}

// rule returns a finding kind's rule with its help URI.
func ruleOf(k finding.Kind) rule {
	r := ruleFor(k)
	r.HelpURI = HelpBase + string(k)
	return r
}

// semver matches a semantic version, with an optional leading v and what
// sovmap's version adds after a space (the build time).
var semver = regexp.MustCompile(`^v?((0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?)(?: .*)?$`)

// semanticVersion returns the semantic version a tool version reads as,
// or "".
func semanticVersion(v string) string {
	if m := semver.FindStringSubmatch(v); m != nil {
		return m[1]
	}
	return ""
}

// RuleID is the SARIF rule id of a finding kind, such as "sovmap/gap".
func RuleID(k finding.Kind) string { return "sovmap/" + string(k) }

// newDriver describes sovmap and its rules, one per finding kind in the
// order of finding.Kinds.
func newDriver(opts Options) driver {
	d := driver{
		Name:            "sovmap",
		FullName:        "sovmap sovereignty assessment",
		Version:         opts.ToolVersion,
		SemanticVersion: semanticVersion(opts.ToolVersion),
		InformationURI:  InformationURI,
	}
	for _, k := range finding.Kinds {
		d.Rules = append(d.Rules, ruleOf(k))
	}
	return d
}

// results turns findings into SARIF results, keeping the artifacts they
// point at.
type results struct {
	root string
	// uris are the artifact locations of the files met, by file name, so
	// that each is worked out once.
	uris map[string]artifactLocation
	// artifacts are the files the results point at, in the order first met.
	artifacts []artifact
}

func newResults(root string) *results {
	return &results{root: root, uris: map[string]artifactLocation{}}
}

func (rs *results) result(f finding.Finding) result {
	res := result{
		RuleID:              RuleID(f.Kind),
		RuleIndex:           slices.Index(finding.Kinds, f.Kind),
		Kind:                "fail",
		Level:               string(f.Severity),
		Message:             message{Text: text(f)},
		PartialFingerprints: map[string]string{FingerprintName: f.Fingerprint(), LineHashName: f.Fingerprint()},
		Properties:          properties(f),
	}
	loc := location{LogicalLocations: []logicalLocation{logical(f)}}
	if f.Pos.File != "" {
		al, ok := rs.uris[f.Pos.File]
		if !ok {
			al = artifactURI(f.Pos.File, rs.root)
			rs.uris[f.Pos.File] = al
			if !slices.ContainsFunc(rs.artifacts, func(a artifact) bool { return a.Location.URI == al.URI }) {
				rs.artifacts = append(rs.artifacts, artifact{Location: al, MimeType: mimeType(al.URI)})
			}
		}
		pl := &physicalLocation{ArtifactLocation: al}
		if f.Pos.Line > 0 {
			pl.Region = &region{StartLine: f.Pos.Line, StartColumn: f.Pos.Col}
		}
		loc.PhysicalLocation = pl
	}
	res.Locations = []location{loc}
	return res
}

// RootURI is the file: URI of the directory root, ending in a slash, as
// originalUriBaseIds gives SourceRootID so that viewers can resolve the
// relative locations.
func RootURI(root string) (string, error) {
	abs, err := filepath.Abs(root)
	if err != nil {
		return "", err
	}
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(abs) + "/"}
	return u.String(), nil
}

// text is the result message: the finding, then what would fix it, since
// code scanning views show the message and not the properties.
func text(f finding.Finding) string {
	if len(f.Remedies) == 0 {
		return f.Message
	}
	return f.Message + " Remedy: " + strings.Join(f.Remedies, "; ") + "."
}

func logical(f finding.Finding) logicalLocation {
	if f.Kind == finding.FlowViolation {
		return logicalLocation{Name: f.Subject, FullyQualifiedName: "flows/" + f.Subject, Kind: "resource"}
	}
	return logicalLocation{Name: f.Subject, FullyQualifiedName: "components/" + f.Subject, Kind: "resource"}
}

// properties carries the machine-readable facts of a finding, so that
// consumers need not parse the message.
func properties(f finding.Finding) map[string]any {
	p := map[string]any{"sovmap/kind": string(f.Kind)}
	if f.Basis != "" {
		p["sovmap/basis"] = string(f.Basis)
	}
	if f.Citation != "" {
		p["sovmap/citation"] = f.Citation
	}
	if f.Kind == finding.FlowViolation {
		p["sovmap/flow"] = f.Subject
		return p
	}
	if f.Law != "" {
		p["sovmap/law"] = f.Law
	}
	p["sovmap/component"] = f.Subject
	p["sovmap/layer"] = string(f.Layer)
	p["sovmap/level"] = int(f.Level)
	p["sovmap/effectiveLevel"] = int(f.Effective)
	p["sovmap/requiredLevel"] = int(f.Required)
	if f.Kind == finding.Gap {
		p["sovmap/gap"] = f.Gap
	}
	if f.Jurisdiction != "" {
		p["sovmap/jurisdiction"] = f.Jurisdiction
	}
	if len(f.Remedies) > 0 {
		p["sovmap/remedies"] = f.Remedies
	}
	return p
}

// artifactURI turns an inventory file name into a SARIF artifact location:
// relative to %SRCROOT% where possible, an absolute file: URI otherwise.
func artifactURI(file, root string) artifactLocation {
	if filepath.IsAbs(file) && root != "" {
		if absRoot, err := filepath.Abs(root); err == nil {
			if rel, err := filepath.Rel(absRoot, file); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
				file = rel
			}
		}
	}
	clean := filepath.ToSlash(filepath.Clean(file))
	if !filepath.IsAbs(file) && (clean == ".." || strings.HasPrefix(clean, "../")) {
		// Above the source root: code scanning cannot place it relative
		// to the repository, so name it whole.
		if abs, err := filepath.Abs(filepath.Join(root, file)); err == nil {
			file = abs
		}
	}
	if filepath.IsAbs(file) {
		u := url.URL{Scheme: "file", Path: filepath.ToSlash(file)}
		return artifactLocation{URI: u.String()}
	}
	p := strings.TrimPrefix(clean, "./")
	u := url.URL{Path: p}
	return artifactLocation{URI: u.String(), URIBaseID: SourceRootID}
}

func mimeType(uri string) string {
	switch strings.ToLower(filepath.Ext(uri)) {
	case ".yaml", ".yml":
		return "application/yaml"
	case ".json":
		return "application/json"
	}
	return ""
}
