package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/sovmap/sovmap/internal/plural"
	"github.com/sovmap/sovmap/kb"
)

// kbOptions are the flags every kb subcommand shares.
type kbOptions struct {
	format string // text or json
	on     string // the day facts are evaluated at, YYYY-MM-DD; empty is today
}

func (o *kbOptions) day() (time.Time, error) {
	if o.on == "" {
		return time.Now().UTC(), nil
	}
	return parseDay("--on", o.on)
}

// parseDay reads the day a flag gives, YYYY-MM-DD: the one way every
// command reads a date (kb and embassy --on, tia --date, strategy --at).
func parseDay(flag, value string) (time.Time, error) {
	t, err := time.Parse(time.DateOnly, value)
	if err != nil {
		return time.Time{}, fmt.Errorf("%s %q: want a date YYYY-MM-DD", flag, value)
	}
	return t, nil
}

// kbOutput is what a kb subcommand prints: v as JSON, or text for a reader.
type kbOutput struct {
	v    any
	text func(io.Writer) error
}

// kbFormats are the formats of every kb subcommand.
var kbFormats = formatSwitch[func(io.Writer, kbOutput) error]{
	"json": func(w io.Writer, out kbOutput) error { return writeJSON(w, out.v) },
	"text": func(w io.Writer, out kbOutput) error { return out.text(w) },
}

func (o *kbOptions) check() error {
	_, err := kbFormats.pick(o.format)
	return err
}

// write prints v as JSON, or writes text for --format text.
func (o *kbOptions) write(w io.Writer, v any, text func(io.Writer) error) error {
	write, err := kbFormats.pick(o.format)
	if err != nil {
		return err
	}
	return write(w, kbOutput{v, text})
}

func newKBCmd(a *app) *cobra.Command {
	o := &kbOptions{}
	cmd := &cobra.Command{
		Use:   "kb",
		Short: "Query the knowledge base: jurisdictions, regions, providers, schemes, laws",
		Long: `kb answers questions from sovmap's knowledge base: the facts (countries and
blocs, adequacy decisions, sanctions, compelled-access, localisation and
data-protection laws, export controls on AI chips, certification schemes, cloud
regions and provider ownership) that assess uses, each with its sources and the
date it was last checked. --kb DIR lays an organization's own files over the
embedded ones; see docs/knowledge-base.md.

Exit codes: 0 found, 1 for findings of stale or check (with --fail), 2 for an
unknown id or bad usage.`,
		Example: `  sovmap kb jurisdiction US
  sovmap kb region aws:eu-central-1 --format json
  sovmap kb provider microsoft
  sovmap kb scheme secnumcloud
  sovmap kb search frankfurt
  sovmap kb stale --older-than 365d`,
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error { return o.check() },
	}
	kbFormats.declare(cmd, cmd.PersistentFlags(), &o.format, "text", "")
	cmd.PersistentFlags().StringVar(&o.on, "on", "", "evaluate dated facts (export controls, staleness) on this day, YYYY-MM-DD (default today)")
	cmd.AddCommand(
		newKBJurisdictionCmd(a, o),
		newKBRegionCmd(a, o),
		newKBProviderCmd(a, o),
		newKBSchemeCmd(a, o),
		newKBLawCmd(a, o),
		newKBSearchCmd(a, o),
		newKBStaleCmd(a, o),
		newKBCheckCmd(a, o),
	)
	return cmd
}

// unknown builds the error for an id the knowledge base does not have,
// suggesting entries of the same kind that mention it.
func unknown(k *kb.KB, kind, id string) error {
	var near []string
	for _, e := range k.Search(id) {
		if e.Kind == kind && len(near) < 5 {
			near = append(near, e.ID)
		}
	}
	msg := fmt.Sprintf("unknown %s %q", kind, id)
	if len(near) > 0 {
		msg += "; did you mean " + strings.Join(near, ", ") + "?"
	}
	return errors.New(msg)
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// textWriter prints aligned "label: value" lines and sections.
type textWriter struct {
	w   io.Writer
	err error
}

func (t *textWriter) printf(format string, args ...any) {
	if t.err == nil {
		_, t.err = fmt.Fprintf(t.w, format, args...)
	}
}

func (t *textWriter) field(label, value string) {
	if value != "" {
		t.printf("  %-13s %s\n", label+":", value)
	}
}

func (t *textWriter) meta(m kb.Meta) {
	if m.Contested {
		t.field("contested", "yes")
	}
	t.field("notes", m.Notes)
	for i, s := range m.Sources {
		label := ""
		if i == 0 {
			label = "sources"
		}
		if label != "" {
			t.printf("  %-13s %s\n", label+":", s)
		} else {
			t.printf("  %-13s %s\n", "", s)
		}
	}
	t.field("checked", m.Checked)
	t.field("file", m.Position())
}

func (t *textWriter) table(header []string, rows [][]string) {
	if t.err != nil {
		return
	}
	var buf strings.Builder
	tw := tabwriter.NewWriter(&buf, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, strings.Join(header, "\t"))
	for _, r := range rows {
		fmt.Fprintln(tw, strings.Join(r, "\t"))
	}
	if t.err = tw.Flush(); t.err != nil {
		return
	}
	// tabwriter pads every cell but the last; an empty last cell leaves
	// trailing blanks.
	for line := range strings.Lines(buf.String()) {
		t.printf("%s\n", strings.TrimRight(line, " \n"))
	}
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// jurisdictionView is what kb jurisdiction answers about a country or a bloc.
type jurisdictionView struct {
	Code    string      `json:"code"`
	Country *kb.Country `json:"country,omitempty"`
	Bloc    *kb.Bloc    `json:"bloc,omitempty"`
	// Blocs are the blocs a country belongs to.
	Blocs []string `json:"blocs,omitempty"`
	// DataProtectionLaw is true when a comprehensive law is recorded.
	DataProtectionLaw bool `json:"data_protection_law"`
	// AdequateFor are decisions of other regimes that find the country adequate.
	AdequateFor []kb.Adequacy `json:"adequate_for"`
	// Decisions are the adequacy decisions this jurisdiction itself made.
	Decisions      []kb.Adequacy      `json:"decisions,omitempty"`
	Sanction       *kb.Sanction       `json:"sanction,omitempty"`
	Laws           []kb.Law           `json:"laws"`
	ExportControls []kb.ExportControl `json:"export_controls"`
	Schemes        []string           `json:"schemes,omitempty"`
	Regions        []string           `json:"regions,omitempty"`
	On             string             `json:"on"`
}

func newKBJurisdictionCmd(a *app, o *kbOptions) *cobra.Command {
	return &cobra.Command{
		Use:   "jurisdiction CODE",
		Short: "Everything known about a country (ISO 3166-1 alpha-2) or a bloc",
		Example: `  sovmap kb jurisdiction US
  sovmap kb jurisdiction EU --format json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			k, err := a.knowledge()
			if err != nil {
				return err
			}
			day, err := o.day()
			if err != nil {
				return err
			}
			v, ok := jurisdictionOf(k, args[0], day)
			if !ok {
				return unknown(k, kb.KindCountry, args[0])
			}
			return o.write(a.stdout, v, func(w io.Writer) error {
				return printJurisdiction(w, k, v)
			})
		},
	}
}

// jurisdictionOf gathers what the knowledge base knows about a country or
// a bloc, written in any case, with the export controls in force on day.
// It reports false when arg is neither.
func jurisdictionOf(k *kb.KB, arg string, day time.Time) (jurisdictionView, bool) {
	code := strings.ToUpper(arg)
	if b, ok := k.Bloc(arg); ok {
		code = b.ID
	}
	v := jurisdictionView{Code: code, On: day.Format(time.DateOnly), AdequateFor: []kb.Adequacy{}, Laws: []kb.Law{}, ExportControls: []kb.ExportControl{}}
	if c, ok := k.Country(code); ok {
		v.Country = &c
		for _, b := range k.BlocsOf(code) {
			v.Blocs = append(v.Blocs, b.ID)
		}
		v.AdequateFor = append(v.AdequateFor, k.AdequacyFor(code)...)
		if s, ok := k.Sanction(code); ok {
			v.Sanction = &s
		}
		v.Laws = append(v.Laws, k.LawsFor(code, "")...)
		v.DataProtectionLaw = k.HasDataProtectionLaw(code)
		v.ExportControls = append(v.ExportControls, k.ExportControl(code, day)...)
		for _, r := range k.RegionsIn(code) {
			v.Regions = append(v.Regions, r.ID)
		}
	} else if b, ok := k.Bloc(code); ok {
		v.Bloc = &b
		for _, l := range k.Laws("") {
			if l.Jurisdiction == code {
				v.Laws = append(v.Laws, l)
			}
		}
	} else {
		return jurisdictionView{}, false
	}
	v.Decisions = k.Adequacy(code)
	for _, s := range k.Schemes() {
		if s.Jurisdiction == code {
			v.Schemes = append(v.Schemes, s.ID)
		}
	}
	return v, true
}

func printJurisdiction(w io.Writer, k *kb.KB, v jurisdictionView) error {
	t := &textWriter{w: w}
	if v.Country != nil {
		c := v.Country
		t.printf("%s  %s (%s, %s)\n", c.Code, c.Name, c.Alpha3, c.Numeric)
		t.field("blocs", strings.Join(v.Blocs, ", "))
		t.field("data law", yesNo(v.DataProtectionLaw))
		if v.Sanction != nil {
			s := v.Sanction
			t.field("sanctions", fmt.Sprintf("by %s; comprehensive %s; restricted by default %s", strings.Join(s.By, ", "), yesNo(s.Comprehensive), yesNo(s.Restricted)))
		}
	} else {
		b := v.Bloc
		t.printf("%s  %s\n", b.ID, b.Name)
		t.field("since", b.Since)
		t.field("trusted", yesNo(b.Trust))
		t.field("members", fmt.Sprintf("%d: %s", len(b.Members), strings.Join(b.Members, ", ")))
		t.meta(b.Meta)
	}
	if len(v.AdequateFor) > 0 {
		t.printf("\nFound adequate by\n")
		rows := [][]string{}
		for _, d := range v.AdequateFor {
			rows = append(rows, []string{d.Regime, d.Date, d.Scope + contestedMark(d.Meta)})
		}
		t.table([]string{"  REGIME", "DATE", "SCOPE"}, indent(rows))
	}
	if len(v.Decisions) > 0 {
		t.printf("\nIts own adequacy list (%d)\n", len(v.Decisions))
		var cs []string
		for _, d := range v.Decisions {
			cs = append(cs, d.Country+contestedMark(d.Meta))
		}
		t.printf("  %s\n", strings.Join(cs, ", "))
	}
	if len(v.Laws) > 0 {
		t.printf("\nLaws\n")
		rows := [][]string{}
		for _, l := range v.Laws {
			detail := strings.Join(l.Reach, "+")
			if l.Kind == kb.Localisation {
				detail = fmt.Sprintf("%s -> level %d", strings.Join(l.Data, ","), l.Require)
			}
			rows = append(rows, []string{l.Kind, l.ID, l.Jurisdiction, yearText(l.Year), detail + contestedMark(l.Meta)})
		}
		t.table([]string{"  KIND", "ID", "WHERE", "YEAR", "REACH / DATA"}, indent(rows))
	}
	if len(v.ExportControls) > 0 {
		t.printf("\nExport controls on advanced AI chips in force on %s\n", v.On)
		rows := [][]string{}
		for _, e := range v.ExportControls {
			rows = append(rows, []string{e.Restriction, e.Regime, e.Effective, e.ID, e.Group + contestedMark(e.Meta)})
		}
		t.table([]string{"  RESTRICTION", "BY", "SINCE", "ID", "GROUP"}, indent(rows))
	} else if v.Country != nil {
		t.printf("\nExport controls on advanced AI chips in force on %s: none recorded\n", v.On)
	}
	if len(v.Schemes) > 0 {
		t.printf("\nSchemes issued here: %s\n", strings.Join(v.Schemes, ", "))
	}
	if len(v.Regions) > 0 {
		t.printf("\nCloud regions here: %d (sovmap kb search %s --kind region)\n", len(v.Regions), strings.ToLower(nameOf(k, v.Code)))
	}
	if v.Country != nil {
		t.printf("\n")
		t.meta(v.Country.Meta)
	}
	return t.err
}

func nameOf(k *kb.KB, code string) string {
	if c, ok := k.Country(code); ok {
		return strconv.Quote(c.Name)
	}
	return code
}

func indent(rows [][]string) [][]string {
	for _, r := range rows {
		r[0] = "  " + r[0]
	}
	return rows
}

func contestedMark(m kb.Meta) string {
	if m.Contested {
		return " (contested)"
	}
	return ""
}

func yearText(y int) string {
	if y == 0 {
		return ""
	}
	return strconv.Itoa(y)
}

// regionView is a region with the controller its provider chain leads to.
type regionView struct {
	kb.Region
	Controller        string `json:"controller,omitempty"`
	ControllerCountry string `json:"controller_country,omitempty"`
}

func newKBRegionCmd(a *app, o *kbOptions) *cobra.Command {
	return &cobra.Command{
		Use:     "region CLOUD:REGION",
		Short:   "Where a cloud region is and who runs it",
		Example: `  sovmap kb region aws:eu-central-1 --format json`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			k, err := a.knowledge()
			if err != nil {
				return err
			}
			r, ok := k.Region(args[0])
			if !ok {
				if !kb.IsRegionID(args[0]) {
					return fmt.Errorf("unknown region %q: write it cloud:region, such as aws:eu-central-1", args[0])
				}
				return unknown(k, kb.KindRegion, args[0])
			}
			v := regionView{Region: r}
			if top, ok := k.UltimateParent(r.Provider); ok {
				v.Controller, v.ControllerCountry = top.ID, top.Country
			}
			return o.write(a.stdout, v, func(w io.Writer) error {
				t := &textWriter{w: w}
				t.printf("%s\n", r.ID)
				country := r.Country
				if c, ok := k.Country(r.Country); ok {
					country = r.Country + " " + c.Name
				}
				t.field("country", country)
				t.field("city", r.City)
				t.field("provider", r.Provider)
				if v.Controller != "" && v.Controller != r.Provider {
					t.field("controlled by", v.Controller+" ("+v.ControllerCountry+")")
				}
				t.meta(r.Meta)
				return t.err
			})
		},
	}
}

// providerView is a provider with its parent chain and what reaches it
// through control.
type providerView struct {
	kb.Provider
	Chain []kb.Provider `json:"chain"`
	// ReachedThroughControl are compelled-access laws of the ultimate
	// parent's country that reach through control.
	ReachedThroughControl []string `json:"reached_through_control"`
	Regions               []string `json:"regions,omitempty"`
	Subsidiaries          []string `json:"subsidiaries,omitempty"`
}

func newKBProviderCmd(a *app, o *kbOptions) *cobra.Command {
	return &cobra.Command{
		Use:   "provider ID",
		Short: "A provider's legal entity, country and parent chain to its ultimate controller",
		Example: `  sovmap kb provider microsoft
  sovmap kb provider s3ns --format json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			k, err := a.knowledge()
			if err != nil {
				return err
			}
			p, ok := k.Provider(args[0])
			if !ok {
				return unknown(k, kb.KindProvider, args[0])
			}
			v := providerViewOf(k, p)
			return o.write(a.stdout, v, func(w io.Writer) error {
				return printProvider(w, v)
			})
		},
	}
}

// providerViewOf gathers a provider's parent chain, the laws that reach it
// through its ultimate controller, its regions and its subsidiaries.
func providerViewOf(k *kb.KB, p kb.Provider) providerView {
	v := providerView{Provider: p, Chain: k.ParentChain(p.ID), ReachedThroughControl: []string{}}
	top := v.Chain[len(v.Chain)-1]
	for _, l := range k.LawsFor(top.Country, kb.CompelledAccess) {
		if l.Reaches(kb.ReachControl) {
			v.ReachedThroughControl = append(v.ReachedThroughControl, l.ID)
		}
	}
	for _, r := range k.Regions() {
		if r.Provider == p.ID {
			v.Regions = append(v.Regions, r.ID)
		}
	}
	for _, q := range k.Providers() {
		if q.Parent == p.ID {
			v.Subsidiaries = append(v.Subsidiaries, q.ID)
		}
	}
	return v
}

func printProvider(w io.Writer, v providerView) error {
	p := v.Provider
	top := v.Chain[len(v.Chain)-1]
	t := &textWriter{w: w}
	t.printf("%s  %s (%s)\n", p.ID, p.Name, p.Country)
	t.field("role", p.Role)
	var steps []string
	for _, c := range v.Chain {
		steps = append(steps, fmt.Sprintf("%s (%s)", c.ID, c.Country))
	}
	t.field("chain", strings.Join(steps, " -> "))
	t.field("controller", fmt.Sprintf("%s, %s", top.Name, top.Country))
	t.field("owners", strings.Join(p.Owners, ", "))
	if len(v.ReachedThroughControl) > 0 {
		t.field("reached by", strings.Join(v.ReachedThroughControl, ", ")+" (through control)")
	} else {
		t.field("reached by", "no compelled-access law recorded reaches it through control")
	}
	t.field("subsidiaries", strings.Join(v.Subsidiaries, ", "))
	if len(v.Regions) > 0 {
		t.field("regions", fmt.Sprintf("%d, e.g. %s", len(v.Regions), strings.Join(v.Regions[:min(3, len(v.Regions))], ", ")))
	}
	t.meta(p.Meta)
	return t.err
}

func newKBSchemeCmd(a *app, o *kbOptions) *cobra.Command {
	return &cobra.Command{
		Use:   "scheme ID",
		Short: "What a certification or assurance scheme asserts",
		Example: `  sovmap kb scheme secnumcloud
  sovmap kb scheme "ISO/IEC 27001" --format json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			k, err := a.knowledge()
			if err != nil {
				return err
			}
			s, ok := k.Scheme(args[0])
			if !ok {
				return unknown(k, kb.KindScheme, args[0])
			}
			return o.write(a.stdout, s, func(w io.Writer) error {
				t := &textWriter{w: w}
				t.printf("%s  %s\n", s.ID, s.Name)
				t.field("issuer", s.Issuer)
				t.field("jurisdiction", s.Jurisdiction)
				t.field("kind", s.Kind)
				t.field("level", s.Level)
				t.field("asserts", strings.Join(s.Asserts, ", "))
				t.field("location", s.Location)
				t.field("status", s.Status)
				t.field("since", s.Since)
				t.field("aliases", strings.Join(s.Aliases, ", "))
				t.meta(s.Meta)
				return t.err
			})
		},
	}
}

func newKBLawCmd(a *app, o *kbOptions) *cobra.Command {
	return &cobra.Command{
		Use:     "law ID",
		Short:   "A compelled-access, localisation or data-protection law",
		Example: `  sovmap kb law us-cloud-act`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			k, err := a.knowledge()
			if err != nil {
				return err
			}
			l, ok := k.Law(args[0])
			if !ok {
				return unknown(k, kb.KindLaw, args[0])
			}
			return o.write(a.stdout, l, func(w io.Writer) error {
				t := &textWriter{w: w}
				t.printf("%s  %s\n", l.ID, l.Name)
				t.field("jurisdiction", l.Jurisdiction)
				t.field("kind", l.Kind)
				t.field("year", yearText(l.Year))
				t.field("reach", strings.Join(l.Reach, ", "))
				t.field("data", strings.Join(l.Data, ", "))
				t.field("sector", l.Sector)
				if l.Kind == kb.Localisation {
					t.field("require", strconv.Itoa(l.Require))
				}
				t.field("requirement", l.Requirement)
				t.meta(l.Meta)
				return t.err
			})
		},
	}
}

func printEntries(w io.Writer, es []kb.Entry) error {
	t := &textWriter{w: w}
	rows := make([][]string, 0, len(es))
	for _, e := range es {
		checked := e.Checked
		if checked == "" {
			checked = "never"
		}
		rows = append(rows, []string{e.Kind, e.ID, checked, e.Title + contestedMark(e.Meta)})
	}
	t.table([]string{"KIND", "ID", "CHECKED", "TITLE"}, rows)
	return t.err
}

func newKBSearchCmd(a *app, o *kbOptions) *cobra.Command {
	var kind string
	var limit int
	cmd := &cobra.Command{
		Use:   "search TEXT...",
		Short: "Find entries whose id, title, notes or sources contain every word",
		Example: `  sovmap kb search frankfurt
  sovmap kb search cloud act --kind law`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			k, err := a.knowledge()
			if err != nil {
				return err
			}
			var hits []kb.Entry
			for _, e := range k.Search(strings.Join(args, " ")) {
				if kind == "" || e.Kind == kind {
					hits = append(hits, e)
				}
			}
			total := len(hits)
			if limit > 0 && len(hits) > limit {
				hits = hits[:limit]
			}
			return o.write(a.stdout, append([]kb.Entry{}, hits...), func(w io.Writer) error {
				if total == 0 {
					_, err := fmt.Fprintf(w, "no entry matches %q\n", strings.Join(args, " "))
					return err
				}
				if err := printEntries(w, hits); err != nil {
					return err
				}
				if total > len(hits) {
					_, err := fmt.Fprintf(w, "... %d more (use --limit 0 for all)\n", total-len(hits))
					return err
				}
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&kind, "kind", "", "only entries of this kind: "+strings.Join(entryKinds, ", "))
	cmd.Flags().IntVar(&limit, "limit", 50, "show at most this many entries (0 for all)")
	return cmd
}

var entryKinds = []string{kb.KindCountry, kb.KindBloc, kb.KindAdequacy, kb.KindSanction, kb.KindLaw, kb.KindExportControl, kb.KindScheme, kb.KindProvider, kb.KindRegion}

// parseAge reads a duration written in days (365d), weeks (52w) or as a Go
// duration (8760h).
func parseAge(s string) (time.Duration, error) {
	for suffix, unit := range map[string]time.Duration{"d": 24 * time.Hour, "w": 7 * 24 * time.Hour} {
		if n, ok := strings.CutSuffix(s, suffix); ok {
			v, err := strconv.Atoi(n)
			if err != nil || v < 0 {
				return 0, fmt.Errorf("%q: want a number of days such as 365d", s)
			}
			return time.Duration(v) * unit, nil
		}
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("%q: want a duration such as 365d, 26w or 720h", s)
	}
	return d, nil
}

func newKBStaleCmd(a *app, o *kbOptions) *cobra.Command {
	var olderThan string
	var fail bool
	cmd := &cobra.Command{
		Use:   "stale",
		Short: "List entries due for re-checking",
		Long: `stale lists the entries whose checked date is older than --older-than (or that
have no valid checked date), oldest first. With --fail it exits 1 when there
are any, so that CI can remind maintainers to review the knowledge base.`,
		Example: `  sovmap kb stale --older-than 365d
  sovmap kb stale --older-than 180d --kb kb/testdata/check/unsourced --fail`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			age, err := parseAge(olderThan)
			if err != nil {
				return fmt.Errorf("--older-than %w", err)
			}
			day, err := o.day()
			if err != nil {
				return err
			}
			k, err := a.knowledge()
			if err != nil {
				return err
			}
			stale := k.Stale(age, day)
			err = o.write(a.stdout, append([]kb.Entry{}, stale...), func(w io.Writer) error {
				if len(stale) == 0 {
					_, err := fmt.Fprintf(w, "no entry was checked before %s\n", day.Add(-age).Format(time.DateOnly))
					return err
				}
				return printEntries(w, stale)
			})
			if err != nil {
				return err
			}
			if fail && len(stale) > 0 {
				return &exitError{code: exitFindings, err: fmt.Errorf("%s checked before %s", plural.Count(len(stale), "entry", "entries"), day.Add(-age).Format(time.DateOnly))}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&olderThan, "older-than", "365d", "age after which an entry is due: 365d, 26w, 720h")
	cmd.Flags().BoolVar(&fail, "fail", false, "exit 1 when any entry is stale")
	return cmd
}

func newKBCheckCmd(a *app, o *kbOptions) *cobra.Command {
	var fail bool
	cmd := &cobra.Command{
		Use:   "check",
		Short: "Report provenance problems (missing sources or dates) in the knowledge base",
		Long: `check loads the knowledge base with the --kb overlays (broken references stop
the load with exit 2) and lists entries without a source, without a valid
checked date, or marked contested without a note.`,
		Example: `  sovmap kb check --kb kb/testdata/check/unsourced --fail`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			k, err := a.knowledge()
			if err != nil {
				return err
			}
			ps := k.Check()
			err = o.write(a.stdout, append([]kb.Problem{}, ps...), func(w io.Writer) error {
				if len(ps) == 0 {
					_, err := fmt.Fprintf(w, "ok: %s, each with a source and a checked date\n", plural.Count(len(k.Entries()), "entry", "entries"))
					return err
				}
				for _, p := range ps {
					if _, err := fmt.Fprintln(w, p.String()); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				return err
			}
			if fail && len(ps) > 0 {
				return &exitError{code: exitFindings, err: fmt.Errorf("%s in the knowledge base", plural.Count(len(ps), "problem"))}
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&fail, "fail", false, "exit 1 when there are problems")
	return cmd
}
