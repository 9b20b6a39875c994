package embassy

import (
	"fmt"
	"strings"
	"sync"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/framework"
)

// DefaultFramework is the framework arrangements are scored on when they
// name none.
const DefaultFramework = framework.DefaultArrangementFramework

// QualifyingTier is the lowest overall (weakest-link) tier at which an
// arrangement can qualify as a digital embassy: T3, "protected by an
// international instrument; residual gaps are operational".
const QualifyingTier = 3

// defaultLibrary parses the embedded frameworks once; the library is
// read-only afterwards, so sharing it is safe.
var defaultLibrary = sync.OnceValues(framework.Default)

// Qualifies reports whether an arrangement qualifies as a digital embassy,
// so that a component hosted under it counts as located at home, and says
// why in one sentence.
//
// The threshold: the arrangement's answers on its framework (the
// digital-embassy trust framework unless it names another) must
//   - be valid (an invalid answer never qualifies),
//   - reach an overall weakest-link tier of at least QualifyingTier (T3,
//     protected), missing answers counting as the worst, and
//   - put every key criterion at the top tier: for the digital-embassy
//     framework, the instrument ratified by both states and in force,
//     inviolability, full immunity from search, requisition, attachment and
//     execution, no entry without consent, keys held by the guest, and
//     access only for the guest's cleared personnel.
func Qualifies(a sovmap.Arrangement) (ok bool, why string) {
	lib, err := defaultLibrary()
	if err != nil {
		return false, "the embedded frameworks do not load: " + err.Error()
	}
	return QualifiesIn(lib, a)
}

// QualifierFor returns Qualifies with the inventory's facts taken into
// account, as Score judges them with the same opts: the weakest key
// custody among the components hosted under the arrangement answers the
// key-custody criterion, whatever the arrangement's own answer says, and
// with opts.KB export controls on the hosted accelerators cap the capacity
// criterion. Without the inventory (Qualifies), the key-custody criterion
// must be answered in the arrangement.
//
// opts.At is fixed when QualifierFor is called (today when zero), so that
// one assessment judges every arrangement on the same day. opts.Weights
// does not matter: weights never change a tier. The returned function
// remembers its verdict per arrangement id, since an assessment asks once
// per component and arrangement ids are unique within an inventory; it is
// safe for concurrent use.
func QualifierFor(inv *sovmap.Inventory, opts Options) func(sovmap.Arrangement) (bool, string) {
	type verdict struct {
		ok  bool
		why string
	}
	var (
		mu    sync.Mutex
		cache = map[string]verdict{}
	)
	opts.At = opts.day()
	return func(a sovmap.Arrangement) (bool, string) {
		mu.Lock()
		v, hit := cache[a.ID]
		mu.Unlock()
		if hit {
			return v.ok, v.why
		}
		lib, err := defaultLibrary()
		if err != nil {
			return false, "the embedded frameworks do not load: " + err.Error()
		}
		v.ok, v.why = qualifies(lib, a, inv, opts)
		mu.Lock()
		cache[a.ID] = v
		mu.Unlock()
		return v.ok, v.why
	}
}

// QualifiesIn is Qualifies with an explicit framework library, for
// libraries extended from files.
func QualifiesIn(lib *framework.Library, a sovmap.Arrangement) (bool, string) {
	return qualifies(lib, a, nil, Options{})
}

func qualifies(lib *framework.Library, a sovmap.Arrangement, inv *sovmap.Inventory, opts Options) (bool, string) {
	res, err := Evaluate(lib, a, inv, opts)
	if err != nil {
		return false, fmt.Sprintf("cannot be scored: %v", err)
	}
	return Qualification(res)
}

// Qualification applies the threshold to an evaluation already made.
func Qualification(res *framework.Result) (bool, string) {
	var keyGaps []string
	for _, c := range res.Criteria {
		if c.Key && !c.AtTop {
			keyGaps = append(keyGaps, fmt.Sprintf("%s is %s", c.ID, describeAnswer(c)))
		}
	}
	var reasons []string
	if res.Level < QualifyingTier {
		reasons = append(reasons, fmt.Sprintf("its weakest-link tier %s (%s) is below T%d, set by %s",
			res.LevelName, tierName(res), QualifyingTier, strings.Join(bindingCriteria(res), ", ")))
	}
	if len(keyGaps) > 0 {
		reasons = append(reasons, "key criteria below the top: "+strings.Join(keyGaps, "; "))
	}
	if len(reasons) > 0 {
		return false, "does not qualify as a digital embassy: " + strings.Join(reasons, "; ")
	}
	return true, fmt.Sprintf("qualifies as a digital embassy: weakest-link tier %s (%s), every key criterion at the top, score %.1f",
		res.LevelName, tierName(res), float64(res.Score))
}

func describeAnswer(c framework.CriterionResult) string {
	if c.From == framework.FromMissing {
		return "unanswered"
	}
	return fmt.Sprintf("%q", c.Answer)
}

func tierName(res *framework.Result) string {
	if res.LevelLabel != "" {
		return res.LevelLabel
	}
	return res.LevelName
}

// bindingCriteria lists the criteria at the overall level, below the top:
// those that set the weakest-link tier.
func bindingCriteria(res *framework.Result) []string {
	var out []string
	if res.Level >= res.TopLevel {
		return nil
	}
	for _, c := range res.Criteria {
		if c.Level == res.Level {
			out = append(out, c.ID)
		}
	}
	return out
}
