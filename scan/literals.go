package scan

import (
	"regexp/syntax"
	"strings"
)

// minLiteral is the shortest literal worth testing before a regular
// expression: shorter ones are in nearly every file.
const minLiteral = 3

// requiredLiterals returns strings, in lower case, at least one of which
// every match of the pattern contains, or nil when it cannot tell. Testing
// them with strings.Contains lets a file skip the rules it cannot match:
// a regular expression costs a pass over the file, a literal much less.
func requiredLiterals(src string) []string {
	re, err := syntax.Parse(src, syntax.Perl)
	if err != nil {
		return nil
	}
	return literals(re.Simplify())
}

func literals(re *syntax.Regexp) []string {
	switch re.Op {
	case syntax.OpLiteral:
		s := strings.ToLower(string(re.Rune))
		if len(s) < minLiteral {
			return nil
		}
		return []string{s}
	case syntax.OpCapture:
		return literals(re.Sub[0])
	case syntax.OpPlus:
		return literals(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return literals(re.Sub[0])
		}
		return nil
	case syntax.OpConcat:
		// Any part that must match will do; the one whose shortest
		// literal is longest filters best. Adjacent literals are one.
		var best []string
		score := func(set []string) int {
			m := -1
			for _, s := range set {
				if m < 0 || len(s) < m {
					m = len(s)
				}
			}
			return m
		}
		var run []rune
		flush := func() {
			if len(run) >= minLiteral {
				if set := []string{strings.ToLower(string(run))}; score(set) > score(best) {
					best = set
				}
			}
			run = nil
		}
		for _, sub := range re.Sub {
			if sub.Op == syntax.OpLiteral {
				run = append(run, sub.Rune...)
				continue
			}
			flush()
			if set := literals(sub); set != nil && score(set) > score(best) {
				best = set
			}
		}
		flush()
		return best
	case syntax.OpAlternate:
		var out []string
		for _, sub := range re.Sub {
			set := literals(sub)
			if set == nil {
				return nil
			}
			out = append(out, set...)
		}
		return out
	}
	return nil
}

// containsAny reports whether lower contains one of the literals; true
// for no literals (nothing to filter on).
func containsAny(lower string, lits []string) bool {
	if lits == nil {
		return true
	}
	for _, l := range lits {
		if strings.Contains(lower, l) {
			return true
		}
	}
	return false
}
