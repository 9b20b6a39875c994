// Package inventory reads sovmap inventories: YAML or JSON files, or
// directories of them (on disk with Load, or in any fs.FS with LoadFS)
// merged into one, and checks every reference against the inventory
// itself and the knowledge base, including data classes against sovmap's
// roots and the organization's declared classes.
//
// Every problem is reported with the file, line and column it comes from.
// A JSON file is first split by a quick scan of its bytes and its lists
// decoded on every core (the fast path, split.go and fastjson.go), so that
// inventories of a million components load in seconds; a file the fast
// path does not take is decoded by the stream decoder, token by token, which
// names the exact place of the first problem. YAML is decoded through
// yaml.v3 nodes, which keep positions and guard against alias bombs. Both
// formats decode each top-level key through one table (topMembers).
package inventory

import (
	"fmt"
	"sort"
	"strings"

	"github.com/sovmap/sovmap"
)

// Problem is one thing wrong with an inventory.
type Problem struct {
	Pos sovmap.Pos
	Msg string
}

func (p Problem) String() string {
	if s := p.Pos.String(); s != "" {
		return s + ": " + p.Msg
	}
	return p.Msg
}

// maxShown caps how many problems an error message lists; the rest are counted.
const maxShown = 50

// Error lists every problem found in an inventory. It is the only error type
// Load returns for bad input; I/O failures are wrapped as they come.
type Error struct {
	Problems []Problem
}

func (e *Error) Error() string {
	var b strings.Builder
	for i, p := range e.Problems {
		if i == maxShown {
			fmt.Fprintf(&b, "\n... and %d more problems", len(e.Problems)-maxShown)
			break
		}
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(p.String())
	}
	return b.String()
}

// problems collects problems during loading and validation.
type problems struct {
	list []Problem
}

func (ps *problems) add(pos sovmap.Pos, format string, args ...any) {
	ps.list = append(ps.list, Problem{Pos: pos, Msg: fmt.Sprintf(format, args...)})
}

// err returns the collected problems as an *Error sorted by position, or nil.
func (ps *problems) err() error {
	if len(ps.list) == 0 {
		return nil
	}
	sort.SliceStable(ps.list, func(i, j int) bool {
		a, b := ps.list[i].Pos, ps.list[j].Pos
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Col < b.Col
	})
	return &Error{Problems: ps.list}
}
