package server

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

func yamlToJSON(t *testing.T, y []byte) []byte {
	t.Helper()
	var v any
	if err := yaml.Unmarshal(y, &v); err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestPasswordHash(t *testing.T) {
	h, err := hashPassword("correct horse", *cheap)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=1024,t=1,p=1$") {
		t.Fatalf("hash %q", h)
	}
	if ok, err := checkPassword(h, "correct horse"); !ok || err != nil {
		t.Fatalf("right password: %v %v", ok, err)
	}
	if ok, _ := checkPassword(h, "correct horse "); ok {
		t.Fatal("wrong password accepted")
	}
	h2, _ := hashPassword("correct horse", *cheap)
	if h == h2 {
		t.Fatal("two hashes of one password are equal: no salt")
	}
	for _, bad := range []string{"", "plain", "$argon2i$v=19$m=1024,t=1,p=1$c2FsdA$aGFzaA", "$argon2id$v=18$m=1024,t=1,p=1$c2FsdA$aGFzaA",
		"$argon2id$v=19$m=1024,t=0,p=1$c2FsdA$aGFzaA", "$argon2id$v=19$m=1024,t=1,p=1$!!$aGFzaA", "$argon2id$v=19$m=1024,t=1,p=1$c2FsdA$"} {
		if ok, err := checkPassword(bad, "x"); ok || err == nil {
			t.Errorf("checkPassword(%q) = %v, %v; want an error", bad, ok, err)
		}
	}
}

func FuzzCheckPassword(f *testing.F) {
	h, _ := hashPassword("pw", *cheap)
	f.Add(h, "pw")
	f.Add("$argon2id$v=19$m=1,t=1,p=1$$", "")
	f.Fuzz(func(t *testing.T, encoded, password string) {
		// Keep the fuzzer from asking for gigabytes of argon2 memory.
		if strings.Contains(encoded, "m=") && !strings.Contains(encoded, "m=1024,") && !strings.Contains(encoded, "m=1,") {
			return
		}
		checkPassword(encoded, password) // must not panic
	})
}

func TestCheckNewPassword(t *testing.T) {
	// The refused passwords are well known: the top of every published
	// list of leaked passwords, keyboard walks, a name, repeats.
	tests := []struct {
		login, name, pw string
		ok              bool
	}{
		{"alice", "", "correct horse battery", true},
		{"alice", "", "short", false},
		{"alicealiceal", "", "ALICEALICEAL", false},
		{"bob", "", strings.Repeat("x", 1025), false},
		{"bob", "", "ünïcödé-pässwörd", true},
		{"bob", "", "password1234", false},
		{"bob", "", "123456789012", false},
		{"bob", "", "qwertyuiop123", false},
		{"bob", "", "iloveyou1234", false},
		{"bob", "", "aaaaaaaaaaaaaaaa", false},
		{"bob", "", "Password123!", false},
		{"bob", "Robert Smith", "robert smith", false},
		{"bob", "Robert Smith", "Robert Smith 1980", false},
		{"bob", "", "zebra lantern quietly orbit", true},
		{"bob", "", strings.Repeat("a", 200) + "x", false}, // rated on its first 100 characters, quickly
	}
	for _, tc := range tests {
		if err := checkNewPassword(tc.login, tc.name, tc.pw); (err == nil) != tc.ok {
			t.Errorf("checkNewPassword(%q, %q, %q) = %v", tc.login, tc.name, tc.pw, err)
		}
	}
}

func TestSafeNext(t *testing.T) {
	tests := map[string]string{
		"":                      "/",
		"/w/default/components": "/w/default/components",
		"//evil.example/":       "/",
		"https://evil.example/": "/",
		`/\evil.example`:        "/",
		"relative":              "/",
		"/w/x?y=1":              "/w/x?y=1",
	}
	for in, want := range tests {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCleanUploadName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"inventory.yaml", "inventory.yaml"},
		{"dir/sub/x.yaml", "dir/sub/x.yaml"},
		{"../../etc/passwd", "etc/passwd"},
		{"/abs/x.json", "abs/x.json"},
		{`win\dir\x.yaml`, "win/dir/x.yaml"},
		{"", ""},
		{"..", ""},
		{"c:x.yaml", ""},
	}
	for _, tc := range tests {
		got, err := cleanUploadName(tc.in)
		if tc.want == "" {
			if err == nil {
				t.Errorf("cleanUploadName(%q) = %q, want an error", tc.in, got)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("cleanUploadName(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
}

func FuzzCleanUploadName(f *testing.F) {
	for _, s := range []string{"a.yaml", "../x", "a/../../b", `\\server\share`, "/", "a\x00b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		got, err := cleanUploadName(name)
		if err != nil {
			return
		}
		if strings.HasPrefix(got, "/") || got == ".." || strings.HasPrefix(got, "../") || strings.Contains(got, "/../") || strings.Contains(got, "\x00") {
			t.Fatalf("cleanUploadName(%q) = %q escapes the upload", name, got)
		}
	})
}

func TestComponentQuery(t *testing.T) {
	tests := []struct {
		query string
		ok    bool
	}{
		{"", true},
		{"layer=compute&level=2&min_gap=1&provider=p&jurisdiction=US&q=x&sort=gap&desc=1&offset=50&limit=100", true},
		{"level=5", false},
		{"level=-1", false},
		{"min_gap=two", false},
		{"limit=1001", false},
		{"offset=-1", false},
		{"sort=name", false},
		{"layer=kitchen", false},
	}
	for _, tc := range tests {
		vals, _ := url.ParseQuery(tc.query)
		q, err := componentQuery(vals)
		if (err == nil) != tc.ok {
			t.Errorf("componentQuery(%q) = %+v, %v", tc.query, q, err)
		}
	}
	vals, _ := url.ParseQuery("level=0&desc=true")
	q, _ := componentQuery(vals)
	if q.Level == nil || *q.Level != 0 || !q.Desc {
		t.Fatalf("level=0 must filter on exposed: %+v", q)
	}
}

func TestCSVSafe(t *testing.T) {
	for in, want := range map[string]string{"=SUM(A1)": "'=SUM(A1)", "+1": "'+1", "@x": "'@x", "plain": "plain", "": ""} {
		if got := csvSafe(in); got != want {
			t.Errorf("csvSafe(%q) = %q, want %q", in, got, want)
		}
	}
}
