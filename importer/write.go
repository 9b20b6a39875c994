package importer

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/sovmap/sovmap"
)

// WriteYAML writes inv as an inventory file in YAML. Each line of header,
// if any, is written first as a comment, so that a reader of the file knows
// where it came from and that hand edits belong in an overlay.
func WriteYAML(w io.Writer, inv *sovmap.Inventory, header string) error {
	var buf bytes.Buffer
	for _, line := range strings.Split(strings.TrimSpace(header), "\n") {
		if line = strings.TrimSpace(line); line != "" {
			fmt.Fprintf(&buf, "# %s\n", line)
		}
	}
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(inv); err != nil {
		return fmt.Errorf("encoding the inventory as YAML: %w", err)
	}
	if err := enc.Close(); err != nil {
		return err
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// WriteJSON writes inv as an inventory file in JSON, indented.
func WriteJSON(w io.Writer, inv *sovmap.Inventory) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(inv); err != nil {
		return fmt.Errorf("encoding the inventory as JSON: %w", err)
	}
	return nil
}

// Write writes inv in the format the output name asks for: JSON when it
// ends in .json, YAML otherwise.
func Write(w io.Writer, name string, inv *sovmap.Inventory, header string) error {
	if strings.HasSuffix(strings.ToLower(name), ".json") {
		return WriteJSON(w, inv)
	}
	return WriteYAML(w, inv, header)
}
