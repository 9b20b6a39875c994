package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
)

// writeOut writes with write to the --output file at path, or to standard
// output for "" and "-". A file may not be one of the command's inputs
// (guardOutput); a failed flush or close (a full disk) is reported rather
// than leaving a truncated file behind an exit 0.
func (a *app) writeOut(path string, write func(io.Writer) error) error {
	if path == "" || path == "-" {
		return write(a.stdout)
	}
	if err := guardOutput(path, a.inputs); err != nil {
		return err
	}
	if err := a.refuseOverwrite(path); err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(f)
	err = write(bw)
	if err == nil {
		err = bw.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}

// guardOutput refuses an output file that is one of the command's inputs,
// or an inventory file inside an input directory: `assess inventory.yaml -o
// inventory.yaml` would replace the user's inventory with the report.
func guardOutput(out string, inputs []string) error {
	if out == "" || out == "-" {
		return nil
	}
	absOut, err := filepath.Abs(out)
	if err != nil {
		return nil
	}
	outInfo, outErr := os.Stat(out)
	for _, in := range inputs {
		if in == "" || in == "-" {
			continue
		}
		inInfo, err := os.Stat(in)
		if err != nil {
			continue
		}
		if outErr == nil && os.SameFile(inInfo, outInfo) {
			return fmt.Errorf("-o %s is an input of this command: writing it would destroy it; choose another file", out)
		}
		if !inInfo.IsDir() {
			continue
		}
		absIn, err := filepath.Abs(in)
		if err != nil {
			continue
		}
		ext := strings.ToLower(filepath.Ext(out))
		if rel, err := filepath.Rel(absIn, absOut); err == nil && !strings.HasPrefix(rel, "..") && (ext == ".yaml" || ext == ".yml" || ext == ".json") {
			return fmt.Errorf("-o %s is inside the input directory %s, where it would be read as an inventory file next time; write it elsewhere", out, in)
		}
	}
	return nil
}

// refuseOverwrite refuses to replace an existing file unless --force was
// given: a report written over a hand-kept file destroys it without a trace.
func (a *app) refuseOverwrite(path string) error {
	if a.force {
		return nil
	}
	if st, err := os.Stat(path); err == nil && !st.IsDir() {
		return fmt.Errorf("%s exists; use --force to replace it", path)
	}
	return nil
}

// addForceFlags gives every command under c that writes an --output file a
// --force flag (unless it has its own), so that one rule covers them all.
func (a *app) addForceFlags(c *cobra.Command) {
	const usage = "replace the --output file if it exists"
	switch {
	case c.Flags().Lookup("force") != nil || c.PersistentFlags().Lookup("force") != nil:
	case c.PersistentFlags().Lookup("output") != nil:
		c.PersistentFlags().BoolVar(&a.force, "force", false, usage)
	case c.Flags().Lookup("output") != nil:
		c.Flags().BoolVar(&a.force, "force", false, usage)
	}
	for _, sub := range c.Commands() {
		a.addForceFlags(sub)
	}
}

// writtenByImport reports whether the file at path is one `sovmap import`
// wrote (its first line says so): re-importing to refresh it is the
// documented way to keep it current, so it needs no --force.
func writtenByImport(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	line, _ := bufio.NewReader(f).ReadString('\n')
	return strings.HasPrefix(line, "# "+importHeader)
}

// importHeader starts the first line of every file `sovmap import` writes
// (as a YAML comment), which is how writtenByImport knows its own files.
const importHeader = "Written by `sovmap import "

// formatFromOutput picks the format an --output file's extension implies
// when --format was not given: ".json" is json, and so on for the
// extensions in byExt; anything else, standard output included, is def.
func formatFromOutput(format, output, def string, byExt ...string) string {
	if format != "" {
		return format
	}
	for _, ext := range byExt {
		if strings.HasSuffix(strings.ToLower(output), "."+ext) {
			return ext
		}
	}
	return def
}

// binaryFormats say what each binary format writes, for the refusal to
// write it to a terminal.
var binaryFormats = map[string]string{
	"xlsx": "a binary workbook: give -o FILE.xlsx",
	"docx": "a binary Word file: give -o FILE.docx",
}

// checkOutput refuses, before any work, an --output that is one of the
// command's inputs (guardOutput), an existing file without --force
// (refuseOverwrite), and a binary format written to a terminal, where its
// bytes would garble the screen. writeOut checks the file again when it
// writes.
func (a *app) checkOutput(format, output string, inputs []string) error {
	if err := guardOutput(output, inputs); err != nil {
		return err
	}
	if output != "" && output != "-" {
		if err := a.refuseOverwrite(output); err != nil {
			return err
		}
	}
	if what, binary := binaryFormats[format]; binary && (output == "" || output == "-") && isTerminal(a.stdout) {
		return fmt.Errorf("--format %s writes %s, or redirect standard output", format, what)
	}
	return nil
}
