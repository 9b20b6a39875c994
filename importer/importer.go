// Package importer holds what the importers share: the result of an import
// with its warnings, the options every importer takes, identifier and
// provider helpers, and the writers that turn an imported inventory into an
// inventory file.
//
// Each source format lives in its own subpackage: importer/terraform reads
// `terraform show -json` output, importer/cyclonedx reads CycloneDX JSON,
// importer/sheet reads the spreadsheet template (xlsx and csv), and
// importer/overlay merges hand-written facts into an import result.
package importer

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/kb"
)

// MaxInputSize is the largest input file an importer accepts. It bounds the
// memory an import can take; real `terraform show -json` output of very
// large estates stays well below it.
const MaxInputSize = 512 << 20

// Warning is something an importer could not resolve and did not guess: a
// region unknown until apply, an unresolved reference, a value it had to
// drop. Warnings do not stop an import; the command prints them on stderr.
type Warning struct {
	// Where names the file and the thing concerned, such as
	// "plan.json: aws_instance.gpu" or "bom.json:8:47".
	Where   string
	Message string
}

// String formats the warning as "where: message".
func (w Warning) String() string {
	if w.Where == "" {
		return w.Message
	}
	return w.Where + ": " + w.Message
}

// Result is what an import produces: the inventory and the warnings.
type Result struct {
	Inventory *sovmap.Inventory
	Warnings  []Warning
	// Skipped counts the source entries that did not become components,
	// by reason (such as "data source" or "no layer mapping: null_resource").
	Skipped map[string]int
}

// Warn appends a warning.
func (r *Result) Warn(where, format string, args ...any) {
	r.Warnings = append(r.Warnings, Warning{Where: where, Message: fmt.Sprintf(format, args...)})
}

// Skip counts one source entry left out for reason.
func (r *Result) Skip(reason string) {
	if r.Skipped == nil {
		r.Skipped = map[string]int{}
	}
	r.Skipped[reason]++
}

// SkippedSummary describes the skipped entries in one line per reason,
// sorted, for the command to print.
func (r *Result) SkippedSummary() []string {
	out := make([]string, 0, len(r.Skipped))
	for reason, n := range r.Skipped {
		out = append(out, fmt.Sprintf("skipped %d: %s", n, reason))
	}
	sort.Strings(out)
	return out
}

// SkippedCount is the number of source entries skipped, all reasons
// together.
func (r *Result) SkippedCount() int {
	n := 0
	for _, c := range r.Skipped {
		n += c
	}
	return n
}

// EmptyReason says why an import gave no component, for the error the
// command reports: every entry skipped, or nothing in the source at all.
func (r *Result) EmptyReason() string {
	if n := r.SkippedCount(); n > 0 {
		return fmt.Sprintf("no component imported: all %d entries were skipped (see the warnings above)", n)
	}
	return "no component imported: the source describes nothing this importer reads"
}

// NoRequirementHint is what sovmap says when nothing in an inventory
// requires a sovereignty level: without data classes, criticality or
// rules, every component meets its (absent) requirement, and an assessment
// shows no gap that means nothing yet.
const NoRequirementHint = "nothing in this inventory requires a sovereignty level yet: no component has data classes or a criticality and no rule applies, " +
	"so an assessment will show no gap; say in an overlay which data each component holds and how critical it is " +
	"(docs/import.md, section Overlays) and re-import with --overlay"

// NewResult returns a result holding an empty version-1 inventory.
func NewResult() *Result {
	return &Result{Inventory: &sovmap.Inventory{Version: sovmap.Version, Components: []sovmap.Component{}}}
}

// Progress is told how far an import has come: done of total entries. It is
// called often; the implementation decides how often to show it.
type Progress func(done, total int)

// Options are what every importer takes.
type Options struct {
	// KB resolves regions to countries and provider ids. Required.
	KB *kb.KB
	// Progress, when set, is called as entries are processed.
	Progress Progress
}

// Report calls the progress function if there is one.
func (o Options) Report(done, total int) {
	if o.Progress != nil {
		o.Progress(done, total)
	}
}

// IDs hands out component, provider and flow identifiers: it cleans
// arbitrary source names into the identifier alphabet and keeps them unique.
type IDs struct {
	used map[string]bool
}

// NewIDs returns an empty identifier set.
func NewIDs() *IDs { return &IDs{used: map[string]bool{}} }

// Unique returns s, cleaned unless it is already an inventory id, with a
// numeric suffix when that is already taken.
func (ids *IDs) Unique(s string) string {
	base := s
	if !IsID(s) {
		base = Clean(s)
	}
	id := base
	for n := 2; ids.used[id]; n++ {
		id = fmt.Sprintf("%s-%d", base, n)
	}
	ids.used[id] = true
	return id
}

// Claim takes id exactly as given, and reports false when it is taken
// already or is not an inventory id.
func (ids *IDs) Claim(id string) bool {
	if !IsID(id) || ids.used[id] {
		return false
	}
	ids.used[id] = true
	return true
}

// idPattern is the inventory format's identifier alphabet, as the
// inventory package validates it.
var idPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.:/@+-]*$`)

// IsID reports whether s is a valid inventory identifier.
func IsID(s string) bool { return idPattern.MatchString(s) }

// Taken reports whether id has been handed out.
func (ids *IDs) Taken(id string) bool { return ids.used[id] }

// Clean turns a source name into an identifier: letters, digits, '.', '_'
// and '-' are kept, an index such as [0] or ["eu"] becomes -0 or -eu, and
// every other run of characters becomes a single '-'. The result starts
// and ends with a letter or a digit; an empty result is "unnamed".
func Clean(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '_':
			b.WriteRune(r)
			dash = false
		case r == '"' || r == ']':
			// Closing quotes and brackets of an index add nothing.
		default:
			if !dash && b.Len() > 0 {
				b.WriteByte('-')
				dash = true
			}
		}
	}
	// Inventory ids start with a letter or a digit.
	out := strings.TrimLeft(strings.TrimRight(b.String(), "-._"), "-._")
	if out == "" {
		return "unnamed"
	}
	return out
}

// Slug is Clean in lower case, for ids made from display names such as
// "Acme Inc." (acme-inc).
func Slug(s string) string { return strings.ToLower(Clean(s)) }
