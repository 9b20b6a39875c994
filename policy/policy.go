// Package policy evaluates an organization's own requirement rules, written
// in CEL (the Common Expression Language) over the facts of a component.
//
// Rules are compiled and type-checked once; a wrong expression is reported
// with the rule's position in the inventory. Evaluation is cheap enough to
// run every rule on every component of a large inventory.
package policy

import (
	"errors"
	"fmt"
	"reflect"
	"strings"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/ext"

	"github.com/sovmap/sovmap"
)

// Facts is what a rule sees as `component`. Field names are those of the
// inventory format, so a rule reads like the file it guards.
type Facts struct {
	ID                string            `cel:"id"`
	Name              string            `cel:"name"`
	Layer             string            `cel:"layer"`
	Provider          string            `cel:"provider"`
	Controller        string            `cel:"controller"`
	ControllerCountry string            `cel:"controller_country"`
	Locations         []string          `cel:"locations"`
	Countries         []string          `cel:"countries"`
	OperatedFrom      []string          `cel:"operated_from"`
	Data              []string          `cel:"data"`
	Criticality       string            `cel:"criticality"`
	KeyCustody        string            `cel:"key_custody"`
	Certifications    []string          `cel:"certifications"`
	Arrangement       string            `cel:"arrangement"`
	Tags              map[string]string `cel:"tags"`
	DependsOn         []string          `cel:"depends_on"`
}

// Rule is a compiled rule.
type Rule struct {
	sovmap.Rule
	prg cel.Program
}

// Error is a rule that does not compile, with its position.
type Error struct {
	Rule sovmap.Rule
	Err  error
}

func (e *Error) Error() string {
	pos := e.Rule.Pos.String()
	if pos != "" {
		pos += ": "
	}
	return fmt.Sprintf("%srule %s: %v", pos, e.Rule.ID, e.Err)
}

// Errors lists every rule that does not compile.
type Errors []*Error

func (es Errors) Error() string {
	s := ""
	for i, e := range es {
		if i > 0 {
			s += "\n"
		}
		s += e.Error()
	}
	return s
}

// Compile type-checks and compiles the rules. It returns Errors naming
// every rule that is wrong.
func Compile(rules []sovmap.Rule) ([]Rule, error) {
	if len(rules) == 0 {
		return nil, nil
	}
	env, err := cel.NewEnv(
		ext.NativeTypes(reflect.TypeOf(&Facts{}), ext.ParseStructTags(true)),
		cel.Variable("component", cel.ObjectType("policy.Facts")),
		ext.Strings(),
	)
	if err != nil {
		return nil, fmt.Errorf("policy environment: %w", err)
	}
	var out []Rule
	var errs Errors
	for _, r := range rules {
		ast, iss := env.Compile(r.When)
		if iss.Err() != nil {
			errs = append(errs, &Error{Rule: r, Err: issuesError(r.When, iss)})
			continue
		}
		if ast.OutputType() != cel.BoolType {
			errs = append(errs, &Error{Rule: r, Err: fmt.Errorf("when must be true or false, but %q gives %s", r.When, ast.OutputType())})
			continue
		}
		prg, err := env.Program(ast, cel.EvalOptions(cel.OptOptimize))
		if err != nil {
			errs = append(errs, &Error{Rule: r, Err: err})
			continue
		}
		out = append(out, Rule{Rule: r, prg: prg})
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return out, nil
}

// issuesError says what is wrong with an expression, each problem with the
// expression's line and a caret under the place, without CEL's "<input>"
// pseudo-file, which would read as a position in the inventory.
func issuesError(expr string, iss *cel.Issues) error {
	lines := strings.Split(expr, "\n")
	var b strings.Builder
	b.WriteString("when: ")
	for i, e := range iss.Errors() {
		if i > 0 {
			b.WriteString("\n")
		}
		b.WriteString(e.Message)
		if n := e.Location.Line(); n >= 1 && n <= len(lines) {
			fmt.Fprintf(&b, "\n | %s\n | %s^", lines[n-1], strings.Repeat(".", max(0, e.Location.Column())))
		}
	}
	return errors.New(b.String())
}

// Applies reports whether the rule applies to a component with these facts.
// An evaluation error (such as a missing tag) is returned, not hidden.
func (r *Rule) Applies(f *Facts) (bool, error) {
	val, _, err := r.prg.Eval(map[string]any{"component": f})
	if err != nil {
		return false, fmt.Errorf("rule %s on %s: %w", r.ID, f.ID, err)
	}
	b, ok := val.Value().(bool)
	if !ok {
		return false, fmt.Errorf("rule %s on %s: result is %v, not a boolean", r.ID, f.ID, val)
	}
	return b, nil
}
