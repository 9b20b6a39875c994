package gen

import (
	"bufio"
	"io"

	"github.com/go-json-experiment/json"

	"github.com/sovmap/sovmap"
)

// WriteJSON writes an inventory as compact JSON, one component per line, so
// that positions in error messages stay meaningful on huge files.
func WriteJSON(w io.Writer, inv *sovmap.Inventory) error {
	bw := bufio.NewWriterSize(w, 1<<20)
	write := func(prefix string, v any) error {
		if _, err := bw.WriteString(prefix); err != nil {
			return err
		}
		return json.MarshalWrite(bw, v, json.OmitZeroStructFields(true))
	}
	if err := write(`{"version":1,"organization":`, inv.Organization); err != nil {
		return err
	}
	lists := []struct {
		name string
		n    int
		item func(i int) any
	}{
		{"providers", len(inv.Providers), func(i int) any { return &inv.Providers[i] }},
		{"components", len(inv.Components), func(i int) any { return &inv.Components[i] }},
		{"flows", len(inv.Flows), func(i int) any { return &inv.Flows[i] }},
	}
	for _, l := range lists {
		bw.WriteString(",\n\"" + l.name + "\":[")
		for i := 0; i < l.n; i++ {
			sep := "\n"
			if i > 0 {
				sep = ",\n"
			}
			if err := write(sep, l.item(i)); err != nil {
				return err
			}
		}
		bw.WriteString("]")
	}
	bw.WriteString("}\n")
	return bw.Flush()
}
