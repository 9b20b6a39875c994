package inventory

import (
	"bytes"
	"context"
	stdjson "encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/sovmap/sovmap/kb"
)

func TestSplitInventory(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		ok    bool
		names []string
		elems []int // element count per member, -1 for a non-list
	}{
		{"empty object", `{}`, true, nil, nil},
		{"spaces", " \n{ \"version\" : 1 ,\r\n\t\"components\" : [ ] } \n", true, []string{"version", "components"}, []int{-1, 0}},
		{"lists", `{"providers":[{"id":"a"},{"id":"b,]}"}],"flows":null}`, true, []string{"providers", "flows"}, []int{2, -1}},
		{"nested", `{"components":[{"depends_on":[{"id":"x"}],"contract":{"a":[1,{}]}}]}`, true, []string{"components"}, []int{1}},
		{"escaped quote", `{"components":[{"id":"a\"b\\"},"c"]}`, true, []string{"components"}, []int{2}},
		{"scalar elements", `{"rules":[1, true ,null,"x"]}`, true, []string{"rules"}, []int{4}},
		{"not an object", `[1]`, false, nil, nil},
		{"empty file", ``, false, nil, nil},
		{"missing comma", `{"components":[{} {}]}`, false, nil, nil},
		{"trailing comma", `{"components":[{},]}`, false, nil, nil},
		{"leading comma", `{"components":[,{}]}`, false, nil, nil},
		{"double comma", `{"components":[{},,{}]}`, false, nil, nil},
		{"trailing member comma", `{"version":1,}`, false, nil, nil},
		{"missing colon", `{"version" 1}`, false, nil, nil},
		{"duplicate member", `{"version":1,"version":2}`, false, nil, nil},
		{"escaped name", `{"vers\u0069on":1}`, false, nil, nil},
		{"unclosed list", `{"components":[{}`, false, nil, nil},
		{"unclosed string", `{"components":["abc}]}`, false, nil, nil},
		{"extra closing", `{"components":[{}}]}`, false, nil, nil},
		{"data after", `{"version":1} x`, false, nil, nil},
		{"missing value", `{"version":}`, false, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			members, ok := splitInventory([]byte(tt.in))
			if ok != tt.ok {
				t.Fatalf("ok = %v, want %v", ok, tt.ok)
			}
			if len(members) != len(tt.names) {
				t.Fatalf("%d members, want %d", len(members), len(tt.names))
			}
			for i, m := range members {
				if m.name != tt.names[i] {
					t.Errorf("member %d is %q, want %q", i, m.name, tt.names[i])
				}
				n := -1
				if m.isList {
					n = len(m.elems)
				}
				if n != tt.elems[i] {
					t.Errorf("member %q has %d elements, want %d", m.name, n, tt.elems[i])
				}
				for _, e := range m.elems {
					if e.from < m.value.from || e.to > m.value.to || !stdjson.Valid([]byte(tt.in[e.from:e.to])) {
						t.Errorf("member %q: element %q is not a value inside %q", m.name, tt.in[e.from:e.to], tt.in[m.value.from:m.value.to])
					}
				}
			}
		})
	}
}

// FuzzFastPath checks the fast JSON path against the stream decoder:
// whatever the fast path accepts, the stream decoder accepts too, with
// the same inventory and the same positions, and validating either gives
// the same problems at the same places. (The converse need not hold: the
// fast path leaves unusual files to the stream decoder.)
func FuzzFastPath(f *testing.F) {
	seeds, _ := filepath.Glob("../examples/*/*.yaml")
	more, _ := filepath.Glob("testdata/*.yaml")
	for _, name := range append(seeds, more...) {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		var v any
		if err := yaml.Unmarshal(data, &v); err != nil {
			continue
		}
		if j, err := stdjson.Marshal(v); err == nil {
			f.Add(j)
		}
		if j, err := stdjson.MarshalIndent(v, "", "  "); err == nil {
			f.Add(j)
		}
	}
	f.Add([]byte(`{"components":[{"id":"a","layer":"compute","depends_on":["b",{"id":"c","kind":"supply"}]}],"flows":null}`))
	f.Add([]byte(`{"version":1,"components":[{"id":"é\"x","layer":"data"}]}`))
	// Declared data classes, and classes that are neither sovmap's nor
	// declared, in every place a class appears.
	f.Add([]byte(`{"version":1,"organization":{"home":"DE","data_classes":[{"id":"telemetry","level":2,"category":"security"},{"id":"personal.x","level":9,"category":"regulatory","basis":"law"}]},` +
		`"components":[{"id":"a","layer":"storage","data":["health","telemetry.gps"],"depends_on":[{"id":"b","data":["telemetri"]}]},{"id":"b","layer":"storage","data":["Public"]}],` +
		`"flows":[{"id":"f","from":"a","to":"b","data":["genetic"]}],"rules":[{"id":"r","when":"true","require":3,"category":"regulatory","basis":"whim"}]}`))
	f.Add(longInventory(3000, map[int]string{
		5:    `{"id":"c5","layer":"storage","data":["helth"]}`,
		2500: `{"id":"c2500","layer":"storage","data":["personal","confidental"],"depends_on":[{"id":"c1","kind":"supply"}]}`,
		2999: `{"id":"c2999","layer":"storage","depends_on":[{"id":"c1","data":["zzz"]}]}`,
	}))
	k, err := kb.Default()
	if err != nil {
		f.Fatal(err)
	}
	l := &Loader{KB: k}
	f.Fuzz(func(t *testing.T, data []byte) {
		fast, ok := decodeJSONFast(&source{name: "f.json", data: data, isJSON: true})
		if !ok {
			return
		}
		slow, err := decodeJSONStream(&source{name: "f.json", data: data, isJSON: true})
		if err != nil {
			t.Fatalf("the fast path accepted what the stream decoder rejects (%v):\n%s", err, data)
		}
		if !reflect.DeepEqual(fast.inv, slow.inv) {
			t.Fatalf("fast path decoded\n%+v\nstream decoder\n%+v", fast.inv, slow.inv)
		}
		if fast.hasVer != slow.hasVer || fast.verPos != slow.verPos || fast.hasOrg != slow.hasOrg || !reflect.DeepEqual(fast.topKeys, slow.topKeys) {
			t.Fatalf("top-level facts differ: fast %v %v %v %v, stream %v %v %v %v",
				fast.hasVer, fast.verPos, fast.hasOrg, fast.topKeys, slow.hasVer, slow.verPos, slow.hasOrg, slow.topKeys)
		}
		_, _, fastErr := l.merge(context.Background(), []*part{fast})
		_, _, slowErr := l.merge(context.Background(), []*part{slow})
		if fmt.Sprint(fastErr) != fmt.Sprint(slowErr) {
			t.Fatalf("validating the fast path's decode gives\n%v\nthe stream decoder's\n%v", fastErr, slowErr)
		}
	})
}

// longInventory is a JSON inventory of n components, long enough for its
// list to be decoded on several cores, with the given components replaced.
func longInventory(n int, replace map[int]string) []byte {
	var b strings.Builder
	b.WriteString(`{"version": 1, "organization": {"name": "X", "home": "DE"},` + "\n" + `"components": [` + "\n")
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteString(",\n")
		}
		if r, ok := replace[i]; ok {
			b.WriteString(r)
			continue
		}
		b.WriteString(`{"id": "c` + strconv.Itoa(i) + `", "layer": "storage", "data": ["personal.health"], "depends_on": [{"id": "c0", "kind": "runtime"}]}`)
	}
	b.WriteString("\n]}\n")
	return []byte(b.String())
}

// TestFastAndStreamProblemsAgree checks, on a list decoded on several
// cores, that the problems found in a file the fast path decoded are those
// found when the stream decoder reads it, at the same places, and that
// each names the exact line and column of the class.
func TestFastAndStreamProblemsAgree(t *testing.T) {
	data := longInventory(5000, map[int]string{
		7:    `{"id": "c7", "layer": "storage", "data": ["health"]}`,
		4321: `{"id": "c4321", "layer": "storage", "depends_on": [{"id": "c1", "data": ["personal", "confidental"]}]}`,
	})
	k, err := kb.Default()
	if err != nil {
		t.Fatal(err)
	}
	l := &Loader{KB: k}
	fast, ok := decodeJSONFast(&source{name: "long.json", data: data, isJSON: true})
	if !ok {
		t.Fatal("the fast path refused the file")
	}
	slow, err := decodeJSONStream(&source{name: "long.json", data: data, isJSON: true})
	if err != nil {
		t.Fatal(err)
	}
	_, _, fastErr := l.merge(context.Background(), []*part{fast})
	_, _, slowErr := l.merge(context.Background(), []*part{slow})
	if fastErr == nil || fmt.Sprint(fastErr) != fmt.Sprint(slowErr) {
		t.Fatalf("fast path:\n%v\nstream decoder:\n%v", fastErr, slowErr)
	}
	// Line 2 opens the list; component i is on line i+3.
	col := func(line int, s string) int {
		return bytes.Index(bytes.Split(data, []byte("\n"))[line-1], []byte(s)) + 1
	}
	want := fmt.Sprintf("long.json:10:%d: component c7: unknown data class \"health\" (did you mean \"personal.health\"?)", col(10, `"health"`))
	want2 := fmt.Sprintf("long.json:4324:%d: component c4321: dependency on c1: unknown data class \"confidental\" (did you mean \"confidential\"?)", col(4324, `"confidental"`))
	got := strings.Split(fastErr.Error(), "\n")
	if len(got) != 2 || !strings.HasPrefix(got[0], want) || !strings.HasPrefix(got[1], want2) {
		t.Errorf("problems:\n%v\nwant them to start\n%s\n%s", fastErr, want, want2)
	}
}

// TestSourcePos checks the position cursor against a count from the start
// of the file, on a file with long lines and multi-byte characters, asked
// in increasing order and then backwards (offsets fall between characters:
// values start there).
func TestSourcePos(t *testing.T) {
	data := []byte("{\"a\":\"é€\",\n  \"b\": [1, 2, \"日本\"],\n\n\"c\":{}}")
	src := &source{name: "p.json", data: data}
	naive := func(off int) (line, col int) {
		line, col = 1, 1
		for _, r := range string(data[:off]) {
			if r == '\n' {
				line, col = line+1, 1
			} else {
				col++
			}
		}
		return line, col
	}
	offsets := []int{0, 1, 5, 6, 8, 11, 12, 13, 20, 27, 30, len(data) - 1, len(data), 3, 0}
	for _, off := range offsets {
		got := src.pos(int64(off))
		line, col := naive(off)
		if got.Line != line || got.Col != col || got.File != "p.json" {
			t.Errorf("pos(%d) = %d:%d, want %d:%d", off, got.Line, got.Col, line, col)
		}
	}
}

// FuzzSplitArrayParallel holds the parallel split of a list to the
// sequential one, with as many parts as fit, on any input.
func FuzzSplitArrayParallel(f *testing.F) {
	f.Add([]byte(`[{"id":"a"},{"id":"b","x":[{"y":1},{"z":"},{"}]},{"id":"c"}, {"q":"\"},{"} ,{}]`), uint8(3))
	f.Add([]byte(` [ {"a":[1,2]} , {"b":{"c":{}}} ] , "flows":[{"f":1},{"g":2}]}`), uint8(2))
	f.Add([]byte(`[{},{},{},{},{},{},{}]`), uint8(4))
	f.Add([]byte(`[{"a":"},{"},{"b":1}]`), uint8(2))
	f.Fuzz(func(t *testing.T, data []byte, workers uint8) {
		i := bytes.IndexByte(data, '[')
		if i < 0 {
			return
		}
		wantElems, wantEnd, wantOK := splitArray(data, i)
		gotElems, gotEnd, gotOK := splitArrayParallel(data, i, 2+int(workers%4), 0)
		if gotOK != wantOK || (wantOK && (gotEnd != wantEnd || !reflect.DeepEqual(gotElems, wantElems))) {
			t.Fatalf("parallel split %v %d %v, sequential %v %d %v, of %q", gotElems, gotEnd, gotOK, wantElems, wantEnd, wantOK, data)
		}
	})
}

// TestDeepValuesGoToTheStreamDecoder: the library limits nesting from
// the file's root, the scan sees each value on its own; a value nested
// nearly as deep as the limit must not pass the fast path when the
// stream decoder refuses the file (found in review).
func TestDeepValuesGoToTheStreamDecoder(t *testing.T) {
	for _, depth := range []int{maxScanDepth + 1, 9998} {
		deep := strings.Repeat("[", depth) + strings.Repeat("]", depth)
		data := []byte(`{"version":1,"organization":{"home":"DE"},"knowledge":{"a":` + deep + `}}`)
		if _, ok := decodeJSONFast(&source{name: "d.json", data: data, isJSON: true}); ok {
			t.Errorf("depth %d: the fast path accepted a value nested past its bound", depth)
		}
	}
	shallow := []byte(`{"version":1,"knowledge":{"a":` + strings.Repeat("[", 50) + strings.Repeat("]", 50) + `}}`)
	if _, ok := decodeJSONFast(&source{name: "s.json", data: shallow, isJSON: true}); !ok {
		t.Error("the fast path refused a value nested 50 deep")
	}
}
