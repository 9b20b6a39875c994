package inventory

import (
	"reflect"
	"testing"

	"github.com/go-json-experiment/json"

	"github.com/sovmap/sovmap"
)

// FuzzComponentDecoder holds the fast component decoder to the library:
// whatever it accepts, the library accepts too, with the same component.
func FuzzComponentDecoder(f *testing.F) {
	for _, s := range []string{
		`{"id":"c1","layer":"compute","provider":"p1","locations":["aws:eu-central-1","DE"],"operated_from":["DE"],"data":["personal.health"],"criticality":"vital","key_custody":"provider","depends_on":[{"id":"c2","kind":"supply"},"c3",{"kind":"runtime","id":"c4"},{"id":"c5"}]}`,
		`{"id":"c2","layer":"storage","contract":{"governing_law":"CN","exit_notice_days":365,"data_return":true,"portability":"proprietary","audit_rights":false},"migration_days":-3}`,
		`{ "id" : "é" , "name":"x y", "certifications":[], "alternatives":["a"], "arrangement":"e1", "depends_on":[] }`,
		`{"id":"new","layer":"storage","renamed_from":["old","older"]}`, `{"renamed_from":[]}`,
		`{"id":"a","id":"b"}`, `{"id":"a\"b"}`, `{"id":null}`, `{"migration_days":01}`, `{"migration_days":-0}`,
		`{"migration_days":1.5}`, `{"contract":{"data_return":truex}}`, `{"tags":{"a":"b"}}`, `{"ID":"x"}`, `{}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		var fast sovmap.Component
		if !newComponentFast()(raw, &fast) {
			return
		}
		var lib sovmap.Component
		if err := json.Unmarshal(raw, &lib, jsonOptions); err != nil {
			t.Fatalf("the fast decoder accepted what the library rejects (%v): %s", err, raw)
		}
		if !reflect.DeepEqual(fast, lib) {
			t.Fatalf("fast decoder made\n%+v\nthe library\n%+v\nof %s", fast, lib, raw)
		}
	})
}

// TestComponentDecoderShapes checks which shapes the fast decoder takes on
// (the fuzz test checks that it decodes them as the library does).
func TestComponentDecoderShapes(t *testing.T) {
	tests := []struct {
		raw  string
		fast bool
	}{
		{`{"id":"c1","layer":"compute","provider":"p1","locations":["aws:eu-central-1"],"depends_on":[{"id":"c2","kind":"supply"},"c3"]}`, true},
		{`{"id":"c2","contract":{"governing_law":"CN","exit_notice_days":365,"data_return":true},"migration_days":30}`, true},
		{` { "id" : "é" , "certifications" : [ ] } `, true},
		{`{"id":"a","id":"b"}`, false},                                      // repeated member: the library reports it
		{`{"id":"a\"b"}`, false},                                            // escape
		{`{"id":null}`, false},                                              // null
		{`{"migration_days":01}`, false},                                    // leading zero
		{`{"migration_days":1e3}`, false},                                   // exponent
		{`{"tags":{"team":"x"}}`, false},                                    // not handled: tags
		{`{"id":"x","depends_on":[{"id":"y","data":["personal"]}]}`, false}, // data-carrying dependency
		{"{\"id\":\"\xff\"}", false},                                        // invalid UTF-8
		{`{"id":"a",}`, false},                                              // trailing comma
	}
	for _, tt := range tests {
		var c sovmap.Component
		if got := newComponentFast()([]byte(tt.raw), &c); got != tt.fast {
			t.Errorf("fast decoder took %s: %v, want %v", tt.raw, got, tt.fast)
		}
	}
}
