// Package report writes assessment results for people and machines: a
// terminal table, Markdown and the JSON contract of docs/inventory.md "Output".
// Other formats (SARIF, OSCAL, CycloneDX, HTML, spreadsheets) live in
// subpackages with the same Write signature. The tables, Markdown and the
// full JSON also have a StreamWriter (WriteTableStream, ...), which takes
// the components one at a time from a Stream, so that the server writes a
// stored version's report without decoding it whole; their whole writer
// is the stream writer over StreamOf, so both give the same bytes. The
// JSON contract streams from stored bytes (WriteJSONStream).
package report

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/internal/jsonstream"
	"github.com/sovmap/sovmap/internal/plural"
)

// WriteJSON writes the report as one JSON object, the machine contract of
// docs/inventory.md "Output": per component the levels, gap, sourcing, binding
// factors, exposure (with each law's channel and mitigation) and reasons. The factor-by-factor breakdown is left to
// WriteJSONDetail (and `sovmap explain`), because it multiplies the size of
// a large inventory's report several times. Components, flows and providers
// are written one per line, streaming, so that a report of a million
// components never exists twice in memory.
func WriteJSON(w io.Writer, r *sovmap.Report, _ *sovmap.Inventory) error {
	return writeJSON(w, r, func(bw io.Writer) (int, error) {
		return len(r.Components), writeParallel(bw, len(r.Components), func(buf []byte, i int) ([]byte, error) { return appendComponent(buf, &r.Components[i]) })
	})
}

// writeJSON writes the JSON contract of r, but for its components, which
// components writes as the members of a list, each after its itemSep, and
// counts.
func writeJSON(w io.Writer, r *sovmap.Report, components func(w io.Writer) (int, error)) error {
	bw := bufio.NewWriterSize(w, 1<<20)
	opts := json.Deterministic(true)
	var err error
	put := func(s string) {
		if err == nil {
			_, err = bw.WriteString(s)
		}
	}
	value := func(v any) {
		if err == nil {
			err = json.MarshalWrite(bw, v, opts)
		}
	}
	list := func(name string, n int, item func(i int) any) {
		put(",\n\"" + name + "\": [")
		for i := 0; i < n; i++ {
			put(itemSep(i))
			value(item(i))
		}
		if n > 0 {
			put("\n")
		}
		put("]")
	}
	put("{\"organization\": ")
	value(r.Organization)
	put(", \"home\": ")
	value(r.Home)
	if err == nil {
		put(",\n\"components\": [")
		var n int
		n, err = components(bw)
		if n > 0 {
			put("\n")
		}
		put("]")
	}
	list("flows", len(r.Flows), func(i int) any { return &r.Flows[i] })
	list("providers", len(r.Providers), func(i int) any { return &r.Providers[i] })
	list("layers", len(r.Layers), func(i int) any { return &r.Layers[i] })
	put(",\n\"summary\": ")
	value(r.Summary)
	if len(r.Notes) > 0 {
		list("notes", len(r.Notes), func(i int) any { return r.Notes[i] })
	}
	put("\n}\n")
	if err != nil {
		return err
	}
	return bw.Flush()
}

// itemSep is what goes before member i of a list in the JSON report: a
// comma after the first member, and each member on its own indented line.
// Every list of the report, streamed or not, is separated by it, so that
// all ways of writing a report give the same bytes.
func itemSep(i int) string {
	if i == 0 {
		return "\n  "
	}
	return ",\n  "
}

// writeParallel writes n items as the members of a JSON list, each on its
// own line, marshalling chunks of them on every core while this goroutine
// writes the finished chunks in order. At most a few chunks are in memory.
func writeParallel(w io.Writer, n int, appendItem func(buf []byte, i int) ([]byte, error)) error {
	const chunk = 4096
	type part struct {
		lo, hi int
		buf    []byte
		err    error
		done   chan struct{}
	}
	workers := runtime.GOMAXPROCS(0)
	jobs := make(chan *part, 2*workers)
	order := make(chan *part, 2*workers)
	// Written chunks hand their buffers back: a million components then
	// reuse a few megabytes instead of growing hundreds of fresh buffers.
	free := make(chan []byte, 3*workers+2)
	go func() {
		for lo := 0; lo < n; lo += chunk {
			p := &part{lo: lo, hi: min(lo+chunk, n), done: make(chan struct{})}
			order <- p
			jobs <- p
		}
		close(order)
		close(jobs)
	}()
	for w := 0; w < workers; w++ {
		go func() {
			for p := range jobs {
				select {
				case p.buf = <-free:
				default:
				}
				for i := p.lo; i < p.hi && p.err == nil; i++ {
					p.buf = append(p.buf, itemSep(i)...)
					p.buf, p.err = appendItem(p.buf, i)
				}
				close(p.done)
			}
		}()
	}
	var err error
	for p := range order {
		<-p.done
		if err == nil {
			err = p.err
		}
		if err == nil {
			_, err = w.Write(p.buf)
		}
		select {
		case free <- p.buf[:0]:
		default:
		}
	}
	return err
}

// appendString appends s as a JSON string. Identifiers and country codes
// are plain ASCII and are copied as they are; anything else goes through
// the library, which escapes it.
func appendString(b []byte, s string) ([]byte, error) {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x80 || c == '"' || c == '\\' {
			return jsontext.AppendQuote(b, s)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"'), nil
}

// appendComponent appends a component's result in the contract's JSON, the
// fields of componentView (append_test.go) in its order. It is written by hand because it
// runs a million times for a national inventory; TestAppendComponent holds
// it to what the JSON library makes of the same fields.
func appendComponent(b []byte, c *sovmap.ComponentResult) ([]byte, error) {
	var err error
	str := func(name, v string, omitEmpty bool) {
		if omitEmpty && v == "" {
			return
		}
		if b[len(b)-1] != '{' {
			b = append(b, ',')
		}
		b = append(b, '"')
		b = append(b, name...)
		b = append(b, '"', ':')
		var e error
		if b, e = appendString(b, v); e != nil && err == nil {
			err = e
		}
	}
	num := func(name string, v int) {
		b = append(b, ',', '"')
		b = append(b, name...)
		b = append(b, '"', ':')
		b = strconv.AppendInt(b, int64(v), 10)
	}
	list := func(name string, n int, item func(i int) string) {
		b = append(b, ',', '"')
		b = append(b, name...)
		b = append(b, '"', ':', '[')
		for i := 0; i < n; i++ {
			if i > 0 {
				b = append(b, ',')
			}
			var e error
			if b, e = appendString(b, item(i)); e != nil && err == nil {
				err = e
			}
		}
		b = append(b, ']')
	}
	b = append(b, '{')
	str("id", c.ID, false)
	str("layer", string(c.Layer), false)
	str("provider", c.Provider, true)
	str("controller", c.Controller, true)
	num("level", int(c.Level))
	num("effective_level", int(c.EffectiveLevel))
	str("limited_by", c.LimitedBy, true)
	num("required_level", int(c.RequiredLevel))
	num("gap", c.Gap)
	str("sourcing", string(c.Sourcing), false)
	list("binding", len(c.Binding), func(i int) string { return string(c.Binding[i]) })
	list("exposure", len(c.Exposure), func(i int) string { return c.Exposure[i] })
	// Each exposure's law, channel and mitigation: without them a saved
	// report read back as a baseline cannot tell a mitigated exposure from
	// an unmitigated one.
	if len(c.ExposureDetails) > 0 {
		b = append(b, `,"exposure_details":[`...)
		for i, x := range c.ExposureDetails {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, '{')
			str("jurisdiction", x.Jurisdiction, false)
			str("law", x.Law, false)
			str("via", string(x.Via), false)
			str("tier", x.Tier, false)
			if x.Mitigated {
				b = append(b, `,"mitigated":true`...)
			}
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	b = append(b, `,"reasons":[`...)
	for i, q := range c.Reasons {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"level":`...)
		b = strconv.AppendInt(b, int64(q.Level), 10)
		str("category", string(q.Category), false)
		str("basis", string(q.Basis), false)
		str("source", q.Source, false)
		str("reason", q.Reason, false)
		// A law's reason adds its citation and condition: in a health or
		// banking inventory that is most components, so it is written here
		// too rather than by the library.
		str("citation", q.Citation, true)
		if q.Contested {
			b = append(b, `,"contested":true`...)
		}
		str("condition", string(q.Condition), true)
		if len(q.Checks) > 0 {
			b = append(b, `,"checks":[`...)
			for j, ch := range q.Checks {
				if j > 0 {
					b = append(b, ',')
				}
				b = append(b, '{')
				str("part", ch.Part, false)
				str("status", string(ch.Status), false)
				str("why", ch.Why, false)
				b = append(b, '}')
			}
			b = append(b, ']')
		}
		b = append(b, '}')
	}
	b = append(b, ']', '}')
	return b, err
}

// WriteJSONDetail writes the whole report, factor breakdown and exposure
// details included, as indented JSON: WriteJSONDetailStream over the
// report's stream.
func WriteJSONDetail(w io.Writer, r *sovmap.Report, _ *sovmap.Inventory) error {
	return WriteJSONDetailStream(w, StreamOf(r, nil))
}

// WriteJSONDetailStream writes what the JSON library makes of the whole
// report, indented, in one pass over the components: each is encoded in
// turn, so a writer holds one component's result and the head (flows,
// providers, layers, summary, notes) whatever the report's size. The
// inventory is not read.
func WriteJSONDetailStream(w io.Writer, s Stream) error {
	if s.Head == nil {
		return errors.New("json-full: no report to write")
	}
	j := jsonstream.New(w)
	h := s.Head
	// The members in the order of sovmap.Report's fields, as the library
	// would write the report whole.
	j.BeginObject()
	j.Member("organization", h.Organization)
	j.Member("home", h.Home)
	j.Name("components")
	j.BeginArray()
	err := s.Components(func(res *sovmap.ComponentResult, _ *sovmap.Component) error {
		j.Value(res)
		return j.Err()
	})
	if err != nil {
		return err
	}
	j.EndArray()
	j.Member("flows", h.Flows)
	j.Member("providers", h.Providers)
	j.Member("layers", h.Layers)
	j.Member("summary", &h.Summary)
	if len(h.Notes) > 0 { // omitempty
		j.Member("notes", h.Notes)
	}
	j.EndObject()
	return j.Close()
}

func levelCell(l sovmap.Level) string { return fmt.Sprintf("%d %s", l, l) }

func listOr(list []string, none string) string {
	if len(list) == 0 {
		return none
	}
	return strings.Join(list, ",")
}

func binding(fs []sovmap.FactorName) string {
	names := make([]string, len(fs))
	for i, f := range fs {
		names[i] = string(f)
	}
	return listOr(names, "-")
}

// WriteWideTable writes the report as aligned text with every column on
// one line, however long (assess --wide); WriteTable fits a terminal. It
// is WriteWideTableStream over the report's stream.
func WriteWideTable(w io.Writer, r *sovmap.Report, _ *sovmap.Inventory) error {
	return WriteWideTableStream(w, StreamOf(r, nil))
}

// WriteWideTableStream writes what WriteWideTable writes, reading the
// components twice and holding none of them: a first pass measures the
// columns of the components' table, a second writes its rows. It holds the
// head and the columns' widths whatever the report's size, and writes its
// title before the first pass. The inventory is not read.
func WriteWideTableStream(w io.Writer, st Stream) error {
	if st.Head == nil {
		return errors.New("wide table: no report to write")
	}
	out := newOutput(w, 1<<16)
	bw := out.Writer
	r := st.Head
	fmt.Fprintf(bw, "sovmap assessment of %s (home %s)\n\n", orDash(r.Organization), r.Home)
	// The title goes out before the measuring pass, as WriteTableStream's.
	if err := bw.Flush(); err != nil {
		return err
	}
	head := []string{"COMPONENT", "LAYER", "OWN", "EFFECTIVE", "REQUIRED", "GAP", "SOURCING", "BINDING", "EXPOSURE", "REQUIRED BECAUSE"}
	cols := newColumns(head, nil)
	cells := make([]string, len(head))
	err := st.Components(func(c *sovmap.ComponentResult, _ *sovmap.Component) error {
		cols.fit(wideCells(cells, c))
		return nil
	})
	if err != nil {
		return err
	}
	cols.line(bw, head)
	err = st.Components(func(c *sovmap.ComponentResult, _ *sovmap.Component) error {
		cols.line(bw, wideCells(cells, c))
		return out.err()
	})
	if err != nil {
		return err
	}
	if len(r.Flows) > 0 {
		fmt.Fprintln(bw, "\nFLOWS")
		tw := tabwriter.NewWriter(bw, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "FLOW\tFROM\tTO\tDATA\tMECHANISM\tVERDICT\tBASIS\tWHY")
		for i := range r.Flows {
			f := &r.Flows[i]
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", flowLabel(f), f.From, f.To, listOr(f.Data, "-"), f.Mechanism, f.Verdict, orDash(string(f.Basis)), decidingReason(f))
		}
		tw.Flush()
	}
	fmt.Fprintln(bw, "\nLAYERS")
	tw := tabwriter.NewWriter(bw, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "LAYER\tCOMPONENTS\t0 EXPOSED\t1 CONTRACTUAL\t2 SAFEGUARDED\t3 SOV-PARTNER\t4 DOMESTIC\tGAPS\tLOWEST")
	for _, l := range r.Layers {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%s\n", l.Layer, l.Components, l.ByLevel[0], l.ByLevel[1], l.ByLevel[2], l.ByLevel[3], l.ByLevel[4], l.Gaps, levelCell(l.Lowest))
	}
	tw.Flush()
	if len(r.Providers) > 0 {
		fmt.Fprintln(bw, "\nPROVIDERS")
		tw = tabwriter.NewWriter(bw, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "PROVIDER\tCONTROLLER\tTIER\tCOMPONENTS\tSHARE\tCRITICAL SHARE\tEXPOSURE")
		for _, p := range r.Providers {
			fmt.Fprintf(tw, "%s\t%s (%s)\t%s\t%d\t%.0f%%\t%.0f%%\t%s\n", p.ID, p.Controller, orDash(p.ControllerCountry), p.Tier, p.Components, p.Share*100, p.CriticalShare*100, listOr(p.Exposure, "-"))
		}
		tw.Flush()
	}
	s := r.Summary
	fmt.Fprintf(bw, "\nSUMMARY: %s, %d with a gap (largest %d), %d failing a law's condition, %d with a legal question open, %d reached by foreign compelled-access laws; %s, %s; provider concentration HHI %d (all components by ultimate controller, in-house as one group)\n",
		plural.Count(s.Components, "component"), s.Gaps, s.MaxGap, s.Unmet, s.Open, s.Exposed, plural.Count(s.Flows, "flow"), plural.Count(s.Violations, "violation"), s.HHIProvider)
	if s.Gaps > 0 {
		fmt.Fprintf(bw, "gaps by reason: regulatory %d, security %d, operational %d\n",
			s.GapsByCategory[sovmap.CategoryRegulatory], s.GapsByCategory[sovmap.CategorySecurity], s.GapsByCategory[sovmap.CategoryOperational])
	}
	for _, n := range r.Notes {
		fmt.Fprintln(bw, "note:", n)
	}
	return bw.Flush()
}

// wideCells fills cells with a component's row of the wide table.
func wideCells(cells []string, c *sovmap.ComponentResult) []string {
	because := "-"
	if len(c.Reasons) > 0 && c.Reasons[0].Counts() {
		because = c.Reasons[0].Source + " (" + string(c.Reasons[0].Category) + ", " + string(c.Reasons[0].Basis) + ")"
	}
	for _, q := range c.Reasons {
		if q.Condition == sovmap.ConditionUnmet || q.Condition == sovmap.ConditionOpen {
			because += "; " + q.Source + " " + string(q.Condition)
		}
	}
	eff := levelCell(c.EffectiveLevel)
	if c.LimitedBy != "" {
		eff += " via " + c.LimitedBy
	}
	return append(cells[:0], c.ID, string(c.Layer), levelCell(c.Level), eff, levelCell(c.RequiredLevel), strconv.Itoa(c.Gap),
		string(c.Sourcing), binding(c.Binding), listOr(c.Exposure, "-"), because)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// mdEscape keeps text from an inventory from breaking a Markdown table and
// from being read as HTML: Markdown passes raw HTML through, so a name such
// as <img src=x onerror=...> would become markup wherever the report is
// rendered. Entities show the characters as they are.
var mdEscape = strings.NewReplacer("|", `\|`, "\n", " ", "&", "&amp;", "<", "&lt;", ">", "&gt;").Replace

// WriteMarkdown writes the report as a Markdown document, for pull-request
// comments and wikis. It is WriteMarkdownStream over the report's stream.
func WriteMarkdown(w io.Writer, r *sovmap.Report, _ *sovmap.Inventory) error {
	return WriteMarkdownStream(w, StreamOf(r, nil))
}

// WriteMarkdownStream writes what WriteMarkdown writes, reading the
// components at most twice and holding none of them: a first pass writes
// the components' table and counts the components with a gap, a second,
// taken only when there are any, writes their gaps and remediation. It
// holds the head whatever the report's size. The inventory is not read.
func WriteMarkdownStream(w io.Writer, st Stream) error {
	if st.Head == nil {
		return errors.New("markdown: no report to write")
	}
	out := newOutput(w, 1<<16)
	bw := out.Writer
	r := st.Head
	s := r.Summary
	fmt.Fprintf(bw, "# Sovereignty assessment: %s\n\nHome jurisdiction: **%s**. %s, **%d with a gap** (largest %d), **%d failing a law's condition**, %d with a legal question open, %d reached by foreign compelled-access laws. %s, **%s**. Provider concentration (HHI, all components by ultimate controller, in-house as one group): %d.\n\nEach requirement names its basis: *law* and *guidance* are cited to their articles; *policy* is the organization's own choice; *default* is sovmap's default opinion, which the organization may override.\n\n",
		mdEscape(orDash(r.Organization)), mdEscape(r.Home), plural.Count(s.Components, "component"), s.Gaps, s.MaxGap, s.Unmet, s.Open, s.Exposed, plural.Count(s.Flows, "flow"), plural.Count(s.Violations, "violation"), s.HHIProvider)
	fmt.Fprintln(bw, "## Components\n\n| Component | Layer | Own | Effective | Required | Gap | Sourcing | Binding | Exposure |\n|---|---|---|---|---|---:|---|---|---|")
	gaps := 0
	err := st.Components(func(c *sovmap.ComponentResult, _ *sovmap.Component) error {
		eff := levelCell(c.EffectiveLevel)
		if c.LimitedBy != "" {
			eff += " (via " + c.LimitedBy + ")"
		}
		fmt.Fprintf(bw, "| %s | %s | %s | %s | %s | %d | %s | %s | %s |\n", mdEscape(c.ID), c.Layer, levelCell(c.Level), mdEscape(eff),
			levelCell(c.RequiredLevel), c.Gap, c.Sourcing, binding(c.Binding), mdEscape(listOr(c.Exposure, "-")))
		if c.Gap != 0 {
			gaps++
		}
		return out.err()
	})
	if err != nil {
		return err
	}
	if gaps > 0 {
		fmt.Fprintln(bw, "\n## Gaps and remediation")
		err = st.Components(func(c *sovmap.ComponentResult, _ *sovmap.Component) error {
			if c.Gap != 0 {
				writeGap(bw, c)
			}
			return out.err()
		})
		if err != nil {
			return err
		}
	}
	if len(r.Flows) > 0 {
		fmt.Fprintln(bw, "\n## Flows\n\n| Flow | From | To | Data | Mechanism | Verdict | Basis | Reasons |\n|---|---|---|---|---|---|---|---|")
		for _, f := range r.Flows {
			fmt.Fprintf(bw, "| %s | %s | %s | %s | %s | %s | %s | %s |\n", mdEscape(f.ID), mdEscape(f.From), mdEscape(f.To), mdEscape(listOr(f.Data, "-")), f.Mechanism, f.Verdict, BasisText(f.Basis, f.Citation), mdEscape(strings.Join(f.Reasons, "; ")))
		}
	}
	fmt.Fprintln(bw, "\n## Layers\n\n| Layer | Components | 0 | 1 | 2 | 3 | 4 | Gaps | Lowest |\n|---|---:|---:|---:|---:|---:|---:|---:|---|")
	for _, l := range r.Layers {
		fmt.Fprintf(bw, "| %s | %d | %d | %d | %d | %d | %d | %d | %s |\n", l.Layer, l.Components, l.ByLevel[0], l.ByLevel[1], l.ByLevel[2], l.ByLevel[3], l.ByLevel[4], l.Gaps, levelCell(l.Lowest))
	}
	if len(r.Providers) > 0 {
		fmt.Fprintln(bw, "\n## Providers\n\n| Provider | Controller | Tier | Components | Share | Critical share | Exposure |\n|---|---|---|---:|---:|---:|---|")
		for _, p := range r.Providers {
			fmt.Fprintf(bw, "| %s | %s (%s) | %s | %d | %.0f%% | %.0f%% | %s |\n", mdEscape(p.ID), mdEscape(p.Controller), mdEscape(orDash(p.ControllerCountry)), p.Tier, p.Components, p.Share*100, p.CriticalShare*100, mdEscape(listOr(p.Exposure, "-")))
		}
	}
	for i, n := range r.Notes {
		if i == 0 {
			fmt.Fprintln(bw, "\n## Notes")
		}
		fmt.Fprintf(bw, "- %s\n", mdEscape(n))
	}
	return bw.Flush()
}

// writeGap writes a component's gap in Markdown: what requires its level,
// the factors that bind it with their remedies, and the dependency that
// holds it down.
func writeGap(bw *bufio.Writer, c *sovmap.ComponentResult) {
	fmt.Fprintf(bw, "\n### %s: gap %d (requires %s, effectively %s)\n\n", mdEscape(c.ID), c.Gap, c.RequiredLevel, c.EffectiveLevel)
	for _, q := range c.Reasons {
		fmt.Fprintf(bw, "- %s\n", mdEscape(RequirementLine(q)))
		for _, ch := range q.Checks {
			fmt.Fprintf(bw, "  - %s %s: %s\n", ch.Status, mdEscape(ch.Part), mdEscape(ch.Why))
		}
	}
	for _, f := range c.Factors {
		if f.Level == c.Level && f.Remedy != "" && c.Level < sovmap.MaxLevel {
			fmt.Fprintf(bw, "- %s allows %d: %s. **Fix:** %s\n", f.Name, f.Level, mdEscape(f.Reason), mdEscape(f.Remedy))
		}
	}
	if c.LimitedBy != "" {
		fmt.Fprintf(bw, "- lowered to %d by its dependency %s\n", c.EffectiveLevel, mdEscape(c.LimitedBy))
	}
}

// RequirementLine writes one requirement as a sentence: the level it asks
// (or the law's condition and its outcome), its category, its basis and
// citation, its source and its reason. Every human format uses it, so that
// the basis of a judgement reads the same everywhere.
func RequirementLine(q sovmap.Requirement) string {
	head := fmt.Sprintf("requires %d", q.Level)
	if q.Condition != "" {
		head = "condition " + string(q.Condition)
	}
	line := fmt.Sprintf("%s (%s, basis %s, %s): %s", head, q.Category, BasisText(q.Basis, q.Citation), q.Source, q.Reason)
	if q.Contested {
		line += " [contested]"
	}
	return line
}

// BasisText names a basis with its citation, if any: "law: GDPR art. 45".
func BasisText(b sovmap.Basis, citation string) string {
	if b == "" {
		return "-"
	}
	if citation == "" {
		return string(b)
	}
	return string(b) + ": " + citation
}
