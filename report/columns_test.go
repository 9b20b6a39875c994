package report

import (
	"bufio"
	"bytes"
	"strings"
	"testing"
	"text/tabwriter"
)

// FuzzColumns holds columns without caps, measured in a pass of their own
// (as the wide table's are), to text/tabwriter laying out the same rows
// held whole (how the wide table was written before it streamed): cells
// split from the input at '|', in rows of 2 to 6 cells, the first row the
// head, without tabwriter's control characters.
func FuzzColumns(f *testing.F) {
	f.Add("COMPONENT|LAYER|GAP|a|compute|0|bb|storage|12", uint8(1))
	f.Add("é🙂|x||y|\x01|\u2028|", uint8(3))
	f.Add("", uint8(0))
	f.Fuzz(func(t *testing.T, text string, shape uint8) {
		if strings.ContainsAny(text, "\t\n\v\f") || strings.Contains(text, "\xff") {
			return // not in a component's cells (columns' doc)
		}
		n := int(shape%5) + 2
		cells := strings.Split(text, "|")
		for len(cells)%n != 0 {
			cells = append(cells, "")
		}
		var want bytes.Buffer
		tw := tabwriter.NewWriter(&want, 0, 0, 2, ' ', 0)
		cols := newColumns(cells[:n], nil)
		for i := 0; i < len(cells); i += n {
			tw.Write([]byte(strings.Join(cells[i:i+n], "\t") + "\n"))
			cols.fit(cells[i : i+n])
		}
		if err := tw.Flush(); err != nil {
			t.Fatal(err)
		}
		var got bytes.Buffer
		bw := bufio.NewWriter(&got)
		for i := 0; i < len(cells); i += n {
			cols.line(bw, cells[i:i+n])
		}
		if err := bw.Flush(); err != nil {
			t.Fatal(err)
		}
		if got.String() != want.String() {
			t.Fatalf("rows %q:\n got %q\nwant %q", cells, got.String(), want.String())
		}
	})
}
