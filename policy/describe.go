package policy

import (
	"fmt"
	"strings"

	"github.com/google/cel-go/cel"
	celast "github.com/google/cel-go/common/ast"
	"github.com/google/cel-go/parser"
)

// Describe rewrites a rule's when-expression in plain language, for a
// reader who does not know CEL: `"personal.health" in component.data &&
// component.layer == "model"` reads "the component holds data of class
// personal.health and its layer is model". Forms it does not know are
// quoted as written, between backquotes, so the sentence never claims
// more than the expression says. A syntax error is returned.
func Describe(expr string) (string, error) {
	env, err := cel.NewEnv(cel.EnableMacroCallTracking())
	if err != nil {
		return "", err
	}
	a, iss := env.Parse(expr)
	if iss.Err() != nil {
		return "", issuesError(expr, iss)
	}
	native := a.NativeRep()
	d := describer{src: native.SourceInfo()}
	return d.bool(native.Expr()), nil
}

type describer struct{ src *celast.SourceInfo }

// fields names the facts a rule can read, as a sentence calls them.
var fields = map[string]string{
	"id": "its id", "name": "its name", "layer": "its layer", "provider": "its provider",
	"controller": "its ultimate controller", "controller_country": "the country of its ultimate controller",
	"locations": "its locations", "countries": "the countries it is located in", "operated_from": "the countries it is operated from",
	"data": "its data classes", "criticality": "its criticality", "key_custody": "its key custody",
	"certifications": "its certifications", "arrangement": "its arrangement", "tags": "its tags", "depends_on": "what it depends on",
}

// bool describes an expression used as a condition.
func (d describer) bool(e celast.Expr) string {
	if m, ok := d.src.GetMacroCall(e.ID()); ok {
		return d.macro(m)
	}
	if e.Kind() != celast.CallKind {
		return d.value(e)
	}
	c := e.AsCall()
	args := c.Args()
	switch c.FunctionName() {
	case "_&&_":
		return d.bool(args[0]) + " and " + d.bool(args[1])
	case "_||_":
		return "either " + d.bool(args[0]) + ", or " + d.bool(args[1])
	case "!_":
		return "not (" + d.bool(args[0]) + ")"
	case "_==_":
		return d.value(args[0]) + " is " + d.value(args[1])
	case "_!=_":
		return d.value(args[0]) + " is not " + d.value(args[1])
	case "@in":
		if f := d.field(args[1]); f == "data" {
			return "the component holds data of class " + d.value(args[0])
		}
		return d.value(args[0]) + " is among " + d.value(args[1])
	case "_<_", "_<=_", "_>_", "_>=_":
		op := map[string]string{"_<_": "less than", "_<=_": "at most", "_>_": "more than", "_>=_": "at least"}[c.FunctionName()]
		return d.value(args[0]) + " is " + op + " " + d.value(args[1])
	case "startsWith", "endsWith", "contains":
		if c.IsMemberFunction() && len(args) == 1 {
			verb := map[string]string{"startsWith": "starts with", "endsWith": "ends with", "contains": "contains"}[c.FunctionName()]
			return d.value(c.Target()) + " " + verb + " " + d.value(args[0])
		}
	}
	return d.quote(e)
}

// macro describes exists, all and has.
func (d describer) macro(m celast.Expr) string {
	if m.Kind() != celast.CallKind {
		return d.quote(m)
	}
	c := m.AsCall()
	args := c.Args()
	switch {
	case c.FunctionName() == "has" && len(args) == 1:
		return d.value(args[0]) + " is recorded"
	case c.IsMemberFunction() && len(args) == 2 && args[0].Kind() == celast.IdentKind:
		v := args[0].AsIdent()
		switch c.FunctionName() {
		case "exists":
			return fmt.Sprintf("some %s of %s satisfies: %s", v, d.value(c.Target()), d.bool(args[1]))
		case "all":
			return fmt.Sprintf("every %s of %s satisfies: %s", v, d.value(c.Target()), d.bool(args[1]))
		case "exists_one":
			return fmt.Sprintf("exactly one %s of %s satisfies: %s", v, d.value(c.Target()), d.bool(args[1]))
		}
	}
	return d.quote(m)
}

// field returns the fact name of component.NAME, or "".
func (d describer) field(e celast.Expr) string {
	if e.Kind() != celast.SelectKind {
		return ""
	}
	s := e.AsSelect()
	if s.Operand().Kind() == celast.IdentKind && s.Operand().AsIdent() == "component" {
		return s.FieldName()
	}
	return ""
}

// value describes an operand.
func (d describer) value(e celast.Expr) string {
	if m, ok := d.src.GetMacroCall(e.ID()); ok {
		return d.macro(m)
	}
	switch e.Kind() {
	case celast.LiteralKind:
		v := e.AsLiteral().Value()
		if s, ok := v.(string); ok {
			return fmt.Sprintf("%q", s)
		}
		return fmt.Sprint(v)
	case celast.IdentKind:
		return e.AsIdent()
	case celast.SelectKind:
		if f := d.field(e); f != "" {
			if name, ok := fields[f]; ok {
				return name
			}
		}
		s := e.AsSelect()
		if t := d.field(s.Operand()); t == "tags" {
			return "its tag " + s.FieldName()
		}
	case celast.ListKind:
		var xs []string
		for _, x := range e.AsList().Elements() {
			xs = append(xs, d.value(x))
		}
		return "[" + strings.Join(xs, ", ") + "]"
	case celast.CallKind:
		c := e.AsCall()
		if c.FunctionName() == "size" {
			if c.IsMemberFunction() {
				return "the number of " + d.value(c.Target())
			}
			if len(c.Args()) == 1 {
				return "the number of " + d.value(c.Args()[0])
			}
		}
		if c.FunctionName() == "_[_]" && d.field(c.Args()[0]) == "tags" {
			return "its tag " + d.value(c.Args()[1])
		}
		return d.bool(e)
	}
	return d.quote(e)
}

// quote gives up on a form and shows the expression's own text.
func (d describer) quote(e celast.Expr) string {
	s, err := parser.Unparse(e, d.src)
	if err != nil {
		return "(an expression sovmap cannot rewrite)"
	}
	return "`" + s + "`"
}
