package framework

import (
	"errors"
	"fmt"

	"github.com/sovmap/sovmap"
)

// DefaultArrangementFramework scores arrangements that name no framework.
const DefaultArrangementFramework = "digital-embassy"

// CheckInventory checks every arrangement and assessment of an inventory
// against the library: the framework exists and scores that kind of
// subject, every answer names a criterion and is on its ladder. It returns
// all problems at once, each with the entry's position, so that validate
// can report them before any command relies on a score.
func CheckInventory(lib *Library, inv *sovmap.Inventory) error {
	var errs []error
	at := func(p sovmap.Pos, what string, err error) {
		if s := p.String(); s != "" {
			errs = append(errs, fmt.Errorf("%s: %s: %w", s, what, err))
			return
		}
		errs = append(errs, fmt.Errorf("%s: %w", what, err))
	}
	check := func(pos sovmap.Pos, what, fid, subject string, answers map[string]any, evidence map[string]string) {
		f, err := lib.Lookup(fid)
		if err != nil {
			at(pos, what, err)
			return
		}
		if f.Subject != subject {
			at(pos, what, fmt.Errorf("framework %s scores %ss, not %ss", f.Ref(), f.Subject, subject))
			return
		}
		if _, err := f.Evaluate(Input{Answers: answers, Evidence: evidence}); err != nil {
			at(pos, what, err)
		}
	}
	for _, a := range inv.Arrangements {
		fid := a.Framework
		if fid == "" {
			fid = DefaultArrangementFramework
		}
		check(a.Pos, "arrangement "+a.ID, fid, "arrangement", a.Answers, a.Evidence)
	}
	for _, as := range inv.Assessments {
		what := "assessment of " + as.Provider
		if as.ID != "" {
			what = "assessment " + as.ID
		}
		check(as.Pos, what, as.Framework, "provider", as.Answers, as.Evidence)
	}
	return errors.Join(errs...)
}
