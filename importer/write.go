package importer

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/sovmap/sovmap"
)

// WriteYAML writes inv as an inventory file in YAML. Each line of header,
// if any, is written first as a comment, so that a reader of the file knows
// where it came from and that hand edits belong in an overlay.
//
// Lists are written one entry at a time: the YAML library builds a tree of
// everything it encodes at once, which for an inventory of a hundred
// thousand components would take gigabytes.
func WriteYAML(w io.Writer, inv *sovmap.Inventory, header string) error {
	bw := bufio.NewWriter(w)
	for _, line := range strings.Split(strings.TrimSpace(header), "\n") {
		if line = strings.TrimSpace(line); line != "" {
			fmt.Fprintf(bw, "# %s\n", line)
		}
	}
	top := func(key string, v any) error {
		return encodeYAML(bw, map[string]any{key: v}, "")
	}
	if err := top("version", inv.Version); err != nil {
		return err
	}
	if err := top("organization", inv.Organization); err != nil {
		return err
	}
	if err := yamlList(bw, "providers", inv.Providers, false); err != nil {
		return err
	}
	if err := yamlList(bw, "components", inv.Components, true); err != nil {
		return err
	}
	for _, l := range []struct {
		key  string
		list any
	}{
		{"flows", inv.Flows}, {"arrangements", inv.Arrangements}, {"rules", inv.Rules},
		{"assessments", inv.Assessments}, {"scenarios", inv.Scenarios},
	} {
		if err := yamlList(bw, l.key, l.list, false); err != nil {
			return err
		}
	}
	if len(inv.Knowledge) > 0 {
		if err := top("knowledge", inv.Knowledge); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// yamlList writes a top-level list entry by entry, as "key:" and an
// indented "- " item per entry. An empty list is left out, or written as
// [] when always is set (components, which the format requires).
func yamlList(w *bufio.Writer, key string, list any, always bool) error {
	v := reflect.ValueOf(list)
	if v.Len() == 0 {
		if always {
			_, err := fmt.Fprintf(w, "%s: []\n", key)
			return err
		}
		return nil
	}
	fmt.Fprintf(w, "%s:\n", key)
	for i := 0; i < v.Len(); i++ {
		if err := encodeYAML(w, v.Index(i).Interface(), "  - "); err != nil {
			return fmt.Errorf("%s[%d]: %w", key, i, err)
		}
	}
	return nil
}

// encodeYAML encodes v with two-space indentation, the first line after
// first and the others indented to match.
func encodeYAML(w *bufio.Writer, v any, first string) error {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("encoding the inventory as YAML: %w", err)
	}
	if err := enc.Close(); err != nil {
		return err
	}
	rest := strings.Repeat(" ", len(first))
	for i, line := range bytes.SplitAfter(buf.Bytes(), []byte("\n")) {
		if len(line) == 0 {
			continue
		}
		if i == 0 {
			w.WriteString(first)
		} else if len(line) > 1 {
			w.WriteString(rest)
		}
		w.Write(line)
	}
	return nil
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
