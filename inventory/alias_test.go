package inventory_test

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
)

// laughs builds a "billion laughs" document: levels of lists, each holding
// nine aliases of the level below, so that expanding the last one yields
// 9^levels strings from a few hundred bytes. The anchors live under key,
// indented by indent.
func laughs(key string, levels int, indent string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s%s:\n", indent, key)
	fmt.Fprintf(&b, "%s  l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n", indent)
	for i := 1; i <= levels; i++ {
		ref := fmt.Sprintf("*l%d", i-1)
		fmt.Fprintf(&b, "%s  l%d: &l%d [%s]\n", indent, i, i, strings.Repeat(ref+", ", 8)+ref)
	}
	return b.String()
}

// laughItems is laughs written as list items: each level is an item of the
// list, anchored.
func laughItems(levels int) string {
	var b strings.Builder
	b.WriteString("  - &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n")
	for i := 1; i <= levels; i++ {
		ref := fmt.Sprintf("*l%d", i-1)
		fmt.Fprintf(&b, "  - &l%d [%s]\n", i, strings.Repeat(ref+", ", 8)+ref)
	}
	return b.String()
}

// allocated runs f and returns the bytes it allocated.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestAliasBombs feeds billion-laughs documents through every place an
// alias could be expanded. Each must be refused with a clear message, and
// cheaply: a bomb that expanded would allocate gigabytes (9^9 strings).
func TestAliasBombs(t *testing.T) {
	const budget = 64 << 20 // bytes a refused bomb may allocate
	cases := []struct {
		name string
		src  string
		want string // a part of the single problem's message
	}{
		{"in the knowledge section", head + laughs("knowledge", 9, "") + "components: []\n",
			"too many YAML aliases: refusing a document that could expand without bound (an alias bomb)"},
		{"in an arrangement's answers", head + "components: []\narrangements:\n  - id: x\n    host: LU\n    guest: EE\n" + laughs("answers", 9, "    "),
			"too many YAML aliases: refusing a document that could expand without bound (an alias bomb)"},
		{"as the components", head + "components:\n" + laughItems(9) + "  - *l9\n",
			"expected a mapping of keys, found a list"},
		{"in a component's tags", head + "components:\n  - id: a\n    layer: storage\n" + laughs("tags", 9, "    "),
			"expected a string, found a list"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			n := allocated(func() { _, err = decode(t, "bomb.yaml", tc.src) })
			got := problems(t, err)
			if !strings.Contains(got[0], tc.want) {
				t.Errorf("problems %q, want one saying %q", got, tc.want)
			}
			if n > budget {
				t.Errorf("refusing the bomb allocated %d MB, want under %d MB", n>>20, budget>>20)
			}
		})
	}
}

// TestTooManyAliases checks the cap on alias nodes, which bounds the work
// even of documents that expand linearly.
func TestTooManyAliases(t *testing.T) {
	var b strings.Builder
	b.WriteString(head + "components:\n  - {id: a, layer: storage, locations: &loc [DE]}\n")
	for i := 0; i < 10000; i++ {
		fmt.Fprintf(&b, "  - {id: c%d, layer: storage, locations: *loc}\n", i)
	}
	if _, err := decode(t, "many.yaml", b.String()); err != nil {
		t.Fatalf("10000 aliases: %v", err)
	}
	b.WriteString("  - {id: last, layer: storage, locations: «*loc}\n")
	src := b.String()
	_, at, _ := marked(src)
	_, err := decode(t, "many.yaml", src)
	sameLines(t, problems(t, err), []string{"many.yaml:" + at[0] + ": too many YAML aliases (more than 10000): refusing a document that could expand without bound"})
}

// TestAnchorsAndMergeKeys checks that ordinary uses of anchors work.
func TestAnchorsAndMergeKeys(t *testing.T) {
	inv, err := decode(t, "inv.yaml", head+`components:
  - &base {id: a, layer: storage, provider: aws-emea, locations: &eu [DE, FR], key_custody: customer-held}
  - {<<: *base, id: b}
  - {id: c, layer: compute, locations: *eu}
`)
	if err != nil {
		t.Fatal(err)
	}
	b, c := inv.Components[1], inv.Components[2]
	if b.ID != "b" || b.Layer != "storage" || b.Provider != "aws-emea" || b.KeyCustody != "customer-held" {
		t.Errorf("merged component = %+v", b)
	}
	if strings.Join(c.Locations, ",") != "DE,FR" {
		t.Errorf("aliased locations = %v", c.Locations)
	}
	// A top-level list may be an alias too.
	if _, err := decode(t, "inv.yaml", head+"components: []\nflows: &none []\narrangements: *none\n"); err != nil {
		t.Errorf("aliased top-level list: %v", err)
	}
	// A merged mapping is checked where it is defined.
	_, err = decode(t, "inv.yaml", head+`components:
  - &base {id: a, layer: storage, «colour: red}
  - {<<: *base, id: b}
`)
	_, at, _ := marked(head + "components:\n  - &base {id: a, layer: storage, «colour: red}\n")
	sameLines(t, problems(t, err), []string{"inv.yaml:" + at[0] + `: unknown field "colour"`})
}
