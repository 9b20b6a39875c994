package inventory

import (
	"strconv"
	"unicode/utf8"

	"github.com/sovmap/sovmap"
)

// A component of a large generated or exported inventory nearly always has
// the same plain shape: string fields, lists of strings, dependencies given
// by id and kind, a small contract. componentDecoder reads that shape
// straight from the element's bytes, in half the time of the library's
// reflection, and shares the strings that repeat (layers, countries, data
// classes) instead of allocating each. It gives up on anything else (an
// escape, a null, an unknown or repeated member, options, tags), and the
// library then decodes the element and reports any problem. The fuzz test
// FuzzComponentDecoder holds it to the library: what it accepts, the
// library accepts, with the same result.

// componentDecoder decodes components on one goroutine; it is not safe for
// concurrent use because of its table of shared strings.
type componentDecoder struct {
	b      []byte
	i      int
	shared map[string]string
}

// newComponentFast returns a fast decoder for one goroutine (see
// decodeSpans).
func newComponentFast() func([]byte, *sovmap.Component) bool {
	d := &componentDecoder{shared: map[string]string{}}
	return d.decode
}

// decode reads raw into c and reports whether it could. On false, c holds
// a partial result that the caller must discard.
func (d *componentDecoder) decode(raw []byte, c *sovmap.Component) bool {
	d.b, d.i = raw, 0
	const (
		fID = iota + 1
		fName
		fLayer
		fProvider
		fLocations
		fOperatedFrom
		fData
		fCriticality
		fKeyCustody
		fDependsOn
		fCertifications
		fContract
		fArrangement
		fAlternatives
		fMigrationDays
		fRenamedFrom
	)
	ok := d.object(func(name []byte) (int, bool) {
		switch string(name) {
		case "id":
			return fID, d.str(&c.ID)
		case "name":
			return fName, d.str(&c.Name)
		case "layer":
			return fLayer, d.sharedStr((*string)(&c.Layer))
		case "provider":
			return fProvider, d.sharedStr(&c.Provider)
		case "locations":
			return fLocations, d.strs(&c.Locations)
		case "operated_from":
			return fOperatedFrom, d.strs(&c.OperatedFrom)
		case "data":
			return fData, d.strs(&c.Data)
		case "criticality":
			return fCriticality, d.sharedStr((*string)(&c.Criticality))
		case "key_custody":
			return fKeyCustody, d.sharedStr((*string)(&c.KeyCustody))
		case "depends_on":
			return fDependsOn, d.dependencies(&c.DependsOn)
		case "certifications":
			return fCertifications, d.strs(&c.Certifications)
		case "contract":
			return fContract, d.contract(&c.Contract)
		case "arrangement":
			return fArrangement, d.sharedStr(&c.Arrangement)
		case "alternatives":
			return fAlternatives, d.ids(&c.Alternatives)
		case "renamed_from":
			return fRenamedFrom, d.ids(&c.RenamedFrom)
		case "migration_days":
			c.MigrationDays = new(int)
			return fMigrationDays, d.integer(c.MigrationDays)
		}
		return 0, false
	})
	return ok && d.atEnd()
}

// atEnd reports whether only white space is left.
func (d *componentDecoder) atEnd() bool {
	d.space()
	return d.i == len(d.b)
}

// contractBox holds a contract and the values its pointers point at in one
// allocation: the assessment reads them together for every component.
type contractBox struct {
	k                   sovmap.Contract
	days                int
	dataReturn, audited bool
}

func (d *componentDecoder) contract(out **sovmap.Contract) bool {
	box := &contractBox{}
	k := &box.k
	*out = k
	return d.object(func(name []byte) (int, bool) {
		switch string(name) {
		case "governing_law":
			return 1, d.sharedStr(&k.GoverningLaw)
		case "exit_notice_days":
			k.ExitNoticeDays = &box.days
			return 2, d.integer(k.ExitNoticeDays)
		case "data_return":
			k.DataReturn = &box.dataReturn
			return 3, d.boolean(k.DataReturn)
		case "portability":
			return 4, d.sharedStr((*string)(&k.Portability))
		case "audit_rights":
			k.AuditRights = &box.audited
			return 5, d.boolean(k.AuditRights)
		}
		return 0, false
	})
}

// dependencies reads a list of dependencies.
func (d *componentDecoder) dependencies(deps *[]sovmap.Dependency) bool {
	var buf [16]sovmap.Dependency
	list := buf[:0]
	ok := d.array(func() bool {
		var dep sovmap.Dependency
		if !d.dependency(&dep) {
			return false
		}
		list = append(list, dep)
		return true
	})
	if !ok {
		return false
	}
	*deps = append(make([]sovmap.Dependency, 0, len(list)), list...)
	return true
}

// dependency reads a dependency written as a plain id or as an object
// with only "id" and "kind"; a missing kind is runtime, as in the library
// path (decodeDependency).
func (d *componentDecoder) dependency(dep *sovmap.Dependency) bool {
	d.space()
	if d.i < len(d.b) && d.b[d.i] == '"' {
		if !d.str(&dep.ID) {
			return false
		}
	} else if !d.object(func(name []byte) (int, bool) {
		switch string(name) {
		case "id":
			return 1, d.str(&dep.ID)
		case "kind":
			return 2, d.sharedStr((*string)(&dep.Kind))
		}
		return 0, false
	}) {
		return false
	}
	if dep.Kind == "" {
		dep.Kind = sovmap.Runtime
	}
	return true
}

// object reads an object, calling member after each member name (and its
// colon) to read the value. member returns the member's number (1 to 63,
// one per known name) and whether it read the value; an unknown name
// (ok false) or a member met twice ends the fast path, as the library
// rejects both.
func (d *componentDecoder) object(member func(name []byte) (field int, ok bool)) bool {
	var seen uint64
	if !d.expect('{') {
		return false
	}
	d.space()
	if d.i < len(d.b) && d.b[d.i] == '}' {
		d.i++
		return true
	}
	for {
		d.space()
		name, ok := d.plain()
		if !ok || !d.expect(':') {
			return false
		}
		field, ok := member(name)
		if !ok || seen&(1<<field) != 0 {
			return false
		}
		seen |= 1 << field
		d.space()
		if d.i >= len(d.b) {
			return false
		}
		switch d.b[d.i] {
		case ',':
			d.i++
		case '}':
			d.i++
			return true
		default:
			return false
		}
	}
}

// array reads an array, calling elem to read each element.
func (d *componentDecoder) array(elem func() bool) bool {
	if !d.expect('[') {
		return false
	}
	d.space()
	if d.i < len(d.b) && d.b[d.i] == ']' {
		d.i++
		return true
	}
	for {
		if !elem() {
			return false
		}
		d.space()
		if d.i >= len(d.b) {
			return false
		}
		switch d.b[d.i] {
		case ',':
			d.i++
		case ']':
			d.i++
			return true
		default:
			return false
		}
	}
}

// strs reads a list of strings that repeat across components (countries,
// data classes), sharing them.
func (d *componentDecoder) strs(list *[]string) bool { return d.list(list, d.sharedStr) }

// ids reads a list of component ids, mostly distinct: not worth sharing.
func (d *componentDecoder) ids(list *[]string) bool { return d.list(list, d.str) }

func (d *componentDecoder) list(list *[]string, read func(*string) bool) bool {
	out := []string{}
	ok := d.array(func() bool {
		var s string
		if !read(&s) {
			return false
		}
		out = append(out, s)
		return true
	})
	*list = out
	return ok
}

// str reads a string that needs no unescaping into a new string.
func (d *componentDecoder) str(s *string) bool {
	d.space()
	b, ok := d.plain()
	*s = string(b)
	return ok
}

// sharedStr reads a string that needs no unescaping, sharing one copy of
// each distinct value.
func (d *componentDecoder) sharedStr(s *string) bool {
	d.space()
	b, ok := d.plain()
	if !ok {
		return false
	}
	if d.shared == nil { // a decoder for one value shares nothing
		*s = string(b)
		return true
	}
	if v, found := d.shared[string(b)]; found {
		*s = v
		return true
	}
	v := string(b)
	d.shared[v] = v
	*s = v
	return true
}

// plain reads a string token without escapes or control characters, in
// valid UTF-8, and returns its bytes.
func (d *componentDecoder) plain() ([]byte, bool) {
	if d.i >= len(d.b) || d.b[d.i] != '"' {
		return nil, false
	}
	start := d.i + 1
	ascii := true
	for j := start; j < len(d.b); j++ {
		switch c := d.b[j]; {
		case c == '"':
			d.i = j + 1
			s := d.b[start:j]
			return s, ascii || utf8.Valid(s)
		case c == '\\' || c < 0x20:
			return nil, false
		case c >= 0x80:
			ascii = false
		}
	}
	return nil, false
}

// integer reads a JSON integer without sign quirks, fraction or exponent.
func (d *componentDecoder) integer(n *int) bool {
	d.space()
	start := d.i
	if d.i < len(d.b) && d.b[d.i] == '-' {
		d.i++
	}
	digits := d.i
	for d.i < len(d.b) && d.b[d.i] >= '0' && d.b[d.i] <= '9' {
		d.i++
	}
	if d.i == digits || (d.b[digits] == '0' && d.i-digits > 1) || (d.b[digits] == '0' && digits > start) {
		return false // no digits, a leading zero, or -0
	}
	if d.i < len(d.b) && (d.b[d.i] == '.' || d.b[d.i] == 'e' || d.b[d.i] == 'E') {
		return false
	}
	v, err := strconv.Atoi(string(d.b[start:d.i]))
	*n = v
	return err == nil
}

func (d *componentDecoder) boolean(v *bool) bool {
	d.space()
	switch {
	case hasPrefixAt(d.b, d.i, "true"):
		*v, d.i = true, d.i+4
	case hasPrefixAt(d.b, d.i, "false"):
		*v, d.i = false, d.i+5
	default:
		return false
	}
	// true1 or falsey is not a literal.
	return d.i >= len(d.b) || !isLetterOrDigit(d.b[d.i])
}

func hasPrefixAt(b []byte, i int, p string) bool {
	return len(b)-i >= len(p) && string(b[i:i+len(p)]) == p
}

func isLetterOrDigit(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func (d *componentDecoder) expect(c byte) bool {
	d.space()
	if d.i < len(d.b) && d.b[d.i] == c {
		d.i++
		return true
	}
	return false
}

func (d *componentDecoder) space() {
	for d.i < len(d.b) {
		switch d.b[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}
