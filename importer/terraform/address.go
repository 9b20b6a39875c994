package terraform

import "strings"

// address is a parsed Terraform resource instance address such as
// module.net["eu"].aws_vpc.main[0] or data.aws_region.current.
type address struct {
	// module is the module path without instance keys, as configuration
	// writes it: "" for the root, "module.net" or "module.a.module.b".
	module string
	// moduleInstance is the module path with its instance keys.
	moduleInstance string
	data           bool
	typ, name      string
}

// configKey is the address of the resource block the instance comes from:
// module path and resource without instance keys.
func (a address) configKey() string {
	r := a.typ + "." + a.name
	if a.data {
		r = "data." + r
	}
	if a.module == "" {
		return r
	}
	return a.module + "." + r
}

// splitAddress splits a Terraform address or reference at the dots that
// separate its steps, and strips each step's instance key ([0], ["eu"]).
// keys holds the stripped keys, with their brackets, step by step.
func splitAddress(s string) (steps, keys []string) {
	var step, key strings.Builder
	depth, inString, escaped := 0, false, false
	flush := func() {
		steps = append(steps, step.String())
		keys = append(keys, key.String())
		step.Reset()
		key.Reset()
	}
	for _, r := range s {
		switch {
		case inString:
			key.WriteRune(r)
			switch {
			case escaped:
				escaped = false
			case r == '\\':
				escaped = true
			case r == '"':
				inString = false
			}
		case depth > 0:
			key.WriteRune(r)
			switch r {
			case '"':
				inString = true
			case '[':
				depth++
			case ']':
				depth--
			}
		case r == '[':
			depth++
			key.WriteRune(r)
		case r == '.':
			flush()
		default:
			step.WriteRune(r)
		}
	}
	flush()
	return steps, keys
}

// parseAddress parses a resource instance address. ok is false when s is
// not one.
func parseAddress(s string) (a address, ok bool) {
	steps, keys := splitAddress(s)
	var mod, modInst []string
	i := 0
	for i+1 < len(steps) && steps[i] == "module" {
		if steps[i+1] == "" {
			return a, false
		}
		mod = append(mod, "module."+steps[i+1])
		modInst = append(modInst, "module."+steps[i+1]+keys[i+1])
		i += 2
	}
	a.module = strings.Join(mod, ".")
	a.moduleInstance = strings.Join(modInst, ".")
	rest := steps[i:]
	if len(rest) == 3 && rest[0] == "data" {
		a.data = true
		rest = rest[1:]
	}
	if len(rest) != 2 || rest[0] == "" || rest[1] == "" {
		return a, false
	}
	a.typ, a.name = rest[0], rest[1]
	return a, true
}
