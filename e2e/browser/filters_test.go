package browser

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// TestCountsLinkToFilteredLists follows a reader from a scenario's count
// of components hit to the components list filtered to them, narrows it
// with the filter form (which keeps the scenario), and clears the scenario
// filter (which keeps the form's).
func TestCountsLinkToFilteredLists(t *testing.T) {
	ctx := newBrowser(t)
	base, oneTime := startServer(t)
	signInWith(t, ctx, base, oneTime, "../../examples/hospital-group/inventory.yaml")
	run(t, ctx, "scenario",
		chromedp.Navigate(base+"/w/default/scenarios?name=compel:US"),
		chromedp.WaitVisible(chromedp.CSS(`#sc-result`)),
	)
	hit := text(t, ctx, "#all-hits")
	run(t, ctx, "list them",
		chromedp.Click(chromedp.CSS(`#all-hits`)),
		chromedp.WaitVisible(chromedp.CSS(`#filtered-by`)),
		shot("22-filtered-components"),
	)
	mustHave(t, "the filtered list", text(t, ctx, "main"), "Filtered to the components scenario compel:US hits", "Clear this filter", "inference-api")
	mustHave(t, "the link", hit, "components hit")
	checkLabels(t, ctx, "the filtered components page")
	run(t, ctx, "narrow it",
		chromedp.SetValue(chromedp.CSS(`#f-gap`), "1"),
		chromedp.Submit(chromedp.CSS(`#f-gap`)),
		chromedp.WaitVisible(chromedp.CSS(`#filtered-by`)),
	)
	mustHave(t, "the narrowed list", text(t, ctx, "main"), "scenario compel:US", "inference-api")
	run(t, ctx, "clear the scenario",
		chromedp.Click(chromedp.Search(`//a[text()="Clear this filter"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#f-gap`)),
	)
	got := text(t, ctx, "main")
	mustHave(t, "the list without the scenario", got, "inference-api")
	if n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('#filtered-by').length`)); err != nil || n != 0 {
		t.Errorf("the cleared list still says it is filtered (%d, %v)", n, err)
	}
	if v, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('#f-gap').value`)); err != nil || v != "1" {
		t.Errorf("clearing the scenario dropped the gap filter: %q, %v", v, err)
	}
}
