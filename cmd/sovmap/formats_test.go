package main

import (
	"errors"
	"testing"
)

func TestFormatSwitch(t *testing.T) {
	s := formatSwitch[string]{"table": "T", "markdown": "M", "json": "J"}
	for name, want := range map[string]string{"table": "T", "markdown": "M", "md": "M", "json": "J"} {
		if got, err := s.pick(name); err != nil || got != want {
			t.Errorf("pick(%q) = %q, %v; want %q", name, got, err, want)
		}
	}
	_, err := s.pick("pdf")
	var ee *exitError
	if !errors.As(err, &ee) || ee.code != exitBadInput {
		t.Fatalf("pick(pdf): %v, want a usage error (exit 2)", err)
	}
	if want := `unknown --format "pdf" (one of json, markdown, table)`; err.Error() != want {
		t.Errorf("pick(pdf): %q, want %q", err, want)
	}
	if _, err := (formatSwitch[string]{"json": "J", "text": "X"}).pick("md"); err == nil {
		t.Error(`"md" is markdown only where markdown is a format`)
	}
}
