package main

import (
	"fmt"
	"io"
)

// statusLine says on a terminal what a long command is doing ("loading
// inventory.json…"): a national inventory takes seconds to load and assess,
// and a silent terminal looks hung. The line is rewritten in place and
// erased when the stage ends. Nothing is written when stderr is not a
// terminal, so logs and CI output stay clean.
type statusLine struct {
	w       io.Writer
	enabled bool
	shown   bool
}

// canRewrite reports whether w is a terminal that understands the escape
// code that erases a line: TERM=dumb (an editor's shell buffer, some CI
// consoles) would print it as garbage.
func canRewrite(w io.Writer, term string) bool {
	return isTerminal(w) && term != "dumb"
}

// eraseLine returns the cursor to the start of the line and clears it.
const eraseLine = "\r\033[K"

func (s *statusLine) set(format string, args ...any) {
	if s == nil || !s.enabled {
		return
	}
	fmt.Fprintf(s.w, eraseLine+format+"…", args...)
	s.shown = true
}

func (s *statusLine) clear() {
	if s == nil || !s.shown {
		return
	}
	fmt.Fprint(s.w, eraseLine)
	s.shown = false
}
