package browser

import (
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/sovmap/sovmap/framework"
	"github.com/sovmap/sovmap/risk"
	"github.com/sovmap/sovmap/server"
)

// TestVendorPages follows the links a reader would: from the Vendors page
// to a vendor's details, its components, and a comparison with another
// vendor ticked in the form.
func TestVendorPages(t *testing.T) {
	ctx := newBrowser(t)
	lib, err := framework.Default()
	if err != nil {
		t.Fatal(err)
	}
	trust, err := lib.Lookup(risk.TrustFramework)
	if err != nil {
		t.Fatal(err)
	}
	base, oneTime := startServer(t, func(c *server.Config) {
		c.RiskOptions = func(*risk.Model) risk.Options { return risk.Options{Trust: trust} }
	})
	signInWith(t, ctx, base, oneTime, "../../examples/hospital-group/inventory.yaml")
	run(t, ctx, "vendor details",
		chromedp.Navigate(base+"/w/default/vendors"),
		chromedp.Click(chromedp.CSS(`a[aria-label="Details of stackit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#trust`)),
		shot("20-vendor"),
	)
	mustHave(t, "the vendor page", text(t, ctx, "main"), "stackit", "Trust profile", "Legal jurisdiction", "weakest", "In the risk register", "Blast radius")
	run(t, ctx, "its components",
		chromedp.Click(chromedp.CSS(`#components a[href$="provider=stackit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#f-layer`)),
	)
	mustHave(t, "the filtered components", text(t, ctx, "main"), "of 3 components", "ehr-db")
	run(t, ctx, "compare",
		chromedp.Navigate(base+"/w/default/vendors/stackit"),
		chromedp.Click(chromedp.Search(`//a[text()="Compare with other vendors"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#tick-more`)),
		chromedp.Click(chromedp.CSS(`#vc-aws-emea`)),
		chromedp.Submit(chromedp.CSS(`#vc-aws-emea`)),
		chromedp.WaitVisible(chromedp.CSS(`#comparison`)),
		shot("21-vendor-comparison"),
	)
	checkLabels(t, ctx, "the vendor comparison")
	mustHave(t, "the comparison", text(t, ctx, "main"), "Side by side", "Ranking: stackit › aws-emea", "best")
}
