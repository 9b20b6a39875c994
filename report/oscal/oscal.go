// Package oscal writes an assessment as an OSCAL 1.1.3 assessment-results
// document in JSON, the NIST format compliance tools exchange.
//
// The mapping:
//   - every inventory component is a system component in the result's
//     local definitions, and gets an observation stating its levels and
//     binding factors; every checked flow gets an observation too;
//   - every finding of package finding becomes a risk (open, with its
//     remedies as recommended remediations) and a not-satisfied OSCAL
//     finding; components that meet their required level get a satisfied one;
//   - jurisdiction, level, effective and required level, gap, layer and the
//     rest are props in the sovmap namespace (NS).
//
// Identifiers of components, observations, risks and findings are name-based
// (version 5) UUIDs of stable keys, so the same finding has the same UUID in
// every run; the document UUID changes with every document, as OSCAL asks.
package oscal

import (
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/finding"
	"github.com/sovmap/sovmap/internal/jsonstream"
	"github.com/sovmap/sovmap/internal/plural"
	"github.com/sovmap/sovmap/report"
)

// NS is the namespace of sovmap's props.
const NS = "https://sovmap.dev/ns/oscal"

// Version is the OSCAL version the document conforms to.
const Version = "1.1.3"

// Options tune the document. The zero value is valid.
type Options struct {
	// Now stamps metadata.last-modified, the result's start and end and the
	// observations' collection time; the zero value means time.Now().
	Now time.Time
	// ToolVersion is sovmap's version, recorded on the tool component.
	ToolVersion string
}

// Write writes the report as OSCAL assessment results with default options.
// inv may be nil; it supplies positions and inventory facts (locations,
// data classes) for the props.
func Write(w io.Writer, r *sovmap.Report, inv *sovmap.Inventory) error {
	return WriteOptions(w, r, inv, Options{})
}

// WriteOptions writes the report as OSCAL assessment results: WriteStream
// over the report held whole, so that the command line and the server
// write the same bytes.
func WriteOptions(w io.Writer, r *sovmap.Report, inv *sovmap.Inventory, opts Options) error {
	if r == nil {
		return fmt.Errorf("oscal: no report to write")
	}
	return WriteStream(w, report.StreamOf(r, inv), opts)
}

// WriteStream writes a report stream as OSCAL assessment results. A
// component's inventory facts and, when it has none, its position come
// from the inventory spec passed with it.
//
// The result's four lists with an item per component (local definitions,
// observations, risks, findings) are written as they come, one pass over
// the components each, so four passes: the writer holds one
// component's findings, the inventory files met and which flow ends are
// components, whatever the report's size. Risks and findings come a
// component at a time, each component's in the order of finding.Kinds
// (finding.Finder), its satisfied finding after them, then the flow
// violations'. The result's description and props count the components
// of Head.Summary, written before the components are read. If the stream
// fails midway, what was written is a truncated document.
func WriteStream(w io.Writer, s report.Stream, opts Options) error {
	if s.Head == nil {
		return fmt.Errorf("oscal: no report to write")
	}
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	if err := writeStream(jsonstream.New(w), s, opts); err != nil {
		return fmt.Errorf("oscal: %w", err)
	}
	return nil
}

func writeStream(j *jsonstream.Writer, s report.Stream, opts Options) error {
	r := s.Head
	w := newWriter(j, s, opts)
	org := strings.TrimSpace(r.Organization)
	title := "sovmap sovereignty assessment"
	if org != "" {
		title += " of " + org
	}
	var mp props
	mp.add("home", r.Home)
	meta := metadata{
		Title:        title,
		LastModified: w.now,
		Version:      w.now,
		OSCALVersion: Version,
		Props:        mp,
	}
	if org != "" {
		meta.Parties = []party{{UUID: id("party/" + org), Type: "organization", Name: org}}
	}
	planUUID := id("inventory/" + r.Organization)
	j.BeginObject()
	j.Name("assessment-results")
	j.BeginObject()
	j.Member("uuid", id("document/"+r.Organization+"/"+opts.Now.UTC().Format(time.RFC3339Nano)))
	j.Member("metadata", meta)
	// The inventory stands in for an assessment plan: import-ap points at a
	// back-matter resource that links the inventory files.
	j.Member("import-ap", href{Href: "#" + planUUID})
	j.Name("results")
	j.BeginArray()
	j.BeginObject()
	w.resultHead(title)
	// One pass over the components for each list with an item per
	// component, in the order OSCAL gives the lists.
	for _, list := range []func() error{w.definitions, w.observations, w.risks, w.findings} {
		if err := list(); err != nil {
			return err
		}
	}
	j.EndObject()
	j.EndArray()

	plan := resource{
		UUID:        planUUID,
		Title:       "sovmap inventory",
		Description: "The inventory the assessment was made from; sovmap assesses an inventory, not an OSCAL assessment plan.",
	}
	for _, f := range slices.Sorted(maps.Keys(w.files)) {
		plan.Rlinks = append(plan.Rlinks, rlink{Href: f, MediaType: mediaType(f)})
	}
	j.Member("back-matter", backMatter{Resources: []resource{plan}})
	j.EndObject()
	j.EndObject()
	return j.Close()
}

// writer writes the lists of a document's result as it reads a stream's
// components, keeping only the facts the document lists once.
type writer struct {
	j    *jsonstream.Writer
	s    report.Stream
	opts Options
	// now is the time the document is stamped with.
	now string
	// tool is the origin of every observation, risk and finding: sovmap.
	tool []origin
	// files are the inventory files met, for the back matter.
	files map[string]bool
	// isComponent says which ends of the flows are components (known
	// after the definitions' pass): a flow's observation names those as
	// its subjects.
	isComponent map[string]bool
	// flowPos are the positions of the inventory's flows.
	flowPos map[string]sovmap.Pos
}

func newWriter(j *jsonstream.Writer, s report.Stream, opts Options) *writer {
	w := &writer{
		j: j, s: s, opts: opts,
		now:         opts.Now.UTC().Format(time.RFC3339),
		tool:        []origin{{Actors: []actor{{Type: "tool", ActorUUID: id("tool/sovmap")}}}},
		files:       map[string]bool{},
		isComponent: map[string]bool{},
		flowPos:     map[string]sovmap.Pos{},
	}
	for _, fl := range s.Head.Flows {
		w.isComponent[fl.From], w.isComponent[fl.To] = false, false
	}
	if s.Inventory != nil {
		for _, f := range s.Inventory.Flows {
			w.flowPos[f.ID] = f.Pos
			addFile(w.files, f.Pos)
		}
	}
	return w
}

// resultHead writes the members of the result before its lists. The
// component count is the head's summary's, since the components have not
// been read yet.
func (w *writer) resultHead(title string) {
	r := w.s.Head
	w.j.Member("uuid", id("result/"+r.Organization+"/"+w.now))
	w.j.Member("title", title)
	w.j.Member("description", fmt.Sprintf("Levels on the sovereignty spectrum (0 exposed to 4 domestic), requirements, gaps, data-flow checks and foreign exposure of %s, from the point of view of home jurisdiction %s.", plural.Count(r.Summary.Components, "component"), orUnknown(r.Home)))
	w.j.Member("start", w.now)
	w.j.Member("end", w.now)
	var rp props
	rp.add("home", r.Home)
	rp.add("components", strconv.Itoa(r.Summary.Components))
	rp.add("gaps", strconv.Itoa(r.Summary.Gaps))
	rp.add("max-gap", strconv.Itoa(r.Summary.MaxGap))
	rp.add("flow-violations", strconv.Itoa(r.Summary.Violations))
	rp.add("hhi-provider", strconv.Itoa(r.Summary.HHIProvider))
	rp.add("exposed-components", strconv.Itoa(r.Summary.Exposed))
	w.j.Member("props", rp)
}

// definitions writes the tool and every component as local definitions,
// then the reviewed controls, noting the inventory files and which flow
// ends are components.
func (w *writer) definitions() error {
	j := w.j
	j.Name("local-definitions")
	j.BeginObject()
	j.Name("components")
	j.BeginArray()
	var toolProps props
	toolProps.add("version", w.opts.ToolVersion)
	j.Value(component{
		UUID: id("tool/sovmap"), Type: "software", Title: "sovmap",
		Description: "sovmap, the sovereignty-as-code assessment tool that produced these results.",
		Props:       toolProps, Status: state{State: "operational"},
	})
	err := w.s.Components(func(c *sovmap.ComponentResult, spec *sovmap.Component) error {
		addFile(w.files, c.Pos)
		if spec != nil {
			addFile(w.files, spec.Pos)
		}
		if _, ok := w.isComponent[c.ID]; ok {
			w.isComponent[c.ID] = true
		}
		j.Value(definition(c, spec))
		return j.Err()
	})
	if err != nil {
		return err
	}
	j.EndArray()
	j.EndObject()
	j.Member("reviewed-controls", reviewedControls{
		Description: "sovmap's objectives: each component reaches its required level, data flows obey the transfer rules, no foreign compelled-access law reaches data unmitigated, no restricted jurisdiction is involved, and every law of home that covers a component has its condition met.",
		ControlSelections: []controlSelection{{
			Description: "All sovmap objectives.",
		}},
	})
	return nil
}

// observations writes one observation per component and per flow.
func (w *writer) observations() error {
	obs := w.j.OmitEmptyArray("observations")
	err := w.s.Components(func(c *sovmap.ComponentResult, spec *sovmap.Component) error {
		obs.Add(w.componentObservation(c, spec))
		return w.j.Err()
	})
	if err != nil {
		return err
	}
	for i := range w.s.Head.Flows {
		fl := &w.s.Head.Flows[i]
		obs.Add(w.flowObservation(fl, w.flowPos[fl.ID]))
	}
	obs.End()
	return nil
}

// risks writes one risk per sovmap finding.
func (w *writer) risks() error {
	risks := w.j.OmitEmptyArray("risks")
	if err := w.eachFinding(func(f finding.Finding) { risks.Add(w.risk(f)) }, nil); err != nil {
		return err
	}
	risks.End()
	return nil
}

// findings writes one not-satisfied finding per sovmap finding, and a
// satisfied one per component that meets its requirement, so that an
// auditor sees every component's verdict.
func (w *writer) findings() error {
	findings := w.j.OmitEmptyArray("findings")
	err := w.eachFinding(func(f finding.Finding) { findings.Add(w.notSatisfied(f)) },
		func(c *sovmap.ComponentResult) {
			// A component without a gap meets its required level.
			if c.Gap <= 0 {
				findings.Add(w.satisfied(c))
			}
		})
	if err != nil {
		return err
	}
	findings.End()
	return nil
}

// The OSCAL assessment-results model, reduced to what sovmap writes. Every
// slice is omitted when empty: OSCAL arrays have at least one item.
type (
	metadata struct {
		Title        string  `json:"title"`
		LastModified string  `json:"last-modified"`
		Version      string  `json:"version"`
		OSCALVersion string  `json:"oscal-version"`
		Props        []prop  `json:"props,omitempty"`
		Parties      []party `json:"parties,omitempty"`
	}
	party struct {
		UUID string `json:"uuid"`
		Type string `json:"type"`
		Name string `json:"name"`
	}
	href struct {
		Href string `json:"href"`
	}
	prop struct {
		Name  string `json:"name"`
		NS    string `json:"ns"`
		Value string `json:"value"`
		Class string `json:"class,omitempty"`
	}
	component struct {
		UUID        string `json:"uuid"`
		Type        string `json:"type"`
		Title       string `json:"title"`
		Description string `json:"description"`
		Props       []prop `json:"props,omitempty"`
		Status      state  `json:"status"`
	}
	state struct {
		State string `json:"state"`
	}
	reviewedControls struct {
		Description       string             `json:"description"`
		ControlSelections []controlSelection `json:"control-selections"`
	}
	controlSelection struct {
		Description string   `json:"description"`
		IncludeAll  struct{} `json:"include-all"`
	}
	origin struct {
		Actors []actor `json:"actors"`
	}
	actor struct {
		Type      string `json:"type"`
		ActorUUID string `json:"actor-uuid"`
	}
	subject struct {
		SubjectUUID string `json:"subject-uuid"`
		Type        string `json:"type"`
		Title       string `json:"title,omitempty"`
	}
	evidence struct {
		Href        string `json:"href,omitempty"`
		Description string `json:"description"`
	}
	observation struct {
		UUID             string     `json:"uuid"`
		Title            string     `json:"title"`
		Description      string     `json:"description"`
		Props            []prop     `json:"props,omitempty"`
		Methods          []string   `json:"methods"`
		Types            []string   `json:"types,omitempty"`
		Origins          []origin   `json:"origins,omitempty"`
		Subjects         []subject  `json:"subjects,omitempty"`
		RelevantEvidence []evidence `json:"relevant-evidence,omitempty"`
		Collected        string     `json:"collected"`
	}
	risk struct {
		UUID                string               `json:"uuid"`
		Title               string               `json:"title"`
		Description         string               `json:"description"`
		Statement           string               `json:"statement"`
		Props               []prop               `json:"props,omitempty"`
		Status              string               `json:"status"`
		Origins             []origin             `json:"origins,omitempty"`
		Characterizations   []characterization   `json:"characterizations,omitempty"`
		Remediations        []remediation        `json:"remediations,omitempty"`
		RelatedObservations []relatedObservation `json:"related-observations,omitempty"`
	}
	characterization struct {
		Origin origin  `json:"origin"`
		Facets []facet `json:"facets"`
	}
	facet struct {
		Name   string `json:"name"`
		System string `json:"system"`
		Value  string `json:"value"`
	}
	remediation struct {
		UUID        string `json:"uuid"`
		Lifecycle   string `json:"lifecycle"`
		Title       string `json:"title"`
		Description string `json:"description"`
	}
	relatedObservation struct {
		ObservationUUID string `json:"observation-uuid"`
	}
	relatedRisk struct {
		RiskUUID string `json:"risk-uuid"`
	}
	oscalFinding struct {
		UUID                string               `json:"uuid"`
		Title               string               `json:"title"`
		Description         string               `json:"description"`
		Props               []prop               `json:"props,omitempty"`
		Origins             []origin             `json:"origins,omitempty"`
		Target              target               `json:"target"`
		RelatedObservations []relatedObservation `json:"related-observations,omitempty"`
		RelatedRisks        []relatedRisk        `json:"related-risks,omitempty"`
	}
	target struct {
		Type     string `json:"type"`
		TargetID string `json:"target-id"`
		Title    string `json:"title,omitempty"`
		Status   state  `json:"status"`
	}
	backMatter struct {
		Resources []resource `json:"resources"`
	}
	resource struct {
		UUID        string  `json:"uuid"`
		Title       string  `json:"title"`
		Description string  `json:"description,omitempty"`
		Rlinks      []rlink `json:"rlinks,omitempty"`
	}
	rlink struct {
		Href      string `json:"href"`
		MediaType string `json:"media-type,omitempty"`
	}
)

// Objective ids: what each OSCAL finding targets. They name sovmap's own
// objectives, since the spectrum is not a catalog control.
const (
	objectiveRequiredLevel = "sovmap.required-level"
	objectiveTransfer      = "sovmap.data-transfer"
	objectiveExposure      = "sovmap.foreign-exposure"
	objectiveRestricted    = "sovmap.restricted-jurisdiction"
	objectiveLegal         = "sovmap.legal-condition"
)

func objective(k finding.Kind) string {
	switch k {
	case finding.Gap:
		return objectiveRequiredLevel
	case finding.FlowViolation:
		return objectiveTransfer
	case finding.ForeignExposure:
		return objectiveExposure
	case finding.LegalCondition:
		return objectiveLegal
	default:
		return objectiveRestricted
	}
}

// props builds a list of sovmap props, skipping empty values: OSCAL forbids
// them.
type props []prop

func (p *props) add(name, value string) {
	value = strings.TrimSpace(value)
	if value == "" {
		return
	}
	*p = append(*p, prop{Name: name, NS: NS, Value: value})
}

func (p *props) addAll(name string, values []string) {
	for _, v := range values {
		p.add(name, v)
	}
}

func (p *props) level(name string, l sovmap.Level) {
	p.add(name, strconv.Itoa(int(l)))
}

// eachFinding reads the components once, calling add with each
// component's findings and then done (if not nil) with the component,
// and at the end calls add with the flow violations.
func (w *writer) eachFinding(add func(finding.Finding), done func(*sovmap.ComponentResult)) error {
	s := w.s
	fd := finding.NewFinder(s.Head)
	var fs []finding.Finding
	err := s.Components(func(c *sovmap.ComponentResult, spec *sovmap.Component) error {
		fs = fd.Component(fs[:0], c, spec)
		for _, f := range fs {
			add(f)
		}
		if done != nil {
			done(c)
		}
		return w.j.Err()
	})
	if err != nil {
		return err
	}
	for _, f := range finding.Flows(s.Head, s.Inventory) {
		add(f)
	}
	return nil
}

// definition is a component's local definition. spec, when known, gives
// its name and inventory facts.
func definition(c *sovmap.ComponentResult, spec *sovmap.Component) component {
	var p props
	p.add("layer", string(c.Layer))
	p.add("provider", c.Provider)
	p.add("controller", c.Controller)
	desc := fmt.Sprintf("%s component %s", c.Layer, c.ID)
	if spec != nil {
		if spec.Name != "" {
			desc = fmt.Sprintf("%s (%s)", spec.Name, desc)
		}
		p.addAll("location", spec.Locations)
		p.addAll("operated-from", spec.OperatedFrom)
		p.addAll("data-class", spec.Data)
		p.add("criticality", string(spec.Criticality))
		p.add("key-custody", string(spec.KeyCustody))
	}
	return component{
		UUID: componentUUID(c.ID), Type: "service", Title: c.ID, Description: desc + ".",
		Props: p, Status: state{State: "operational"},
	}
}

func (w *writer) componentObservation(c *sovmap.ComponentResult, spec *sovmap.Component) observation {
	var p props
	p.add("layer", string(c.Layer))
	p.level("level", c.Level)
	p.level("effective-level", c.EffectiveLevel)
	p.level("required-level", c.RequiredLevel)
	p.add("gap", strconv.Itoa(c.Gap))
	p.add("sourcing", string(c.Sourcing))
	p.add("limited-by", c.LimitedBy)
	for _, b := range c.Binding {
		p.add("binding-factor", string(b))
	}
	p.addAll("jurisdiction", c.Exposure)
	var specPos sovmap.Pos
	if spec != nil {
		specPos = spec.Pos
	}
	return observation{
		UUID:             observationUUID("component/" + c.ID),
		Title:            "Sovereignty level of " + c.ID,
		Description:      componentDescription(c),
		Props:            p,
		Methods:          []string{"EXAMINE"},
		Origins:          w.tool,
		Subjects:         []subject{{SubjectUUID: componentUUID(c.ID), Type: "component", Title: c.ID}},
		RelevantEvidence: evidenceFor(c.Pos, specPos, "Inventory entry of component "+c.ID+"."),
		Collected:        w.now,
	}
}

// flowObservation is a flow's observation; its ends that are components
// are its subjects, and pos stands in for the flow's position when it has
// none.
func (w *writer) flowObservation(fl *sovmap.FlowResult, pos sovmap.Pos) observation {
	var p props
	p.add("flow-from", fl.From)
	p.add("flow-to", fl.To)
	p.addAll("data-class", fl.Data)
	p.add("mechanism", string(fl.Mechanism))
	p.add("verdict", string(fl.Verdict))
	p.addAll("from-jurisdiction", fl.FromJurisdictions)
	p.addAll("to-jurisdiction", fl.ToJurisdictions)
	var subs []subject
	for _, end := range []string{fl.From, fl.To} {
		if w.isComponent[end] {
			subs = append(subs, subject{SubjectUUID: componentUUID(end), Type: "component", Title: end})
		}
	}
	desc := fmt.Sprintf("Data flow %s from %s to %s: %s.", fl.ID, fl.From, fl.To, fl.Verdict)
	if len(fl.Reasons) > 0 {
		desc += " " + strings.Join(fl.Reasons, "; ") + ". Basis: " + report.BasisText(fl.Basis, fl.Citation) + "."
	}
	return observation{
		UUID:             observationUUID("flow/" + fl.ID),
		Title:            "Data flow " + fl.ID,
		Description:      desc,
		Props:            p,
		Methods:          []string{"EXAMINE"},
		Origins:          w.tool,
		Subjects:         subs,
		RelevantEvidence: evidenceFor(fl.Pos, pos, "Inventory entry of flow "+fl.ID+"."),
		Collected:        w.now,
	}
}

// related is the observation a finding stems from: its component's or
// its flow's.
func related(f finding.Finding) []relatedObservation {
	key := "component/" + f.Subject
	if f.Kind == finding.FlowViolation {
		key = "flow/" + f.Subject
	}
	return []relatedObservation{{ObservationUUID: observationUUID(key)}}
}

func (w *writer) risk(f finding.Finding) risk {
	rk := risk{
		UUID:        riskUUID(f),
		Title:       riskTitle(f),
		Description: f.Message,
		Statement:   riskStatement(f),
		Props:       findingProps(f),
		Status:      "open",
		Origins:     w.tool,
		Characterizations: []characterization{{
			Origin: w.tool[0],
			Facets: []facet{{Name: "severity", System: NS, Value: string(f.Severity)}},
		}},
		RelatedObservations: related(f),
	}
	for i, remedy := range f.Remedies {
		rk.Remediations = append(rk.Remediations, remediation{
			UUID:        id(fmt.Sprintf("remediation/%s/%d", f.Key(), i)),
			Lifecycle:   "recommendation",
			Title:       "Raise " + f.Subject,
			Description: capitalize(remedy) + ".",
		})
	}
	return rk
}

// notSatisfied is the OSCAL finding of a sovmap finding, which points at
// its risk.
func (w *writer) notSatisfied(f finding.Finding) oscalFinding {
	return oscalFinding{
		UUID:        id("finding/" + f.Key()),
		Title:       riskTitle(f),
		Description: f.Message,
		Props:       findingProps(f),
		Origins:     w.tool,
		Target: target{
			Type: "objective-id", TargetID: objective(f.Kind),
			Status: state{State: "not-satisfied"},
		},
		RelatedObservations: related(f),
		RelatedRisks:        []relatedRisk{{RiskUUID: riskUUID(f)}},
	}
}

// satisfied is the finding of a component that meets its required level.
func (w *writer) satisfied(c *sovmap.ComponentResult) oscalFinding {
	var p props
	p.level("effective-level", c.EffectiveLevel)
	p.level("required-level", c.RequiredLevel)
	return oscalFinding{
		UUID:        id("finding/satisfied/" + c.ID),
		Title:       c.ID + " meets its required level",
		Description: fmt.Sprintf("Component %s is at effective level %d (%s), at or above its required level %d (%s).", c.ID, c.EffectiveLevel, c.EffectiveLevel, c.RequiredLevel, c.RequiredLevel),
		Props:       p,
		Origins:     w.tool,
		Target: target{
			Type: "objective-id", TargetID: objectiveRequiredLevel,
			Status: state{State: "satisfied"},
		},
		RelatedObservations: []relatedObservation{{ObservationUUID: observationUUID("component/" + c.ID)}},
	}
}

func componentUUID(compID string) string { return id("component/" + compID) }
func observationUUID(key string) string  { return id("observation/" + key) }
func riskUUID(f finding.Finding) string  { return id("risk/" + f.Key()) }

func findingProps(f finding.Finding) props {
	var p props
	p.add("finding-kind", string(f.Kind))
	p.add("severity", string(f.Severity))
	p.add("basis", string(f.Basis))
	p.add("law", f.Law)
	if f.Kind == finding.FlowViolation {
		p.add("flow", f.Subject)
		return p
	}
	p.add("component", f.Subject)
	p.add("layer", string(f.Layer))
	p.add("jurisdiction", f.Jurisdiction)
	p.level("level", f.Level)
	p.level("effective-level", f.Effective)
	p.level("required-level", f.Required)
	if f.Kind == finding.Gap {
		p.add("gap", strconv.Itoa(f.Gap))
	}
	return p
}

func riskTitle(f finding.Finding) string {
	switch f.Kind {
	case finding.Gap:
		return fmt.Sprintf("%s is %d level(s) below its required level", f.Subject, f.Gap)
	case finding.FlowViolation:
		return "Data flow " + f.Subject + " violates the transfer rules"
	case finding.ForeignExposure:
		return fmt.Sprintf("%s law reaches %s", f.Jurisdiction, f.Subject)
	case finding.LegalCondition:
		return fmt.Sprintf("%s does not meet the condition of %s", f.Subject, f.Law)
	default:
		return fmt.Sprintf("Restricted jurisdiction %s reaches %s", f.Jurisdiction, f.Subject)
	}
}

func riskStatement(f finding.Finding) string {
	switch f.Kind {
	case finding.Gap:
		return fmt.Sprintf("Data or services of %s are less sovereign than the organization requires: a foreign actor or decision can reach what must stay under home control.", f.Subject)
	case finding.FlowViolation:
		return fmt.Sprintf("The transfer %s may be unlawful and can expose the data it carries.", f.Subject)
	case finding.ForeignExposure:
		return fmt.Sprintf("Authorities of %s can compel access to %s.", f.Jurisdiction, f.Subject)
	case finding.LegalCondition:
		return fmt.Sprintf("%s may be used against the conditions of %s (%s).", f.Subject, f.Law, f.Citation)
	default:
		return fmt.Sprintf("%s depends on %s, a jurisdiction the organization treats as restricted.", f.Subject, f.Jurisdiction)
	}
}

func componentDescription(c *sovmap.ComponentResult) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Own level %d (%s), effective level %d (%s), required level %d (%s), gap %d; sourcing advice: %s.",
		c.Level, c.Level, c.EffectiveLevel, c.EffectiveLevel, c.RequiredLevel, c.RequiredLevel, c.Gap, c.Sourcing)
	if c.LimitedBy != "" {
		fmt.Fprintf(&b, " Limited by dependency %s.", c.LimitedBy)
	}
	for _, f := range c.Factors {
		fmt.Fprintf(&b, " %s: level %d, %s.", f.Name, f.Level, strings.TrimSuffix(f.Reason, "."))
	}
	for _, q := range c.Reasons {
		line := report.RequirementLine(q)
		fmt.Fprintf(&b, " %s.", strings.TrimSuffix(strings.ToUpper(line[:1])+line[1:], "."))
	}
	return b.String()
}

// evidenceFor links the inventory line as evidence, when it is known.
func evidenceFor(pos, fallback sovmap.Pos, desc string) []evidence {
	if pos.File == "" {
		pos = fallback
	}
	if pos.File == "" {
		return nil
	}
	h := strings.ReplaceAll(pos.File, " ", "%20")
	if pos.Line > 0 {
		h += "#L" + strconv.Itoa(pos.Line)
	}
	return []evidence{{Href: h, Description: desc + " (" + pos.String() + ")"}}
}

// addFile adds the file of a position, as a back-matter link, to files.
func addFile(files map[string]bool, p sovmap.Pos) {
	if p.File != "" {
		files[strings.ReplaceAll(p.File, " ", "%20")] = true
	}
}

func mediaType(f string) string {
	switch {
	case strings.HasSuffix(f, ".yaml"), strings.HasSuffix(f, ".yml"):
		return "application/yaml"
	case strings.HasSuffix(f, ".json"):
		return "application/json"
	}
	return ""
}

func orUnknown(s string) string {
	if s == "" {
		return "(unknown)"
	}
	return s
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// urlNamespace is the RFC 9562 namespace for names that are URLs.
var urlNamespace = [16]byte{0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8}

// namespace is sovmap's namespace of name-based UUIDs: the version 5
// UUID of NS in the URL namespace.
var namespace = uuid5(urlNamespace, NS)

// id is the name-based UUID of a key in sovmap's namespace.
func id(key string) string { return format(uuid5(namespace, key)) }

// uuid5 computes an RFC 9562 version 5 (SHA-1, name-based) UUID.
func uuid5(ns [16]byte, name string) [16]byte {
	sum := sha1.Sum(append(ns[:], name...))
	var u [16]byte
	copy(u[:], sum[:])
	u[6] = (u[6] & 0x0f) | 0x50
	u[8] = (u[8] & 0x3f) | 0x80
	return u
}

// format writes a UUID in its canonical form, 8-4-4-4-12 hex digits.
func format(u [16]byte) string {
	var b [36]byte
	hex.Encode(b[0:8], u[0:4])
	hex.Encode(b[9:13], u[4:6])
	hex.Encode(b[14:18], u[6:8])
	hex.Encode(b[19:23], u[8:10])
	hex.Encode(b[24:], u[10:])
	b[8], b[13], b[18], b[23] = '-', '-', '-', '-'
	return string(b[:])
}
