package assess

import (
	"fmt"
	"strings"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/kb"
)

// maxOverrideNotes caps how many changed verdicts are listed one by one.
const maxOverrideNotes = 20

// OverrideNotes compares an assessment made with the organization's
// knowledge-base overrides (with) against one made with the embedded
// knowledge base alone (base), and says which verdicts the overrides
// changed, so that a reviewer sees what the organization's own facts decide.
func OverrideNotes(base, with *sovmap.Report, overrides []kb.Override) []string {
	if len(overrides) == 0 || base == nil || with == nil || len(base.Components) != len(with.Components) {
		return nil
	}
	var names []string
	for _, o := range overrides {
		names = append(names, o.Entry.Kind+" "+o.Entry.ID)
	}
	var changed []string
	total := 0
	for i := range with.Components {
		a, b := &base.Components[i], &with.Components[i]
		if a.ID != b.ID {
			return nil
		}
		var what []string
		if a.Level != b.Level {
			what = append(what, fmt.Sprintf("own level %d -> %d", a.Level, b.Level))
		}
		if a.EffectiveLevel != b.EffectiveLevel {
			what = append(what, fmt.Sprintf("effective level %d -> %d", a.EffectiveLevel, b.EffectiveLevel))
		}
		if a.RequiredLevel != b.RequiredLevel {
			what = append(what, fmt.Sprintf("required level %d -> %d", a.RequiredLevel, b.RequiredLevel))
		}
		if len(what) == 0 {
			continue
		}
		total++
		if len(changed) < maxOverrideNotes {
			changed = append(changed, fmt.Sprintf("knowledge-base overrides changed %s: %s", b.ID, strings.Join(what, ", ")))
		}
	}
	flows := map[string]sovmap.Verdict{}
	for _, f := range base.Flows {
		flows[f.ID] = f.Verdict
	}
	for _, f := range with.Flows {
		if v, ok := flows[f.ID]; ok && v != f.Verdict {
			total++
			if len(changed) < maxOverrideNotes {
				changed = append(changed, fmt.Sprintf("knowledge-base overrides changed flow %s: %s -> %s", f.ID, v, f.Verdict))
			}
		}
	}
	head := fmt.Sprintf("knowledge-base overrides in force (%s)", strings.Join(names, ", "))
	switch {
	case total == 0:
		return []string{head + " changed no verdict"}
	case total > len(changed):
		changed = append(changed, fmt.Sprintf("... and %d more verdicts changed by the overrides", total-len(changed)))
	}
	return append([]string{fmt.Sprintf("%s changed %d verdicts", head, total)}, changed...)
}
