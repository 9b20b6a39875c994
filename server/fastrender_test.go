package server

import (
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/sovmap/sovmap/store"
)

func TestComponentRowsHTMLEscapes(t *testing.T) {
	hostile := `<script>alert("x")</script> & 'co'`
	rows := []store.ComponentRecord{{ID: "a b&c", Name: hostile, Layer: hostile, Provider: hostile, Category: hostile, Sourcing: hostile,
		Jurisdictions: []string{"DE", hostile}, Level: 1, EffectiveLevel: 0, RequiredLevel: 3, Gap: 3}}
	got := string(componentRowsHTML(rows, "v=2&"))
	if strings.Contains(got, "<script>") || strings.Contains(got, `"x"`) {
		t.Fatalf("unescaped value in\n%s", got)
	}
	if n := strings.Count(got, "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &#39;co&#39;"); n != 6 {
		t.Errorf("the hostile value is escaped %d times, want 6 (name, layer, provider, category, sourcing, jurisdictions):\n%s", n, got)
	}
	href := regexp.MustCompile(`href="([^"]*)"`).FindStringSubmatch(got)
	if href == nil {
		t.Fatalf("no link in\n%s", got)
	}
	u, err := url.Parse(strings.ReplaceAll(href[1], "&amp;", "&"))
	if err != nil || u.Path != "component" || u.Query().Get("id") != "a b&c" || u.Query().Get("v") != "2" {
		t.Errorf("link %q does not lead to the component: %v %v", href[1], u, err)
	}
	for _, want := range []string{`<td class="num gap">3</td>`, `<span class="lvl lvl-3" title="sovereign-partner">3`} {
		if !strings.Contains(got, want) {
			t.Errorf("row lacks %q:\n%s", want, got)
		}
	}
}

func TestOptionsHTML(t *testing.T) {
	got := string(optionsHTML([]option{{"a\"b", "<A>", false}, {"c", "C & D", true}}))
	want := `<option value="a&#34;b">&lt;A&gt;</option><option value="c" selected>C &amp; D</option>`
	if got != want {
		t.Errorf("options:\n got %s\nwant %s", got, want)
	}
}
