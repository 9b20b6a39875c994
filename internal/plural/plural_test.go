package plural

import "testing"

func TestCount(t *testing.T) {
	for _, tt := range []struct {
		n    int
		noun string
		many []string
		want string
	}{
		{0, "component", nil, "0 components"},
		{1, "component", nil, "1 component"},
		{2, "component", nil, "2 components"},
		{1, "entry", []string{"entries"}, "1 entry"},
		{5, "entry", []string{"entries"}, "5 entries"},
		{-1, "day", nil, "-1 days"},
	} {
		if got := Count(tt.n, tt.noun, tt.many...); got != tt.want {
			t.Errorf("Count(%d, %q, %q) = %q, want %q", tt.n, tt.noun, tt.many, got, tt.want)
		}
	}
	if Pick(1, "holds", "hold") != "holds" || Pick(0, "holds", "hold") != "hold" {
		t.Error("Pick does not agree with its count")
	}
}
